package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/account"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(
		&Rule{ID: "account.security-contact", Title: "A security alternate contact is registered", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"account"},
			Rationale:   "AWS sends security notices (compromised keys, abuse reports) to the security contact; without one they reach nobody who acts.",
			Remediation: "Set the SECURITY alternate contact (aws account put-alternate-contact), from the management account for every member.",
			Mappings:    findings.Mappings{ConfigRule: "SECURITY_ACCOUNT_INFORMATION_PROVIDED", SecurityHub: "Account.1", CIS: "1.2", NistCsf: "GV.RR"},
			check:       checkSecurityContact},
		&Rule{ID: "account.contact-information-complete", Title: "The account's primary contact information is complete", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"account"}, Reads: []string{"account:GetContactInformation"},
			Rationale:   "AWS writes to and calls the primary contact about billing, abuse and account recovery; a contact with no name, address or phone number leaves a compromised or suspended account without a way back.",
			Remediation: "Fill in the primary contact (full name, address, city, postal code, country, phone): aws account put-contact-information, from the management account with --account-id for members.",
			Mappings:    findings.Mappings{CIS: "1.1", NistCsf: "GV.RR"},
			check:       checkContactInformation},
		&Rule{ID: "account.part-of-organization", Title: "The account belongs to the AWS Organization", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"organizations"},
			Rationale:   "Only accounts in the organization receive its SCPs, RCPs and centrally managed security services.",
			Remediation: "Invite the account into the organization and move it to its OU.",
			Mappings:    findings.Mappings{ConfigRule: "ACCOUNT_PART_OF_ORGANIZATIONS", SecurityHub: "Account.2", NistCsf: "GV.PO"},
			check:       checkPartOfOrg},
		&Rule{ID: "iam.access-analyzer-enabled", Title: "IAM Access Analyzer covers the region", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"accessanalyzer"},
			Rationale:   "Access Analyzer reports resources shared outside the account or organization; without it external access goes unseen.",
			Remediation: "Create an organization analyzer in the delegated administrator (Audit) account in every region, or an account analyzer.",
			Mappings:    findings.Mappings{ConfigRule: "IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED", SecurityHub: "IAM.28", CIS: "1.20", NistCsf: "DE.CM"},
			check:       checkAccessAnalyzer},
	)
}

func checkSecurityContact(c *Ctx) error {
	out, err := getRes[account.GetAlternateContactOutput](c.v, "global", "account", "GetAlternateContact", "SECURITY")
	if code, ok := benign(err); ok && code == "ResourceNotFoundException" {
		c.Fail("", "no security alternate contact")
		return nil
	}
	if err != nil {
		return err
	}
	email := ""
	if out.AlternateContact != nil {
		email = aws(out.AlternateContact.EmailAddress)
	}
	c.Check(email != "", "", "security contact "+email, "security alternate contact has no e-mail address")
	return nil
}

func checkContactInformation(c *Ctx) error {
	out, err := get[account.GetContactInformationOutput](c.v, "global", "account", "GetContactInformation")
	if code, ok := benign(err); ok && code == "ResourceNotFoundException" {
		c.Fail("", "the account has no primary contact information")
		return nil
	}
	if err != nil {
		return err
	}
	ci := out.ContactInformation
	if ci == nil {
		c.Fail("", "the account has no primary contact information")
		return nil
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"full name", aws(ci.FullName)}, {"address", aws(ci.AddressLine1)}, {"city", aws(ci.City)},
		{"postal code", aws(ci.PostalCode)}, {"country", aws(ci.CountryCode)}, {"phone number", aws(ci.PhoneNumber)}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	c.Check(len(missing) == 0, "", "primary contact "+aws(ci.FullName)+" with address and phone number",
		"the primary contact lacks "+strings.Join(missing, ", "))
	return nil
}

func checkPartOfOrg(c *Ctx) error {
	o := c.Org()
	switch {
	case o.Id == "":
		c.Fail("", "the account is not in an AWS Organization (standalone mode)")
	case c.Account.Status != "" && c.Account.Status != org.StatusActive:
		c.Fail("", "the account's status in the organization is %s", c.Account.Status)
	default:
		c.Pass("", "member of %s (%s)", o.Id, nonEmpty(c.Org().OUPath(c.Account.Id), "root"))
	}
	return nil
}

func checkAccessAnalyzer(c *Ctx) error {
	la, err := get[listAnalyzersOutput](c.v, c.Region, "accessanalyzer", "ListAnalyzers")
	if err != nil {
		return err
	}
	for _, a := range la.Analyzers {
		if a.Status == "ACTIVE" && (a.Type == "ACCOUNT" || a.Type == "ORGANIZATION") {
			c.Pass("", "analyzer %s (%s) is active", aws(a.Name), a.Type)
			return nil
		}
	}
	f := c.run.facts
	if f.orgAnalyzers[c.Region] {
		c.Pass("", "an organization analyzer of the delegated administrator covers the region")
		return nil
	}
	if f.orgAnalyzersErr != nil {
		return fmt.Errorf("no analyzer in the account, and the organization's analyzers are unknown: %w", f.orgAnalyzersErr)
	}
	c.Fail("", "no active analyzer in the account and no organization analyzer in %s", c.Region)
	return nil
}
