package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
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
		for i := range r.Findings {
			bw.WriteString("    ")
			if err := encode(&r.Findings[i], "    "); err != nil {
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
