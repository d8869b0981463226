package rules

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// demoStandards are the landing-zone standards of the demo organization.
var demoStandards = Standards{AllowedRegions: []string{"ap-northeast-1", "us-east-1", "us-west-2"},
	RequiredTags: []string{"Owner", "CostCenter"}}

type plantedViolation struct {
	ConfigRule  string `json:"configRule"`
	Account     string `json:"account"`
	Region      string `json:"region"`
	ResourceArn string `json:"resourceArn"`
}

var demoOnce struct {
	sync.Once
	dir string
	err error
}

// demoDir writes the embedded demo organization once per test binary.
func demoDir(t testing.TB) string {
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "orgrail-rules-demo")
		if err != nil {
			demoOnce.err = err
			return
		}
		demoOnce.dir = dir
		_, demoOnce.err = demo.Generate(context.Background(), dir, demo.DefaultOptions())
	})
	if demoOnce.err != nil {
		t.Fatal(demoOnce.err)
	}
	return demoOnce.dir
}

// configRulesOf returns every Config rule identifier a rule implements.
func configRulesOf(r *Rule) []string {
	out := append([]string{r.ID}, r.Related...) // planted.json names the orgrail rule where AWS has no managed rule
	if r.Mappings.ConfigRule != "" {
		out = append(out, r.Mappings.ConfigRule)
	}
	return append(out, r.AlsoConfigRules...)
}

// matches reports whether a FAILED finding is the planted violation:
// same Config rule, account and region, and the same resource unless the
// finding is about the account itself.
func matches(f *findings.Finding, r *Rule, p plantedViolation) bool {
	if f.Account != p.Account || f.Region != p.Region || !contains(configRulesOf(r), p.ConfigRule) {
		return false
	}
	return f.ResourceType == typeAccount || f.ResourceArn == p.ResourceArn
}

// TestDemoFindsExactlyThePlantedViolations is the acceptance test: the
// audit of the demo organization fails on every planted violation and
// on nothing else.
func TestDemoFindsExactlyThePlantedViolations(t *testing.T) {
	checkPlanted(t, demoDir(t))
}

// TestSyntheticDemoFindsExactlyThePlantedViolations does the same on a
// generated organization of 24 accounts.
func TestSyntheticDemoFindsExactlyThePlantedViolations(t *testing.T) {
	if testing.Short() {
		t.Skip("generates an organization")
	}
	dir := t.TempDir()
	opt := demo.DefaultOptions()
	opt.Accounts, opt.Days, opt.EventsPerAccountDay = 24, 1, 0
	if _, err := demo.Generate(context.Background(), dir, opt); err != nil {
		t.Fatal(err)
	}
	checkPlanted(t, dir)
}

func checkPlanted(t *testing.T, dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "planted.json"))
	if err != nil {
		t.Fatal(err)
	}
	var planted struct {
		Violations []plantedViolation `json:"violations"`
	}
	if err := json.Unmarshal(b, &planted); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Audit(snap, Options{Standards: demoStandards})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Rule{}
	for _, r := range res.Rules {
		byID[r.ID] = r
	}
	found := make([]bool, len(planted.Violations))
	for i := range res.Report.Findings {
		f := &res.Report.Findings[i]
		if f.Status == findings.Error {
			t.Errorf("ERROR %s %s %s %s: %s", f.RuleID, f.Account, f.Region, f.ResourceArn, f.Message)
		}
		if f.Status != findings.Failed {
			continue
		}
		ok := false
		for j, p := range planted.Violations {
			if matches(f, byID[f.RuleID], p) {
				found[j], ok = true, true
			}
		}
		if !ok {
			t.Errorf("unplanted FAILED %s %s (%s) %s %s: %s", f.RuleID, f.Account, f.AccountName, f.Region, f.ResourceArn, f.Message)
		}
	}
	for j, p := range planted.Violations {
		if !found[j] {
			t.Errorf("planted violation not found: %+v", p)
		}
	}
}
