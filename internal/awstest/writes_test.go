package awstest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"

	"github.com/orgrail/orgrail/internal/snapshot"
)

func TestWritesAreReadBack(t *testing.T) {
	ctx := context.Background()
	dir := writeFixture(t, 0)
	writeServicesFixture(t, &snapshot.Writer{Dir: dir}, workAcct)
	srv := startFixture(t, Options{SnapshotDir: dir})
	cfg := srv.Config(ctx, srv.AccountCredentials(workAcct))
	var ae smithy.APIError

	// S3 bucket settings, virtual-host style.
	sc := s3Client(srv, srv.AccountCredentials(workAcct), false)
	b := aws.String("data-" + workAcct)
	if _, err := sc.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	pab, err := sc.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) || aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicAcls) {
		t.Fatalf("after PutPublicAccessBlock: %+v %v", pab, err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	if _, err := sc.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	if got, err := sc.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}); err != nil || aws.ToString(got.Policy) != policy {
		t.Fatalf("after PutBucketPolicy: %v", err)
	}
	if _, err := sc.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}); !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucketPolicy" {
		t.Fatalf("after DeleteBucketPolicy: %v", err)
	}
	if _, err := sc.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}}); err != nil {
		t.Fatal(err)
	}
	if enc, err := sc.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}); err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Fatalf("after PutBucketEncryption: %v", err)
	}
	// Other accounts do not see the change.
	if _, err := s3Client(srv, srv.AdminCredentials(), true).GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("data-" + mgmtAcct)}); !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchPublicAccessBlockConfiguration" {
		t.Fatalf("management account's bucket: %v", err)
	}

	ctl := s3control.NewFromConfig(cfg)
	if _, err := ctl.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(workAcct), PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if got, err := ctl.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(workAcct)}); err != nil || !aws.ToBool(got.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		t.Fatalf("account public access block: %v", err)
	}

	ec := ec2.NewFromConfig(cfg)
	if _, err := ec.EnableEbsEncryptionByDefault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := ec.GetEbsEncryptionByDefault(ctx, nil); err != nil || !aws.ToBool(got.EbsEncryptionByDefault) {
		t.Fatalf("EBS default encryption: %v", err)
	}

	ic := iam.NewFromConfig(cfg)
	if _, err := ic.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, PasswordReusePrevention: aws.Int32(24)}); err != nil {
		t.Fatal(err)
	}
	pp, err := ic.GetAccountPasswordPolicy(ctx, nil)
	if err != nil || aws.ToInt32(pp.PasswordPolicy.MinimumPasswordLength) != 14 || !pp.PasswordPolicy.RequireSymbols || aws.ToInt32(pp.PasswordPolicy.PasswordReusePrevention) != 24 {
		t.Fatalf("password policy: %+v %v", pp, err)
	}
	if _, err := ic.DeleteAccountPasswordPolicy(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var nse *iamtypes.NoSuchEntityException
	if _, err := ic.GetAccountPasswordPolicy(ctx, nil); !errors.As(err, &nse) {
		t.Fatalf("after delete: %v", err)
	}

	ct := cloudtrail.NewFromConfig(cfg)
	if _, err := ct.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("main")}); err != nil {
		t.Fatal(err)
	}
	if st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("main")}); err != nil || aws.ToBool(st.IsLogging) || st.StopLoggingTime == nil {
		t.Fatalf("after StopLogging: %+v %v", st, err)
	}
	created, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org"), S3BucketName: aws.String("logs"), IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: created.TrailARN}); err != nil {
		t.Fatal(err)
	}
	trails, err := ct.DescribeTrails(ctx, nil)
	if err != nil || len(trails.TrailList) != 2 || !aws.ToBool(trails.TrailList[1].IsOrganizationTrail) {
		t.Fatalf("after CreateTrail: %+v %v", trails, err)
	}
	if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org"), S3BucketName: aws.String("logs")}); !errors.As(err, &ae) || ae.ErrorCode() != "TrailAlreadyExistsException" {
		t.Fatalf("duplicate trail: %v", err)
	}

	gd := guardduty.NewFromConfig(cfg)
	if _, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}); !errors.As(err, &ae) || ae.ErrorCode() != "BadRequestException" {
		t.Fatalf("second detector: %v", err)
	}
	west := guardduty.NewFromConfig(cfg, func(o *guardduty.Options) { o.Region = "eu-west-1" })
	det, err := west.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := west.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: det.DetectorId}); err != nil || got.Status != "ENABLED" {
		t.Fatalf("new detector: %+v %v", got, err)
	}

	sh := securityhub.NewFromConfig(cfg)
	if _, err := sh.EnableSecurityHub(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if hub, err := sh.DescribeHub(ctx, nil); err != nil || !strings.HasSuffix(aws.ToString(hub.HubArn), ":hub/default") {
		t.Fatalf("DescribeHub: %+v %v", hub, err)
	}
	imp, err := sh.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: []shtypes.AwsSecurityFinding{{Id: aws.String("f1"), Title: aws.String("t"), AwsAccountId: aws.String(workAcct),
		SchemaVersion: aws.String("2018-10-08"), ProductArn: aws.String("arn:aws:securityhub:us-east-1:" + workAcct + ":product/" + workAcct + "/default"),
		GeneratorId: aws.String("orgrail"), CreatedAt: aws.String("2026-01-01T00:00:00Z"), UpdatedAt: aws.String("2026-01-01T00:00:00Z"),
		Description: aws.String("d"), Resources: []shtypes.Resource{{Id: aws.String("r"), Type: aws.String("Other")}}}}})
	if err != nil || aws.ToInt32(imp.SuccessCount) != 1 || len(srv.Findings()) != 1 || !strings.Contains(string(srv.Findings()[0]), `"f1"`) {
		t.Fatalf("BatchImportFindings: %+v %v", imp, err)
	}

	cs := configservice.NewFromConfig(cfg)
	if _, err := cs.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	if st, err := cs.DescribeConfigurationRecorderStatus(ctx, nil); err != nil || !st.ConfigurationRecordersStatus[0].Recording {
		t.Fatalf("recorder status: %+v %v", st, err)
	}
	if _, err := cs.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("nope")}); !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchConfigurationRecorderException" {
		t.Fatalf("unknown recorder: %v", err)
	}
}

