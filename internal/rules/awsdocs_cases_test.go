package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
)

// Config managed rule pages (docs.aws.amazon.com/config/latest/developerguide/<name>.html).
func cfgDoc(name string) string {
	return "https://docs.aws.amazon.com/config/latest/developerguide/" + name + ".html"
}

// Security Hub control pages.
func shDoc(page string) string {
	return "https://docs.aws.amazon.com/securityhub/latest/userguide/" + page + ".html"
}

const (
	qSSH       = "The rule is COMPLIANT when IP addresses of the incoming SSH traffic in the security groups are restricted (CIDR other than 0.0.0.0/0)."
	qCommon    = "Checks if the security groups in use do not allow unrestricted incoming TCP traffic to the specified ports."
	qAuthPorts = "This rule evaluates Amazon EC2 security groups with ingress rule set to IPv4='0.0.0.0/0' or IPv6='::/'. If the security group does not have one of those destinations, this rule returns NOT_APPLICABLE."
	qAuthFail  = "The rule is NON_COMPLIANT if such security groups do not have ports specified in the rule parameters."
	qDefaultSG = "The rule is NON_COMPLIANT if the default security group has one or more inbound or outbound traffic rules."
	qNACL      = "The rule is NON_COMPLIANT if a NACL inbound entry allows a source TCP or UDP CIDR block for ports 22 or 3389."
	qFlow      = "This control checks whether Amazon VPC Flow Logs are found and enabled for VPCs. The traffic type is set to Reject."
	qIMDS      = "The rule is NON_COMPLIANT if the HttpTokens is set to optional."
	qPublicIP  = "The rule is NON_COMPLIANT if the publicIp field is present in the Amazon EC2 instance configuration item. This rule applies only to IPv4."
	qEBSDef    = "Check that Amazon Elastic Block Store (EBS) encryption is enabled by default. The rule is NON_COMPLIANT if the encryption is not enabled."
	qVolumes   = "Checks if the EBS volumes that are in an attached state are encrypted."
	qAdmin     = `The rule is NON_COMPLIANT if any customer managed IAM policy statement includes "Effect": "Allow" with "Action": "*" over "Resource": "*".`
	qConsole   = "Checks whether AWS Multi-Factor Authentication (MFA) is enabled for all AWS Identity and Access Management (IAM) users that use a console password."
	qRootKey   = "Checks if the root user access key is available. The rule is COMPLIANT if the user access key does not exist. Otherwise, NON_COMPLIANT."
	qKeysRot   = "Checks if the active access keys are rotated within the number of days specified in maxAccessKeyAge."
	qAnalyzer  = "Checks if an IAM Access Analyzer for external access is activated in your account per region. The rule is NON_COMPLIANT if there are no analyzers for external access in the region or if the 'status' attribute is not set to 'ACTIVE'."
	qRotation  = "The rule is NON_COMPLIANT if automatic key rotation is not enabled for an AWS KMS customer managed symmetric encryption key."
	qDeletion  = "The rule is NON_COMPLAINT if KMS keys are scheduled for deletion."
	qGuardDuty = "Checks if Amazon GuardDuty is enabled in your AWS account and AWS Region. If you provide an AWS account for centralization, the rule evaluates the GuardDuty results in the centralized account. The rule is COMPLIANT when GuardDuty is enabled."
	qSecHub    = "Checks that AWS Security Hub is enabled for an AWS Account. The rule is NON_COMPLIANT if AWS Security Hub is not enabled."
	qMultiReg  = "Checks if there is at least one multi-region AWS CloudTrail. The rule is NON_COMPLIANT if the trails do not match input parameters."
	qTrailKMS  = "Checks if AWS CloudTrail is configured to use the server side encryption (SSE) AWS Key Management Service (AWS KMS) encryption. The rule is COMPLIANT if the KmsKeyId is defined."
	qTrailVal  = "Checks whether AWS CloudTrail creates a signed digest file with logs. AWS recommends that the file validation must be enabled on all trails. The rule is noncompliant if the validation is not enabled."
	qLambda    = "The rule is also NON_COMPLIANT if a Lambda function is invoked from Amazon S3, and the policy doesn't include a condition to limit public access, such as AWS:SourceAccount."
	qLambdaFix = "To be considered non-public, a Lambda resource-based policy must grant access only to fixed values. This means values that don't contain a wildcard or the following IAM policy element: Variables."
	qLambdaCtx = "A lambda function policy is considered to allow public access if the principal element is empty or contains a wildcard."
	qRDSPublic = "Checks whether Amazon Relational Database Service (Amazon RDS) instances are not publicly accessible. The rule is NON_COMPLIANT if the publiclyAccessible field is true in the instance configuration item."
	qConfig1   = "This control checks whether AWS Config is enabled in your account for the current account and Region, records all resources, and that the service-linked role is used."
)

func sgs(f *fx) *ec2.DescribeSecurityGroupsOutput {
	return op[ec2.DescribeSecurityGroupsOutput](f, acctW, region1, "ec2", "DescribeSecurityGroups")
}

func addRule(f *fx, i int, p ec2types.IpPermission) {
	sg := sgs(f)
	sg.SecurityGroups[i].IpPermissions = append(sg.SecurityGroups[i].IpPermissions, p)
}

