package collect

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

const acct = "123456789012"

// fixture writes a small snapshot with one resource of several kinds.
func fixture(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snapshot")
	o := &org.Organization{Id: "o-test123456", MasterAccountId: acct, Roots: []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: acct, Name: "prod", ParentId: "r-ab12", Status: org.StatusActive}}}
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e := snapshot.NewServiceFile(acct, "us-east-1", "ec2")
	must(e.Set("DescribeSecurityGroups", &ec2.DescribeSecurityGroupsOutput{SecurityGroups: []ec2types.SecurityGroup{{
		GroupId: aws.String("sg-1"), GroupName: aws.String("web"), VpcId: aws.String("vpc-1"), OwnerId: aws.String(acct),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}},
		Tags: []ec2types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}},
	}}}))
	must(e.Set("DescribeVpcs", &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{VpcId: aws.String("vpc-1"), CidrBlock: aws.String("10.0.0.0/16"), IsDefault: aws.Bool(false)}}}))
	must(w.WriteService(e))
	k := snapshot.NewServiceFile(acct, "us-east-1", "kms")
	md := &kmstypes.KeyMetadata{KeyId: aws.String("k-1"), Arn: aws.String("arn:aws:kms:us-east-1:" + acct + ":key/k-1"), KeyManager: kmstypes.KeyManagerTypeCustomer, Enabled: true}
	must(k.Set("ListKeys", &kms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{{KeyId: md.KeyId, KeyArn: md.Arn}}}))
	must(k.SetResource("DescribeKey", "k-1", &kms.DescribeKeyOutput{KeyMetadata: md}))
	must(w.WriteService(k))
	q := snapshot.NewServiceFile(acct, "us-east-1", "sqs")
	url := "https://sqs.us-east-1.amazonaws.com/" + acct + "/jobs"
	must(q.Set("ListQueues", &sqs.ListQueuesOutput{QueueUrls: []string{url}}))
	must(q.SetResource("GetQueueAttributes", url, &sqs.GetQueueAttributesOutput{Attributes: map[string]string{"Policy": "{}", "KmsMasterKeyId": "alias/aws/sqs"}}))
	must(w.WriteService(q))
	g := snapshot.NewServiceFile(acct, snapshot.Global, "iam")
	must(g.Set("GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: []iamtypes.RoleDetail{{
		RoleName: aws.String("admin"), RoleId: aws.String("AROA1"), Arn: aws.String("arn:aws:iam::" + acct + ":role/admin"),
		AssumeRolePolicyDocument: aws.String("%7B%7D"),
		AttachedManagedPolicies:  []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}},
	}}}))
	must(w.WriteService(g))
	s3f := snapshot.NewServiceFile(acct, snapshot.Global, "s3")
	must(s3f.Set("ListBuckets", &s3.ListBucketsOutput{Buckets: []s3types.Bucket{{Name: aws.String("logs"), CreationDate: aws.Time(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))}}}))
	must(s3f.SetResource("GetBucketPolicy", "logs", &s3.GetBucketPolicyOutput{Policy: aws.String(`{"Statement":[]}`)}))
	must(s3f.SetResource("GetPublicAccessBlock", "logs", &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}))
	must(s3f.SetResource("GetBucketVersioning", "logs", &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled}))
	must(s3f.SetResource("GetBucketEncryption", "logs", &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms}}}}}))
	must(s3f.SetResource("GetBucketLogging", "logs", &s3.GetBucketLoggingOutput{LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("audit"), TargetPrefix: aws.String("logs/")}}))
	must(w.WriteService(s3f))
	must(w.Commit(&snapshot.Manifest{OrgID: o.Id, Source: "test"}))
	s, err := snapshot.Open(dir)
	must(err)
	return s
}

