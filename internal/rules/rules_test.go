package rules

import (
	"net/url"
	"strings"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

var testStandards = Standards{AllowedRegions: []string{region1}, RequiredTags: []string{"Owner"}, LogRetentionDays: 365,
	ApprovedProductOUs: []string{"Workloads"},
	CrossAccountRoles:  []ExpectedRole{{Name: "OrgrailAuditReadOnly"}, {Name: "OrgrailBreakGlass", MFA: true}}, CrossAccountRoleOUs: []string{"Workloads"}}

func auditFx(t *testing.T, f *fx) *Result {
	t.Helper()
	res, err := Audit(f.write(t), Options{Standards: testStandards, Now: fxNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func byStatus(fs []findings.Finding, rule string, st findings.Status) []findings.Finding {
	var out []findings.Finding
	for _, f := range fs {
		if f.RuleID == rule && f.Status == st {
			out = append(out, f)
		}
	}
	return out
}

// identityCenterConflicts are the rules that the clean fixture's IAM
// user alice (a console user holding a rotated key, which the IAM rules
// need) fails because the organization uses IAM Identity Center. Their
// passing cases: TestIdentityRules (identity.iam-user-access-keys) and
// the documented cases (iam.users-managed-centrally).
var identityCenterConflicts = map[string]bool{"identity.iam-user-access-keys": true, "iam.users-managed-centrally": true}

// TestCleanOrganizationPasses: the baseline fixture makes every rule
// pass or not apply; nothing fails and nothing errors.
func TestCleanOrganizationPasses(t *testing.T) {
	res := auditFx(t, newFx())
	passed := map[string]bool{}
	for _, f := range res.Report.Findings {
		if f.Status == findings.Failed && identityCenterConflicts[f.RuleID] {
			continue // see identityCenterConflicts
		}
		if f.Status == findings.Failed || f.Status == findings.Error {
			t.Errorf("%s %s %s %s %s: %s", f.Status, f.RuleID, f.Account, f.Region, f.ResourceArn, f.Message)
		}
		if f.Status == findings.Passed {
			passed[f.RuleID] = true
		}
	}
	for _, r := range Builtin() {
		if !passed[r.ID] && !identityCenterConflicts[r.ID] {
			t.Errorf("rule %s never passes on the clean fixture", r.ID)
		}
	}
}

// failCases break the clean fixture so that one rule fails. Every
// built-in rule has one (TestEveryRuleHasAFailingCase).
var failCases = map[string]func(f *fx){
	"elb.alb-https-redirect": func(f *fx) {
		webListeners(f).Listeners[0].DefaultActions = []elbv2types.Action{{Type: elbv2types.ActionTypeEnumForward}}
	},
	"elb.alb-drop-invalid-headers": func(f *fx) { setLBAttr(f, "routing.http.drop_invalid_header_fields.enabled", "false") },
	"elb.logging-enabled":          func(f *fx) { setLBAttr(f, "access_logs.s3.enabled", "false") },
	"elb.deletion-protection":      func(f *fx) { setLBAttr(f, "deletion_protection.enabled", "false") },
	"elb.alb-desync-mitigation":    func(f *fx) { setLBAttr(f, "routing.http.desync_mitigation_mode", "monitor") },
	"elb.multi-az":                 func(f *fx) { webLB(f).AvailabilityZones = webLB(f).AvailabilityZones[:1] },
	"acm.certificate-expiration":   func(f *fx) { webCert(f).NotAfter = awsv2.Time(fxNow.AddDate(0, 0, 3)) },
	"acm.rsa-key-length":           func(f *fx) { webCert(f).KeyAlgorithm = acmtypes.KeyAlgorithmRsa1024 },
	"elb.clb-acm-certificate": func(f *fx) {
		legacyCLB(f).ListenerDescriptions[0].Listener.SSLCertificateId = awsv2.String("arn:aws:iam::444444444444:server-certificate/legacy")
	},
	"elb.clb-tls-listeners":       func(f *fx) { legacyCLB(f).ListenerDescriptions[0].Listener.Protocol = awsv2.String("HTTP") },
	"elb.clb-multi-az":            func(f *fx) { legacyCLB(f).AvailabilityZones = legacyCLB(f).AvailabilityZones[:1] },
	"elb.clb-connection-draining": func(f *fx) { legacyAttrs(f).ConnectionDraining.Enabled = false },
	"elb.clb-cross-zone":          func(f *fx) { legacyAttrs(f).CrossZoneLoadBalancing.Enabled = false },
	"elb.clb-desync-mitigation": func(f *fx) {
		legacyAttrs(f).AdditionalAttributes[0].Value = awsv2.String("monitor")
	},
	"iam.root-mfa-enabled": func(f *fx) {
		op[iam.GetAccountSummaryOutput](f, acctW, "global", "iam", "GetAccountSummary").SummaryMap["AccountMFAEnabled"] = 0
	},
	"iam.root-hardware-mfa-enabled": func(f *fx) {
		vm := op[iam.ListVirtualMFADevicesOutput](f, acctW, "global", "iam", "ListVirtualMFADevices")
		vm.VirtualMFADevices = append(vm.VirtualMFADevices, iamtypes.VirtualMFADevice{SerialNumber: awsv2.String("arn:aws:iam::" + acctW + ":mfa/root-account-mfa-device")})
	},
	"iam.root-access-key-absent": func(f *fx) {
		op[iam.GetAccountSummaryOutput](f, acctW, "global", "iam", "GetAccountSummary").SummaryMap["AccountAccessKeysPresent"] = 1
	},
	"iam.password-policy-strong": func(f *fx) { pwPolicy(f).RequireSymbols = false },
	"iam.password-policy-length-14": func(f *fx) {
		pwPolicy(f).MinimumPasswordLength = awsv2.Int32(8)
	},
	"iam.password-policy-expiry": func(f *fx) { pwPolicy(f).MaxPasswordAge = nil },
	"iam.password-policy-reuse":  func(f *fx) { f.setErr(acctW, "global", "iam", "GetAccountPasswordPolicy", "NoSuchEntity") },
	"iam.access-keys-rotated":    func(f *fx) { setUsers(f, userRow(acctW, "ci", false, true, 200, 1)) },
	"identity.admin-assigned-broadly": func(f *fx) {
		for _, a := range []string{acctM, acctA, acctL} {
			f.assign(fxPSAdmin, a, ssotypes.PrincipalTypeGroup, "group-AdministratorAccess")
		}
	},
	"identity.assignment-to-group": func(f *fx) { f.assign(fxPSRead, acctW, ssotypes.PrincipalTypeUser, "user-dan") },
	"identity.unused-permission-set": func(f *fx) {
		ff := f.file(acctM, region1, "ssoadmin")
		delete(ff.res["ListAccountAssignments"], fxPSAdmin+"|"+acctW)
		ff.res["ListAccountsForProvisionedPermissionSet"][fxPSAdmin] = &ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: []string{}}
	},
	// The clean fixture's users all hold a (rotated) access key, which
	// this rule flags; its failing case is the clean fixture itself.
	"identity.iam-user-access-keys": func(f *fx) {},
	"iam.unused-credentials":        func(f *fx) { setUsers(f, userRow(acctW, "old", false, true, 200, 100)) },
	"iam.console-user-mfa":          func(f *fx) { setUsers(f, userRow(acctW, "bob", true, false, -1, 0)) },
	"iam.user-mfa-enabled":          func(f *fx) { setUsers(f, userRow(acctW, "bot", false, false, 10, 1)) },
	"iam.single-active-access-key": func(f *fx) {
		row := strings.Replace(userRow(acctW, "two", false, true, 10, 1), ",false,N/A,N/A,N/A,N/A,false", ",true,"+ago(5)+","+ago(1)+",us-east-1,s3,false", 1)
		setUsers(f, row)
	},
	"iam.user-no-direct-policies": func(f *fx) {
		d := op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
		d.UserDetailList[0].AttachedManagedPolicies = []iamtypes.AttachedPolicy{{PolicyName: awsv2.String("ReadOnlyAccess")}}
	},
	"iam.no-admin-policies": func(f *fx) { setPolicyDoc(f, `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`) },
	"iam.no-service-wildcard-policies": func(f *fx) {
		setPolicyDoc(f, `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::x"}]}`)
	},
	"iam.no-kms-decrypt-all-keys": func(f *fx) { setPolicyDoc(f, `{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}}`) },
	"iam.no-inline-kms-decrypt-all-keys": func(f *fx) {
		addInline(f, `{"Statement":[{"Effect":"Allow","Action":["kms:*"],"Resource":"*"}]}`)
	},
	"iam.no-inline-policies": func(f *fx) { addInline(f, `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`) },
	"iam.cloudshell-full-access-restricted": func(f *fx) {
		d := op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
		d.RoleDetailList[0].AttachedManagedPolicies = append(d.RoleDetailList[0].AttachedManagedPolicies,
			iamtypes.AttachedPolicy{PolicyName: awsv2.String("AWSCloudShellFullAccess")})
	},
	"account.security-contact": func(f *fx) {
		f.setResErr(acctW, "global", "account", "GetAlternateContact", "SECURITY", "ResourceNotFoundException")
	},
	"account.part-of-organization": func(f *fx) { f.org.Accounts[3].Status = "INVITED" },
	"iam.access-analyzer-enabled": func(f *fx) {
		f.set(acctA, region1, "accessanalyzer", "ListAnalyzers", map[string]any{"analyzers": []any{}})
	},
	"cloudtrail.multi-region-enabled": func(f *fx) { stopOrgTrail(f) },
	"cloudtrail.enabled":              func(f *fx) { stopOrgTrail(f) },
	"cloudtrail.trail-logging":        func(f *fx) { stopOrgTrail(f) },
	"cloudtrail.log-file-validation": func(f *fx) {
		orgTrailOf(f, acctM).LogFileValidationEnabled = awsv2.Bool(false)
	},
	"cloudtrail.kms-encryption":           func(f *fx) { orgTrailOf(f, acctM).KmsKeyId = nil },
	"cloudtrail.org-trail-to-log-archive": func(f *fx) { orgTrailOf(f, acctM).S3BucketName = awsv2.String("somewhere-else") },
	"cloudtrail.bucket-not-public": func(f *fx) {
		setBucketPolicy(f, acctL, trailBucket, publicRead(trailBucket), true)
		openPAB(f, acctL, trailBucket)
	},
	"cloudtrail.bucket-access-logging": func(f *fx) {
		res[s3.GetBucketLoggingOutput](f, acctL, "global", "s3", "GetBucketLogging", trailBucket).LoggingEnabled = nil
	},
	"s3.account-public-access-block": func(f *fx) {
		f.setErr(acctW, "global", "s3control", "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration")
	},
	"s3.bucket-public-access-block": func(f *fx) {
		f.setResErr(acctW, "global", "s3", "GetPublicAccessBlock", "data-"+acctW, "NoSuchPublicAccessBlockConfiguration")
	},
	"lz.bucket-effective-public-access-block": func(f *fx) { openPAB(f, acctW, "data-"+acctW) },
	"ec2.volumes-encrypted":                   func(f *fx) { volume(f).Encrypted = awsv2.Bool(false) },
	"lz.guardduty-administered-by-audit": func(f *fx) {
		res[guardduty.GetAdministratorAccountOutput](f, acctW, region1, "guardduty", "GetAdministratorAccount", "det"+acctW).Administrator =
			&gdtypes.Administrator{AccountId: awsv2.String(acctM), RelationshipStatus: awsv2.String("Enabled")}
	},
	"lz.securityhub-administered-by-audit": func(f *fx) {
		f.set(acctW, region1, "securityhub", "GetAdministratorAccount", &securityhub.GetAdministratorAccountOutput{})
	},
	"s3.bucket-public-read": func(f *fx) {
		setBucketPolicy(f, acctW, "data-"+acctW, publicRead("data-"+acctW), true)
		openPAB(f, acctW, "data-"+acctW)
	},
	"s3.bucket-public-write": func(f *fx) {
		acl := res[s3.GetBucketAclOutput](f, acctW, "global", "s3", "GetBucketAcl", "data-"+acctW)
		acl.Grants = append(acl.Grants, s3types.Grant{Grantee: &s3types.Grantee{URI: awsv2.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: s3types.PermissionWrite})
		openPAB(f, acctW, "data-"+acctW)
	},
	"s3.bucket-tls-only": func(f *fx) {
		f.setResErr(acctW, "global", "s3", "GetBucketPolicy", "data-"+acctW, "NoSuchBucketPolicy")
	},
	"s3.bucket-default-encryption": func(f *fx) {
		f.setResErr(acctW, "global", "s3", "GetBucketEncryption", "data-"+acctW, "ServerSideEncryptionConfigurationNotFoundError")
	},
	"s3.bucket-versioning": func(f *fx) {
		res[s3.GetBucketVersioningOutput](f, acctW, "global", "s3", "GetBucketVersioning", "data-"+acctW).Status = s3types.BucketVersioningStatusSuspended
	},
	"s3.bucket-logging": func(f *fx) {
		res[s3.GetBucketLoggingOutput](f, acctW, "global", "s3", "GetBucketLogging", "data-"+acctW).LoggingEnabled = nil
	},
	"s3.bucket-acl-prohibited": func(f *fx) {
		acl := res[s3.GetBucketAclOutput](f, acctW, "global", "s3", "GetBucketAcl", "data-"+acctW)
		acl.Grants = append(acl.Grants, s3types.Grant{Grantee: &s3types.Grantee{ID: awsv2.String("partner")}, Permission: s3types.PermissionRead})
	},
	"guardduty.enabled": func(f *fx) {
		op[guardduty.ListDetectorsOutput](f, acctW, region1, "guardduty", "ListDetectors").DetectorIds = nil
	},
	"guardduty.delegated-admin":   func(f *fx) { f.org.DelegatedAdministrators[0].ServicePrincipals = []string{spSecurityHub} },
	"securityhub.delegated-admin": func(f *fx) { f.org.DelegatedAdministrators[0].ServicePrincipals = []string{spGuardDuty} },
	"config.recorder-enabled": func(f *fx) {
		op[configservice.DescribeConfigurationRecorderStatusOutput](f, acctW, region1, "config", "DescribeConfigurationRecorderStatus").ConfigurationRecordersStatus[0].Recording = false
	},
	"config.aggregator-in-audit": func(f *fx) {
		op[configservice.DescribeConfigurationAggregatorsOutput](f, acctA, region1, "config", "DescribeConfigurationAggregators").ConfigurationAggregators = nil
	},
	"securityhub.enabled": func(f *fx) { f.setErr(acctW, region1, "securityhub", "DescribeHub", "InvalidAccessException") },
	"securityhub.standards-enabled": func(f *fx) {
		op[securityhub.GetEnabledStandardsOutput](f, acctW, region1, "securityhub", "GetEnabledStandards").StandardsSubscriptions = nil
	},
	"ec2.ebs-default-encryption": func(f *fx) {
		op[ec2.GetEbsEncryptionByDefaultOutput](f, acctW, region1, "ec2", "GetEbsEncryptionByDefault").EbsEncryptionByDefault = awsv2.Bool(false)
	},
	"ec2.sg-ssh-restricted":          func(f *fx) { openPort(f, "tcp", 22, 22) },
	"ec2.sg-common-ports-restricted": func(f *fx) { openPort(f, "tcp", 3389, 3389) },
	"ec2.sg-all-traffic-restricted":  func(f *fx) { openPort(f, "-1", 0, 0) },
	"ec2.sg-authorized-ports-only":   func(f *fx) { openPort(f, "tcp", 8080, 8080) },
	"ec2.default-sg-closed": func(f *fx) {
		sg := op[ec2.DescribeSecurityGroupsOutput](f, acctW, region1, "ec2", "DescribeSecurityGroups")
		sg.SecurityGroups[0].IpPermissionsEgress = []ec2types.IpPermission{{IpProtocol: awsv2.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: awsv2.String("0.0.0.0/0")}}}}
	},
	"ec2.nacl-admin-ports-restricted": func(f *fx) {
		n := op[ec2.DescribeNetworkAclsOutput](f, acctW, region1, "ec2", "DescribeNetworkAcls")
		n.NetworkAcls[0].Entries = append(n.NetworkAcls[0].Entries, ec2types.NetworkAclEntry{RuleNumber: awsv2.Int32(50), Protocol: awsv2.String("-1"),
			RuleAction: ec2types.RuleActionAllow, Egress: awsv2.Bool(false), CidrBlock: awsv2.String("0.0.0.0/0")})
	},
	"ec2.vpc-flow-logs": func(f *fx) {
		op[ec2.DescribeFlowLogsOutput](f, acctW, region1, "ec2", "DescribeFlowLogs").FlowLogs = nil
	},
	"ec2.imdsv2-required": func(f *fx) {
		instance(f).MetadataOptions.HttpTokens = ec2types.HttpTokensStateOptional
	},
	"ec2.instance-no-public-ip": func(f *fx) { instance(f).PublicIpAddress = awsv2.String("203.0.113.7") },
	"ec2.snapshot-block-public-access": func(f *fx) {
		op[ec2.GetSnapshotBlockPublicAccessStateOutput](f, acctW, region1, "ec2", "GetSnapshotBlockPublicAccessState").State = ec2types.SnapshotBlockPublicAccessStateUnblocked
	},
	"ec2.image-block-public-access": func(f *fx) {
		op[ec2.GetImageBlockPublicAccessStateOutput](f, acctW, region1, "ec2", "GetImageBlockPublicAccessState").ImageBlockPublicAccessState = awsv2.String("unblocked")
	},
	"rds.instance-not-public":        func(f *fx) { db(f).PubliclyAccessible = awsv2.Bool(true) },
	"rds.storage-encrypted":          func(f *fx) { db(f).StorageEncrypted = awsv2.Bool(false) },
	"rds.auto-minor-version-upgrade": func(f *fx) { db(f).AutoMinorVersionUpgrade = awsv2.Bool(false) },
	"rds.snapshot-not-public": func(f *fx) {
		a := res[rds.DescribeDBSnapshotAttributesOutput](f, acctW, region1, "rds", "DescribeDBSnapshotAttributes", "snap1")
		a.DBSnapshotAttributesResult.DBSnapshotAttributes[0].AttributeValues = []string{"all"}
	},
	"rds.snapshot-encrypted": func(f *fx) {
		op[rds.DescribeDBSnapshotsOutput](f, acctW, region1, "rds", "DescribeDBSnapshots").DBSnapshots[0].Encrypted = awsv2.Bool(false)
	},
	"kms.key-rotation-enabled": func(f *fx) {
		res[kms.GetKeyRotationStatusOutput](f, acctW, region1, "kms", "GetKeyRotationStatus", "key-"+acctW).KeyRotationEnabled = false
	},
	"kms.key-not-scheduled-for-deletion": func(f *fx) {
		res[kms.DescribeKeyOutput](f, acctW, region1, "kms", "DescribeKey", "key-"+acctW).KeyMetadata.KeyState = kmstypes.KeyStatePendingDeletion
	},
	"kms.key-policy-not-public": func(f *fx) {
		res[kms.GetKeyPolicyOutput](f, acctW, region1, "kms", "GetKeyPolicy", "key-"+acctW).Policy = awsv2.String(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}`)
	},
	"lambda.function-not-public": func(f *fx) {
		f.setRes(acctW, region1, "lambda", "GetPolicy", "fn", &lambda.GetPolicyOutput{Policy: awsv2.String(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}]}`)})
	},
	"lambda.supported-runtime": func(f *fx) {
		op[lambda.ListFunctionsOutput](f, acctW, region1, "lambda", "ListFunctions").Functions[0].Runtime = lambdatypes.RuntimePython27
	},
	"sqs.queue-encrypted": func(f *fx) { queueAttrs(f)["SqsManagedSseEnabled"] = "false" },
	"sqs.queue-not-public": func(f *fx) {
		queueAttrs(f)["Policy"] = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"*"}]}`
	},
	"sns.topic-encrypted": func(f *fx) { delete(topicAttrs(f), "KmsMasterKeyId") },
	"sns.topic-not-public": func(f *fx) {
		topicAttrs(f)["Policy"] = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"SNS:Subscribe","Resource":"*"}]}`
	},
	"ecr.image-scanning":   func(f *fx) { repo(f).ImageScanningConfiguration = &ecrtypes.ImageScanningConfiguration{} },
	"ecr.tag-immutability": func(f *fx) { repo(f).ImageTagMutability = ecrtypes.ImageTagMutabilityMutable },
	"ecr.lifecycle-policy": func(f *fx) {
		f.setResErr(acctW, region1, "ecr", "GetLifecyclePolicy", "app", "LifecyclePolicyNotFoundException")
	},
	"secretsmanager.rotation-enabled": func(f *fx) {
		op[secretsmanager.ListSecretsOutput](f, acctW, region1, "secretsmanager", "ListSecrets").SecretList[0].RotationEnabled = awsv2.Bool(false)
	},
	"secretsmanager.secret-not-public": func(f *fx) {
		sec := "arn:aws:secretsmanager:" + region1 + ":" + acctW + ":secret:db-AbCdEf"
		res[secretsmanager.GetResourcePolicyOutput](f, acctW, region1, "secretsmanager", "GetResourcePolicy", sec).ResourcePolicy =
			awsv2.String(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)
	},
	"lz.allowed-regions": func(f *fx) {
		f.regions[acctW] = append(f.regions[acctW], "ap-south-1")
		f.baselineRegion(acctW, "ap-south-1")
	},
	"lz.required-tags":             func(f *fx) { instance(f).Tags = nil },
	"lz.instance-approved-product": func(f *fx) { instance(f).Tags = nil },
	"lz.cross-account-role-trust":  func(f *fx) { trustOf(f, "OrgrailAuditReadOnly", strings.ReplaceAll(auditTrust, acctA, "999999999999")) },
	"lz.bucket-required-tags":      func(f *fx) { f.setResErr(acctW, "global", "s3", "GetBucketTagging", "data-"+acctW, "NoSuchTagSet") },
	"lz.log-retention": func(f *fx) {
		f.setRes(acctL, "global", "s3", "GetBucketLifecycleConfiguration", trailBucket,
			map[string]any{"Rules": []map[string]any{{"Status": "Enabled", "Expiration": map[string]any{"Days": 30}}}})
	},
}

