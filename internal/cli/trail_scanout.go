package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/trail"
)

// scanWriter writes `trail scan` detections as the scan emits them, so
// that no output format holds every detection in memory.
type scanWriter struct {
	format output.Format
	bw     *bufio.Writer
	lines  *output.Lines
	table  *output.TableWriter
	rows   int
	n      int
	err    error
	lang   i18n.Lang
}

// tableChunk is how many table rows are aligned together: the table is
// flushed every tableChunk rows instead of once at the end.
const tableChunk = 1000

func newScanWriter(w io.Writer, f output.Format, lang i18n.Lang) *scanWriter {
	s := &scanWriter{format: f, bw: bufio.NewWriterSize(w, 1<<16), lang: lang}
	switch f {
	case output.JSONL:
		s.lines = output.NewLines(s.bw)
	case output.Table:
		s.newTable()
	}
	return s
}

func (s *scanWriter) newTable() {
	s.table = output.NewTable(s.bw, i18n.Headers(s.lang, "TIME", "SEVERITY", "DETECTION", "ACCOUNT", "REGION", "PRINCIPAL", "EVENT", "SOURCE IP")...)
}

// write takes one detection (ScanOptions.Emit).
func (s *scanWriter) write(d trail.Detection) error {
	if s.err != nil {
		return s.err
	}
	s.n++
	switch s.format {
	case output.JSONL:
		s.err = s.lines.Write(d)
	case output.JSON:
		if s.n == 1 {
			_, s.err = s.bw.WriteString("{\n  \"detections\": [\n    ")
		} else {
			_, s.err = s.bw.WriteString(",\n    ")
		}
		if s.err == nil {
			s.err = writeJSON(s.bw, d)
		}
	default:
		acct := d.Account
		if d.AccountName != "" {
			acct += " (" + d.AccountName + ")"
		}
		s.table.Row(d.EventTime, d.Severity.String(), d.DetectionID, acct, d.Region, d.Principal, d.EventName, d.SourceIP)
		if s.rows++; s.rows%tableChunk == 0 {
			s.err = s.table.Flush()
		}
	}
	return s.err
}

// close ends the output; for JSON it writes the result's other fields
// after the detections.
func (s *scanWriter) close(res *trail.ScanResult) error {
	if s.err != nil {
		return s.err
	}
	switch s.format {
	case output.JSON:
		if s.n == 0 {
			s.bw.WriteString("{\n  \"detections\": [")
		} else {
			s.bw.WriteString("\n  ")
		}
		s.bw.WriteString("],\n")
		b, err := json.MarshalIndent(struct {
			Source     string            `json:"source"`
			Stats      trail.Stats       `json:"stats"`
			Count      int               `json:"count"`
			Suppressed int               `json:"suppressed"`
			Duplicates int               `json:"duplicates"`
			Errors     []trail.FileError `json:"errors"`
			Partial    bool              `json:"partial"`
		}{res.Source, res.Stats, res.Count, res.Suppressed, res.Duplicates, nonNilErrors(res.Errors), res.Partial}, "", "  ")
		if err != nil {
			return err
		}
		// Splice the object's members after "detections".
		s.bw.Write(b[2 : len(b)-2])
		s.bw.WriteString("\n}\n")
	case output.Table:
		if err := s.table.Flush(); err != nil {
			return err
		}
	}
	return s.bw.Flush()
}

func nonNilErrors(e []trail.FileError) []trail.FileError {
	if e == nil {
		return []trail.FileError{}
	}
	return e
}

// writeJSON writes v as compact JSON without HTML escaping.
func writeJSON(w *bufio.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}
