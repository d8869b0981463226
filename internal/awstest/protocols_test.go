package awstest

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func TestQueryIAM(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{PageSize: 2})
	c := iam.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	var roles, users int
	pages := 0
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		roles += len(out.RoleDetailList)
		users += len(out.UserDetailList)
		for _, r := range out.RoleDetailList {
			if aws.ToString(r.AssumeRolePolicyDocument) == "" || r.Arn == nil {
				t.Fatalf("role without trust policy or ARN: %+v", r)
			}
		}
		for _, u := range out.UserDetailList {
			if u.CreateDate == nil || !u.CreateDate.Equal(fixtureTime) {
				t.Fatalf("user CreateDate = %v", u.CreateDate)
			}
			if aws.ToString(u.UserName) != "alice-"+workAcct && aws.ToString(u.UserName) != "bob-"+workAcct {
				t.Fatalf("answered from the wrong account: %s", aws.ToString(u.UserName))
			}
		}
	}
	if roles != 3 || users != 2 || pages != 3 {
		t.Fatalf("roles=%d users=%d pages=%d", roles, users, pages)
	}
	_, err := c.GetAccountPasswordPolicy(ctx, nil)
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("GetAccountPasswordPolicy: want NoSuchEntityException, got %v", err)
	}
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("alice-" + workAcct)})
	if err != nil || len(keys.AccessKeyMetadata) != 1 || keys.AccessKeyMetadata[0].Status != iamtypes.StatusTypeActive {
		t.Fatalf("ListAccessKeys: %+v %v", keys, err)
	}
	_, err = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("nobody")})
	if !errors.As(err, &nse) {
		t.Fatalf("ListAccessKeys unknown user: %v", err)
	}
	_, err = c.ListSSHPublicKeys(ctx, nil)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidAction" {
		t.Fatalf("unknown IAM operation: %v", err)
	}
}

func TestEC2Query(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	c := ec2.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(securityAcct)))
	var ids []string
	p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range out.SecurityGroups {
			ids = append(ids, aws.ToString(g.GroupId))
			if len(g.IpPermissions) != 1 || aws.ToInt32(g.IpPermissions[0].FromPort) != 22 || aws.ToString(g.IpPermissions[0].IpRanges[0].CidrIp) != "0.0.0.0/0" {
				t.Fatalf("permissions lost: %+v", g.IpPermissions)
			}
			if len(g.Tags) != 1 || aws.ToString(g.Description) != "d" || aws.ToString(g.OwnerId) != securityAcct {
				t.Fatalf("group fields lost: %+v", g)
			}
		}
	}
	if len(ids) != 5 || ids[0] != "sg-222222222222-0" {
		t.Fatalf("groups = %v", ids)
	}
	enc, err := c.GetEbsEncryptionByDefault(ctx, nil)
	if err != nil || enc.EbsEncryptionByDefault == nil || *enc.EbsEncryptionByDefault {
		t.Fatalf("GetEbsEncryptionByDefault: %+v %v", enc, err)
	}
	inst, err := c.DescribeInstances(ctx, nil)
	if err != nil || len(inst.Reservations) != 1 {
		t.Fatalf("DescribeInstances: %v", err)
	}
	i := inst.Reservations[0].Instances[0]
	if !i.LaunchTime.Equal(fixtureTime) || i.MetadataOptions.HttpTokens != "required" || i.State.Name != "running" {
		t.Fatalf("instance fields lost: %+v", i)
	}
	// Another region has nothing collected: empty answers, not errors.
	west := ec2.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(securityAcct)), func(o *ec2.Options) { o.Region = "eu-west-1" })
	out, err := west.DescribeSecurityGroups(ctx, nil)
	if err != nil || len(out.SecurityGroups) != 0 {
		t.Fatalf("eu-west-1: %+v %v", out, err)
	}
	_, err = c.DescribeKeyPairs(ctx, nil) // not served (DescribeAddresses now is: vpc_reads.go)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidAction" {
		t.Fatalf("unknown EC2 operation: %v", err)
	}
}

func s3Client(srv *Server, creds aws.Credentials, pathStyle bool) *s3.Client {
	return s3.NewFromConfig(srv.Config(context.Background(), creds), func(o *s3.Options) { o.UsePathStyle = pathStyle })
}

