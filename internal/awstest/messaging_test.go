package awstest

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// skipUnlessServed skips when the generated tables lack an operation
// (zz_ops.go not regenerated with the messaging operations yet).
func skipUnlessServed(t *testing.T, srv *Server, service string, ops ...string) {
	t.Helper()
	for _, op := range ops {
		if srv.spec(service, op) == nil {
			t.Skipf("%s %s is not in zz_ops.go: add it to gen's extraOps and run go generate", service, op)
		}
	}
}

func TestSQSVisibilityAndRedelivery(t *testing.T) {
	srv := startFixture(t, Options{})
	skipUnlessServed(t, srv, "sqs", "CreateQueue", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueUrl")
	srv.ServeSQS()
	ctx := t.Context()
	c := sqs.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("events"), Attributes: map[string]string{"VisibilityTimeout": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("events")})
	if err != nil || aws.ToString(got.QueueUrl) != aws.ToString(q.QueueUrl) {
		t.Fatalf("GetQueueUrl = %v, %v", got, err)
	}
	// SQS answers a missing queue with the QueueDoesNotExist shape and
	// the awsQuery code AWS.SimpleQueueService.NonExistentQueue (the
	// SDK's ErrorCode, from the X-Amzn-Query-Error header).
	var missing *sqstypes.QueueDoesNotExist
	if _, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")}); !errors.As(err, &missing) || !isCode(err, "AWS.SimpleQueueService.NonExistentQueue") {
		t.Fatalf("missing queue: %v", err)
	}
	for _, b := range []string{"one", "two"} {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	r1, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}})
	if err != nil || len(r1.Messages) != 2 {
		t.Fatalf("receive = %v, %v", r1, err)
	}
	// Invisible now: a short poll finds nothing.
	if r, _ := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl}); len(r.Messages) != 0 {
		t.Fatalf("received an in-flight message: %v", r.Messages)
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: r1.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	// The other is redelivered after its visibility timeout, with a
	// higher receive count; long polling waits for it.
	r2, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 3,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}})
	if err != nil || len(r2.Messages) != 1 || aws.ToString(r2.Messages[0].Body) != aws.ToString(r1.Messages[1].Body) {
		t.Fatalf("redelivery = %v, %v", r2, err)
	}
	if n := r2.Messages[0].Attributes["ApproximateReceiveCount"]; n != "2" {
		t.Fatalf("receive count %q, want 2", n)
	}
	// The first receipt handle is stale.
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: r1.Messages[1].ReceiptHandle}); !isCode(err, "ReceiptHandleIsInvalid") {
		t.Fatalf("stale receipt: %v", err)
	}
	// ChangeMessageVisibility to 0 makes it visible at once.
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: q.QueueUrl, ReceiptHandle: r2.Messages[0].ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl}); len(r.Messages) != 1 {
		t.Fatal("message not visible after ChangeMessageVisibility 0")
	}
}

func isCode(err error, code string) bool {
	var ae interface{ ErrorCode() string }
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

func TestSNSFanOut(t *testing.T) {
	srv := startFixture(t, Options{})
	skipUnlessServed(t, srv, "sns", "CreateTopic", "Subscribe", "Publish")
	skipUnlessServed(t, srv, "sqs", "CreateQueue", "ReceiveMessage")
	srv.ServeSNS()
	srv.ServeSQS()
	ctx := t.Context()
	cfg := srv.Config(ctx, srv.AdminCredentials())
	sc, qc := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	topic, err := sc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := qc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("alerts-q")})
	arn := "arn:aws:sqs:us-east-1:" + srv.ManagementAccount() + ":alerts-q"
	if _, err := sc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	posted := make(chan string, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		posted <- r.Header.Get("x-amz-sns-message-type") + " " + string(b)
	}))
	defer hs.Close()
	if _, err := sc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("http"), Endpoint: aws.String(hs.URL)}); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Subject: aws.String("hi"), Message: aws.String(`{"x":1}`)}); err != nil {
		t.Fatal(err)
	}
	r, err := qc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 2})
	if err != nil || len(r.Messages) != 1 || !strings.Contains(aws.ToString(r.Messages[0].Body), `"Type":"Notification"`) {
		t.Fatalf("queue got %v, %v", r, err)
	}
	select {
	case p := <-posted:
		if !strings.HasPrefix(p, "Notification ") || !strings.Contains(p, `\"x\":1`) {
			t.Fatalf("HTTP endpoint got %q", p)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("HTTP endpoint got nothing")
	}
	if got := srv.ServeSNS().Published(aws.ToString(topic.TopicArn)); len(got) != 1 || got[0].Subject != "hi" {
		t.Fatalf("Published = %v", got)
	}
	if _, err := sc.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Subject: aws.String("a\r\nb"), Message: aws.String("m")}); !isCode(err, "InvalidParameter") {
		t.Fatalf("subject with CRLF: %v", err)
	}
}

