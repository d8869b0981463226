package profiles

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TrustLookup returns the trust policy of a role in an account, "" when
// unknown.
type TrustLookup func(accountID, role string) string

// ChainFromConfig reads the jump-account model of a standalone
// configuration: organization.jumpAccount and organization.roleChain,
// whose last hop (without an account) is assumed in every listed
// account but the jump account and the hops' own accounts. trust, when
// not nil, gives each role's trust policy so that MFA requirements are
// seen.
func ChainFromConfig(c *config.Config, trust TrustLookup) (Chain, error) {
	if !c.Organization.Standalone() {
		return Chain{}, fmt.Errorf("organization.mode is not standalone: there is no role chain to write (Identity Center profiles come from a snapshot)")
	}
	byName := map[string]config.Account{}
	for _, a := range c.Accounts {
		byName[a.Name], byName[a.ID] = a, a
	}
	jump, ok := byName[c.Organization.JumpAccount]
	if !ok || jump.ID == "" {
		return Chain{}, fmt.Errorf("organization.jumpAccount %q is not a listed account with an id", c.Organization.JumpAccount)
	}
	if trust == nil {
		trust = func(string, string) string { return "" }
	}
	ch := Chain{JumpAccount: jump.ID}
	inChain := map[string]bool{jump.ID: true}
	for i, h := range c.Organization.RoleChain {
		if h.Account == "" {
			if i != len(c.Organization.RoleChain)-1 {
				return Chain{}, fmt.Errorf("organization.roleChain hop %d names no account but is not the last", i+1)
			}
			ch.LastRole, ch.LastExtID = h.Role, h.ExternalID
			continue
		}
		a, ok := byName[h.Account]
		if !ok || a.ID == "" {
			return Chain{}, fmt.Errorf("organization.roleChain hop %d: unknown account %q", i+1, h.Account)
		}
		ch.Hops = append(ch.Hops, Hop{AccountID: a.ID, AccountName: a.Name, Role: h.Role, ExternalID: h.ExternalID, TrustPolicy: trust(a.ID, h.Role)})
		inChain[a.ID] = true
	}
	if err := chainRoles(c, &ch, byName); err != nil {
		return Chain{}, err
	}
	if ch.LastRole == "" {
		return ch, nil
	}
	for _, a := range c.Accounts {
		if inChain[a.ID] || a.ID == "" {
			continue
		}
		ch.Targets = append(ch.Targets, Hop{AccountID: a.ID, AccountName: a.Name, Role: ch.LastRole, ExternalID: ch.LastExtID,
			TrustPolicy: trust(a.ID, ch.LastRole)})
	}
	return ch, nil
}

// SnapshotTrust looks trust policies up in a snapshot's IAM data
// (GetAccountAuthorizationDetails of each account).
func SnapshotTrust(s *snapshot.Snapshot) TrustLookup {
	return func(account, role string) string {
		f, err := s.Service(account, snapshot.Global, "iam")
		if err != nil {
			return ""
		}
		var d iam.GetAccountAuthorizationDetailsOutput
		if ok, err := f.Get("GetAccountAuthorizationDetails", &d); err != nil || !ok {
			return ""
		}
		for _, r := range d.RoleDetailList {
			if r.RoleName != nil && *r.RoleName == role && r.AssumeRolePolicyDocument != nil {
				doc := *r.AssumeRolePolicyDocument
				if strings.HasPrefix(doc, "%") {
					if u, err := url.QueryUnescape(doc); err == nil {
						doc = u
					}
				}
				if json.Valid([]byte(doc)) {
					return doc
				}
			}
		}
		return ""
	}
}

// chainRoles adds the cross-account roles of identity.roles: each is
// assumed from the chain's hop in the security account (the account
// the roles trust), in every account the roles are made in. A trust
// that names one role of the security account must name that hop's.
func chainRoles(c *config.Config, ch *Chain, byName map[string]config.Account) error {
	if len(c.Identity.Roles) == 0 {
		return nil
	}
	sec, ok := byName[c.Security.AuditAccount]
	if !ok || sec.ID == "" {
		return fmt.Errorf("identity.roles trust security.auditAccount %q, which is not a listed account with an id", c.Security.AuditAccount)
	}
	via := 0
	for i, h := range ch.Hops {
		if h.AccountID == sec.ID {
			via = i + 1
		}
	}
	if via == 0 {
		return fmt.Errorf("identity.roles are assumed from the security account %s, but organization.roleChain has no hop there: add {account: %s, role: <its role>}", sec.Name, sec.Name)
	}
	from := ch.Hops[via-1].Role
	for i := range c.Identity.Roles {
		r := &c.Identity.Roles[i]
		if r.Trust.Role != "" && r.Trust.Role != from {
			return fmt.Errorf("identity.roles %s trusts only role %s of %s, but the role chain reaches %s as %s", r.Name, r.Trust.Role, sec.Name, sec.Name, from)
		}
		trust := string(r.TrustPolicy("aws", sec.ID))
		for _, name := range c.RoleTargets() {
			a := byName[name]
			if a.ID == "" {
				continue
			}
			ch.Roles = append(ch.Roles, Hop{AccountID: a.ID, AccountName: a.Name, Role: r.Name, TrustPolicy: trust, Via: via})
		}
	}
	return nil
}
