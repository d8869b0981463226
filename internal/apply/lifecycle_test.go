package apply

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
)

// edit replaces old by new in a file of a configuration directory and
// fails when old is not there.
func edit(t *testing.T, dir, file, old, new string) {
	t.Helper()
	p := filepath.Join(dir, file)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(b), old, new)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// evolve edits a copy of the example landing zone as a platform team
// would a month later: Workloads/Dev renamed to Workloads/Development,
// the whole organization claimed, the deny-iam-access-keys SCP and the
// only tag policy removed, alternate contacts for the management and
// Audit accounts.
func evolve(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	copyConfig(t, "../../examples/landing-zone", dir)
	edit(t, dir, "ous.yaml", "  - path: Workloads/Dev\n", "  - path: Workloads/Development\n    renamedFrom: Workloads/Dev\n")
	edit(t, dir, "accounts.yaml", "ou: Workloads/Dev\n", "ou: Workloads/Development\n")
	edit(t, dir, "policies.yaml", "Workloads/Dev,", "Workloads/Development,")
	edit(t, dir, "organization.yaml", "  managementAccount: management\n", "  managementAccount: management\n  manage: exclusive\n")
	edit(t, dir, "policies.yaml", `  - name: deny-iam-access-keys
    type: SERVICE_CONTROL_POLICY
    description: No long-lived IAM user keys in workload accounts.
    file: policies/deny-iam-access-keys.json
    targets: [Workloads, Sandbox]
`, "")
	edit(t, dir, "policies.yaml", `  - name: company-tags
    type: TAG_POLICY
    description: Case and values of the company's tag keys.
    file: policies/tag-policy.json
    targets: [Root]
`, "")
	edit(t, dir, "accounts.yaml", "    system: governance\n", `    system: governance
    alternateContacts:
      billing: {name: Accounts Payable, title: Finance, email: ap@example.com, phone: "+81-3-0000-0001"}
`)
	edit(t, dir, "accounts.yaml", "  - name: audit\n", `  - name: audit
    alternateContacts:
      security: {name: Security Operations, title: SOC, email: soc@example.com, phone: "+81 3 0000 0002"}
      operations: {name: Platform On-call, title: SRE, email: oncall@example.com, phone: "(03) 0000-0003"}
`)
	c, diags, err := config.Load(dir)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatalf("config: %v %v", err, diags)
	}
	return c
}

// readWithContacts reads the organization and the alternate contacts
// of every account, as plan does when the configuration has some.
func (e *env) readWithContacts(t *testing.T) *org.Organization {
	t.Helper()
	o := e.read(t)
	ctx := context.Background()
	if err := ReadContacts(ctx, e.srv.Config(ctx, e.srv.AdminCredentials()), o, nil); err != nil {
		t.Fatal(err)
	}
	return o
}

