package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
)

// Identity Center object kinds.
const (
	KindPermissionSet  Kind = "permission-set"
	KindPSManaged      Kind = "permission-set-managed-policy"
	KindPSCustomer     Kind = "permission-set-customer-policy"
	KindPSInline       Kind = "permission-set-inline-policy"
	KindPSBoundary     Kind = "permission-set-boundary"
	KindPSProvision    Kind = "permission-set-provision"
	KindAccountAssign  Kind = "account-assignment"
	actionProvisionTag      = "provision"
)

// Provision re-provisions a changed permission set to the accounts it
// is provisioned to.
const Provision Action = actionProvisionTag

// Provisioning states Observe reports for KindPSProvision.
const (
	StateOutdated = "outdated"
	StateCurrent  = "current"
)

func keyPS(n string) string              { return "permission-set:" + n }
func keyPSTags(n string) string          { return "permission-set-tags:" + n }
func keyPSDelete(n string) string        { return "permission-set-delete:" + n }
func keyPSManaged(n, arn string) string  { return "permission-set-managed:" + n + "@" + arn }
func keyPSCustomer(n, ref string) string { return "permission-set-customer:" + n + "@" + ref }
func keyPSInline(n string) string        { return "permission-set-inline:" + n }
func keyPSBoundary(n string) string      { return "permission-set-boundary:" + n }
func keyPSProvision(n string) string     { return "permission-set-provision:" + n }
func keyAssign(ps, typ, principal, acct string) string {
	return "assignment:" + ps + "/" + typ + ":" + principal + "@" + acct
}

// identityCenter plans the identity section against the instance. It
// does nothing when the configuration has no identity section or the
// caller did not read Identity Center (plan.New).
func (b *builder) identityCenter() {
	id := &b.cfg.Identity
	if !b.identityRead || !id.NeedsCenter() {
		return
	}
	if b.v.IDC == nil {
		b.fail(id.Pos.Of(""), CodeNotPossible, "enable IAM Identity Center in the management account (console) first, or set identity.region to its home region",
			"the configuration has an identity section but the organization has no IAM Identity Center instance")
		return
	}
	for i := range id.PermissionSets {
		b.permissionSet(&id.PermissionSets[i])
	}
	b.assignments()
	b.deletePermissionSets()
}

