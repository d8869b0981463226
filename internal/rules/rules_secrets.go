package rules

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// secretMaxDays is the default of both maxDaysSinceRotation
// (SecretsManager.4) and unusedForDays (SecretsManager.3).
const secretMaxDays = 90

// The age checks of Security Hub's SecretsManager.3 and SecretsManager.4,
// judged from the dates ListSecrets returns.
func init() {
	register(
		&Rule{ID: "secretsmanager.rotated-recently", Title: "Secrets Manager secrets were rotated within 90 days", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::SecretsManager::Secret", Services: []string{"secretsmanager"},
			Rationale:   "A credential that has not changed for months has had months to leak; rotation limits how long a copy stays useful.",
			Remediation: "Rotate the secret (aws secretsmanager rotate-secret) and give it a rotation schedule of 90 days or less.",
			Mappings:    findings.Mappings{ConfigRule: "SECRETSMANAGER_SECRET_PERIODIC_ROTATION", SecurityHub: "SecretsManager.4", NistCsf: "PR.AA"},
			check:       checkSecretRotatedRecently},
		&Rule{ID: "secretsmanager.secret-used", Title: "Secrets Manager secrets were accessed within 90 days", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::SecretsManager::Secret", Services: []string{"secretsmanager"},
			Rationale:   "A secret nobody reads is still readable by everyone once granted it; deleting it revokes that access and its cost.",
			Remediation: "Confirm nothing needs the secret, then delete it (aws secretsmanager delete-secret keeps it recoverable for 7 to 30 days).",
			Mappings:    findings.Mappings{ConfigRule: "SECRETSMANAGER_SECRET_UNUSED", SecurityHub: "SecretsManager.3", NistCsf: "PR.AA"},
			check:       checkSecretUsed},
	)
}

// secretAge returns how many days ago at (or, when AWS gives no such
// date yet, the secret's creation) was, and which of the two it used.
func secretAge(c *Ctx, at, created *time.Time) (int, bool, error) {
	switch {
	case at != nil && !at.IsZero():
		return days(c.Now(), *at), true, nil
	case created != nil && !created.IsZero():
		return days(c.Now(), *created), false, nil
	}
	return 0, false, fmt.Errorf("ListSecrets gives neither the date nor CreatedDate")
}

func checkSecretRotatedRecently(c *Ctx) error {
	return eachSecret(c, func(arn, name string, ls *secretsmanager.ListSecretsOutput, i int) {
		s := ls.SecretList[i]
		d, rotated, err := secretAge(c, s.LastRotatedDate, s.CreatedDate)
		switch {
		case err != nil:
			c.Err(arn, fmt.Errorf("secret %s: %w", name, err))
		case !rotated:
			c.Check(d <= secretMaxDays, arn, fmt.Sprintf("secret %s was created %d days ago and not rotated yet", name, d),
				fmt.Sprintf("secret %s has never been rotated in the %d days since it was created", name, d))
		default:
			c.Check(d <= secretMaxDays, arn, fmt.Sprintf("secret %s was rotated %d days ago", name, d),
				fmt.Sprintf("secret %s was last rotated %d days ago (more than %d)", name, d, secretMaxDays))
		}
	})
}

func checkSecretUsed(c *Ctx) error {
	return eachSecret(c, func(arn, name string, ls *secretsmanager.ListSecretsOutput, i int) {
		s := ls.SecretList[i]
		d, accessed, err := secretAge(c, s.LastAccessedDate, s.CreatedDate)
		switch {
		case err != nil:
			c.Err(arn, fmt.Errorf("secret %s: %w", name, err))
		case !accessed:
			c.Check(d <= secretMaxDays, arn, fmt.Sprintf("secret %s was created %d days ago and not read yet", name, d),
				fmt.Sprintf("secret %s has never been read in the %d days since it was created", name, d))
		default:
			c.Check(d <= secretMaxDays, arn, fmt.Sprintf("secret %s was read %d days ago", name, d),
				fmt.Sprintf("secret %s was last read %d days ago (more than %d)", name, d, secretMaxDays))
		}
	})
}
