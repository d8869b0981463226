package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

// emptyOrg is an organization as CreateOrganization leaves it: a root,
// the management account, no policy type enabled.
func emptyOrg() *org.Organization {
	return &org.Organization{Id: "o-exampleorg01", MasterAccountId: "111111111111", FeatureSet: "ALL",
		Roots:    []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE", ParentId: "r-ab12"}}}
}

func loadExample(t *testing.T, dir string) *config.Config {
	t.Helper()
	c, diags, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diags.Max().Reaches(severity.High) {
		t.Fatalf("example configuration: %v", diags)
	}
	return c
}

// copyDir copies a configuration directory so a test can edit it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func mustPlan(t *testing.T, c *config.Config, o *org.Organization, opts Options) *Plan {
	t.Helper()
	p, diags := New(c, o, opts)
	if diags.Max().Reaches(severity.High) {
		for _, d := range diags {
			if d.Severity.Reaches(severity.High) && d.Code != CodeLint {
				t.Fatalf("plan: %v", diags)
			}
		}
	}
	return p
}

// TestExampleFromEmpty builds the example landing zone on an empty
// organization, then checks that planning against the projected result
// finds nothing to do.
func TestExampleFromEmpty(t *testing.T) {
	c := loadExample(t, "../../examples/landing-zone")
	o := emptyOrg()
	p := mustPlan(t, c, o, Options{})
	count := map[string]int{}
	for _, ch := range p.Changes {
		count[string(ch.Kind)+"/"+string(ch.Action)]++
	}
	want := map[string]int{"ou/create": 8, "account/create": 16, "account/move": 16, "policy/create": 11, "policy-type/enable": 5}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d changes, want %d (all: %v)", k, count[k], n, count)
		}
	}
	checkOrder(t, p)
	after, err := Project(o, c, p)
	if err != nil {
		t.Fatal(err)
	}
	again := mustPlan(t, c, after, Options{})
	if !again.Empty() {
		t.Fatalf("plan after the projected apply is not empty: %v", keys(again))
	}
}

// checkOrder verifies that every dependency comes before its change.
func checkOrder(t *testing.T, p *Plan) {
	t.Helper()
	seen := map[string]bool{}
	for _, ch := range p.Changes {
		for _, d := range ch.DependsOn {
			if !seen[d] {
				t.Errorf("%s depends on %s, which comes later or not at all", ch.Key, d)
			}
		}
		seen[ch.Key] = true
	}
}

func keys(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, c.Key)
	}
	return out
}

