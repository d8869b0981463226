package motoenv_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/apply/motoenv"
)

func replaceIn(t *testing.T, dir, file, old, new string) {
	t.Helper()
	p := filepath.Join(dir, file)
	b, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q (%v)", file, old, err)
	}
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(b), old, new)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMotoRenameDeleteContacts builds the example on moto, then applies
// a later configuration: Workloads/Dev renamed to Workloads/Development
// (renamedFrom), the whole organization claimed, the
// deny-iam-access-keys SCP and the only tag policy removed, alternate
// contacts for the management and Audit accounts. The AWS CLI reads back
// the same OU id under the new name, the policies gone, TAG_POLICY
// disabled on the root and the contacts; the next plan is empty.
func TestMotoRenameDeleteContacts(t *testing.T) {
	m := motoenv.Start(t)
	orgID, mgmt := m.CreateOrganization(t)
	dir := motoenv.ExampleFor(t, orgID, mgmt)
	state := filepath.Join(t.TempDir(), "state.db")
	if r := m.Orgrail(t, state, "apply", "--config", dir, "--auto-approve", "--rate-limit", "0"); r.Code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	before := readBack(t, m, loadConfig(t, dir))
	devID := before.ouID["Workloads/Dev"]

	replaceIn(t, dir, "ous.yaml", "  - path: Workloads/Dev\n", "  - path: Workloads/Development\n    renamedFrom: Workloads/Dev\n")
	replaceIn(t, dir, "accounts.yaml", "ou: Workloads/Dev\n", "ou: Workloads/Development\n")
	replaceIn(t, dir, "policies.yaml", "Workloads/Dev,", "Workloads/Development,")
	replaceIn(t, dir, "organization.yaml", "  managementAccount: management\n", "  managementAccount: management\n  manage: exclusive\n")
	for _, name := range []string{"deny-iam-access-keys", "company-tags"} {
		b, _ := os.ReadFile(filepath.Join(dir, "policies.yaml"))
		var keep []string
		for _, block := range strings.Split(string(b), "\n\n") {
			if !strings.Contains(block, "- name: "+name+"\n") {
				keep = append(keep, block)
			}
		}
		os.WriteFile(filepath.Join(dir, "policies.yaml"), []byte(strings.Join(keep, "\n\n")), 0o644)
	}
	replaceIn(t, dir, "accounts.yaml", "  - name: audit\n", `  - name: audit
    alternateContacts:
      security: {name: Security Operations, title: SOC, email: soc@example.com, phone: "+81 3 0000 0002"}
`)
	replaceIn(t, dir, "accounts.yaml", "    system: governance\n", `    system: governance
    alternateContacts:
      billing: {name: Accounts Payable, title: Finance, email: ap@example.com, phone: "+81-3-0000-0001"}
`)
	flags := []string{"--config", dir, "--allow-delete", "--allow-guardrail-removal"}
	planFile := filepath.Join(t.TempDir(), "next.plan")
	r := m.Orgrail(t, state, append([]string{"plan", "--out", planFile}, flags...)...)
	if r.Code != 4 {
		t.Fatalf("plan: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"~ rename ou Workloads/Development", "- delete policy SERVICE_CONTROL_POLICY deny-iam-access-keys",
		"- delete policy TAG_POLICY company-tags", "- disable policy type TAG_POLICY", "+ create alternate contact SECURITY of account audit",
		"Plan: 3 to add, 1 to change, 6 to remove."} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.Stdout)
		}
	}
	if r := m.Orgrail(t, state, "apply", planFile, "--rate-limit", "0"); r.Code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}

	c := loadConfig(t, dir)
	after := readBack(t, m, c)
	after.compare(t, c)
	if after.ouID["Workloads/Development"] != devID {
		t.Errorf("Workloads/Development is %q, want the renamed %s", after.ouID["Workloads/Development"], devID)
	}
	if _, ok := after.policies["SERVICE_CONTROL_POLICY/deny-iam-access-keys"]; ok {
		t.Error("deny-iam-access-keys still exists")
	}
	var roots struct {
		Roots []struct {
			PolicyTypes []struct{ Type, Status string }
		}
	}
	var tags struct{ Policies []struct{ Name string } }
	var sec, bill struct {
		AlternateContact struct{ EmailAddress, Name string }
	}
	auditID := ""
	for id, ref := range after.ref {
		if ref == "audit" {
			auditID = id
		}
	}
	m.CLIAll(t, []motoenv.Call{
		{Out: &roots, Args: []string{"organizations", "list-roots"}},
		{Out: &tags, Args: []string{"organizations", "list-policies", "--filter", "TAG_POLICY"}},
		{Out: &sec, Args: []string{"account", "get-alternate-contact", "--account-id", auditID, "--alternate-contact-type", "SECURITY"}},
		{Out: &bill, Args: []string{"account", "get-alternate-contact", "--alternate-contact-type", "BILLING"}},
	})
	for _, pt := range roots.Roots[0].PolicyTypes {
		if pt.Type == "TAG_POLICY" {
			t.Errorf("TAG_POLICY is still %s", pt.Status)
		}
	}
	if len(tags.Policies) != 0 {
		t.Errorf("tag policies left: %+v", tags.Policies)
	}
	if sec.AlternateContact.EmailAddress != "soc@example.com" || bill.AlternateContact.Name != "Accounts Payable" {
		t.Errorf("contacts read back: security %+v, billing %+v", sec, bill)
	}
	if r := m.Orgrail(t, state, append([]string{"plan"}, flags...)...); r.Code != 0 {
		t.Fatalf("plan after apply: exit %d, want 0\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
}
