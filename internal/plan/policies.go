package plan

import (
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// policies creates the configured policies that do not exist and updates
// those whose description or document differ. AWS managed policies are
// never written.
func (b *builder) policies() {
	for _, p := range b.cfg.Policies {
		if p.Name == "" || p.Type == "" {
			continue
		}
		cur := b.v.Policy(p.Type, p.Name)
		if p.AWSManaged {
			if cur == nil && !b.keys[keyPolicyType(p.Type)] {
				b.fail(p.Pos.Of("name"), CodeNotPossible, "AWS managed policies are FullAWSAccess (SCP) and RCPFullAWSAccess (RCP)",
					"policy %q is marked awsManaged but the organization has no such policy", p.Name)
			}
			continue
		}
		doc := string(p.Content)
		deps := b.dep(keyPolicyType(p.Type))
		if cur == nil {
			b.add(Change{Key: keyPolicy(p.Type, p.Name), Kind: KindPolicy, Action: Create, Address: policyAddress(p.Type, p.Name),
				Ref: Ref{PolicyType: p.Type, Policy: p.Name}, After: &Attrs{Name: p.Name, Description: p.Description, Content: doc},
				Result: StatePresent, DependsOn: deps})
			continue
		}
		if cur.Description == p.Description && Canonical(cur.Content) == Canonical(doc) {
			continue
		}
		b.add(Change{Key: keyPolicy(p.Type, p.Name), Kind: KindPolicy, Action: Update, Address: policyAddress(p.Type, p.Name),
			Ref:    Ref{PolicyType: p.Type, Policy: p.Name, ID: cur.Id},
			Before: &Attrs{Description: cur.Description, Content: cur.Content}, After: &Attrs{Description: p.Description, Content: doc},
			Result: policyFingerprint(p.Description, doc), DependsOn: deps})
	}
}

func policyAddress(typ, name string) string { return "policy " + typ + " " + name }

// desiredTargets returns the configured targets of every policy, by
// policy key, as configuration references (Root, OU path, account name).
func (b *builder) desiredTargets() map[string][]string {
	out := map[string][]string{}
	for _, p := range b.cfg.Policies {
		k := policyKey(p.Type, p.Name)
		for _, s := range p.Targets {
			ts := b.cfg.ResolveTarget(s)
			if len(ts) != 1 || contains(out[k], ts[0].Ref) {
				continue
			}
			out[k] = append(out[k], ts[0].Ref)
		}
	}
	return out
}

// attachments attaches each configured policy where the configuration
// says and detaches it from the targets the configuration manages but
// does not list.
func (b *builder) attachments() {
	want := b.desiredTargets()
	for _, p := range b.cfg.Policies {
		k := policyKey(p.Type, p.Name)
		cur := b.v.Policy(p.Type, p.Name)
		for _, ref := range want[k] {
			ch := Change{Key: keyAttach(p.Type, p.Name, ref), Kind: KindAttachment, Action: Attach,
				Address: "attachment " + p.Name + " → " + ref, Ref: Ref{PolicyType: p.Type, Policy: p.Name, Target: ref},
				Result: StateAttached, DependsOn: append(b.dep(keyPolicyType(p.Type), keyPolicy(p.Type, p.Name)), b.targetDeps(ref)...)}
			if Observe(&ch, b.v) != StateAttached {
				b.add(ch)
			}
		}
		if cur == nil {
			continue
		}
		for _, id := range cur.Targets {
			ref := b.v.TargetRef(id)
			if contains(want[k], ref) || !b.manages(ref) {
				continue
			}
			b.detach(cur, ref, id, want)
		}
	}
}

// manages reports whether the configuration declares a target (so that
// policies attached to it and not listed are its business).
func (b *builder) manages(ref string) bool {
	if ref == config.RootPath || b.cfg.OU(ref) != nil {
		return true
	}
	a := b.cfg.Account(ref)
	return a != nil && a.Name == ref
}

// detach plans removing policy p from the target ref (live id), with the
// rules AWS and safety impose.
func (b *builder) detach(p *org.Policy, ref, id string, want map[string][]string) {
	fullAccess := p.AwsManaged && (p.Type == org.SCP || p.Type == org.RCP)
	if fullAccess && (p.Type == org.RCP || !b.otherSCPAfter(ref, id, p, want)) {
		// AWS does not let RCPFullAWSAccess be detached, nor the last SCP
		// of a target: both stay.
		return
	}
	if !fullAccess && (p.Type == org.SCP || p.Type == org.RCP) && b.guardsAccounts(id) &&
		!b.needs(b.opts.AllowGuardrailRemoval, "--allow-guardrail-removal", "detaching %s %s from %s", p.Type, p.Name, ref) {
		return
	}
	var deps []string
	for _, ch := range b.plan.Changes {
		if ch.Kind == KindAttachment && ch.Action == Attach && ch.Ref.Target == ref && ch.Ref.PolicyType == p.Type {
			deps = append(deps, ch.Key)
		}
	}
	b.add(Change{Key: keyDetach(p.Type, p.Name, ref), Kind: KindAttachment, Action: Detach,
		Address: "attachment " + p.Name + " → " + ref, Ref: Ref{PolicyType: p.Type, Policy: p.Name, Target: ref, ID: id},
		Result: StateDetached, DependsOn: deps})
}

// guardsAccounts reports whether removing a guardrail from id removes it
// from accounts: the root, or an OU with accounts below it.
func (b *builder) guardsAccounts(id string) bool {
	switch org.TargetKind(id) {
	case org.KindRoot:
		return true
	case org.KindOU:
		return len(b.cur.AccountsUnder(id)) > 0
	}
	return false
}

// otherSCPAfter reports whether the target will keep an SCP other than p
// attached directly once the plan is applied.
func (b *builder) otherSCPAfter(ref, id string, p *org.Policy, want map[string][]string) bool {
	for _, cp := range b.cfg.Policies {
		if cp.Type == org.SCP && cp.Name != p.Name && contains(want[policyKey(cp.Type, cp.Name)], ref) {
			return true
		}
	}
	for _, lp := range b.cur.Attached(id) {
		if lp.Type == org.SCP && lp.Id != p.Id && b.cfgPolicy(lp.Type, lp.Name) == nil {
			return true // not configured: left attached
		}
	}
	return false
}

// cfgPolicy returns the configured policy of a type and name, or nil.
func (b *builder) cfgPolicy(typ, name string) *config.Policy {
	for i := range b.cfg.Policies {
		if b.cfg.Policies[i].Type == typ && b.cfg.Policies[i].Name == name {
			return &b.cfg.Policies[i]
		}
	}
	return nil
}
