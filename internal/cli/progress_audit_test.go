package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestCountProgress draws on one line and clears it; nothing at all
// when not shown (not a terminal, or --quiet).
func TestCountProgress(t *testing.T) {
	var b bytes.Buffer
	up, clear := countProgress(&b, "audit: accounts", true)
	up(1, 3)
	up(3, 3)
	clear()
	out := b.String()
	if !strings.Contains(out, "audit: accounts 1/3") || !strings.Contains(out, "audit: accounts 3/3") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Fatalf("progress %q", out)
	}
	b.Reset()
	up, clear = countProgress(&b, "x", false)
	up(1, 1)
	clear()
	if b.Len() != 0 {
		t.Fatalf("hidden progress wrote %q", b.String())
	}
}
