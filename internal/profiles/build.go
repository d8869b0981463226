package profiles

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
)

// Options shape the generated profiles.
type Options struct {
	// Template names each profile (DefaultTemplate when empty).
	Template string
	// Region is the default region written in each profile.
	Region string
	// SessionName names the sso-session section (derived from the
	// instance name when empty).
	SessionName string
	// StartURL is the AWS access portal URL (https://<identity store
	// id>.awsapps.com/start when empty).
	StartURL string
	// User limits the profiles to what one person can use (user name or
	// display name in the identity store); empty means every account ×
	// permission set.
	User string
	// SourceProfile is the profile holding the person's own credentials
	// in the jump account (role chains only).
	SourceProfile string
	// MFASerial is the ARN of the person's MFA device, written where a
	// role's trust requires MFA; derived from User when empty.
	MFASerial string
}

// FromIdentityCenter builds an sso-session and one profile per account
// and permission set: all of them, or those opts.User holds directly or
// through a group.
func FromIdentityCenter(o *org.Organization, c *identity.Center, opts Options) ([]Section, error) {
	if c == nil {
		return nil, fmt.Errorf("the snapshot has no IAM Identity Center instance (collected in the management or delegated administrator account)")
	}
	assignments := c.Assignments
	if opts.User != "" {
		if !c.Directory {
			return nil, fmt.Errorf("--user %q: the snapshot has no identity store users and groups (collect the identitystore service)", opts.User)
		}
		u := c.User(opts.User)
		if u == nil {
			return nil, fmt.Errorf("--user %q: no such user in identity store %s", opts.User, c.IdentityStoreID)
		}
		assignments = c.AssignmentsOf(u.ID)
	}
	session := opts.SessionName
	if session == "" {
		session = ProfileName("{n}", map[string]string{"n": strings.ToLower(strings.ReplaceAll(c.Name, " ", "-"))})
	}
	if session == "" {
		session = "orgrail"
	}
	start := opts.StartURL
	if start == "" {
		start = "https://" + c.IdentityStoreID + ".awsapps.com/start"
	}
	region := opts.Region
	if region == "" {
		region = c.Region
	}
	out := []Section{{Header: "sso-session " + session, Settings: [][2]string{
		{"sso_start_url", start}, {"sso_region", c.Region}, {"sso_registration_scopes", "sso:account:access"}}}}
	type key struct{ account, ps string }
	seen := map[key]bool{}
	var profiles []Section
	names := map[string]key{}
	for _, a := range assignments {
		k := key{a.Account, a.PermissionSet}
		if seen[k] {
			continue
		}
		seen[k] = true
		acct := o.Account(a.Account)
		if acct == nil || acct.Status == "SUSPENDED" || acct.State == "CLOSED" || acct.State == "SUSPENDED" {
			continue
		}
		ps := c.PermissionSetByArn(a.PermissionSet)
		if ps == nil {
			continue
		}
		name := ProfileName(opts.Template, map[string]string{"account_name": acct.Name, "account_id": acct.Id,
			"permission_set": ps.Name, "env": acct.Tags["Environment"], "ou": o.PathNames(acct.Id)})
		if prev, dup := names[name]; dup {
			return nil, fmt.Errorf("profile name %q is given to two account × permission set pairs (%s %s and %s %s): add {account_id} to the template",
				name, prev.account, prev.ps, k.account, k.ps)
		}
		names[name] = k
		profiles = append(profiles, Section{Header: "profile " + name, Settings: [][2]string{
			{"sso_session", session}, {"sso_account_id", acct.Id}, {"sso_role_name", ps.Name}, {"region", region}}})
	}
	sort.Slice(profiles, func(i, j int) bool { return profiles[i].Header < profiles[j].Header })
	return append(out, profiles...), nil
}

// Hop is one role of a chain: the role assumed in an account.
type Hop struct {
	AccountID   string
	AccountName string
	Role        string
	ExternalID  string
	// TrustPolicy is the role's trust policy when known (from a
	// snapshot, or rendered from identity.roles), to tell whether it
	// requires MFA.
	TrustPolicy string
	// Via is, for a cross-account role (Chain.Roles), the 1-based index
	// of the fixed hop whose profile is its source profile.
	Via int
}

