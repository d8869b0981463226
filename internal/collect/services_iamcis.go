package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// The reads of the IAM, S3, SSM and CloudFormation controls of Security
// Hub and CIS v3.0.0 that the older collectors did not make: IAM server
// certificates (CIS 1.19), bucket lifecycle, replication and event
// notifications (S3.7, S3.10, S3.11, S3.13), Systems Manager's managed
// instances, compliance and documents (SSM.1–SSM.4), CloudFormation
// stacks (CloudFormation.1).
func init() {
	collectors["ssm"] = collectSSM
	collectors["cloudformation"] = collectCloudFormation
}

// collectServerCertificates lists the account's IAM server certificates
// (metadata only: IAM never returns the private key, and the body is
// not read).
func collectServerCertificates(j *job, c *iam.Client) {
	once(j, "ListServerCertificates", func(ctx context.Context) (*iam.ListServerCertificatesOutput, error) {
		p := iam.NewListServerCertificatesPaginator(c, &iam.ListServerCertificatesInput{})
		return allPages(ctx, &iam.ListServerCertificatesOutput{}, p.HasMorePages, p.NextPage)
	})
}

// collectBucketData reads a bucket's lifecycle, replication and event
// notification configuration, with the client of the bucket's region.
func collectBucketData(j *job, rc *s3.Client, name string) {
	b := aws.String(name)
	each(j, "GetBucketLifecycleConfiguration", name, func(ctx context.Context) (*s3.GetBucketLifecycleConfigurationOutput, error) {
		return rc.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	})
	each(j, "GetBucketReplication", name, func(ctx context.Context) (*s3.GetBucketReplicationOutput, error) {
		return rc.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
	})
	each(j, "GetBucketNotificationConfiguration", name, func(ctx context.Context) (*s3.GetBucketNotificationConfigurationOutput, error) {
		return rc.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b})
	})
}

func collectSSM(j *job) {
	c := ssm.NewFromConfig(j.cfg)
	once(j, "DescribeInstanceInformation", func(ctx context.Context) (*ssm.DescribeInstanceInformationOutput, error) {
		p := ssm.NewDescribeInstanceInformationPaginator(c, &ssm.DescribeInstanceInformationInput{})
		return allPages(ctx, &ssm.DescribeInstanceInformationOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "ListResourceComplianceSummaries", func(ctx context.Context) (*ssm.ListResourceComplianceSummariesOutput, error) {
		p := ssm.NewListResourceComplianceSummariesPaginator(c, &ssm.ListResourceComplianceSummariesInput{})
		return allPages(ctx, &ssm.ListResourceComplianceSummariesOutput{}, p.HasMorePages, p.NextPage)
	})
	docs := once(j, "ListDocuments", func(ctx context.Context) (*ssm.ListDocumentsOutput, error) {
		p := ssm.NewListDocumentsPaginator(c, &ssm.ListDocumentsInput{Filters: []ssmtypes.DocumentKeyValuesFilter{{Key: aws.String("Owner"), Values: []string{"Self"}}}})
		return allPages(ctx, &ssm.ListDocumentsOutput{}, p.HasMorePages, p.NextPage)
	})
	if docs == nil {
		return
	}
	fanOut(j, docs.DocumentIdentifiers, func(d ssmtypes.DocumentIdentifier) {
		each(j, "DescribeDocumentPermission", aws.ToString(d.Name), func(ctx context.Context) (*ssm.DescribeDocumentPermissionOutput, error) {
			return c.DescribeDocumentPermission(ctx, &ssm.DescribeDocumentPermissionInput{Name: d.Name, PermissionType: ssmtypes.DocumentPermissionTypeShare})
		})
	})
}

func collectCloudFormation(j *job) {
	c := cloudformation.NewFromConfig(j.cfg)
	once(j, "DescribeStacks", func(ctx context.Context) (*cloudformation.DescribeStacksOutput, error) {
		p := cloudformation.NewDescribeStacksPaginator(c, &cloudformation.DescribeStacksInput{})
		return allPages(ctx, &cloudformation.DescribeStacksOutput{}, p.HasMorePages, p.NextPage)
	})
}
