package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Documented outcomes of the RDS, Lambda.2 and KMS key-policy rules.
// The Security Hub sentences are quoted from the control pages (as
// archived in github.com/awsdocs/aws-security-hub-user-guide,
// doc_source/*-controls.md, 2023).
const (
	qRDS1            = "Checks if Amazon Relational Database Service (Amazon RDS) snapshots are public. The rule is NON_COMPLIANT if any existing and new Amazon RDS snapshots are public."
	qRDSAll          = "Uses the value all to make the manual DB snapshot public, which means it can be copied or restored by all AWS accounts."
	qRDSShare        = "To share a manual DB snapshot with other AWS accounts, specify restore as the AttributeName and use the ValuesToAdd parameter to add a list of IDs of the AWS accounts that are authorized to restore the manual DB snapshot."
	qRDS3            = "Checks if storage encryption is enabled for your Amazon Relational Database Service (Amazon RDS) DB instances. The rule is NON_COMPLIANT if storage encryption is not enabled."
	qRDS4            = "Checks if Amazon Relational Database Service (Amazon RDS) DB snapshots are encrypted. The rule is NON_COMPLIANT if the Amazon RDS DB snapshots are not encrypted."
	qRDS13           = "Checks if Amazon Relational Database Service (RDS) database instances are configured for automatic minor version upgrades. The rule is NON_COMPLIANT if the value of 'autoMinorVersionUpgrade' is false."
	qLambda2         = "This control checks that the Lambda function settings for runtimes match the expected values set for the supported runtimes for each language."
	qLambda2Img      = "The AWS Config rule ignores functions that have a package type of Image."
	qKMSStar         = "Using \"Principal\": \"*\" with an Allow effect in a resource-based policy grants access to everyone (anonymous access), unless a condition narrows it (IAM User Guide, Principal element; paraphrase)."
	qKMSCaller       = "The AWS managed key policy combines a Principal element that specifies all AWS identities with the kms:CallerAccount condition key to effectively allow access only to identities in one AWS account (paraphrase)."
	rdsModify        = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBSnapshotAttribute.html"
	iamPrincipalDoc  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
	kmsConditionsDoc = "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
)

func snapAttrs(f *fx) *rdstypes.DBSnapshotAttribute {
	a := res[rds.DescribeDBSnapshotAttributesOutput](f, acctW, region1, "rds", "DescribeDBSnapshotAttributes", "snap1")
	return &a.DBSnapshotAttributesResult.DBSnapshotAttributes[0]
}

func snaps(f *fx) *rds.DescribeDBSnapshotsOutput {
	return op[rds.DescribeDBSnapshotsOutput](f, acctW, region1, "rds", "DescribeDBSnapshots")
}

func fn(f *fx) *lambdatypes.FunctionConfiguration {
	return &op[lambda.ListFunctionsOutput](f, acctW, region1, "lambda", "ListFunctions").Functions[0]
}

func setKeyPolicy(f *fx, doc string) {
	res[kms.GetKeyPolicyOutput](f, acctW, region1, "kms", "GetKeyPolicy", "key-"+acctW).Policy = awsv2.String(doc)
}

