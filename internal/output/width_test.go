package output

import (
	"bytes"
	"strings"
	"testing"
)

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"abc": 3, "重要度": 6, "Config ルール": 13, "ｱ": 1, "": 0, "é": 1} {
		if got := DisplayWidth(s); got != want {
			t.Errorf("DisplayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestTableAlignsWideText checks that a table with Japanese headers lines
// its columns up by display width, and that an ASCII table is what
// text/tabwriter makes of it.
func TestTableAlignsWideText(t *testing.T) {
	var b bytes.Buffer
	tw := NewTable(&b, "ステータス", "重要度", "ルール")
	tw.Row("FAILED", "high", "s3.bucket-public-read")
	tw.Row("失敗", "高", "iam.root-mfa")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "ステータス  重要度  ルール\n" +
		"FAILED      high    s3.bucket-public-read\n" +
		"失敗        高      iam.root-mfa\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	tw = NewTable(&b, "STATUS", "SEVERITY", "RULE")
	tw.Row("FAILED", "high", "s3.bucket-public-read")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "STATUS  SEVERITY  RULE\nFAILED  high      s3") {
		t.Errorf("ASCII table:\n%s", b.String())
	}
}