func pwPolicy(f *fx) *iamtypes.PasswordPolicy {
	return op[iam.GetAccountPasswordPolicyOutput](f, acctW, "global", "iam", "GetAccountPasswordPolicy").PasswordPolicy
}

func setUsers(f *fx, rows ...string) {
	op[iam.GetCredentialReportOutput](f, acctW, "global", "iam", "GetCredentialReport").Content = credReport(append([]string{rootRow(acctW)}, rows...)...)
}

func setPolicyDoc(f *fx, doc string) {
	d := op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
	d.Policies[0].PolicyVersionList[0].Document = awsv2.String(url.QueryEscape(doc))
}

func addInline(f *fx, doc string) {
	d := op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
	d.RoleDetailList[0].RolePolicyList = []iamtypes.PolicyDetail{{PolicyName: awsv2.String("inline"), PolicyDocument: awsv2.String(url.QueryEscape(doc))}}
}

func orgTrailOf(f *fx, account string) *cttypes.Trail {
	return &op[cloudtrail.DescribeTrailsOutput](f, account, region1, "cloudtrail", "DescribeTrails").TrailList[0]
}

func stopOrgTrail(f *fx) {
	arn := aws(orgTrailOf(f, acctM).TrailARN)
	for _, a := range f.org.Accounts {
		res[cloudtrail.GetTrailStatusOutput](f, a.Id, region1, "cloudtrail", "GetTrailStatus", arn).IsLogging = awsv2.Bool(false)
	}
}