// Chain is the jump-account model: fixed hops from the jump account,
// then the last role assumed in every target account.
type Chain struct {
	Partition   string
	JumpAccount string // account id
	Hops        []Hop  // fixed hops, in order
	LastRole    string
	LastExtID   string
	Targets     []Hop // one per target account; Role is LastRole
	// Roles are the cross-account roles of identity.roles, one per role
	// and account, each reached from the fixed hop in the security
	// account (Via).
	Roles []Hop
}

// FromChain builds one profile per hop of the chain, each taking its
// credentials from the previous one (source_profile), the first from
// opts.SourceProfile; mfa_serial is set on every hop whose trust policy
// requires MFA.
func FromChain(ch Chain, opts Options) ([]Section, error) {
	if opts.SourceProfile == "" {
		opts.SourceProfile = "default"
	}
	partition := ch.Partition
	if partition == "" {
		partition = "aws"
	}
	mfa := opts.MFASerial
	if mfa == "" && opts.User != "" && ch.JumpAccount != "" {
		mfa = fmt.Sprintf("arn:%s:iam::%s:mfa/%s", partition, ch.JumpAccount, opts.User)
	}
	var out []Section
	hop := func(h Hop, source string) (Section, error) {
		name := ProfileName(opts.Template, map[string]string{"account_name": h.AccountName, "account_id": h.AccountID,
			"permission_set": h.Role})
		s := Section{Header: "profile " + name, Settings: [][2]string{
			{"role_arn", fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, h.AccountID, h.Role)},
			{"source_profile", source}}}
		if h.ExternalID != "" {
			s.Settings = append(s.Settings, [2]string{"external_id", h.ExternalID})
		}
		if RequiresMFA(h.TrustPolicy) {
			if mfa == "" {
				return s, fmt.Errorf("role %s in %s requires MFA: give --user (or --mfa-serial) so that mfa_serial can be written", h.Role, h.AccountName)
			}
			s.Settings = append(s.Settings, [2]string{"mfa_serial", mfa})
		}
		if opts.Region != "" {
			s.Settings = append(s.Settings, [2]string{"region", opts.Region})
		}
		return s, nil
	}
	source := opts.SourceProfile
	for _, h := range ch.Hops {
		s, err := hop(h, source)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		source = s.Name()
	}
	seen := map[string]bool{}
	for _, s := range out {
		seen[s.Header] = true
	}
	for _, t := range ch.Targets {
		s, err := hop(t, source)
		if err != nil {
			return nil, err
		}
		if seen[s.Header] {
			continue
		}
		seen[s.Header] = true
		out = append(out, s)
	}
	for _, r := range ch.Roles {
		if r.Via < 1 || r.Via > len(ch.Hops) {
			return nil, fmt.Errorf("role %s in %s: no hop of the chain to assume it from", r.Role, r.AccountName)
		}
		s, err := hop(r, out[r.Via-1].Name())
		if err != nil {
			return nil, err
		}
		if seen[s.Header] {
			continue
		}
		seen[s.Header] = true
		out = append(out, s)
	}
	return out, nil
}

// RequiresMFA reports whether a trust policy allows sts:AssumeRole only
// with MFA: an Allow statement conditioned on aws:MultiFactorAuthPresent
// true (Bool or BoolIfExists) or on aws:MultiFactorAuthAge. A policy
// that cannot be read is taken as not requiring it.
func RequiresMFA(trust string) bool {
	if trust == "" {
		return false
	}
	if strings.HasPrefix(trust, "%7B") || strings.HasPrefix(trust, "%7b") {
		if d, err := url.QueryUnescape(trust); err == nil {
			trust = d
		}
	}
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(trust), &doc) != nil {
		return false
	}
	var stmts []struct {
		Effect    string
		Condition map[string]map[string]any
	}
	if json.Unmarshal(doc.Statement, &stmts) != nil {
		var one struct {
			Effect    string
			Condition map[string]map[string]any
		}
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		stmts = append(stmts, one)
	}
	allows := 0
	for _, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		allows++
		if !mfaCondition(s.Condition) {
			return false
		}
	}
	return allows > 0
}

func mfaCondition(cond map[string]map[string]any) bool {
	for op, kv := range cond {
		for k, v := range kv {
			key := strings.ToLower(k)
			if key == "aws:multifactorauthage" {
				return true
			}
			if val := fmt.Sprint(v); key == "aws:multifactorauthpresent" && strings.HasPrefix(op, "Bool") && (val == "true" || val == "[true]") {
				return true
			}
		}
	}
	return false
}
