package collect

import (
	"context"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
)

func init() {
	collectors["iam"] = collectIAM
	collectors["account"] = collectAccount
	collectors["s3"] = collectS3
	collectors["s3control"] = collectS3Control
}

func collectIAM(j *job) {
	c := iam.NewFromConfig(j.cfg)
	once(j, "GetAccountSummary", func(ctx context.Context) (*iam.GetAccountSummaryOutput, error) {
		return c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	})
	once(j, "GetAccountPasswordPolicy", func(ctx context.Context) (*iam.GetAccountPasswordPolicyOutput, error) {
		return c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	})
	once(j, "GetCredentialReport", func(ctx context.Context) (*iam.GetCredentialReportOutput, error) {
		return credentialReport(ctx, c)
	})
	details := once(j, "GetAccountAuthorizationDetails", func(ctx context.Context) (*iam.GetAccountAuthorizationDetailsOutput, error) {
		return authorizationDetails(ctx, c)
	})
	once(j, "ListVirtualMFADevices", func(ctx context.Context) (*iam.ListVirtualMFADevicesOutput, error) {
		p := iam.NewListVirtualMFADevicesPaginator(c, &iam.ListVirtualMFADevicesInput{})
		return allPages(ctx, &iam.ListVirtualMFADevicesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "ListSAMLProviders", func(ctx context.Context) (*iam.ListSAMLProvidersOutput, error) {
		return c.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	})
	once(j, "ListOpenIDConnectProviders", func(ctx context.Context) (*iam.ListOpenIDConnectProvidersOutput, error) {
		return c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	})
	collectServerCertificates(j, c)
	if details == nil {
		return
	}
	fanOut(j, details.UserDetailList, func(u iamtypes.UserDetail) {
		name := aws.ToString(u.UserName)
		each(j, "ListMFADevices", name, func(ctx context.Context) (*iam.ListMFADevicesOutput, error) {
			return c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: u.UserName})
		})
		keys := each(j, "ListAccessKeys", name, func(ctx context.Context) (*iam.ListAccessKeysOutput, error) {
			return c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: u.UserName})
		})
		if keys == nil {
			return
		}
		for _, k := range keys.AccessKeyMetadata {
			each(j, "GetAccessKeyLastUsed", aws.ToString(k.AccessKeyId), func(ctx context.Context) (*iam.GetAccessKeyLastUsedOutput, error) {
				return c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
			})
		}
	})
	j.run.noteManaged(details)
}

// credentialReport returns the account's credential report. IAM keeps a
// generated report for four hours and GenerateCredentialReport returns
// that same report while it is fresh, so the report is read first and
// generated only when IAM says there is none (ReportNotPresent) or it
// has expired (ReportExpired, ReportInProgress): the same freshness as
// generating first, one call fewer per account.
func credentialReport(ctx context.Context, c *iam.Client) (*iam.GetCredentialReportOutput, error) {
	out, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err == nil || !reportMissing(errorCode(err)) {
		return out, err
	}
	for i := 0; i < 30; i++ {
		g, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return nil, err
		}
		if g.State == iamtypes.ReportStateTypeComplete {
			return c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(200*(i+1)) * time.Millisecond):
		}
	}
	return c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
}

// reportMissing reports whether a GetCredentialReport error means the
// report must be generated first.
func reportMissing(code string) bool {
	switch code {
	case "ReportNotPresent", "ReportExpired", "ReportInProgress":
		return true
	}
	return false
}

func authorizationDetails(ctx context.Context, c *iam.Client) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	in := &iam.GetAccountAuthorizationDetailsInput{Filter: []iamtypes.EntityType{
		iamtypes.EntityTypeUser, iamtypes.EntityTypeRole, iamtypes.EntityTypeGroup, iamtypes.EntityTypeLocalManagedPolicy,
	}}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, in)
	return allPages(ctx, &iam.GetAccountAuthorizationDetailsOutput{}, p.HasMorePages, p.NextPage)
}

// noteManaged remembers the AWS-managed policies attached in an account,
// so their documents are collected once for the whole organization.
func (r *run) noteManaged(d *iam.GetAccountAuthorizationDetailsOutput) {
	add := func(ps []iamtypes.AttachedPolicy) {
		for _, p := range ps {
			arn := aws.ToString(p.PolicyArn)
			if strings.Contains(arn, ":iam::aws:policy/") {
				r.mu.Lock()
				seen := r.managed[arn]
				r.managed[arn] = true
				r.mu.Unlock()
				if !seen && r.managedFetch != nil {
					r.managedFetch.fetch(arn)
				}
			}
		}
	}
	for _, u := range d.UserDetailList {
		add(u.AttachedManagedPolicies)
	}
	for _, g := range d.GroupDetailList {
		add(g.AttachedManagedPolicies)
	}
	for _, ro := range d.RoleDetailList {
		add(ro.AttachedManagedPolicies)
	}
}

