package config

import "fmt"

// Access declares the access boundaries that `orgrail access internal`
// checks the organization's cross-account access against.
type Access struct {
	Boundaries []Boundary `yaml:"boundaries" json:"boundaries,omitempty" doc:"Rules on access between accounts: 'from' must not reach 'to', or only 'onlyFrom' may reach 'to'."`
	Pos        Positions  `yaml:"-" json:"-"`
}

// Via values of a boundary: which kind of cross-account access it
// limits.
const (
	ViaAny            = "any"
	ViaRoleTrust      = "roleTrust"
	ViaResourcePolicy = "resourcePolicy"
)

// Boundary is one access rule between groups of accounts. Each group is
// a list of references: Root, an OU path (every account under it), an
// account name or a 12-digit account id.
type Boundary struct {
	Name     string    `yaml:"name" json:"name" required:"true" doc:"Name reported in findings."`
	From     []string  `yaml:"from" json:"from,omitempty" doc:"Accounts (Root, OU paths, names or ids) whose principals must not reach 'to'."`
	OnlyFrom []string  `yaml:"onlyFrom" json:"onlyFrom,omitempty" doc:"The only accounts whose principals may reach 'to' from another account; any other account that does breaks the boundary."`
	To       []string  `yaml:"to" json:"to" required:"true" doc:"Accounts (Root, OU paths, names or ids) that are protected."`
	Via      string    `yaml:"via" json:"via,omitempty" enum:"any|roleTrust|resourcePolicy" doc:"Which access counts: any (default), roleTrust (sts:AssumeRole into roles) or resourcePolicy (resource-based policies)."`
	Pos      Positions `yaml:"-" json:"-"`
}

// validateAccess checks access.boundaries: one of from and onlyFrom,
// a non-empty to, a known via, and references that name a declared OU
// or account (or Root, or an account id) when the configuration
// declares OUs or accounts.
func validateAccess(c *Config, r *reporter) {
	seen := map[string]Pos{}
	for i, b := range c.Access.Boundaries {
		where := fmt.Sprintf("access.boundaries[%d]", i)
		if b.Name != "" {
			if first, dup := seen[b.Name]; dup {
				r.add(b.Pos.Of("name"), CodeAccessBoundary, "first declared at "+first.String(), "%s: boundary %q is declared twice", where, b.Name)
			}
			seen[b.Name] = b.Pos.Of("name")
		}
		if (len(b.From) == 0) == (len(b.OnlyFrom) == 0) {
			r.add(b.Pos.Of(""), CodeAccessBoundary, "write either from: (must not reach) or onlyFrom: (the only ones that may reach)",
				"%s needs exactly one of from and onlyFrom", where)
		}
		if len(b.To) == 0 && b.Pos.Has("to") {
			r.add(b.Pos.Of("to"), CodeAccessBoundary, "list the protected OUs or accounts", "%s.to is empty", where)
		}
		switch b.Via {
		case "", ViaAny, ViaRoleTrust, ViaResourcePolicy:
		default:
			r.add(b.Pos.Of("via"), CodeAccessBoundary, "write any, roleTrust or resourcePolicy", "%s.via %q is unknown", where, b.Via)
		}
		if len(c.OUs) == 0 && len(c.Accounts) == 0 {
			// Nothing declared to check against: the references are
			// resolved against the snapshot when the boundaries are used.
			continue
		}
		for key, refs := range map[string][]string{"from": b.From, "onlyFrom": b.OnlyFrom, "to": b.To} {
			for _, ref := range refs {
				if ref == RootPath || accountID.MatchString(ref) || len(c.ResolveTarget(ref)) > 0 {
					continue
				}
				r.add(b.Pos.Of(key), CodeAccessRef, suggest(ref, append(c.accountNames(), c.ouPaths()...), "declare it under ous: or accounts:"),
					"%s.%s: %q is not Root, a declared OU path, account name or account id", where, key, ref)
			}
		}
	}
}