func TestRESTXMLS3(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	c := s3Client(srv, srv.AdminCredentials(), true)
	lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Buckets) != 2 || aws.ToString(lb.Buckets[0].Name) != "logs-"+mgmtAcct || !lb.Buckets[0].CreationDate.Equal(fixtureTime) || aws.ToString(lb.Owner.ID) != "owner-"+mgmtAcct {
		t.Fatalf("ListBuckets: %+v", lb)
	}
	b := aws.String("logs-" + mgmtAcct)
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	if err != nil || aws.ToString(pol.Policy) != `{"Version":"2012-10-17","Statement":[]}` {
		t.Fatalf("GetBucketPolicy: %+v %v", pol, err)
	}
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicAcls) || aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) {
		t.Fatalf("GetPublicAccessBlock: %+v %v", pab, err)
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b})
	if err != nil || loc.LocationConstraint != s3types.BucketLocationConstraintEuWest1 {
		t.Fatalf("GetBucketLocation: %+v %v", loc, err)
	}
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || len(acl.Grants) != 1 || acl.Grants[0].Permission != s3types.PermissionFullControl || aws.ToString(acl.Grants[0].Grantee.ID) != "o1" {
		t.Fatalf("GetBucketAcl: %+v %v", acl, err)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms {
		t.Fatalf("GetBucketEncryption: %+v %v", enc, err)
	}
	tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	if err != nil || len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Key) != "a" {
		t.Fatalf("GetBucketTagging: %+v %v", tags, err)
	}
	other := aws.String("data-" + mgmtAcct)
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: other})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucketPolicy" {
		t.Fatalf("GetBucketPolicy without policy: %v", err)
	}
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("nope")})
	var nsb *s3types.NoSuchBucket
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucket" {
		t.Fatalf("unknown bucket: %v", err)
	}
	_ = nsb
	// A bucket with nothing stored for an operation answers empty.
	if _, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: other}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	if !errors.As(err, &ae) || ae.ErrorCode() != "NotImplemented" {
		t.Fatalf("unknown S3 operation: %v", err)
	}
}

func TestJSONCloudTrailKMS(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	cfg := srv.Config(ctx, srv.AccountCredentials(workAcct))
	ct := cloudtrail.NewFromConfig(cfg)
	trails, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil || len(trails.TrailList) != 1 || !aws.ToBool(trails.TrailList[0].IsMultiRegionTrail) || aws.ToString(trails.TrailList[0].S3BucketName) != "logs-"+workAcct {
		t.Fatalf("DescribeTrails: %+v %v", trails, err)
	}
	for _, name := range []string{"main", *trails.TrailList[0].TrailARN} {
		st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(name)})
		if err != nil || !aws.ToBool(st.IsLogging) || !st.LatestDeliveryTime.Equal(fixtureTime) {
			t.Fatalf("GetTrailStatus(%s): %+v %v", name, st, err)
		}
	}
	k := kms.NewFromConfig(cfg)
	keys, err := k.ListKeys(ctx, nil)
	if err != nil || len(keys.Keys) != 1 {
		t.Fatalf("ListKeys: %v", err)
	}
	dk, err := k.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: keys.Keys[0].KeyArn})
	if err != nil || !dk.KeyMetadata.Enabled || !dk.KeyMetadata.CreationDate.Equal(fixtureTime) {
		t.Fatalf("DescribeKey: %+v %v", dk, err)
	}
}

func TestRESTJSONGuardDuty(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	c := guardduty.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(securityAcct)))
	ids, err := c.ListDetectors(ctx, nil)
	if err != nil || len(ids.DetectorIds) != 1 {
		t.Fatalf("ListDetectors: %+v %v", ids, err)
	}
	d, err := c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(ids.DetectorIds[0])})
	if err != nil || d.Status != "ENABLED" || aws.ToString(d.CreatedAt) != "2026-01-01T00:00:00Z" || d.Tags["k"] != "v" {
		t.Fatalf("GetDetector: %+v %v", d, err)
	}
	_, err = c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("nope")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "BadRequestException" {
		t.Fatalf("unknown detector: %v", err)
	}
}
