package org

import (
	"reflect"
	"strings"
	"testing"
)

// sample builds root → Security, Workloads → Prod; accounts under each.
func sample(t *testing.T) *Organization {
	t.Helper()
	o := &Organization{
		Id:              "o-abc1234567",
		Arn:             "arn:aws:organizations::111111111111:organization/o-abc1234567",
		MasterAccountId: "111111111111",
		Roots:           []Root{{Id: "r-ab12", Name: "Root"}},
		OrganizationalUnits: []OU{
			{Id: "ou-ab12-sec00001", Name: "Security", ParentId: "r-ab12"},
			{Id: "ou-ab12-wrk00001", Name: "Workloads", ParentId: "r-ab12"},
			{Id: "ou-ab12-prd00001", Name: "Prod", ParentId: "ou-ab12-wrk00001"},
		},
		Accounts: []Account{
			{Id: "111111111111", Name: "management", ParentId: "r-ab12", Status: StatusActive},
			{Id: "222222222222", Name: "log-archive", ParentId: "ou-ab12-sec00001", Status: StatusActive},
			{Id: "333333333333", Name: "payments-prod", ParentId: "ou-ab12-prd00001", Status: StatusActive},
			{Id: "444444444444", Name: "orders-prod", ParentId: "ou-ab12-prd00001", Status: StatusSuspended},
		},
		Policies: []Policy{
			{Id: FullAWSAccessPolicyID, Name: "FullAWSAccess", Type: SCP, AwsManaged: true, Targets: []string{"r-ab12", "ou-ab12-sec00001", "ou-ab12-wrk00001", "ou-ab12-prd00001", "111111111111", "222222222222", "333333333333", "444444444444"}},
			{Id: "p-deny0001", Name: "DenyLeave", Type: SCP, Targets: []string{"r-ab12"}},
			{Id: "p-region01", Name: "Regions", Type: SCP, Targets: []string{"ou-ab12-wrk00001"}},
			{Id: "p-rcptls01", Name: "TLS", Type: RCP, Targets: []string{"r-ab12"}},
			{Id: "p-tag00001", Name: "Tags", Type: TagPolicy, Targets: []string{"333333333333"}},
		},
		DelegatedAdministrators: []DelegatedAdministrator{{AccountId: "222222222222", ServicePrincipals: []string{"guardduty.amazonaws.com"}}},
	}
	if err := o.Index(); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestPath(t *testing.T) {
	o := sample(t)
	got := o.Path("333333333333")
	want := []string{"r-ab12", "ou-ab12-wrk00001", "ou-ab12-prd00001", "333333333333"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Path = %v, want %v", got, want)
	}
	if p := o.Path("999999999999"); p != nil {
		t.Fatalf("unknown target: %v", p)
	}
	if s := o.PathNames("333333333333"); s != "Root/Workloads/Prod/payments-prod" {
		t.Fatalf("PathNames = %q", s)
	}
	if s := o.OUPath("333333333333"); s != "Workloads/Prod" {
		t.Fatalf("OUPath = %q", s)
	}
	if s := o.OUPath("111111111111"); s != "" {
		t.Fatalf("OUPath of management = %q", s)
	}
	if d := o.Depth("ou-ab12-prd00001"); d != 2 {
		t.Fatalf("Depth = %d", d)
	}
}

func TestPoliciesInForce(t *testing.T) {
	o := sample(t)
	levels := o.PoliciesInForce("333333333333", SCP)
	if len(levels) != 4 {
		t.Fatalf("levels = %d", len(levels))
	}
	names := func(l Level) []string {
		var s []string
		for _, p := range l.Policies {
			s = append(s, p.Name)
		}
		return s
	}
	if got := names(levels[0]); !reflect.DeepEqual(got, []string{"FullAWSAccess", "DenyLeave"}) {
		t.Fatalf("root level = %v", got)
	}
	if got := names(levels[1]); !reflect.DeepEqual(got, []string{"FullAWSAccess", "Regions"}) {
		t.Fatalf("workloads level = %v", got)
	}
	if got := names(levels[3]); !reflect.DeepEqual(got, []string{"FullAWSAccess"}) {
		t.Fatalf("account level = %v", got)
	}
	rcp := o.PoliciesInForce("333333333333", RCP)
	if len(rcp[0].Policies) != 1 || len(rcp[3].Policies) != 0 {
		t.Fatalf("rcp levels = %+v", rcp)
	}
	// Types are kept as AWS strings: a type orgrail has never heard of works.
	o.Policies = append(o.Policies, Policy{Id: "p-new00001", Type: "SOME_FUTURE_POLICY", Targets: []string{"r-ab12"}})
	if err := o.Index(); err != nil {
		t.Fatal(err)
	}
	if l := o.PoliciesInForce("222222222222", "SOME_FUTURE_POLICY"); len(l[0].Policies) != 1 {
		t.Fatal("future policy type not found")
	}
}

func TestAccountsUnder(t *testing.T) {
	o := sample(t)
	var ids []string
	for _, a := range o.AccountsUnder("ou-ab12-wrk00001") {
		ids = append(ids, a.Id)
	}
	if !reflect.DeepEqual(ids, []string{"333333333333", "444444444444"}) {
		t.Fatalf("AccountsUnder = %v", ids)
	}
	if n := len(o.AccountsUnder("r-ab12")); n != 4 {
		t.Fatalf("root has %d accounts", n)
	}
	if n := len(o.AccountsUnder("222222222222")); n != 1 {
		t.Fatalf("account itself: %d", n)
	}
}

func TestLookups(t *testing.T) {
	o := sample(t)
	if o.DelegatedAdminFor("guardduty.amazonaws.com") != "222222222222" {
		t.Fatal("delegated admin")
	}
	if o.DelegatedAdminFor("securityhub.amazonaws.com") != "" {
		t.Fatal("no delegated admin expected")
	}
	if !o.IsManagementAccount("111111111111") || o.IsManagementAccount("222222222222") {
		t.Fatal("management account")
	}
	if o.Partition() != "aws" {
		t.Fatal("partition")
	}
	o.Arn = "arn:aws-us-gov:organizations::111111111111:organization/o-abc1234567"
	if o.Partition() != "aws-us-gov" {
		t.Fatal("gov partition")
	}
	if TargetKind("r-ab12") != KindRoot || TargetKind("ou-ab12-x") != KindOU || TargetKind("123456789012") != KindAccount {
		t.Fatal("TargetKind")
	}
}

func TestIndexErrors(t *testing.T) {
	cases := map[string]func(o *Organization){
		"unknown parent": func(o *Organization) { o.Accounts[1].ParentId = "ou-nope" },
		"unknown target": func(o *Organization) { o.Policies[1].Targets = []string{"ou-missing"} },
		"duplicate":      func(o *Organization) { o.Accounts = append(o.Accounts, o.Accounts[0]) },
		"cycle": func(o *Organization) {
			o.OrganizationalUnits[1].ParentId = "ou-ab12-prd00001"
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			o := sample(t)
			mutate(o)
			err := o.Index()
			if err == nil {
				t.Fatal("want error")
			}
			if !strings.Contains(err.Error(), "ou-") && !strings.Contains(err.Error(), "account") {
				t.Fatalf("error does not name the culprit: %v", err)
			}
		})
	}
}
