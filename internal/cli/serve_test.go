package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/store"
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

// TestDemoStoreHasHistory: the demo's seeded store holds today's audit
// and demoHistoryWeeks synthesized weekly runs before it, each with more
// failed findings the further back it lies, so the dashboard's trend is
// a line rather than a point.
func TestDemoStoreHasHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo store")
	}
	dir := t.TempDir()
	state := filepath.Join(dir, "state.db")
	var stdout, errb bytes.Buffer
	if code := Main([]string{"report", "--demo", "--state", state, "--html", filepath.Join(dir, "r.html"), "--quiet"}, strings.NewReader(""), &stdout, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	st, err := store.Open(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := findings.Runs(context.Background(), st.DB(), "", 60)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != demoHistoryWeeks+1 {
		t.Fatalf("%d runs stored, want %d", len(runs), demoHistoryWeeks+1)
	}
	prev := -1
	for i := len(runs) - 1; i >= 0; i-- { // oldest first
		fs, err := findings.LoadRun(context.Background(), st.DB(), runs[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		failed := findings.Summarize(fs).Total.Failed
		if prev >= 0 && failed >= prev {
			t.Errorf("run %d (%s): %d failed, not fewer than the week before (%d)", runs[i].ID, runs[i].StartedAt, failed, prev)
		}
		prev = failed
		wantSource := demoHistorySource
		if i == 0 {
			wantSource = "demo"
		}
		if runs[i].Source != wantSource {
			t.Errorf("run %d: source %q, want %q", runs[i].ID, runs[i].Source, wantSource)
		}
	}
}
