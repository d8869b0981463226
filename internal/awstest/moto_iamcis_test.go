package awstest

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// expiredCertPEM is a placeholder certificate body: moto stores what
// UploadServerCertificate is given without parsing it.
const expiredCertPEM = `-----BEGIN CERTIFICATE-----
MIIBrDCCAVOgAwIBAgIUIgzr1ZRa3mkTJRv0yBtHNcNcwuIwCgYIKoZIzj0EAwIw
-----END CERTIFICATE-----`

// normalizeMoto removes what differs between moto's wire and AWS's
// without meaning: moto's empty NextToken (AWS omits the member) and its
// microsecond timestamps (CloudFormation's Query wire carries
// milliseconds).
func normalizeMoto(out any) any {
	switch o := out.(type) {
	case *ssm.ListDocumentsOutput:
		if aws.ToString(o.NextToken) == "" {
			o.NextToken = nil
		}
	case *cloudformation.DescribeStacksOutput:
		for i := range o.Stacks {
			if t := o.Stacks[i].CreationTime; t != nil {
				o.Stacks[i].CreationTime = aws.Time(t.Truncate(time.Millisecond))
			}
		}
	}
	return out
}

// TestNewReadsAgreeWithMoto builds, in moto, what the IAM, S3, SSM and
// CloudFormation reads of the CIS and Security Hub controls look at — an
// IAM server certificate, a versioned bucket with lifecycle, replication
// and event notifications, a shared Systems Manager document, a stack
// with a notification topic — stores moto's answers to the collector's
// reads as a snapshot, and asks moto and the local AWS serving that
// snapshot the same reads through the SDK: the local server must give the
// SDK back what moto gave, over the IAM Query, S3 REST-XML, SSM JSON and
// CloudFormation Query wires.
func TestNewReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	pathStyle := func(o *s3.Options) { o.UsePathStyle = true }

	// S3: a versioned bucket with lifecycle, replication and notifications.
	s3c := s3.NewFromConfig(mcfg, pathStyle)
	const bucket, replica = "data-moto", "data-moto-replica"
	for _, b := range []string{bucket, replica} {
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		must("CreateBucket", err)
		_, err = s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
		must("PutBucketVersioning", err)
	}
	_, err := s3c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket),
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{{ID: aws.String("noncurrent"),
			Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(90)}}}}})
	must("PutBucketLifecycleConfiguration", err)
	_, err = s3c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String(bucket),
		ReplicationConfiguration: &s3types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::" + motoAccount + ":role/replication"),
			Rules: []s3types.ReplicationRule{{ID: aws.String("dr"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
				Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::" + replica)}}}}})
	must("PutBucketReplication", err)
	q, err := sqs.NewFromConfig(mcfg).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("objects")})
	must("CreateQueue", err)
	_ = q
	_, err = s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String(bucket),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{
			Id: aws.String("created"), QueueArn: aws.String("arn:aws:sqs:us-east-1:" + motoAccount + ":objects"), Events: []s3types.Event{"s3:ObjectCreated:*"}}}}})
	must("PutBucketNotificationConfiguration", err)

	// IAM: a server certificate.
	_, err = iam.NewFromConfig(mcfg).UploadServerCertificate(ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("legacy"),
		CertificateBody: aws.String(expiredCertPEM), PrivateKey: aws.String("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----")})
	must("UploadServerCertificate", err)

	// SSM: a document shared with every account.
	sc := ssm.NewFromConfig(mcfg)
	_, err = sc.CreateDocument(ctx, &ssm.CreateDocumentInput{Name: aws.String("restart-app"), DocumentType: ssmtypes.DocumentTypeCommand,
		Content: aws.String(`{"schemaVersion":"2.2","description":"restart","mainSteps":[{"action":"aws:runShellScript","name":"restart","inputs":{"runCommand":["systemctl restart app"]}}]}`)})
	must("CreateDocument", err)
	_, err = sc.ModifyDocumentPermission(ctx, &ssm.ModifyDocumentPermissionInput{Name: aws.String("restart-app"),
		PermissionType: ssmtypes.DocumentPermissionTypeShare, AccountIdsToAdd: []string{"all"}})
	must("ModifyDocumentPermission", err)

	// CloudFormation: a stack that notifies a topic.
	topic, err := sns.NewFromConfig(mcfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("stack-events")})
	must("CreateTopic", err)
	_, err = cloudformation.NewFromConfig(mcfg).CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("app"),
		NotificationARNs: []string{aws.ToString(topic.TopicArn)},
		TemplateBody:     aws.String(`{"Resources":{"Queue":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"app-jobs"}}}}`)})
	must("CreateStack", err)

	type read struct {
		file, region, op, key string
		ask                   func(aws.Config) (any, error)
		wants                 string // a substring moto's answer must hold
	}
	reads := []read{
		{"iam", "global", "ListServerCertificates", "", func(c aws.Config) (any, error) {
			return iam.NewFromConfig(c).ListServerCertificates(ctx, &iam.ListServerCertificatesInput{})
		}, `"legacy"`},
		{"s3", "global", "GetBucketLifecycleConfiguration", bucket, func(c aws.Config) (any, error) {
			return s3.NewFromConfig(c, pathStyle).GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
		}, `"NoncurrentDays":90`},
		{"s3", "global", "GetBucketReplication", bucket, func(c aws.Config) (any, error) {
			return s3.NewFromConfig(c, pathStyle).GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String(bucket)})
		}, replica},
		{"s3", "global", "GetBucketNotificationConfiguration", bucket, func(c aws.Config) (any, error) {
			return s3.NewFromConfig(c, pathStyle).GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String(bucket)})
		}, `:objects"`},
		{"ssm", "us-east-1", "ListDocuments", "", func(c aws.Config) (any, error) {
			return ssm.NewFromConfig(c).ListDocuments(ctx, &ssm.ListDocumentsInput{Filters: []ssmtypes.DocumentKeyValuesFilter{{Key: aws.String("Owner"), Values: []string{"Self"}}}})
		}, `"restart-app"`},
		{"ssm", "us-east-1", "DescribeDocumentPermission", "restart-app", func(c aws.Config) (any, error) {
			return ssm.NewFromConfig(c).DescribeDocumentPermission(ctx, &ssm.DescribeDocumentPermissionInput{Name: aws.String("restart-app"),
				PermissionType: ssmtypes.DocumentPermissionTypeShare})
		}, `"all"`},
		{"cloudformation", "us-east-1", "DescribeStacks", "", func(c aws.Config) (any, error) {
			return cloudformation.NewFromConfig(c).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{})
		}, `:stack-events"`},
	}

	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	must("snapshot.Create", err)
	files := map[string]*snapshot.ServiceFile{}
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		must("moto "+r.op, err)
		want[i] = wireView(t, normalizeMoto(out))
		if !strings.Contains(want[i], r.wants) {
			t.Fatalf("%s: moto's answer lacks %s: %s", r.op, r.wants, want[i])
		}
		f := files[r.file]
		if f == nil {
			f = snapshot.NewServiceFile(motoAccount, r.region, r.file)
			files[r.file] = f
		}
		if r.key == "" {
			must("Set", f.Set(r.op, out))
		} else {
			must("SetResource", f.SetResource(r.op, r.key, out))
		}
	}
	for _, f := range files {
		must("WriteService", w.WriteService(f))
	}
	must("Commit", w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto", CollectedAt: time.Now().UTC()}))
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(lcfg)
		if err != nil {
			t.Errorf("%s: local AWS: %v", r.op, err)
			continue
		}
		if got := wireView(t, out); got != want[i] {
			t.Errorf("%s:\nmoto  %s\nlocal %s", r.op, want[i], got)
		}
	}
}
