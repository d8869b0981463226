package authz

import (
	"fmt"
	"strings"
	"sync"

	"github.com/orgrail/orgrail/internal/policy"
)

// evalState is the scratch space of one evaluation.
type evalState struct {
	in      *Input
	req     policy.Request
	ctx     requestContext
	matches []policy.Match
	res     *Result // nil when only the decision is wanted
	explain bool
}

var statePool = sync.Pool{New: func() any { return new(evalState) }}

// Decide returns only the decision. It is the fast path for callers that
// ask many questions (who-can, replay): it collects no statements.
func (e *Engine) Decide(in *Input) Decision {
	st := statePool.Get().(*evalState)
	st.prepare(in, nil, false)
	d := e.run(st)
	st.in, st.res = nil, nil
	statePool.Put(st)
	return d
}

// Evaluate decides the request and says why: the layer that decided,
// the statements that matched and, for an implicit deny, the layer with
// no allow. With explain it also lists the path in plain words.
func (e *Engine) Evaluate(in *Input, explain bool) Result {
	res := Result{MatchedStatements: []StatementRef{}}
	st := statePool.Get().(*evalState)
	st.prepare(in, &res, explain)
	res.Decision = e.run(st)
	st.in, st.res = nil, nil
	statePool.Put(st)
	if explain && e.hints {
		res.Explanation = append(res.Explanation, e.hintLines(in)...)
	}
	return res
}

func (st *evalState) prepare(in *Input, res *Result, explain bool) {
	st.in, st.res, st.explain = in, res, explain
	st.ctx.fill(in)
	st.req.Reset(in.Principal, in.Action, in.Resource, &st.ctx)
}

// say adds a line to the explanation. Callers guard it with
// st.explain so that its arguments are not boxed on the fast path.
func (st *evalState) say(format string, a ...any) {
	st.res.Explanation = append(st.res.Explanation, fmt.Sprintf(format, a...))
}

// scan checks one policy for a statement of effect eff and records the
// matching statements when a result is being built.
func (st *evalState) scan(layer Layer, n *Named, eff policy.Effect, opt policy.ScanOptions) (bool, policy.Via) {
	if n == nil || n.Policy == nil {
		return false, policy.ViaNone
	}
	if st.res == nil {
		return n.Policy.Scan(&st.req, eff, opt, nil)
	}
	opt.All = true
	st.matches = st.matches[:0]
	ok, via := n.Policy.Scan(&st.req, eff, opt, &st.matches)
	for _, m := range st.matches {
		st.res.MatchedStatements = append(st.res.MatchedStatements, StatementRef{
			PolicyID: n.ID, Sid: m.Sid, Index: m.Index, Layer: layer, Effect: m.Effect.String()})
	}
	return ok, via
}

// flow is what applies to this request, worked out once.
type flow struct {
	scp, rcp        bool
	iam             bool  // the caller is an IAM principal with identity policies
	same            bool  // principal and resource in the same account
	resLayer        Layer // resourcePolicy, trustPolicy or keyPolicy
	mandatory       bool  // trust and key policies must allow even in the same account
	hasBoundary     bool
	identityImplied bool // the root user needs no identity policy in its account
}

func (e *Engine) plan(in *Input, req *policy.Request) flow {
	sub := &in.Principal
	f := flow{iam: sub.Kind.IsIAM(), hasBoundary: len(in.Boundaries) > 0, resLayer: LayerResource}
	f.same = f.iam && (in.ResourceAccount == "" || in.ResourceAccount == sub.Account)
	slr := in.PrincipalIsServiceLinkedRole || sub.Kind == policy.KindServiceLinkedRole
	f.scp = len(in.SCPs) > 0 && f.iam && !slr && !in.PrincipalIsManagementAccount
	resMgmt := in.ResourceIsManagementAccount || (in.PrincipalIsManagementAccount && f.same)
	f.rcp = len(in.RCPs) > 0 && !slr && !resMgmt && e.rcpServices[req.Service()]
	f.identityImplied = sub.Kind == policy.KindRoot && f.same
	svc, action := req.Service(), req.ActionName()
	switch {
	case svc == "sts" && strings.Contains(in.Resource, ":role/") && isTrustAction(action):
		f.resLayer, f.mandatory = LayerTrust, true
	case svc == "kms" && strings.Contains(in.Resource, ":key/"):
		f.resLayer, f.mandatory = LayerKey, true
	}
	return f
}

// isTrustAction reports whether an STS action is authorized by the
// role's trust policy.
func isTrustAction(a string) bool {
	switch a {
	case "assumerole", "assumerolewithsaml", "assumerolewithwebidentity",
		"tagsession", "setsourceidentity", "setcontext":
		return true
	}
	return false
}

