package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDemoRunsTheWholeProduct checks the README's first command: the
// demo exits 0, shows every section, and every planted detection fires.
func TestDemoRunsTheWholeProduct(t *testing.T) {
	code, out, errOut := run(t, nil, "demo", "--output", "table")
	if code != 0 {
		t.Fatalf("orgrail demo exited %d: %s", code, errOut)
	}
	for _, want := range []string{"== Organization", "== Guardrails", "== Summary", "== Detective guardrails", "== Detections", "== Self-check"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	code, out, _ = run(t, nil, "demo", "--output", "json")
	if code != 0 {
		t.Fatalf("json exit %d", code)
	}
	var doc struct {
		Report struct {
			Planted demoPlantedCheck `json:"planted"`
		} `json:"report"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Report.Planted
	if p.Detections == 0 || p.DetectionsFired != p.Detections {
		t.Errorf("planted detections fired %d of %d: missed %v", p.DetectionsFired, p.Detections, p.MissedDetections)
	}
	if p.Violations == 0 || p.ViolationsFound != p.Violations || p.UnplannedFailures != 0 {
		t.Errorf("planted violations found %d of %d, %d not planted: missed %v, extra %v",
			p.ViolationsFound, p.Violations, p.UnplannedFailures, p.MissedViolations, p.UnplannedFindings)
	}
}
