package plan

import (
	"slices"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

// KindBaseline is a step of the security baseline (internal/baseline):
// a StackSet, the organization trail, a service's delegated
// administrator or auto-enable, the Config aggregator, an analyzer.
const KindBaseline Kind = "baseline"

// CodeRolesWithoutBaseline warns that identity.roles are declared in
// organizations mode without a baseline section, which deploys them.
const CodeRolesWithoutBaseline = "plan-roles-without-baseline"

// CodeBaselinePending is the planner's warning that the baseline waits
// for accounts or OUs this plan creates: plan again after applying.
const CodeBaselinePending = "plan-baseline-pending"

// withBaselineOrg returns cfg extended with the trusted access and
// Organizations delegations the baseline needs, so that the usual
// trusted-access and delegated-admin changes plan them.
func withBaselineOrg(cfg *config.Config, cur *org.Organization) *config.Config {
	s, _ := baseline.Resolve(cfg, cur)
	if s == nil || cfg.Organization.Standalone() {
		return cfg
	}
	acc := baseline.Organization(s)
	c := *cfg
	c.Organization.TrustedAccess = slices.Clone(cfg.Organization.TrustedAccess)
	for _, p := range acc.TrustedAccess {
		if !slices.Contains(c.Organization.TrustedAccess, p) {
			c.Organization.TrustedAccess = append(c.Organization.TrustedAccess, p)
		}
	}
	c.Organization.DelegatedAdministrators = slices.Clone(cfg.Organization.DelegatedAdministrators)
	for _, p := range sortedKeys(acc.Delegated) {
		if !slices.ContainsFunc(c.Organization.DelegatedAdministrators, func(d config.DelegatedAdmin) bool { return d.Service == p }) {
			c.Organization.DelegatedAdministrators = append(c.Organization.DelegatedAdministrators,
				config.DelegatedAdmin{Service: p, Account: cfg.Security.AuditAccount})
		}
	}
	return &c
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// baseline adds the baseline's steps as changes.
func (b *builder) baseline() {
	s, diags := baseline.Resolve(b.cfg, b.cur)
	if s == nil {
		if len(b.cfg.Identity.Roles) > 0 && !b.cfg.Organization.Standalone() {
			b.warn(CodeRolesWithoutBaseline, "identity.roles (%d) are deployed with the baseline's account StackSet, and the configuration has no baseline section: add one (baseline: {}) to deploy them", len(b.cfg.Identity.Roles))
		}
		return
	}
	for _, d := range diags {
		b.warn(d.Code, "%s", d.Message)
	}
	steps, err := baseline.Plan(s, b.v.Baseline)
	if err != nil {
		b.diags = append(b.diags, diag.Diagnostic{Code: CodeBaselinePending, Severity: severity.Low,
			Message: err.Error() + "; apply this plan, then plan again to deploy the baseline"})
		return
	}
	for i := range steps {
		st := steps[i]
		ch := Change{Key: "baseline:" + st.Key, Kind: KindBaseline, Action: baselineAction(&st), Address: st.Address,
			Ref: Ref{Service: st.Service, AccountID: st.Account, ID: st.Name}, Version: st.Version, Result: st.Result, Baseline: &st}
		for _, d := range st.DependsOn {
			ch.DependsOn = append(ch.DependsOn, "baseline:"+d)
		}
		for _, p := range baseline.Organization(s).TrustedAccess {
			ch.DependsOn = append(ch.DependsOn, b.dep(keyTrusted(p))...)
		}
		if st.Kind == baseline.KindStackSet && st.Name == baseline.StackSetAccount {
			// The cross-account roles' inline policies go out with
			// this StackSet: policy lint checks them first.
			ch.Lint = b.lintRoles()
			b.diags = append(b.diags, ch.Lint...)
		}
		b.add(ch)
	}
}

// baselineAction is how a baseline step reads in a plan.
func baselineAction(st *baseline.Step) Action {
	switch {
	case st.Kind == baseline.KindAutoEnable:
		return Enable
	case st.Kind == baseline.KindHubPolicy && st.Version == baseline.StateAbsent:
		return Enable
	case st.Kind == baseline.KindAdmin:
		return Register
	case st.Version == baseline.StateAbsent:
		return Create
	}
	return Update
}

// lintRoles runs policy lint over the inline policy of every
// cross-account role, from its file for positions.
func (b *builder) lintRoles() diag.List {
	var out diag.List
	for _, r := range b.cfg.Identity.Roles {
		if len(r.InlineContent) == 0 {
			continue
		}
		out = append(out, lintFile(b.cfg.Dir, r.InlinePolicy, "inline policy of role "+r.Name, string(r.InlineContent))...)
	}
	return out
}
