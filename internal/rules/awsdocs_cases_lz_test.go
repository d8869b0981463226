package rules

import (
	"net/url"
	"strings"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Documented outcomes of orgrail's own landing-zone (lz.*) and Identity
// Center (identity.*) rules. No AWS managed rule or control judges these
// (REQUIRED_TAGS aside); the cases rest on the AWS documentation of the
// behaviour each one checks, quoted or (marked so) paraphrased: S3 Block
// Public Access and lifecycle, the GuardDuty and Security Hub
// administrator relationships, region restriction with
// aws:RequestedRegion, and the IAM best practices that Identity Center
// serves.
const (
	qBPAEither  = "When Amazon S3 receives a request to access a bucket or an object, it determines whether the bucket or the bucket owner's account has a block public access setting applied; it rejects the request if any of the applicable settings blocks it (paraphrase)."
	qReqTags    = "Checks if your resources have the tags that you specify. For example, you can check whether your Amazon EC2 instances have the CostCenter tag."
	qTagCase    = "Tag keys and values are case sensitive (paraphrase of the tagging documentation)."
	qRegionDeny = "A service control policy with a Deny on aws:RequestedRegion outside the approved list keeps workloads out of other Regions (paraphrase of the SCP example 'Deny access to AWS based on the requested AWS Region')."
	qExpDays    = "Days: Indicates the lifetime, in days, of the objects that are subject to the rule."
	qRuleStatus = "Status: If 'Enabled', the rule is currently being applied. If 'Disabled', the rule is not currently being applied."
	qGDAdminAcc = "GetAdministratorAccount provides the details of the GuardDuty administrator account associated with the current GuardDuty member account; RelationshipStatus is the member's status with it (paraphrase)."
	qSHAdminAcc = "GetAdministratorAccount provides the details for the Security Hub administrator account for the current member account (paraphrase)."
	qFederation = "Require human users to use federation with an identity provider to access AWS using temporary credentials."
	qLeastPriv  = "Apply least-privilege permissions: grant only the permissions required to perform a task (paraphrase)."
	qRemoveUnus = "Regularly review and remove unused users, roles, permissions, policies, and credentials."
	qGroups     = "Assigning a permission set to a group gives every member of the group access, and access changes with group membership in the identity source (paraphrase)."
	qAutoTags   = "AutoTags are tags that identify information about the origin of a provisioned resource in AWS Service Catalog and are automatically applied by AWS Service Catalog to provisioned resources."
	qAutoProd   = "aws:servicecatalog:productArn - The ARN of the product from which the provisioned product was launched."
	qTrustWho   = "A role trust policy is the resource-based policy attached to a role that defines which principals can assume the role (paraphrase)."
	qTrustAcct  = "When you specify an AWS account in the Principal element of a trust policy, every principal of that account whose own policies allow sts:AssumeRole may assume the role (paraphrase)."
	qMFAPresent = "aws:MultiFactorAuthPresent: use this key to check whether multi-factor authentication (MFA) was used to validate the temporary security credentials that made the request (paraphrase)."
	trustDoc    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html"
	mfaKeyDoc   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
	autoTagsDoc = "https://docs.aws.amazon.com/servicecatalog/latest/adminguide/autotags.html"
	bpaDoc      = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"
	reqTagsDoc  = "https://docs.aws.amazon.com/config/latest/developerguide/required-tags.html"
	taggingDoc  = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"
	regionSCP   = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html"
	lifecycDoc  = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html"
	lcRuleDoc   = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html"
	gdAdminDoc  = "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetAdministratorAccount.html"
	shAdminDoc  = "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetAdministratorAccount.html"
	iamBestDoc  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"
	icAssignDoc = "https://docs.aws.amazon.com/singlesignon/latest/userguide/useraccess.html"
)

// farRegion adds ap-south-1 to the workload account, with the baseline's
// instance, VPC, database and function in it.
func farRegion(f *fx) {
	f.regions[acctW] = append(f.regions[acctW], "ap-south-1")
	f.baselineRegion(acctW, "ap-south-1")
}

func lifecycle(f *fx, days int, status string) {
	f.setRes(acctL, "global", "s3", "GetBucketLifecycleConfiguration", trailBucket,
		map[string]any{"Rules": []map[string]any{{"Status": status, "Expiration": map[string]any{"Days": days}}}})
}

// trustOf replaces the trust policy of a role of the workload account.
func trustOf(f *fx, role, doc string) {
	d := op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
	for i := range d.RoleDetailList {
		if awsv2.ToString(d.RoleDetailList[i].RoleName) == role {
			d.RoleDetailList[i].AssumeRolePolicyDocument = awsv2.String(url.QueryEscape(doc))
		}
	}
}

// dropRole deletes a role of the workload account.
func dropRole(f *fx, role string) {
	d := op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
	var keep []iamtypes.RoleDetail
	for _, r := range d.RoleDetailList {
		if awsv2.ToString(r.RoleName) != role {
			keep = append(keep, r)
		}
	}
	d.RoleDetailList = keep
}

func bucketTags(f *fx, tags ...s3types.Tag) {
	res[s3.GetBucketTaggingOutput](f, acctW, "global", "s3", "GetBucketTagging", "data-"+acctW).TagSet = tags
}

func gdAdmin(f *fx) *guardduty.GetAdministratorAccountOutput {
	return res[guardduty.GetAdministratorAccountOutput](f, acctW, region1, "guardduty", "GetAdministratorAccount", "det"+acctW)
}

func init() {
	data := "data-" + acctW
	addDocCases(
		// Effective Block Public Access: bucket OR account
		docCase{Rule: "lz.bucket-effective-public-access-block", Source: bpaDoc, Quote: qBPAEither, Name: "neither the bucket nor the account blocks",
			Mutate: func(f *fx) { openPAB(f, acctW, data) }, Resource: data, Want: findings.Failed},
		docCase{Rule: "lz.bucket-effective-public-access-block", Source: bpaDoc, Quote: qBPAEither, Name: "the account blocks, the bucket does not",
			Mutate: func(f *fx) {
				f.setResErr(acctW, "global", "s3", "GetPublicAccessBlock", data, "NoSuchPublicAccessBlockConfiguration")
			},
			Resource: data, Want: findings.Passed},
		docCase{Rule: "lz.bucket-effective-public-access-block", Source: bpaDoc, Quote: qBPAEither, Name: "the bucket blocks, the account does not",
			Mutate: func(f *fx) {
				f.setErr(acctW, "global", "s3control", "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration")
			},
			Resource: data, Want: findings.Passed},

		// REQUIRED_TAGS over instances, VPCs and databases
		docCase{Rule: "lz.required-tags", Source: reqTagsDoc, Quote: qReqTags, Name: "an instance without the Owner tag",
			Mutate: func(f *fx) { instance(f).Tags = nil }, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "lz.required-tags", Source: reqTagsDoc, Quote: qReqTags, Name: "an instance with the Owner tag", Resource: "instance/i-0001", Want: findings.Passed},
		docCase{Rule: "lz.required-tags", Source: taggingDoc, Quote: qTagCase, Name: "a database tagged owner (lower case)",
			Mutate: func(f *fx) { db(f).TagList[0].Key = awsv2.String("owner") }, Resource: "db:db1", Want: findings.Failed},

		// Approved products: Service Catalog AutoTags on instances
		docCase{Rule: "lz.instance-approved-product", Source: autoTagsDoc, Quote: qAutoTags, Name: "an instance launched by hand (no AutoTags)",
			Mutate: func(f *fx) { instance(f).Tags = nil }, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "lz.instance-approved-product", Source: autoTagsDoc, Quote: qAutoTags, Name: "an instance a provisioned product launched",
			Resource: "instance/i-0001", Want: findings.Passed},
		docCase{Rule: "lz.instance-approved-product", Source: autoTagsDoc, Quote: qAutoProd, Name: "launched from a product of the account's own catalog",
			Mutate: func(f *fx) {
				for k := range instance(f).Tags {
					if awsv2.ToString(instance(f).Tags[k].Key) == tagSCProduct {
						instance(f).Tags[k].Value = awsv2.String("arn:aws:catalog:" + region1 + ":" + acctW + ":product/prod-local01")
					}
				}
			}, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "lz.instance-approved-product", Source: autoTagsDoc, Quote: qAutoTags, Name: "an instance by hand in an account outside the OUs",
			Mutate: func(f *fx) {
				instance(f).Tags = nil
				for i := range f.org.Accounts {
					if f.org.Accounts[i].Id == acctW {
						f.org.Accounts[i].ParentId = "r-root"
					}
				}
			}, Want: findings.NotApplicable},

		// Cross-account roles of the baseline: trust only Audit, MFA for break-glass
		docCase{Rule: "lz.cross-account-role-trust", Source: trustDoc, Quote: qTrustAcct, Name: "roles trusted by the Audit account",
			Resource: "role/OrgrailAuditReadOnly", Want: findings.Passed},
		docCase{Rule: "lz.cross-account-role-trust", Source: trustDoc, Quote: qTrustWho, Name: "the audit role also trusts another account",
			Mutate: func(f *fx) {
				trustOf(f, "OrgrailAuditReadOnly", strings.Replace(auditTrust, `"arn:aws:iam::`+acctA+`:root"`, `["arn:aws:iam::`+acctA+`:root","arn:aws:iam::999999999999:root"]`, 1))
			}, Resource: "role/OrgrailAuditReadOnly", Want: findings.Failed},
		docCase{Rule: "lz.cross-account-role-trust", Source: trustDoc, Quote: qTrustWho, Name: "the break-glass role was deleted",
			Mutate: func(f *fx) { dropRole(f, "OrgrailBreakGlass") }, Resource: "role/OrgrailBreakGlass", Want: findings.Failed},
		docCase{Rule: "lz.cross-account-role-trust", Source: mfaKeyDoc, Quote: qMFAPresent, Name: "break-glass assumable without MFA",
			Mutate: func(f *fx) { trustOf(f, "OrgrailBreakGlass", auditTrust) }, Resource: "role/OrgrailBreakGlass", Want: findings.Failed},
		docCase{Rule: "lz.cross-account-role-trust", Source: trustDoc, Quote: qTrustAcct, Name: "a role of the Audit account as principal",
			Mutate: func(f *fx) {
				trustOf(f, "OrgrailAuditReadOnly", strings.Replace(auditTrust, acctA+`:root`, acctA+`:role/SecurityTeam`, 1))
			}, Resource: "role/OrgrailAuditReadOnly", Want: findings.Passed},
		docCase{Rule: "lz.cross-account-role-trust", Source: trustDoc, Quote: qTrustWho, Name: "a service principal in the trust",
			Mutate: func(f *fx) {
				trustOf(f, "OrgrailAuditReadOnly", strings.Replace(auditTrust, `{"AWS":"arn:aws:iam::`+acctA+`:root"}`, `{"AWS":"arn:aws:iam::`+acctA+`:root","Service":"ec2.amazonaws.com"}`, 1))
			}, Resource: "role/OrgrailAuditReadOnly", Want: findings.Failed},

		// REQUIRED_TAGS over buckets
		docCase{Rule: "lz.bucket-required-tags", Source: reqTagsDoc, Quote: qReqTags, Name: "a bucket without tags",
			Mutate: func(f *fx) { f.setResErr(acctW, "global", "s3", "GetBucketTagging", data, "NoSuchTagSet") }, Resource: data, Want: findings.Failed},
		docCase{Rule: "lz.bucket-required-tags", Source: reqTagsDoc, Quote: qReqTags, Name: "a bucket with the Owner tag", Resource: data, Want: findings.Passed},
		docCase{Rule: "lz.bucket-required-tags", Source: taggingDoc, Quote: qTagCase, Name: "a bucket tagged OWNER",
			Mutate: func(f *fx) { bucketTags(f, s3types.Tag{Key: awsv2.String("OWNER"), Value: awsv2.String("team")}) }, Resource: data, Want: findings.Failed},

		// Allowed regions
		docCase{Rule: "lz.allowed-regions", Source: regionSCP, Quote: qRegionDeny, Name: "workloads in a region outside the list",
			Mutate: farRegion, Want: findings.Failed},
		docCase{Rule: "lz.allowed-regions", Source: regionSCP, Quote: qRegionDeny, Name: "workloads only in the allowed region", Want: findings.Passed},
		docCase{Rule: "lz.allowed-regions", Source: regionSCP, Quote: qRegionDeny, Name: "a region outside the list with only its default VPC",
			Mutate: func(f *fx) {
				farRegion(f)
				r := "ap-south-1"
				op[ec2.DescribeInstancesOutput](f, acctW, r, "ec2", "DescribeInstances").Reservations = nil
				op[ec2.DescribeVpcsOutput](f, acctW, r, "ec2", "DescribeVpcs").Vpcs = []ec2types.Vpc{{VpcId: awsv2.String("vpc-def"), IsDefault: awsv2.Bool(true)}}
				op[rds.DescribeDBInstancesOutput](f, acctW, r, "rds", "DescribeDBInstances").DBInstances = nil
				op[lambda.ListFunctionsOutput](f, acctW, r, "lambda", "ListFunctions").Functions = nil
			}, Want: findings.Passed},

		// Log retention of the Log Archive bucket (365 days declared)
		docCase{Rule: "lz.log-retention", Source: lifecycDoc, Quote: qExpDays, Name: "objects expire after 30 days",
			Mutate: func(f *fx) { lifecycle(f, 30, "Enabled") }, Account: acctM, Want: findings.Failed},
		docCase{Rule: "lz.log-retention", Source: lifecycDoc, Quote: qExpDays, Name: "objects expire after 400 days", Account: acctM, Want: findings.Passed},
		docCase{Rule: "lz.log-retention", Source: lcRuleDoc, Quote: qRuleStatus, Name: "a disabled 30-day expiration",
			Mutate: func(f *fx) { lifecycle(f, 30, "Disabled") }, Account: acctM, Want: findings.Passed},

		// GuardDuty administered by the Audit account
		docCase{Rule: "lz.guardduty-administered-by-audit", Source: gdAdminDoc, Quote: qGDAdminAcc, Name: "the Audit account, relationship Enabled", Want: findings.Passed},
		docCase{Rule: "lz.guardduty-administered-by-audit", Source: gdAdminDoc, Quote: qGDAdminAcc, Name: "the management account administers the detector",
			Mutate: func(f *fx) {
				gdAdmin(f).Administrator = &gdtypes.Administrator{AccountId: awsv2.String(acctM), RelationshipStatus: awsv2.String("Enabled")}
			}, Want: findings.Failed},
		docCase{Rule: "lz.guardduty-administered-by-audit", Source: gdAdminDoc, Quote: qGDAdminAcc, Name: "the Audit account, relationship Resigned",
			Mutate: func(f *fx) { gdAdmin(f).Administrator.RelationshipStatus = awsv2.String("Resigned") }, Want: findings.Failed},
		docCase{Rule: "lz.guardduty-administered-by-audit", Source: cfgDoc("guardduty-enabled-centralized"), Quote: qGuardDuty, Name: "GuardDuty not enabled",
			Mutate: func(f *fx) {
				op[guardduty.ListDetectorsOutput](f, acctW, region1, "guardduty", "ListDetectors").DetectorIds = nil
			}, Want: findings.NotApplicable},

		// Security Hub administered by the Audit account
		docCase{Rule: "lz.securityhub-administered-by-audit", Source: shAdminDoc, Quote: qSHAdminAcc, Name: "the Audit account, member Enabled", Want: findings.Passed},
		docCase{Rule: "lz.securityhub-administered-by-audit", Source: shAdminDoc, Quote: qSHAdminAcc, Name: "no administrator",
			Mutate: func(f *fx) {
				f.set(acctW, region1, "securityhub", "GetAdministratorAccount", &securityhub.GetAdministratorAccountOutput{})
			}, Want: findings.Failed},
		docCase{Rule: "lz.securityhub-administered-by-audit", Source: shAdminDoc, Quote: qSHAdminAcc, Name: "another account administers the hub",
			Mutate: func(f *fx) {
				f.set(acctW, region1, "securityhub", "GetAdministratorAccount", &securityhub.GetAdministratorAccountOutput{Administrator: &shtypes.Invitation{
					AccountId: awsv2.String(acctL), MemberStatus: awsv2.String("Enabled")}})
			}, Want: findings.Failed},
		docCase{Rule: "lz.securityhub-administered-by-audit", Source: cfgDoc("securityhub-enabled"), Quote: qSecHub, Name: "Security Hub not enabled",
			Mutate: func(f *fx) { f.setErr(acctW, region1, "securityhub", "DescribeHub", "InvalidAccessException") }, Want: findings.NotApplicable},

		// Identity Center: administrator access only where needed
		docCase{Rule: "identity.admin-assigned-broadly", Source: iamBestDoc, Quote: qLeastPriv, Name: "AdministratorAccess in every account",
			Mutate: func(f *fx) {
				for _, a := range []string{acctM, acctA, acctL} {
					f.assign(fxPSAdmin, a, ssotypes.PrincipalTypeGroup, "group-AdministratorAccess")
				}
			}, Account: acctM, Resource: "ps-admin", Want: findings.Failed},
		docCase{Rule: "identity.admin-assigned-broadly", Source: iamBestDoc, Quote: qLeastPriv, Name: "AdministratorAccess in the team's one account",
			Account: acctM, Resource: "ps-admin", Want: findings.Passed},
		docCase{Rule: "identity.admin-assigned-broadly", Source: iamBestDoc, Quote: qLeastPriv, Name: "ReadOnly in every account",
			Account: acctM, Resource: "ps-read", Want: findings.NotApplicable},

		// Identity Center: assignments to groups
		docCase{Rule: "identity.assignment-to-group", Source: icAssignDoc, Quote: qGroups, Name: "ReadOnly assigned to a user directly",
			Mutate: func(f *fx) { f.assign(fxPSRead, acctW, ssotypes.PrincipalTypeUser, "user-dan") }, Resource: "ps-read", Want: findings.Failed},
		docCase{Rule: "identity.assignment-to-group", Source: icAssignDoc, Quote: qGroups, Name: "assignments to groups only", Resource: "ps-read", Want: findings.Passed},
		docCase{Rule: "identity.assignment-to-group", Source: icAssignDoc, Quote: qGroups, Name: "a user assignment of another permission set",
			Mutate: func(f *fx) { f.assign(fxPSRead, acctW, ssotypes.PrincipalTypeUser, "user-dan") }, Resource: "ps-admin", Want: findings.Passed},

		// Identity Center: unused permission sets
		docCase{Rule: "identity.unused-permission-set", Source: iamBestDoc, Quote: qRemoveUnus, Name: "AdministratorAccess assigned nowhere",
			Mutate: func(f *fx) {
				ff := f.file(acctM, region1, "ssoadmin")
				delete(ff.res["ListAccountAssignments"], fxPSAdmin+"|"+acctW)
				ff.res["ListAccountsForProvisionedPermissionSet"][fxPSAdmin] = &ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: []string{}}
			}, Account: acctM, Resource: "ps-admin", Want: findings.Failed},
		docCase{Rule: "identity.unused-permission-set", Source: iamBestDoc, Quote: qRemoveUnus, Name: "every permission set assigned", Account: acctM, Resource: "ps-admin", Want: findings.Passed},
		docCase{Rule: "identity.unused-permission-set", Source: iamBestDoc, Quote: qRemoveUnus, Name: "provisioned in an account but assigned to nobody",
			Mutate: func(f *fx) {
				ff := f.file(acctM, region1, "ssoadmin")
				ff.res["ListAccountAssignments"][fxPSAdmin+"|"+acctW] = &ssoadmin.ListAccountAssignmentsOutput{}
			}, Account: acctM, Resource: "ps-admin", Want: findings.Failed},

		// Identity Center: people use temporary credentials
		docCase{Rule: "identity.iam-user-access-keys", Source: iamBestDoc, Quote: qFederation, Name: "a user with an active access key", Resource: "user/alice", Want: findings.Failed},
		docCase{Rule: "identity.iam-user-access-keys", Source: iamBestDoc, Quote: qFederation, Name: "a console user without access keys",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "reader", true, true, -1, 0)) }, Resource: "user/reader", Want: findings.Passed},
		docCase{Rule: "identity.iam-user-access-keys", Source: iamBestDoc, Quote: qFederation, Name: "no Identity Center instance",
			Mutate: func(f *fx) {
				ff := f.file(acctM, region1, "ssoadmin")
				ff.ops["ListInstances"] = map[string]any{"Instances": []any{}}
				ff.res = map[string]map[string]any{}
			}, Want: findings.NotApplicable},
	)
}
