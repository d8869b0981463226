package authz

import "github.com/orgrail/orgrail/internal/policy"

// grant runs the allow steps after the guardrails: the resource policy,
// the identity policies, the permissions boundary and session policies,
// with the same-account and cross-account rules.
func (st *evalState) grant(f *flow) Decision {
	in := st.in
	resAllowed, via := false, policy.ViaNone
	if in.ResourcePolicy != nil {
		opt := policy.ScanOptions{RequirePrincipal: true, All: true}
		resAllowed, via = st.scan(f.resLayer, in.ResourcePolicy, policy.Allow, opt)
		if resAllowed && st.explain {
			st.say("the %s allows the caller (named as %s)", f.resLayer, via)
		}
	}
	if !f.iam {
		// Anonymous callers and service principals have no identity
		// policies: only the resource policy can grant.
		if resAllowed {
			return st.allowed(f.resLayer)
		}
		st.missing(f.resLayer, "")
		if st.explain {
			st.say("the caller is not an IAM principal and no resource policy statement allows it")
		}
		return ImplicitlyDenied
	}
	if f.mandatory && !resAllowed {
		st.missing(f.resLayer, "")
		if st.explain {
			st.say("a %s must allow the request even within one account, and none does", f.resLayer)
		}
		return ImplicitlyDenied
	}
	if f.same && resAllowed {
		if d, done := st.sameAccountGrant(f, via); done {
			return d
		}
	}
	idAllowed := f.identityImplied
	for i := range in.Identity {
		if ok, _ := st.scan(LayerIdentity, &in.Identity[i], policy.Allow, policy.ScanOptions{IgnorePrincipal: true}); ok {
			idAllowed = true
			if st.res == nil {
				break
			}
		}
	}
	if !idAllowed {
		st.missing(LayerIdentity, "")
		if st.explain {
			st.say("no identity-based policy allows the request")
		}
		return ImplicitlyDenied
	}
	if st.explain {
		st.say("an identity-based policy allows the request")
	}
	if !f.same && !resAllowed {
		layer := f.resLayer
		st.missing(layer, "")
		if st.explain {
			st.say("the resource is in account %s, another account than the caller's: its %s must allow the caller too", in.ResourceAccount, layer)
		}
		return ImplicitlyDenied
	}
	return st.limits(LayerIdentity, true)
}

// limits applies the permissions boundary and session policies, which
// cap what identity policies (and grants naming the role) allow.
func (st *evalState) limits(by Layer, boundaries bool) Decision {
	in := st.in
	opt := policy.ScanOptions{IgnorePrincipal: true}
	for i := range in.Boundaries {
		if !boundaries {
			break
		}
		if ok, _ := st.scan(LayerBoundary, &in.Boundaries[i], policy.Allow, opt); !ok {
			st.missing(LayerBoundary, "")
			if st.explain {
				st.say("the permissions boundary %s does not allow the request", in.Boundaries[i].ID)
			}
			return ImplicitlyDenied
		}
	}
	for i := range in.Session {
		if ok, _ := st.scan(LayerSession, &in.Session[i], policy.Allow, opt); !ok {
			st.missing(LayerSession, "")
			if st.explain {
				st.say("the session policy %s does not allow the request", in.Session[i].ID)
			}
			return ImplicitlyDenied
		}
	}
	return st.allowed(by)
}

func (st *evalState) allowed(by Layer) Decision {
	if st.res != nil {
		st.res.DecidedBy, st.res.MissingAllow, st.res.Level = by, "", ""
	}
	if st.explain {
		st.say("allowed")
	}
	return Allowed
}

// sameAccountGrant applies a same-account resource policy allow, by how
// it names the caller. done is false when the grant names the account,
// which delegates to the identity policies.
func (st *evalState) sameAccountGrant(f *flow, via policy.Via) (Decision, bool) {
	switch via {
	case policy.ViaPrincipal, policy.ViaFederated, policy.ViaCanonical:
		// Granted to the user or the session itself: an implicit deny in
		// identity, boundary or session policies does not limit it.
		if st.explain {
			st.say("within one account, a %s grant to the caller itself needs nothing more", f.resLayer)
		}
		return st.allowed(f.resLayer), true
	case policy.ViaRole:
		if st.explain {
			st.say("the grant names the role, not the session: the boundary and session policies still apply")
		}
		return st.limits(f.resLayer, true), true
	case policy.ViaWildcard:
		// A grant to everyone is not limited by the boundary, but it does
		// not name the session either: session policies apply.
		if st.explain {
			st.say("the grant is to everyone: the boundary does not limit it, session policies still do")
		}
		return st.limits(f.resLayer, false), true
	}
	if st.explain {
		st.say("the grant names the account, so the identity policies must allow too")
	}
	return 0, false
}
