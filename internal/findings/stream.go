package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
)

// renderJSONStream writes the report as output.Encode(JSON) would, byte
// for byte (two-space indent, no HTML escaping), but one finding at a
// time through a buffered writer: memory stays at one finding's JSON
// instead of the whole document (about 150 MB, then its indented copy,
// for 161,000 findings).
func renderJSONStream(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var raw, ind bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	// encode writes v at the given depth: compact JSON, indented with
	// the prefix of its depth, as the whole document's encoder would.
	encode := func(v any, prefix string) error {
		raw.Reset()
		ind.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		if err := json.Indent(&ind, bytes.TrimSuffix(raw.Bytes(), []byte("\n")), prefix, "  "); err != nil {
			return err
		}
		_, err := bw.Write(ind.Bytes())
		return err
	}
	// The document's fields other than the findings and the summary.
	head := *r
	head.Findings = nil
	raw.Reset()
	if err := enc.Encode(&head); err != nil {
		return err
	}
	// {"orgId":…,"findings":null}: keep what comes before "findings".
	compact := bytes.TrimSuffix(raw.Bytes(), []byte("\n"))
	cut := bytes.LastIndex(compact, []byte(`,"findings":`))
	if cut < 0 {
		cut = bytes.LastIndex(compact, []byte(`"findings":`)) - 1
	}
	if err := json.Indent(&ind, append(append([]byte{}, compact[:cut]...), '}'), "", "  "); err != nil {
		return err
	}
	b := bytes.TrimSuffix(ind.Bytes(), []byte("\n}"))
	bw.Write(b)
	if cut > 1 {
		bw.WriteString(",")
	}
	bw.WriteString("\n  \"findings\": ")
	switch {
	case r.Findings == nil:
		bw.WriteString("null")
	case len(r.Findings) == 0:
		bw.WriteString("[]")
	default:
		bw.WriteString("[\n")
		fw := findingWriter{in1: "\n      ", in2: "\n        ", end: "\n    }"}
		for i := range r.Findings {
			bw.WriteString("    ")
			fw.b = fw.appendFinding(fw.b[:0], &r.Findings[i])
			if _, err := bw.Write(fw.b); err != nil {
				return err
			}
			if i < len(r.Findings)-1 {
				bw.WriteString(",")
			}
			bw.WriteString("\n")
		}
		bw.WriteString("  ]")
	}
	bw.WriteString(",\n  \"summary\": ")
	if err := encode(Summarize(r.Findings), "  "); err != nil {
		return err
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// findingWriter writes a Finding's JSON as encoding/json (HTML not
// escaped) and json.Indent would, without reflection or the second
// pass: the finding is most of the document, and this halves the cost of
// --output json (bench/audit.md). TestJSONStreamMatchesEncoder checks
// the bytes against the encoder.
type findingWriter struct {
	in1, in2, end string // newline and indent of the fields, of the mappings' fields, and the closing brace
	b             []byte
	str           bytes.Buffer
	enc           *json.Encoder
}

func (w *findingWriter) appendFinding(b []byte, f *Finding) []byte {
	b = append(b, '{')
	b = w.field(b, w.in1, "id", f.ID, false)
	b = w.field(b, w.in1, "ruleId", f.RuleID, true)
	b = w.field(b, w.in1, "title", f.Title, true)
	b = w.field(b, w.in1, "status", string(f.Status), true)
	b = w.field(b, w.in1, "severity", f.Severity.String(), true)
	b = w.field(b, w.in1, "account", f.Account, true)
	b = w.field(b, w.in1, "accountName", f.AccountName, true)
	b = w.field(b, w.in1, "ou", f.OU, true)
	b = w.field(b, w.in1, "region", f.Region, true)
	b = w.field(b, w.in1, "resourceArn", f.ResourceArn, true)
	if f.ResourceType != "" {
		b = w.field(b, w.in1, "resourceType", f.ResourceType, true)
	}
	if f.Message != "" {
		b = w.field(b, w.in1, "message", f.Message, true)
	}
	b = append(b, ',')
	b = append(b, w.in1...)
	b = append(b, `"muted": `...)
	b = strconv.AppendBool(b, f.Muted)
	if f.MuteReason != "" {
		b = w.field(b, w.in1, "muteReason", f.MuteReason, true)
	}
	if f.MuteExpires != "" {
		b = w.field(b, w.in1, "muteExpires", f.MuteExpires, true)
	}
	b = append(b, ',')
	b = append(b, w.in1...)
	b = append(b, `"mappings": {`...)
	m := &f.Mappings
	n := 0
	for _, kv := range [...]struct{ k, v string }{{"configRule", m.ConfigRule}, {"securityHub", m.SecurityHub},
		{"cis", m.CIS}, {"nistCsf", m.NistCsf}, {"controlTower", m.ControlTower}} {
		if kv.v != "" {
			b = w.field(b, w.in2, kv.k, kv.v, n > 0)
			n++
		}
	}
	if n > 0 {
		b = append(b, w.in1...)
	}
	b = append(b, '}')
	return append(b, w.end...)
}

// field appends `,` (when comma), the indent, `"key": ` and the value
// as a JSON string.
func (w *findingWriter) field(b []byte, in, key, v string, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = append(b, in...)
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, `": `...)
	return w.appendString(b, v)
}

// appendString appends s as encoding/json writes it with HTML escaping
// off. Printable ASCII without quote or backslash is copied; anything
// else (control characters, non-ASCII with U+2028, U+2029 and invalid
// UTF-8) goes through the encoder itself.
func (w *findingWriter) appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			if w.enc == nil {
				w.enc = json.NewEncoder(&w.str)
				w.enc.SetEscapeHTML(false)
			}
			w.str.Reset()
			w.enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(w.str.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
