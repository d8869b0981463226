package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(&Rule{ID: "iam.users-managed-centrally", Title: "People sign in through the central identity source, not IAM users with passwords", Severity: severity.Medium,
		Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam", "ssoadmin"},
		Reads:       []string{"iam:GetCredentialReport", "iam:ListSAMLProviders"},
		Rationale:   "Where the organization federates sign-in (IAM Identity Center or a SAML identity provider), an IAM user with a console password is a second, unmanaged identity for a person: it outlives their departure from the directory and escapes its MFA and session policies.",
		Remediation: "Give the person access through an Identity Center permission set (or the SAML provider's role), then delete the user's login profile (aws iam delete-login-profile) or the user; record a deliberate break-glass user as an exception.",
		Mappings:    findings.Mappings{CIS: "1.21", NistCsf: "PR.AA"},
		check:       checkUsersCentral})
}

// checkUsersCentral judges CIS 1.21: with a central identity source in
// use, no account keeps IAM users that represent people, which the
// credential report shows as users with a console password. Users
// without one (service users holding keys) pass here; their keys are
// judged by identity.iam-user-access-keys.
func checkUsersCentral(c *Ctx) error {
	ic, err := c.center()
	if err != nil {
		return err
	}
	saml, err := get[iam.ListSAMLProvidersOutput](c.v, "global", "iam", "ListSAMLProviders")
	if err != nil {
		return err
	}
	var sources []string
	if ic != nil {
		sources = append(sources, "IAM Identity Center")
	}
	if n := len(saml.SAMLProviderList); n > 0 {
		sources = append(sources, fmt.Sprintf("%d SAML provider(s) in the account", n))
	}
	if len(sources) == 0 {
		c.NA("", "no central identity source seen (no IAM Identity Center instance, no SAML provider in the account): which account holds the central IAM users is not known")
		return nil
	}
	via := strings.Join(sources, " and ")
	return eachUser(c, func(u *credUser) {
		c.Check(!u.PasswordEnabled, u.Arn, "user "+u.User+" has no console password (a service user)",
			"user "+u.User+" signs in to the console with a password although people sign in through "+via)
	})
}
