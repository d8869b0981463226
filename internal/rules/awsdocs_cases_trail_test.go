package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/findings"
)

// Documented outcomes of the CloudTrail and account rules not covered in
// awsdocs_cases_test.go. Security Hub sentences are quoted from the
// control pages (as archived in github.com/awsdocs/aws-security-hub-user-guide,
// 2023). cloudtrail.trail-logging and cloudtrail.org-trail-to-log-archive
// are orgrail's own rules: their cases rest on the CloudTrail and
// Control Tower documentation of the behaviour they check.
const (
	qCT3        = "Checks if an AWS CloudTrail trail is enabled in your AWS account. The rule is NON_COMPLIANT if a trail is not enabled."
	qCT6        = "If the bucket is publicly accessible, the check generates a failed finding."
	qCT6Central = "If you aggregate your logs into a single centralized S3 bucket, then Security Hub only runs the check against the account and Region where the centralized S3 bucket is located. For other accounts and Regions, the control status is No data."
	qCT7        = "CIS recommends that you enable bucket access logging on the CloudTrail S3 bucket."
	qCT7Central = "For all accounts except the one that holds the destination bucket, the control status is No data."
	qIsLogging  = "IsLogging: Whether the CloudTrail trail is currently logging Amazon Web Services API calls."
	qStopLog    = "StopLogging: Suspends the recording of AWS API calls and log file delivery for the specified trail."
	qOrgTrail   = "IsOrganizationTrail: Specifies whether the trail is created for all accounts in an organization in Organizations, or only for the current Amazon Web Services account."
	qLogArchive = "The log archive account works as a repository for logs of API activities and resource configurations from all accounts in the landing zone (paraphrase)."
	qAccount1   = "This control checks if an Amazon Web Services (AWS) account has security contact information. The control fails if security contact information is not provided for the account."
	qAccount2   = "This control checks if an AWS account is part of an AWS Organizations organization. The control fails if the account is not part of an organization."
	ctStatusDoc = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html"
	ctStopDoc   = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html"
	ctOrgDoc    = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html"
	ctLogArcDoc = "https://docs.aws.amazon.com/controltower/latest/userguide/accounts.html"
)

// ownTrail gives the workload account a single-region trail of its own,
// logging to a bucket of its own.
func ownTrail(f *fx) {
	arn := "arn:aws:cloudtrail:" + region1 + ":" + acctW + ":trail/local"
	dt := op[cloudtrail.DescribeTrailsOutput](f, acctW, region1, "cloudtrail", "DescribeTrails")
	dt.TrailList = append(dt.TrailList, cttypes.Trail{Name: awsv2.String("local"), TrailARN: awsv2.String(arn), HomeRegion: awsv2.String(region1),
		IsMultiRegionTrail: awsv2.Bool(false), S3BucketName: awsv2.String("data-" + acctW), LogFileValidationEnabled: awsv2.Bool(true)})
	f.setRes(acctW, region1, "cloudtrail", "GetTrailStatus", arn, &cloudtrail.GetTrailStatusOutput{IsLogging: awsv2.Bool(true)})
	f.setRes(acctW, region1, "cloudtrail", "GetEventSelectors", arn, &cloudtrail.GetEventSelectorsOutput{
		EventSelectors: []cttypes.EventSelector{{IncludeManagementEvents: awsv2.Bool(true), ReadWriteType: cttypes.ReadWriteTypeAll}}})
}