func init() {
	rds1, rds3, rds4, rds13 := cfgDoc("rds-snapshots-public-prohibited"), cfgDoc("rds-storage-encrypted"), cfgDoc("rds-snapshot-encrypted"),
		cfgDoc("rds-automatic-minor-version-upgrade-enabled")
	lambda2 := shDoc("lambda-controls")
	addDocCases(
		// RDS.1
		docCase{Rule: "rds.snapshot-not-public", Source: rdsModify, Quote: qRDSAll, Name: "restore shared with all",
			Mutate: func(f *fx) { snapAttrs(f).AttributeValues = []string{"all"} }, Want: findings.Failed},
		docCase{Rule: "rds.snapshot-not-public", Source: rds1, Quote: qRDS1, Name: "restore shared with nobody", Want: findings.Passed},
		docCase{Rule: "rds.snapshot-not-public", Source: rdsModify, Quote: qRDSShare, Name: "restore shared with one named account",
			Mutate: func(f *fx) { snapAttrs(f).AttributeValues = []string{acctA} }, Want: findings.Passed},

		// RDS.3
		docCase{Rule: "rds.storage-encrypted", Source: rds3, Quote: qRDS3, Name: "storage not encrypted",
			Mutate: func(f *fx) { db(f).StorageEncrypted = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.storage-encrypted", Source: rds3, Quote: qRDS3, Name: "storage encrypted", Want: findings.Passed},
		docCase{Rule: "rds.storage-encrypted", Source: rds3, Quote: qRDS3, Name: "a second, unencrypted instance",
			Mutate: func(f *fx) {
				d := op[rds.DescribeDBInstancesOutput](f, acctW, region1, "rds", "DescribeDBInstances")
				d.DBInstances = append(d.DBInstances, rdstypes.DBInstance{DBInstanceIdentifier: awsv2.String("db2"),
					DBInstanceArn: awsv2.String("arn:aws:rds:" + region1 + ":" + acctW + ":db:db2"), PubliclyAccessible: awsv2.Bool(false),
					StorageEncrypted: awsv2.Bool(false), AutoMinorVersionUpgrade: awsv2.Bool(true)})
			}, Resource: "db:db2", Want: findings.Failed},

		// RDS.4
		docCase{Rule: "rds.snapshot-encrypted", Source: rds4, Quote: qRDS4, Name: "snapshot not encrypted",
			Mutate: func(f *fx) { snaps(f).DBSnapshots[0].Encrypted = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.snapshot-encrypted", Source: rds4, Quote: qRDS4, Name: "snapshot encrypted", Want: findings.Passed},
		docCase{Rule: "rds.snapshot-encrypted", Source: rds4, Quote: qRDS4, Name: "one of two snapshots not encrypted",
			Mutate: func(f *fx) {
				snaps(f).DBSnapshots = append(snaps(f).DBSnapshots, rdstypes.DBSnapshot{DBSnapshotIdentifier: awsv2.String("snap2"), Encrypted: awsv2.Bool(false)})
			}, Resource: "snapshot:snap2", Want: findings.Failed},

		// RDS.13
		docCase{Rule: "rds.auto-minor-version-upgrade", Source: rds13, Quote: qRDS13, Name: "autoMinorVersionUpgrade false",
			Mutate: func(f *fx) { db(f).AutoMinorVersionUpgrade = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.auto-minor-version-upgrade", Source: rds13, Quote: qRDS13, Name: "autoMinorVersionUpgrade true", Want: findings.Passed},
		docCase{Rule: "rds.auto-minor-version-upgrade", Source: rds13, Quote: qRDS13, Name: "false on an encrypted, private instance",
			Mutate: func(f *fx) {
				db(f).AutoMinorVersionUpgrade = awsv2.Bool(false)
				db(f).Engine = awsv2.String("postgres")
			}, Want: findings.Failed},

		// Lambda.2
		docCase{Rule: "lambda.supported-runtime", Source: lambda2, Quote: qLambda2, Name: "python2.7, long deprecated",
			Mutate: func(f *fx) { fn(f).Runtime = lambdatypes.RuntimePython27 }, Want: findings.Failed},
		docCase{Rule: "lambda.supported-runtime", Source: lambda2, Quote: qLambda2, Name: "python3.12", Want: findings.Passed},
		docCase{Rule: "lambda.supported-runtime", Source: lambda2, Quote: qLambda2Img, Name: "a container image function",
			Mutate: func(f *fx) { fn(f).Runtime = ""; fn(f).PackageType = lambdatypes.PackageTypeImage }, Want: findings.NotApplicable},

		// KMS key policies (no managed rule: IAM's and KMS's definitions of everyone)
		docCase{Rule: "kms.key-policy-not-public", Source: iamPrincipalDoc, Quote: qKMSStar, Name: "Principal * may decrypt",
			Mutate: func(f *fx) {
				setKeyPolicy(f, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`)
			}, Want: findings.Failed},
		docCase{Rule: "kms.key-policy-not-public", Source: iamPrincipalDoc, Quote: qKMSStar, Name: "the account root as principal", Want: findings.Passed},
		docCase{Rule: "kms.key-policy-not-public", Source: kmsConditionsDoc, Quote: qKMSCaller, Name: "Principal AWS * narrowed by kms:CallerAccount",
			Mutate: func(f *fx) {
				setKeyPolicy(f, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*",`+
					`"Condition":{"StringEquals":{"kms:CallerAccount":"`+acctW+`","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}}]}`)
			}, Want: findings.Passed},
	)
}