func (e *Engine) run(st *evalState) Decision {
	in := st.in
	if st.req.Service() == "sts" && st.req.ActionName() == "getcalleridentity" {
		// AWS STS: no permission is needed, and a deny does not stop it.
		if st.explain {
			st.say("sts:GetCallerIdentity needs no permission and cannot be denied")
		}
		return st.allowed(LayerNone)
	}
	f := e.plan(in, &st.req)
	if d, ok := st.denies(&f); ok {
		return d
	}
	if awsOwned(in.Resource) && !readOnlyAction(st.req.ActionName()) {
		st.missing(LayerResource, "")
		if st.explain {
			st.say("%s is owned by AWS (a managed policy, reserved role or AWS alias): customers can only read it", in.Resource)
		}
		return ImplicitlyDenied
	}
	if !st.levels(LayerRCP, in.RCPs, f.rcp) || !st.levels(LayerSCP, in.SCPs, f.scp) {
		return ImplicitlyDenied
	}
	for i := range in.Endpoints {
		if ok, _ := st.scan(LayerEndpoint, &in.Endpoints[i], policy.Allow, policy.ScanOptions{}); !ok {
			st.missing(LayerEndpoint, in.Endpoints[i].ID)
			if st.explain {
				st.say("VPC endpoint policy %s has no statement that allows the request", in.Endpoints[i].ID)
			}
			return ImplicitlyDenied
		}
	}
	return st.grant(&f)
}

// denies runs the explicit-deny step over every applicable policy.
func (st *evalState) denies(f *flow) (Decision, bool) {
	in := st.in
	found := false
	hit := func(layer Layer, n *Named, opt policy.ScanOptions) bool {
		ok, _ := st.scan(layer, n, policy.Deny, opt)
		if ok && !found {
			found = true
			if st.res != nil {
				st.res.DecidedBy = layer
			}
			if st.explain {
				st.say("%s %s explicitly denies the request", layer, n.ID)
			}
		}
		return ok && st.res == nil
	}
	levelsHit := func(layer Layer, lv []Level, applies bool) bool {
		if !applies {
			return false
		}
		for i := range lv {
			for j := range lv[i].Policies {
				if hit(layer, &lv[i].Policies[j], policy.ScanOptions{IgnorePrincipal: layer == LayerSCP}) {
					return true
				}
			}
		}
		return false
	}
	resOpt := policy.ScanOptions{RequirePrincipal: true, HasBoundary: f.hasBoundary}
	if levelsHit(LayerRCP, in.RCPs, f.rcp) || levelsHit(LayerSCP, in.SCPs, f.scp) {
		return ExplicitlyDenied, true
	}
	if in.ResourcePolicy != nil && hit(f.resLayer, in.ResourcePolicy, resOpt) {
		return ExplicitlyDenied, true
	}
	for _, group := range []struct {
		layer Layer
		list  []Named
		opt   policy.ScanOptions
	}{
		{LayerIdentity, in.Identity, policy.ScanOptions{IgnorePrincipal: true}},
		{LayerBoundary, in.Boundaries, policy.ScanOptions{IgnorePrincipal: true}},
		{LayerSession, in.Session, policy.ScanOptions{IgnorePrincipal: true}},
		{LayerEndpoint, in.Endpoints, policy.ScanOptions{HasBoundary: f.hasBoundary}},
	} {
		if !f.iam && group.layer != LayerEndpoint {
			continue
		}
		for i := range group.list {
			if hit(group.layer, &group.list[i], group.opt) {
				return ExplicitlyDenied, true
			}
		}
	}
	if found {
		return ExplicitlyDenied, true
	}
	if st.explain {
		st.say("no explicit deny applies")
	}
	return 0, false
}

// levels checks that every SCP or RCP level has an allow.
func (st *evalState) levels(layer Layer, lv []Level, applies bool) bool {
	if !applies {
		if len(lv) > 0 {
			if st.explain {
				st.say("%s policies do not apply to this request", layer)
			}
		}
		return true
	}
	opt := policy.ScanOptions{IgnorePrincipal: layer == LayerSCP}
	for i := range lv {
		allowed := false
		for j := range lv[i].Policies {
			if ok, _ := st.scan(layer, &lv[i].Policies[j], policy.Allow, opt); ok {
				allowed = true
				if st.res == nil {
					break
				}
			}
		}
		if !allowed {
			st.missing(layer, lv[i].ID)
			if st.explain {
				st.say("no %s attached at level %s allows the request: every level from the root to the account must allow", layer, lv[i].ID)
			}
			return false
		}
	}
	if st.explain {
		st.say("every %s level allows the request", layer)
	}
	return true
}

func (st *evalState) missing(layer Layer, level string) {
	if st.res == nil {
		return
	}
	st.res.Decision, st.res.DecidedBy, st.res.MissingAllow = ImplicitlyDenied, layer, layer
	if layer == LayerSCP || layer == LayerRCP {
		st.res.Level = level
	}
}

// awsOwned reports whether a resource belongs to AWS even though it sits
// in a customer's namespace: AWS managed policies, IAM Identity Center
// reserved roles and AWS managed KMS aliases.
func awsOwned(arn string) bool {
	if !strings.HasPrefix(arn, "arn:") {
		return false
	}
	switch {
	case strings.Contains(arn, ":iam::"):
		return strings.Contains(arn, ":iam::aws:policy/") || strings.Contains(arn, ":role/aws-reserved/")
	case strings.Contains(arn, ":kms:"):
		return strings.Contains(arn, ":alias/aws/")
	}
	return false
}

// readOnlyAction reports whether a lower-case action name only reads.
func readOnlyAction(name string) bool {
	for _, p := range []string{"get", "list", "describe", "generate", "simulate"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
