package awstest

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// statusOf returns the HTTP status of an SDK error (0 when none).
func statusOf(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// TestCrossAccountQueuesAreRefused: a queue of the security account is
// out of reach of the workload account's own credentials. AWS refuses an
// action on another account's queue that no queue policy grants with
// AccessDenied (403), and GetQueueUrl naming the other account's queue
// answers AWS.SimpleQueueService.NonExistentQueue. The owner's own
// credentials, reached through sts:AssumeRole as orgrail does, work.
func TestCrossAccountQueuesAreRefused(t *testing.T) {
	srv := startFixture(t, Options{})
	srv.ServeSQS()
	ctx := t.Context()
	owner := sqs.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(securityAcct)))
	q, err := owner.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("alerts")})
	if err != nil {
		t.Fatal(err)
	}
	other := sqs.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	_, err = other.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")})
	if !isCode(err, "AccessDenied") || statusOf(err) != 403 {
		t.Fatalf("cross-account SendMessage: %v", err)
	}
	if _, err := other.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl}); !isCode(err, "AccessDenied") {
		t.Fatalf("cross-account ReceiveMessage: %v", err)
	}
	var missing *sqstypes.QueueDoesNotExist
	_, err = other.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("alerts"), QueueOwnerAWSAccountId: aws.String(securityAcct)})
	if !errors.As(err, &missing) || !isCode(err, "AWS.SimpleQueueService.NonExistentQueue") {
		t.Fatalf("cross-account GetQueueUrl: %v", err)
	}
	// Another region has no such queue.
	_, err = owner.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")}, func(o *sqs.Options) { o.Region = "eu-west-1" })
	if !errors.As(err, &missing) {
		t.Fatalf("SendMessage in another region: %v", err)
	}
	// The real flow: management credentials assume the role in the
	// queue's account.
	cfg := srv.Config(ctx, srv.AdminCredentials())
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), "arn:aws:iam::"+securityAcct+":role/OrgrailAudit"))
	if _, err := sqs.NewFromConfig(cfg).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")}); err != nil {
		t.Fatalf("SendMessage through the role: %v", err)
	}
}

// TestCrossAccountTopicsAreRefused: SNS refuses Publish and Subscribe on
// another account's topic with AuthorizationError (403); an unknown
// topic is NotFound; a topic ARN of another region is InvalidParameter.
func TestCrossAccountTopicsAreRefused(t *testing.T) {
	srv := startFixture(t, Options{})
	srv.ServeSNS()
	ctx := t.Context()
	owner := sns.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(securityAcct)))
	tp, err := owner.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("findings")})
	if err != nil {
		t.Fatal(err)
	}
	other := sns.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	_, err = other.Publish(ctx, &sns.PublishInput{TopicArn: tp.TopicArn, Message: aws.String("m")})
	if !isCode(err, "AuthorizationError") || statusOf(err) != 403 {
		t.Fatalf("cross-account Publish: %v", err)
	}
	if _, err := other.Subscribe(ctx, &sns.SubscribeInput{TopicArn: tp.TopicArn, Protocol: aws.String("https"), Endpoint: aws.String("https://example.com/")}); !isCode(err, "AuthorizationError") {
		t.Fatalf("cross-account Subscribe: %v", err)
	}
	if _, err := owner.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:" + securityAcct + ":nope"), Message: aws.String("m")}); !isCode(err, "NotFound") {
		t.Fatalf("unknown topic: %v", err)
	}
	if _, err := owner.Publish(ctx, &sns.PublishInput{TopicArn: tp.TopicArn, Message: aws.String("m")}, func(o *sns.Options) { o.Region = "eu-west-1" }); !isCode(err, "InvalidParameter") {
		t.Fatalf("topic of another region: %v", err)
	}
	if _, err := owner.Publish(ctx, &sns.PublishInput{TopicArn: tp.TopicArn, Message: aws.String("m")}); err != nil {
		t.Fatal(err)
	}
}

