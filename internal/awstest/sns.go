package awstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// snsService is an in-memory SNS (Query protocol): topics, subscriptions
// of SQS queues (of this server) and HTTP endpoints, and Publish, which
// fans a message out as an SNS notification document.
type snsService struct {
	srv    *Server
	mu     sync.Mutex
	topics map[string]*snsTopic // by ARN
	client *http.Client
}

type snsTopic struct {
	arn       string
	subs      []snsSub
	published []SNSMessage
}

type snsSub struct {
	arn, protocol, endpoint string
}

// SNSMessage is one message published to a topic.
type SNSMessage struct {
	MessageID string
	Subject   string
	Message   string
}

// ServeSNS makes the server answer SNS: CreateTopic, Subscribe and
// Publish. Subscribing an SQS queue also serves SQS.
func (s *Server) ServeSNS() *snsService {
	return extension(s, "sns", func() *snsService {
		return &snsService{srv: s, topics: map[string]*snsTopic{}, client: &http.Client{Timeout: 5 * time.Second}}
	}, func(t *snsService) {
		s.Register("sns", "CreateTopic", HandlerFunc(t.createTopic))
		s.Register("sns", "Subscribe", HandlerFunc(t.subscribe))
		s.Register("sns", "Publish", HandlerFunc(t.publish))
	})
}

// Published returns the messages published to a topic, oldest first.
func (t *snsService) Published(topicARN string) []SNSMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tp := t.topics[topicARN]; tp != nil {
		return append([]SNSMessage(nil), tp.published...)
	}
	return nil
}

func (t *snsService) createTopic(_ context.Context, req *Request) (any, error) {
	name := req.Param("Name")
	if name == "" || len(name) > 256 {
		return nil, Errorf("InvalidParameter", "Invalid parameter: Topic Name")
	}
	arn := fmt.Sprintf("arn:%s:sns:%s:%s:%s", t.srv.partition(), req.Region, req.Account(), name)
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.topics[arn]; !ok {
		t.topics[arn] = &snsTopic{arn: arn}
	}
	return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
}

// topic finds the topic a request names and checks that the caller
// may use it: a topic of another region is an invalid parameter, one of
// another account is refused (AuthorizationError), as SNS answers when
// no topic policy grants the caller; t.mu must be held.
func (t *snsService) topic(req *Request) (*snsTopic, error) {
	arn := req.Param("TopicArn")
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "sns" {
		return nil, Errorf("InvalidParameter", "Invalid parameter: TopicArn")
	}
	if parts[3] != req.Region {
		return nil, Errorf("InvalidParameter", "Invalid parameter: TopicArn (the topic is in %s, the call in %s)", parts[3], req.Region)
	}
	tp := t.topics[arn]
	if tp == nil {
		return nil, Errorf("NotFound", "Topic does not exist")
	}
	if parts[4] != req.Account() {
		return nil, crossAccountDenied(req, "SNS:"+req.Operation, arn)
	}
	return tp, nil
}

func (t *snsService) subscribe(_ context.Context, req *Request) (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tp, err := t.topic(req)
	if err != nil {
		return nil, err
	}
	proto, ep := req.Param("Protocol"), req.Param("Endpoint")
	switch proto {
	case "sqs":
		t.srv.ServeSQS()
	case "http", "https":
	default:
		return nil, Errorf("InvalidParameter", "Invalid parameter: Protocol %q (this server delivers to sqs, http and https)", proto)
	}
	sub := snsSub{arn: tp.arn + ":" + newID(), protocol: proto, endpoint: ep}
	tp.subs = append(tp.subs, sub)
	return &sns.SubscribeOutput{SubscriptionArn: aws.String(sub.arn)}, nil
}

func (t *snsService) publish(_ context.Context, req *Request) (any, error) {
	msg := req.Param("Message")
	if msg == "" {
		return nil, Errorf("InvalidParameter", "Invalid parameter: Empty message")
	}
	subject := req.Param("Subject")
	if len(subject) > 100 || strings.ContainsAny(subject, "\r\n") {
		return nil, Errorf("InvalidParameter", "Invalid parameter: Subject")
	}
	t.mu.Lock()
	tp, err := t.topic(req)
	if err != nil {
		t.mu.Unlock()
		return nil, err
	}
	m := SNSMessage{MessageID: newID(), Subject: subject, Message: msg}
	tp.published = append(tp.published, m)
	subs := append([]snsSub(nil), tp.subs...)
	t.mu.Unlock()
	doc, _ := json.Marshal(map[string]string{
		"Type": "Notification", "MessageId": m.MessageID, "TopicArn": tp.arn, "Subject": subject,
		"Message": msg, "Timestamp": time.Now().UTC().Format(time.RFC3339Nano),
	})
	for _, sub := range subs {
		t.deliver(sub, tp.arn, doc)
	}
	return &sns.PublishOutput{MessageId: aws.String(m.MessageID)}, nil
}

// deliver sends one notification to a subscriber: into an SQS queue of
// this server (endpoint is the queue's ARN), or POSTed to an HTTP
// endpoint in the background.
func (t *snsService) deliver(sub snsSub, topic string, doc []byte) {
	if sub.protocol == "sqs" {
		// arn:aws:sqs:region:account:name → this server's queue URL.
		parts := strings.Split(sub.endpoint, ":")
		if len(parts) == 6 {
			_ = t.srv.ServeSQS().Deliver(parts[3], fmt.Sprintf("%s/%s/%s", t.srv.Endpoint, parts[4], parts[5]), string(doc))
		}
		return
	}
	go func() {
		req, err := http.NewRequest(http.MethodPost, sub.endpoint, bytes.NewReader(doc))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
		req.Header.Set("x-amz-sns-message-type", "Notification")
		req.Header.Set("x-amz-sns-topic-arn", topic)
		req.Header.Set("x-amz-sns-subscription-arn", sub.arn)
		if resp, err := t.client.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
}
