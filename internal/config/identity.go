package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// Identity is the IAM Identity Center part of the configuration:
// permission sets and the account assignments that give groups and
// users a permission set in accounts. plan and apply manage the
// permission sets it declares; permission sets it does not declare are
// left alone unless manage is exclusive.
type Identity struct {
	Region         string              `yaml:"region" json:"region,omitempty" enum:"@regions" doc:"Home region of the Identity Center instance (default: the region of the credentials, or the region the snapshot found it in)."`
	Manage         string              `yaml:"manage" json:"manage,omitempty" enum:"exclusive" doc:"exclusive: permission sets the configuration does not declare are deleted (plan --allow-delete), after their assignments."`
	PermissionSets []PermissionSet     `yaml:"permissionSets" json:"permissionSets,omitempty" doc:"Permission sets, each named uniquely."`
	Assignments    []AccountAssignment `yaml:"assignments" json:"assignments,omitempty" doc:"Who gets which permission set where. The assignments of a declared permission set are exactly those listed: others are removed."`
	Roles          []CrossAccountRole  `yaml:"roles" json:"roles,omitempty" doc:"Cross-account roles of the jump-account model, made in every member account with the baseline and trusted only by the security (Audit) account."`
	Pos            Positions           `yaml:"-" json:"-"`
}

// PermissionSet is an Identity Center permission set.
type PermissionSet struct {
	Name                    string              `yaml:"name" json:"name" required:"true" pattern:"^[\\w+=,.@-]{1,32}$" doc:"Permission set name, 1-32 letters, digits or +=,.@_-."`
	Description             string              `yaml:"description" json:"description,omitempty" doc:"Free text, up to 700 characters."`
	SessionDuration         string              `yaml:"sessionDuration" json:"sessionDuration,omitempty" pattern:"^PT([0-9]{1,2}H)?([0-9]{1,3}M)?$" doc:"Length of a session, ISO 8601, 1 to 12 hours (default PT1H), e.g. PT4H or PT1H30M."`
	RelayState              string              `yaml:"relayState" json:"relayState,omitempty" doc:"URL users land on in the console after signing in."`
	ManagedPolicies         []string            `yaml:"managedPolicies" json:"managedPolicies,omitempty" pattern:"^arn:aws[a-z-]*:iam::aws:policy/.+$" doc:"AWS managed policies by ARN, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess (at most 20 with customerManagedPolicies)."`
	CustomerManagedPolicies []PolicyReference   `yaml:"customerManagedPolicies" json:"customerManagedPolicies,omitempty" doc:"Customer managed policies by name and path; each must exist in every account the permission set is assigned in."`
	InlinePolicy            string              `yaml:"inlinePolicy" json:"inlinePolicy,omitempty" doc:"Inline policy document (JSON), by path relative to the configuration directory; policy lint checks it before plan."`
	PermissionsBoundary     PermissionsBoundary `yaml:"permissionsBoundary" json:"permissionsBoundary,omitzero" doc:"Permissions boundary of the roles the permission set creates: an AWS managed policy or a customer managed policy reference."`
	Tags                    map[string]string   `yaml:"tags" json:"tags,omitempty" doc:"Tags on the permission set."`
	// InlineContent is the document read from InlinePolicy, compacted.
	InlineContent json.RawMessage `yaml:"-" json:"inlineContent,omitempty"`
	Pos           Positions       `yaml:"-" json:"-"`
}

// PolicyReference names a customer managed IAM policy, which Identity
// Center looks up by name and path in each account.
type PolicyReference struct {
	Name string    `yaml:"name" json:"name" required:"true" pattern:"^[\\w+=,.@-]{1,128}$" doc:"IAM policy name."`
	Path string    `yaml:"path" json:"path,omitempty" doc:"IAM path, default /."`
	Pos  Positions `yaml:"-" json:"-"`
}

