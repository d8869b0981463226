package rules

import (
	"github.com/orgrail/orgrail/internal/findings"
)

// Sentences of the IAM API reference's PasswordPolicy data type, one per
// character class Security Hub checks on its own (IAM.11–IAM.14); the
// AWS Config rule IAM_PASSWORD_POLICY behind them (qPwMissing) is
// NON_COMPLIANT when the policy does not meet a requirement.
var passwordClassQuotes = map[string]string{
	"iam.password-policy-uppercase": "Specifies whether IAM user passwords must contain at least one uppercase character (A to Z).",
	"iam.password-policy-lowercase": "Specifies whether IAM user passwords must contain at least one lowercase character (a to z).",
	"iam.password-policy-symbol":    "Specifies whether IAM user passwords must contain at least one of the following symbols",
	"iam.password-policy-number":    "Specifies whether IAM user passwords must contain at least one numeric character (0 to 9).",
}

func init() {
	api := "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PasswordPolicy.html"
	for _, pc := range passwordClasses {
		set := func(f *fx, v bool) {
			p := pwPolicy(f)
			switch pc.param {
			case "RequireUppercaseCharacters":
				p.RequireUppercaseCharacters = v
			case "RequireLowercaseCharacters":
				p.RequireLowercaseCharacters = v
			case "RequireSymbols":
				p.RequireSymbols = v
			case "RequireNumbers":
				p.RequireNumbers = v
			}
		}
		failCases[pc.id] = func(f *fx) { set(f, false) }
		addDocCases(
			docCase{Rule: pc.id, Source: api, Quote: passwordClassQuotes[pc.id], Name: pc.param + " true", Want: findings.Passed},
			docCase{Rule: pc.id, Source: cfgDoc("iam-password-policy"), Quote: qPwMissing, Name: pc.param + " false",
				Mutate: func(f *fx) { set(f, false) }, Want: findings.Failed},
			docCase{Rule: pc.id, Source: cfgDoc("iam-password-policy"), Quote: qPwMissing, Name: "no password policy",
				Mutate: func(f *fx) { f.setErr(acctW, "global", "iam", "GetAccountPasswordPolicy", "NoSuchEntity") }, Want: findings.Failed},
		)
	}
}