func tcp(from, to int32, cidr string) ec2types.IpPermission {
	p := ec2types.IpPermission{IpProtocol: awsv2.String("tcp"), FromPort: awsv2.Int32(from), ToPort: awsv2.Int32(to)}
	if cidr == "::/0" {
		p.Ipv6Ranges = []ec2types.Ipv6Range{{CidrIpv6: awsv2.String(cidr)}}
	} else {
		p.IpRanges = []ec2types.IpRange{{CidrIp: awsv2.String(cidr)}}
	}
	return p
}

func naclEntry(f *fx, e ec2types.NetworkAclEntry) {
	n := op[ec2.DescribeNetworkAclsOutput](f, acctW, region1, "ec2", "DescribeNetworkAcls")
	n.NetworkAcls[0].Entries = append(n.NetworkAcls[0].Entries, e)
}

func key(f *fx) *kmstypes.KeyMetadata {
	return res[kms.DescribeKeyOutput](f, acctW, region1, "kms", "DescribeKey", "key-"+acctW).KeyMetadata
}

func init() {
	sgWeb := "sg-0app"
	addDocCases(
		// EC2.13
		docCase{Rule: "ec2.sg-ssh-restricted", Source: cfgDoc("restricted-ssh"), Quote: qSSH, Name: "22 open to 0.0.0.0/0",
			Mutate: func(f *fx) { addRule(f, 1, tcp(22, 22, "0.0.0.0/0")) }, Resource: sgWeb, Want: findings.Failed},
		docCase{Rule: "ec2.sg-ssh-restricted", Source: cfgDoc("restricted-ssh"), Quote: qSSH, Name: "22 open to 10.0.0.0/8 only",
			Resource: sgWeb, Want: findings.Passed},
		docCase{Rule: "ec2.sg-ssh-restricted", Source: cfgDoc("restricted-ssh"), Quote: qSSH, Name: "a range 0-1024 from 0.0.0.0/0 includes 22",
			Mutate: func(f *fx) { addRule(f, 1, tcp(0, 1024, "0.0.0.0/0")) }, Resource: sgWeb, Want: findings.Failed},

		// EC2.14
		docCase{Rule: "ec2.sg-common-ports-restricted", Source: cfgDoc("restricted-common-ports"), Quote: qCommon, Name: "3389 open to 0.0.0.0/0",
			Mutate: func(f *fx) { addRule(f, 1, tcp(3389, 3389, "0.0.0.0/0")) }, Resource: sgWeb, Want: findings.Failed},
		docCase{Rule: "ec2.sg-common-ports-restricted", Source: cfgDoc("restricted-common-ports"), Quote: qCommon, Name: "3389 from a private range",
			Mutate: func(f *fx) { addRule(f, 1, tcp(3389, 3389, "10.0.0.0/8")) }, Resource: sgWeb, Want: findings.Passed},
		docCase{Rule: "ec2.sg-common-ports-restricted", Source: cfgDoc("restricted-common-ports"), Quote: qCommon, Name: "only 443 open to 0.0.0.0/0",
			Resource: sgWeb, Want: findings.Passed},

		// EC2.18
		docCase{Rule: "ec2.sg-authorized-ports-only", Source: cfgDoc("vpc-sg-open-only-to-authorized-ports"), Quote: qAuthFail, Name: "8080 open to 0.0.0.0/0",
			Mutate: func(f *fx) { addRule(f, 1, tcp(8080, 8080, "0.0.0.0/0")) }, Resource: sgWeb, Want: findings.Failed},
		docCase{Rule: "ec2.sg-authorized-ports-only", Source: cfgDoc("vpc-sg-open-only-to-authorized-ports"), Quote: qAuthFail, Name: "only 443 open to 0.0.0.0/0",
			Resource: sgWeb, Want: findings.Passed},
		docCase{Rule: "ec2.sg-authorized-ports-only", Source: cfgDoc("vpc-sg-open-only-to-authorized-ports"), Quote: qAuthPorts, Name: "a group open to nothing but a private range",
			Mutate: func(f *fx) {
				sgs(f).SecurityGroups[1].IpPermissions = []ec2types.IpPermission{tcp(8080, 8080, "10.0.0.0/8")}
			},
			Resource: sgWeb, Want: findings.NotApplicable},

		// EC2.2
		docCase{Rule: "ec2.default-sg-closed", Source: cfgDoc("vpc-default-security-group-closed"), Quote: qDefaultSG, Name: "default group with an outbound rule",
			Mutate: func(f *fx) {
				sgs(f).SecurityGroups[0].IpPermissionsEgress = []ec2types.IpPermission{{IpProtocol: awsv2.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: awsv2.String("0.0.0.0/0")}}}}
			}, Resource: "sg-0def", Want: findings.Failed},
		docCase{Rule: "ec2.default-sg-closed", Source: cfgDoc("vpc-default-security-group-closed"), Quote: qDefaultSG, Name: "default group without rules",
			Resource: "sg-0def", Want: findings.Passed},
		docCase{Rule: "ec2.default-sg-closed", Source: cfgDoc("vpc-default-security-group-closed"),
			Quote: "The rule returns NOT_APPLICABLE if the security group is not default.", Name: "a non-default group with rules",
			Resource: sgWeb, Want: findings.NotApplicable},

		// EC2.21
		docCase{Rule: "ec2.nacl-admin-ports-restricted", Source: cfgDoc("nacl-no-unrestricted-ssh-rdp"), Quote: qNACL, Name: "allow all from 0.0.0.0/0 first",
			Mutate: func(f *fx) {
				naclEntry(f, ec2types.NetworkAclEntry{RuleNumber: awsv2.Int32(50), Protocol: awsv2.String("-1"), RuleAction: ec2types.RuleActionAllow,
					Egress: awsv2.Bool(false), CidrBlock: awsv2.String("0.0.0.0/0")})
			}, Want: findings.Failed},
		docCase{Rule: "ec2.nacl-admin-ports-restricted", Source: cfgDoc("nacl-no-unrestricted-ssh-rdp"), Quote: qNACL, Name: "only 443 allowed from anywhere",
			Want: findings.Passed},
		docCase{Rule: "ec2.nacl-admin-ports-restricted", Source: cfgDoc("nacl-no-unrestricted-ssh-rdp"), Quote: qNACL, Name: "UDP 3389 allowed from anywhere",
			Mutate: func(f *fx) {
				naclEntry(f, ec2types.NetworkAclEntry{RuleNumber: awsv2.Int32(60), Protocol: awsv2.String("17"), RuleAction: ec2types.RuleActionAllow,
					Egress: awsv2.Bool(false), CidrBlock: awsv2.String("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: awsv2.Int32(3389), To: awsv2.Int32(3389)}})
			}, Want: findings.Failed},

		// EC2.6
		docCase{Rule: "ec2.vpc-flow-logs", Source: shDoc("ec2-controls"), Quote: qFlow, Name: "no flow log",
			Mutate: func(f *fx) {
				op[ec2.DescribeFlowLogsOutput](f, acctW, region1, "ec2", "DescribeFlowLogs").FlowLogs = nil
			}, Want: findings.Failed},
		docCase{Rule: "ec2.vpc-flow-logs", Source: shDoc("ec2-controls"), Quote: qFlow, Name: "flow log of rejected traffic",
			Mutate: func(f *fx) {
				op[ec2.DescribeFlowLogsOutput](f, acctW, region1, "ec2", "DescribeFlowLogs").FlowLogs[0].TrafficType = ec2types.TrafficTypeReject
			}, Want: findings.Passed},
		docCase{Rule: "ec2.vpc-flow-logs", Source: shDoc("ec2-controls"), Quote: qFlow, Name: "flow log of accepted traffic only",
			Mutate: func(f *fx) {
				op[ec2.DescribeFlowLogsOutput](f, acctW, region1, "ec2", "DescribeFlowLogs").FlowLogs[0].TrafficType = ec2types.TrafficTypeAccept
			}, Want: findings.Failed},

		// EC2.8
		docCase{Rule: "ec2.imdsv2-required", Source: cfgDoc("ec2-imdsv2-check"), Quote: qIMDS, Name: "HttpTokens optional",
			Mutate: func(f *fx) { instance(f).MetadataOptions.HttpTokens = ec2types.HttpTokensStateOptional }, Want: findings.Failed},
		docCase{Rule: "ec2.imdsv2-required", Source: cfgDoc("ec2-imdsv2-check"), Quote: qIMDS, Name: "HttpTokens required", Want: findings.Passed},
		docCase{Rule: "ec2.imdsv2-required", Source: cfgDoc("ec2-imdsv2-check"), Quote: qIMDS, Name: "a stopped instance with HttpTokens optional",
			Mutate: func(f *fx) {
				instance(f).MetadataOptions.HttpTokens = ec2types.HttpTokensStateOptional
				instance(f).State.Name = ec2types.InstanceStateNameStopped
			}, Want: findings.Failed},

		// EC2.9
		docCase{Rule: "ec2.instance-no-public-ip", Source: cfgDoc("ec2-instance-no-public-ip"), Quote: qPublicIP, Name: "public IPv4 address",
			Mutate: func(f *fx) { instance(f).PublicIpAddress = awsv2.String("203.0.113.7") }, Want: findings.Failed},
		docCase{Rule: "ec2.instance-no-public-ip", Source: cfgDoc("ec2-instance-no-public-ip"), Quote: qPublicIP, Name: "private address only", Want: findings.Passed},
		docCase{Rule: "ec2.instance-no-public-ip", Source: cfgDoc("ec2-instance-no-public-ip"), Quote: qPublicIP, Name: "an IPv6 address only",
			Mutate: func(f *fx) { instance(f).Ipv6Address = awsv2.String("2001:db8::7") }, Want: findings.Passed},

		// EC2.7
		docCase{Rule: "ec2.ebs-default-encryption", Source: cfgDoc("ec2-ebs-encryption-by-default"), Quote: qEBSDef, Name: "off",
			Mutate: func(f *fx) {
				op[ec2.GetEbsEncryptionByDefaultOutput](f, acctW, region1, "ec2", "GetEbsEncryptionByDefault").EbsEncryptionByDefault = awsv2.Bool(false)
			}, Want: findings.Failed},
		docCase{Rule: "ec2.ebs-default-encryption", Source: cfgDoc("ec2-ebs-encryption-by-default"), Quote: qEBSDef, Name: "on", Want: findings.Passed},
		docCase{Rule: "ec2.ebs-default-encryption", Source: cfgDoc("ec2-ebs-encryption-by-default"), Quote: qEBSDef, Name: "off in a second region",
			Mutate: func(f *fx) {
				f.regions[acctW] = append(f.regions[acctW], "eu-west-1")
				f.baselineRegion(acctW, "eu-west-1")
				op[ec2.GetEbsEncryptionByDefaultOutput](f, acctW, "eu-west-1", "ec2", "GetEbsEncryptionByDefault").EbsEncryptionByDefault = awsv2.Bool(false)
			}, Want: findings.Failed},

		// EC2.3
		docCase{Rule: "ec2.volumes-encrypted", Source: cfgDoc("encrypted-volumes"), Quote: qVolumes, Name: "an attached unencrypted volume",
			Mutate: func(f *fx) { volume(f).Encrypted = awsv2.Bool(false) }, Resource: "vol-0001", Want: findings.Failed},
		docCase{Rule: "ec2.volumes-encrypted", Source: cfgDoc("encrypted-volumes"), Quote: qVolumes, Name: "an attached encrypted volume",
			Resource: "vol-0001", Want: findings.Passed},
		docCase{Rule: "ec2.volumes-encrypted", Source: cfgDoc("encrypted-volumes"), Quote: qVolumes, Name: "an unattached unencrypted volume",
			Mutate: func(f *fx) {
				volume(f).Encrypted = awsv2.Bool(false)
				volume(f).Attachments = nil
				volume(f).State = ec2types.VolumeStateAvailable
			}, Resource: "vol-0001", Want: findings.NotApplicable},

		// IAM.1
		docCase{Rule: "iam.no-admin-policies", Source: cfgDoc("iam-policy-no-statements-with-admin-access"), Quote: qAdmin, Name: "Allow * on *",
			Mutate: func(f *fx) { setPolicyDoc(f, `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`) }, Want: findings.Failed},
		docCase{Rule: "iam.no-admin-policies", Source: cfgDoc("iam-policy-no-statements-with-admin-access"), Quote: qAdmin, Name: "Allow s3:* on *",
			Mutate: func(f *fx) { setPolicyDoc(f, `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`) }, Want: findings.Passed},
		docCase{Rule: "iam.no-admin-policies", Source: cfgDoc("iam-policy-no-statements-with-admin-access"), Quote: qAdmin, Name: "Deny * on *",
			Mutate: func(f *fx) { setPolicyDoc(f, `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`) }, Want: findings.Passed},

		// IAM.5
		docCase{Rule: "iam.console-user-mfa", Source: cfgDoc("mfa-enabled-for-iam-console-access"), Quote: qConsole, Name: "console user without MFA",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "bob", true, false, -1, 0)) }, Resource: "user/bob", Want: findings.Failed},
		docCase{Rule: "iam.console-user-mfa", Source: cfgDoc("mfa-enabled-for-iam-console-access"), Quote: qConsole, Name: "console user with MFA",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "bob", true, true, -1, 0)) }, Resource: "user/bob", Want: findings.Passed},
		docCase{Rule: "iam.console-user-mfa", Source: cfgDoc("mfa-enabled-for-iam-console-access"), Quote: qConsole, Name: "a user without a console password",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "bot", false, false, 10, 1)) }, Resource: "user/bot", Want: findings.NotApplicable},

		// IAM.4
		docCase{Rule: "iam.root-access-key-absent", Source: cfgDoc("iam-root-access-key-check"), Quote: qRootKey, Name: "root has an access key",
			Mutate: func(f *fx) {
				op[iam.GetAccountSummaryOutput](f, acctW, "global", "iam", "GetAccountSummary").SummaryMap["AccountAccessKeysPresent"] = 1
			}, Want: findings.Failed},
		docCase{Rule: "iam.root-access-key-absent", Source: cfgDoc("iam-root-access-key-check"), Quote: qRootKey, Name: "root has no access key", Want: findings.Passed},
		docCase{Rule: "iam.root-access-key-absent", Source: cfgDoc("iam-root-access-key-check"), Quote: qRootKey, Name: "management account root without a key",
			Account: acctM, Want: findings.Passed},

		// IAM.3
		docCase{Rule: "iam.access-keys-rotated", Source: cfgDoc("access-keys-rotated"), Quote: qKeysRot, Name: "an active key 200 days old",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "ci", false, true, 200, 1)) }, Resource: "user/ci", Want: findings.Failed},
		docCase{Rule: "iam.access-keys-rotated", Source: cfgDoc("access-keys-rotated"), Quote: qKeysRot, Name: "an active key 30 days old",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "ci", false, true, 30, 1)) }, Resource: "user/ci", Want: findings.Passed},
		docCase{Rule: "iam.access-keys-rotated", Source: cfgDoc("access-keys-rotated"), Quote: qKeysRot, Name: "no active key",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "ci", true, true, -1, 0)) }, Resource: "user/ci", Want: findings.NotApplicable},

		// IAM.28
		docCase{Rule: "iam.access-analyzer-enabled", Source: cfgDoc("iam-external-access-analyzer-enabled"), Quote: qAnalyzer, Name: "no analyzer anywhere",
			Mutate: func(f *fx) {
				f.set(acctA, region1, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []any{}})
			}, Want: findings.Failed},
		docCase{Rule: "iam.access-analyzer-enabled", Source: cfgDoc("iam-external-access-analyzer-enabled"), Quote: qAnalyzer, Name: "an active account external-access analyzer",
			Mutate: func(f *fx) {
				f.set(acctA, region1, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []any{}})
				f.set(acctW, region1, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []map[string]any{{"name": "acct", "status": "ACTIVE", "type": "ACCOUNT"}}})
			}, Want: findings.Passed},
		docCase{Rule: "iam.access-analyzer-enabled", Source: cfgDoc("iam-external-access-analyzer-enabled"), Quote: qAnalyzer,
			Name: "only an organization unused-access analyzer",
			Mutate: func(f *fx) {
				f.set(acctA, region1, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []map[string]any{{"name": "unused", "status": "ACTIVE", "type": "ORGANIZATION_UNUSED_ACCESS"}}})
			}, Want: findings.Failed},
		docCase{Rule: "iam.access-analyzer-enabled", Source: cfgDoc("iam-external-access-analyzer-enabled"), Quote: qAnalyzer,
			Name: "an account external-access analyzer that is not ACTIVE",
			Mutate: func(f *fx) {
				f.set(acctA, region1, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []any{}})
				f.set(acctW, region1, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []map[string]any{{"name": "acct", "status": "CREATING", "type": "ACCOUNT"}}})
			}, Want: findings.Failed},

		// KMS.4
		docCase{Rule: "kms.key-rotation-enabled", Source: cfgDoc("cmk-backing-key-rotation-enabled"), Quote: qRotation, Name: "rotation off",
			Mutate: func(f *fx) {
				res[kms.GetKeyRotationStatusOutput](f, acctW, region1, "kms", "GetKeyRotationStatus", "key-"+acctW).KeyRotationEnabled = false
			}, Want: findings.Failed},
		docCase{Rule: "kms.key-rotation-enabled", Source: cfgDoc("cmk-backing-key-rotation-enabled"), Quote: qRotation, Name: "rotation on", Want: findings.Passed},
		docCase{Rule: "kms.key-rotation-enabled", Source: cfgDoc("cmk-backing-key-rotation-enabled"), Quote: qRotation, Name: "an asymmetric key",
			Mutate: func(f *fx) {
				key(f).KeySpec = kmstypes.KeySpecRsa2048
				res[kms.GetKeyRotationStatusOutput](f, acctW, region1, "kms", "GetKeyRotationStatus", "key-"+acctW).KeyRotationEnabled = false
			}, Want: findings.NotApplicable},

		// KMS.3
		docCase{Rule: "kms.key-not-scheduled-for-deletion", Source: cfgDoc("kms-cmk-not-scheduled-for-deletion"), Quote: qDeletion, Name: "pending deletion",
			Mutate: func(f *fx) { key(f).KeyState = kmstypes.KeyStatePendingDeletion }, Want: findings.Failed},
		docCase{Rule: "kms.key-not-scheduled-for-deletion", Source: cfgDoc("kms-cmk-not-scheduled-for-deletion"), Quote: qDeletion, Name: "enabled", Want: findings.Passed},
		docCase{Rule: "kms.key-not-scheduled-for-deletion", Source: cfgDoc("kms-cmk-not-scheduled-for-deletion"), Quote: qDeletion, Name: "disabled but not scheduled",
			Mutate: func(f *fx) { key(f).KeyState = kmstypes.KeyStateDisabled; key(f).Enabled = false }, Want: findings.Passed},

		// GuardDuty.1
		docCase{Rule: "guardduty.enabled", Source: cfgDoc("guardduty-enabled-centralized"), Quote: qGuardDuty, Name: "no detector",
			Mutate: func(f *fx) {
				op[guardduty.ListDetectorsOutput](f, acctW, region1, "guardduty", "ListDetectors").DetectorIds = nil
			}, Want: findings.Failed},
		docCase{Rule: "guardduty.enabled", Source: cfgDoc("guardduty-enabled-centralized"), Quote: qGuardDuty, Name: "enabled detector", Want: findings.Passed},
		docCase{Rule: "guardduty.enabled", Source: cfgDoc("guardduty-enabled-centralized"), Quote: qGuardDuty,
			Name: "enabled, administered by another account than the Audit account",
			Mutate: func(f *fx) {
				res[guardduty.GetAdministratorAccountOutput](f, acctW, region1, "guardduty", "GetAdministratorAccount", "det"+acctW).Administrator =
					&gdtypes.Administrator{AccountId: awsv2.String(acctM), RelationshipStatus: awsv2.String("Enabled")}
			}, Want: findings.Passed},

		// SECURITYHUB_ENABLED
		docCase{Rule: "securityhub.enabled", Source: cfgDoc("securityhub-enabled"), Quote: qSecHub, Name: "not enabled",
			Mutate: func(f *fx) { f.setErr(acctW, region1, "securityhub", "DescribeHub", "InvalidAccessException") }, Want: findings.Failed},
		docCase{Rule: "securityhub.enabled", Source: cfgDoc("securityhub-enabled"), Quote: qSecHub, Name: "enabled", Want: findings.Passed},
		docCase{Rule: "securityhub.enabled", Source: cfgDoc("securityhub-enabled"), Quote: qSecHub, Name: "enabled without an administrator",
			Mutate: func(f *fx) {
				f.set(acctW, region1, "securityhub", "GetAdministratorAccount", &securityhub.GetAdministratorAccountOutput{})
			}, Want: findings.Passed},

		// Config.1
		docCase{Rule: "config.recorder-enabled", Source: shDoc("config-controls"), Quote: qConfig1, Name: "recorder stopped",
			Mutate: func(f *fx) {
				op[configservice.DescribeConfigurationRecorderStatusOutput](f, acctW, region1, "config", "DescribeConfigurationRecorderStatus").ConfigurationRecordersStatus[0].Recording = false
			}, Want: findings.Failed},
		docCase{Rule: "config.recorder-enabled", Source: shDoc("config-controls"), Quote: qConfig1, Name: "recording all resources", Want: findings.Passed},
		docCase{Rule: "config.recorder-enabled", Source: shDoc("config-controls"), Quote: qConfig1, Name: "no recorder",
			Mutate: func(f *fx) {
				op[configservice.DescribeConfigurationRecordersOutput](f, acctW, region1, "config", "DescribeConfigurationRecorders").ConfigurationRecorders = nil
			}, Want: findings.Failed},

		// CloudTrail.1
		docCase{Rule: "cloudtrail.multi-region-enabled", Source: cfgDoc("multi-region-cloudtrail-enabled"), Quote: qMultiReg, Name: "the only trail stopped",
			Mutate: stopOrgTrail, Want: findings.Failed},
		docCase{Rule: "cloudtrail.multi-region-enabled", Source: cfgDoc("multi-region-cloudtrail-enabled"), Quote: qMultiReg, Name: "a logging multi-region organization trail",
			Want: findings.Passed},
		docCase{Rule: "cloudtrail.multi-region-enabled", Source: cfgDoc("multi-region-cloudtrail-enabled"), Quote: qMultiReg, Name: "single-region trail only",
			Mutate: func(f *fx) {
				for _, a := range f.org.Accounts {
					orgTrailOf(f, a.Id).IsMultiRegionTrail = awsv2.Bool(false)
				}
			}, Want: findings.Failed},

		// CloudTrail.2
		docCase{Rule: "cloudtrail.kms-encryption", Source: cfgDoc("cloud-trail-encryption-enabled"), Quote: qTrailKMS, Name: "no KmsKeyId",
			Mutate: func(f *fx) { orgTrailOf(f, acctM).KmsKeyId = nil }, Account: acctM, Want: findings.Failed},
		docCase{Rule: "cloudtrail.kms-encryption", Source: cfgDoc("cloud-trail-encryption-enabled"), Quote: qTrailKMS, Name: "KmsKeyId set",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "cloudtrail.kms-encryption", Source: cfgDoc("cloud-trail-encryption-enabled"), Quote: qTrailKMS, Name: "KmsKeyId set on a stopped trail",
			Mutate: stopOrgTrail, Account: acctM, Want: findings.Passed},

		// CloudTrail.4
		docCase{Rule: "cloudtrail.log-file-validation", Source: cfgDoc("cloud-trail-log-file-validation-enabled"), Quote: qTrailVal, Name: "validation off",
			Mutate: func(f *fx) { orgTrailOf(f, acctM).LogFileValidationEnabled = awsv2.Bool(false) }, Account: acctM, Want: findings.Failed},
		docCase{Rule: "cloudtrail.log-file-validation", Source: cfgDoc("cloud-trail-log-file-validation-enabled"), Quote: qTrailVal, Name: "validation on",
			Account: acctM, Want: findings.Passed},
		docCase{Rule: "cloudtrail.log-file-validation", Source: cfgDoc("cloud-trail-log-file-validation-enabled"), Quote: qTrailVal,
			Name: "a second own trail without validation",
			Mutate: func(f *fx) {
				arn := "arn:aws:cloudtrail:" + region1 + ":" + acctM + ":trail/extra"
				dt := op[cloudtrail.DescribeTrailsOutput](f, acctM, region1, "cloudtrail", "DescribeTrails")
				dt.TrailList = append(dt.TrailList, cttypes.Trail{Name: awsv2.String("extra"), TrailARN: awsv2.String(arn), HomeRegion: awsv2.String(region1),
					S3BucketName: awsv2.String(trailBucket), LogFileValidationEnabled: awsv2.Bool(false)})
				f.setRes(acctM, region1, "cloudtrail", "GetTrailStatus", arn, &cloudtrail.GetTrailStatusOutput{IsLogging: awsv2.Bool(true)})
				f.setRes(acctM, region1, "cloudtrail", "GetEventSelectors", arn, &cloudtrail.GetEventSelectorsOutput{})
			}, Account: acctM, Resource: "trail/extra", Want: findings.Failed},

		// Lambda.1
		docCase{Rule: "lambda.function-not-public", Source: cfgDoc("lambda-function-public-access-prohibited"), Quote: qLambdaCtx, Name: "Principal *",
			Mutate: func(f *fx) {
				setLambdaPolicy(f, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}]}`)
			}, Want: findings.Failed},
		docCase{Rule: "lambda.function-not-public", Source: cfgDoc("lambda-function-public-access-prohibited"), Quote: qLambdaCtx, Name: "another account as principal",
			Mutate: func(f *fx) {
				setLambdaPolicy(f, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acctA+`:root"},"Action":"lambda:InvokeFunction","Resource":"*"}]}`)
			}, Want: findings.Passed},
		docCase{Rule: "lambda.function-not-public", Source: cfgDoc("lambda-function-public-access-prohibited"), Quote: qLambda, Name: "invoked by S3 without aws:SourceAccount",
			Mutate: func(f *fx) {
				setLambdaPolicy(f, `{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*",`+
					`"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}`)
			}, Want: findings.Failed},
		docCase{Rule: "lambda.function-not-public", Source: cfgDoc("lambda-function-public-access-prohibited"), Quote: qLambda, Name: "invoked by S3 with aws:SourceAccount",
			Mutate: func(f *fx) {
				setLambdaPolicy(f, `{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*",`+
					`"Condition":{"StringEquals":{"AWS:SourceAccount":"`+acctW+`"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}`)
			}, Want: findings.Passed},
		docCase{Rule: "lambda.function-not-public", Source: cfgDoc("lambda-function-public-access-prohibited"), Quote: qLambdaFix, Name: "Principal * narrowed by aws:PrincipalOrgID o-*",
			Mutate: func(f *fx) {
				setLambdaPolicy(f, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*",`+
					`"Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}}]}`)
			}, Want: findings.Failed},

		// RDS.2
		docCase{Rule: "rds.instance-not-public", Source: cfgDoc("rds-instance-public-access-check"), Quote: qRDSPublic, Name: "publicly accessible",
			Mutate: func(f *fx) { db(f).PubliclyAccessible = awsv2.Bool(true) }, Want: findings.Failed},
		docCase{Rule: "rds.instance-not-public", Source: cfgDoc("rds-instance-public-access-check"), Quote: qRDSPublic, Name: "private", Want: findings.Passed},
		docCase{Rule: "rds.instance-not-public", Source: cfgDoc("rds-instance-public-access-check"), Quote: qRDSPublic, Name: "a second, public instance",
			Mutate: func(f *fx) {
				d := op[rds.DescribeDBInstancesOutput](f, acctW, region1, "rds", "DescribeDBInstances")
				d.DBInstances = append(d.DBInstances, rdstypes.DBInstance{DBInstanceIdentifier: awsv2.String("db2"), DBInstanceArn: awsv2.String("arn:aws:rds:" + region1 + ":" + acctW + ":db:db2"),
					PubliclyAccessible: awsv2.Bool(true), StorageEncrypted: awsv2.Bool(true), AutoMinorVersionUpgrade: awsv2.Bool(true)})
			}, Resource: "db:db2", Want: findings.Failed},

		// IAM.2 (kept simple: the text names users with policies attached)
		docCase{Rule: "iam.user-no-direct-policies", Source: cfgDoc("iam-user-no-policies-check"), Name: "a managed policy attached to a user",
			Quote: "The rule is NONCOMPLIANT if there is at least one IAM user with policies attached.",
			Mutate: func(f *fx) {
				d := op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
				d.UserDetailList[0].AttachedManagedPolicies = []iamtypes.AttachedPolicy{{PolicyName: awsv2.String("ReadOnlyAccess")}}
			}, Want: findings.Failed},
		docCase{Rule: "iam.user-no-direct-policies", Source: cfgDoc("iam-user-no-policies-check"), Name: "permissions through a group",
			Quote: "IAM users must inherit permissions from IAM groups or roles.", Want: findings.Passed},
		docCase{Rule: "iam.user-no-direct-policies", Source: cfgDoc("iam-user-no-policies-check"), Name: "an inline policy on a user",
			Quote: "The rule is NONCOMPLIANT if there is at least one IAM user with policies attached.",
			Mutate: func(f *fx) {
				d := op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
				d.UserDetailList[0].UserPolicyList = []iamtypes.PolicyDetail{{PolicyName: awsv2.String("inline"), PolicyDocument: awsv2.String("%7B%7D")}}
			}, Want: findings.Failed},
	)
	_ = shtypes.StandardsStatusReady
}

