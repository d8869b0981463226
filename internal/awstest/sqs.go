package awstest

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// sqsService is an in-memory SQS (JSON protocol): standard queues with
// visibility timeouts, redelivery of messages not deleted in time, long
// polling and receive counts. Queues belong to the caller's account and
// region: another account's queue is refused (AccessDenied), one of
// another region does not exist (see isolation.go).
type sqsService struct {
	srv    *Server
	mu     sync.Mutex
	queues map[queueKey]*sqsQueue
}

// queueKey names a queue: its region and URL (the URL names the account).
type queueKey struct{ region, url string }

// extensions holds the services a Server was asked to serve beyond its
// built-ins (SQS, SNS, DynamoDB), keyed by server and service name.
var extensions sync.Map

type extKey struct {
	srv     *Server
	service string
}

// extension returns the server's instance of a service, creating it
// with mk (and registering its operations) on first use.
func extension[T any](s *Server, service string, mk func() *T, register func(*T)) *T {
	v, loaded := extensions.LoadOrStore(extKey{s, service}, mk())
	t := v.(*T)
	if !loaded {
		register(t)
	}
	return t
}

type sqsQueue struct {
	url        string
	name       string
	account    string
	region     string
	visibility time.Duration
	msgs       []*sqsMessage
}

type sqsMessage struct {
	id       string
	body     string
	visible  time.Time // not received before this time
	receipt  string    // receipt handle of the latest receive
	received int
	sent     time.Time
}

// ServeSQS makes the server answer SQS: CreateQueue, GetQueueUrl,
// SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility,
// PurgeQueue and DeleteQueue. It returns the service so that other
// services (SNS) can deliver into its queues.
func (s *Server) ServeSQS() *sqsService {
	return extension(s, "sqs", func() *sqsService { return &sqsService{srv: s, queues: map[queueKey]*sqsQueue{}} },
		func(q *sqsService) {
			for op, h := range map[string]HandlerFunc{
				"CreateQueue": q.create, "GetQueueUrl": q.getURL, "SendMessage": q.send, "ReceiveMessage": q.receive,
				"DeleteMessage": q.delete, "ChangeMessageVisibility": q.changeVisibility, "PurgeQueue": q.purge, "DeleteQueue": q.deleteQueue,
			} {
				s.Register("sqs", op, h)
			}
		})
}

func (q *sqsService) queueURL(req *Request, name string) string {
	return fmt.Sprintf("%s/%s/%s", q.srv.Endpoint, req.Account(), name)
}

func (q *sqsService) create(_ context.Context, req *Request) (any, error) {
	var in struct {
		QueueName  string
		Attributes map[string]string
	}
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.QueueName == "" || len(in.QueueName) > 80 {
		return nil, Errorf("InvalidParameterValue", "queue name must be 1 to 80 characters")
	}
	vis := 30 * time.Second
	if v, ok := in.Attributes["VisibilityTimeout"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 43200 {
			return nil, Errorf("InvalidAttributeValue", "VisibilityTimeout %q", v)
		}
		vis = time.Duration(n) * time.Second
	}
	url := q.queueURL(req, in.QueueName)
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.queues[queueKey{req.Region, url}]; !ok {
		q.queues[queueKey{req.Region, url}] = &sqsQueue{url: url, name: in.QueueName, account: req.Account(), region: req.Region, visibility: vis}
	}
	return &sqs.CreateQueueOutput{QueueUrl: aws.String(url)}, nil
}

// getURL answers GetQueueUrl. Naming another account's queue
// (QueueOwnerAWSAccountId) answers as a queue that does not exist, as
// SQS does when no queue policy grants the caller access.
func (q *sqsService) getURL(_ context.Context, req *Request) (any, error) {
	url := q.queueURL(req, req.Param("QueueName"))
	owner := req.Param("QueueOwnerAWSAccountId")
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.queues[queueKey{req.Region, url}]; !ok || (owner != "" && owner != req.Account()) {
		return nil, Errorf("QueueDoesNotExist", "The specified queue does not exist or you do not have access to it.")
	}
	return &sqs.GetQueueUrlOutput{QueueUrl: aws.String(url)}, nil
}

// queue finds the queue of a request's QueueUrl in the request's
// region and checks that it is the caller's; q.mu must be held.
func (q *sqsService) queue(req *Request) (*sqsQueue, error) {
	u := req.Param("QueueUrl")
	qu, ok := q.queues[queueKey{req.Region, u}]
	if !ok {
		// Accept the URL under another host name (localhost vs 127.0.0.1).
		if i := strings.Index(u, "://"); i >= 0 {
			if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
				qu, ok = q.queues[queueKey{req.Region, q.srv.Endpoint + u[i+3+j:]}]
			}
		}
	}
	if !ok {
		return nil, Errorf("QueueDoesNotExist", "The specified queue does not exist or you do not have access to it.")
	}
	if qu.account != req.Account() {
		return nil, crossAccountDenied(req, "sqs:"+req.Operation,
			fmt.Sprintf("arn:%s:sqs:%s:%s:%s", q.srv.partition(), qu.region, qu.account, qu.name))
	}
	return qu, nil
}

