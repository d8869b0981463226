package policy

// Match is one statement that applied to a request.
type Match struct {
	Index  int
	Sid    string
	Effect Effect
	Via    Via
}

// ScanOptions tunes a scan.
type ScanOptions struct {
	// All collects every matching statement instead of stopping at the
	// first one.
	All bool
	// HasBoundary is set when the caller has a permissions boundary: a
	// Deny with NotPrincipal then applies whatever NotPrincipal lists.
	HasBoundary bool
	// IgnorePrincipal skips Principal elements (identity policies, SCPs).
	IgnorePrincipal bool
	// RequirePrincipal skips statements without Principal or
	// NotPrincipal: in a resource policy they apply to nobody.
	RequirePrincipal bool
}

// Scan looks for statements with effect e that apply to r. It appends
// them to *out (only the first one unless opt.All) and returns whether
// any applied and the strongest way a matching statement named the
// caller. out may be nil; Scan allocates only to grow out.
func (p *Policy) Scan(r *Request, e Effect, opt ScanOptions, out *[]Match) (bool, Via) {
	if p == nil || !p.HasEffect(e) {
		return false, ViaNone
	}
	found, best := false, ViaNone
	for _, i := range p.candidates(e, r) {
		s := &p.stmts[i]
		if !s.matchAction(r) {
			continue
		}
		if len(s.resVars) > 0 && !s.resolvable(r) {
			continue // an unresolvable variable invalidates the statement
		}
		if !s.matchResource(r) {
			continue
		}
		via := ViaNone
		if s.principal == nil && opt.RequirePrincipal {
			continue
		}
		if s.principal != nil && !opt.IgnorePrincipal {
			if s.notPrincipal {
				spared := !(e == Deny && opt.HasBoundary) && s.principal.names(&r.Subject, e == Deny)
				if spared {
					continue
				}
				via = ViaWildcard
			} else {
				v, named := s.principal.match(&r.Subject)
				if !named {
					continue
				}
				via = v
			}
		}
		if !s.matchConditions(r) {
			continue
		}
		if !found || via > best {
			best = via
		}
		found = true
		if out != nil {
			*out = append(*out, Match{Index: s.index, Sid: s.sid, Effect: e, Via: via})
		}
		if !opt.All {
			return true, best
		}
	}
	return found, best
}

// Applies reports whether any statement with effect e applies to r.
func (p *Policy) Applies(r *Request, e Effect, opt ScanOptions) bool {
	opt.All = false
	ok, _ := p.Scan(r, e, opt, nil)
	return ok
}