// TestApplyRenameDeleteContacts builds the example, then applies the
// evolved configuration: the OU is renamed in place (same id, its
// accounts stay), the removed policies are detached and deleted, the
// tag policy type no policy uses is disabled, the contacts are set; the
// next plan is empty.
func TestApplyRenameDeleteContacts(t *testing.T) {
	e := newEnv(t, "../../examples/landing-zone")
	ctx := context.Background()
	if _, err := e.apply(ctx, e.plan(t), Options{}); err != nil {
		t.Fatal(err)
	}
	before := e.read(t)
	devID := plan.NewView(before, e.cfg).OU("Workloads/Dev").Id

	e.cfg = evolve(t)
	opts := plan.Options{AllowDelete: true, AllowGuardrailRemoval: true}
	p, diags := plan.New(e.cfg, e.readWithContacts(t), opts)
	if diags.Max().Reaches(severity.High) {
		t.Fatalf("plan: %v", diags)
	}
	keys := keysOf(p)
	for _, k := range []string{"ou-rename:Workloads/Development", "trusted-access:account.amazonaws.com",
		"detach:SERVICE_CONTROL_POLICY/deny-iam-access-keys@Workloads", "detach:SERVICE_CONTROL_POLICY/deny-iam-access-keys@Sandbox",
		"policy-delete:SERVICE_CONTROL_POLICY/deny-iam-access-keys", "detach:TAG_POLICY/company-tags@Root",
		"policy-delete:TAG_POLICY/company-tags", "policy-type-disable:TAG_POLICY",
		"contact:management/BILLING", "contact:audit/SECURITY", "contact:audit/OPERATIONS"} {
		if !slices.Contains(keys, k) {
			t.Errorf("plan lacks %s: %v", k, keys)
		}
	}
	for _, k := range keys {
		if strings.HasPrefix(k, "ou:") || strings.HasPrefix(k, "account-move:") || strings.HasPrefix(k, "ou-delete:") {
			t.Errorf("a rename must not create, move or delete: %s", k)
		}
	}
	if len(p.Changes) != 11 {
		t.Errorf("want 11 changes, got %d: %v", len(p.Changes), keys)
	}
	var progress strings.Builder
	if _, err := e.apply(ctx, p, Options{Progress: &progress}); err != nil {
		t.Fatalf("apply: %v\n%s", err, progress.String())
	}

	after := e.read(t)
	u := after.OU(devID)
	if u == nil || u.Name != "Development" {
		t.Fatalf("OU %s after the rename: %+v", devID, u)
	}
	if n := len(after.AccountsUnder(devID)); n != 3 {
		t.Errorf("the renamed OU holds %d accounts, want 3", n)
	}
	for _, pol := range after.Policies {
		if pol.Name == "deny-iam-access-keys" || pol.Name == "company-tags" {
			t.Errorf("policy %s not deleted", pol.Name)
		}
	}
	for _, pt := range after.Roots[0].PolicyTypes {
		if pt.Type == "TAG_POLICY" {
			t.Errorf("TAG_POLICY still enabled")
		}
	}
	// The contacts, read back through the Account Management API.
	cl := account.NewFromConfig(e.srv.Config(ctx, e.srv.AdminCredentials()))
	audit := plan.NewView(after, e.cfg).Account("audit").Id
	out, err := cl.GetAlternateContact(ctx, &account.GetAlternateContactInput{AccountId: aws.String(audit), AlternateContactType: acctypes.AlternateContactTypeSecurity})
	if err != nil || aws.ToString(out.AlternateContact.EmailAddress) != "soc@example.com" {
		t.Fatalf("audit security contact: %v %+v", err, out)
	}
	out, err = cl.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeBilling})
	if err != nil || aws.ToString(out.AlternateContact.Name) != "Accounts Payable" {
		t.Fatalf("management billing contact: %v %+v", err, out)
	}

	if again, _ := plan.New(e.cfg, e.readWithContacts(t), opts); !again.Empty() {
		t.Fatalf("plan after apply: %v", keysOf(again))
	}
}

// TestApplyMoveOU moves Workloads/Dev under Sandbox on the local AWS: a
// new OU, the three accounts in it, the old OU deleted; the next plan
// is empty.
func TestApplyMoveOU(t *testing.T) {
	e := newEnv(t, "../../examples/landing-zone")
	ctx := context.Background()
	if _, err := e.apply(ctx, e.plan(t), Options{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyConfig(t, "../../examples/landing-zone", dir)
	edit(t, dir, "ous.yaml", "  - path: Workloads/Dev\n", "  - path: Sandbox/Dev\n    renamedFrom: Workloads/Dev\n")
	edit(t, dir, "accounts.yaml", "ou: Workloads/Dev\n", "ou: Sandbox/Dev\n")
	edit(t, dir, "policies.yaml", "Workloads/Dev,", "Sandbox/Dev,")
	c, diags, err := config.Load(dir)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatalf("config: %v %v", err, diags)
	}
	e.cfg = c
	p, _ := plan.New(c, e.read(t), plan.Options{AllowDelete: true})
	if _, err := e.apply(ctx, p, Options{}); err != nil {
		t.Fatalf("apply %v: %v", keysOf(p), err)
	}
	o := e.read(t)
	v := plan.NewView(o, c)
	if v.OU("Workloads/Dev") != nil || v.OU("Sandbox/Dev") == nil {
		t.Fatalf("after the move: Workloads/Dev %v, Sandbox/Dev %v", v.OU("Workloads/Dev"), v.OU("Sandbox/Dev"))
	}
	if n := len(o.AccountsUnder(v.OU("Sandbox/Dev").Id)); n != 3 {
		t.Errorf("Sandbox/Dev holds %d accounts, want 3", n)
	}
	if again, _ := plan.New(c, o, plan.Options{AllowDelete: true}); !again.Empty() {
		t.Fatalf("plan after apply: %v", keysOf(again))
	}
}