func TestConfigSnapshotsRoundTrip(t *testing.T) {
	src := fixture(t)
	archive := t.TempDir()
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	if err := WriteConfigSnapshots(src, archive, at); err != nil {
		t.Fatal(err)
	}
	// An older snapshot file must be ignored in favour of the newest.
	if err := WriteConfigSnapshots(src, archive, at.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// The file looks as AWS Config delivers it: lowerCamel members.
	matches, _ := filepath.Glob(filepath.Join(archive, "AWSLogs", acct, "Config", "us-east-1", "2026", "11", "20", "ConfigSnapshot", "*.json.gz"))
	if len(matches) != 1 {
		t.Fatalf("config files: %v", matches)
	}
	doc, err := readConfigFile(func(n string) (io.ReadCloser, error) { return os.Open(n) }, matches[0])
	if err != nil {
		t.Fatal(err)
	}
	var sawSG bool
	for _, ci := range doc.ConfigurationItems {
		if ci.ResourceType == "AWS::EC2::SecurityGroup" {
			sawSG = true
			if !strings.Contains(string(ci.Configuration), `"groupId":"sg-1"`) {
				t.Fatalf("configuration not in Config's member names: %s", ci.Configuration)
			}
		}
	}
	if !sawSG {
		t.Fatal("no security group item")
	}

	out := t.TempDir()
	res, err := FromConfigSnapshots(context.Background(), archive, ConfigOptions{Out: out, OrgFrom: src.Dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Manifest.Unavailable) == 0 || res.Manifest.Source != "config-snapshots" {
		t.Fatalf("manifest must name what the source cannot give: %+v", res.Manifest)
	}
	got, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	same := func(service, region, op string, newOut func() any) {
		t.Helper()
		a, b := newOut(), newOut()
		fa, _ := src.Service(acct, region, service)
		fb, err := got.Service(acct, region, service)
		if err != nil {
			t.Fatalf("%s %s: %v", service, op, err)
		}
		fa.Get(op, a)
		if ok, err := fb.Get(op, b); !ok || err != nil {
			t.Fatalf("%s %s missing: %v", service, op, err)
		}
		if !reflect.DeepEqual(a, b) {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			t.Errorf("%s %s differs:\n want %s\n got  %s", service, op, ja, jb)
		}
	}
	same("ec2", "us-east-1", "DescribeSecurityGroups", func() any { return &ec2.DescribeSecurityGroupsOutput{} })
	same("ec2", "us-east-1", "DescribeVpcs", func() any { return &ec2.DescribeVpcsOutput{} })
	same("kms", "us-east-1", "ListKeys", func() any { return &kms.ListKeysOutput{} })
	same("sqs", "us-east-1", "ListQueues", func() any { return &sqs.ListQueuesOutput{} })
	same("iam", snapshot.Global, "GetAccountAuthorizationDetails", func() any { return &iam.GetAccountAuthorizationDetailsOutput{} })
	same("s3", snapshot.Global, "ListBuckets", func() any { return &s3.ListBucketsOutput{} })
	fa, _ := src.Service(acct, snapshot.Global, "s3")
	fb, _ := got.Service(acct, snapshot.Global, "s3")
	for _, op := range []string{"GetBucketPolicy", "GetPublicAccessBlock", "GetBucketVersioning", "GetBucketEncryption", "GetBucketLogging"} {
		var a, b map[string]any
		fa.GetResource(op, "logs", &a)
		if ok, _ := fb.GetResource(op, "logs", &b); !ok || !reflect.DeepEqual(a, b) {
			t.Errorf("bucket %s: want %v got %v", op, a, b)
		}
	}
	kb, _ := got.Service(acct, "us-east-1", "kms")
	var dk kms.DescribeKeyOutput
	if ok, _ := kb.GetResource("DescribeKey", "k-1", &dk); !ok || aws.ToString(dk.KeyMetadata.Arn) == "" {
		t.Error("DescribeKey lost")
	}
}

func TestConfigSnapshotsBadInput(t *testing.T) {
	dir := t.TempDir()
	if _, err := FromConfigSnapshots(context.Background(), dir, ConfigOptions{Out: t.TempDir()}); err == nil {
		t.Fatal("empty source must fail")
	}
	p := filepath.Join(dir, "AWSLogs", acct, "Config", "eu-west-1", "2026", "11", "20", "ConfigSnapshot", acct+"_Config_eu-west-1_ConfigSnapshot_20261120T000000Z_x.json.gz")
	os.MkdirAll(filepath.Dir(p), 0o700)
	os.WriteFile(p, []byte{0x1f, 0x8b, 8, 0, 0}, 0o600)
	res, err := FromConfigSnapshots(context.Background(), dir, ConfigOptions{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial() || !strings.Contains(res.Manifest.Gaps[0].Error, "gzip") {
		t.Fatalf("broken file must be a gap naming the problem: %+v", res.Manifest.Gaps)
	}
}
