package baseline

import (
	"slices"
	"testing"
)

func stepKeys(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Key)
	}
	return out
}

// TestPlanFromNothing plans every step on an empty organization, in an
// order that respects DependsOn, and nothing once every step is done.
func TestPlanFromNothing(t *testing.T) {
	_, s := fixture(t, "")
	steps, err := Plan(s, &State{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"stackset:orgrail-log-archive", "stackset:orgrail-audit", "stackset:orgrail-account-baseline",
		"org-trail:orgrail-organization", "service-admin:guardduty", "auto-enable:guardduty", "service-admin:securityhub",
		"auto-enable:securityhub", "service-admin:inspector", "auto-enable:inspector", "service-admin:macie", "auto-enable:macie",
		"config-aggregator:orgrail-organization", "access-analyzer:orgrail-organization", "access-analyzer:orgrail-organization-unused-access"}
	if got := stepKeys(steps); !slices.Equal(got, want) {
		t.Fatalf("steps\n got %v\nwant %v", got, want)
	}
	seen := map[string]bool{}
	st := &State{}
	for i := range steps {
		for _, d := range steps[i].DependsOn {
			if !seen[d] {
				t.Errorf("%s depends on %s, which comes later", steps[i].Key, d)
			}
		}
		seen[steps[i].Key] = true
		if Observe(&steps[i], st) != steps[i].Version {
			t.Errorf("%s: observed %s, planned against %s", steps[i].Key, Observe(&steps[i], st), steps[i].Version)
		}
		Effect(st, &steps[i])
		if got := Observe(&steps[i], st); got != steps[i].Result {
			t.Errorf("%s: after its effect observed %s, want %s", steps[i].Key, got, steps[i].Result)
		}
	}
	again, err := Plan(s, st)
	if err != nil || len(again) != 0 {
		t.Fatalf("plan after apply: %v %v", stepKeys(again), err)
	}
	ss := steps[2].StackSet
	if !ss.AutoDeploy || !slices.Equal(ss.OUs, []string{"r-root"}) || !slices.Equal(ss.Regions, []string{"ap-northeast-1", "us-east-1"}) {
		t.Errorf("account baseline deploys to %v in %v (auto %v)", ss.OUs, ss.Regions, ss.AutoDeploy)
	}
	if la := steps[0].StackSet; !slices.Equal(la.Accounts, []string{"222222222222"}) || !slices.Equal(la.OUs, []string{"ou-root-security"}) {
		t.Errorf("log archive stack targets %v %v", la.OUs, la.Accounts)
	}
}

// TestPlanChange re-plans only what a configuration change touches.
func TestPlanChange(t *testing.T) {
	_, s := fixture(t, "")
	steps, _ := Plan(s, &State{})
	st := &State{}
	for i := range steps {
		Effect(st, &steps[i])
	}
	_, s2 := fixture(t, "  passwordPolicy: {minimumLength: 20}\n")
	steps2, err := Plan(s2, st)
	if err != nil {
		t.Fatal(err)
	}
	if got := stepKeys(steps2); !slices.Equal(got, []string{"stackset:orgrail-account-baseline"}) {
		t.Fatalf("after a password policy change: %v", got)
	}
	if steps2[0].Version == StateAbsent || steps2[0].Version == steps2[0].Result {
		t.Errorf("update planned against %s", steps2[0].Version)
	}
	if len(steps2[0].DependsOn) != 0 {
		t.Errorf("dependencies on done steps kept: %v", steps2[0].DependsOn)
	}
	st.Admins[RegionKey("guardduty", "us-east-1")] = "999999999999"
	steps3, _ := Plan(s, st)
	if got := stepKeys(steps3); !slices.Equal(got, []string{"service-admin:guardduty"}) {
		t.Errorf("after another admin in one region: %v", got)
	}
}

// TestPlanNeedsAccounts refuses to plan before the accounts exist.
func TestPlanNeedsAccounts(t *testing.T) {
	c, _ := fixture(t, "")
	o := fixtureOrg()
	o.Accounts = o.Accounts[:1]
	c.Accounts[1].ID, c.Accounts[2].ID = "", ""
	s, diags := Resolve(c, o)
	if len(diags) != 2 {
		t.Errorf("diagnostics %v", diags)
	}
	if _, err := Plan(s, &State{}); err == nil {
		t.Error("planned without Log Archive and Audit")
	}
}

// TestOrganizationAccess lists the trusted access and Organizations
// delegations the baseline needs.
func TestOrganizationAccess(t *testing.T) {
	_, s := fixture(t, "")
	a := Organization(s)
	for _, p := range []string{StackSetsPrincipal, "cloudtrail.amazonaws.com", "guardduty.amazonaws.com", "inspector2.amazonaws.com", "access-analyzer.amazonaws.com"} {
		if !slices.Contains(a.TrustedAccess, p) {
			t.Errorf("trusted access lacks %s", p)
		}
	}
	if a.Delegated["config.amazonaws.com"] != "333333333333" || a.Delegated["access-analyzer.amazonaws.com"] != "333333333333" {
		t.Errorf("delegations %v", a.Delegated)
	}
	if _, ok := a.Delegated["guardduty.amazonaws.com"]; ok {
		t.Error("GuardDuty registered through Organizations instead of its own API")
	}
}
