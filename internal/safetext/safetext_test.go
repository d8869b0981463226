package safetext

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ünïcode", "plain ünïcode"},
		{"a\tb\nc\rd", "a b c d"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x1b]8;;http://evil\x07link\x1b]8;;\x07", `\x1b]8;;http://evil\x07link\x1b]8;;\x07`},
		{"bell\a", `bell\x07`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b2J", `c1 \x9b2J`},
		{"raw \x9b2J", `raw \x9b2J`}, // an 8-bit CSI that is not UTF-8
		{"user\u202egnp.exe", `user\u202egnp.exe`},
		{"iso\u2066late\u2069", `iso\u2066late\u2069`},
		{"zero\u200bwidth\ufeff", `zero\u200bwidth\ufeff`},
		{"line\u2028sep", `line\u2028sep`},
	}
	for _, tc := range tests {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanTextKeepsLines(t *testing.T) {
	got := CleanText("first \x1b[2J\n\tsecond\u202e")
	if got != "first \\x1b[2J\n\tsecond\\u202e" {
		t.Fatalf("CleanText = %q", got)
	}
}

func TestQuoteIsBounded(t *testing.T) {
	huge := strings.Repeat("\x00", 4<<20)
	q := Quote(huge)
	if len(q) > 4*QuoteLimit+64 || !strings.Contains(q, "4194304 bytes") {
		t.Fatalf("Quote of 4 MB gives %d bytes: %.80s", len(q), q)
	}
	if q := QuoteBytes([]byte(huge)); len(q) > 4*QuoteLimit+64 {
		t.Fatalf("QuoteBytes gives %d bytes", len(q))
	}
	if q := Quote(strings.Repeat("é", 150)); !strings.HasSuffix(q, "(300 bytes)") || strings.Contains(q, `\x`) {
		t.Fatalf("cut inside a character: %s", q)
	}
	if Quote("ok") != `"ok"` {
		t.Fatal(Quote("ok"))
	}
}