const (
	shIAM      = "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html"
	qIAM7      = "This control checks whether the account password policy for IAM users uses strong configurations. The control fails if the password policy doesn't use strong configurations. Unless you provide custom parameter values, Security Hub CSPM uses the default values mentioned in the preceding table."
	qIAM7Age   = "The PasswordReusePrevention and MaxPasswordAge parameters have no default value, so if you exclude these parameters, Security Hub CSPM ignores number of password rotations and password age when evaluating this control."
	qIAM15     = "CIS recommends that the password policy require a minimum password length of 14 characters."
	qIAM16     = "This control checks whether the number of passwords to remember is set to 24. The control fails if the value is not 24."
	qIAM9      = "The control generates FAILED findings if root user credentials are present in the account and MFA isn't enabled for the root user."
	qIAM9Pass  = "This control generates PASSED findings in the following cases: Root user credentials are present in the account and MFA is enabled for the root user. Root user credentials aren't present in the account."
	qHardware  = "The rule is NON_COMPLIANT if any virtual MFA devices are permitted for signing in with root credentials."
	qIAM6Pass  = "The control generates PASSED findings in the following cases: Root user credentials are present in the account and hardware MFA is enabled for the root user. Root user credentials aren't present in the account."
	qPwMissing = "This rule is NON_COMPLIANT if the account password policy does not meet the specified requirements."
)

