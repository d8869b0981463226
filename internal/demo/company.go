package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/orgrail/orgrail/internal/org"
)

// The company behind the demo organization.
const (
	companyName   = "Kumo Foods"
	companyDomain = "kumofoods.example"
)

// allowedRegions are the regions the region allow-list SCP permits and
// the demo collects. optInRegions are left disabled.
var (
	allowedRegions = []string{"ap-northeast-1", "us-east-1", "us-west-2"}
	defaultRegions = []string{"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
		"ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1",
		"eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"}
	optInRegions = []string{"af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
		"ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1"}
)

// accountSpec places one account in the OU tree.
type accountSpec struct {
	name, ou, kind, system, env string
}

// kumoAccounts is the embedded organization's account list.
var kumoAccounts = []accountSpec{
	{"kumo-management", "", kindManagement, "", "management"},
	{"log-archive", "Security", kindLogArchive, "", "security"},
	{"audit", "Security", kindAudit, "", "security"},
	{"network", "Infrastructure", kindNetwork, "", "infrastructure"},
	{"shared-services", "Infrastructure", kindShared, "", "infrastructure"},
	{"orders-prod", "Workloads/Prod", kindWorkload, "orders", "prod"},
	{"payments-prod", "Workloads/Prod", kindWorkload, "payments", "prod"},
	{"loyalty-prod", "Workloads/Prod", kindWorkload, "loyalty", "prod"},
	{"orders-staging", "Workloads/Staging", kindWorkload, "orders", "staging"},
	{"payments-staging", "Workloads/Staging", kindWorkload, "payments", "staging"},
	{"loyalty-staging", "Workloads/Staging", kindWorkload, "loyalty", "staging"},
	{"orders-dev", "Workloads/Dev", kindWorkload, "orders", "dev"},
	{"payments-dev", "Workloads/Dev", kindWorkload, "payments", "dev"},
	{"loyalty-dev", "Workloads/Dev", kindWorkload, "loyalty", "dev"},
	{"sandbox-ayaka", "Sandbox", kindSandbox, "", "sandbox"},
	{"sandbox-ben", "Sandbox", kindSandbox, "", "sandbox"},
	{"legacy-analytics", "Suspended", kindSuspended, "", "retired"},
}

// ouPaths is the OU tree, parents before children.
var ouPaths = []string{"Security", "Infrastructure", "Workloads", "Workloads/Prod",
	"Workloads/Staging", "Workloads/Dev", "Sandbox", "Suspended"}

var systemNames = []string{"orders", "payments", "loyalty", "inventory", "delivery", "menu",
	"kitchen", "pricing", "search", "reviews", "catalog", "billing", "analytics", "forecast",
	"supplier", "warehouse", "fleet", "promotions", "crm", "identity"}

// syntheticAccounts lays out n accounts: the five core accounts, about
// one in ten a sandbox, one in a hundred suspended, the rest workloads in
// prod/staging/dev triples.
func syntheticAccounts(n int) []accountSpec {
	specs := append([]accountSpec(nil), kumoAccounts[:5]...)
	suspended := max(1, n/100)
	sandboxes := max(1, n/10)
	workloads := n - len(specs) - suspended - sandboxes
	envs := []struct{ env, ou string }{{"prod", "Workloads/Prod"}, {"staging", "Workloads/Staging"}, {"dev", "Workloads/Dev"}}
	for i := range workloads {
		sys := systemNames[(i/3)%len(systemNames)]
		if k := i / 3 / len(systemNames); k > 0 {
			sys = fmt.Sprintf("%s%d", sys, k+1)
		}
		e := envs[i%3]
		specs = append(specs, accountSpec{sys + "-" + e.env, e.ou, kindWorkload, sys, e.env})
	}
	for i := range sandboxes {
		specs = append(specs, accountSpec{fmt.Sprintf("sandbox-%04d", i+1), "Sandbox", kindSandbox, "", "sandbox"})
	}
	for i := range suspended {
		specs = append(specs, accountSpec{fmt.Sprintf("retired-%03d", i+1), "Suspended", kindSuspended, "", "retired"})
	}
	return specs
}

