package plan

import (
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/org"
)

// deletePolicies deletes the policies the configuration no longer
// declares and owns: customer managed policies not in the configuration
// whose every attachment lies in a claimed subtree (manage: exclusive)
// and is detached by this plan, or, when the whole organization is
// claimed, any such policy. Deletion needs AllowDelete.
func (b *builder) deletePolicies() {
	for i := range b.cur.Policies {
		p := &b.cur.Policies[i]
		if p.AwsManaged || b.cfgPolicy(p.Type, p.Name) != nil || !b.ownsPolicy(p) {
			continue
		}
		var deps []string
		left := false
		for _, t := range p.Targets {
			k := keyDetach(p.Type, p.Name, b.v.TargetRef(t))
			if b.keys[k] {
				deps = append(deps, k)
			} else {
				left = true
			}
		}
		if left {
			continue // an attachment stays (a flag was not given): the policy stays too
		}
		if !b.needs(b.opts.AllowDelete, "--allow-delete", "deleting %s %s (not in the configuration)", p.Type, p.Name) {
			continue
		}
		b.add(Change{Key: keyPolicyDelete(p.Type, p.Name), Kind: KindPolicy, Action: Delete, Address: policyAddress(p.Type, p.Name),
			Ref: Ref{PolicyType: p.Type, Policy: p.Name, ID: p.Id}, Before: &Attrs{Name: p.Name, Description: p.Description, Content: p.Content},
			Result: StateAbsent, DependsOn: deps})
	}
}

// ownsPolicy reports whether the configuration owns an undeclared
// policy: the organization is claimed, or the policy is attached only
// inside claimed subtrees.
func (b *builder) ownsPolicy(p *org.Policy) bool {
	if b.orgClaimed() {
		return true
	}
	if len(p.Targets) == 0 {
		return false
	}
	for _, t := range p.Targets {
		if !b.claimed(t) {
			return false
		}
	}
	return true
}

// disableTypes disables on the root the policy types no longer used: no
// configured policy has the type and, once the plan is applied, no
// customer managed policy of the type is left. Only a type this plan
// deletes policies of is disabled, or any unused type when the whole
// organization is claimed. Disabling needs AllowDelete.
func (b *builder) disableTypes() {
	used := map[string]bool{}
	for _, p := range b.cfg.Policies {
		used[p.Type] = true
	}
	var types []string
	for _, r := range b.cur.Roots {
		for _, t := range r.PolicyTypes {
			if t.Status == "ENABLED" && !used[t.Type] && !contains(types, t.Type) {
				types = append(types, t.Type)
			}
		}
	}
	sort.Strings(types)
	for _, t := range types {
		var deps []string
		left := false
		for _, p := range b.cur.Policies {
			switch {
			case p.Type != t || p.AwsManaged:
			case b.keys[keyPolicyDelete(p.Type, p.Name)]:
				deps = append(deps, keyPolicyDelete(p.Type, p.Name))
			default:
				left = true
			}
		}
		if left || (len(deps) == 0 && !b.orgClaimed()) {
			continue
		}
		if !b.needs(b.opts.AllowDelete, "--allow-delete", "disabling policy type %s, which no policy uses any more", t) {
			continue
		}
		b.add(Change{Key: keyTypeDisable(t), Kind: KindPolicyType, Action: Disable, Address: "policy type " + t + " on the root",
			Ref: Ref{PolicyType: t, Target: "Root", ID: b.v.RootID}, Version: StateEnabled, Result: StateDisabled, DependsOn: deps})
	}
}

// movedOUs deletes the old OU of every configured OU that names it in
// renamedFrom under another parent (a move: AWS has none, so the new OU
// is created and the accounts move to it), once this plan empties it:
// every account in it moves out and every child OU is deleted. Deepest
// first, so that a moved subtree empties bottom up. Needs AllowDelete.
func (b *builder) movedOUs() {
	type move struct {
		u        *org.OU
		from, to string
	}
	var moves []move
	for _, o := range b.cfg.OUs {
		if o.RenamedFrom == "" || o.RenamedFrom == o.Path || b.cfg.OU(o.RenamedFrom) != nil {
			continue
		}
		u := b.v.OU(o.RenamedFrom)
		if u == nil || b.v.OU(o.Path) == u {
			continue // gone already, or renamed in place
		}
		moves = append(moves, move{u, o.RenamedFrom, o.Path})
	}
	sort.SliceStable(moves, func(i, j int) bool { return strings.Count(moves[i].from, "/") > strings.Count(moves[j].from, "/") })
	for _, m := range moves {
		if why := b.staysNonEmpty(m.u); why != "" {
			b.warn(CodeNotPossible, "OU %s moved to %s: the old OU is kept, %s", m.from, m.to, why)
			continue
		}
		if !b.needs(b.opts.AllowDelete, "--allow-delete", "deleting OU %s (moved to %s)", m.from, m.to) {
			continue
		}
		var deps []string
		for _, ch := range b.plan.Changes {
			if (ch.Kind == KindAccount && ch.Action == Move) || (ch.Kind == KindOU && ch.Action == Delete) {
				deps = append(deps, ch.Key)
			}
		}
		b.add(Change{Key: keyOUDelete(m.from), Kind: KindOU, Action: Delete, Address: "ou " + m.from + " (moved to " + m.to + ")",
			Ref: Ref{OU: m.from, ID: m.u.Id}, Before: &Attrs{Name: m.u.Name}, Result: StateAbsent, DependsOn: deps})
	}
}

// staysNonEmpty says why the OU u still holds something once the plan
// is applied: an account that does not move out, or a child OU that is
// not deleted; "" when it will be empty.
func (b *builder) staysNonEmpty(u *org.OU) string {
	for _, a := range b.cur.Accounts {
		if a.ParentId != u.Id {
			continue
		}
		if n := b.v.nameByID[a.Id]; n == "" || !b.keys[keyAccountMove(n)] {
			return "account " + a.Name + " (" + a.Id + ") stays in it"
		}
	}
	for _, c := range b.cur.OrganizationalUnits {
		if c.ParentId == u.Id && !b.keys[keyOUDelete(b.v.pathOf(c.Id))] {
			return "its child OU " + c.Name + " stays"
		}
	}
	return ""
}
