package rules

import (
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Documented outcomes of the rules of rules_ssm.go.
const (
	qIAM26      = "This control checks whether an active SSL/TLS server certificate that is managed in IAM has expired. The control fails if the expired SSL/TLS server certificate isn't removed."
	qS313       = "Checks if a lifecycle rule is configured for an Amazon Simple Storage Service (Amazon S3) bucket. The rule is NON_COMPLIANT if there is no active lifecycle configuration rules or the configuration does not match with the parameter values."
	qS310       = "Checks if Amazon Simple Storage Service (Amazon S3) version enabled buckets have lifecycle policy configured. The rule is NON_COMPLIANT if Amazon S3 lifecycle policy is not enabled."
	qS37        = "Checks if S3 buckets have replication rules enabled. The rule is NON_COMPLIANT if an S3 bucket does not have a replication rule or has a replication rule that is not enabled."
	qS311       = "Checks if Amazon S3 Events Notifications are enabled on an S3 bucket. The rule is NON_COMPLIANT if S3 Events Notification is not set on a bucket, or if the event type or destination do not match the eventTypes and destinationArn parameters."
	qSSM1       = "Checks if your Amazon EC2 instances are managed by AWS Systems Manager Agent (SSM Agent); an instance SSM Agent does not manage, or whose agent became unreachable, is NON_COMPLIANT (paraphrase)."
	qSSM2       = "Checks if the compliance status of the AWS Systems Manager patch compliance is COMPLIANT or NON_COMPLIANT after the patch installation on the instance. The rule is compliant if the field status is COMPLIANT."
	qSSM3       = "Checks if the status of the AWS Systems Manager association compliance is COMPLIANT or NON_COMPLIANT after the association execution on the instance. The rule is compliant if the field status is COMPLIANT."
	qSSM4       = "Checks if AWS Systems Manager documents owned by the account are public. The rule is NON_COMPLIANT if Systems Manager documents with the owner 'Self' are public."
	qCFN1       = "Checks if your CloudFormation stacks send event notifications to an Amazon SNS topic. Optionally checks if specified Amazon SNS topics are used."
	serverCerts = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html"
)

func serverCert(name string, expires time.Time) iamtypes.ServerCertificateMetadata {
	return iamtypes.ServerCertificateMetadata{ServerCertificateName: awsv2.String(name), Path: awsv2.String("/"),
		Arn: awsv2.String("arn:aws:iam::" + acctW + ":server-certificate/" + name), ServerCertificateId: awsv2.String("ASCA" + name),
		UploadDate: awsv2.Time(expires.AddDate(-1, 0, 0)), Expiration: awsv2.Time(expires)}
}

func setServerCerts(f *fx, certs ...iamtypes.ServerCertificateMetadata) {
	op[iam.ListServerCertificatesOutput](f, acctW, "global", "iam", "ListServerCertificates").ServerCertificateMetadataList = certs
}

func dataBucketRes[T any](f *fx, o string) *T {
	return res[T](f, acctW, "global", "s3", o, "data-"+acctW)
}

func ssmSummaries(f *fx) *ssm.ListResourceComplianceSummariesOutput {
	return op[ssm.ListResourceComplianceSummariesOutput](f, acctW, region1, "ssm", "ListResourceComplianceSummaries")
}

func setSummary(kind string, st ssmtypes.ComplianceStatus) func(f *fx) {
	return func(f *fx) {
		for i := range ssmSummaries(f).ResourceComplianceSummaryItems {
			it := &ssmSummaries(f).ResourceComplianceSummaryItems[i]
			if awsv2.ToString(it.ComplianceType) == kind {
				it.Status, it.OverallSeverity = st, ssmtypes.ComplianceSeverityCritical
			}
		}
	}
}

func appStack(f *fx) *cloudformation.DescribeStacksOutput {
	return op[cloudformation.DescribeStacksOutput](f, acctW, region1, "cloudformation", "DescribeStacks")
}

func init() {
	noLifecycle := func(f *fx) {
		f.setResErr(acctW, "global", "s3", "GetBucketLifecycleConfiguration", "data-"+acctW, "NoSuchLifecycleConfiguration")
	}
	noReplication := func(f *fx) {
		f.setResErr(acctW, "global", "s3", "GetBucketReplication", "data-"+acctW, "ReplicationConfigurationNotFoundError")
	}
	noEvents := func(f *fx) {
		f.setRes(acctW, "global", "s3", "GetBucketNotificationConfiguration", "data-"+acctW, &s3.GetBucketNotificationConfigurationOutput{})
	}
	unmanaged := func(f *fx) {
		op[ssm.DescribeInstanceInformationOutput](f, acctW, region1, "ssm", "DescribeInstanceInformation").InstanceInformationList = nil
	}
	publicDoc := func(f *fx) {
		res[ssm.DescribeDocumentPermissionOutput](f, acctW, region1, "ssm", "DescribeDocumentPermission", "runbook").AccountIds = []string{"all"}
	}
	failCases["iam.server-certificates-not-expired"] = func(f *fx) { setServerCerts(f, serverCert("legacy", fxNow.AddDate(0, -2, 0))) }
	failCases["s3.bucket-lifecycle-policy"] = noLifecycle
	failCases["s3.versioned-bucket-lifecycle-policy"] = noLifecycle
	failCases["s3.bucket-replication"] = noReplication
	failCases["s3.bucket-event-notifications"] = noEvents
	failCases["ssm.instance-managed"] = unmanaged
	failCases["ssm.patch-compliance"] = setSummary("Patch", ssmtypes.ComplianceStatusNonCompliant)
	failCases["ssm.association-compliance"] = setSummary("Association", ssmtypes.ComplianceStatusNonCompliant)
	failCases["ssm.document-not-public"] = publicDoc
	failCases["cloudformation.stack-notifications"] = func(f *fx) { appStack(f).Stacks[0].NotificationARNs = nil }

	iam26, bucket := shDoc("iam-controls"), "data-"+acctW
	addDocCases(
		// IAM.26 / CIS 1.19
		docCase{Rule: "iam.server-certificates-not-expired", Source: iam26, Quote: qIAM26, Name: "certificate expired two months ago",
			Mutate: func(f *fx) { setServerCerts(f, serverCert("legacy", fxNow.AddDate(0, -2, 0))) }, Resource: "server-certificate/legacy", Want: findings.Failed},
		docCase{Rule: "iam.server-certificates-not-expired", Source: iam26, Quote: qIAM26, Name: "certificate valid for a year",
			Mutate: func(f *fx) { setServerCerts(f, serverCert("api", fxNow.AddDate(1, 0, 0))) }, Resource: "server-certificate/api", Want: findings.Passed},
		docCase{Rule: "iam.server-certificates-not-expired", Source: serverCerts, Quote: qIAM26, Name: "no server certificates in IAM",
			Mutate: func(f *fx) { setServerCerts(f) }, Want: findings.NotApplicable},

		// S3.13
		docCase{Rule: "s3.bucket-lifecycle-policy", Source: cfgDoc("s3-lifecycle-policy-check"), Quote: qS313, Name: "an enabled expiration rule", Resource: bucket, Want: findings.Passed},
		docCase{Rule: "s3.bucket-lifecycle-policy", Source: cfgDoc("s3-lifecycle-policy-check"), Quote: qS313, Name: "no lifecycle configuration",
			Mutate: noLifecycle, Resource: bucket, Want: findings.Failed},
		docCase{Rule: "s3.bucket-lifecycle-policy", Source: cfgDoc("s3-lifecycle-policy-check"), Quote: qS313, Name: "only a disabled rule",
			Mutate: func(f *fx) {
				f.setRes(acctW, "global", "s3", "GetBucketLifecycleConfiguration", bucket, &s3.GetBucketLifecycleConfigurationOutput{Rules: []s3types.LifecycleRule{
					{ID: awsv2.String("old"), Status: s3types.ExpirationStatusDisabled, Expiration: &s3types.LifecycleExpiration{Days: awsv2.Int32(30)}}}})
			}, Resource: bucket, Want: findings.Failed},

		// S3.10
		docCase{Rule: "s3.versioned-bucket-lifecycle-policy", Source: cfgDoc("s3-version-lifecycle-policy-check"), Quote: qS310, Name: "versioned bucket with a rule",
			Resource: bucket, Want: findings.Passed},
		docCase{Rule: "s3.versioned-bucket-lifecycle-policy", Source: cfgDoc("s3-version-lifecycle-policy-check"), Quote: qS310, Name: "versioned bucket without lifecycle",
			Mutate: noLifecycle, Resource: bucket, Want: findings.Failed},
		docCase{Rule: "s3.versioned-bucket-lifecycle-policy", Source: cfgDoc("s3-version-lifecycle-policy-check"), Quote: qS310, Name: "unversioned bucket without lifecycle",
			Mutate: func(f *fx) { noLifecycle(f); dataBucketVersioning(f).Status = "" }, Resource: bucket, Want: findings.NotApplicable},

		// S3.7
		docCase{Rule: "s3.bucket-replication", Source: cfgDoc("s3-bucket-replication-enabled"), Quote: qS37, Name: "an enabled replication rule", Resource: bucket, Want: findings.Passed},
		docCase{Rule: "s3.bucket-replication", Source: cfgDoc("s3-bucket-replication-enabled"), Quote: qS37, Name: "no replication configuration",
			Mutate: noReplication, Resource: bucket, Want: findings.Failed},
		docCase{Rule: "s3.bucket-replication", Source: cfgDoc("s3-bucket-replication-enabled"), Quote: qS37, Name: "a disabled replication rule",
			Mutate: func(f *fx) {
				dataBucketRes[s3.GetBucketReplicationOutput](f, "GetBucketReplication").ReplicationConfiguration.Rules[0].Status = s3types.ReplicationRuleStatusDisabled
			}, Resource: bucket, Want: findings.Failed},

		// S3.11
		docCase{Rule: "s3.bucket-event-notifications", Source: cfgDoc("s3-event-notifications-enabled"), Quote: qS311, Name: "events sent to EventBridge", Resource: bucket, Want: findings.Passed},
		docCase{Rule: "s3.bucket-event-notifications", Source: cfgDoc("s3-event-notifications-enabled"), Quote: qS311, Name: "no notification configuration",
			Mutate: noEvents, Resource: bucket, Want: findings.Failed},
		docCase{Rule: "s3.bucket-event-notifications", Source: cfgDoc("s3-event-notifications-enabled"), Quote: qS311, Name: "object-created events to an SQS queue",
			Mutate: func(f *fx) {
				f.setRes(acctW, "global", "s3", "GetBucketNotificationConfiguration", bucket, &s3.GetBucketNotificationConfigurationOutput{
					QueueConfigurations: []s3types.QueueConfiguration{{QueueArn: awsv2.String("arn:aws:sqs:us-east-1:" + acctW + ":jobs"), Events: []s3types.Event{"s3:ObjectCreated:*"}}}})
			}, Resource: bucket, Want: findings.Passed},

		// SSM.1
		docCase{Rule: "ssm.instance-managed", Source: cfgDoc("ec2-instance-managed-by-systems-manager"), Quote: qSSM1, Name: "instance online in Systems Manager",
			Resource: "instance/i-0001", Want: findings.Passed},
		docCase{Rule: "ssm.instance-managed", Source: cfgDoc("ec2-instance-managed-by-systems-manager"), Quote: qSSM1, Name: "instance Systems Manager does not know",
			Mutate: unmanaged, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "ssm.instance-managed", Source: cfgDoc("ec2-instance-managed-by-systems-manager"), Quote: qSSM1, Name: "agent lost the connection",
			Mutate: func(f *fx) {
				op[ssm.DescribeInstanceInformationOutput](f, acctW, region1, "ssm", "DescribeInstanceInformation").InstanceInformationList[0].PingStatus = ssmtypes.PingStatusConnectionLost
			}, Resource: "instance/i-0001", Want: findings.Failed},

		// SSM.2
		docCase{Rule: "ssm.patch-compliance", Source: cfgDoc("ec2-managedinstance-patch-compliance-status-check"), Quote: qSSM2, Name: "patch COMPLIANT", Want: findings.Passed},
		docCase{Rule: "ssm.patch-compliance", Source: cfgDoc("ec2-managedinstance-patch-compliance-status-check"), Quote: qSSM2, Name: "patch NON_COMPLIANT",
			Mutate: setSummary("Patch", ssmtypes.ComplianceStatusNonCompliant), Want: findings.Failed},
		docCase{Rule: "ssm.patch-compliance", Source: cfgDoc("ec2-managedinstance-patch-compliance-status-check"), Quote: qSSM2, Name: "association NON_COMPLIANT only",
			Mutate: setSummary("Association", ssmtypes.ComplianceStatusNonCompliant), Want: findings.Passed},

		// SSM.3
		docCase{Rule: "ssm.association-compliance", Source: cfgDoc("ec2-managedinstance-association-compliance-status-check"), Quote: qSSM3, Name: "association COMPLIANT", Want: findings.Passed},
		docCase{Rule: "ssm.association-compliance", Source: cfgDoc("ec2-managedinstance-association-compliance-status-check"), Quote: qSSM3, Name: "association NON_COMPLIANT",
			Mutate: setSummary("Association", ssmtypes.ComplianceStatusNonCompliant), Want: findings.Failed},
		docCase{Rule: "ssm.association-compliance", Source: cfgDoc("ec2-managedinstance-association-compliance-status-check"), Quote: qSSM3, Name: "no compliance data",
			Mutate: func(f *fx) { ssmSummaries(f).ResourceComplianceSummaryItems = nil }, Want: findings.NotApplicable},

		// SSM.4
		docCase{Rule: "ssm.document-not-public", Source: cfgDoc("ssm-document-not-public"), Quote: qSSM4, Name: "private document", Resource: "document/runbook", Want: findings.Passed},
		docCase{Rule: "ssm.document-not-public", Source: cfgDoc("ssm-document-not-public"), Quote: qSSM4, Name: "document shared with all",
			Mutate: publicDoc, Resource: "document/runbook", Want: findings.Failed},
		docCase{Rule: "ssm.document-not-public", Source: cfgDoc("ssm-document-not-public"), Quote: qSSM4, Name: "document shared with one account",
			Mutate: func(f *fx) {
				res[ssm.DescribeDocumentPermissionOutput](f, acctW, region1, "ssm", "DescribeDocumentPermission", "runbook").AccountIds = []string{acctA}
			}, Resource: "document/runbook", Want: findings.Passed},

		// CloudFormation.1
		docCase{Rule: "cloudformation.stack-notifications", Source: cfgDoc("cloudformation-stack-notification-check"), Quote: qCFN1, Name: "stack with an SNS topic", Want: findings.Passed},
		docCase{Rule: "cloudformation.stack-notifications", Source: cfgDoc("cloudformation-stack-notification-check"), Quote: qCFN1, Name: "stack without notification ARNs",
			Mutate: func(f *fx) { appStack(f).Stacks[0].NotificationARNs = nil }, Want: findings.Failed},
		docCase{Rule: "cloudformation.stack-notifications", Source: cfgDoc("cloudformation-stack-notification-check"), Quote: qCFN1, Name: "no stacks in the region",
			Mutate: func(f *fx) { appStack(f).Stacks = nil }, Want: findings.NotApplicable},
	)
}
