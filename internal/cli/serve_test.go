package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesOpenAddressWithoutToken: a non-loopback --addr needs
// --token, checked before anything is loaded or bound.
func TestServeRefusesOpenAddressWithoutToken(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--demo", "--addr", "0.0.0.0:8080"},
		{"serve", "--demo", "--addr", ":8080"},
		{"serve", "--demo", "--addr", "10.1.2.3:8080", "--token", "short"},
		{"serve", "--demo", "--addr", "nonsense"},
		{"serve", "--demo", "--snapshot", "x"},
	} {
		var out, errb bytes.Buffer
		if code := Main(args, strings.NewReader(""), &out, &errb); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errb.String())
		}
	}
}

// TestReportHTMLDemo writes the static report of the demo organization
// through the command line.
func TestReportHTMLDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo store")
	}
	out := filepath.Join(t.TempDir(), "report.html")
	var stdout, errb bytes.Buffer
	if code := Main([]string{"report", "--demo", "--html", out, "--quiet"}, strings.NewReader(""), &stdout, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="heatmap"`, "region-allow-list", `id="triage-open"`, "uPlot"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
}
