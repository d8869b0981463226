package rules

import (
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// passwordClass is one character class of the account password policy
// that Security Hub checks on its own (IAM.11–IAM.14).
type passwordClass struct {
	id, what, sh, param string
	pick                func(p *iamtypes.PasswordPolicy) bool
}

var passwordClasses = []passwordClass{
	{"iam.password-policy-uppercase", "an uppercase letter", "IAM.11", "RequireUppercaseCharacters", func(p *iamtypes.PasswordPolicy) bool { return p.RequireUppercaseCharacters }},
	{"iam.password-policy-lowercase", "a lowercase letter", "IAM.12", "RequireLowercaseCharacters", func(p *iamtypes.PasswordPolicy) bool { return p.RequireLowercaseCharacters }},
	{"iam.password-policy-symbol", "a symbol", "IAM.13", "RequireSymbols", func(p *iamtypes.PasswordPolicy) bool { return p.RequireSymbols }},
	{"iam.password-policy-number", "a number", "IAM.14", "RequireNumbers", func(p *iamtypes.PasswordPolicy) bool { return p.RequireNumbers }},
}

func init() {
	for i := range passwordClasses {
		pc := &passwordClasses[i]
		register(&Rule{ID: pc.id, Title: "The IAM password policy requires at least " + pc.what, Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"iam"}, Fix: "iam-password-policy",
			Rationale:   "Each character class a password must contain multiplies the guesses a brute-force attack needs.",
			Remediation: "Set " + pc.param + " in the account password policy (aws iam update-account-password-policy; it replaces the whole policy, so pass every setting).",
			Mappings:    findings.Mappings{ConfigRule: "IAM_PASSWORD_POLICY", SecurityHub: pc.sh, NistCsf: "PR.AA"},
			check: func(c *Ctx) error {
				p, err := passwordPolicyOrFail(c)
				if err != nil || p == nil {
					return err
				}
				c.Check(pc.pick(p), "", "the password policy requires "+pc.what+" ("+pc.param+")",
					"the password policy does not require "+pc.what+" ("+pc.param+" is false)")
				return nil
			}})
	}
}