// permissionSet plans one permission set: create or update its
// attributes, tags, policies and boundary, and re-provision it where it
// is provisioned when its permissions change.
func (b *builder) permissionSet(ps *config.PermissionSet) {
	cur := b.v.IDC.PermissionSetByName(ps.Name)
	addr := "permission set " + ps.Name
	ref := Ref{PermissionSet: ps.Name}
	session := ps.SessionDuration
	if session == "" {
		session = "PT1H"
	}
	after := &Attrs{Name: ps.Name, Description: ps.Description, SessionDuration: session, RelayState: ps.RelayState, Tags: ps.Tags}
	var deps []string
	if cur == nil {
		b.add(Change{Key: keyPS(ps.Name), Kind: KindPermissionSet, Action: Create, Address: addr, Ref: ref, After: after, Result: StatePresent})
		deps = b.dep(keyPS(ps.Name))
	} else {
		ref.ID = cur.Arn
		if cur.Description != ps.Description || orDefault(cur.SessionDuration, "PT1H") != session || cur.RelayState != ps.RelayState {
			b.add(Change{Key: keyPS(ps.Name), Kind: KindPermissionSet, Action: Update, Address: addr, Ref: ref,
				Before: &Attrs{Description: cur.Description, SessionDuration: cur.SessionDuration, RelayState: cur.RelayState},
				After:  &Attrs{Description: ps.Description, SessionDuration: session, RelayState: ps.RelayState},
				Result: psFingerprint(ps.Description, session, ps.RelayState)})
		}
		if tagsFingerprint(cur.Tags) != tagsFingerprint(ps.Tags) {
			b.add(Change{Key: keyPSTags(ps.Name), Kind: KindPermissionSet, Action: Tag, Address: addr, Ref: ref,
				Before: &Attrs{Tags: cur.Tags}, After: &Attrs{Tags: ps.Tags}, Result: tagsFingerprint(ps.Tags)})
		}
	}
	b.psPolicies(ps, cur, ref, deps)
	if cur != nil && (len(cur.Provisioned) > 0 || len(cur.Outdated) > 0) {
		var content []string
		for _, ch := range b.plan.Changes {
			if ch.Ref.PermissionSet == ps.Name && ch.Kind != KindAccountAssign && !(ch.Kind == KindPermissionSet && ch.Action == Tag) {
				content = append(content, ch.Key)
			}
		}
		if len(content) > 0 || len(cur.Outdated) > 0 {
			b.add(Change{Key: keyPSProvision(ps.Name), Kind: KindPSProvision, Action: Provision, Address: addr + " (to the accounts it is provisioned to)",
				Ref: ref, Version: StateOutdated, Result: StateCurrent, DependsOn: content})
		}
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// psPolicies plans the managed and customer managed policies, the
// inline policy and the boundary of a permission set.
func (b *builder) psPolicies(ps *config.PermissionSet, cur *identity.PermissionSet, ref Ref, deps []string) {
	addr := "permission set " + ps.Name
	var have []string
	var haveCM []string
	inline, boundary := "", ""
	if cur != nil {
		have, inline, boundary = cur.ManagedPolicies, cur.InlinePolicy, cur.Boundary.String()
		for _, r := range cur.CustomerPolicies {
			haveCM = append(haveCM, r.String())
		}
	}
	for _, arn := range ps.ManagedPolicies {
		if !slices.Contains(have, arn) {
			b.add(Change{Key: keyPSManaged(ps.Name, arn), Kind: KindPSManaged, Action: Attach, Address: addr + " managed policy " + arn,
				Ref: withPolicy(ref, arn), Result: StateAttached, DependsOn: deps})
		}
	}
	for _, arn := range have {
		if !slices.Contains(ps.ManagedPolicies, arn) {
			b.add(Change{Key: keyPSManaged(ps.Name, arn), Kind: KindPSManaged, Action: Detach, Address: addr + " managed policy " + arn,
				Ref: withPolicy(ref, arn), Result: StateDetached})
		}
	}
	var want []string
	for _, r := range ps.CustomerManagedPolicies {
		want = append(want, r.String())
		if !slices.Contains(haveCM, r.String()) {
			b.add(Change{Key: keyPSCustomer(ps.Name, r.String()), Kind: KindPSCustomer, Action: Attach, Address: addr + " customer managed policy " + r.String(),
				Ref: withPolicy(ref, r.String()), Result: StateAttached, DependsOn: deps})
		}
	}
	for _, r := range haveCM {
		if !slices.Contains(want, r) {
			b.add(Change{Key: keyPSCustomer(ps.Name, r), Kind: KindPSCustomer, Action: Detach, Address: addr + " customer managed policy " + r,
				Ref: withPolicy(ref, r), Result: StateDetached})
		}
	}
	doc := string(ps.InlineContent)
	switch {
	case doc != "" && Canonical(doc) != Canonical(inline):
		act := Update
		if inline == "" {
			act = Create
		}
		b.add(Change{Key: keyPSInline(ps.Name), Kind: KindPSInline, Action: act, Address: addr + " inline policy", Ref: ref,
			Before: &Attrs{Content: inline}, After: &Attrs{Content: doc}, Result: inlineFingerprint(doc), DependsOn: deps})
	case doc == "" && inline != "":
		b.add(Change{Key: keyPSInline(ps.Name), Kind: KindPSInline, Action: Delete, Address: addr + " inline policy", Ref: ref,
			Before: &Attrs{Content: inline}, Result: StateAbsent})
	}
	want1 := ps.PermissionsBoundary.String()
	switch {
	case want1 != "" && want1 != boundary:
		b.add(Change{Key: keyPSBoundary(ps.Name), Kind: KindPSBoundary, Action: Update, Address: addr + " permissions boundary", Ref: withPolicy(ref, want1),
			Before: &Attrs{Content: boundary}, After: &Attrs{Content: want1}, Result: "boundary:" + want1, DependsOn: deps})
	case want1 == "" && boundary != "":
		b.add(Change{Key: keyPSBoundary(ps.Name), Kind: KindPSBoundary, Action: Delete, Address: addr + " permissions boundary", Ref: ref,
			Before: &Attrs{Content: boundary}, Result: StateAbsent})
	}
}

func withPolicy(r Ref, p string) Ref { r.Policy = p; return r }

// psFingerprint digests the attributes UpdatePermissionSet sets.
func psFingerprint(description, session, relay string) string {
	return "permission-set:" + digest(description+"\x00"+session+"\x00"+relay)
}

func inlineFingerprint(doc string) string { return "inline:" + digest(Canonical(doc)) }

// assignmentTarget is one account an assignment reaches.
type assignmentTarget struct {
	ref, id string // configured name (or id) and live id, "" until created
}

// expand returns the accounts of an assignment: those listed and those
// under the listed OUs, placed as the configuration places them
// (accounts it does not declare, where the organization has them).
// Suspended accounts under an OU are left out; listed ones are kept.
func (b *builder) expand(a *config.AccountAssignment) []assignmentTarget {
	seen := map[string]bool{}
	var out []assignmentTarget
	add := func(name string, live *org.Account, listed bool) {
		key := name
		if live != nil {
			if !listed && live.Status != "" && live.Status != org.StatusActive {
				return
			}
			key = live.Id
		}
		if seen[key] || seen[name] {
			return
		}
		seen[key], seen[name] = true, true
		t := assignmentTarget{ref: name}
		if live != nil {
			t.id = live.Id
		}
		out = append(out, t)
	}
	for _, ref := range a.Accounts {
		if c := b.cfg.Account(ref); c != nil {
			add(c.Name, b.v.Account(c.Name), true)
		} else if live := b.cur.Account(ref); live != nil {
			add(b.v.TargetRef(live.Id), live, true)
		}
	}
	for _, ou := range a.OUs {
		for _, c := range b.cfg.AccountsUnder(ou) {
			add(c.Name, b.v.Account(c.Name), false)
		}
		for i := range b.cur.Accounts {
			live := &b.cur.Accounts[i]
			if b.v.nameByID[live.Id] != "" {
				continue // declared: placed by the configuration
			}
			p := b.v.ParentPath(live.Id)
			if ou == config.RootPath || p == ou || strings.HasPrefix(p, ou+"/") {
				add(live.Id, live, false)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ref < out[j].ref })
	return out
}

// principal resolves a group or user display name through the identity
// store; ok is false (and the plan fails) when it is unknown.
func (b *builder) principal(a *config.AccountAssignment, typ, name string, pos config.Pos) (string, bool) {
	c := b.v.IDC
	if typ == identity.PrincipalGroup {
		if g := c.GroupByName(name); g != nil {
			return g.ID, true
		}
	} else if u := c.User(name); u != nil {
		return u.ID, true
	}
	what := map[string]string{identity.PrincipalGroup: "group", identity.PrincipalUser: "user"}[typ]
	hint := "create it in the identity provider (or the identity store) first; names are display names"
	if !c.Directory {
		hint = "collect the identitystore service too (collect --services ssoadmin,identitystore)"
	}
	b.fail(pos, CodeNotPossible, hint, "assignment of %s: %s %q is not in the identity store %s", a.PermissionSet, what, name, c.IdentityStoreID)
	return "", false
}

// assignments plans the account assignments of the declared permission
// sets: the configured ones are created, the others removed.
func (b *builder) assignments() {
	want := map[string]bool{}
	for i := range b.cfg.Identity.Assignments {
		a := &b.cfg.Identity.Assignments[i]
		cur := b.v.IDC.PermissionSetByName(a.PermissionSet)
		targets := b.expand(a)
		for _, p := range principals(a) {
			pid, ok := b.principal(a, p.typ, p.name, a.Pos.Of(p.key))
			if !ok {
				continue
			}
			for _, t := range targets {
				psArn := ""
				if cur != nil {
					psArn = cur.Arn
				}
				as := identity.Assignment{Account: t.id, PermissionSet: psArn, PrincipalType: p.typ, PrincipalID: pid}
				want[a.PermissionSet+"|"+p.typ+"|"+pid+"|"+t.id] = true
				if t.id != "" && cur != nil && b.v.IDC.HasAssignment(as) {
					continue
				}
				deps := b.dep(keyPS(a.PermissionSet), keyAccount(t.ref), keyPSProvision(a.PermissionSet))
				for _, ch := range b.plan.Changes {
					if ch.Ref.PermissionSet == a.PermissionSet && (ch.Kind == KindPSManaged || ch.Kind == KindPSCustomer || ch.Kind == KindPSInline || ch.Kind == KindPSBoundary) {
						deps = append(deps, ch.Key)
					}
				}
				b.add(Change{Key: keyAssign(a.PermissionSet, p.typ, p.name, t.ref), Kind: KindAccountAssign, Action: Create,
					Address: fmt.Sprintf("assignment %s → %s %s in %s", a.PermissionSet, strings.ToLower(p.typ), p.name, t.ref),
					Ref:     Ref{PermissionSet: a.PermissionSet, Account: t.ref, AccountID: t.id, PrincipalType: p.typ, Principal: p.name, PrincipalID: pid},
					Result:  StatePresent, DependsOn: deps})
			}
		}
	}
	for _, x := range b.v.IDC.Assignments {
		ps := b.v.IDC.PermissionSetByArn(x.PermissionSet)
		if ps == nil || b.cfg.Identity.PermissionSet(ps.Name) == nil || want[ps.Name+"|"+x.PrincipalType+"|"+x.PrincipalID+"|"+x.Account] {
			continue
		}
		b.deleteAssignment(ps, x)
	}
}

type principalRef struct{ typ, name, key string }

func principals(a *config.AccountAssignment) []principalRef {
	var out []principalRef
	for i, g := range a.Groups {
		out = append(out, principalRef{identity.PrincipalGroup, g, fmt.Sprintf("groups[%d]", i)})
	}
	for i, u := range a.Users {
		out = append(out, principalRef{identity.PrincipalUser, u, fmt.Sprintf("users[%d]", i)})
	}
	return out
}

func (b *builder) deleteAssignment(ps *identity.PermissionSet, x identity.Assignment) {
	name := b.v.IDC.PrincipalName(x)
	acct := b.v.TargetRef(x.Account)
	b.add(Change{Key: keyAssign(ps.Name, x.PrincipalType, name, acct) + ":delete", Kind: KindAccountAssign, Action: Delete,
		Address: fmt.Sprintf("assignment %s → %s %s in %s", ps.Name, strings.ToLower(x.PrincipalType), name, acct),
		Ref:     Ref{PermissionSet: ps.Name, Account: acct, AccountID: x.Account, PrincipalType: x.PrincipalType, Principal: name, PrincipalID: x.PrincipalID, ID: ps.Arn},
		Result:  StateAbsent})
}

// deletePermissionSets plans deleting the permission sets the
// configuration does not declare, with their assignments, when the
// identity section is exclusive and deletions are allowed.
func (b *builder) deletePermissionSets() {
	if b.cfg.Identity.Manage != config.ManageExclusive {
		return
	}
	for _, ps := range b.v.IDC.PermissionSets {
		if b.cfg.Identity.PermissionSet(ps.Name) != nil ||
			!b.needs(b.opts.AllowDelete, "--allow-delete", "deleting permission set %s", ps.Name) {
			continue
		}
		var deps []string
		for _, x := range b.v.IDC.Assignments {
			if x.PermissionSet == ps.Arn {
				b.deleteAssignment(ps, x)
				deps = append(deps, b.plan.Changes[len(b.plan.Changes)-1].Key)
			}
		}
		b.add(Change{Key: keyPSDelete(ps.Name), Kind: KindPermissionSet, Action: Delete, Address: "permission set " + ps.Name,
			Ref: Ref{PermissionSet: ps.Name, ID: ps.Arn}, Before: &Attrs{Name: ps.Name, Description: ps.Description}, Result: StateAbsent, DependsOn: deps})
	}
}

// lintInline runs the policy linter on the inline policies the plan
// puts, as identity policies, at the policy file's positions.
func (b *builder) lintInline() {
	for i := range b.plan.Changes {
		ch := &b.plan.Changes[i]
		if ch.Kind != KindPSInline || ch.After == nil {
			continue
		}
		ps := b.cfg.Identity.PermissionSet(ch.Ref.PermissionSet)
		if ps == nil {
			continue
		}
		ds := lintFile(b.cfg.Dir, ps.InlinePolicy, ch.Address, ch.After.Content)
		ch.Lint = ds
		b.diags = append(b.diags, ds...)
	}
}

// identityPhase orders the Identity Center changes after the
// organization's: permission sets, their policies, provisioning,
// assignments created, assignments removed, permission sets deleted.
func identityPhase(c Change) int {
	switch {
	case c.Kind == KindPermissionSet && c.Action == Delete:
		return 17
	case c.Kind == KindPermissionSet:
		return 12
	case c.Kind == KindPSManaged, c.Kind == KindPSCustomer, c.Kind == KindPSInline, c.Kind == KindPSBoundary:
		return 13
	case c.Kind == KindPSProvision:
		return 14
	case c.Kind == KindAccountAssign && c.Action == Create:
		return 15
	case c.Kind == KindAccountAssign:
		return 16
	}
	return -1
}
