package awstest

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

const (
	mgmtAcct     = "111111111111"
	securityAcct = "222222222222"
	workAcct     = "333333333333"
	outsideAcct  = "999999999999"
)

var fixtureTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func trust(principal string, cond string) *string {
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":%s,"Action":"sts:AssumeRole"%s}]}`, principal, cond)
	return aws.String(url.QueryEscape(doc))
}

// fixtureOrg is a small organization: management, security and a
// workload account, with a few SCPs.
func fixtureOrg(extraAccounts int) *org.Organization {
	o := &org.Organization{
		Id: "o-abc123", Arn: "arn:aws:organizations::111111111111:organization/o-abc123", FeatureSet: "ALL",
		MasterAccountId: mgmtAcct, MasterAccountArn: "arn:aws:organizations::111111111111:account/o-abc123/111111111111",
		MasterAccountEmail: "mgmt@example.com",
		Roots: []org.Root{{Id: "r-ab12", Arn: "arn:aws:organizations::111111111111:root/o-abc123/r-ab12", Name: "Root",
			PolicyTypes: []org.PolicyTypeSummary{{Type: org.SCP, Status: "ENABLED"}}}},
		OrganizationalUnits: []org.OU{
			{Id: "ou-ab12-security", Arn: "arn:aws:organizations::111111111111:ou/o-abc123/ou-ab12-security", Name: "Security", ParentId: "r-ab12"},
			{Id: "ou-ab12-workload", Arn: "arn:aws:organizations::111111111111:ou/o-abc123/ou-ab12-workload", Name: "Workloads", ParentId: "r-ab12", Tags: map[string]string{"env": "prod"}},
		},
		Policies: []org.Policy{
			{Id: org.FullAWSAccessPolicyID, Arn: "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", Name: "FullAWSAccess", Type: org.SCP, AwsManaged: true,
				Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, Targets: []string{"r-ab12"}},
			{Id: "p-denyleave", Arn: "arn:aws:organizations::111111111111:policy/o-abc123/service_control_policy/p-denyleave", Name: "DenyLeave", Type: org.SCP,
				Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`, Targets: []string{"ou-ab12-workload"}},
		},
		DelegatedAdministrators:  []org.DelegatedAdministrator{{AccountId: securityAcct, ServicePrincipals: []string{"guardduty.amazonaws.com", "securityhub.amazonaws.com"}}},
		EnabledServicePrincipals: []org.ServicePrincipal{{ServicePrincipal: "guardduty.amazonaws.com", DateEnabled: fixtureTime}},
	}
	add := func(id, name, parent string) {
		o.Accounts = append(o.Accounts, org.Account{Id: id, Name: name, Email: name + "@example.com", Status: org.StatusActive, State: org.StatusActive,
			JoinedMethod: "CREATED", JoinedTimestamp: fixtureTime, ParentId: parent,
			Arn: "arn:aws:organizations::111111111111:account/o-abc123/" + id, Tags: map[string]string{"owner": name}})
	}
	add(mgmtAcct, "management", "r-ab12")
	add(securityAcct, "security", "ou-ab12-security")
	add(workAcct, "workload", "ou-ab12-workload")
	for i := 0; i < extraAccounts; i++ {
		add(fmt.Sprintf("4%011d", i), fmt.Sprintf("extra-%d", i), "ou-ab12-workload")
	}
	return o
}

// writeFixture writes a snapshot with IAM, S3, EC2, CloudTrail,
// GuardDuty and KMS data for the fixture organization.
func writeFixture(t testing.TB, extraAccounts int) string {
	t.Helper()
	dir := t.TempDir()
	w, err := snapshot.Create(dir, fixtureOrg(extraAccounts))
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, acct := range []string{mgmtAcct, securityAcct, workAcct} {
		f := snapshot.NewServiceFile(acct, snapshot.Global, "iam")
		must(f.Set("GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{
			RoleDetailList: []iamtypes.RoleDetail{
				{RoleName: aws.String("OrgrailAudit"), Arn: aws.String("arn:aws:iam::" + acct + ":role/OrgrailAudit"), CreateDate: aws.Time(fixtureTime),
					AssumeRolePolicyDocument: trust(`{"AWS":"arn:aws:iam::111111111111:root"}`, "")},
				{RoleName: aws.String("OrgWide"), Arn: aws.String("arn:aws:iam::" + acct + ":role/OrgWide"),
					AssumeRolePolicyDocument: trust(`{"AWS":"*"}`, `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`)},
				{RoleName: aws.String("Locked"), Arn: aws.String("arn:aws:iam::" + acct + ":role/Locked"),
					AssumeRolePolicyDocument: trust(`{"AWS":"arn:aws:iam::222222222222:role/BreakGlass"}`, "")},
			},
			UserDetailList: []iamtypes.UserDetail{{UserName: aws.String("alice-" + acct), Arn: aws.String("arn:aws:iam::" + acct + ":user/alice"), CreateDate: aws.Time(fixtureTime)},
				{UserName: aws.String("bob-" + acct), Arn: aws.String("arn:aws:iam::" + acct + ":user/bob"), CreateDate: aws.Time(fixtureTime)}},
			Policies: []iamtypes.ManagedPolicyDetail{{PolicyName: aws.String("Local"), Arn: aws.String("arn:aws:iam::" + acct + ":policy/Local")}},
		}))
		f.SetError("GetAccountPasswordPolicy", "NoSuchEntity")
		must(f.SetResource("ListAccessKeys", "alice-"+acct, &iam.ListAccessKeysOutput{AccessKeyMetadata: []iamtypes.AccessKeyMetadata{{AccessKeyId: aws.String("AKIAALICE"), Status: iamtypes.StatusTypeActive, UserName: aws.String("alice-" + acct)}}}))
		must(w.WriteService(f))

		s3f := snapshot.NewServiceFile(acct, snapshot.Global, "s3")
		b1, b2 := "logs-"+acct, "data-"+acct
		must(s3f.Set("ListBuckets", &s3.ListBucketsOutput{Buckets: []s3types.Bucket{{Name: aws.String(b1), CreationDate: aws.Time(fixtureTime), BucketRegion: aws.String("us-east-1")}, {Name: aws.String(b2), CreationDate: aws.Time(fixtureTime)}},
			Owner: &s3types.Owner{ID: aws.String("owner-" + acct)}}))
		must(s3f.SetResource("GetBucketPolicy", b1, &s3.GetBucketPolicyOutput{Policy: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}))
		s3f.SetResourceError("GetBucketPolicy", b2, "NoSuchBucketPolicy")
		must(s3f.SetResource("GetPublicAccessBlock", b1, &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}))
		s3f.SetResourceError("GetPublicAccessBlock", b2, "NoSuchPublicAccessBlockConfiguration")
		must(s3f.SetResource("GetBucketLocation", b1, &s3.GetBucketLocationOutput{LocationConstraint: s3types.BucketLocationConstraintEuWest1}))
		must(s3f.SetResource("GetBucketAcl", b1, &s3.GetBucketAclOutput{Owner: &s3types.Owner{ID: aws.String("o1")}, Grants: []s3types.Grant{{Permission: s3types.PermissionFullControl, Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String("o1")}}}}))
		must(s3f.SetResource("GetBucketEncryption", b1, &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("k1")}}}}}))
		must(s3f.SetResource("GetBucketTagging", b1, &s3.GetBucketTaggingOutput{TagSet: []s3types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}))
		must(w.WriteService(s3f))

		ec2f := snapshot.NewServiceFile(acct, "us-east-1", "ec2")
		var sgs []ec2types.SecurityGroup
		for i := 0; i < 5; i++ {
			sgs = append(sgs, ec2types.SecurityGroup{GroupId: aws.String(fmt.Sprintf("sg-%s-%d", acct, i)), GroupName: aws.String(fmt.Sprintf("g%d", i)), Description: aws.String("d"), OwnerId: aws.String(acct), VpcId: aws.String("vpc-1"),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}},
				Tags:          []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(fmt.Sprintf("g%d", i))}}})
		}
		must(ec2f.Set("DescribeSecurityGroups", &ec2.DescribeSecurityGroupsOutput{SecurityGroups: sgs}))
		must(ec2f.Set("GetEbsEncryptionByDefault", &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(false)}))
		must(ec2f.Set("DescribeInstances", &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{ReservationId: aws.String("r-1"), OwnerId: aws.String(acct), Instances: []ec2types.Instance{{InstanceId: aws.String("i-" + acct), LaunchTime: aws.Time(fixtureTime),
			MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{HttpTokens: ec2types.HttpTokensStateRequired}, State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning, Code: aws.Int32(16)}}}}}}))
		must(w.WriteService(ec2f))

		ct := snapshot.NewServiceFile(acct, "us-east-1", "cloudtrail")
		arn := "arn:aws:cloudtrail:us-east-1:" + acct + ":trail/main"
		must(ct.Set("DescribeTrails", &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{{Name: aws.String("main"), TrailARN: aws.String(arn), IsMultiRegionTrail: aws.Bool(true), S3BucketName: aws.String("logs-" + acct), HomeRegion: aws.String("us-east-1")}}}))
		must(ct.SetResource("GetTrailStatus", arn, &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(true), LatestDeliveryTime: aws.Time(fixtureTime)}))
		must(w.WriteService(ct))

		gd := snapshot.NewServiceFile(acct, "us-east-1", "guardduty")
		must(gd.Set("ListDetectors", &guardduty.ListDetectorsOutput{DetectorIds: []string{"det-" + acct}}))
		must(gd.SetResource("GetDetector", "det-"+acct, &guardduty.GetDetectorOutput{Status: "ENABLED", ServiceRole: aws.String("role"), CreatedAt: aws.String("2026-01-01T00:00:00Z"), Tags: map[string]string{"k": "v"}}))
		must(w.WriteService(gd))

		km := snapshot.NewServiceFile(acct, "us-east-1", "kms")
		must(km.Set("ListKeys", &kms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{{KeyId: aws.String("k1"), KeyArn: aws.String("arn:aws:kms:us-east-1:" + acct + ":key/k1")}}}))
		must(km.SetResource("DescribeKey", "k1", &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyId: aws.String("k1"), CreationDate: aws.Time(fixtureTime), KeyManager: kmstypes.KeyManagerTypeCustomer, Enabled: true}}))
		must(w.WriteService(km))
	}
	must(w.Commit(&snapshot.Manifest{OrgID: "o-abc123", CollectedAt: fixtureTime, Source: "test"}))
	return dir
}

// startFixture starts a server on a fresh fixture snapshot.
func startFixture(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.SnapshotDir == "" {
		opts.SnapshotDir = writeFixture(t, 0)
	}
	srv, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}
