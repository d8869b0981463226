package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	docS3AccountPAB = "https://docs.aws.amazon.com/config/latest/developerguide/s3-account-level-public-access-blocks-periodic.html"
	docS3BucketPAB  = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-level-public-access-prohibited.html"
	docS3Read       = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-read-prohibited.html"
	docS3Write      = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-write-prohibited.html"
	docS3TLS        = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl-requests-only.html"
	docS3SSE        = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-server-side-encryption-enabled.html"
	docS3Versioning = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-versioning-enabled.html"
	docS3Logging    = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-logging-enabled.html"
	docS3ACL        = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-acl-prohibited.html"
)

const (
	qS3BucketPAB = "The rule is NON_COMPLIANT if an S3 bucket is not listed in the excludedPublicBuckets parameter and bucket level settings are public."
	qS3ReadPol   = "If the Block Public Access setting does not restrict public policies, AWS Config evaluates whether the policy allows public read access. If the policy allows public read access, the rule is noncompliant."
	qS3Fixed     = "To be considered non-public, an S3 bucket policy must grant access only to fixed values. This means values that don't contain a wildcard or the following IAM policy element: Variables."
	qS3Restricts = "The Block Public Access setting restricts public policies or the bucket policy does not allow public read access."
	qS3WriteACL  = "If the Block Public Access setting does not restrict public bucket ACLs, AWS Config evaluates whether the bucket ACL allows public write access. If the bucket ACL allows public write access, the rule is noncompliant."
	qS3Logging   = "Checks if logging is enabled for your S3 buckets. The rule is NON_COMPLIANT if logging is not enabled."
)

var dataW = "data-" + acctW