func noRootCredentials(f *fx) {
	f.org.EnabledServicePrincipals = append(f.org.EnabledServicePrincipals, orgServicePrincipal(spIAM))
	op[iam.GetAccountSummaryOutput](f, acctW, "global", "iam", "GetAccountSummary").SummaryMap = map[string]int32{
		"AccountMFAEnabled": 0, "AccountPasswordPresent": 0, "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0}
}

func init() {
	addDocCases(
		// IAM.7
		docCase{Rule: "iam.password-policy-strong", Source: shIAM, Quote: qIAM7, Name: "symbols not required",
			Mutate: func(f *fx) { pwPolicy(f).RequireSymbols = false }, Want: findings.Failed},
		docCase{Rule: "iam.password-policy-strong", Source: shIAM, Quote: qIAM7, Name: "four character classes and 8 characters",
			Mutate: func(f *fx) { pwPolicy(f).MinimumPasswordLength = awsv2.Int32(8) }, Want: findings.Passed},
		docCase{Rule: "iam.password-policy-strong", Source: shIAM, Quote: qIAM7Age, Name: "passwords never expire (age not judged)",
			Mutate: func(f *fx) { pwPolicy(f).MaxPasswordAge = nil; pwPolicy(f).PasswordReusePrevention = nil }, Want: findings.Passed},
		docCase{Rule: "iam.password-policy-strong", Source: cfgDoc("iam-password-policy"), Quote: qPwMissing, Name: "no password policy",
			Mutate: func(f *fx) { f.setErr(acctW, "global", "iam", "GetAccountPasswordPolicy", "NoSuchEntity") }, Want: findings.Failed},

		// IAM.15 (CIS 1.8)
		docCase{Rule: "iam.password-policy-length-14", Source: shIAM, Quote: qIAM15, Name: "minimum length 8",
			Mutate: func(f *fx) { pwPolicy(f).MinimumPasswordLength = awsv2.Int32(8) }, Want: findings.Failed},
		docCase{Rule: "iam.password-policy-length-14", Source: shIAM, Quote: qIAM15, Name: "minimum length 14", Want: findings.Passed},
		docCase{Rule: "iam.password-policy-length-14", Source: shIAM, Quote: qIAM15, Name: "minimum length 20",
			Mutate: func(f *fx) { pwPolicy(f).MinimumPasswordLength = awsv2.Int32(20) }, Want: findings.Passed},

		// IAM.16
		docCase{Rule: "iam.password-policy-reuse", Source: shIAM, Quote: qIAM16, Name: "remembers 12",
			Mutate: func(f *fx) { pwPolicy(f).PasswordReusePrevention = awsv2.Int32(12) }, Want: findings.Failed},
		docCase{Rule: "iam.password-policy-reuse", Source: shIAM, Quote: qIAM16, Name: "remembers 24", Want: findings.Passed},
		docCase{Rule: "iam.password-policy-reuse", Source: shIAM, Quote: qIAM16, Name: "not set",
			Mutate: func(f *fx) { pwPolicy(f).PasswordReusePrevention = nil }, Want: findings.Failed},

		// IAM.17
		docCase{Rule: "iam.password-policy-expiry", Source: shIAM, Quote: "Ensure IAM password policy expires passwords within 90 days or less", Name: "never expires",
			Mutate: func(f *fx) { pwPolicy(f).MaxPasswordAge = nil }, Want: findings.Failed},
		docCase{Rule: "iam.password-policy-expiry", Source: shIAM, Quote: "Ensure IAM password policy expires passwords within 90 days or less", Name: "90 days", Want: findings.Passed},
		docCase{Rule: "iam.password-policy-expiry", Source: shIAM, Quote: "Ensure IAM password policy expires passwords within 90 days or less", Name: "180 days",
			Mutate: func(f *fx) { pwPolicy(f).MaxPasswordAge = awsv2.Int32(180) }, Want: findings.Failed},

		// IAM.9
		docCase{Rule: "iam.root-mfa-enabled", Source: shIAM, Quote: qIAM9, Name: "root without MFA",
			Mutate: func(f *fx) {
				op[iam.GetAccountSummaryOutput](f, acctW, "global", "iam", "GetAccountSummary").SummaryMap["AccountMFAEnabled"] = 0
			}, Want: findings.Failed},
		docCase{Rule: "iam.root-mfa-enabled", Source: shIAM, Quote: qIAM9Pass, Name: "root with MFA", Want: findings.Passed},
		docCase{Rule: "iam.root-mfa-enabled", Source: shIAM, Quote: qIAM9Pass, Name: "root credentials not present (central root access)",
			Mutate: noRootCredentials, Want: findings.Passed},

		// IAM.6
		docCase{Rule: "iam.root-hardware-mfa-enabled", Source: cfgDoc("root-account-hardware-mfa-enabled"), Quote: qHardware, Name: "a virtual MFA device for root",
			Mutate: func(f *fx) {
				vm := op[iam.ListVirtualMFADevicesOutput](f, acctW, "global", "iam", "ListVirtualMFADevices")
				vm.VirtualMFADevices = append(vm.VirtualMFADevices, iamtypes.VirtualMFADevice{SerialNumber: awsv2.String("arn:aws:iam::" + acctW + ":mfa/root-account-mfa-device")})
			}, Want: findings.Failed},
		docCase{Rule: "iam.root-hardware-mfa-enabled", Source: shIAM, Quote: qIAM6Pass, Name: "MFA on, no virtual device for root", Want: findings.Passed},
		docCase{Rule: "iam.root-hardware-mfa-enabled", Source: shIAM, Quote: qIAM6Pass, Name: "root credentials not present (central root access)",
			Mutate: noRootCredentials, Want: findings.Passed},
	)
}

func orgServicePrincipal(sp string) org.ServicePrincipal {
	return org.ServicePrincipal{ServicePrincipal: sp}
}