func TestOrganizationsWrites(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	c := organizations.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	ou, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String("r-ab12"), Name: aws.String("Sandbox")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(workAcct), SourceParentId: aws.String("ou-ab12-workload"), DestinationParentId: ou.OrganizationalUnit.Id}); err != nil {
		t.Fatal(err)
	}
	in, err := c.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: ou.OrganizationalUnit.Id})
	if err != nil || len(in.Accounts) != 1 || aws.ToString(in.Accounts[0].Id) != workAcct {
		t.Fatalf("after MoveAccount: %+v %v", in, err)
	}
	pol, err := c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("DenyAll"), Description: aws.String("d"), Type: ot.PolicyTypeServiceControlPolicy,
		Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: ou.OrganizationalUnit.Id}); err != nil {
		t.Fatal(err)
	}
	var dup *ot.DuplicatePolicyAttachmentException
	if _, err := c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: ou.OrganizationalUnit.Id}); !errors.As(err, &dup) {
		t.Fatalf("second attach: %v", err)
	}
	targets, err := c.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: pol.Policy.PolicySummary.Id})
	if err != nil || len(targets.Targets) != 1 || aws.ToString(targets.Targets[0].Name) != "Sandbox" {
		t.Fatalf("targets: %+v %v", targets, err)
	}
	if _, err := c.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: ou.OrganizationalUnit.Id}); err != nil {
		t.Fatal(err)
	}
	root, err := c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String("r-ab12"), PolicyType: ot.PolicyTypeTagPolicy})
	if err != nil || len(root.Root.PolicyTypes) != 2 {
		t.Fatalf("EnablePolicyType: %+v %v", root, err)
	}
	ca, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("new"), Email: aws.String("new@example.com")})
	if err != nil || ca.CreateAccountStatus.State != ot.CreateAccountStateInProgress {
		t.Fatalf("CreateAccount: %+v %v", ca, err)
	}
	var st *organizations.DescribeCreateAccountStatusOutput
	for i := 0; i < 200; i++ {
		st, err = c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: ca.CreateAccountStatus.Id})
		if err != nil {
			t.Fatal(err)
		}
		if st.CreateAccountStatus.State != ot.CreateAccountStateInProgress {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st.CreateAccountStatus.State != ot.CreateAccountStateSucceeded {
		t.Fatalf("CreateAccount never succeeded: %+v", st.CreateAccountStatus)
	}
	acct, err := c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: st.CreateAccountStatus.AccountId})
	if err != nil || aws.ToString(acct.Account.Name) != "new" {
		t.Fatalf("new account: %+v %v", acct, err)
	}
	// Members cannot write.
	member := organizations.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	var ad *ot.AccessDeniedException
	if _, err := member.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String("r-ab12"), Name: aws.String("x")}); !errors.As(err, &ad) {
		t.Fatalf("member write: %v", err)
	}
}