// PermissionsBoundary is one of an AWS managed policy and a customer
// managed policy reference; both empty means none.
type PermissionsBoundary struct {
	ManagedPolicy         string          `yaml:"managedPolicy" json:"managedPolicy,omitempty" pattern:"^arn:aws[a-z-]*:iam::aws:policy/.+$" doc:"AWS managed policy ARN used as the boundary."`
	CustomerManagedPolicy PolicyReference `yaml:"customerManagedPolicy" json:"customerManagedPolicy,omitzero" doc:"Customer managed policy (name and path) used as the boundary."`
	Pos                   Positions       `yaml:"-" json:"-"`
}

// IsZero reports whether no boundary is set.
func (b PermissionsBoundary) IsZero() bool {
	return b.ManagedPolicy == "" && b.CustomerManagedPolicy.Name == ""
}

// String renders the boundary for plans: the ARN or path+name.
func (b PermissionsBoundary) String() string {
	if b.ManagedPolicy != "" {
		return b.ManagedPolicy
	}
	if b.CustomerManagedPolicy.Name == "" {
		return ""
	}
	return b.CustomerManagedPolicy.String()
}

// String renders a reference as path + name, e.g. /team/ReadLogs.
func (p PolicyReference) String() string { return p.PathOrRoot() + p.Name }

// PathOrRoot returns the path, "/" when empty.
func (p PolicyReference) PathOrRoot() string {
	if p.Path == "" {
		return "/"
	}
	return p.Path
}

// AccountAssignment gives groups and users a permission set in accounts
// and in every account under OUs.
type AccountAssignment struct {
	PermissionSet string    `yaml:"permissionSet" json:"permissionSet" required:"true" doc:"Name of a permission set declared under identity.permissionSets."`
	Groups        []string  `yaml:"groups" json:"groups,omitempty" doc:"Identity-store groups by display name."`
	Users         []string  `yaml:"users" json:"users,omitempty" doc:"Identity-store users by user name or display name (prefer groups)."`
	Accounts      []string  `yaml:"accounts" json:"accounts,omitempty" doc:"Accounts by name or 12-digit id."`
	OUs           []string  `yaml:"ous" json:"ous,omitempty" doc:"OU paths (or Root): every account under them, as the configuration places the accounts, expanded at plan time."`
	Pos           Positions `yaml:"-" json:"-"`
}

// PermissionSet returns the declared permission set of that name, or nil.
func (i *Identity) PermissionSet(name string) *PermissionSet {
	for k := range i.PermissionSets {
		if i.PermissionSets[k].Name == name {
			return &i.PermissionSets[k]
		}
	}
	return nil
}

// Empty reports whether the section declares nothing.
func (i *Identity) Empty() bool {
	return len(i.PermissionSets) == 0 && len(i.Assignments) == 0 && len(i.Roles) == 0
}

// CenterEmpty reports whether the section declares nothing of IAM
// Identity Center (cross-account roles need no instance).
func (i *Identity) CenterEmpty() bool { return len(i.PermissionSets) == 0 && len(i.Assignments) == 0 }

var (
	permSetNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,32}$`)
	sessionRe     = regexp.MustCompile(`^PT(?:(\d{1,2})H)?(?:(\d{1,3})M)?$`)
	awsPolicyRe   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/.+$`)
	iamNameRe     = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	iamPathRe     = regexp.MustCompile(`^/(?:[\x21-\x7E]*/)?$`)
)

// loadInlinePolicies reads each permission set's inline policy document.
func loadInlinePolicies(c *Config, r *reporter) {
	for i := range c.Identity.PermissionSets {
		ps := &c.Identity.PermissionSets[i]
		ps.InlineContent = readInlinePolicy(c, r, ps.Pos.Of("inlinePolicy"), ps.InlinePolicy, "permission set", ps.Name,
			32768, "AWS allows 32,768 characters in a permission set's inline policy")
	}
}