// buildOrg makes the organization, its accounts and their baseline.
func buildOrg(opt Options) *world {
	r := newRand(opt.Seed, 0)
	w := &world{
		opt:       opt,
		partition: "aws",
		regions:   allowedRegions,
		home:      "us-east-1",
		byName:    map[string]*acct{},
		start:     End.AddDate(0, 0, -opt.Days),
		collected: End.Add(17 * time.Minute),
		trailName: "kumo-org-trail",
	}
	specs := kumoAccounts
	if opt.Accounts > 0 {
		specs = syntheticAccounts(opt.Accounts)
	}
	w.orgID = "o-" + randString(r, lowerAlnum[:26], 4) + randString(r, lowerAlnum, 6)
	rootID := "r-" + randString(r, lowerAlnum, 4)
	ids := uniqueAccountIDs(r, len(specs))
	mgmtID := ids[0]
	o := &org.Organization{
		Id:         w.orgID,
		Arn:        fmt.Sprintf("arn:aws:organizations::%s:organization/%s", mgmtID, w.orgID),
		FeatureSet: "ALL", MasterAccountId: mgmtID,
		MasterAccountArn:   fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", mgmtID, w.orgID, mgmtID),
		MasterAccountEmail: "aws+kumo-management@" + companyDomain,
		Roots: []org.Root{{Id: rootID, Arn: fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", mgmtID, w.orgID, rootID),
			Name: "Root", PolicyTypes: []org.PolicyTypeSummary{
				{Type: org.AIOptOutPolicy, Status: "ENABLED"},
				{Type: org.DeclarativePolicyEC2, Status: "ENABLED"},
				{Type: org.RCP, Status: "ENABLED"},
				{Type: org.SCP, Status: "ENABLED"},
				{Type: org.TagPolicy, Status: "ENABLED"},
			}}},
	}
	w.org = o
	ouIDs := map[string]string{"": rootID}
	for _, p := range ouPaths {
		parent, name := splitOUPath(p)
		id := "ou-" + rootID[2:] + "-" + randString(r, lowerAlnum, 8)
		ouIDs[p] = id
		o.OrganizationalUnits = append(o.OrganizationalUnits, org.OU{Id: id, Name: name, ParentId: ouIDs[parent],
			Arn: fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", mgmtID, w.orgID, id)})
	}
	for i, s := range specs {
		a := newAccount(w, r, i, ids[i], s, ouIDs[s.ou])
		o.Accounts = append(o.Accounts, *a.Account)
	}
	// The accounts' *org.Account must point into o.Accounts for Index.
	sort.Slice(o.Accounts, func(i, j int) bool { return o.Accounts[i].Id < o.Accounts[j].Id })
	for i := range o.Accounts {
		a := w.byID(o.Accounts[i].Id)
		a.Account = &o.Accounts[i]
	}
	sort.Slice(w.accounts, func(i, j int) bool { return w.accounts[i].Id < w.accounts[j].Id })
	w.mgmt, w.logArch, w.audit, w.shared = w.byName["kumo-management"], w.byName["log-archive"], w.byName["audit"], w.byName["shared-services"]
	w.trailARN = fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", w.home, w.mgmt.Id, w.trailName)
	w.trailBkt = "kumo-org-cloudtrail-" + w.logArch.Id
	addPolicies(w, ouIDs)
	addOrgServices(w)
	return w
}

func (w *world) byID(id string) *acct {
	for _, a := range w.accounts {
		if a.Id == id {
			return a
		}
	}
	return nil
}

func uniqueAccountIDs(r *rand.Rand, n int) []string {
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		id := accountID(r)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func splitOUPath(p string) (parent, name string) {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i], p[i+1:]
		}
	}
	return "", p
}

func newAccount(w *world, r *rand.Rand, i int, id string, s accountSpec, parent string) *acct {
	joined := time.Date(2023, 4, 3, 9, 12, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour))))
	method := "CREATED"
	if s.kind == kindManagement || s.kind == kindSuspended {
		method = "INVITED"
	}
	status := org.StatusActive
	if s.kind == kindSuspended {
		status = org.StatusSuspended
	}
	owner := "platform-team@" + companyDomain
	switch {
	case s.system != "":
		owner = s.system + "-team@" + companyDomain
	case s.kind == kindLogArchive || s.kind == kindAudit:
		owner = "security-team@" + companyDomain
	case s.kind == kindSandbox:
		owner = s.name[len("sandbox-"):] + "@" + companyDomain
	}
	tags := map[string]string{"Owner": owner, "Environment": s.env, "CostCenter": costCenter(s)}
	if s.system != "" {
		tags["System"] = s.system
	}
	oa := &org.Account{
		Id: id, Name: s.name, Email: "aws+" + s.name + "@" + companyDomain,
		Arn:    fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", w.org.MasterAccountId, w.orgID, id),
		Status: status, State: status, JoinedMethod: method, JoinedTimestamp: joined,
		ParentId: parent, Tags: tags,
	}
	a := &acct{Account: oa, index: i, kind: s.kind, system: s.system, env: s.env, owner: owner,
		rng: newRand(w.opt.Seed, uint64(i)+1), regional: map[string]*regionRes{},
		suspended: s.kind == kindSuspended}
	w.accounts = append(w.accounts, a)
	w.byName[s.name] = a
	return a
}

func costCenter(s accountSpec) string {
	switch s.kind {
	case kindWorkload:
		return "CC-" + fmt.Sprint(1000+len(s.system)*37%900)
	case kindSandbox:
		return "CC-0900"
	}
	return "CC-0100"
}

// addOrgServices sets trusted access and delegated administrators.
func addOrgServices(w *world) {
	enabled := time.Date(2023, 4, 3, 10, 0, 0, 0, time.UTC)
	for _, sp := range []string{"access-analyzer.amazonaws.com", "account.amazonaws.com",
		"cloudtrail.amazonaws.com", "config.amazonaws.com", "config-multiaccountsetup.amazonaws.com",
		"guardduty.amazonaws.com", "malware-protection.guardduty.amazonaws.com",
		"member.org.stacksets.cloudformation.amazonaws.com", "ram.amazonaws.com",
		"securityhub.amazonaws.com", "sso.amazonaws.com"} {
		w.org.EnabledServicePrincipals = append(w.org.EnabledServicePrincipals,
			org.ServicePrincipal{ServicePrincipal: sp, DateEnabled: enabled})
	}
	w.org.DelegatedAdministrators = []org.DelegatedAdministrator{
		{AccountId: w.audit.Id, ServicePrincipals: []string{"access-analyzer.amazonaws.com",
			"config.amazonaws.com", "guardduty.amazonaws.com", "securityhub.amazonaws.com"}},
		{AccountId: w.shared.Id, ServicePrincipals: []string{"member.org.stacksets.cloudformation.amazonaws.com"}},
	}
}
