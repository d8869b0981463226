package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/trail"
)

// demoReport is what `orgrail demo` adds after the organization view:
// the detective guardrails' findings, the detections in the Log Archive,
// and how both compare with what the generator planted.
type demoReport struct {
	Findings   *findings.Summary  `json:"findings"`
	Failed     []findings.Finding `json:"failed"`
	Detections []trail.Detection  `json:"detections"`
	Planted    demoPlantedCheck   `json:"planted"`

	ruleOf map[string]*rules.Rule
}

// demoPlantedCheck says how many planted violations and detections the
// engines found, and which they missed or added.
type demoPlantedCheck struct {
	Violations        int      `json:"violations"`
	ViolationsFound   int      `json:"violationsFound"`
	UnplannedFailures int      `json:"unplannedFailures"`
	Detections        int      `json:"detections"`
	DetectionsFired   int      `json:"detectionsFired"`
	MissedViolations  []string `json:"missedViolations,omitempty"`
	MissedDetections  []string `json:"missedDetections,omitempty"`
	UnplannedFindings []string `json:"unplannedFindings,omitempty"`
	// UnplannedDetections counts detections of events the generator did
	// not plant (false positives of the pack, or planted.json lagging).
	UnplannedDetections int      `json:"unplannedDetections"`
	UnplannedDetected   []string `json:"unplannedDetected,omitempty"`
}

type plantedFile struct {
	Violations []struct {
		ConfigRule, Account, Region, ResourceArn string
	} `json:"violations"`
	Detections []struct {
		EventName, EventID, DetectionID string
	} `json:"detections"`
}

// buildDemoReport audits the snapshot and scans the archive and events
// of a demo directory.
func buildDemoReport(cmd *cobra.Command, g *Globals, dir string) (*demoReport, error) {
	snap, err := snapshot.Open(dir)
	if err != nil {
		return nil, err
	}
	// The demo organization's landing-zone configuration (DIR/orgrail,
	// written with it): its allowed regions and the tags its tag policy
	// requires. The self-check audits as a user would with --config.
	opt := rules.Options{Rules: rules.Builtin()}
	if err := demoConfig(dir, &opt); err != nil {
		return nil, err
	}
	res, err := rules.Audit(snap, opt)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	rep := &demoReport{Findings: res.Summary(), ruleOf: map[string]*rules.Rule{}}
	for _, r := range res.Rules {
		rep.ruleOf[r.ID] = r
	}
	for _, f := range res.Report.Findings {
		if f.Status == findings.Failed && !f.Muted {
			rep.Failed = append(rep.Failed, f)
		}
	}
	m, err := trailLoadMatcher(g, "", snap.Org, false)
	if err != nil {
		return nil, err
	}
	var srcs []trail.Source
	for _, sub := range []string{"logarchive", "events"} {
		src, err := trailOpen(cmd, g, filepath.Join(dir, sub))
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, src)
	}
	scan, err := trail.ScanAll(cmd.Context(), srcs, trail.ScanOptions{Matcher: m, Org: snap.Org})
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	rep.Detections = scan.Detections
	if err := rep.checkPlanted(filepath.Join(dir, "planted.json")); err != nil {
		return nil, err
	}
	return rep, nil
}

// demoConfig applies the demo directory's landing-zone configuration.
func demoConfig(dir string, opt *rules.Options) error {
	cfgDir := filepath.Join(dir, demo.ConfigDir)
	if _, err := os.Stat(cfgDir); err != nil {
		return fmt.Errorf("%s: %w (written by orgrail demo generate)", cfgDir, err)
	}
	c, diags, err := config.Load(cfgDir)
	if err != nil {
		return err
	}
	if diags.Max().Reaches(severity.High) {
		return fmt.Errorf("%s: the demo configuration does not validate", cfgDir)
	}
	rules.ApplyConfig(opt, c)
	return nil
}

