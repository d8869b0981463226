package orgsnap

import (
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/org"
)

// SCPLevels returns the SCP levels in force on an account, root first,
// as the engine takes them (nil for an account outside the organization).
func (s *Source) SCPLevels(account string) ([]authz.Level, error) {
	if s.Snap.Org.Account(account) == nil {
		return nil, nil
	}
	return s.levels(account, org.SCP)
}

// RCPLevels returns the RCP levels in force on an account, root first
// (nil outside the organization or before RCPs were enabled).
func (s *Source) RCPLevels(account string) ([]authz.Level, error) {
	if s.Snap.Org.Account(account) == nil {
		return nil, nil
	}
	return s.levels(account, org.RCP)
}

// OrgPath is an account's aws:PrincipalOrgPaths value (o-id/r-root/ou-.../).
func (s *Source) OrgPath(account string) string { return s.orgPath(account) }

// Compile compiles a policy document through the source's cache (a
// URL-encoded document, as IAM returns them, is decoded first).
func (s *Source) Compile(id, doc string) (authz.Named, error) { return s.compile(id, doc) }

// AuthDetails returns an account's GetAccountAuthorizationDetails output
// (empty when it was not collected).
func (s *Source) AuthDetails(account string) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	return s.authDetails(account)
}

// Identity adds the identity policies and permissions boundary of
// in.Principal (an IAM principal of an account in the snapshot).
func (s *Source) Identity(in *authz.Input) error { return s.identity(in) }
