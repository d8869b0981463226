package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

func editFile(t *testing.T, dir, file, old, new string) {
	t.Helper()
	p := filepath.Join(dir, file)
	b, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q (%v)", file, old, err)
	}
	os.WriteFile(p, []byte(strings.ReplaceAll(string(b), old, new)), 0o644)
}

// TestRenameParentAndChild renames Workloads to Apps and, under it,
// Prod to Production: two renames, no creation, no move, and the plan
// after the projection is empty. Halfway (the parent renamed in AWS,
// the child not yet) the plan is the child's rename alone.
func TestRenameParentAndChild(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	for _, f := range []string{"ous.yaml", "accounts.yaml", "policies.yaml", "catalog.yaml"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		s := strings.ReplaceAll(string(b), "Workloads/Prod", "Apps/Production")
		s = strings.ReplaceAll(s, "Workloads", "Apps")
		os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644)
	}
	editFile(t, dir, "ous.yaml", "  - path: Apps\n", "  - path: Apps\n    renamedFrom: Workloads\n")
	editFile(t, dir, "ous.yaml", "  - path: Apps/Production\n", "  - path: Apps/Production\n    renamedFrom: Workloads/Prod\n")
	c := loadExample(t, dir)
	p := mustPlan(t, c, o, Options{})
	if got := keys(p); !slices.Equal(got, []string{"ou-rename:Apps", "ou-rename:Apps/Production"}) {
		t.Fatalf("plan: %v", got)
	}
	if p.Changes[1].Before.Name != "Prod" || p.Changes[1].After.Name != "Production" {
		t.Errorf("rename: %+v → %+v", p.Changes[1].Before, p.Changes[1].After)
	}
	half, _ := Clone(o)
	v := NewView(half, c)
	if err := Effect(half, v, &p.Changes[0], ""); err != nil {
		t.Fatal(err)
	}
	half.Index()
	if got := keys(mustPlan(t, c, half, Options{})); !slices.Equal(got, []string{"ou-rename:Apps/Production"}) {
		t.Fatalf("plan halfway: %v", got)
	}
	after, err := Project(o, c, p)
	if err != nil {
		t.Fatal(err)
	}
	if again := mustPlan(t, c, after, Options{}); !again.Empty() {
		t.Fatalf("plan after the renames: %v", keys(again))
	}
}

// TestRenameTargetTaken keeps both OUs when an OU already has the new
// name: renamedFrom then names an OU left alone.
func TestRenameTargetTaken(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	editFile(t, dir, "ous.yaml", "  - path: Sandbox\n", "  - path: Sandbox\n    renamedFrom: Suspended\n")
	editFile(t, dir, "ous.yaml", "  - path: Suspended\n    description: Accounts waiting to be closed; everything denied.\n", "")
	editFile(t, dir, "accounts.yaml", "ou: Suspended\n", "ou: Sandbox\n")
	editFile(t, dir, "policies.yaml", "Sandbox, Suspended]", "Sandbox]")
	editFile(t, dir, "policies.yaml", "targets: [Suspended]", "targets: [Sandbox]")
	p := mustPlan(t, loadExample(t, dir), o, Options{})
	for _, k := range keys(p) {
		if strings.HasPrefix(k, "ou-rename:") || strings.HasPrefix(k, "ou:") {
			t.Errorf("unexpected %s", k)
		}
	}
	if !slices.Contains(keys(p), "account-move:legacy-batch") {
		t.Errorf("the account of the kept OU moves: %v", keys(p))
	}
}

