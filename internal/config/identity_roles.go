package config

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
)

// CrossAccountRole is an IAM role of the jump-account model, made in
// every member account with the baseline: people (and tools) who are in
// the security (Audit) account assume it, and nobody else — its trust
// names only the security account, optionally one role there, and may
// require MFA and a source identity.
type CrossAccountRole struct {
	Name               string    `yaml:"name" json:"name" required:"true" pattern:"^[\\w+=,.@-]{1,64}$" doc:"IAM role name, 1-64 letters, digits or +=,.@_-; the same in every account."`
	Description        string    `yaml:"description" json:"description,omitempty" doc:"Free text, up to 1000 characters."`
	Trust              RoleTrust `yaml:"trust" json:"trust,omitzero" doc:"Who may assume the role: only the security (Audit) account, with conditions."`
	ManagedPolicies    []string  `yaml:"managedPolicies" json:"managedPolicies,omitempty" pattern:"^arn:aws[a-z-]*:iam::aws:policy/.+$" doc:"AWS managed policies by ARN (at most 10)."`
	InlinePolicy       string    `yaml:"inlinePolicy" json:"inlinePolicy,omitempty" doc:"Inline policy document (JSON), by path relative to the configuration directory; policy lint checks it before plan."`
	MaxSessionDuration int       `yaml:"maxSessionDuration" json:"maxSessionDuration,omitempty" minimum:"3600" maximum:"43200" doc:"Longest session in seconds, 3600 (default) to 43200. A role reached by role chaining gets at most one hour whatever this says."`
	// InlineContent is the document read from InlinePolicy, compacted.
	InlineContent json.RawMessage `yaml:"-" json:"inlineContent,omitempty"`
	Pos           Positions       `yaml:"-" json:"-"`
}

// RoleTrust is the trust of a cross-account role.
type RoleTrust struct {
	Account          string    `yaml:"account" json:"account,omitempty" doc:"The trusted account: security.auditAccount (the default); any other account is refused."`
	Role             string    `yaml:"role" json:"role,omitempty" pattern:"^[\\w+=,.@-]{1,64}$" doc:"Only this role of the trusted account may assume the role (default: any principal of the account that its own IAM policies allow)."`
	MFA              bool      `yaml:"mfa" json:"mfa,omitempty" doc:"Require MFA (aws:MultiFactorAuthPresent); orgrail profiles then writes mfa_serial."`
	MFAMaxAgeSeconds int       `yaml:"mfaMaxAgeSeconds" json:"mfaMaxAgeSeconds,omitempty" minimum:"1" doc:"Require MFA done at most this many seconds ago (aws:MultiFactorAuthAge); implies mfa."`
	SourceIdentity   []string  `yaml:"sourceIdentity" json:"sourceIdentity,omitempty" doc:"Require a source identity (sts:SourceIdentity) matching one of these patterns (* and ? wildcards), e.g. \"*@example.com\"; the trust also allows sts:SetSourceIdentity."`
	Pos              Positions `yaml:"-" json:"-"`
}

// RequiresMFA reports whether the trust asks for MFA.
func (t RoleTrust) RequiresMFA() bool { return t.MFA || t.MFAMaxAgeSeconds > 0 }

// Role returns the declared cross-account role of that name, or nil.
func (i *Identity) Role(name string) *CrossAccountRole {
	for k := range i.Roles {
		if i.Roles[k].Name == name {
			return &i.Roles[k]
		}
	}
	return nil
}

// TrustPolicy renders the role's trust policy for a trusted account id
// in a partition: sts:AssumeRole (and sts:SetSourceIdentity with a
// source identity condition) allowed to the account's root — or to the
// one role — under the configured conditions.
func (r *CrossAccountRole) TrustPolicy(partition, trustedAccountID string) json.RawMessage {
	if partition == "" {
		partition = "aws"
	}
	principal := "arn:" + partition + ":iam::" + trustedAccountID + ":root"
	if r.Trust.Role != "" {
		principal = "arn:" + partition + ":iam::" + trustedAccountID + ":role/" + r.Trust.Role
	}
	var actions any = "sts:AssumeRole"
	cond := map[string]map[string]any{}
	if r.Trust.MFA || r.Trust.MFAMaxAgeSeconds > 0 {
		cond["Bool"] = map[string]any{"aws:MultiFactorAuthPresent": "true"}
	}
	if r.Trust.MFAMaxAgeSeconds > 0 {
		cond["NumericLessThanEquals"] = map[string]any{"aws:MultiFactorAuthAge": fmt.Sprint(r.Trust.MFAMaxAgeSeconds)}
	}
	if len(r.Trust.SourceIdentity) > 0 {
		actions = []string{"sts:AssumeRole", "sts:SetSourceIdentity"}
		var v any = r.Trust.SourceIdentity[0]
		if len(r.Trust.SourceIdentity) > 1 {
			v = r.Trust.SourceIdentity
		}
		cond["StringLike"] = map[string]any{"sts:SourceIdentity": v}
	}
	st := map[string]any{"Sid": "SecurityAccountOnly", "Effect": "Allow", "Principal": map[string]any{"AWS": principal}, "Action": actions}
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{st}})
	return b
}

