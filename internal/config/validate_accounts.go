package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

func validateAccounts(c *Config, r *reporter) {
	names := map[string]Pos{}
	emails := map[string]Pos{}
	ids := map[string]Pos{}
	standalone := c.Organization.Standalone()
	for _, a := range c.Accounts {
		if a.Name != "" {
			if len(a.Name) > 50 || !printable.MatchString(a.Name) {
				r.add(a.Pos.Of("name"), CodeAccountBadName, "an account name is 1-50 printable characters", "account name %q is not valid", a.Name)
			}
			if first, dup := names[a.Name]; dup {
				r.add(a.Pos.Of("name"), CodeDuplicateName, "first declared at "+first.String(), "account name %q is used twice", a.Name)
			} else {
				names[a.Name] = a.Pos.Of("name")
			}
		}
		validateAccountEmail(a, r, emails, standalone)
		validateAccountID(a, r, ids, standalone)
		validateAccountOU(c, a, r, standalone)
		checkTags(r, a.Tags, a.Pos, "tags")
	}
}

func validateAccountEmail(a Account, r *reporter, seen map[string]Pos, standalone bool) {
	if a.Email == "" {
		if !standalone {
			r.add(a.Pos.Of(""), CodeMissingField, "add email: the root user address AWS creates the account with",
				"account %q: email is required", a.Name)
		}
		return
	}
	if len(a.Email) < 6 || len(a.Email) > 64 || !emailRe.MatchString(a.Email) {
		r.add(a.Pos.Of("email"), CodeBadEmail, "write a plain address such as aws+prod@example.com (6-64 characters)",
			"account %q: %q is not a valid email address", a.Name, a.Email)
		return
	}
	key := strings.ToLower(a.Email)
	if first, dup := seen[key]; dup {
		r.add(a.Pos.Of("email"), CodeDuplicateEmail, "first used at "+first.String()+"; every account needs its own root email",
			"account %q: email %q is already used", a.Name, a.Email)
		return
	}
	seen[key] = a.Pos.Of("email")
}

func validateAccountID(a Account, r *reporter, seen map[string]Pos, standalone bool) {
	if a.ID == "" {
		if standalone {
			r.add(a.Pos.Of(""), CodeStandalone, "add id: <12-digit account id>; standalone mode cannot look accounts up",
				"account %q: standalone mode needs the account id", a.Name)
		}
		return
	}
	if !accountID.MatchString(a.ID) {
		r.add(a.Pos.Of("id"), CodeBadAccountID, "an account id is 12 digits; quote it to keep leading zeros",
			"account %q: id %q is not a 12-digit account id", a.Name, a.ID)
		return
	}
	if first, dup := seen[a.ID]; dup {
		r.add(a.Pos.Of("id"), CodeDuplicateID, "first used at "+first.String(), "account %q: id %s is already used", a.Name, a.ID)
		return
	}
	seen[a.ID] = a.Pos.Of("id")
}

func validateAccountOU(c *Config, a Account, r *reporter, standalone bool) {
	if a.OU == "" {
		if !standalone {
			r.add(a.Pos.Of(""), CodeMissingField, "add ou: <OU path> (or Root)", "account %q: ou is required", a.Name)
		}
		return
	}
	if a.OU != RootPath && c.OU(a.OU) == nil {
		r.add(a.Pos.Of("ou"), CodeUnknownOU, suggest(a.OU, c.ouPaths(), "declare it under ous:"),
			"account %q: OU %q is not declared", a.Name, a.OU)
	}
}

// policyTypeRe is the shape of an AWS Organizations policy type string.
var policyTypeRe = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*_POLICY(_[A-Z0-9]+)?$`)

func validatePolicies(c *Config, r *reporter) {
	seen := map[string]Pos{}
	type attach struct {
		policy string
		pos    Pos
	}
	perTarget := map[string][]attach{} // type + target key -> attachments
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
				perTarget[k] = append(perTarget[k], attach{p.Name, tp})
			}
		}
	}
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