func init() {
	ct, acct := shDoc("cloudtrail-controls"), shDoc("account-controls")
	ct3 := cfgDoc("cloudtrail-enabled")
	publicTrailBucket := func(f *fx) {
		setBucketPolicy(f, acctL, trailBucket, publicRead(trailBucket), true)
		openPAB(f, acctL, trailBucket)
	}
	addDocCases(
		// CloudTrail.3
		docCase{Rule: "cloudtrail.enabled", Source: ct3, Quote: qCT3, Name: "the only trail stopped", Mutate: stopOrgTrail, Want: findings.Failed},
		docCase{Rule: "cloudtrail.enabled", Source: ct3, Quote: qCT3, Name: "a logging organization trail", Want: findings.Passed},
		docCase{Rule: "cloudtrail.enabled", Source: ct3, Quote: qCT3, Name: "organization trail stopped, a single-region trail of the account logging",
			Mutate: func(f *fx) { stopOrgTrail(f); ownTrail(f) }, Want: findings.Passed},

		// CloudTrail.6
		docCase{Rule: "cloudtrail.bucket-not-public", Source: ct, Quote: qCT6, Name: "public policy on the log bucket, no Block Public Access",
			Mutate: publicTrailBucket, Account: acctL, Resource: trailBucket, Want: findings.Failed},
		docCase{Rule: "cloudtrail.bucket-not-public", Source: ct, Quote: qCT6, Name: "private log bucket", Account: acctL, Resource: trailBucket, Want: findings.Passed},
		docCase{Rule: "cloudtrail.bucket-not-public", Source: ct, Quote: qCT6Central, Name: "an account that does not hold the central bucket",
			Mutate: publicTrailBucket, Want: findings.NotApplicable},

		// CloudTrail.7
		docCase{Rule: "cloudtrail.bucket-access-logging", Source: ct, Quote: qCT7, Name: "log bucket without server access logging",
			Mutate: func(f *fx) {
				res[s3.GetBucketLoggingOutput](f, acctL, "global", "s3", "GetBucketLogging", trailBucket).LoggingEnabled = nil
			}, Account: acctL, Resource: trailBucket, Want: findings.Failed},
		docCase{Rule: "cloudtrail.bucket-access-logging", Source: ct, Quote: qCT7, Name: "log bucket with server access logging",
			Account: acctL, Resource: trailBucket, Want: findings.Passed},
		docCase{Rule: "cloudtrail.bucket-access-logging", Source: ct, Quote: qCT7Central, Name: "an account that does not hold the central bucket",
			Want: findings.NotApplicable},

		// Trails are logging (orgrail's own rule)
		docCase{Rule: "cloudtrail.trail-logging", Source: ctStopDoc, Quote: qStopLog, Name: "the organization trail stopped",
			Mutate: stopOrgTrail, Account: acctM, Want: findings.Failed},
		docCase{Rule: "cloudtrail.trail-logging", Source: ctStatusDoc, Quote: qIsLogging, Name: "the organization trail logging", Account: acctM, Want: findings.Passed},
		docCase{Rule: "cloudtrail.trail-logging", Source: ctStatusDoc, Quote: qIsLogging, Name: "a stopped trail of a member account",
			Mutate: func(f *fx) {
				ownTrail(f)
				res[cloudtrail.GetTrailStatusOutput](f, acctW, region1, "cloudtrail", "GetTrailStatus",
					"arn:aws:cloudtrail:"+region1+":"+acctW+":trail/local").IsLogging = awsv2.Bool(false)
			}, Resource: "trail/local", Want: findings.Failed},

		// The organization trail delivers to Log Archive (orgrail's own rule)
		docCase{Rule: "cloudtrail.org-trail-to-log-archive", Source: ctLogArcDoc, Quote: qLogArchive, Name: "organization trail to the Log Archive bucket",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "cloudtrail.org-trail-to-log-archive", Source: ctLogArcDoc, Quote: qLogArchive, Name: "organization trail to a bucket of another account",
			Mutate: func(f *fx) { orgTrailOf(f, acctM).S3BucketName = awsv2.String("data-" + acctW) }, Account: acctM, Want: findings.Failed},
		docCase{Rule: "cloudtrail.org-trail-to-log-archive", Source: ctOrgDoc, Quote: qOrgTrail, Name: "no organization trail, only an account trail",
			Mutate: func(f *fx) {
				for _, a := range f.org.Accounts {
					orgTrailOf(f, a.Id).IsOrganizationTrail = awsv2.Bool(false)
				}
			}, Account: acctM, Want: findings.Failed},

		// Account.1
		docCase{Rule: "account.security-contact", Source: acct, Quote: qAccount1, Name: "no security contact",
			Mutate: func(f *fx) {
				f.setResErr(acctW, "global", "account", "GetAlternateContact", "SECURITY", "ResourceNotFoundException")
			}, Want: findings.Failed},
		docCase{Rule: "account.security-contact", Source: acct, Quote: qAccount1, Name: "security contact set", Want: findings.Passed},
		docCase{Rule: "account.security-contact", Source: acct, Quote: qAccount1, Name: "only a billing contact",
			Mutate: func(f *fx) {
				f.setResErr(acctW, "global", "account", "GetAlternateContact", "SECURITY", "ResourceNotFoundException")
				f.setRes(acctW, "global", "account", "GetAlternateContact", "BILLING", &account.GetAlternateContactOutput{AlternateContact: &acctypes.AlternateContact{
					AlternateContactType: acctypes.AlternateContactTypeBilling, EmailAddress: awsv2.String("billing@example.com")}})
			}, Want: findings.Failed},

		// Account.2
		docCase{Rule: "account.part-of-organization", Source: acct, Quote: qAccount2, Name: "an active member", Want: findings.Passed},
		docCase{Rule: "account.part-of-organization", Source: acct, Quote: qAccount2, Name: "invited, not yet joined",
			Mutate: func(f *fx) { f.org.Accounts[3].Status = "INVITED" }, Want: findings.Failed},
		docCase{Rule: "account.part-of-organization", Source: acct, Quote: qAccount2, Name: "the management account", Account: acctM, Want: findings.Passed},
	)
}