func md5Hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (q *sqsService) send(_ context.Context, req *Request) (any, error) {
	var in struct {
		MessageBody  string
		DelaySeconds int
	}
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MessageBody == "" {
		return nil, Errorf("MissingParameter", "The request must contain the parameter MessageBody.")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, err := q.queue(req)
	if err != nil {
		return nil, err
	}
	id := q.push(qu, in.MessageBody, time.Duration(in.DelaySeconds)*time.Second)
	return &sqs.SendMessageOutput{MessageId: aws.String(id), MD5OfMessageBody: aws.String(md5Hex(in.MessageBody))}, nil
}

// push appends a message; q.mu must be held.
func (q *sqsService) push(qu *sqsQueue, body string, delay time.Duration) string {
	now := time.Now()
	m := &sqsMessage{id: newID(), body: body, visible: now.Add(delay), sent: now}
	qu.msgs = append(qu.msgs, m)
	return m.id
}

// Deliver puts a message in the queue of a region with the given URL
// (SNS uses it).
func (q *sqsService) Deliver(region, url, body string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, ok := q.queues[queueKey{region, url}]
	if !ok {
		return fmt.Errorf("queue %s does not exist", url)
	}
	q.push(qu, body, 0)
	return nil
}

func (q *sqsService) receive(ctx context.Context, req *Request) (any, error) {
	var in struct {
		MaxNumberOfMessages int
		VisibilityTimeout   *int
		WaitTimeSeconds     int
	}
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MaxNumberOfMessages == 0 {
		in.MaxNumberOfMessages = 1
	}
	if in.MaxNumberOfMessages < 1 || in.MaxNumberOfMessages > 10 {
		return nil, Errorf("InvalidParameterValue", "MaxNumberOfMessages must be between 1 and 10")
	}
	deadline := time.Now().Add(time.Duration(in.WaitTimeSeconds) * time.Second)
	for {
		q.mu.Lock()
		qu, err := q.queue(req)
		if err != nil {
			q.mu.Unlock()
			return nil, err
		}
		vis := qu.visibility
		if in.VisibilityTimeout != nil {
			vis = time.Duration(*in.VisibilityTimeout) * time.Second
		}
		out := q.take(qu, in.MaxNumberOfMessages, vis)
		q.mu.Unlock()
		if len(out) > 0 || !time.Now().Before(deadline) {
			return &sqs.ReceiveMessageOutput{Messages: out}, nil
		}
		// Long polling: look again shortly, until the wait time ends.
		select {
		case <-ctx.Done():
			return &sqs.ReceiveMessageOutput{}, nil
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// take receives up to max visible messages; q.mu must be held.
func (q *sqsService) take(qu *sqsQueue, max int, vis time.Duration) []sqstypes.Message {
	now := time.Now()
	var out []sqstypes.Message
	for _, m := range qu.msgs {
		if len(out) >= max {
			break
		}
		if m.visible.After(now) {
			continue
		}
		m.received++
		m.receipt = m.id + "#" + strconv.Itoa(m.received) + "#" + newID()
		m.visible = now.Add(vis)
		out = append(out, sqstypes.Message{
			MessageId: aws.String(m.id), ReceiptHandle: aws.String(m.receipt), Body: aws.String(m.body),
			MD5OfBody: aws.String(md5Hex(m.body)),
			Attributes: map[string]string{
				"ApproximateReceiveCount": strconv.Itoa(m.received),
				"SentTimestamp":           strconv.FormatInt(m.sent.UnixMilli(), 10),
			},
		})
	}
	return out
}

// find returns the message a receipt handle names; q.mu must be held.
func (q *sqsService) find(req *Request) (*sqsQueue, int, error) {
	qu, err := q.queue(req)
	if err != nil {
		return nil, 0, err
	}
	h := req.Param("ReceiptHandle")
	for i, m := range qu.msgs {
		if m.receipt == h && h != "" {
			return qu, i, nil
		}
	}
	return nil, 0, Errorf("ReceiptHandleIsInvalid", "The input receipt handle %q is not a valid receipt handle.", h)
}

func (q *sqsService) delete(_ context.Context, req *Request) (any, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, i, err := q.find(req)
	if err != nil {
		return nil, err
	}
	qu.msgs = append(qu.msgs[:i], qu.msgs[i+1:]...)
	return &sqs.DeleteMessageOutput{}, nil
}

func (q *sqsService) changeVisibility(_ context.Context, req *Request) (any, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, i, err := q.find(req)
	if err != nil {
		return nil, err
	}
	qu.msgs[i].visible = time.Now().Add(time.Duration(req.IntParam("VisibilityTimeout", 0)) * time.Second)
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}

func (q *sqsService) purge(_ context.Context, req *Request) (any, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, err := q.queue(req)
	if err != nil {
		return nil, err
	}
	qu.msgs = nil
	return &sqs.PurgeQueueOutput{}, nil
}

func (q *sqsService) deleteQueue(_ context.Context, req *Request) (any, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qu, err := q.queue(req)
	if err != nil {
		return nil, err
	}
	delete(q.queues, queueKey{qu.region, qu.url})
	return &sqs.DeleteQueueOutput{}, nil
}