func publicRead(bucket string) string {
	return `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

func openPAB(f *fx, account, bucket string) {
	f.setErr(account, "global", "s3control", "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration")
	f.setResErr(account, "global", "s3", "GetPublicAccessBlock", bucket, "NoSuchPublicAccessBlockConfiguration")
}

func openPort(f *fx, proto string, from, to int32) {
	sg := op[ec2.DescribeSecurityGroupsOutput](f, acctW, region1, "ec2", "DescribeSecurityGroups")
	p := ec2types.IpPermission{IpProtocol: awsv2.String(proto), IpRanges: []ec2types.IpRange{{CidrIp: awsv2.String("0.0.0.0/0")}}}
	if proto != "-1" {
		p.FromPort, p.ToPort = awsv2.Int32(from), awsv2.Int32(to)
	}
	sg.SecurityGroups[1].IpPermissions = append(sg.SecurityGroups[1].IpPermissions, p)
}

func instance(f *fx) *ec2types.Instance {
	return &op[ec2.DescribeInstancesOutput](f, acctW, region1, "ec2", "DescribeInstances").Reservations[0].Instances[0]
}

func volume(f *fx) *ec2types.Volume {
	return &op[ec2.DescribeVolumesOutput](f, acctW, region1, "ec2", "DescribeVolumes").Volumes[0]
}

func db(f *fx) *rdstypes.DBInstance {
	return &op[rds.DescribeDBInstancesOutput](f, acctW, region1, "rds", "DescribeDBInstances").DBInstances[0]
}

func queueAttrs(f *fx) map[string]string {
	return res[sqs.GetQueueAttributesOutput](f, acctW, region1, "sqs", "GetQueueAttributes", "https://sqs."+region1+".amazonaws.com/"+acctW+"/jobs").Attributes
}

func topicAttrs(f *fx) map[string]string {
	return res[sns.GetTopicAttributesOutput](f, acctW, region1, "sns", "GetTopicAttributes", "arn:aws:sns:"+region1+":"+acctW+":alerts").Attributes
}

func TestEveryRuleHasAFailingCase(t *testing.T) {
	for _, r := range Builtin() {
		if failCases[r.ID] == nil {
			t.Errorf("rule %s has no failing case", r.ID)
		}
	}
}

func TestRulesFail(t *testing.T) {
	for id, mutate := range failCases {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			f := newFx()
			mutate(f)
			res := auditFx(t, f)
			if len(byStatus(res.Report.Findings, id, findings.Failed)) == 0 {
				for _, x := range res.Report.Findings {
					if x.RuleID == id {
						t.Logf("%s %s %s %s", x.Status, x.Account, x.ResourceArn, x.Message)
					}
				}
				t.Fatalf("rule %s did not fail", id)
			}
		})
	}
}

// orgOnlyRules read nothing but org.json, so missing service data
// cannot make them ERROR.
var orgOnlyRules = map[string]bool{"account.part-of-organization": true, "guardduty.delegated-admin": true, "securityhub.delegated-admin": true}

// TestMissingDataIsError: with no service file at all, every rule that
// reads one yields ERROR and nothing PASSED or FAILED.
func TestMissingDataIsError(t *testing.T) {
	f := &fx{org: testOrg(), regions: map[string][]string{}, files: map[string]*fxFile{}}
	for _, a := range f.org.Accounts {
		f.regions[a.Id] = []string{region1}
	}
	std := testStandards
	std.AllowedRegions = []string{"eu-west-1"}
	res, err := Audit(f.write(t), Options{Standards: std, Now: fxNow})
	if err != nil {
		t.Fatal(err)
	}
	errored := map[string]bool{}
	for _, x := range res.Report.Findings {
		if orgOnlyRules[x.RuleID] {
			continue
		}
		switch x.Status {
		case findings.Error:
			errored[x.RuleID] = true
		case findings.Passed, findings.Failed:
			t.Errorf("%s gave %s without data: %s", x.RuleID, x.Status, x.Message)
		}
	}
	for _, r := range Builtin() {
		if !orgOnlyRules[r.ID] && !errored[r.ID] {
			t.Errorf("rule %s gave no ERROR on missing data", r.ID)
		}
	}
}

// TestGapIsError: a gap recorded in the manifest makes the rule ERROR
// with the gap's error.
func TestGapIsError(t *testing.T) {
	f := newFx()
	delete(f.files, fkey(acctW, region1, "guardduty"))
	f.gaps = []snapshotGap{{Account: acctW, Region: region1, Service: "guardduty", Error: "AccessDenied"}}
	res := auditFx(t, f)
	errs := byStatus(res.Report.Findings, "guardduty.enabled", findings.Error)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "AccessDenied") {
		t.Fatalf("want one ERROR naming the gap, got %+v", errs)
	}
}

func TestOrgAware(t *testing.T) {
	t.Run("org trail covers a member without trails", func(t *testing.T) {
		f := newFx()
		op[cloudtrail.DescribeTrailsOutput](f, acctW, region1, "cloudtrail", "DescribeTrails").TrailList = nil
		res := auditFx(t, f)
		if p := byStatus(res.Report.Findings, "cloudtrail.multi-region-enabled", findings.Passed); len(p) != 4 {
			t.Fatalf("want 4 passes, got %d", len(p))
		}
	})
	t.Run("organization analyzer covers members", func(t *testing.T) {
		res := auditFx(t, newFx())
		for _, x := range byStatus(res.Report.Findings, "iam.access-analyzer-enabled", findings.Passed) {
			if x.Account == acctW && strings.Contains(x.Message, "organization analyzer") {
				return
			}
		}
		t.Fatal("the member account was not covered by the organization analyzer")
	})
	t.Run("account block satisfies the effective bucket block", func(t *testing.T) {
		f := newFx()
		f.setResErr(acctW, "global", "s3", "GetPublicAccessBlock", "data-"+acctW, "NoSuchPublicAccessBlockConfiguration")
		res := auditFx(t, f)
		if fl := byStatus(res.Report.Findings, "lz.bucket-effective-public-access-block", findings.Failed); len(fl) != 0 {
			t.Fatalf("bucket without its own block failed although the account blocks: %+v", fl)
		}
	})
	t.Run("EC2 declarative policy satisfies snapshot and AMI block public access", func(t *testing.T) {
		f := newFx()
		failCases["ec2.snapshot-block-public-access"](f)
		failCases["ec2.image-block-public-access"](f)
		f.org.Policies = append(f.org.Policies, org.Policy{Id: "p-decl", Name: "ec2-baseline", Type: org.DeclarativePolicyEC2, Targets: []string{"r-root"},
			Content: `{"ec2_attributes":{"snapshot_block_public_access":{"state":{"@@assign":"block_all_sharing"}},"image_block_public_access":{"state":{"@@assign":"block_new_sharing"}}}}`})
		if err := f.org.Index(); err != nil {
			t.Fatal(err)
		}
		res := auditFx(t, f)
		for _, id := range []string{"ec2.snapshot-block-public-access", "ec2.image-block-public-access"} {
			if fl := byStatus(res.Report.Findings, id, findings.Failed); len(fl) != 0 {
				t.Errorf("%s failed despite the declarative policy: %+v", id, fl)
			}
		}
	})
	t.Run("suspended accounts are skipped", func(t *testing.T) {
		f := newFx()
		f.org.Accounts[3].Status = org.StatusSuspended
		res := auditFx(t, f)
		for _, x := range res.Report.Findings {
			if x.Account == acctW {
				t.Fatalf("finding for a suspended account: %+v", x)
			}
		}
		if len(res.Skipped) != 1 {
			t.Fatalf("skipped = %+v", res.Skipped)
		}
	})
	t.Run("central root access: a member without root credentials passes root MFA (IAM.9)", func(t *testing.T) {
		f := newFx()
		f.org.EnabledServicePrincipals = append(f.org.EnabledServicePrincipals, org.ServicePrincipal{ServicePrincipal: spIAM})
		op[iam.GetAccountSummaryOutput](f, acctW, "global", "iam", "GetAccountSummary").SummaryMap = map[string]int32{
			"AccountMFAEnabled": 0, "AccountPasswordPresent": 0, "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0}
		res := auditFx(t, f)
		for _, x := range res.Report.Findings {
			if x.RuleID == "iam.root-mfa-enabled" && x.Account == acctW && x.Status != findings.Passed {
				t.Fatalf("want PASSED for the member without root credentials, got %s: %s", x.Status, x.Message)
			}
		}
	})
	t.Run("GuardDuty administered elsewhere fails the landing-zone rule only", func(t *testing.T) {
		f := newFx()
		res[guardduty.GetAdministratorAccountOutput](f, acctW, region1, "guardduty", "GetAdministratorAccount", "det"+acctW).Administrator =
			&gdtypes.Administrator{AccountId: awsv2.String(acctM), RelationshipStatus: awsv2.String("Enabled")}
		r := auditFx(t, f)
		if len(byStatus(r.Report.Findings, "lz.guardduty-administered-by-audit", findings.Failed)) != 1 {
			t.Fatal("want a failure of the landing-zone rule")
		}
		if len(byStatus(r.Report.Findings, "guardduty.enabled", findings.Failed)) != 0 {
			t.Fatal("GuardDuty.1 passes when GuardDuty is enabled, whoever administers it")
		}
	})
	t.Run("administration rules do not apply without an organization", func(t *testing.T) {
		f := newFx()
		f.org.Id = ""
		r := auditFx(t, f)
		for _, id := range []string{"lz.guardduty-administered-by-audit", "lz.securityhub-administered-by-audit"} {
			for _, x := range r.Report.Findings {
				if x.RuleID == id && x.Status != findings.NotApplicable {
					t.Errorf("%s: %s %s", id, x.Status, x.Message)
				}
			}
		}
	})
}

func TestExceptions(t *testing.T) {
	f := newFx()
	failCases["s3.bucket-versioning"](f)
	snap := f.write(t)
	run := func(es []Exception, now time.Time) []findings.Finding {
		res, err := Audit(snap, Options{Standards: testStandards, Exceptions: es, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return byStatus(res.Report.Findings, "s3.bucket-versioning", findings.Failed)
	}
	e := Exception{Rules: []string{"s3.*"}, OUs: []string{"Workloads"}, Resource: "arn:aws:s3:::data-*", Reason: "migration", Expires: "2026-12-31"}
	got := run([]Exception{e}, fxNow)
	if len(got) != 1 || !got[0].Muted || got[0].MuteReason != "migration" || got[0].MuteExpires != "2026-12-31" {
		t.Fatalf("not muted: %+v", got)
	}
	got = run([]Exception{e}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(got) != 1 || got[0].Muted || !strings.Contains(got[0].Message, "expired") {
		t.Fatalf("expired mute still holds: %+v", got)
	}
	other := e
	other.Accounts = []string{"someone-else"}
	if got := run([]Exception{other}, fxNow); got[0].Muted {
		t.Fatal("exception for another account muted the finding")
	}
}

// snapshotGap aliases the snapshot's Gap for brevity.
type snapshotGap = snapshot.Gap