// readInlinePolicy reads the inline policy file rel (relative to the
// configuration directory) of the permission set or role (kind) name,
// checks it is one JSON policy of at most max characters, and returns
// its content (nil when rel is empty or on an error, which it reports
// at p).
func readInlinePolicy(c *Config, r *reporter, p Pos, rel, kind, name string, max int, limit string) json.RawMessage {
	if rel == "" {
		return nil
	}
	if filepath.IsAbs(rel) {
		r.add(p, CodePolicyAbsolute, "write the path relative to "+c.Dir, "inline policy file %q is an absolute path", rel)
		return nil
	}
	path := filepath.Join(c.Dir, rel)
	b, err := os.ReadFile(path)
	if err != nil {
		hint := "check the path; it is relative to the configuration directory"
		if !errors.Is(err, os.ErrNotExist) {
			hint = "make the file readable"
		}
		r.add(p, CodePolicyNoFile, hint, "%s %q: cannot read %s: %v", kind, name, path, unwrapPathError(err))
		return nil
	}
	holder := &Policy{Name: "inline policy of " + kind + " " + name, Pos: Positions{"file": p}}
	content, ok := checkJSON(path, b, holder, r)
	if !ok {
		return nil
	}
	if len(content) > max {
		r.add(p, CodePolicyTooLarge, limit, "the inline policy of %s %q is %d characters", kind, name, len(content))
	}
	return content
}

// validateIdentity checks the identity section: unique well-formed
// permission set names, session durations between 1 and 12 hours,
// policy references, and assignments that name a declared permission
// set, at least one principal and at least one declared account or OU.
func validateIdentity(c *Config, r *reporter) {
	id := &c.Identity
	if id.Region != "" && !ValidRegion(id.Region) {
		r.add(id.Pos.Of("region"), CodeBadRegion, suggest(id.Region, Regions(), "see docs/config.md for region names"),
			"identity.region %q is not an AWS region", id.Region)
	}
	if id.Manage != "" && id.Manage != ManageExclusive {
		r.add(id.Pos.Of("manage"), CodeBadManage, "write exclusive, or leave manage out", "identity.manage %q is unknown", id.Manage)
	}
	seen := map[string]Pos{}
	for i := range id.PermissionSets {
		validatePermissionSet(&id.PermissionSets[i], fmt.Sprintf("identity.permissionSets[%d]", i), seen, r)
	}
	for i, a := range id.Assignments {
		validateAssignment(c, a, fmt.Sprintf("identity.assignments[%d]", i), r)
	}
	validateRoles(c, r)
}

func validatePermissionSet(ps *PermissionSet, where string, seen map[string]Pos, r *reporter) {
	if ps.Name != "" {
		if !permSetNameRe.MatchString(ps.Name) {
			r.add(ps.Pos.Of("name"), CodePermissionSet, "1-32 letters, digits or +=,.@_-", "%s.name %q is not a permission set name", where, ps.Name)
		} else if first, dup := seen[ps.Name]; dup {
			r.add(ps.Pos.Of("name"), CodePermissionSet, "first declared at "+first.String(), "permission set %q is declared twice", ps.Name)
		}
		seen[ps.Name] = ps.Pos.Of("name")
	}
	if len(ps.Description) > 700 {
		r.add(ps.Pos.Of("description"), CodePermissionSet, "AWS allows 700 characters", "%s.description is %d characters", where, len(ps.Description))
	}
	if ps.SessionDuration != "" && !validSession(ps.SessionDuration) {
		r.add(ps.Pos.Of("sessionDuration"), CodePermissionSet, "write an ISO 8601 duration from PT1H to PT12H, e.g. PT4H or PT1H30M",
			"%s.sessionDuration %q is not a duration of 1 to 12 hours", where, ps.SessionDuration)
	}
	for k, arn := range ps.ManagedPolicies {
		if !awsPolicyRe.MatchString(arn) {
			r.add(ps.Pos.Of(fmt.Sprintf("managedPolicies[%d]", k)), CodePermissionSet,
				"write the AWS managed policy's ARN, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess; your own policies go under customerManagedPolicies",
				"%s.managedPolicies[%d] %q is not an AWS managed policy ARN", where, k, arn)
		}
	}
	if n := len(ps.ManagedPolicies) + len(ps.CustomerManagedPolicies); n > 20 {
		r.add(ps.Pos.Of(""), CodePermissionSet, "AWS attaches at most 20 managed and customer managed policies to a permission set",
			"%s attaches %d policies", where, n)
	}
	for k, ref := range ps.CustomerManagedPolicies {
		checkPolicyRef(ref, fmt.Sprintf("%s.customerManagedPolicies[%d]", where, k), r)
	}
	b := ps.PermissionsBoundary
	if b.ManagedPolicy != "" && b.CustomerManagedPolicy.Name != "" {
		r.add(b.Pos.Of(""), CodePermissionSet, "keep one of managedPolicy and customerManagedPolicy", "%s.permissionsBoundary names two policies", where)
	}
	if b.ManagedPolicy != "" && !awsPolicyRe.MatchString(b.ManagedPolicy) {
		r.add(b.Pos.Of("managedPolicy"), CodePermissionSet, "write an AWS managed policy ARN", "%s.permissionsBoundary.managedPolicy %q is not an AWS managed policy ARN", where, b.ManagedPolicy)
	}
	if b.CustomerManagedPolicy.Name != "" || b.CustomerManagedPolicy.Path != "" {
		checkPolicyRef(b.CustomerManagedPolicy, where+".permissionsBoundary.customerManagedPolicy", r)
	}
	checkTags(r, ps.Tags, ps.Pos, "tags")
}

