package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/baseline"
)

// TestBaselinePlanned builds the example landing zone with a baseline
// section: the first plan makes the accounts and says the baseline
// waits for them; the plan after it deploys the baseline (trusted
// access, delegations and baseline steps), and once those are done
// nothing is left.
func TestBaselinePlanned(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	if err := os.WriteFile(filepath.Join(dir, "baseline.yaml"), []byte("baseline:\n  targets: [Workloads]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := loadExample(t, dir)
	o := emptyOrg()
	p, diags := New(c, o, Options{})
	pending := false
	for _, d := range diags {
		pending = pending || d.Code == CodeBaselinePending
	}
	if !pending {
		t.Errorf("first plan does not say the baseline waits: %v", diags)
	}
	first := map[string]bool{}
	for _, ch := range p.Changes {
		first[ch.Key] = true
		if ch.Kind == KindBaseline {
			t.Errorf("baseline change before the accounts exist: %s", ch.Key)
		}
	}
	for _, k := range []string{"trusted-access:" + baseline.StackSetsPrincipal, "trusted-access:guardduty.amazonaws.com", "trusted-access:config.amazonaws.com"} {
		if !first[k] {
			t.Errorf("first plan lacks %s", k)
		}
	}
	after, err := Project(o, c, p)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := NewWithBaseline(c, after, &baseline.State{}, Options{})
	checkOrder(t, p2)
	got := map[string]bool{}
	for _, ch := range p2.Changes {
		got[ch.Key] = true
		if ch.Kind == KindBaseline && (ch.Baseline == nil || ch.Version == ch.Result) {
			t.Errorf("%s: no step or nothing to do", ch.Key)
		}
	}
	for _, k := range []string{"delegate:config.amazonaws.com@audit", "delegate:access-analyzer.amazonaws.com@audit",
		"baseline:stackset:orgrail-account-baseline", "baseline:org-trail:orgrail-organization", "baseline:service-admin:guardduty",
		"baseline:auto-enable:securityhub", "baseline:config-aggregator:orgrail-organization"} {
		if !got[k] {
			t.Errorf("plan lacks %s (has %v)", k, keys(p2))
		}
	}
	st := &baseline.State{}
	for _, ch := range p2.Changes {
		if ch.Kind == KindBaseline {
			baseline.Effect(st, ch.Baseline)
		}
	}
	done, err := Project(after, c, p2)
	if err != nil {
		t.Fatal(err)
	}
	p3, _ := NewWithBaseline(c, done, st, Options{})
	if !p3.Empty() {
		t.Fatalf("plan after the baseline is applied: %v", keys(p3))
	}
	var b strings.Builder
	if err := Render(&b, p2, false); err != nil || !strings.Contains(b.String(), "+ create StackSet orgrail-account-baseline") {
		t.Errorf("rendered plan:\n%s", b.String())
	}
}
