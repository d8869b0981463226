package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
)

// Documented outcomes of the rules for CIS 1.1 (account contact
// details) and CIS 2.1.3 (Macie). CIS 2.1.3 ("Ensure all data in Amazon
// S3 has been discovered, classified and secured when required") is
// judged, as Prowler's macie_is_enabled and AWS Config's
// MACIE_STATUS_CHECK do, by Macie's status in each account and region.
const (
	qMacie        = "Checks if Amazon Macie is enabled in your account per region. The rule is NON_COMPLIANT if the 'status' attribute is not set to 'ENABLED'."
	macieAPIDoc   = "https://docs.aws.amazon.com/macie/latest/APIReference/macie.html"
	qMacieSession = "GetMacieSession retrieves the status and configuration settings for an Amazon Macie account; status is PAUSED or ENABLED (paraphrase of the operation and its status member)."
	contactDoc    = "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-primary.html"
	qContact      = "You can update the primary contact information associated with your account, including your contact's full name, company name, mailing address, telephone number, and website address."
	contactAPIDoc = "https://docs.aws.amazon.com/accounts/latest/reference/API_ContactInformation.html"
	qContactReq   = "ContactInformation: AddressLine1, City, CountryCode, FullName, PhoneNumber and PostalCode are required; AddressLine2, AddressLine3, CompanyName, DistrictOrCounty, StateOrRegion and WebsiteUrl are not (paraphrase of the members' Required lines)."
)

func init() {
	macieOff := func(f *fx) { f.setErr(acctW, region1, "macie2", "GetMacieSession", "AccessDeniedException") }
	noPhone := func(f *fx) { contactInfo(f).PhoneNumber = nil }
	failCases["macie.enabled"] = macieOff
	failCases["account.contact-information-complete"] = noPhone
	addDocCases(
		docCase{Rule: "macie.enabled", Source: cfgDoc("macie-status-check"), Quote: qMacie, Name: "status ENABLED", Want: findings.Passed},
		docCase{Rule: "macie.enabled", Source: cfgDoc("macie-status-check"), Quote: qMacie, Name: "status PAUSED",
			Mutate: func(f *fx) {
				op[macie2.GetMacieSessionOutput](f, acctW, region1, "macie2", "GetMacieSession").Status = m2types.MacieStatusPaused
			}, Want: findings.Failed},
		docCase{Rule: "macie.enabled", Source: macieAPIDoc, Quote: qMacieSession, Name: "Macie never enabled: AccessDeniedException \"Macie is not enabled.\"",
			Mutate: macieOff, Want: findings.Failed},
		docCase{Rule: "macie.enabled", Source: cfgDoc("macie-status-check"), Quote: qMacie, Name: "a delegated Macie administrator exists, the member is still off",
			Mutate: func(f *fx) {
				macieOff(f)
				f.org.DelegatedAdministrators = append(f.org.DelegatedAdministrators, org.DelegatedAdministrator{AccountId: acctA, ServicePrincipals: []string{spMacie}})
			}, Want: findings.Failed},

		docCase{Rule: "account.contact-information-complete", Source: contactDoc, Quote: qContact, Name: "name, address and phone set", Want: findings.Passed},
		docCase{Rule: "account.contact-information-complete", Source: contactAPIDoc, Quote: qContactReq, Name: "no phone number",
			Mutate: noPhone, Want: findings.Failed},
		docCase{Rule: "account.contact-information-complete", Source: contactAPIDoc, Quote: qContactReq, Name: "no company name or website (optional)",
			Mutate: func(f *fx) { contactInfo(f).CompanyName, contactInfo(f).WebsiteUrl = nil, nil }, Want: findings.Passed},
		docCase{Rule: "account.contact-information-complete", Source: contactDoc, Quote: qContact, Name: "no primary contact recorded",
			Mutate: func(f *fx) {
				f.setErr(acctW, "global", "account", "GetContactInformation", "ResourceNotFoundException")
			}, Want: findings.Failed},
	)
}

// CIS 1.21 (manual in the benchmark) accepts "that no non-service IAM
// users, and non-root accounts, are present outside the account providing
// centralized IAM user management", its audit asking to "Confirm that no
// IAM users representing individuals are present". A console password
// is what the credential report shows of a user who is a person.
const (
	iamUsersDoc = "https://docs.aws.amazon.com/IAM/latest/UserGuide/gs-identities-iam-users.html"
	qIAMUsers   = "Instead of relying on IAM users, we recommend using more robust solutions like IAM Identity Center with AWS Organizations, or federated identities from external providers."
	qIAMUsesFor = "As a result, we recommend that you only use IAM users for use cases not supported by federated users."
)

func noIdentityCenter(f *fx) {
	ff := f.file(acctM, region1, "ssoadmin")
	ff.ops["ListInstances"] = map[string]any{"Instances": []any{}}
	ff.res = map[string]map[string]any{}
}

func init() {
	rule := "iam.users-managed-centrally"
	failCases[rule] = func(f *fx) {} // the clean fixture's alice is a console user (identityCenterConflicts)
	addDocCases(
		docCase{Rule: rule, Source: iamUsersDoc, Quote: qIAMUsers, Name: "Identity Center in use, alice signs in with a password",
			Resource: "user/alice", Want: findings.Failed},
		docCase{Rule: rule, Source: iamUsersDoc, Quote: qIAMUsesFor, Name: "Identity Center in use, only a service user holding a key",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "deploy", false, false, 10, 1)) }, Want: findings.Passed},
		docCase{Rule: rule, Source: iamUsersDoc, Quote: qIAMUsers, Name: "no Identity Center, a SAML provider in the account, a console user",
			Mutate: func(f *fx) {
				noIdentityCenter(f)
				op[iam.ListSAMLProvidersOutput](f, acctW, "global", "iam", "ListSAMLProviders").SAMLProviderList = []iamtypes.SAMLProviderListEntry{{
					Arn: awsv2.String("arn:aws:iam::" + acctW + ":saml-provider/corp-idp")}}
			}, Resource: "user/alice", Want: findings.Failed},
		docCase{Rule: rule, Source: iamUsersDoc, Quote: qIAMUsers, Name: "no Identity Center and no SAML provider: the central account is unknown",
			Mutate: noIdentityCenter, Want: findings.NotApplicable},
	)
}