func collectAccount(j *job) {
	c := account.NewFromConfig(j.cfg)
	for _, t := range []accounttypes.AlternateContactType{
		accounttypes.AlternateContactTypeSecurity, accounttypes.AlternateContactTypeBilling, accounttypes.AlternateContactTypeOperations,
	} {
		each(j, "GetAlternateContact", string(t), func(ctx context.Context) (*account.GetAlternateContactOutput, error) {
			return c.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: t})
		})
	}
	once(j, "GetContactInformation", func(ctx context.Context) (*account.GetContactInformationOutput, error) {
		return c.GetContactInformation(ctx, &account.GetContactInformationInput{})
	})
}

func collectS3(j *job) {
	c := s3.NewFromConfig(j.cfg, pathStyle(j.cfg))
	list := once(j, "ListBuckets", func(ctx context.Context) (*s3.ListBucketsOutput, error) {
		p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{})
		return allPages(ctx, &s3.ListBucketsOutput{}, p.HasMorePages, p.NextPage)
	})
	if list == nil {
		return
	}
	fanOut(j, list.Buckets, func(b s3types.Bucket) {
		collectBucket(j, c, aws.ToString(b.Name))
	})
}

// collectBucket reads one bucket's configuration, in the bucket's region.
func collectBucket(j *job, c *s3.Client, name string) {
	b := aws.String(name)
	loc := each(j, "GetBucketLocation", name, func(ctx context.Context) (*s3.GetBucketLocationOutput, error) {
		return c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b})
	})
	rc := c
	if loc != nil {
		region := string(loc.LocationConstraint)
		if region == "" {
			region = "us-east-1"
		}
		if region != j.cfg.Region {
			cfg := j.cfg.Copy()
			cfg.Region = region
			rc = s3.NewFromConfig(cfg, pathStyle(cfg))
		}
	}
	each(j, "GetBucketPolicy", name, func(ctx context.Context) (*s3.GetBucketPolicyOutput, error) {
		return rc.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	})
	each(j, "GetBucketPolicyStatus", name, func(ctx context.Context) (*s3.GetBucketPolicyStatusOutput, error) {
		return rc.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
	})
	each(j, "GetBucketAcl", name, func(ctx context.Context) (*s3.GetBucketAclOutput, error) {
		return rc.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	})
	each(j, "GetBucketEncryption", name, func(ctx context.Context) (*s3.GetBucketEncryptionOutput, error) {
		return rc.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	})
	each(j, "GetBucketVersioning", name, func(ctx context.Context) (*s3.GetBucketVersioningOutput, error) {
		return rc.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	})
	each(j, "GetBucketLogging", name, func(ctx context.Context) (*s3.GetBucketLoggingOutput, error) {
		return rc.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b})
	})
	each(j, "GetBucketOwnershipControls", name, func(ctx context.Context) (*s3.GetBucketOwnershipControlsOutput, error) {
		return rc.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	})
	each(j, "GetPublicAccessBlock", name, func(ctx context.Context) (*s3.GetPublicAccessBlockOutput, error) {
		return rc.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	})
	each(j, "GetBucketTagging", name, func(ctx context.Context) (*s3.GetBucketTaggingOutput, error) {
		return rc.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	})
	collectBucketData(j, rc, name)
}

// pathStyle addresses buckets in the path when the endpoint is not AWS's
// own (AWS_ENDPOINT_URL pointing at a local test server or an
// S3-compatible proxy), where bucket host names would not resolve.
func pathStyle(cfg aws.Config) func(*s3.Options) {
	return func(o *s3.Options) {
		if cfg.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
	}
}

func collectS3Control(j *job) {
	c := s3control.NewFromConfig(j.cfg, S3ControlEndpointAsGiven(j.cfg))
	once(j, "GetPublicAccessBlock", func(ctx context.Context) (*s3control.GetPublicAccessBlockOutput, error) {
		return c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(j.account)})
	})
	collectMultiRegionAccessPoints(j, aws.String(j.account))
}