// TestCrossAccountBucketsAreRefused: S3 answers another account's bucket
// with AccessDenied (403) when no bucket policy grants the caller,
// whether the bucket holds stored objects or comes from the snapshot; a
// HEAD gets a bodiless 403. A bucket no account has is NoSuchBucket.
func TestCrossAccountBucketsAreRefused(t *testing.T) {
	srv := startFixture(t, Options{})
	ctx := t.Context()
	srv.PutObject(securityAcct, "trail-logs", "AWSLogs/x.json.gz", []byte("{}"))
	other := s3.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)), func(o *s3.Options) { o.UsePathStyle = true })
	owner := s3.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(securityAcct)), func(o *s3.Options) { o.UsePathStyle = true })
	denied := func(what string, err error, code string) {
		t.Helper()
		if !isCode(err, code) || statusOf(err) != 403 {
			t.Errorf("%s: %v", what, err)
		}
	}
	_, err := other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("trail-logs"), Key: aws.String("AWSLogs/x.json.gz")})
	denied("GetObject", err, "AccessDenied")
	_, err = other.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("trail-logs"), Key: aws.String("AWSLogs/x.json.gz")})
	denied("HeadObject", err, "Forbidden")
	_, err = other.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("trail-logs")})
	denied("ListObjectsV2", err, "AccessDenied")
	_, err = other.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("trail-logs"), Key: aws.String("k"), Body: bytes.NewReader([]byte("x"))})
	denied("PutObject", err, "AccessDenied")
	// Snapshot buckets: reads and writes of the security account's
	// bucket from the workload account.
	_, err = other.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("logs-" + securityAcct)})
	denied("GetBucketPolicy", err, "AccessDenied")
	_, err = other.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("logs-" + securityAcct), Policy: aws.String(`{"Statement":[]}`)})
	denied("PutBucketPolicy", err, "AccessDenied")
	if _, err := other.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("no-such-bucket")}); !isCode(err, "NoSuchBucket") {
		t.Errorf("unknown bucket: %v", err)
	}
	// The owner reads both.
	got, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("trail-logs"), Key: aws.String("AWSLogs/x.json.gz")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "{}" {
		t.Errorf("body %q", body)
	}
	if _, err := owner.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("logs-" + securityAcct)}); err != nil {
		t.Errorf("owner GetBucketPolicy: %v", err)
	}
}

// TestAlternateContactsOfAnotherAccount follows the Account Management
// API reference for AccountId: "To use this parameter, the caller must be
// an identity in the organization's management account or a delegated
// administrator account, and the specified account ID must be a member
// account in the same organization. The organization must have all
// features enabled, and the organization must have trusted access
// enabled for the Account Management service ... The management account
// can't specify its own AccountId".
func TestAlternateContactsOfAnotherAccount(t *testing.T) {
	snap, err := snapshot.Open(writeFixture(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	snap.Org.EnabledServicePrincipals = append(snap.Org.EnabledServicePrincipals, org.ServicePrincipal{ServicePrincipal: "account.amazonaws.com", DateEnabled: fixtureTime})
	srv := startFixture(t, Options{Snapshot: snap})
	ctx := t.Context()
	mgmt := account.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	work := account.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	sec := accttypes.AlternateContactTypeSecurity
	put := &account.PutAlternateContactInput{AccountId: aws.String(workAcct), AlternateContactType: sec,
		EmailAddress: aws.String("sec@example.com"), Name: aws.String("Sec"), PhoneNumber: aws.String("+1 555 0100"), Title: aws.String("CISO")}
	if _, err = mgmt.PutAlternateContact(ctx, put); err != nil {
		t.Fatalf("management puts a member's contact: %v", err)
	}
	got, err := work.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: sec})
	if err != nil || aws.ToString(got.AlternateContact.EmailAddress) != "sec@example.com" {
		t.Fatalf("member reads its own contact: %+v %v", got, err)
	}
	var denied *accttypes.AccessDeniedException
	_, err = work.GetAlternateContact(ctx, &account.GetAlternateContactInput{AccountId: aws.String(securityAcct), AlternateContactType: sec})
	if !errors.As(err, &denied) {
		t.Errorf("member reads another account's contact: %v", err)
	}
	_, err = work.PutAlternateContact(ctx, &account.PutAlternateContactInput{AccountId: aws.String(securityAcct), AlternateContactType: sec,
		EmailAddress: aws.String("x@example.com"), Name: aws.String("x"), PhoneNumber: aws.String("1"), Title: aws.String("x")})
	if !errors.As(err, &denied) {
		t.Errorf("member writes another account's contact: %v", err)
	}
	_, err = mgmt.GetAlternateContact(ctx, &account.GetAlternateContactInput{AccountId: aws.String(mgmtAcct), AlternateContactType: sec})
	if !errors.As(err, &denied) {
		t.Errorf("management names its own AccountId: %v", err)
	}
	_, err = mgmt.GetAlternateContact(ctx, &account.GetAlternateContactInput{AccountId: aws.String(outsideAcct), AlternateContactType: sec})
	if !errors.As(err, &denied) {
		t.Errorf("management names an account outside the organization: %v", err)
	}
	if _, err := mgmt.DeleteAlternateContact(ctx, &account.DeleteAlternateContactInput{AccountId: aws.String(workAcct), AlternateContactType: sec}); err != nil {
		t.Fatal(err)
	}
	var nf *accttypes.ResourceNotFoundException
	if _, err := work.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: sec}); !errors.As(err, &nf) {
		t.Errorf("after delete: %v", err)
	}

	// Without trusted access for account.amazonaws.com even the
	// management account cannot name a member.
	plain := startFixture(t, Options{})
	_, err = account.NewFromConfig(plain.Config(ctx, plain.AdminCredentials())).GetAlternateContact(ctx,
		&account.GetAlternateContactInput{AccountId: aws.String(workAcct), AlternateContactType: sec})
	if !errors.As(err, &denied) {
		t.Errorf("no trusted access: %v", err)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("code %s", ae.ErrorCode())
	}
}
