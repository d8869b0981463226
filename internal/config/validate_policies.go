package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// attachment is one policy attached to a target, for the limit check.
type attachment struct {
	policy string
	pos    Pos
}

// policyTypeRe is the shape of an AWS Organizations policy type string.
var policyTypeRe = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*_POLICY(_[A-Z0-9]+)?$`)

func validatePolicies(c *Config, r *reporter) {
	seen := map[string]Pos{}
	perTarget := map[string][]attachment{} // type|target key -> attachments
	var order []string
	for _, p := range c.Policies {
		if c.Organization.Standalone() {
			r.add(p.Pos.Of(""), CodeNeedsOrgs, "remove the policy or set organization.mode: organizations",
				"policy %q: standalone mode has no Organizations to attach policies to", p.Name)
			continue
		}
		if p.Pos.Has("name") && (p.Name == "" || len(p.Name) > 128) {
			r.add(p.Pos.Of("name"), CodePolicyBadName, "a policy name is 1-128 characters", "policy name %q is not valid", p.Name)
		}
		checkPolicyType(p, r)
		key := p.Type + "/" + p.Name
		if first, dup := seen[key]; dup && p.Name != "" {
			r.add(p.Pos.Of("name"), CodePolicyDuplicate, "first declared at "+first.String(), "policy %q of type %s is declared twice", p.Name, p.Type)
		} else {
			seen[key] = p.Pos.Of("name")
		}
		if len(p.Targets) == 0 {
			r.add(p.Pos.Of("name"), CodePolicyNoTargets, "add targets: [Root] or OU paths / account names", "policy %q is attached nowhere", p.Name)
		}
		mine := map[string]bool{}
		for i, s := range p.Targets {
			tp := p.Pos.Of(fmt.Sprintf("targets[%d]", i))
			ts := c.ResolveTarget(s)
			switch len(ts) {
			case 0:
				cands := append(c.ouPaths(), c.accountNames()...)
				r.add(tp, CodeUnknownTarget, suggest(s, cands, "a target is Root, a declared OU path, an account name or id"),
					"policy %q: target %q is not Root, an OU or an account", p.Name, s)
				continue
			case 2:
				r.add(tp, CodeAmbiguousTarget, "rename the account or the OU so the target is unambiguous",
					"policy %q: target %q names both an OU and an account", p.Name, s)
				continue
			}
			tk := ts[0].Key()
			if mine[tk] {
				r.add(tp, CodeDuplicateTarget, "list each target once", "policy %q: target %q is listed twice", p.Name, s)
				continue
			}
			mine[tk] = true
			if p.Type == TypeSCP || p.Type == TypeRCP {
				k := p.Type + "|" + tk
				if _, ok := perTarget[k]; !ok {
					order = append(order, k)
				}
				perTarget[k] = append(perTarget[k], attachment{p.Name, tp})
			}
		}
	}
	checkPolicyLimits(r, order, perTarget)
}

// checkPolicyLimits reports targets with more than 5 SCPs or 5 RCPs, at
// the attachment that goes over the limit.
func checkPolicyLimits(r *reporter, order []string, perTarget map[string][]attachment) {
	for _, k := range order {
		as := perTarget[k]
		if len(as) <= 5 {
			continue
		}
		typ, target, _ := strings.Cut(k, "|")
		names := make([]string, len(as))
		for i, a := range as {
			names[i] = a.policy
		}
		kind := "SCPs"
		if typ == TypeRCP {
			kind = "RCPs"
		}
		r.add(as[5].pos, CodePolicyLimit, "AWS allows 5 per target, FullAWSAccess included; merge policies or attach some higher up",
			"%d %s attached directly to %s: %s", len(as), kind, strings.SplitN(target, ":", 2)[1], strings.Join(names, ", "))
	}
}

func checkPolicyType(p Policy, r *reporter) {
	if p.Type == "" {
		return
	}
	if !policyTypeRe.MatchString(p.Type) {
		r.add(p.Pos.Of("type"), CodePolicyBadType, suggest(strings.ToUpper(p.Type), PolicyTypes, "use AWS's spelling, e.g. SERVICE_CONTROL_POLICY"),
			"policy %q: %q is not an AWS policy type", p.Name, p.Type)
		return
	}
	if !slices.Contains(PolicyTypes, p.Type) {
		r.add(p.Pos.Of("type"), CodePolicyUnknownTyp, suggest(p.Type, PolicyTypes, "kept as written; check AWS's spelling"),
			"policy %q: type %q is not one orgrail knows", p.Name, p.Type)
	}
}
