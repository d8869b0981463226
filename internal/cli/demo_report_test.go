package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/rules"
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
	if p.UnplannedDetections != 0 {
		t.Errorf("%d detections not planted: %v", p.UnplannedDetections, p.UnplannedDetected)
	}
	if p.Violations == 0 || p.ViolationsFound != p.Violations || p.UnplannedFailures != 0 {
		t.Errorf("planted violations found %d of %d, %d not planted: missed %v, extra %v",
			p.ViolationsFound, p.Violations, p.UnplannedFailures, p.MissedViolations, p.UnplannedFindings)
	}
}

// TestDemoGenerateWritesItsConfiguration: demo generate writes
// DIR/orgrail, which passes validate, and an audit of DIR/snapshot with
// --config DIR/orgrail finds every violation of planted.json (the
// required-tags ones included) and no failure that was not planted.
func TestDemoGenerateWritesItsConfiguration(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errOut := run(t, nil, "demo", "generate", "--out", dir); code != 0 {
		t.Fatalf("generate: exit %d %s", code, errOut)
	}
	cfg := filepath.Join(dir, "orgrail")
	if code, out, errOut := run(t, nil, "validate", cfg); code != 0 {
		t.Fatalf("validate %s: exit %d %s %s", cfg, code, out, errOut)
	}
	code, out, errOut := run(t, nil, "audit", "--snapshot", filepath.Join(dir, "snapshot"), "--config", cfg,
		"--no-store", "--fail-on", "none", "--output", "json", "--quiet")
	if code != 0 {
		t.Fatalf("audit: exit %d %s", code, errOut)
	}
	var doc struct {
		Findings []findings.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	rep := &demoReport{ruleOf: map[string]*rules.Rule{}}
	for _, r := range rules.Builtin() {
		rep.ruleOf[r.ID] = r
	}
	for _, f := range doc.Findings {
		if f.Status == findings.Failed && !f.Muted {
			rep.Failed = append(rep.Failed, f)
		}
	}
	if err := rep.checkPlanted(filepath.Join(dir, "planted.json")); err != nil {
		t.Fatal(err)
	}
	p := rep.Planted
	if p.Violations == 0 || p.ViolationsFound != p.Violations || p.UnplannedFailures != 0 {
		t.Errorf("audit --config: %d of %d planted violations, %d not planted: missed %v, extra %v",
			p.ViolationsFound, p.Violations, p.UnplannedFailures, p.MissedViolations, p.UnplannedFindings)
	}
	hasTags := false
	for _, f := range rep.Failed {
		hasTags = hasTags || strings.Contains(f.RuleID, "required-tags")
	}
	if !hasTags {
		t.Error("no required-tags failure: the configuration's requiredTags is not applied")
	}
}
