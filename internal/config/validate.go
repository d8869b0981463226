package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// validate runs the semantic checks on a decoded configuration.
func validate(c *Config, r *reporter) {
	validateOrganization(c, r)
	validateOUs(c, r)
	validateAccounts(c, r)
	validatePolicies(c, r)
	validateStandards(c, r)
	validateSecurity(c, r)
	validateAccess(c, r)
	validateIdentity(c, r)
	validateLandingZone(c, r)
	validateBaseline(c, r)
	validateCatalog(c, r)
}

var (
	orgIDRe    = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	roleNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	accountID  = regexp.MustCompile(`^[0-9]{12}$`)
	emailRe    = regexp.MustCompile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
	printable  = regexp.MustCompile(`^[\x20-\x7E]+$`)
)

// checkAccountRef reports an unknown account reference. ids of accounts
// outside the configuration are accepted when allowID is set.
func checkAccountRef(c *Config, r *reporter, ref string, p Pos, what string, allowID bool) {
	if ref == "" || c.Account(ref) != nil || (allowID && accountID.MatchString(ref)) {
		return
	}
	r.add(p, CodeUnknownAccount, suggest(ref, c.accountNames(), "declare it under accounts:"),
		"%s %q is not a declared account", what, ref)
}

func validateOrganization(c *Config, r *reporter) {
	o := &c.Organization
	if o.Mode != ModeOrganizations && o.Mode != ModeStandalone {
		r.add(o.Pos.Of("mode"), CodeBadMode, "write organizations or standalone", "organization.mode %q is unknown", o.Mode)
	}
	if o.ID != "" && !orgIDRe.MatchString(o.ID) {
		r.add(o.Pos.Of("id"), CodeBadOrgID, "an organization id looks like o-a1b2c3d4e5", "organization.id %q is not an organization id", o.ID)
	}
	if o.HomeRegion != "" && !ValidRegion(o.HomeRegion) {
		r.add(o.Pos.Of("homeRegion"), CodeBadRegion, suggest(o.HomeRegion, Regions(), "see docs/config.md for region names"),
			"organization.homeRegion %q is not an AWS region", o.HomeRegion)
	}
	checkAccountRef(c, r, o.ManagementAccount, o.Pos.Of("managementAccount"), "organization.managementAccount", false)
	checkAccountRef(c, r, o.JumpAccount, o.Pos.Of("jumpAccount"), "organization.jumpAccount", false)
	for i, h := range o.RoleChain {
		if h.Role != "" && !roleNameRe.MatchString(h.Role) {
			r.add(h.Pos.Of("role"), CodeBadRoleName, "a role name is 1-64 letters, digits or +=,.@_-; give the name, not the ARN",
				"roleChain[%d].role %q is not an IAM role name", i, h.Role)
		}
		if h.Account == "" && i != len(o.RoleChain)-1 {
			r.add(h.Pos.Of(""), CodeRoleChainOrder, "only the last hop may leave account out (it then means every target account)",
				"roleChain[%d] has no account but is not the last hop", i)
		}
		checkAccountRef(c, r, h.Account, h.Pos.Of("account"), fmt.Sprintf("roleChain[%d].account", i), true)
	}
	if !o.Standalone() {
		return
	}
	if o.JumpAccount == "" {
		r.add(o.Pos.Of(""), CodeStandalone, "add jumpAccount: <account name> to organization", "standalone mode needs organization.jumpAccount")
	}
	if len(o.RoleChain) == 0 {
		r.add(o.Pos.Of(""), CodeStandalone, "add roleChain: [{role: <role assumed in each account>}]", "standalone mode needs organization.roleChain")
	}
}

func validateOUs(c *Config, r *reporter) {
	seen := map[string]Pos{}
	for _, o := range c.OUs {
		p := o.Pos.Of("path")
		if o.Path == "" {
			if o.Pos.Has("path") {
				r.add(p, CodeOUBadPath, "write the path from the root, e.g. Workloads/Prod", "OU path is empty")
			}
			continue
		}
		if msg := badOUPath(o.Path); msg != "" {
			r.add(p, CodeOUBadPath, "write the path from the root, e.g. Workloads/Prod", "OU path %q %s", o.Path, msg)
			continue
		}
		if first, dup := seen[o.Path]; dup {
			r.add(p, CodeOUDuplicate, "first declared at "+first.String(), "OU %q is declared twice", o.Path)
			continue
		}
		seen[o.Path] = p
		if o.Depth() > 5 {
			r.add(p, CodeOUTooDeep, "AWS nests OUs at most 5 levels below the root; flatten the tree",
				"OU %q is %d levels deep", o.Path, o.Depth())
		}
		checkTags(r, o.Tags, o.Pos, "tags")
	}
	for _, o := range c.OUs {
		if o.Path == "" || badOUPath(o.Path) != "" {
			continue
		}
		if parent := o.Parent(); parent != RootPath && c.OU(parent) == nil {
			r.add(o.Pos.Of("path"), CodeOUUnknownParent, "declare "+parent+" as an OU too",
				"the parent %q of OU %q is not declared", parent, o.Path)
		}
	}
}

func badOUPath(p string) string {
	switch {
	case p == RootPath || strings.HasPrefix(p, RootPath+"/"):
		return "starts with Root; paths start below the root"
	case strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/"):
		return "has a leading or trailing '/'"
	}
	for _, seg := range strings.Split(p, "/") {
		switch {
		case strings.TrimSpace(seg) == "":
			return "has an empty segment"
		case len(seg) > 128:
			return "has a segment over 128 characters"
		}
	}
	return ""
}

// checkTags applies AWS's tag rules to a tags map recorded under key.
func checkTags(r *reporter, tags map[string]string, pos Positions, key string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if msg := badTagKey(k); msg != "" {
			r.add(pos.Of(key+"."+k), CodeBadTag, "tag keys are 1-128 characters and may not start with aws:", "tag key %q %s", k, msg)
		}
		if len(tags[k]) > 256 {
			r.add(pos.Of(key+"."+k), CodeBadTag, "tag values are at most 256 characters", "value of tag %q is %d characters", k, len(tags[k]))
		}
	}
}

func badTagKey(k string) string {
	switch {
	case k == "":
		return "is empty"
	case len(k) > 128:
		return "is over 128 characters"
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return "uses the reserved aws: prefix"
	}
	return ""
}