// RoleTargets returns the names of the accounts a cross-account role is
// made in: every declared account but the trusted (security) account
// and, in standalone mode, the jump account.
func (c *Config) RoleTargets() []string {
	trusted := c.Account(c.Security.AuditAccount)
	var out []string
	for _, a := range c.Accounts {
		if (trusted != nil && a.Name == trusted.Name) || (c.Organization.Standalone() && a.Name == c.Organization.JumpAccount) {
			continue
		}
		out = append(out, a.Name)
	}
	sort.Strings(out)
	return out
}

var (
	sourceIdentityRe = regexp.MustCompile(`^[\w+=,.@*?-]{1,64}$`)
)

// loadRoleInlinePolicies reads each cross-account role's inline policy.
func loadRoleInlinePolicies(c *Config, r *reporter) {
	for i := range c.Identity.Roles {
		role := &c.Identity.Roles[i]
		role.InlineContent = readInlinePolicy(c, r, role.Pos.Of("inlinePolicy"), role.InlinePolicy, "role", role.Name,
			10240, "IAM allows 10,240 characters of inline policies per role")
	}
}

// validateRoles checks identity.roles: unique IAM role names, a trust
// that names only the security (Audit) account, conditions of the right
// form, AWS managed policy ARNs, a session length IAM accepts, and some
// permissions.
func validateRoles(c *Config, r *reporter) {
	seen := map[string]Pos{}
	for i := range c.Identity.Roles {
		role := &c.Identity.Roles[i]
		where := fmt.Sprintf("identity.roles[%d]", i)
		if role.Name != "" {
			if !roleNameRe.MatchString(role.Name) {
				r.add(role.Pos.Of("name"), CodeRole, "1-64 letters, digits or +=,.@_-", "%s.name %q is not an IAM role name", where, role.Name)
			} else if first, dup := seen[role.Name]; dup {
				r.add(role.Pos.Of("name"), CodeRole, "first declared at "+first.String(), "role %q is declared twice", role.Name)
			}
			seen[role.Name] = role.Pos.Of("name")
		}
		if len(role.Description) > 1000 {
			r.add(role.Pos.Of("description"), CodeRole, "IAM allows 1000 characters", "%s.description is %d characters", where, len(role.Description))
		}
		for k, arn := range role.ManagedPolicies {
			if !awsPolicyRe.MatchString(arn) {
				r.add(role.Pos.Of(fmt.Sprintf("managedPolicies[%d]", k)), CodeRole,
					"write an AWS managed policy's ARN, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess, or put the permissions in inlinePolicy",
					"%s.managedPolicies[%d] %q is not an AWS managed policy ARN", where, k, arn)
			}
		}
		if len(role.ManagedPolicies) > 10 {
			r.add(role.Pos.Of("managedPolicies"), CodeRole, "IAM attaches at most 10 managed policies to a role by default", "%s attaches %d managed policies", where, len(role.ManagedPolicies))
		}
		if len(role.ManagedPolicies) == 0 && role.InlinePolicy == "" {
			r.add(role.Pos.Of(""), CodeRole, "list managedPolicies: or give an inlinePolicy:", "%s grants no permissions", where)
		}
		if d := role.MaxSessionDuration; d != 0 && (d < 3600 || d > 43200) {
			r.add(role.Pos.Of("maxSessionDuration"), CodeRole, "IAM takes 3600 to 43200 seconds", "%s.maxSessionDuration %d is out of range", where, d)
		}
		validateTrust(c, &role.Trust, role.Pos.Of(""), where+".trust", r)
	}
}

func validateTrust(c *Config, t *RoleTrust, rolePos Pos, where string, r *reporter) {
	security := c.Account(c.Security.AuditAccount)
	at := rolePos
	if t.Pos.Has("") {
		at = t.Pos.Of("")
	}
	if security == nil {
		r.add(at, CodeRoleTrust, "name the security account in security.auditAccount: cross-account roles trust only it",
			"%s: security.auditAccount is not a declared account", where)
	} else if t.Account != "" {
		a := c.Account(t.Account)
		if a == nil || a.Name != security.Name {
			r.add(t.Pos.Of("account"), CodeRoleTrust, "leave trust.account out, or name "+security.Name+" (security.auditAccount)",
				"%s.account %q: cross-account roles trust only the security account %s", where, t.Account, security.Name)
		}
	}
	if t.Role != "" && !roleNameRe.MatchString(t.Role) {
		r.add(t.Pos.Of("role"), CodeRoleTrust, "name a role of the security account, not an ARN", "%s.role %q is not an IAM role name", where, t.Role)
	}
	if t.MFAMaxAgeSeconds < 0 {
		r.add(t.Pos.Of("mfaMaxAgeSeconds"), CodeRoleTrust, "a number of seconds above 0", "%s.mfaMaxAgeSeconds %d is negative", where, t.MFAMaxAgeSeconds)
	}
	for k, s := range t.SourceIdentity {
		if !sourceIdentityRe.MatchString(s) {
			r.add(t.Pos.Of(fmt.Sprintf("sourceIdentity[%d]", k)), CodeRoleTrust, "a source identity is 2-64 letters, digits or +=,.@-; patterns may use * and ?",
				"%s.sourceIdentity[%d] %q is not a source identity pattern", where, k, s)
		}
	}
}
