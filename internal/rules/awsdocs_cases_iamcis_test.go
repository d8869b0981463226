package rules

import (
	"fmt"
	"strings"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Documented outcomes of the rules of rules_iamcis.go and
// rules_fsbpcis.go. Sentences marked "(paraphrase)" restate the cited
// page in a few words where it spreads the point over a table or a list.
const (
	qIAM8        = "Checks if your AWS Identity and Access Management (IAM) users have passwords or active access keys that have not been used within the specified number of days you provided."
	qIAM8Param   = "maxCredentialUsageAge: Maximum number of days a credential cannot be used. The default value is 90 days (paraphrase of the parameter's table row)."
	qIAM10       = "IAM.10 checks the account password policy with RequireUppercaseCharacters, RequireLowercaseCharacters and RequireNumbers true, MinimumPasswordLength 7, PasswordReusePrevention 4 and MaxPasswordAge 90 (paraphrase of the control's parameters)."
	qPolicyInUse = "Checks whether the IAM policy ARN is attached to an IAM user, or a group with one or more IAM users, or an IAM role with one or more trusted entity."
	qRootUse     = "We strongly recommend that you don't use the root user for your everyday tasks; CIS 1.7 reads the root user's last use from the credential report (paraphrase)."
	qInitialKey  = "CIS 1.11: do not set up access keys during the initial setup of IAM users that have a console password; the credential report shows N/A as access_key_1_last_used_date for a key that was never used (paraphrase)."
	qProfile     = "Checks if an Amazon Elastic Compute Cloud (Amazon EC2) instance has an Identity and Access Management (IAM) profile attached to it. The rule is NON_COMPLIANT if no IAM profile is attached to the Amazon EC2 instance."
	qTrailCWL    = "Checks if AWS CloudTrail trails are configured to send logs to CloudWatch logs. The trail is NON_COMPLIANT if the CloudWatchLogsLogGroupArn property of the trail is empty."
	qS3Data      = "To log data events for all S3 buckets, an event selector names the resource type AWS::S3::Object with the value arn:aws:s3; ReadWriteType picks read events, write events or both (paraphrase)."
	qMFADelete   = "MFA delete requires additional authentication to change the versioning state of a bucket or permanently delete an object version; it can be enabled only on a versioned bucket (paraphrase)."
	qS36         = "This control checks whether the S3 bucket policy prevents principals from other AWS accounts from performing denied actions on resources in the S3 bucket (s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration, s3:PutObjectAcl) (paraphrase of the list)."
	qSNS2        = "Checks if Amazon Simple Notification Service (SNS) logging is enabled for the delivery status of notification messages sent to a topic for the endpoints. The rule is NON_COMPLIANT if the delivery status notification for messages is not enabled."
	qSecretSched = "Checks if AWS Secrets Manager secrets rotated successfully according to the rotation schedule. Secrets Manager calculates the date the rotation should happen. The rule is NON_COMPLIANT if the date passes and the secret isn't rotated."

	qAPDelegate   = "A bucket policy can delegate access control to the bucket owner's access points: it allows any principal, on condition that s3:DataAccessPointAccount is the owner's account, and the access point policies then decide (paraphrase)."
	apDelegateDoc = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html"
	rootUserDoc   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html"
	credReportDoc = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html"
	s3DataDoc     = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html"
	mfaDeleteDoc  = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html"
)

// rootUsedAgo is the root user's row with its password last used h
// hours before collection.
func rootUsedAgo(acct string, h int) string {
	used := fxNow.Add(-time.Duration(h) * time.Hour).Format(time.RFC3339)
	return fmt.Sprintf("<root_account>,arn:aws:iam::%s:root,%s,not_supported,%s,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
		acct, ago(900), used)
}

// consoleUserUnusedKey is a console user holding an active access key
// it never used.
func consoleUserUnusedKey(name string) string {
	return strings.Replace(userRow(acctW, name, true, true, 10, 1), ","+ago(10)+","+ago(1)+",", ","+ago(10)+",N/A,", 1)
}

func setRootRow(f *fx, row string) {
	op[iam.GetCredentialReportOutput](f, acctW, "global", "iam", "GetCredentialReport").Content = credReport(row, userRow(acctW, "alice", true, true, 30, 1))
}

func init() {
	failCases["iam.unused-credentials-90"] = func(f *fx) { setUsers(f, userRow(acctW, "old", false, true, 300, 120)) }
	failCases["iam.password-policy-pci"] = func(f *fx) { pwPolicy(f).PasswordReusePrevention = awsv2.Int32(2) }
	failCases["iam.support-role"] = func(f *fx) { supportRoleOf(f, acctW).AttachedManagedPolicies = nil }
	failCases["iam.root-user-unused"] = func(f *fx) { setRootRow(f, rootUsedAgo(acctW, 3)) }
	failCases["iam.no-initial-access-key"] = func(f *fx) { setUsers(f, consoleUserUnusedKey("dev")) }
	failCases["ec2.instance-profile-attached"] = func(f *fx) { workerInstance(f).IamInstanceProfile = nil }
	failCases["cloudtrail.cloudwatch-logs"] = func(f *fx) { orgTrailOf(f, acctM).CloudWatchLogsLogGroupArn = nil }
	failCases["cloudtrail.s3-data-events-write"] = func(f *fx) { setOrgTrailSelectors(f) }
	failCases["cloudtrail.s3-data-events-read"] = func(f *fx) { setOrgTrailSelectors(f) }
	failCases["s3.bucket-mfa-delete"] = func(f *fx) { dataBucketVersioning(f).MFADelete = s3types.MFADeleteStatusDisabled }
	failCases["s3.bucket-no-cross-account-admin"] = func(f *fx) {
		setBucketPolicy(f, acctW, "data-"+acctW, crossAccountPolicy("data-"+acctW, "s3:PutBucketPolicy"), false)
	}
	failCases["sns.delivery-status-logging"] = func(f *fx) { delete(topicAttrs(f), "SQSFailureFeedbackRoleArn") }
	failCases["secretsmanager.rotation-succeeded"] = func(f *fx) {
		secretEntry(f).SecretList[0].LastRotatedDate = awsv2.Time(fxNow.AddDate(0, 0, -45))
	}

	iam8, iam10, inUse := cfgDoc("iam-user-unused-credentials-check"), shDoc("iam-controls"), cfgDoc("iam-policy-in-use")
	group := func(members bool) func(f *fx) {
		return func(f *fx) {
			supportRoleOf(f, acctW).AttachedManagedPolicies = nil
			d := details(f)
			d.GroupDetailList = append(d.GroupDetailList, iamtypes.GroupDetail{GroupName: awsv2.String("support"),
				Arn: awsv2.String("arn:aws:iam::" + acctW + ":group/support"), AttachedManagedPolicies: []iamtypes.AttachedPolicy{
					{PolicyArn: awsv2.String("arn:aws:iam::aws:policy/AWSSupportAccess"), PolicyName: awsv2.String("AWSSupportAccess")}}})
			if members {
				d.UserDetailList[0].GroupList = append(d.UserDetailList[0].GroupList, "support")
			}
		}
	}
	addDocCases(
		// IAM.8
		docCase{Rule: "iam.unused-credentials-90", Source: iam8, Quote: qIAM8Param, Name: "access key last used 120 days ago",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "old", false, true, 300, 120)) }, Resource: "user/old", Want: findings.Failed},
		docCase{Rule: "iam.unused-credentials-90", Source: iam8, Quote: qIAM8Param, Name: "console password unused for 60 days",
			Mutate: func(f *fx) { setUsers(f, staleConsoleUser("eve", 60)) }, Resource: "user/eve", Want: findings.Passed},
		docCase{Rule: "iam.unused-credentials-90", Source: iam8, Quote: qIAM8, Name: "console password unused for 95 days",
			Mutate: func(f *fx) { setUsers(f, staleConsoleUser("eve", 95)) }, Resource: "user/eve", Want: findings.Failed},
		docCase{Rule: "iam.unused-credentials-90", Source: iam8, Quote: qIAM8, Name: "a user with no password and no active key",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "idle", false, false, -1, 0)) }, Resource: "user/idle", Want: findings.NotApplicable},

		// IAM.10
		docCase{Rule: "iam.password-policy-pci", Source: iam10, Quote: qIAM10, Name: "CIS-strength policy", Want: findings.Passed},
		docCase{Rule: "iam.password-policy-pci", Source: iam10, Quote: qIAM10, Name: "remembers only 2 passwords",
			Mutate: func(f *fx) { pwPolicy(f).PasswordReusePrevention = awsv2.Int32(2) }, Want: findings.Failed},
		docCase{Rule: "iam.password-policy-pci", Source: iam10, Quote: qIAM10, Name: "7 characters, no symbols, 4 remembered, 90 days",
			Mutate: func(f *fx) {
				p := pwPolicy(f)
				p.MinimumPasswordLength, p.RequireSymbols, p.PasswordReusePrevention = awsv2.Int32(7), false, awsv2.Int32(4)
			}, Want: findings.Passed},
		docCase{Rule: "iam.password-policy-pci", Source: iam10, Quote: qIAM10, Name: "passwords never expire",
			Mutate: func(f *fx) { pwPolicy(f).MaxPasswordAge = nil }, Want: findings.Failed},

		// IAM.18 / CIS 1.17
		docCase{Rule: "iam.support-role", Source: inUse, Quote: qPolicyInUse, Name: "AWSSupportAccess on a role", Want: findings.Passed},
		docCase{Rule: "iam.support-role", Source: inUse, Quote: qPolicyInUse, Name: "AWSSupportAccess attached nowhere",
			Mutate: func(f *fx) { supportRoleOf(f, acctW).AttachedManagedPolicies = nil }, Want: findings.Failed},
		docCase{Rule: "iam.support-role", Source: inUse, Quote: qPolicyInUse, Name: "AWSSupportAccess only on a group without users",
			Mutate: group(false), Want: findings.Failed},
		docCase{Rule: "iam.support-role", Source: inUse, Quote: qPolicyInUse, Name: "AWSSupportAccess on a group with a user",
			Mutate: group(true), Want: findings.Passed},

		// CIS 1.7 / IAM.20
		docCase{Rule: "iam.root-user-unused", Source: rootUserDoc, Quote: qRootUse, Name: "root password used 200 days ago", Want: findings.Passed},
		docCase{Rule: "iam.root-user-unused", Source: rootUserDoc, Quote: qRootUse, Name: "root password used 3 hours before collection",
			Mutate: func(f *fx) { setRootRow(f, rootUsedAgo(acctW, 3)) }, Want: findings.Failed},
		docCase{Rule: "iam.root-user-unused", Source: rootUserDoc, Quote: qRootUse, Name: "root password used 30 hours before collection",
			Mutate: func(f *fx) { setRootRow(f, rootUsedAgo(acctW, 30)) }, Want: findings.Passed},

		// CIS 1.11
		docCase{Rule: "iam.no-initial-access-key", Source: credReportDoc, Quote: qInitialKey, Name: "console user with a key never used",
			Mutate: func(f *fx) { setUsers(f, consoleUserUnusedKey("dev")) }, Resource: "user/dev", Want: findings.Failed},
		docCase{Rule: "iam.no-initial-access-key", Source: credReportDoc, Quote: qInitialKey, Name: "console user whose key was used yesterday",
			Resource: "user/alice", Want: findings.Passed},
		docCase{Rule: "iam.no-initial-access-key", Source: credReportDoc, Quote: qInitialKey, Name: "programmatic user without a console password",
			Mutate: func(f *fx) {
				setUsers(f, strings.Replace(consoleUserUnusedKey("bot"), ",true,"+ago(2)+",", ",false,N/A,", 1))
			}, Resource: "user/bot", Want: findings.NotApplicable},

		// CIS 1.18
		docCase{Rule: "ec2.instance-profile-attached", Source: cfgDoc("ec2-instance-profile-attached"), Quote: qProfile, Name: "instance with a profile", Want: findings.Passed},
		docCase{Rule: "ec2.instance-profile-attached", Source: cfgDoc("ec2-instance-profile-attached"), Quote: qProfile, Name: "instance without a profile",
			Mutate: func(f *fx) { workerInstance(f).IamInstanceProfile = nil }, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "ec2.instance-profile-attached", Source: cfgDoc("ec2-instance-profile-attached"), Quote: qProfile, Name: "terminated instance without a profile",
			Mutate: func(f *fx) {
				in := workerInstance(f)
				in.IamInstanceProfile, in.State.Name = nil, "terminated"
			}, Want: findings.NotApplicable},

		// CloudTrail.5
		docCase{Rule: "cloudtrail.cloudwatch-logs", Source: cfgDoc("cloud-trail-cloud-watch-logs-enabled"), Quote: qTrailCWL, Name: "organization trail with a log group",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "cloudtrail.cloudwatch-logs", Source: cfgDoc("cloud-trail-cloud-watch-logs-enabled"), Quote: qTrailCWL, Name: "trail without a log group",
			Mutate: func(f *fx) { orgTrailOf(f, acctM).CloudWatchLogsLogGroupArn = nil }, Account: acctM, Want: findings.Failed},
		docCase{Rule: "cloudtrail.cloudwatch-logs", Source: cfgDoc("cloud-trail-cloud-watch-logs-enabled"), Quote: qTrailCWL, Name: "member account that owns no trail",
			Want: findings.NotApplicable},

		// CIS 3.8 and 3.9
		docCase{Rule: "cloudtrail.s3-data-events-write", Source: s3DataDoc, Quote: qS3Data, Name: "organization trail logs all S3 data events", Want: findings.Passed},
		docCase{Rule: "cloudtrail.s3-data-events-write", Source: s3DataDoc, Quote: qS3Data, Name: "only read data events",
			Mutate: func(f *fx) { setOrgTrailSelectors(f, s3Selector(cttypes.ReadWriteTypeReadOnly, "arn:aws:s3")) }, Want: findings.Failed},
		docCase{Rule: "cloudtrail.s3-data-events-write", Source: s3DataDoc, Quote: qS3Data, Name: "write data events of one bucket only",
			Mutate: func(f *fx) {
				setOrgTrailSelectors(f, s3Selector(cttypes.ReadWriteTypeWriteOnly, "arn:aws:s3:::data-"+acctW+"/"))
			}, Want: findings.Failed},
		docCase{Rule: "cloudtrail.s3-data-events-write", Source: s3DataDoc, Quote: qS3Data, Name: "advanced selector for S3 object writes",
			Mutate: func(f *fx) { setOrgTrailAdvanced(f, "false") }, Want: findings.Passed},
		docCase{Rule: "cloudtrail.s3-data-events-read", Source: s3DataDoc, Quote: qS3Data, Name: "organization trail logs all S3 data events", Want: findings.Passed},
		docCase{Rule: "cloudtrail.s3-data-events-read", Source: s3DataDoc, Quote: qS3Data, Name: "only write data events",
			Mutate: func(f *fx) { setOrgTrailSelectors(f, s3Selector(cttypes.ReadWriteTypeWriteOnly, "arn:aws:s3")) }, Want: findings.Failed},
		docCase{Rule: "cloudtrail.s3-data-events-read", Source: s3DataDoc, Quote: qS3Data, Name: "advanced selector for S3 object reads",
			Mutate: func(f *fx) { setOrgTrailAdvanced(f, "true") }, Want: findings.Passed},

		// CIS 2.1.2
		docCase{Rule: "s3.bucket-mfa-delete", Source: mfaDeleteDoc, Quote: qMFADelete, Name: "versioned bucket with MFA delete", Resource: "data-" + acctW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-mfa-delete", Source: mfaDeleteDoc, Quote: qMFADelete, Name: "versioned bucket without MFA delete",
			Mutate: func(f *fx) { dataBucketVersioning(f).MFADelete = s3types.MFADeleteStatusDisabled }, Resource: "data-" + acctW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-mfa-delete", Source: mfaDeleteDoc, Quote: qMFADelete, Name: "unversioned bucket",
			Mutate: func(f *fx) { dataBucketVersioning(f).Status = "" }, Resource: "data-" + acctW, Want: findings.Failed},

		// S3.6
		docCase{Rule: "s3.bucket-no-cross-account-admin", Source: shDoc("s3-controls"), Quote: qS36, Name: "another account may put the bucket policy",
			Mutate: func(f *fx) {
				setBucketPolicy(f, acctW, "data-"+acctW, crossAccountPolicy("data-"+acctW, "s3:PutBucketPolicy"), false)
			}, Resource: "data-" + acctW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-no-cross-account-admin", Source: shDoc("s3-controls"), Quote: qS36, Name: "another account may only read objects",
			Mutate: func(f *fx) {
				setBucketPolicy(f, acctW, "data-"+acctW, crossAccountPolicy("data-"+acctW, "s3:GetObject"), false)
			}, Resource: "data-" + acctW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-no-cross-account-admin", Source: shDoc("s3-controls"), Quote: qS36, Name: "another account allowed s3:*",
			Mutate: func(f *fx) {
				setBucketPolicy(f, acctW, "data-"+acctW, crossAccountPolicy("data-"+acctW, "s3:*"), false)
			}, Resource: "data-" + acctW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-no-cross-account-admin", Source: apDelegateDoc, Quote: qAPDelegate, Name: "Principal * with s3:* delegated to the owner's access points",
			Mutate: func(f *fx) {
				doc := strings.Replace(crossAccountPolicy("data-"+acctW, "*"), `{"AWS":"arn:aws:iam::999999999999:root"}`, `"*"`, 1)
				doc = strings.Replace(doc, `]}]}`, `],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"`+acctW+`"}}}]}`, 1)
				setBucketPolicy(f, acctW, "data-"+acctW, doc, false)
			}, Resource: "data-" + acctW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-no-cross-account-admin", Source: shDoc("s3-controls"), Quote: qS36, Name: "bucket without a policy",
			Mutate: func(f *fx) {
				f.setResErr(acctW, "global", "s3", "GetBucketPolicy", "data-"+acctW, "NoSuchBucketPolicy")
			},
			Resource: "data-" + acctW, Want: findings.NotApplicable},

		// SNS.2
		docCase{Rule: "sns.delivery-status-logging", Source: cfgDoc("sns-topic-message-delivery-notification-enabled"), Quote: qSNS2, Name: "SQS delivery failures logged",
			Want: findings.Passed},
		docCase{Rule: "sns.delivery-status-logging", Source: cfgDoc("sns-topic-message-delivery-notification-enabled"), Quote: qSNS2, Name: "no delivery status logging",
			Mutate: func(f *fx) { delete(topicAttrs(f), "SQSFailureFeedbackRoleArn") }, Want: findings.Failed},
		docCase{Rule: "sns.delivery-status-logging", Source: cfgDoc("sns-topic-message-delivery-notification-enabled"), Quote: qSNS2, Name: "only HTTP success logging",
			Mutate: func(f *fx) {
				a := topicAttrs(f)
				delete(a, "SQSFailureFeedbackRoleArn")
				a["HTTPSuccessFeedbackRoleArn"] = "arn:aws:iam::" + acctW + ":role/sns-delivery-status"
			}, Want: findings.Passed},

		// SecretsManager.2
		docCase{Rule: "secretsmanager.rotation-succeeded", Source: cfgDoc("secretsmanager-scheduled-rotation-success-check"), Quote: qSecretSched,
			Name: "rotated 10 days ago on a 30-day schedule", Want: findings.Passed},
		docCase{Rule: "secretsmanager.rotation-succeeded", Source: cfgDoc("secretsmanager-scheduled-rotation-success-check"), Quote: qSecretSched,
			Name:   "last rotated 45 days ago on a 30-day schedule",
			Mutate: func(f *fx) { secretEntry(f).SecretList[0].LastRotatedDate = awsv2.Time(fxNow.AddDate(0, 0, -45)) }, Want: findings.Failed},
		docCase{Rule: "secretsmanager.rotation-succeeded", Source: cfgDoc("secretsmanager-scheduled-rotation-success-check"), Quote: qSecretSched,
			Name: "secret without rotation",
			Mutate: func(f *fx) {
				e := &secretEntry(f).SecretList[0]
				e.RotationEnabled, e.RotationRules = awsv2.Bool(false), (*smtypes.RotationRulesType)(nil)
			}, Want: findings.NotApplicable},
	)
}

