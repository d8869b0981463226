package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/findings"
)

// TestFindingHistoryFromStoredRuns: a finding's page lists its state in
// every stored run, whether the run kept it in its rule's document
// (PASSED) or as a row (FAILED), newest first; the compliance page's
// trend reads the same runs.
func TestFindingHistoryFromStoredRuns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	d, err := Load(ctx, Source{SnapshotDir: f.snap, ConfigDir: f.cfg, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(d.Report.Findings, func(x findings.Finding) bool { return x.Status == findings.Passed })
	if i < 0 {
		t.Fatal("the demo has no passing finding")
	}
	target := d.Report.Findings[i]
	id1, err := findings.SaveRun(ctx, f.st.DB(), d.Report, "snap", "ok", now.Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	failing := *d.Report
	failing.Findings = slices.Clone(d.Report.Findings)
	failing.Findings[i].Status = findings.Failed
	id2, err := findings.SaveRun(ctx, f.st.DB(), &failing, "snap", "ok", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, ts := f.server(t, "")
	resp, body := get(t, ts.Client(), ts.URL+"/findings/"+target.ID)
	if resp.StatusCode != 200 {
		t.Fatalf("finding page: %d", resp.StatusCode)
	}
	start := strings.Index(body, `id="history"`)
	if start < 0 {
		t.Fatal("the finding page has no history")
	}
	hist := body[start:]
	hist = hist[:strings.Index(hist, "</table>")]
	r2 := strings.Index(hist, fmt.Sprintf("<td>%d</td>", id2))
	r1 := strings.Index(hist, fmt.Sprintf("<td>%d</td>", id1))
	if r2 < 0 || r1 < r2 || !strings.Contains(hist[r2:r1], "FAILED") || !strings.Contains(hist[r1:], "PASSED") {
		t.Fatalf("history of %s, want run %d FAILED then run %d PASSED:\n%s", target.ID, id2, id1, hist)
	}
	if resp, _ := get(t, ts.Client(), ts.URL+"/compliance"); resp.StatusCode != 200 {
		t.Fatalf("compliance page over the stored runs: %d", resp.StatusCode)
	}
}
