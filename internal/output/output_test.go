package output

import (
	"bytes"
	"strings"
	"testing"
)

type row struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func TestEncode(t *testing.T) {
	rows := []row{{"a", 1}, {"b", 2}}
	var b bytes.Buffer
	if err := Encode(&b, JSONL, rows); err != nil {
		t.Fatal(err)
	}
	if b.String() != "{\"name\":\"a\",\"count\":1}\n{\"name\":\"b\",\"count\":2}\n" {
		t.Fatalf("jsonl: %q", b.String())
	}
	b.Reset()
	Encode(&b, YAML, rows)
	if !strings.Contains(b.String(), "name: a") || strings.Contains(b.String(), "Name") {
		t.Fatalf("yaml uses json names: %q", b.String())
	}
	b.Reset()
	Encode(&b, JSON, map[string]string{"x": "<y>"})
	if !strings.Contains(b.String(), "<y>") {
		t.Fatal("json must not HTML-escape")
	}
	if _, err := Parse("xml"); err == nil {
		t.Fatal("want error for unknown format")
	}
	if f, err := Parse("SARIF", Findings...); err != nil || f != SARIF {
		t.Fatal("findings format")
	}
}

func TestTableFlattensHostileCells(t *testing.T) {
	var b bytes.Buffer
	tw := NewTable(&b, "A", "B")
	tw.Row("x\ny", "z\tw")
	tw.Flush()
	if strings.Count(b.String(), "\n") != 2 {
		t.Fatalf("table broken by cell content: %q", b.String())
	}
}
