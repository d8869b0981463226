package rules

import (
	"net/url"
	"strings"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Documented outcomes of the IAM policy and credential rules not
// covered in awsdocs_cases_test.go. Security Hub sentences are quoted
// from the control pages (as archived in
// github.com/awsdocs/aws-security-hub-user-guide, 2023).
const (
	qIAM19     = "Checks if the AWS Identity and Access Management (IAM) users have multi-factor authentication (MFA) enabled. The rule is NON_COMPLIANT if MFA is not enabled for at least one IAM user."
	qIAM21     = "The rule is NON_COMPLIANT if any customer managed IAM policy allows full access to at least 1 AWS service."
	qIAM21Pfx  = "This rule will return COMPLIANT if you use prefixed actions with a suffixed wildcard (for example, ec2:Describe*). This rule will only return NON_COMPLIANT if you use unrestricted wildcards (for example, ec2:*)."
	qIAM21Inl  = "This rule only evaluates customer managed policies. This rule does NOT evaluate inline policies or AWS managed policies."
	qIAM22     = "This control checks whether your IAM users have passwords or active access keys that have not been used for 45 days or more."
	qKMS1      = "This control fails, and flags the policy as FAILED, if the policy is open enough to allow kms:Decrypt or kms:ReEncryptFrom actions on any arbitrary KMS key."
	qKMS1Cond  = "The control only checks KMS keys in the Resource element and doesn't take into account any conditionals in the Condition element of a policy. In addition, the control evaluates both attached and unattached customer managed policies. It doesn't check inline policies or AWS managed policies."
	qKMS2      = "This control checks whether the inline policies that are embedded in your IAM identities (role, user, or group) allow the AWS KMS decryption and re-encryption actions on all KMS keys."
	qKMS2Cond  = "The control only checks KMS keys in the Resource element and doesn't take into account any conditionals in the Condition element of a policy."
	qInline    = "Checks if the inline policy feature is not in use. The rule is NON_COMPLIANT if an AWS Identity and Access Management (IAM) user, IAM role or IAM group has any inline policy."
	qIAM27     = "[IAM.27] IAM identities should not have the AWSCloudShellFullAccess policy attached (CIS 1.22: Ensure access to AWSCloudShellFullAccess is restricted)."
	qCloudSh   = "The AWSCloudShellFullAccess policy uses the wildcard (*) character to give the IAM identity (user, role, or group) full access to AWS CloudShell and features. You can also use the AWSCloudShellFullAccess policy as a template for custom policies that are more restrictive."
	qTwoKeys   = "CIS 1.13, Ensure there is only one active access key available for any single IAM user; IAM lets a user hold at most two access keys, both of which may be active during a rotation (paraphrase)."
	cloudShDoc = "https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html"
	accessKeys = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"
)

func details(f *fx) *iam.GetAccountAuthorizationDetailsOutput {
	return op[iam.GetAccountAuthorizationDetailsOutput](f, acctW, "global", "iam", "GetAccountAuthorizationDetails")
}

func inlineDoc(doc string) []iamtypes.PolicyDetail {
	return []iamtypes.PolicyDetail{{PolicyName: awsv2.String("inline"), PolicyDocument: awsv2.String(url.QueryEscape(doc))}}
}

// staleConsoleUser is a console user whose password was last used d days
// ago and who holds no access key.
func staleConsoleUser(name string, d int) string {
	return strings.Replace(userRow(acctW, name, true, true, -1, 0), ","+ago(2)+",", ","+ago(d)+",", 1)
}

// twoKeys is a user with two active access keys.
func twoKeys(name string) string {
	return strings.Replace(userRow(acctW, name, false, true, 10, 1), ",false,N/A,N/A,N/A,N/A,false", ",true,"+ago(5)+","+ago(1)+",us-east-1,s3,false", 1)
}

func allow(action, resource, cond string) string {
	c := ""
	if cond != "" {
		c = `,"Condition":` + cond
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"` + c + `}]}`
}

func init() {
	keyArn := "arn:aws:kms:us-east-1:" + acctW + ":key/key-" + acctW
	viaS3 := `{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}`
	iam19, iam21, iam22 := cfgDoc("iam-user-mfa-enabled"), cfgDoc("iam-policy-no-statements-with-full-access"), shDoc("iam-controls")
	kms, inl := shDoc("kms-controls"), cfgDoc("iam-no-inline-policy-check")
	addDocCases(
		// IAM.19
		docCase{Rule: "iam.user-mfa-enabled", Source: iam19, Quote: qIAM19, Name: "console user without MFA",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "bob", true, false, -1, 0)) }, Resource: "user/bob", Want: findings.Failed},
		docCase{Rule: "iam.user-mfa-enabled", Source: iam19, Quote: qIAM19, Name: "user with MFA", Resource: "user/alice", Want: findings.Passed},
		docCase{Rule: "iam.user-mfa-enabled", Source: iam19, Quote: qIAM19, Name: "a user without a console password and without MFA",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "bot", false, false, 10, 1)) }, Resource: "user/bot", Want: findings.Failed},

		// IAM.21
		docCase{Rule: "iam.no-service-wildcard-policies", Source: iam21, Quote: qIAM21Pfx, Name: "ec2:* on *",
			Mutate: func(f *fx) { setPolicyDoc(f, allow("ec2:*", "*", "")) }, Want: findings.Failed},
		docCase{Rule: "iam.no-service-wildcard-policies", Source: iam21, Quote: qIAM21Pfx, Name: "ec2:Describe* on *",
			Mutate: func(f *fx) { setPolicyDoc(f, allow("ec2:Describe*", "*", "")) }, Want: findings.Passed},
		docCase{Rule: "iam.no-service-wildcard-policies", Source: iam21, Quote: qIAM21Inl, Name: "s3:* only in an inline policy",
			Mutate: func(f *fx) { details(f).RoleDetailList[0].RolePolicyList = inlineDoc(allow("s3:*", "*", "")) }, Want: findings.Passed},
		docCase{Rule: "iam.no-service-wildcard-policies", Source: iam21, Quote: qIAM21, Name: "s3:* on one bucket",
			Mutate: func(f *fx) { setPolicyDoc(f, allow("s3:*", "arn:aws:s3:::data", "")) }, Want: findings.Failed},

		// IAM.22 (CIS 1.12)
		docCase{Rule: "iam.unused-credentials", Source: iam22, Quote: qIAM22, Name: "access key last used 100 days ago",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "old", false, true, 200, 100)) }, Resource: "user/old", Want: findings.Failed},
		docCase{Rule: "iam.unused-credentials", Source: iam22, Quote: qIAM22, Name: "access key used yesterday",
			Mutate: func(f *fx) { setUsers(f, userRow(acctW, "ci", false, true, 200, 1)) }, Resource: "user/ci", Want: findings.Passed},
		docCase{Rule: "iam.unused-credentials", Source: iam22, Quote: qIAM22, Name: "password unused for exactly 45 days",
			Mutate: func(f *fx) { setUsers(f, staleConsoleUser("eve", 45)) }, Resource: "user/eve", Want: findings.Failed},
		docCase{Rule: "iam.unused-credentials", Source: iam22, Quote: qIAM22, Name: "password unused for 44 days",
			Mutate: func(f *fx) { setUsers(f, staleConsoleUser("eve", 44)) }, Resource: "user/eve", Want: findings.Passed},

		// KMS.1
		docCase{Rule: "iam.no-kms-decrypt-all-keys", Source: kms, Quote: qKMS1, Name: "kms:Decrypt on *",
			Mutate: func(f *fx) { setPolicyDoc(f, allow("kms:Decrypt", "*", "")) }, Want: findings.Failed},
		docCase{Rule: "iam.no-kms-decrypt-all-keys", Source: kms, Quote: qKMS1, Name: "kms:Decrypt on one key",
			Mutate: func(f *fx) { setPolicyDoc(f, allow("kms:Decrypt", keyArn, "")) }, Want: findings.Passed},
		docCase{Rule: "iam.no-kms-decrypt-all-keys", Source: kms, Quote: qKMS1Cond, Name: "kms:ReEncryptFrom on * narrowed only by a condition",
			Mutate: func(f *fx) { setPolicyDoc(f, allow("kms:ReEncryptFrom", "*", viaS3)) }, Want: findings.Failed},
		docCase{Rule: "iam.no-kms-decrypt-all-keys", Source: kms, Quote: qKMS1Cond, Name: "kms:Decrypt on * only in an inline policy",
			Mutate: func(f *fx) { details(f).RoleDetailList[0].RolePolicyList = inlineDoc(allow("kms:Decrypt", "*", "")) }, Want: findings.Passed},

		// KMS.2
		docCase{Rule: "iam.no-inline-kms-decrypt-all-keys", Source: kms, Quote: qKMS2, Name: "inline kms:* on * on a role",
			Mutate: func(f *fx) { details(f).RoleDetailList[0].RolePolicyList = inlineDoc(allow("kms:*", "*", "")) }, Resource: "role/app", Want: findings.Failed},
		docCase{Rule: "iam.no-inline-kms-decrypt-all-keys", Source: kms, Quote: qKMS2, Name: "inline kms:Decrypt on one key",
			Mutate: func(f *fx) { details(f).RoleDetailList[0].RolePolicyList = inlineDoc(allow("kms:Decrypt", keyArn, "")) }, Resource: "role/app", Want: findings.Passed},
		docCase{Rule: "iam.no-inline-kms-decrypt-all-keys", Source: kms, Quote: qKMS2Cond, Name: "inline kms:Decrypt on * in a group, narrowed only by a condition",
			Mutate: func(f *fx) {
				details(f).GroupDetailList[0].GroupPolicyList = inlineDoc(allow("kms:Decrypt", "*", viaS3))
			}, Resource: "group/devs", Want: findings.Failed},
		docCase{Rule: "iam.no-inline-kms-decrypt-all-keys", Source: kms, Quote: qKMS1Cond, Name: "kms:Decrypt on * only in a managed policy",
			Mutate: func(f *fx) { setPolicyDoc(f, allow("kms:Decrypt", "*", "")) }, Want: findings.Passed},

		// IAM_NO_INLINE_POLICY_CHECK
		docCase{Rule: "iam.no-inline-policies", Source: inl, Quote: qInline, Name: "a role with an inline policy",
			Mutate: func(f *fx) { details(f).RoleDetailList[0].RolePolicyList = inlineDoc(allow("s3:GetObject", "*", "")) }, Resource: "role/app", Want: findings.Failed},
		docCase{Rule: "iam.no-inline-policies", Source: inl, Quote: qInline, Name: "managed policies only", Want: findings.Passed},
		docCase{Rule: "iam.no-inline-policies", Source: inl, Quote: qInline, Name: "a group with an inline policy",
			Mutate: func(f *fx) { details(f).GroupDetailList[0].GroupPolicyList = inlineDoc(allow("s3:GetObject", "*", "")) }, Resource: "group/devs", Want: findings.Failed},

		// IAM.27 (CIS 1.22)
		docCase{Rule: "iam.cloudshell-full-access-restricted", Source: iam22, Quote: qIAM27, Name: "AWSCloudShellFullAccess on a role",
			Mutate: func(f *fx) {
				r := &details(f).RoleDetailList[0]
				r.AttachedManagedPolicies = append(r.AttachedManagedPolicies, iamtypes.AttachedPolicy{PolicyName: awsv2.String("AWSCloudShellFullAccess"),
					PolicyArn: awsv2.String("arn:aws:iam::aws:policy/AWSCloudShellFullAccess")})
			}, Want: findings.Failed},
		docCase{Rule: "iam.cloudshell-full-access-restricted", Source: iam22, Quote: qIAM27, Name: "not attached anywhere", Want: findings.Passed},
		docCase{Rule: "iam.cloudshell-full-access-restricted", Source: cloudShDoc, Quote: qCloudSh, Name: "a restricted customer copy of the policy",
			Mutate: func(f *fx) { setPolicyDoc(f, allow("cloudshell:CreateSession", "*", "")) }, Want: findings.Passed},
		docCase{Rule: "iam.cloudshell-full-access-restricted", Source: cloudShDoc, Quote: qCloudSh, Name: "AWSCloudShellFullAccess on a group",
			Mutate: func(f *fx) {
				g := &details(f).GroupDetailList[0]
				g.AttachedManagedPolicies = append(g.AttachedManagedPolicies, iamtypes.AttachedPolicy{PolicyName: awsv2.String("AWSCloudShellFullAccess")})
			}, Want: findings.Failed},

		// CIS 1.13
		docCase{Rule: "iam.single-active-access-key", Source: accessKeys, Quote: qTwoKeys, Name: "two active keys",
			Mutate: func(f *fx) { setUsers(f, twoKeys("two")) }, Resource: "user/two", Want: findings.Failed},
		docCase{Rule: "iam.single-active-access-key", Source: accessKeys, Quote: qTwoKeys, Name: "one active key", Resource: "user/alice", Want: findings.Passed},
		docCase{Rule: "iam.single-active-access-key", Source: accessKeys, Quote: qTwoKeys, Name: "one active and one inactive key",
			Mutate: func(f *fx) {
				row := strings.Replace(userRow(acctW, "rot", false, true, 10, 1), ",false,N/A,N/A,N/A,N/A,false", ",false,"+ago(100)+",N/A,N/A,N/A,false", 1)
				setUsers(f, row)
			}, Resource: "user/rot", Want: findings.Passed},
	)
}
