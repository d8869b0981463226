package textdiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnifiedSmall(t *testing.T) {
	a := "one\ntwo\nthree\nfour\n"
	b := "one\n2\nthree\nfour\nfive\n"
	got := Unified("a", "b", Lines(a, b), 1)
	want := "--- a\n+++ b\n@@ -1,4 +1,5 @@\n one\n-two\n+2\n three\n four\n+five\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if Unified("a", "b", Lines(a, a), 3) != "" {
		t.Error("equal texts gave a diff")
	}
}

// TestAgainstPatch applies the diff with GNU patch, an independent
// reader of the unified format, and checks it turns a into b.
func TestAgainstPatch(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch not installed")
	}
	cases := [][2]string{
		{"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\nl\n"},
		{"", "new\nfile\n"},
		{"x\ny\n", ""},
		{strings.Repeat("same\n", 20) + "old\n" + strings.Repeat("same\n", 20), strings.Repeat("same\n", 20) + "new\n" + strings.Repeat("same\n", 19)},
	}
	for i, c := range cases {
		dir := t.TempDir()
		f := filepath.Join(dir, "f")
		if err := os.WriteFile(f, []byte(c[0]), 0o600); err != nil {
			t.Fatal(err)
		}
		diff := Unified("f", "f", Lines(c[0], c[1]), 3)
		cmd := exec.Command(patch, "-s", "-p0", f)
		cmd.Stdin = strings.NewReader(diff)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: patch: %v\n%s\n%s", i, err, out, diff)
		}
		got, _ := os.ReadFile(f)
		if string(got) != c[1] {
			t.Errorf("case %d: patched to %q, want %q\n%s", i, got, c[1], diff)
		}
	}
}