// built returns the example configuration (from dir) and the
// organization it describes.
func built(t *testing.T, dir string) (*config.Config, *org.Organization) {
	c := loadExample(t, dir)
	o, err := Project(emptyOrg(), c, mustPlan(t, c, emptyOrg(), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	return c, o
}

// TestOneSCPChange edits one SCP document and expects exactly one
// update, with its lint result.
func TestOneSCPChange(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	f := filepath.Join(dir, "policies", "deny-all.json")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, []byte(strings.Join(strings.Fields(string(b)), " ")), 0o644)
	if p := mustPlan(t, loadExample(t, dir), o, Options{}); !p.Empty() {
		t.Fatalf("a reformatted document is not a change: %v", keys(p))
	}
	os.WriteFile(f, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:Get*"],"Resource":"*"}]}`), 0o644)
	p := mustPlan(t, loadExample(t, dir), o, Options{})
	if len(p.Changes) != 1 || p.Changes[0].Key != "policy:SERVICE_CONTROL_POLICY/deny-all" || p.Changes[0].Action != Update {
		t.Fatalf("want one update of deny-all, got %v", keys(p))
	}
	if p.Changes[0].Version == p.Changes[0].Result {
		t.Error("an update has the same version before and after")
	}
}

// TestSafetyFlags checks that removing a guardrail from the root and
// moving the Audit account are left out without their flags.
func TestSafetyFlags(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	pf := filepath.Join(dir, "policies.yaml")
	b, _ := os.ReadFile(pf)
	s := strings.Replace(string(b), "file: policies/deny-root-user.json\n    targets: [Root]", "file: policies/deny-root-user.json\n    targets: [Sandbox]", 1)
	os.WriteFile(pf, []byte(s), 0o644)
	af := filepath.Join(dir, "accounts.yaml")
	b, _ = os.ReadFile(af)
	os.WriteFile(af, []byte(strings.Replace(string(b), "  - name: audit\n    email: aws+audit@example.com\n    ou: Security", "  - name: audit\n    email: aws+audit@example.com\n    ou: Infrastructure", 1)), 0o644)
	c := loadExample(t, dir)
	p, diags := New(c, o, Options{})
	if p.Change("detach:SERVICE_CONTROL_POLICY/deny-root-user@Root") != nil || p.Change("account-move:audit") != nil {
		t.Fatalf("unsafe changes planned without flags: %v", keys(p))
	}
	if p.Change("attach:SERVICE_CONTROL_POLICY/deny-root-user@Sandbox") == nil {
		t.Fatalf("the new attachment is missing: %v", keys(p))
	}
	n := 0
	for _, d := range diags {
		if d.Code == CodeNeedsFlag {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d needs-flag diagnostics, want 2: %v", n, diags)
	}
	p, _ = New(c, o, Options{AllowGuardrailRemoval: true, AllowProtectedMove: true})
	if p.Change("detach:SERVICE_CONTROL_POLICY/deny-root-user@Root") == nil || p.Change("account-move:audit") == nil {
		t.Fatalf("flags given, changes missing: %v", keys(p))
	}
	checkOrder(t, p)
}

// TestWrongOrganization refuses to plan another organization.
func TestWrongOrganization(t *testing.T) {
	c := loadExample(t, "../../examples/landing-zone")
	o := emptyOrg()
	o.Id = "o-otherorg123"
	p, diags := New(c, o, Options{})
	if !p.Empty() || !diags.Max().Reaches(severity.High) || diags[0].Code != CodeOrgMismatch {
		t.Fatalf("got %v %v", keys(p), diags)
	}
}

// TestExpectations flips a must-stay-denied request by detaching
// deny-all from Suspended.
func TestExpectations(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	os.WriteFile(filepath.Join(dir, "guardrails.yaml"), []byte(`guardrails:
  expectations:
    - name: suspended accounts do nothing
      principal: legacy-batch
      action: s3:ListAllMyBuckets
      context: {aws:SecureTransport: "true"}
      expect: deny
    - name: prod may read S3
      principal: payments-prod
      action: s3:GetObject
      resource: arn:aws:s3:::bucket/key
      context: {aws:RequestedRegion: ap-northeast-1, aws:SecureTransport: "true"}
      expect: allow
`), 0o644)
	pf := filepath.Join(dir, "policies.yaml")
	b, _ := os.ReadFile(pf)
	os.WriteFile(pf, []byte(strings.Replace(string(b), "file: policies/deny-all.json\n    targets: [Suspended]", "file: policies/deny-all.json\n    targets: [Sandbox]", 1)), 0o644)
	p, _ := New(loadExample(t, dir), o, Options{AllowGuardrailRemoval: true})
	if len(p.Expectations) != 2 {
		t.Fatalf("expectations: %+v", p.Expectations)
	}
	e := p.Expectations[0]
	if e.Before != "deny" || e.After != "allow" || !e.Changed() || e.Met() {
		t.Errorf("suspended: %+v", e)
	}
	if e := p.Expectations[1]; e.Before != "allow" || e.After != "allow" {
		t.Errorf("prod read: %+v", e)
	}
	d := p.Change("detach:SERVICE_CONTROL_POLICY/deny-all@Suspended")
	if d == nil || len(d.Expectations) != 1 || d.Expectations[0] != "suspended accounts do nothing" {
		t.Fatalf("detach change: %+v", d)
	}
}
