package plan

import (
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/policy"
)

// allowAll is the identity policy an expectation's caller is assumed to
// hold, so that only the guardrails decide.
var allowAll = policy.MustCompile("expectation-identity", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

// expectations decides every configured expectation on the organization
// as it is and as the plan leaves it, records the results on the plan
// and, on each changed SCP or RCP in force for an expectation whose
// decision flips, the expectation's name.
func (b *builder) expectations() {
	exps := b.cfg.Guardrails.Expectations
	if len(exps) == 0 {
		return
	}
	after, err := Project(b.cur, b.cfg, b.plan)
	if err != nil {
		b.warn(CodeExpectation, "expectations not decided: the plan cannot be projected: %v", err)
		return
	}
	va := NewView(after, b.cfg)
	eng, cache := authz.New(), authz.NewCache()
	for _, e := range exps {
		before, inBefore := decide(eng, cache, b.v, e)
		now, inAfter := decide(eng, cache, va, e)
		b.plan.Expectations = append(b.plan.Expectations, Expectation{Name: e.Name, Expect: e.Expect, Before: before, After: now})
		if now != e.Expect {
			b.warn(CodeExpectation, "expectation %q: %s after the plan, expected %s", e.Name, now, e.Expect)
		}
		if before == now {
			continue
		}
		for i := range b.plan.Changes {
			ch := &b.plan.Changes[i]
			t := ch.Ref.PolicyType
			if (t == org.SCP || t == org.RCP) && (ch.Kind == KindPolicy || ch.Kind == KindAttachment) &&
				(inBefore[policyKey(t, ch.Ref.Policy)] || inAfter[policyKey(t, ch.Ref.Policy)]) {
				ch.Expectations = append(ch.Expectations, e.Name)
			}
		}
	}
}

// decide returns "allow" or "deny" for an expectation on the view's
// organization, and the SCPs and RCPs in force for it by key.
func decide(eng *authz.Engine, cache *authz.Cache, v *View, e config.Expectation) (string, map[string]bool) {
	in := map[string]bool{}
	acct := e.Principal
	if a := v.Account(e.Principal); a != nil {
		acct = a.Id
	}
	principal := "arn:" + v.Org.Partition() + ":iam::" + acct + ":role/orgrail-expectation"
	if strings.HasPrefix(e.Principal, "arn:") {
		principal = e.Principal
		if p := strings.Split(e.Principal, ":"); len(p) > 4 {
			acct = p[4]
		}
	}
	sub, ok := authz.ParsePrincipal(principal, "")
	if !ok || v.Org.Account(acct) == nil {
		return "unknown", in
	}
	resource := e.Resource
	if resource == "" {
		resource = "*"
	}
	ctx := map[string][]string{}
	for k, val := range e.Context {
		ctx[k] = []string{val}
	}
	input := authz.Input{Principal: sub, Action: e.Action, Resource: resource, ResourceAccount: acct,
		Context: authz.NewContext(ctx), Identity: []authz.Named{{ID: "identity", Policy: allowAll}},
		PrincipalIsManagementAccount: v.Org.IsManagementAccount(acct)}
	orgPath := v.Org.Id + "/"
	for _, id := range v.Org.Path(acct) {
		if id != acct {
			orgPath += id + "/"
		}
	}
	for _, k := range []string{"aws:PrincipalOrgID", "aws:ResourceOrgID"} {
		input.Context.SetDefault(k, v.Org.Id)
	}
	for _, k := range []string{"aws:PrincipalOrgPaths", "aws:ResourceOrgPaths"} {
		input.Context.SetDefault(k, orgPath)
	}
	input.SCPs = levels(cache, v.Org, acct, org.SCP, in)
	input.RCPs = levels(cache, v.Org, acct, org.RCP, in)
	if eng.Decide(&input) == authz.Allowed {
		return "allow", in
	}
	return "deny", in
}

// levels compiles the policies of a type in force on an account, root
// first; nil when none of the type is attached anywhere on the path
// (the type is then not in use).
func levels(cache *authz.Cache, o *org.Organization, acct, typ string, in map[string]bool) []authz.Level {
	var out []authz.Level
	n := 0
	for _, l := range o.PoliciesInForce(acct, typ) {
		lv := authz.Level{ID: l.Target}
		for _, p := range l.Policies {
			c, err := cache.Compile(p.Id, []byte(Canonical(p.Content)))
			if err != nil {
				continue
			}
			in[policyKey(p.Type, p.Name)] = true
			lv.Policies = append(lv.Policies, authz.Named{ID: p.Name, Policy: c})
			n++
		}
		out = append(out, lv)
	}
	if n == 0 {
		return nil
	}
	return out
}
