package importer

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
)

// roundTrip imports o, loads the configuration back and plans it
// against o: the plan must be empty and the configuration valid.
func roundTrip(t *testing.T, o *org.Organization) {
	t.Helper()
	files, err := Import(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range o.Accounts {
		for _, ac := range a.AlternateContacts {
			if !strings.Contains(string(files["accounts.yaml"]), ac.EmailAddress) {
				t.Fatalf("contact %s of %s not imported", ac.EmailAddress, a.Id)
			}
		}
	}
	dir := t.TempDir()
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	c, diags, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diags.Max().Reaches(severity.High) {
		t.Fatalf("imported configuration does not validate: %v\n%s", diags, files["policies.yaml"])
	}
	p, pd := plan.New(c, o, plan.Options{})
	for _, d := range pd {
		if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
			t.Fatalf("plan: %v", d)
		}
	}
	if !p.Empty() {
		var keys []string
		for _, ch := range p.Changes {
			keys = append(keys, ch.Key)
		}
		t.Fatalf("plan(import(x)) has %d changes: %v", len(keys), keys)
	}
}

// TestImportDemo: plan(import(x)) = ∅ over the demo organization.
func TestImportDemo(t *testing.T) {
	b, err := fs.ReadFile(demo.Embedded(), "snapshot/org.json")
	if err != nil {
		t.Fatal(err)
	}
	var o org.Organization
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, &o)
}

// TestImportGenerated: plan(import(x)) = ∅ over generated organizations
// with nested OUs, duplicate and awkward account names, tags, policies
// of several types attached anywhere, trusted access and delegated
// administrators, and (every other seed) alternate contacts.
func TestImportGenerated(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { roundTrip(t, generate(seed)) })
	}
}

// generate builds a random organization that AWS could hold.
func generate(seed uint64) *org.Organization {
	r := rand.New(rand.NewPCG(seed, 99))
	o := &org.Organization{Id: "o-gen" + fmt.Sprintf("%07d", seed), MasterAccountId: "100000000000",
		Roots: []org.Root{{Id: "r-gen1", Name: "Root", PolicyTypes: []org.PolicyTypeSummary{{Type: org.SCP, Status: "ENABLED"}, {Type: org.TagPolicy, Status: "ENABLED"}}}}}
	containers := []string{"r-gen1"}
	depth := map[string]int{"r-gen1": 0}
	names := []string{"Prod", "Dev", "Shared", "Sandbox", "Security", "Team A", "x"}
	for i := range r.IntN(12) {
		parent := containers[r.IntN(len(containers))]
		if depth[parent] >= 5 {
			continue
		}
		id := fmt.Sprintf("ou-gen1-%08d", i)
		name := names[r.IntN(len(names))]
		dup := false
		for _, u := range o.OrganizationalUnits {
			dup = dup || (u.ParentId == parent && u.Name == name)
		}
		if dup {
			continue
		}
		u := org.OU{Id: id, Name: name, ParentId: parent}
		if r.IntN(3) == 0 {
			u.Tags = map[string]string{"Env": name}
		}
		o.OrganizationalUnits = append(o.OrganizationalUnits, u)
		containers = append(containers, id)
		depth[id] = depth[parent] + 1
	}
	acctNames := []string{"app", "app", "Prod", "log archive", "", "data-lake", "ünïcode"}
	for i := range 3 + r.IntN(15) {
		id := fmt.Sprintf("1%011d", i)
		if i == 0 {
			id = o.MasterAccountId
		}
		a := org.Account{Id: id, Name: acctNames[r.IntN(len(acctNames))], Email: fmt.Sprintf("a%d@example.com", i), Status: "ACTIVE",
			ParentId: containers[r.IntN(len(containers))]}
		if i == 0 {
			a.ParentId = "r-gen1"
		}
		if r.IntN(2) == 0 {
			a.Tags = map[string]string{"Owner": fmt.Sprintf("team-%d", r.IntN(3))}
		}
		o.Accounts = append(o.Accounts, a)
	}
	targets := append([]string{}, containers...)
	for _, a := range o.Accounts {
		targets = append(targets, a.Id)
	}
	full := org.Policy{Id: org.FullAWSAccessPolicyID, Name: "FullAWSAccess", Type: org.SCP, AwsManaged: true,
		Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, Targets: targets}
	o.Policies = append(o.Policies, full)
	for i := range r.IntN(6) {
		typ := []string{org.SCP, org.TagPolicy}[r.IntN(2)]
		p := org.Policy{Id: fmt.Sprintf("p-gen%05d", i), Name: fmt.Sprintf("policy %d/x", i), Type: typ, Description: "generated",
			Content: fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Delete%d*","Resource":"*"}]}`, i)}
		if typ == org.TagPolicy {
			p.Content = `{"tags":{"Owner":{"tag_key":{"@@assign":"Owner"}}}}`
		}
		for _, t := range targets {
			if r.IntN(4) == 0 {
				p.Targets = append(p.Targets, t)
			}
		}
		o.Policies = append(o.Policies, p)
	}
	o.EnabledServicePrincipals = []org.ServicePrincipal{{ServicePrincipal: "guardduty.amazonaws.com"}, {ServicePrincipal: "securityhub.amazonaws.com"}, {ServicePrincipal: "config.amazonaws.com"}}
	if seed%2 == 0 {
		o.EnabledServicePrincipals = append(o.EnabledServicePrincipals, org.ServicePrincipal{ServicePrincipal: "account.amazonaws.com"})
		for i := range o.Accounts {
			for _, typ := range []string{"BILLING", "OPERATIONS", "SECURITY"} {
				if r.IntN(3) == 0 {
					o.Accounts[i].AlternateContacts = append(o.Accounts[i].AlternateContacts, org.AlternateContact{AlternateContactType: typ,
						Name: "Contact " + typ, Title: "Lead", EmailAddress: fmt.Sprintf("%s-%d@example.com", typ, i), PhoneNumber: "+1 (555) 0100"})
				}
			}
		}
	}
	if len(o.Accounts) > 1 {
		o.DelegatedAdministrators = []org.DelegatedAdministrator{{AccountId: o.Accounts[1].Id, ServicePrincipals: []string{"guardduty.amazonaws.com", "securityhub.amazonaws.com"}}}
	}
	return o
}