// TestPolicyDeletionOwnership: a policy removed from the configuration
// is left alone without a claim; with an exclusive OU it is deleted only
// when every attachment lies in the claimed subtree; and only with
// --allow-delete.
func TestPolicyDeletionOwnership(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	editFile(t, dir, "policies.yaml", `  - name: deny-all
    type: SERVICE_CONTROL_POLICY
    description: Suspended accounts can do nothing.
    file: policies/deny-all.json
    targets: [Suspended]
`, "")
	editFile(t, dir, "policies.yaml", `  - name: deny-iam-access-keys
    type: SERVICE_CONTROL_POLICY
    description: No long-lived IAM user keys in workload accounts.
    file: policies/deny-iam-access-keys.json
    targets: [Workloads, Sandbox]
`, "")
	all := Options{AllowDelete: true, AllowGuardrailRemoval: true}
	if p := mustPlan(t, loadExample(t, dir), o, all); !p.Empty() {
		t.Fatalf("unclaimed policies must be left alone: %v", keys(p))
	}
	editFile(t, dir, "ous.yaml", "  - path: Suspended\n", "  - path: Suspended\n    manage: exclusive\n")
	editFile(t, dir, "ous.yaml", "  - path: Sandbox\n", "  - path: Sandbox\n    manage: exclusive\n")
	c := loadExample(t, dir)
	p := mustPlan(t, c, o, all)
	want := []string{"detach:SERVICE_CONTROL_POLICY/deny-iam-access-keys@Sandbox", "detach:SERVICE_CONTROL_POLICY/deny-all@Suspended",
		"policy-delete:SERVICE_CONTROL_POLICY/deny-all"}
	if got := keys(p); !slices.Equal(got, want) {
		t.Fatalf("plan:\n got %v\nwant %v", got, want)
	}
	checkOrder(t, p)
	np, diags := New(c, o, Options{AllowGuardrailRemoval: true})
	if !np.Empty() {
		t.Fatalf("without --allow-delete: %v", keys(np))
	}
	found := false
	for _, d := range diags {
		found = found || (d.Code == CodeNeedsFlag && strings.Contains(d.Message, "deny-all"))
	}
	if !found {
		t.Errorf("no needs-flag warning: %v", diags)
	}
	after, err := Project(o, c, p)
	if err != nil {
		t.Fatal(err)
	}
	if again := mustPlan(t, c, after, all); !again.Empty() {
		t.Fatalf("plan after: %v", keys(again))
	}
}

// TestClaimedOrganization: with organization.manage: exclusive an
// undeclared OU, a policy attached nowhere and a policy type no policy
// uses are removed; the management account is never closed.
func TestClaimedOrganization(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	o.OrganizationalUnits = append(o.OrganizationalUnits, org.OU{Id: "ou-ab12-stray001", Name: "Stray", ParentId: "r-ab12"})
	o.Policies = append(o.Policies, org.Policy{Id: "p-stray001", Name: "draft", Type: org.SCP, Content: `{"Version":"2012-10-17","Statement":[]}`})
	o.Roots[0].PolicyTypes = append(o.Roots[0].PolicyTypes, org.PolicyTypeSummary{Type: "AISERVICES_OPT_OUT_POLICY", Status: "ENABLED"})
	if err := o.Index(); err != nil {
		t.Fatal(err)
	}
	c := loadExample(t, dir)
	if p := mustPlan(t, c, o, Options{AllowDelete: true}); !p.Empty() {
		t.Fatalf("not claimed: %v", keys(p))
	}
	editFile(t, dir, "organization.yaml", "  managementAccount: management\n", "  managementAccount: management\n  manage: exclusive\n")
	c = loadExample(t, dir)
	p := mustPlan(t, c, o, Options{AllowDelete: true, AllowClose: true})
	want := []string{"policy-delete:SERVICE_CONTROL_POLICY/draft", "ou-delete:Stray", "policy-type-disable:AISERVICES_OPT_OUT_POLICY"}
	if got := keys(p); !slices.Equal(got, want) {
		t.Fatalf("plan:\n got %v\nwant %v", got, want)
	}
}

