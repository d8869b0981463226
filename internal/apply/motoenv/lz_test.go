package motoenv_test

import (
	"encoding/json"
	"github.com/orgrail/orgrail/internal/apply/motoenv"
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
func readBack(t *testing.T, m *motoenv.Moto, c *config.Config) *liveByCLI {
	t.Helper()
	l := &liveByCLI{ouID: map[string]string{}, ref: map[string]string{}, acctOU: map[string]string{}, policies: map[string]cliPolicy{}}
	var roots struct{ Roots []struct{ Id string } }
	m.CLI(t, &roots, "organizations", "list-roots")
	root := roots.Roots[0].Id
	l.ref[root] = config.RootPath
	level := []string{root}
	for len(level) > 0 {
		ous := make([]struct{ OrganizationalUnits []struct{ Id, Name string } }, len(level))
		accts := make([]struct{ Accounts []struct{ Id, Email string } }, len(level))
		var calls []motoenv.Call
		for i, parent := range level {
			calls = append(calls, motoenv.Call{Out: &ous[i], Args: []string{"organizations", "list-organizational-units-for-parent", "--parent-id", parent}},
				motoenv.Call{Out: &accts[i], Args: []string{"organizations", "list-accounts-for-parent", "--parent-id", parent}})
		}
		m.CLIAll(t, calls)
		var next []string
		for i, parent := range level {
			for _, u := range ous[i].OrganizationalUnits {
				p := u.Name
				if parent != root {
					p = l.ref[parent] + "/" + u.Name
				}
				l.ouID[p], l.ref[u.Id] = u.Id, p
				next = append(next, u.Id)
			}
			for _, a := range accts[i].Accounts {
				l.acctOU[strings.ToLower(a.Email)] = l.ref[parent]
				for _, ca := range c.Accounts {
					if strings.EqualFold(ca.Email, a.Email) || ca.ID == a.Id {
						l.ref[a.Id] = ca.Name
					}
				}
			}
		}
		level = next
	}
	// SCPs and RCPs; the tag policy is checked by the empty plan that
	// follows (the AWS CLI is slow to start: fewer calls keep the test short).
	types := []string{"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"}
	lists := make([]struct {
		Policies []struct {
			Id, Name   string
			AwsManaged bool
		}
	}, len(types))
	m.CLIAll(t, []motoenv.Call{{Out: &lists[0], Args: []string{"organizations", "list-policies", "--filter", types[0]}},
		{Out: &lists[1], Args: []string{"organizations", "list-policies", "--filter", types[1]}}})
	type detail struct {
		Policy struct {
			PolicySummary struct{ Description string }
			Content       string
		}
	}
	type targets struct{ Targets []struct{ TargetId string } }
	var calls []motoenv.Call
	var ds []*detail
	var ts []*targets
	for _, list := range lists {
		for _, p := range list.Policies {
			d, tg := &detail{}, &targets{}
			ds, ts = append(ds, d), append(ts, tg)
			calls = append(calls, motoenv.Call{Out: d, Args: []string{"organizations", "describe-policy", "--policy-id", p.Id}},
				motoenv.Call{Out: tg, Args: []string{"organizations", "list-targets-for-policy", "--policy-id", p.Id}})
		}
	}
	m.CLIAll(t, calls)
	i := 0
	for ti, list := range lists {
		for _, p := range list.Policies {
			cp := cliPolicy{Description: ds[i].Policy.PolicySummary.Description, Content: ds[i].Policy.Content, AwsManaged: p.AwsManaged}
			for _, x := range ts[i].Targets {
				cp.Targets = append(cp.Targets, l.ref[x.TargetId])
			}
			sort.Strings(cp.Targets)
			l.policies[types[ti]+"/"+p.Name] = cp
			i++
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
		if p.Type != "SERVICE_CONTROL_POLICY" && p.Type != "RESOURCE_CONTROL_POLICY" {
			continue
		}
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
	m := motoenv.Start(t)
	orgID, mgmt := m.CreateOrganization(t)
	dir := motoenv.ExampleFor(t, orgID, mgmt)
	state := filepath.Join(t.TempDir(), "state.db")
	planFile := filepath.Join(t.TempDir(), "lz.plan")
	if r := m.Orgrail(t, state, "plan", "--config", dir, "--out", planFile); r.Code != 4 {
		t.Fatalf("plan: exit %d, want 4\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := m.Orgrail(t, state, "apply", planFile, "--rate-limit", "0"); r.Code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	c := loadConfig(t, dir)
	readBack(t, m, c).compare(t, c)
	if r := m.Orgrail(t, state, "plan", "--config", dir); r.Code != 0 {
		t.Fatalf("plan after apply: exit %d, want 0\n%s", r.Code, r.Stdout)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllButRead","Effect":"Deny","NotAction":["iam:Get*","iam:List*"],"Resource":"*"}]}`
	if err := os.WriteFile(filepath.Join(dir, "policies", "deny-all.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r := m.Orgrail(t, state, "plan", "--config", dir, "--output", "json")
	if r.Code != 4 {
		t.Fatalf("plan after the SCP edit: exit %d\n%s", r.Code, r.Stderr)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Key != "policy:SERVICE_CONTROL_POLICY/deny-all" || p.Changes[0].Action != plan.Update {
		t.Fatalf("want exactly the deny-all update, got %+v", p.Changes)
	}
	if r := m.Orgrail(t, state, "plan", "--config", dir); !strings.Contains(r.Stdout, `+      "Sid": "DenyAllButRead"`) || !strings.Contains(r.Stdout, "Plan: 0 to add, 1 to change, 0 to remove.") {
		t.Errorf("rendered plan:\n%s", r.Stdout)
	}
}
