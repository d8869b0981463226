package apply_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/plan"
)

// liveByCLI is the organization as the AWS CLI reads it back.
type liveByCLI struct {
	ouID     map[string]string // path -> id
	ref      map[string]string // root/OU id or account id -> configuration reference
	acctOU   map[string]string // lower-case email -> OU path or Root
	policies map[string]cliPolicy
}

type cliPolicy struct {
	Description, Content string
	AwsManaged           bool
	Targets              []string
}

// readBack reads the organization with the AWS CLI: the OU tree, where
// each account is, and every SCP, RCP and tag policy with its document
// and targets.
func readBack(t *testing.T, m *moto, c *config.Config) *liveByCLI {
	t.Helper()
	l := &liveByCLI{ouID: map[string]string{}, ref: map[string]string{}, acctOU: map[string]string{}, policies: map[string]cliPolicy{}}
	var roots struct{ Roots []struct{ Id string } }
	m.cli(t, &roots, "organizations", "list-roots")
	root := roots.Roots[0].Id
	l.ref[root] = config.RootPath
	queue := []string{root}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		var ous struct{ OrganizationalUnits []struct{ Id, Name string } }
		m.cli(t, &ous, "organizations", "list-organizational-units-for-parent", "--parent-id", parent)
		for _, u := range ous.OrganizationalUnits {
			p := u.Name
			if parent != root {
				p = l.ref[parent] + "/" + u.Name
			}
			l.ouID[p], l.ref[u.Id] = u.Id, p
			queue = append(queue, u.Id)
		}
		var accts struct{ Accounts []struct{ Id, Email string } }
		m.cli(t, &accts, "organizations", "list-accounts-for-parent", "--parent-id", parent)
		for _, a := range accts.Accounts {
			l.acctOU[strings.ToLower(a.Email)] = l.ref[parent]
			for _, ca := range c.Accounts {
				if strings.EqualFold(ca.Email, a.Email) || ca.ID == a.Id {
					l.ref[a.Id] = ca.Name
				}
			}
		}
	}
	for _, typ := range []string{"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY"} {
		var ps struct {
			Policies []struct {
				Id, Name   string
				AwsManaged bool
			}
		}
		m.cli(t, &ps, "organizations", "list-policies", "--filter", typ)
		for _, p := range ps.Policies {
			var d struct {
				Policy struct {
					PolicySummary struct{ Description string }
					Content       string
				}
			}
			m.cli(t, &d, "organizations", "describe-policy", "--policy-id", p.Id)
			var ts struct{ Targets []struct{ TargetId string } }
			m.cli(t, &ts, "organizations", "list-targets-for-policy", "--policy-id", p.Id)
			cp := cliPolicy{Description: d.Policy.PolicySummary.Description, Content: d.Policy.Content, AwsManaged: p.AwsManaged}
			for _, x := range ts.Targets {
				cp.Targets = append(cp.Targets, l.ref[x.TargetId])
			}
			sort.Strings(cp.Targets)
			l.policies[typ+"/"+p.Name] = cp
		}
	}
	return l
}

// compare checks the organization read back against the configuration.
func (l *liveByCLI) compare(t *testing.T, c *config.Config) {
	t.Helper()
	for _, o := range c.OUs {
		if l.ouID[o.Path] == "" {
			t.Errorf("OU %s is missing", o.Path)
		}
	}
	if len(l.ouID) != len(c.OUs) {
		t.Errorf("%d OUs, configuration has %d", len(l.ouID), len(c.OUs))
	}
	for _, a := range c.Accounts {
		if a.ID != "" {
			continue // the management account keeps moto's email
		}
		if got := l.acctOU[strings.ToLower(a.Email)]; got != a.OU {
			t.Errorf("account %s is in %q, want %q", a.Name, got, a.OU)
		}
	}
	for _, p := range c.Policies {
		lp, ok := l.policies[p.Type+"/"+p.Name]
		if !ok {
			t.Errorf("policy %s %s is missing", p.Type, p.Name)
			continue
		}
		want := append([]string(nil), p.Targets...)
		sort.Strings(want)
		if p.AWSManaged {
			for _, w := range want {
				if !slices.Contains(lp.Targets, w) {
					t.Errorf("%s is not attached to %s: %v", p.Name, w, lp.Targets)
				}
			}
			continue
		}
		if !slices.Equal(lp.Targets, want) {
			t.Errorf("%s targets %v, want %v", p.Name, lp.Targets, want)
		}
		if plan.Canonical(lp.Content) != plan.Canonical(string(p.Content)) || lp.Description != p.Description {
			t.Errorf("%s: document or description differ", p.Name)
		}
	}
}

func loadConfig(t *testing.T, dir string) *config.Config {
	t.Helper()
	c, _, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMotoLandingZone is the done-when: a new user points orgrail
// at an empty moto organization and, with examples/landing-zone, builds
// the OU tree, accounts and guardrails with plan and apply; the AWS CLI
// reads the result back; then one SCP changes and the next plan shows
// exactly that.
func TestMotoLandingZone(t *testing.T) {
	m := startMoto(t)
	orgID, mgmt := m.createOrganization(t)
	dir := exampleFor(t, orgID, mgmt)
	state := filepath.Join(t.TempDir(), "state.db")
	planFile := filepath.Join(t.TempDir(), "lz.plan")
	if r := m.orgrail(t, state, "plan", "--config", dir, "--out", planFile); r.code != 4 {
		t.Fatalf("plan: exit %d, want 4\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := m.orgrail(t, state, "apply", planFile, "--rate-limit", "0"); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	c := loadConfig(t, dir)
	readBack(t, m, c).compare(t, c)
	if r := m.orgrail(t, state, "plan", "--config", dir); r.code != 0 {
		t.Fatalf("plan after apply: exit %d, want 0\n%s", r.code, r.stdout)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllButRead","Effect":"Deny","NotAction":["iam:Get*","iam:List*"],"Resource":"*"}]}`
	if err := os.WriteFile(filepath.Join(dir, "policies", "deny-all.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r := m.orgrail(t, state, "plan", "--config", dir, "--output", "json")
	if r.code != 4 {
		t.Fatalf("plan after the SCP edit: exit %d\n%s", r.code, r.stderr)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Key != "policy:SERVICE_CONTROL_POLICY/deny-all" || p.Changes[0].Action != plan.Update {
		t.Fatalf("want exactly the deny-all update, got %+v", p.Changes)
	}
	if r := m.orgrail(t, state, "plan", "--config", dir); !strings.Contains(r.stdout, `+      "Sid": "DenyAllButRead"`) || !strings.Contains(r.stdout, "Plan: 0 to add, 1 to change, 0 to remove.") {
		t.Errorf("rendered plan:\n%s", r.stdout)
	}
}