func checkPolicyRef(ref PolicyReference, where string, r *reporter) {
	if !iamNameRe.MatchString(ref.Name) {
		r.add(ref.Pos.Of("name"), CodePermissionSet, "an IAM policy name is 1-128 letters, digits or +=,.@_-", "%s.name %q is not an IAM policy name", where, ref.Name)
	}
	if ref.Path != "" && !iamPathRe.MatchString(ref.Path) {
		r.add(ref.Pos.Of("path"), CodePermissionSet, "an IAM path starts and ends with /, e.g. /team/", "%s.path %q is not an IAM path", where, ref.Path)
	}
}

// validSession reports whether d is an ISO 8601 duration of 1 to 12
// hours in hours and minutes (AWS's accepted range).
func validSession(d string) bool {
	m := sessionRe.FindStringSubmatch(d)
	if m == nil || d == "PT" {
		return false
	}
	var h, min int
	fmt.Sscan(m[1]+" ", &h)
	fmt.Sscan(m[2]+" ", &min)
	total := h*60 + min
	return total >= 60 && total <= 720
}

func validateAssignment(c *Config, a AccountAssignment, where string, r *reporter) {
	if a.PermissionSet != "" && c.Identity.PermissionSet(a.PermissionSet) == nil {
		var names []string
		for _, ps := range c.Identity.PermissionSets {
			names = append(names, ps.Name)
		}
		r.add(a.Pos.Of("permissionSet"), CodeAssignment, suggest(a.PermissionSet, names, "declare it under identity.permissionSets"),
			"%s.permissionSet %q is not a declared permission set", where, a.PermissionSet)
	}
	if len(a.Groups) == 0 && len(a.Users) == 0 {
		r.add(a.Pos.Of(""), CodeAssignment, "list groups: (or users:) by display name", "%s assigns nobody", where)
	}
	if len(a.Accounts) == 0 && len(a.OUs) == 0 {
		r.add(a.Pos.Of(""), CodeAssignment, "list accounts: or ous:", "%s assigns no account", where)
	}
	for k, acct := range a.Accounts {
		checkAccountRef(c, r, acct, a.Pos.Of(fmt.Sprintf("accounts[%d]", k)), where+".accounts", true)
	}
	for k, ou := range a.OUs {
		if ou != RootPath && c.OU(ou) == nil {
			r.add(a.Pos.Of(fmt.Sprintf("ous[%d]", k)), CodeUnknownOU, suggest(ou, c.ouPaths(), "declare it under ous:"),
				"%s.ous: %q is not a declared OU path or Root", where, ou)
		}
	}
}

// NeedsCenter reports whether the section declares anything of IAM
// Identity Center, which plan then reads.
func (i Identity) NeedsCenter() bool { return i.Region != "" || i.Manage != "" || !i.CenterEmpty() }

// IsZero reports whether the section is absent (nothing written).
func (i Identity) IsZero() bool { return i.Region == "" && i.Manage == "" && i.Empty() }
