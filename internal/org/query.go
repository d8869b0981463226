package org

import (
	"fmt"
	"sort"
	"strings"
)

// index holds the lookups the queries need, built once by Index.
type index struct {
	accounts map[string]*Account
	ous      map[string]*OU
	roots    map[string]*Root
	policies map[string]*Policy
	children map[string][]string // parent id → child OU and account ids, sorted
	attached map[string][]*Policy
}

// Index builds the lookup tables and checks that every parent and
// attachment target exists. Call it after changing the value.
func (o *Organization) Index() error {
	ix := &index{
		accounts: make(map[string]*Account, len(o.Accounts)),
		ous:      make(map[string]*OU, len(o.OrganizationalUnits)),
		roots:    make(map[string]*Root, len(o.Roots)),
		policies: make(map[string]*Policy, len(o.Policies)),
		children: make(map[string][]string),
		attached: make(map[string][]*Policy),
	}
	for i := range o.Roots {
		ix.roots[o.Roots[i].Id] = &o.Roots[i]
	}
	for i := range o.OrganizationalUnits {
		ou := &o.OrganizationalUnits[i]
		if _, dup := ix.ous[ou.Id]; dup {
			return fmt.Errorf("organizational unit %s appears twice", ou.Id)
		}
		ix.ous[ou.Id] = ou
	}
	for i := range o.Accounts {
		a := &o.Accounts[i]
		if _, dup := ix.accounts[a.Id]; dup {
			return fmt.Errorf("account %s appears twice", a.Id)
		}
		ix.accounts[a.Id] = a
	}
	exists := func(id string) bool {
		return ix.roots[id] != nil || ix.ous[id] != nil || ix.accounts[id] != nil
	}
	for _, ou := range o.OrganizationalUnits {
		if !exists(ou.ParentId) {
			return fmt.Errorf("organizational unit %s (%s) has unknown parent %q", ou.Id, ou.Name, ou.ParentId)
		}
		ix.children[ou.ParentId] = append(ix.children[ou.ParentId], ou.Id)
	}
	for _, a := range o.Accounts {
		if a.ParentId == "" {
			continue // standalone accounts (no Organizations) have no parent
		}
		if !exists(a.ParentId) {
			return fmt.Errorf("account %s (%s) has unknown parent %q", a.Id, a.Name, a.ParentId)
		}
		ix.children[a.ParentId] = append(ix.children[a.ParentId], a.Id)
	}
	for i := range o.Policies {
		p := &o.Policies[i]
		ix.policies[p.Id] = p
		for _, t := range p.Targets {
			if !exists(t) {
				return fmt.Errorf("policy %s (%s) is attached to unknown target %q", p.Id, p.Name, t)
			}
			ix.attached[t] = append(ix.attached[t], p)
		}
	}
	for k := range ix.children {
		sort.Strings(ix.children[k])
	}
	for k := range ix.attached {
		ps := ix.attached[k]
		sort.Slice(ps, func(i, j int) bool { return ps[i].Id < ps[j].Id })
	}
	if err := checkCycles(ix); err != nil {
		return err
	}
	o.idx = ix
	return nil
}

func checkCycles(ix *index) error {
	for id := range ix.ous {
		seen := map[string]bool{}
		for cur := id; ix.ous[cur] != nil; cur = ix.ous[cur].ParentId {
			if seen[cur] {
				return fmt.Errorf("organizational unit %s is its own ancestor", id)
			}
			seen[cur] = true
		}
	}
	return nil
}

func (o *Organization) ix() *index {
	if o.idx == nil {
		// Queries on an un-indexed value are a programming error; index
		// lazily rather than panic, and ignore errors (they were reported
		// by whoever loaded the value).
		_ = o.Index()
		if o.idx == nil {
			o.idx = &index{}
		}
	}
	return o.idx
}

// Account returns the account with the given id, or nil.
func (o *Organization) Account(id string) *Account { return o.ix().accounts[id] }

// OU returns the organizational unit with the given id, or nil.
func (o *Organization) OU(id string) *OU { return o.ix().ous[id] }

// Root returns the root with the given id, or nil.
func (o *Organization) Root(id string) *Root { return o.ix().roots[id] }

// Policy returns the policy with the given id, or nil.
func (o *Organization) Policy(id string) *Policy { return o.ix().policies[id] }

// Children returns the ids of the OUs and accounts directly under parent,
// sorted.
func (o *Organization) Children(parent string) []string { return o.ix().children[parent] }

// Name returns the name of a root, OU or account id, or the id itself.
func (o *Organization) Name(id string) string {
	ix := o.ix()
	switch {
	case ix.accounts[id] != nil:
		return ix.accounts[id].Name
	case ix.ous[id] != nil:
		return ix.ous[id].Name
	case ix.roots[id] != nil:
		return ix.roots[id].Name
	}
	return id
}

// parentOf returns the parent id of an OU or account.
func (o *Organization) parentOf(id string) string {
	ix := o.ix()
	if a := ix.accounts[id]; a != nil {
		return a.ParentId
	}
	if ou := ix.ous[id]; ou != nil {
		return ou.ParentId
	}
	return ""
}

