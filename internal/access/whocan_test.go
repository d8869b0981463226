package access_test

import (
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
)

// TestWhoCanDemo: the planted payments-hotfix role trusts the
// payments-dev account, so exactly the principals of payments-dev whose
// identity policies allow sts:AssumeRole may assume it (IAM User Guide,
// cross-account policy evaluation: both the trust policy and the
// caller's identity policy must allow). The root user is denied by the
// deny-root-user SCP; the read-only SSO role has no sts:AssumeRole.
func TestWhoCanDemo(t *testing.T) {
	src := demoSource(t)
	role := "arn:aws:iam::105613670171:role/payments-hotfix"
	ans, st, err := access.WhoCan(src, authz.New(), access.Query{Action: "sts:AssumeRole", Resource: role, All: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Principals < 100 || len(ans) != st.Principals {
		t.Fatalf("asked %d principals, %d answers", st.Principals, len(ans))
	}
	allowed := map[string]bool{}
	for _, a := range ans {
		if a.Decision != authz.Allowed {
			continue
		}
		allowed[a.Principal] = true
		if a.Account != "640720568489" {
			t.Errorf("%s (%s) allowed", a.Principal, a.AccountName)
		}
		if len(a.Explanation) == 0 || a.DecidedBy != authz.LayerIdentity {
			t.Errorf("%s: no decision path (%v, %v)", a.Principal, a.DecidedBy, a.Explanation)
		}
	}
	for _, want := range []string{"role/OrganizationAccountAccessRole", "role/KumoBreakGlass", "role/payments-deploy"} {
		if !allowed["arn:aws:iam::640720568489:"+want] {
			t.Errorf("%s not allowed", want)
		}
	}
	for p := range allowed {
		if strings.Contains(p, "ReadOnly") || strings.HasSuffix(p, ":root") {
			t.Errorf("%s allowed", p)
		}
	}
}

// TestCanDemo: the payments-dev account's administrator role can assume
// the planted hotfix role, and not OrganizationAccountAccessRole in
// other accounts (it trusts the management account only).
func TestCanDemo(t *testing.T) {
	src := demoSource(t)
	ans, st, err := access.Can(src, authz.New(), "arn:aws:iam::640720568489:role/OrganizationAccountAccessRole", []string{"sts:AssumeRole"}, "", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if st.Decisions < 100 {
		t.Errorf("only %d roles asked", st.Decisions)
	}
	got := map[string]bool{}
	for _, a := range ans {
		got[a.Resource] = true
	}
	if !got["arn:aws:iam::105613670171:role/payments-hotfix"] {
		t.Errorf("hotfix role not reachable: %v", got)
	}
	for r := range got {
		if strings.HasSuffix(r, "role/OrganizationAccountAccessRole") {
			t.Errorf("%s reachable", r)
		}
	}
	if _, _, err := access.Can(src, authz.New(), "lambda.amazonaws.com", nil, "", nil, false); err == nil {
		t.Error("a service principal was accepted")
	}
}
