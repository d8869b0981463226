package motoenv_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/apply/motoenv"
)

// TestMotoIdentityCenter applies examples/identity-center (three
// permission sets, assignments to two OUs and an account) with a small
// organization to moto, a second AWS, and reads the result back with
// the AWS CLI. moto's sso-admin implements neither
// GetPermissionsBoundaryForPermissionSet/PutPermissionsBoundaryToPermissionSet
// nor ListTagsForResource, so the boundary is left out of the
// configuration and the plan after apply (which reads them) is not
// made here; the local AWS covers both (internal/cli
// TestIdentityAsCodeLocalAWS).
func TestMotoIdentityCenter(t *testing.T) {
	if testing.Short() {
		t.Skip("moto: slow")
	}
	m := motoenv.Start(t)
	orgID, mgmt := m.CreateOrganization(t)
	var inst struct {
		Instances []struct{ InstanceArn, IdentityStoreId string }
	}
	m.CLI(t, &inst, "sso-admin", "list-instances")
	if len(inst.Instances) != 1 {
		t.Skipf("moto has no Identity Center instance: %+v", inst)
	}
	store := inst.Instances[0].IdentityStoreId
	for _, g := range []string{"Auditors", "Payments Developers", "Platform"} {
		var out struct{ GroupId string }
		m.CLI(t, &out, "identitystore", "create-group", "--identity-store-id", store, "--display-name", g)
	}
	// A small organization (three member accounts under two OUs and the
	// root) keeps moto's part short; the example landing zone itself is
	// TestMotoLandingZone's.
	dir := t.TempDir()
	small := map[string]string{
		"organization.yaml": "organization:\n  mode: organizations\n  id: " + orgID + "\n  managementAccount: management\n",
		"ous.yaml":          "ous:\n  - path: Workloads\n  - path: Workloads/Prod\n  - path: Workloads/Dev\n",
		"accounts.yaml": "accounts:\n  - name: management\n    id: \"" + mgmt + "\"\n    email: mgmt@example.com\n    ou: Root\n" +
			"  - name: network\n    email: aws+network@example.com\n    ou: Root\n" +
			"  - name: payments-prod\n    email: aws+payments-prod@example.com\n    ou: Workloads/Prod\n" +
			"  - name: payments-dev\n    email: aws+payments-dev@example.com\n    ou: Workloads/Dev\n",
	}
	for name, text := range small {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join("..", "..", "..", "examples", "identity-center")
	b, err := os.ReadFile(filepath.Join(src, "identity.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(string(b), "      permissionsBoundary: {managedPolicy: arn:aws:iam::aws:policy/PowerUserAccess}\n", "", 1)
	inline, err := os.ReadFile(filepath.Join(src, "identity", "developer-deny.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "identity"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "identity.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "identity", "developer-deny.json"), inline, 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "state.db")
	planFile := filepath.Join(t.TempDir(), "lz.plan")
	if r := m.Orgrail(t, state, "plan", "--config", dir, "--out", planFile); r.Code != 4 {
		t.Fatalf("plan: exit %d, want 4\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := m.Orgrail(t, state, "apply", planFile, "--rate-limit", "0"); r.Code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	checkMotoIdentity(t, m, inst.Instances[0].InstanceArn)
}

// checkMotoIdentity reads the permission sets and assignments back with
// the AWS CLI and compares them with examples/identity-center.
func checkMotoIdentity(t *testing.T, m *motoenv.Moto, instance string) {
	t.Helper()
	var sets struct{ PermissionSets []string }
	m.CLI(t, &sets, "sso-admin", "list-permission-sets", "--instance-arn", instance)
	byName := map[string]string{}
	for _, arn := range sets.PermissionSets {
		var d struct {
			PermissionSet struct{ Name, SessionDuration, RelayState string }
		}
		m.CLI(t, &d, "sso-admin", "describe-permission-set", "--instance-arn", instance, "--permission-set-arn", arn)
		byName[d.PermissionSet.Name] = arn
		if d.PermissionSet.Name == "Developer" && (d.PermissionSet.SessionDuration != "PT8H" || !strings.Contains(d.PermissionSet.RelayState, "cloudwatch")) {
			t.Errorf("Developer read back as %+v", d.PermissionSet)
		}
	}
	if len(byName) != 3 {
		t.Fatalf("permission sets: %v", byName)
	}
	var mp struct{ AttachedManagedPolicies []struct{ Arn string } }
	m.CLI(t, &mp, "sso-admin", "list-managed-policies-in-permission-set", "--instance-arn", instance, "--permission-set-arn", byName["ReadOnly"])
	if len(mp.AttachedManagedPolicies) != 2 {
		t.Errorf("ReadOnly managed policies: %+v", mp)
	}
	var in struct{ InlinePolicy string }
	m.CLI(t, &in, "sso-admin", "get-inline-policy-for-permission-set", "--instance-arn", instance, "--permission-set-arn", byName["Developer"])
	if !strings.Contains(in.InlinePolicy, "NoIAMUsers") {
		t.Errorf("Developer inline policy: %q", in.InlinePolicy)
	}
	var cm struct{ CustomerManagedPolicyReferences []struct{ Name, Path string } }
	m.CLI(t, &cm, "sso-admin", "list-customer-managed-policy-references-in-permission-set", "--instance-arn", instance, "--permission-set-arn", byName["Developer"])
	if len(cm.CustomerManagedPolicyReferences) != 1 || cm.CustomerManagedPolicyReferences[0].Name != "DeveloperExtras" {
		t.Errorf("Developer customer managed policies: %+v", cm)
	}
	var accts struct{ Accounts []struct{ Id, Name string } }
	m.CLI(t, &accts, "organizations", "list-accounts")
	var got []string
	for _, a := range accts.Accounts {
		for name, arn := range byName {
			var as struct {
				AccountAssignments []struct{ PrincipalType string }
			}
			m.CLI(t, &as, "sso-admin", "list-account-assignments", "--instance-arn", instance, "--permission-set-arn", arn, "--account-id", a.Id)
			for _, x := range as.AccountAssignments {
				got = append(got, a.Name+":"+name+":"+x.PrincipalType)
			}
		}
	}
	sort.Strings(got)
	want := []string{"network:AdministratorAccess:GROUP", "payments-dev:Developer:GROUP", "payments-dev:ReadOnly:GROUP",
		"payments-prod:AdministratorAccess:GROUP", "payments-prod:ReadOnly:GROUP"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("assignments read back by the AWS CLI:\n got %v\nwant %v", got, want)
	}
}
