package plan

import (
	"sort"

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
