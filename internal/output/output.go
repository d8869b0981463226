// Package output renders command results in the contract's formats:
// table for people, json, jsonl and yaml for machines. Findings-specific
// formats (csv, asff, ocsf, sarif, html) are produced by their own
// packages and plugged in through Renderer.
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/safetext"
)

// Format is an output format name as given to --output.
type Format string

// The general formats every command understands.
const (
	Table Format = "table"
	JSON  Format = "json"
	JSONL Format = "jsonl"
	YAML  Format = "yaml"
	CSV   Format = "csv"
	ASFF  Format = "asff"
	OCSF  Format = "ocsf"
	SARIF Format = "sarif"
	HTML  Format = "html"
)

// General lists the formats every command takes.
var General = []Format{Table, JSON, JSONL, YAML}

// Findings lists the extra formats of commands that produce findings.
var Findings = []Format{CSV, ASFF, OCSF, SARIF, HTML}

// Parse checks a format name against the formats a command allows.
func Parse(s string, allowed ...Format) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if len(allowed) == 0 {
		allowed = General
	}
	for _, a := range allowed {
		if a == f {
			return f, nil
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown output format %q (this command takes %s)", s, strings.Join(names, ", "))
}

// Renderer writes one result in one format. Packages with their own
// formats (findings as ASFF, SARIF, ...) implement it.
type Renderer interface {
	Render(w io.Writer, f Format) error
}

// Encode writes v as one JSON or YAML document. For JSONL, v must be a
// slice: each element becomes one line. Table falls back to YAML-like
// indentation when v has no table form; callers with rows use Table.
func Encode(w io.Writer, f Format, v any) error {
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	case JSONL:
		return encodeLines(w, v)
	case YAML, Table:
		// yaml.v3 does not know json tags; go through JSON so that field
		// names are the same in every format.
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		var generic any
		if err := json.Unmarshal(b, &generic); err != nil {
			return err
		}
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(generic); err != nil {
			return err
		}
		return enc.Close()
	}
	return fmt.Errorf("format %q has no generic encoder", f)
}

func encodeLines(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		// Not a list: one object, one line.
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	for _, it := range items {
		if _, err := fmt.Fprintf(w, "%s\n", it); err != nil {
			return err
		}
	}
	return nil
}

// Lines streams values as JSON Lines, one Write call per value.
type Lines struct {
	enc *json.Encoder
}

// NewLines returns a JSON Lines writer on w.
func NewLines(w io.Writer) *Lines {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &Lines{enc: enc}
}

// Write encodes one value on its own line.
func (l *Lines) Write(v any) error { return l.enc.Encode(v) }

// TableWriter renders aligned columns for a terminal.
type TableWriter struct {
	tw   *tabwriter.Writer
	w    io.Writer
	rows [][]string
}

// NewTable starts a table with the given headers.
func NewTable(w io.Writer, headers ...string) *TableWriter {
	t := &TableWriter{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0), w: w}
	if len(headers) > 0 {
		t.Row(headers...)
	}
	return t
}

// Row adds one row. Every cell goes through safetext.Clean: tabs and
// newlines are flattened so that a hostile value cannot break the
// layout, and control sequences (ESC, OSC-8 links, BEL), C1 controls and
// Unicode format characters (bidi overrides, zero-width characters) are
// shown escaped instead of reaching the terminal.
func (t *TableWriter) Row(cells ...string) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = safetext.Clean(c)
	}
	t.rows = append(t.rows, row)
}

// Flush writes the rows added since the last Flush. Tables of one-cell
// wide text go through text/tabwriter; a table with East Asian wide
// characters (Japanese headers or names) is aligned by display width.
func (t *TableWriter) Flush() error {
	rows := t.rows
	t.rows = nil
	if hasWide(rows) {
		return writeAligned(t.w, rows)
	}
	for _, row := range rows {
		fmt.Fprintln(t.tw, strings.Join(row, "\t"))
	}
	return t.tw.Flush()
}