func crossAccountPolicy(bucket, action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"` + action +
		`","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"]}]}`
}

func s3Selector(rw cttypes.ReadWriteType, values ...string) cttypes.EventSelector {
	return cttypes.EventSelector{IncludeManagementEvents: awsv2.Bool(false), ReadWriteType: rw,
		DataResources: []cttypes.DataResource{{Type: awsv2.String("AWS::S3::Object"), Values: values}}}
}

// setOrgTrailAdvanced replaces the organization trail's selectors by
// advanced ones: management events, and S3 object data events whose
// readOnly field is readOnly.
func setOrgTrailAdvanced(f *fx, readOnly string) {
	for _, a := range f.org.Accounts {
		es := orgTrailSelectors(f, a.Id)
		es.EventSelectors = nil
		es.AdvancedEventSelectors = []cttypes.AdvancedEventSelector{
			{Name: awsv2.String("management"), FieldSelectors: []cttypes.AdvancedFieldSelector{{Field: awsv2.String("eventCategory"), Equals: []string{"Management"}}}},
			{Name: awsv2.String("s3"), FieldSelectors: []cttypes.AdvancedFieldSelector{{Field: awsv2.String("eventCategory"), Equals: []string{"Data"}},
				{Field: awsv2.String("resources.type"), Equals: []string{"AWS::S3::Object"}}, {Field: awsv2.String("readOnly"), Equals: []string{readOnly}}}},
		}
	}
}