func TestDynamoDBConditionsAndQuery(t *testing.T) {
	srv := startFixture(t, Options{})
	skipUnlessServed(t, srv, "dynamodb", "CreateTable", "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query")
	srv.ServeDynamoDB()
	ctx := t.Context()
	c := dynamodb.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	tbl := aws.String("state")
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: tbl,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: "HASH"}, {AttributeName: aws.String("sk"), KeyType: "RANGE"}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: "S"}, {AttributeName: aws.String("sk"), AttributeType: "S"}},
		BillingMode:          ddbtypes.BillingModePayPerRequest})
	if err != nil {
		t.Fatal(err)
	}
	S := func(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }
	N := func(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberN{Value: v} }
	put := func(pk, sk string, next string) error {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, ConditionExpression: aws.String("attribute_not_exists(pk)"),
			Item: map[string]ddbtypes.AttributeValue{"pk": S(pk), "sk": S(sk), "next": N(next), "status": S("pending")}})
		return err
	}
	if err := put("p", "a", "5"); err != nil {
		t.Fatal(err)
	}
	var cf *ddbtypes.ConditionalCheckFailedException
	if err := put("p", "a", "6"); !errors.As(err, &cf) {
		t.Fatalf("second conditional put: %v", err)
	}
	put("p", "b", "20")
	put("p", "c", "10")
	put("q", "a", "1")
	// A lease: only when pending and due.
	lease := func(sk, now string) error {
		_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: tbl,
			Key:                       map[string]ddbtypes.AttributeValue{"pk": S("p"), "sk": S(sk)},
			UpdateExpression:          aws.String("SET #n = :until ADD #c :one"),
			ConditionExpression:       aws.String("#s = :pending AND #n <= :now"),
			ExpressionAttributeNames:  map[string]string{"#n": "next", "#s": "status", "#c": "claims"},
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":until": N("100"), ":pending": S("pending"), ":now": N(now), ":one": N("1")}})
		return err
	}
	if err := lease("a", "9"); err != nil {
		t.Fatal(err)
	}
	if err := lease("a", "9"); !errors.As(err, &cf) {
		t.Fatalf("second lease: %v", err)
	}
	got, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]ddbtypes.AttributeValue{"pk": S("p"), "sk": S("a")}})
	if v := got.Item["claims"].(*ddbtypes.AttributeValueMemberN).Value; v != "1" {
		t.Fatalf("claims = %s", v)
	}
	q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":p": S("p")}, ScanIndexForward: aws.Bool(false), Limit: aws.Int32(2)})
	if err != nil || len(q.Items) != 2 || q.Items[0]["sk"].(*ddbtypes.AttributeValueMemberS).Value != "c" || q.LastEvaluatedKey == nil {
		t.Fatalf("query page 1 = %+v, %v", q, err)
	}
	q2, _ := c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":p": S("p")}, ScanIndexForward: aws.Bool(false), ExclusiveStartKey: q.LastEvaluatedKey})
	if len(q2.Items) != 1 || q2.Items[0]["sk"].(*ddbtypes.AttributeValueMemberS).Value != "a" {
		t.Fatalf("query page 2 = %+v", q2.Items)
	}
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: map[string]ddbtypes.AttributeValue{"pk": S("q"), "sk": S("a")},
		ConditionExpression: aws.String("attribute_exists(pk)")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("nope"), Key: map[string]ddbtypes.AttributeValue{"pk": S("x")}}); !isCode(err, "ResourceNotFoundException") {
		t.Fatalf("missing table: %v", err)
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, ConditionExpression: aws.String("#undefined = :v"),
		Item: map[string]ddbtypes.AttributeValue{"pk": S("z"), "sk": S("z")}, ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":v": S("1")}}); !isCode(err, "ValidationException") {
		t.Fatalf("undefined name: %v", err)
	}
}
