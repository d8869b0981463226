package plan

import (
	"maps"
	"sort"

	"github.com/orgrail/orgrail/internal/config"
)

// policyTypes enables on the root every policy type the configuration
// uses. Types it does not use are left as they are.
func (b *builder) policyTypes() {
	var types []string
	for _, p := range b.cfg.Policies {
		if p.Type != "" && !contains(types, p.Type) {
			types = append(types, p.Type)
		}
	}
	sort.Strings(types)
	for _, t := range types {
		ch := Change{Key: keyPolicyType(t), Kind: KindPolicyType, Action: Enable, Address: "policy type " + t + " on the root",
			Ref: Ref{PolicyType: t, Target: config.RootPath, ID: b.v.RootID}, Result: StateEnabled}
		if Observe(&ch, b.v) != StateEnabled {
			b.add(ch)
		}
	}
}

// trustedAccess enables trusted access for the listed services and for
// every service that gets a delegated administrator.
func (b *builder) trustedAccess() {
	var svcs []string
	for _, s := range b.cfg.Organization.TrustedAccess {
		if !contains(svcs, s) {
			svcs = append(svcs, s)
		}
	}
	for _, d := range b.cfg.Organization.DelegatedAdministrators {
		if d.Service != "" && !contains(svcs, d.Service) {
			svcs = append(svcs, d.Service)
		}
	}
	if b.needsAccountService() && !contains(svcs, AccountService) {
		svcs = append(svcs, AccountService)
	}
	for _, s := range svcs {
		ch := Change{Key: keyTrusted(s), Kind: KindTrustedAccess, Action: Enable, Address: "trusted access for " + s,
			Ref: Ref{Service: s}, Result: StateEnabled}
		if Observe(&ch, b.v) != StateEnabled {
			b.add(ch)
		}
	}
}

// ous creates missing OUs (parents first) and sets tags where the
// configuration gives them.
func (b *builder) ous() {
	list := append([]config.OU(nil), b.cfg.OUs...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Depth() < list[j].Depth() })
	for _, o := range list {
		if o.Path == "" {
			continue
		}
		u := b.v.OU(o.Path)
		if u == nil {
			b.add(Change{Key: keyOU(o.Path), Kind: KindOU, Action: Create, Address: "ou " + o.Path,
				Ref: Ref{OU: o.Path}, After: &Attrs{Name: o.Name(), Parent: o.Parent(), Tags: o.Tags},
				Result: StatePresent, DependsOn: b.dep(keyOU(o.Parent()))})
			continue
		}
		if n, ok := b.v.Renamed(u.Id); ok {
			b.add(Change{Key: keyOURename(o.Path), Kind: KindOU, Action: Rename, Address: "ou " + o.Path,
				Ref: Ref{OU: o.Path, ID: u.Id}, Before: &Attrs{Name: u.Name}, After: &Attrs{Name: n},
				Version: nameState(u.Name), Result: nameState(n)})
		}
		if o.Tags != nil && !maps.Equal(o.Tags, u.Tags) {
			b.add(Change{Key: keyOUTags(o.Path), Kind: KindOU, Action: Tag, Address: "ou " + o.Path,
				Ref: Ref{OU: o.Path, ID: u.Id}, Before: &Attrs{Tags: u.Tags}, After: &Attrs{Tags: o.Tags},
				Result: tagsFingerprint(o.Tags)})
		}
	}
}

// accounts creates or invites missing accounts, moves accounts to their
// OU and sets their tags.
func (b *builder) accounts() {
	for _, c := range b.cfg.Accounts {
		if c.Name == "" || b.cfg.Organization.Standalone() {
			continue
		}
		a := b.v.Account(c.Name)
		ou := c.OU
		if ou == "" {
			ou = config.RootPath
		}
		if a == nil {
			b.newAccount(c, ou)
			continue
		}
		if cur := b.v.ParentPath(a.Id); cur != ou && b.movable(c) {
			b.add(Change{Key: keyAccountMove(c.Name), Kind: KindAccount, Action: Move, Address: "account " + c.Name,
				Ref: Ref{Account: c.Name, AccountID: a.Id, OU: ou, ID: a.Id}, Before: &Attrs{Parent: cur}, After: &Attrs{Parent: ou},
				Result: ou, DependsOn: b.dep(keyOU(ou))})
		}
		if c.Tags != nil && !maps.Equal(c.Tags, a.Tags) {
			b.add(Change{Key: keyAccountTags(c.Name), Kind: KindAccount, Action: Tag, Address: "account " + c.Name,
				Ref: Ref{Account: c.Name, AccountID: a.Id, ID: a.Id}, Before: &Attrs{Tags: a.Tags}, After: &Attrs{Tags: c.Tags},
				Result: tagsFingerprint(c.Tags)})
		}
	}
}

// newAccount plans an account the organization does not have: an
// invitation when the configuration gives its id, a creation otherwise,
// then the move out of the root.
func (b *builder) newAccount(c config.Account, ou string) {
	ch := Change{Key: keyAccount(c.Name), Kind: KindAccount, Action: Create, Address: "account " + c.Name,
		Ref: Ref{Account: c.Name, Email: c.Email}, After: &Attrs{Name: c.Name, Email: c.Email, Parent: config.RootPath, Tags: c.Tags},
		Result: StatePresent}
	if c.ID != "" {
		ch.Action, ch.Ref.AccountID = Invite, c.ID
		ch.After.Tags = nil
		b.add(ch)
		return // an invited account joins once it accepts; the next plan moves it
	}
	b.add(ch)
	if ou != config.RootPath {
		b.add(Change{Key: keyAccountMove(c.Name), Kind: KindAccount, Action: Move, Address: "account " + c.Name,
			Ref: Ref{Account: c.Name, Email: c.Email, OU: ou}, Before: &Attrs{Parent: config.RootPath}, After: &Attrs{Parent: ou},
			Version: config.RootPath, Result: ou, DependsOn: b.dep(keyAccount(c.Name), keyOU(ou))})
	}
}

// movable reports whether an account may be moved: the management, Audit
// and Log Archive accounts need AllowProtectedMove.
func (b *builder) movable(c config.Account) bool {
	if !b.protected(c.Name) {
		return true
	}
	return b.needs(b.opts.AllowProtectedMove, "--allow-protected-move", "moving the protected account %s", c.Name)
}

// protected reports whether a configured account is the management,
// Audit or Log Archive account.
func (b *builder) protected(name string) bool {
	for _, ref := range []string{b.cfg.Organization.ManagementAccount, b.cfg.Security.AuditAccount, b.cfg.Security.LogArchiveAccount} {
		if a := b.cfg.Account(ref); a != nil && a.Name == name {
			return true
		}
	}
	return false
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
