package plan

import (
	"strings"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// exclusive removes, inside each subtree an OU claims with manage:
// exclusive, what the configuration does not declare: policies attached
// there by someone else, undeclared OUs (deepest first) and, with
// AllowClose, undeclared accounts.
func (b *builder) exclusive() {
	if b.orgClaimed() {
		b.claimRoot()
		return
	}
	for _, o := range b.cfg.OUs {
		if o.Manage != config.ManageExclusive {
			continue
		}
		u := b.v.OU(o.Path)
		if u == nil {
			continue
		}
		b.foreignAttachments(u.Id)
		for i := range b.cur.OrganizationalUnits {
			d := &b.cur.OrganizationalUnits[i]
			p := b.v.pathOf(d.Id)
			if strings.HasPrefix(p, o.Path+"/") && b.cfg.OU(p) == nil {
				b.deleteOU(d, p)
			}
		}
		for _, a := range b.cur.AccountsUnder(u.Id) {
			if b.v.nameByID[a.Id] == "" {
				b.closeAccount(a)
			}
		}
	}
}

// orgClaimed reports whether the configuration claims the whole
// organization (organization.manage: exclusive).
func (b *builder) orgClaimed() bool { return b.cfg.Organization.Manage == config.ManageExclusive }

// claimRoot is exclusive for the whole organization: foreign policy
// attachments anywhere, every undeclared OU and every undeclared account
// but the management account.
func (b *builder) claimRoot() {
	b.foreignAttachments(b.v.RootID)
	for i := range b.cur.OrganizationalUnits {
		d := &b.cur.OrganizationalUnits[i]
		if p := b.v.pathOf(d.Id); b.cfg.OU(p) == nil {
			b.deleteOU(d, p)
		}
	}
	for i := range b.cur.Accounts {
		a := &b.cur.Accounts[i]
		if b.v.nameByID[a.Id] == "" && a.Id != b.cur.MasterAccountId {
			b.closeAccount(a)
		}
	}
}

// claimed reports whether the configuration owns a live root, OU or
// account id: the whole organization is claimed, or the id lies in (or
// is) an OU with manage: exclusive.
func (b *builder) claimed(id string) bool {
	if b.orgClaimed() {
		return true
	}
	for _, o := range b.cfg.OUs {
		if o.Manage != config.ManageExclusive {
			continue
		}
		if u := b.v.OU(o.Path); u != nil && (u.Id == id || under(b.cur, id, u.Id)) {
			return true
		}
	}
	return false
}

// foreignAttachments detaches policies the configuration does not
// declare from the OU id and every declared target below it.
func (b *builder) foreignAttachments(root string) {
	targets := []string{root}
	for i := range b.cur.OrganizationalUnits {
		if id := b.cur.OrganizationalUnits[i].Id; id != root && under(b.cur, id, root) {
			targets = append(targets, id)
		}
	}
	for _, a := range b.cur.AccountsUnder(root) {
		if b.v.nameByID[a.Id] != "" {
			targets = append(targets, a.Id)
		}
	}
	for _, id := range targets {
		for _, p := range b.cur.Attached(id) {
			if b.cfgPolicy(p.Type, p.Name) != nil || p.AwsManaged {
				continue
			}
			ref := b.v.TargetRef(id)
			if b.needs(b.opts.AllowDelete, "--allow-delete", "detaching %s %s (not in the configuration) from %s", p.Type, p.Name, ref) {
				b.detach(p, ref, id, b.desiredTargets())
			}
		}
	}
}

// deleteOU plans deleting an undeclared OU, after its accounts leave and
// its policies are detached.
func (b *builder) deleteOU(u *org.OU, path string) {
	if !b.needs(b.opts.AllowDelete, "--allow-delete", "deleting OU %s (not in the configuration)", path) {
		return
	}
	var deps []string
	for _, ch := range b.plan.Changes {
		if (ch.Kind == KindAccount && ch.Action == Move) || (ch.Kind == KindAttachment && ch.Ref.Target == path) {
			deps = append(deps, ch.Key)
		}
	}
	b.add(Change{Key: keyOUDelete(path), Kind: KindOU, Action: Delete, Address: "ou " + path,
		Ref: Ref{OU: path, ID: u.Id}, Before: &Attrs{Name: u.Name}, Result: StateAbsent, DependsOn: deps})
}

// closeAccount plans closing an undeclared account inside an exclusive
// subtree.
func (b *builder) closeAccount(a *org.Account) {
	if a.Status != "" && a.Status != org.StatusActive {
		return
	}
	if !b.needs(b.opts.AllowClose, "--allow-close", "closing account %s (%s), which the configuration does not declare", a.Name, a.Id) {
		return
	}
	b.add(Change{Key: keyAccountClose(a.Id), Kind: KindAccount, Action: Close, Address: "account " + a.Name + " (" + a.Id + ")",
		Ref: Ref{Account: a.Id, AccountID: a.Id, ID: a.Id}, Before: &Attrs{Name: a.Name, Email: a.Email}, Result: StateClosed})
}

// under reports whether id lies below ancestor.
func under(o *org.Organization, id, ancestor string) bool {
	for _, x := range o.Path(id) {
		if x == ancestor && x != id {
			return true
		}
	}
	return false
}