func init() {
	addDocCases(
		// S3.1
		docCase{Rule: "s3.account-public-access-block", Source: docS3AccountPAB, Name: "no account-level block",
			Quote: "The rule is NON_COMPLIANT if the configuration item does not match one or more settings from parameters (or default).",
			Mutate: func(f *fx) {
				f.setErr(acctW, "global", "s3control", "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration")
			}, Want: findings.Failed},
		docCase{Rule: "s3.account-public-access-block", Source: docS3AccountPAB, Name: "all four settings on",
			Quote: "Checks if the required public access block settings are configured from account level.", Want: findings.Passed},
		docCase{Rule: "s3.account-public-access-block", Source: docS3AccountPAB, Name: "three of four settings on",
			Quote: "The rule is NON_COMPLIANT if the configuration item does not match one or more settings from parameters (or default).",
			Mutate: func(f *fx) {
				op[s3control.GetPublicAccessBlockOutput](f, acctW, "global", "s3control", "GetPublicAccessBlock").PublicAccessBlockConfiguration.RestrictPublicBuckets = awsv2.Bool(false)
			}, Want: findings.Failed},

		// S3.8
		docCase{Rule: "s3.bucket-public-access-block", Source: docS3BucketPAB, Quote: qS3BucketPAB, Name: "no block anywhere",
			Mutate: func(f *fx) { openPAB(f, acctW, dataW) }, Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-public-access-block", Source: docS3BucketPAB, Quote: qS3BucketPAB, Name: "bucket blocks all four",
			Resource: dataW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-public-access-block", Source: docS3BucketPAB, Quote: qS3BucketPAB,
			Name: "bucket-level settings off while the account blocks (a bucket-level check)",
			Mutate: func(f *fx) {
				f.setResErr(acctW, "global", "s3", "GetPublicAccessBlock", dataW, "NoSuchPublicAccessBlockConfiguration")
			}, Resource: dataW, Want: findings.Failed},

		// S3.2
		docCase{Rule: "s3.bucket-public-read", Source: docS3Read, Quote: qS3ReadPol, Name: "policy grants s3:GetObject to everyone",
			Mutate: func(f *fx) {
				openPAB(f, acctW, dataW)
				setBucketPolicy(f, acctW, dataW, bucketPolicyWith(dataW, "s3:GetObject", ""), true)
			}, Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-public-read", Source: docS3Read, Quote: qS3Restricts, Name: "public policy, Block Public Access restricts it",
			Mutate:   func(f *fx) { setBucketPolicy(f, acctW, dataW, bucketPolicyWith(dataW, "s3:GetObject", ""), false) },
			Resource: dataW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-public-read", Source: docS3Read, Quote: qS3Fixed, Name: "aws:PrincipalOrgID with a wildcard value (o-*)",
			Mutate: func(f *fx) {
				openPAB(f, acctW, dataW)
				setBucketPolicy(f, acctW, dataW, bucketPolicyWith(dataW, "s3:GetObject", `{"StringLike":{"aws:PrincipalOrgID":"o-*"}}`), true)
			}, Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-public-read", Source: docS3Read, Quote: qS3Fixed, Name: "aws:PrincipalOrgID with a fixed value",
			Mutate: func(f *fx) {
				openPAB(f, acctW, dataW)
				setBucketPolicy(f, acctW, dataW, bucketPolicyWith(dataW, "s3:GetObject", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`), false)
			}, Resource: dataW, Want: findings.Passed},

		// S3.3
		docCase{Rule: "s3.bucket-public-write", Source: docS3Write, Quote: qS3WriteACL, Name: "ACL grants WRITE to AllUsers",
			Mutate: func(f *fx) {
				openPAB(f, acctW, dataW)
				acl := res[s3.GetBucketAclOutput](f, acctW, "global", "s3", "GetBucketAcl", dataW)
				acl.Grants = append(acl.Grants, s3types.Grant{Grantee: &s3types.Grantee{URI: awsv2.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: s3types.PermissionWrite})
			}, Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-public-write", Source: docS3Write,
			Quote: "The Block Public Access setting restricts public ACLs or the bucket ACL does not allow public write access.",
			Name:  "public WRITE grant ignored by IgnorePublicAcls",
			Mutate: func(f *fx) {
				acl := res[s3.GetBucketAclOutput](f, acctW, "global", "s3", "GetBucketAcl", dataW)
				acl.Grants = append(acl.Grants, s3types.Grant{Grantee: &s3types.Grantee{URI: awsv2.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: s3types.PermissionWrite})
			}, Resource: dataW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-public-write", Source: docS3Write, Quote: qS3Fixed, Name: "s3:PutObject to everyone from vpce-*",
			Mutate: func(f *fx) {
				openPAB(f, acctW, dataW)
				setBucketPolicy(f, acctW, dataW, bucketPolicyWith(dataW, "s3:PutObject", `{"StringLike":{"aws:SourceVpce":"vpce-*"}}`), true)
			}, Resource: dataW, Want: findings.Failed},

		// S3.5
		docCase{Rule: "s3.bucket-tls-only", Source: docS3TLS, Name: "no bucket policy",
			Quote:    "Checks if S3 buckets have policies that require requests to use SSL/TLS. The rule is NON_COMPLIANT if any S3 bucket has policies allowing HTTP requests.",
			Mutate:   func(f *fx) { f.setResErr(acctW, "global", "s3", "GetBucketPolicy", dataW, "NoSuchBucketPolicy") },
			Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-tls-only", Source: docS3TLS, Name: "deny when aws:SecureTransport is false",
			Quote:    "Checks if S3 buckets have policies that require requests to use SSL/TLS.",
			Resource: dataW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-tls-only", Source: docS3TLS, Name: "a policy without the TLS deny",
			Quote: "The rule is NON_COMPLIANT if any S3 bucket has policies allowing HTTP requests.",
			Mutate: func(f *fx) {
				res[s3.GetBucketPolicyOutput](f, acctW, "global", "s3", "GetBucketPolicy", dataW).Policy = awsv2.String(
					`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctW + `:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + dataW + `/*"}]}`)
			}, Resource: dataW, Want: findings.Failed},

		// S3.4
		docCase{Rule: "s3.bucket-default-encryption", Source: docS3SSE, Name: "no default encryption",
			Quote: "The rule is NON_COMPLIANT if your Amazon S3 bucket is not encrypted by default.",
			Mutate: func(f *fx) {
				f.setResErr(acctW, "global", "s3", "GetBucketEncryption", dataW, "ServerSideEncryptionConfigurationNotFoundError")
			}, Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-default-encryption", Source: docS3SSE, Name: "SSE-S3 default encryption",
			Quote:    "Checks if your Amazon S3 bucket either has the Amazon S3 default encryption enabled",
			Resource: dataW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-default-encryption", Source: docS3SSE, Name: "SSE-KMS default encryption",
			Quote: "Checks if your Amazon S3 bucket either has the Amazon S3 default encryption enabled",
			Mutate: func(f *fx) {
				res[s3.GetBucketEncryptionOutput](f, acctW, "global", "s3", "GetBucketEncryption", dataW).ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm = s3types.ServerSideEncryptionAwsKms
			}, Resource: dataW, Want: findings.Passed},

		// S3.14
		docCase{Rule: "s3.bucket-versioning", Source: docS3Versioning, Name: "versioning suspended",
			Quote: "Checks if versioning is enabled for your S3 buckets.",
			Mutate: func(f *fx) {
				res[s3.GetBucketVersioningOutput](f, acctW, "global", "s3", "GetBucketVersioning", dataW).Status = s3types.BucketVersioningStatusSuspended
			}, Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-versioning", Source: docS3Versioning, Name: "versioning enabled",
			Quote: "Checks if versioning is enabled for your S3 buckets.", Resource: dataW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-versioning", Source: docS3Versioning, Name: "versioning never configured",
			Quote: "Checks if versioning is enabled for your S3 buckets.",
			Mutate: func(f *fx) {
				res[s3.GetBucketVersioningOutput](f, acctW, "global", "s3", "GetBucketVersioning", dataW).Status = ""
			}, Resource: dataW, Want: findings.Failed},

		// S3.9
		docCase{Rule: "s3.bucket-logging", Source: docS3Logging, Quote: qS3Logging, Name: "logging off",
			Mutate: func(f *fx) {
				res[s3.GetBucketLoggingOutput](f, acctW, "global", "s3", "GetBucketLogging", dataW).LoggingEnabled = nil
			}, Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-logging", Source: docS3Logging, Quote: qS3Logging, Name: "logging on", Resource: dataW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-logging", Source: docS3Logging, Quote: qS3Logging,
			Name: "the log target bucket without logging of its own (no exception in the text)",
			Mutate: func(f *fx) {
				f.addBucket(acctW, "logs-"+acctW)
				res[s3.GetBucketLoggingOutput](f, acctW, "global", "s3", "GetBucketLogging", "logs-"+acctW).LoggingEnabled = nil
			}, Resource: "logs-" + acctW, Want: findings.Failed},

		// S3.12
		docCase{Rule: "s3.bucket-acl-prohibited", Source: docS3ACL, Name: "ACL grants another canonical user",
			Quote: "The rule is NON_COMPLIANT if ACLs are configured for user access in Amazon S3 Buckets.",
			Mutate: func(f *fx) {
				acl := res[s3.GetBucketAclOutput](f, acctW, "global", "s3", "GetBucketAcl", dataW)
				acl.Grants = append(acl.Grants, s3types.Grant{Grantee: &s3types.Grantee{ID: awsv2.String("partner"), Type: s3types.TypeCanonicalUser}, Permission: s3types.PermissionRead})
			}, Resource: dataW, Want: findings.Failed},
		docCase{Rule: "s3.bucket-acl-prohibited", Source: docS3ACL, Name: "only the owner's grant",
			Quote: "Checks if Amazon S3 Buckets allow user permissions through access control lists (ACLs).", Resource: dataW, Want: findings.Passed},
		docCase{Rule: "s3.bucket-acl-prohibited", Source: docS3ACL, Name: "ACL grants READ to AuthenticatedUsers",
			Quote: "The rule is NON_COMPLIANT if ACLs are configured for user access in Amazon S3 Buckets.",
			Mutate: func(f *fx) {
				acl := res[s3.GetBucketAclOutput](f, acctW, "global", "s3", "GetBucketAcl", dataW)
				acl.Grants = append(acl.Grants, s3types.Grant{Grantee: &s3types.Grantee{URI: awsv2.String("http://acs.amazonaws.com/groups/global/AuthenticatedUsers")}, Permission: s3types.PermissionRead})
			}, Resource: dataW, Want: findings.Failed},
	)
}