// Path returns the ids from the root down to target, target included.
// It returns nil for an unknown target.
func (o *Organization) Path(target string) []string {
	ix := o.ix()
	if ix.accounts[target] == nil && ix.ous[target] == nil && ix.roots[target] == nil {
		return nil
	}
	var rev []string
	for cur := target; cur != ""; cur = o.parentOf(cur) {
		rev = append(rev, cur)
		if len(rev) > 64 {
			break // guarded by Index's cycle check; belt and braces
		}
	}
	path := make([]string, len(rev))
	for i, id := range rev {
		path[len(rev)-1-i] = id
	}
	return path
}

// PathNames returns the path of target as names joined by "/", such as
// "Root/Workloads/Prod/payments-prod".
func (o *Organization) PathNames(target string) string {
	s := ""
	for i, id := range o.Path(target) {
		if i > 0 {
			s += "/"
		}
		s += o.Name(id)
	}
	return s
}

// OUPath returns the OU path of an account without the root and the
// account, such as "Workloads/Prod"; empty for an account under the root.
func (o *Organization) OUPath(account string) string {
	p := o.Path(account)
	s := ""
	for _, id := range p {
		if TargetKind(id) != KindOU {
			continue
		}
		if s != "" {
			s += "/"
		}
		s += o.Name(id)
	}
	return s
}

// Level is the set of policies of one type attached directly to one
// target on the path from the root.
type Level struct {
	Target   string
	Policies []*Policy
}

// PoliciesInForce returns, for each target on the path from the root to
// target (root first), the policies of type policyType attached there.
// Together they are the direct and inherited policies of that type; for
// SCPs and RCPs every level must allow.
func (o *Organization) PoliciesInForce(target, policyType string) []Level {
	path := o.Path(target)
	levels := make([]Level, 0, len(path))
	for _, id := range path {
		var ps []*Policy
		for _, p := range o.ix().attached[id] {
			if p.Type == policyType {
				ps = append(ps, p)
			}
		}
		levels = append(levels, Level{Target: id, Policies: ps})
	}
	return levels
}

// Attached returns the policies attached directly to target, of any type.
func (o *Organization) Attached(target string) []*Policy { return o.ix().attached[target] }

// AccountsUnder returns every account below the given root or OU, at any
// depth, sorted by id. For an account id it returns that account.
func (o *Organization) AccountsUnder(id string) []*Account {
	ix := o.ix()
	if a := ix.accounts[id]; a != nil {
		return []*Account{a}
	}
	var out []*Account
	var walk func(string)
	walk = func(p string) {
		for _, c := range ix.children[p] {
			if a := ix.accounts[c]; a != nil {
				out = append(out, a)
			} else {
				walk(c)
			}
		}
	}
	walk(id)
	sort.Slice(out, func(i, j int) bool { return out[i].Id < out[j].Id })
	return out
}

// Depth returns how many OUs lie between the root and target, target
// included when it is an OU (an OU directly under the root has depth 1).
func (o *Organization) Depth(target string) int {
	n := 0
	for _, id := range o.Path(target) {
		if TargetKind(id) == KindOU {
			n++
		}
	}
	return n
}

// IsManagementAccount reports whether id is the management account.
func (o *Organization) IsManagementAccount(id string) bool {
	return id != "" && id == o.MasterAccountId
}

// DelegatedAdminFor returns the account id that is delegated administrator
// for the service principal, or "".
func (o *Organization) DelegatedAdminFor(servicePrincipal string) string {
	for _, d := range o.DelegatedAdministrators {
		for _, sp := range d.ServicePrincipals {
			if sp == servicePrincipal {
				return d.AccountId
			}
		}
	}
	return ""
}

// ServiceAccessEnabled reports whether the service principal has trusted
// access to the organization.
func (o *Organization) ServiceAccessEnabled(servicePrincipal string) bool {
	for _, s := range o.EnabledServicePrincipals {
		if s.ServicePrincipal == servicePrincipal {
			return true
		}
	}
	return false
}

// AccountIDs returns every account id, sorted.
func (o *Organization) AccountIDs() []string {
	ids := make([]string, len(o.Accounts))
	for i, a := range o.Accounts {
		ids[i] = a.Id
	}
	return sortStrings(ids)
}

// OUIDByPath returns the id of the OU at path, its names from the root
// joined by "/" ("Workloads/Prod"); "" when o is nil, has no root, or no
// OU is at path.
func (o *Organization) OUIDByPath(path string) string {
	if o == nil || len(o.Roots) == 0 {
		return ""
	}
	id := o.Roots[0].Id
	for _, seg := range strings.Split(path, "/") {
		next := ""
		for _, u := range o.OrganizationalUnits {
			if u.ParentId == id && u.Name == seg {
				next = u.Id
				break
			}
		}
		if next == "" {
			return ""
		}
		id = next
	}
	return id
}
