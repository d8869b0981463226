package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/diag"
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
		"baseline:securityhub-policy:orgrail-baseline", "baseline:config-aggregator:orgrail-organization"} {
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

// TestBaselinePlansRoles: identity.roles go out with the account
// StackSet (its address names them, policy lint runs on their inline
// policies), a changed trust updates the StackSet, and roles without a
// baseline section are reported as not deployed.
func TestBaselinePlansRoles(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	roles := `identity:
  roles:
    - name: SecurityAudit
      managedPolicies: [arn:aws:iam::aws:policy/SecurityAudit]
      trust: {mfa: true}
    - name: Deployer
      inlinePolicy: deployer.json
`
	files := map[string]string{"roles.yaml": roles,
		"deployer.json": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}`}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := loadExample(t, dir)
	p, diags := New(c, emptyOrg(), Options{})
	if !hasCode(diags, CodeRolesWithoutBaseline) {
		t.Errorf("roles without a baseline: %v", diags)
	}
	if err := os.WriteFile(filepath.Join(dir, "baseline.yaml"), []byte("baseline:\n  targets: [Workloads]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c = loadExample(t, dir)
	after, err := Project(emptyOrg(), c, p)
	if err != nil {
		t.Fatal(err)
	}
	p2, diags := NewWithBaseline(c, after, &baseline.State{}, Options{})
	ch := p2.Change("baseline:stackset:" + baseline.StackSetAccount)
	if ch == nil || !strings.Contains(ch.Address, "cross-account roles SecurityAudit, Deployer") {
		t.Fatalf("account StackSet change: %+v", ch)
	}
	if len(ch.Lint) == 0 || !hasCode(diags, "lint.unknown-action") || !strings.HasSuffix(ch.Lint[0].File, "deployer.json") {
		t.Errorf("the Deployer inline policy is not linted at its file: %v", ch.Lint)
	}
	st := &baseline.State{}
	for _, c := range p2.Changes {
		if c.Kind == KindBaseline {
			baseline.Effect(st, c.Baseline)
		}
	}
	done, err := Project(after, c, p2)
	if err != nil {
		t.Fatal(err)
	}
	if p3, _ := NewWithBaseline(c, done, st, Options{}); !p3.Empty() {
		t.Fatalf("plan after the baseline is applied: %v", keys(p3))
	}
	c.Identity.Roles[0].Trust.Role = "Responders"
	p4, _ := NewWithBaseline(c, done, st, Options{})
	if p4.Change("baseline:stackset:"+baseline.StackSetAccount) == nil || len(p4.Changes) != 1 {
		t.Errorf("a changed trust: %v", keys(p4))
	}
}

func hasCode(ds diag.List, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}