// moveDevToSandbox edits a copy of the example: Workloads/Dev moves
// under Sandbox (renamedFrom under another parent).
func moveDevToSandbox(t *testing.T, dir string) {
	t.Helper()
	editFile(t, dir, "ous.yaml", "  - path: Workloads/Dev\n", "  - path: Sandbox/Dev\n    renamedFrom: Workloads/Dev\n")
	editFile(t, dir, "accounts.yaml", "ou: Workloads/Dev\n", "ou: Sandbox/Dev\n")
	editFile(t, dir, "policies.yaml", "Workloads/Dev,", "Sandbox/Dev,")
}

// TestMoveOU: an OU moved to another parent is created there, its
// accounts move, and the old OU is deleted last (with --allow-delete);
// without the flag the old OU stays with a warning.
func TestMoveOU(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	moveDevToSandbox(t, dir)
	c := loadExample(t, dir)
	p := mustPlan(t, c, o, Options{AllowDelete: true})
	got := keys(p)
	for _, k := range []string{"ou:Sandbox/Dev", "account-move:payments-dev", "account-move:catalog-dev", "account-move:identity-dev", "ou-delete:Workloads/Dev"} {
		if !slices.Contains(got, k) {
			t.Errorf("plan lacks %s: %v", k, got)
		}
	}
	if got[len(got)-1] != "ou-delete:Workloads/Dev" {
		t.Errorf("the old OU is not deleted last: %v", got)
	}
	checkOrder(t, p)
	after, err := Project(o, c, p)
	if err != nil {
		t.Fatal(err)
	}
	if again := mustPlan(t, c, after, Options{AllowDelete: true}); !again.Empty() {
		t.Fatalf("plan after the move: %v", keys(again))
	}
	np, diags := New(c, o, Options{})
	if slices.Contains(keys(np), "ou-delete:Workloads/Dev") {
		t.Error("deleted without --allow-delete")
	}
	found := false
	for _, d := range diags {
		found = found || (d.Code == CodeNeedsFlag && strings.Contains(d.Message, "moved to Sandbox/Dev"))
	}
	if !found {
		t.Errorf("no needs-flag warning: %v", diags)
	}
}

// TestPolicySizeQuota: a tag policy over AWS's 10,000 characters cannot
// be planned (a high plan-policy-size diagnostic).
func TestPolicySizeQuota(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	var b strings.Builder
	b.WriteString(`{"tags":{`)
	for i := range 250 {
		fmt.Fprintf(&b, `"k%010d":{"tag_key":{"@@assign":"K"}},`, i)
	}
	b.WriteString(`"last":{"tag_key":{"@@assign":"L"}}}}`)
	big := b.String()
	os.WriteFile(filepath.Join(dir, "policies", "tag-policy.json"), []byte(big), 0o644)
	_, diags := New(loadExample(t, dir), o, Options{})
	found := false
	for _, d := range diags {
		found = found || (d.Code == CodePolicySize && d.Severity.Reaches(severity.High) && strings.Contains(d.Message, "at most 10000"))
	}
	if !found {
		t.Fatalf("no size diagnostic: %v", diags)
	}
}

// TestContactConflict warns when the baseline and an account both set
// the SECURITY contact.
func TestContactConflict(t *testing.T) {
	dir := copyDir(t, "../../examples/landing-zone")
	_, o := built(t, dir)
	editFile(t, dir, "accounts.yaml", "  - name: audit\n", "  - name: audit\n    alternateContacts:\n      security: {name: SOC, title: SOC, email: soc@example.com, phone: \"+1 555 0100\"}\n")
	os.WriteFile(filepath.Join(dir, "baseline.yaml"), []byte("baseline:\n  securityContact: {name: Sec, email: sec@example.com, phone: \"+1 555 0101\"}\n"), 0o644)
	c, _, err := config.Load(dir) // the baseline section lacks fields it needs to deploy; plan only reads the contact
	if err != nil {
		t.Fatal(err)
	}
	_, pd := New(c, o, Options{})
	for _, d := range pd {
		if d.Code == CodeContactConflict && strings.Contains(d.Message, "audit") {
			return
		}
	}
	t.Fatalf("no conflict warning: %v", pd)
}