func (r *demoReport) checkPlanted(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var p plantedFile
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// A failed finding is a planted violation when the rule implements
	// the planted Config rule in the same account and region, on the same
	// resource — or on the account itself for account-level checks, whose
	// resource the generator names by the account's Organizations ARN.
	matched := make([]bool, len(r.Failed))
	c := &r.Planted
	c.Violations = len(p.Violations)
	for _, v := range p.Violations {
		found := false
		for i := range r.Failed {
			if r.isPlanted(&r.Failed[i], v.ConfigRule, v.Account, v.Region, v.ResourceArn) {
				matched[i], found = true, true
			}
		}
		if found {
			c.ViolationsFound++
		} else {
			c.MissedViolations = append(c.MissedViolations, v.ConfigRule+" "+v.Account+" "+v.Region+" "+v.ResourceArn)
		}
	}
	for i, f := range r.Failed {
		if !matched[i] {
			c.UnplannedFailures++
			c.UnplannedFindings = append(c.UnplannedFindings, f.RuleID+" "+f.Account+" "+f.Region+" "+f.ResourceArn)
		}
	}
	sort.Strings(c.UnplannedFindings)
	fired := map[string]bool{}
	for _, d := range r.Detections {
		fired[d.EventID+"|"+d.DetectionID] = true
	}
	c.Detections = len(p.Detections)
	planted := map[string]bool{}
	for _, d := range p.Detections {
		planted[d.EventID+"|"+d.DetectionID] = true
		if fired[d.EventID+"|"+d.DetectionID] {
			c.DetectionsFired++
		} else {
			c.MissedDetections = append(c.MissedDetections, d.DetectionID+" "+d.EventName+" "+d.EventID)
		}
	}
	for _, d := range r.Detections {
		if !planted[d.EventID+"|"+d.DetectionID] {
			c.UnplannedDetections++
			c.UnplannedDetected = append(c.UnplannedDetected, d.DetectionID+" "+d.EventName+" "+d.EventID)
		}
	}
	sort.Strings(c.UnplannedDetected)
	return nil
}

func (r *demoReport) isPlanted(f *findings.Finding, configRule, account, region, arn string) bool {
	if f.Account != account || f.Region != region {
		return false
	}
	rule := r.ruleOf[f.RuleID]
	if rule == nil {
		return false
	}
	// planted.json names the AWS Config managed rule, or the orgrail
	// rule id where AWS has no managed rule (identity.*); an lz rule
	// also fails where the AWS rule it reads alike (Related) does.
	implements := rule.Mappings.ConfigRule == configRule || rule.ID == configRule
	for _, also := range append(append([]string(nil), rule.AlsoConfigRules...), rule.Related...) {
		implements = implements || also == configRule
	}
	if !implements {
		return false
	}
	return f.ResourceArn == arn || f.ResourceType == "AWS::::Account"
}

// writeDemoReport prints the report's sections for a terminal.
func writeDemoReport(w io.Writer, r *demoReport) error {
	fmt.Fprintf(w, "\n== Detective guardrails (findings by framework, OU and account)\n")
	if err := findings.WriteSummary(w, r.Findings, 5); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nFailed checks (%d):\n", len(r.Failed))
	t := output.NewTable(w, "SEVERITY", "RULE", "ACCOUNT", "REGION", "RESOURCE")
	for _, f := range r.Failed {
		t.Row(f.Severity.String(), f.RuleID, f.AccountName, f.Region, f.ResourceArn)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n== Detections (CloudTrail in the Log Archive and EventBridge events)\n")
	t = output.NewTable(w, "TIME", "SEVERITY", "DETECTION", "ACCOUNT", "OU", "REGION", "EVENT")
	for _, d := range r.Detections {
		t.Row(d.EventTime, d.Severity.String(), d.DetectionID, d.AccountName, d.OU, d.Region, d.EventName)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	c := r.Planted
	fmt.Fprintf(w, "\n== Self-check against the generator's planted.json\n")
	fmt.Fprintf(w, "violations found: %d of %d planted (%d failures not planted)\n", c.ViolationsFound, c.Violations, c.UnplannedFailures)
	fmt.Fprintf(w, "detections fired: %d of %d planted (%d detections not planted)\n", c.DetectionsFired, c.Detections, c.UnplannedDetections)
	for _, m := range c.MissedViolations {
		fmt.Fprintf(w, "  missed violation: %s\n", m)
	}
	for _, m := range c.MissedDetections {
		fmt.Fprintf(w, "  missed detection: %s\n", m)
	}
	for _, m := range c.UnplannedFindings {
		fmt.Fprintf(w, "  not planted: %s\n", m)
	}
	for _, m := range c.UnplannedDetected {
		fmt.Fprintf(w, "  detection not planted: %s\n", m)
	}
	return nil
}
