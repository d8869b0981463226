package rules

import (
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// spMacie is Macie's service principal for delegated administration.
const spMacie = "macie.amazonaws.com"

func init() {
	register(&Rule{ID: "macie.enabled", Title: "Amazon Macie is enabled in every region of every account", Severity: severity.Medium,
		Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"macie2"}, Reads: []string{"macie2:GetMacieSession"},
		Rationale:   "Macie discovers and classifies sensitive data in S3 buckets and reports buckets that are public, unencrypted or shared; where it is off, nobody knows which buckets hold personal data.",
		Remediation: "Register a delegated Macie administrator (the Audit account) from the management account, add every account as a member with auto-enable in every region, or run aws macie2 enable-macie in the account and region.",
		Mappings:    findings.Mappings{ConfigRule: "MACIE_STATUS_CHECK", CIS: "2.1.3", NistCsf: "ID.AM"},
		check:       checkMacie})
}

func checkMacie(c *Ctx) error {
	out, err := get[macie2.GetMacieSessionOutput](c.v, c.Region, "macie2", "GetMacieSession")
	admin := c.Org().DelegatedAdminFor(spMacie)
	hint := "; the organization has no delegated Macie administrator"
	if admin != "" {
		hint = "; the delegated Macie administrator " + admin + " can add the account as a member"
	}
	if code, ok := benign(err); ok && code == "AccessDeniedException" {
		c.Fail("", "Macie is not enabled in %s%s", c.Region, hint)
		return nil
	}
	if err != nil {
		return err
	}
	if out.Status == m2types.MacieStatusEnabled {
		c.Pass("", "Macie is enabled in %s", c.Region)
		return nil
	}
	c.Fail("", "Macie is %s in %s%s", nonEmpty(string(out.Status), "in no status"), c.Region, hint)
	return nil
}
