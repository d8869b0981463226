package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/findings"
)

// Sentences of the AWS Config pages of
// SECRETSMANAGER_SECRET_PERIODIC_ROTATION (SecretsManager.4) and
// SECRETSMANAGER_SECRET_UNUSED (SecretsManager.3).
const (
	qSecretPeriodic    = "The rule is NON_COMPLIANT if a secret has not been rotated for more than maxDaysSinceRotation number of days. The default value is 90 days."
	qSecretUnchanged   = "Maximum number of days in which a secret can remain unchanged. The default value is 90 days."
	qSecretUnused      = "The rule is NON_COMPLIANT if a secret has not been accessed in 'unusedForDays' number of days. The default value is 90 days."
	qSecretUnusedParam = "The number of days in which a secret can remain unused. The default value is 90 days."
)

func init() {
	rot, unused := cfgDoc("secretsmanager-secret-periodic-rotation"), cfgDoc("secretsmanager-secret-unused")
	failCases["secretsmanager.rotated-recently"] = func(f *fx) { secretEntry(f).SecretList[0].LastRotatedDate = awsv2.Time(fxNow.AddDate(0, 0, -200)) }
	failCases["secretsmanager.secret-used"] = func(f *fx) { secretEntry(f).SecretList[0].LastAccessedDate = awsv2.Time(fxNow.AddDate(0, 0, -200)) }
	rotated := func(d int) func(f *fx) {
		return func(f *fx) { secretEntry(f).SecretList[0].LastRotatedDate = awsv2.Time(fxNow.AddDate(0, 0, -d)) }
	}
	accessed := func(d int) func(f *fx) {
		return func(f *fx) { secretEntry(f).SecretList[0].LastAccessedDate = awsv2.Time(fxNow.AddDate(0, 0, -d)) }
	}
	addDocCases(
		docCase{Rule: "secretsmanager.rotated-recently", Source: rot, Quote: qSecretPeriodic, Name: "rotated 10 days ago", Want: findings.Passed},
		docCase{Rule: "secretsmanager.rotated-recently", Source: rot, Quote: qSecretPeriodic, Name: "rotated 90 days ago (not more than 90)",
			Mutate: rotated(90), Want: findings.Passed},
		docCase{Rule: "secretsmanager.rotated-recently", Source: rot, Quote: qSecretPeriodic, Name: "rotated 91 days ago",
			Mutate: rotated(91), Want: findings.Failed},
		docCase{Rule: "secretsmanager.rotated-recently", Source: rot, Quote: qSecretUnchanged, Name: "never rotated, created a year ago",
			Mutate: func(f *fx) { secretEntry(f).SecretList[0].LastRotatedDate = nil }, Want: findings.Failed},
		docCase{Rule: "secretsmanager.rotated-recently", Source: rot, Quote: qSecretUnchanged, Name: "never rotated, created 30 days ago",
			Mutate: func(f *fx) {
				e := &secretEntry(f).SecretList[0]
				e.LastRotatedDate, e.CreatedDate = nil, awsv2.Time(fxNow.AddDate(0, 0, -30))
			}, Want: findings.Passed},

		docCase{Rule: "secretsmanager.secret-used", Source: unused, Quote: qSecretUnused, Name: "read yesterday", Want: findings.Passed},
		docCase{Rule: "secretsmanager.secret-used", Source: unused, Quote: qSecretUnused, Name: "last read 120 days ago",
			Mutate: accessed(120), Want: findings.Failed},
		docCase{Rule: "secretsmanager.secret-used", Source: unused, Quote: qSecretUnusedParam, Name: "last read 60 days ago",
			Mutate: accessed(60), Want: findings.Passed},
		docCase{Rule: "secretsmanager.secret-used", Source: unused, Quote: qSecretUnusedParam, Name: "never read, created a year ago",
			Mutate: func(f *fx) { secretEntry(f).SecretList[0].LastAccessedDate = nil }, Want: findings.Failed},
	)
}
