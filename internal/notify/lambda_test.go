package notify

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/trail"
)

// probeMatcher fires one test rule on records named OrgrailCrashProbe.
type probeMatcher struct{}

var probeRule = &trail.Rule{ID: "test.probe", Title: "Probe", Severity: severity.High, NistCSF: "DE.CM", Source: "custom"}

func (probeMatcher) Match(event []byte, dst []trail.Hit) ([]trail.Hit, error) {
	if bytes.Contains(event, []byte(`"eventName":"OrgrailCrashProbe"`)) {
		dst = append(dst, trail.Hit{Rule: probeRule})
	}
	return dst, nil
}

// memBucket is a Log Archive bucket in memory.
type memBucket struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (b *memBucket) OpenObject(_ context.Context, bucket, key string) (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	data, ok := b.objects[bucket+"/"+key]
	if !ok {
		return nil, fmt.Errorf("NoSuchKey: %s", key)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

func gzRecords(file, n int) ([]byte, []string) {
	var recs []string
	var keys []string
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("lambda-%02d-%02d", file, i)
		recs = append(recs, fmt.Sprintf(`{"eventID":%q,"eventTime":"2026-11-25T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"OrgrailCrashProbe","awsRegion":"eu-west-1","recipientAccountId":"111111111111","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/x"}}`, id))
		keys = append(keys, "test.probe/"+id)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"Records":[` + strings.Join(recs, ",") + `]}`))
	zw.Close()
	return buf.Bytes(), keys
}

// countingHook is a webhook that fails a share of requests and counts
// accepted deliveries by delivery id and by detection.
type countingHook struct {
	mu   sync.Mutex
	rng  *rand.Rand
	ids  map[string]int
	dets map[string]int
}

func (h *countingHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.rng.IntN(100) < 25 {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var b WebhookBody
	json.Unmarshal(body, &b)
	h.ids[r.Header.Get(DeliveryHeader)]++
	h.dets[b.Detection.Key()]++
}

func (h *countingHook) counts() (int, int, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	twice := 0
	for _, n := range h.ids {
		if n > 1 {
			twice++
		}
	}
	return len(h.dets), len(h.ids), twice
}

// TestLambdaWorkersShareDynamoDB runs several Lambda-mode workers at
// once over one SQS queue of S3 event notifications, with their state in
// one DynamoDB table. Workers die before or after handling a batch
// (their messages come back after the visibility timeout), SQS delivers
// some messages twice, and the webhook fails a quarter of the time:
// every detection is still delivered, once.
func TestLambdaWorkersShareDynamoDB(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for several seconds")
	}
	_, cfg := startAWS(t)
	ctx := context.Background()
	qc := sqs.NewFromConfig(cfg)
	q, err := qc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("logs"), Attributes: map[string]string{"VisibilityTimeout": "1"}})
	skipIfNotServed(t, err)
	if err != nil {
		t.Fatal(err)
	}
	newDynamoState(t, cfg)
	hook := &countingHook{rng: rand.New(rand.NewPCG(5, 6)), ids: map[string]int{}, dets: map[string]int{}}
	hs := httptest.NewServer(hook)
	defer hs.Close()
	conf, err := DecodeYAML("n.yaml", []byte(fmt.Sprintf(`
channels: {hook: {type: webhook, url: %s}}
routes: [{name: all, channels: [hook]}]
delivery: {maxAttempts: 100, backoff: 20ms, maxBackoff: 200ms}`, hs.URL)))
	if err != nil {
		t.Fatal(err)
	}
	bucket := &memBucket{objects: map[string][]byte{}}
	var want []string
	for f := 0; f < 12; f++ {
		key := fmt.Sprintf("AWSLogs/o-x/111111111111/CloudTrail/eu-west-1/2026/11/25/111111111111_CloudTrail_eu-west-1_20261125T10%02dZ_f.json.gz", f)
		data, keys := gzRecords(f, 10)
		bucket.objects["archive/"+key] = data
		want = append(want, keys...)
		note := fmt.Sprintf(`{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"archive"},"object":{"key":%q}}}]}`, key)
		copies := 1 + f%3/2 // every third notification twice, as SQS may deliver
		for c := 0; c < copies; c++ {
			if _, err := qc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(note)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The deadline only guards against a hang: the workers stop when the
	// receiver's counters say every detection arrived.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lambdaWorker(wctx, t, cfg, conf, bucket, aws.ToString(q.QueueUrl), uint64(w), hook, len(want))
		}()
	}
	wg.Wait()
	dets, ids, twice := hook.counts()
	t.Logf("%d detections: %d delivered under %d delivery ids, %d accepted twice", len(want), dets, ids, twice)
	if dets != len(want) || ids != len(want) || twice != 0 {
		t.Fatalf("want every one of %d detections delivered once", len(want))
	}
}

// lambdaWorker plays one Lambda instance fed by the SQS event source.
func lambdaWorker(ctx context.Context, t *testing.T, cfg aws.Config, conf *Config, bucket ObjectOpener, queue string, seed uint64, hook *countingHook, want int) {
	rng := rand.New(rand.NewPCG(seed, 99))
	qc := sqs.NewFromConfig(cfg)
	st := newDynamoState(t, cfg)
	chans, _ := NewChannels(conf, Options{AllowInsecureHTTP: true})
	n := &Notifier{Config: conf, State: st, Channels: chans, Lease: 5 * time.Second, SendTimeout: 2 * time.Second}
	h := &Handler{Pipeline: &Pipeline{Matcher: probeMatcher{}, Notifier: n}, Objects: bucket}
	for ctx.Err() == nil {
		if dets, _, _ := hook.counts(); dets >= want {
			return
		}
		out, err := qc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &queue, MaxNumberOfMessages: 3, WaitTimeSeconds: 1})
		if err != nil {
			continue
		}
		if len(out.Messages) == 0 {
			h.Invoke(ctx, json.RawMessage(`{"detail-type":"Scheduled Event","source":"aws.events"}`))
			continue
		}
		roll := rng.IntN(10)
		if roll == 0 {
			continue // died before handling: the batch comes back
		}
		ev := events.SQSEvent{}
		for _, m := range out.Messages {
			ev.Records = append(ev.Records, events.SQSMessage{MessageId: aws.ToString(m.MessageId), Body: aws.ToString(m.Body), EventSource: "aws:sqs"})
		}
		raw, _ := json.Marshal(ev)
		resp, err := h.Invoke(ctx, raw)
		if err != nil || roll == 1 {
			continue // died after handling, before the event source deleted the batch
		}
		failed := map[string]bool{}
		if r, ok := resp.(events.SQSEventResponse); ok {
			for _, f := range r.BatchItemFailures {
				failed[f.ItemIdentifier] = true
			}
		}
		for _, m := range out.Messages {
			if !failed[aws.ToString(m.MessageId)] {
				qc.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &queue, ReceiptHandle: m.ReceiptHandle})
			}
		}
	}
}

func TestSNSChannel(t *testing.T) {
	srv, cfg := startAWS(t)
	ctx := context.Background()
	sc := sns.NewFromConfig(cfg)
	topic, err := sc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	skipIfNotServed(t, err)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := NewChannel(&ChannelConfig{Name: "sns", Type: "sns", TopicARN: aws.ToString(topic.TopicArn)}, Options{SNS: sc})
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(ctx, &Message{ID: "m1", Event: *hostileEvent(), Count: 2}); err != nil {
		t.Fatal(err)
	}
	got := srv.ServeSNS().Published(aws.ToString(topic.TopicArn))
	if len(got) != 1 || strings.ContainsAny(got[0].Subject, "\r\n") || len(got[0].Subject) > 100 {
		t.Fatalf("published %+v", got)
	}
	var b WebhookBody
	if err := json.Unmarshal([]byte(got[0].Message), &b); err != nil || b.Detection.UserAgent != hostile || b.Count != 2 {
		t.Fatalf("message %q: %v", got[0].Message, err)
	}
	// A topic that does not exist parks at once.
	ch, _ = NewChannel(&ChannelConfig{Name: "sns", Type: "sns", TopicARN: "arn:aws:sns:us-east-1:111111111111:gone"}, Options{SNS: sc})
	err = ch.Send(ctx, &Message{ID: "m2", Event: *sampleEvent("x"), Count: 1})
	if se, ok := err.(*SendError); !ok || !se.Permanent {
		t.Fatalf("missing topic: %v, want a permanent error", err)
	}
}

// TestWatchQueue consumes S3 event notifications (one wrapped in SNS, one
// EventBridge Object Created event, one S3 test event) from the queue:
// every file is read, every message deleted, a redelivery changes nothing.
func TestWatchQueue(t *testing.T) {
	_, cfg := startAWS(t)
	ctx := context.Background()
	qc := sqs.NewFromConfig(cfg)
	q, err := qc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("watch")})
	skipIfNotServed(t, err)
	if err != nil {
		t.Fatal(err)
	}
	p := newPeer(t)
	n, _ := newNotifier(t, webhookConfig, p)
	n.Now = nil
	bucket := &memBucket{objects: map[string][]byte{}}
	keyOf := func(f int) string {
		return fmt.Sprintf("AWSLogs/111111111111/CloudTrail/eu-west-1/2026/11/25/111111111111_CloudTrail_eu-west-1_20261125T10%02dZ_q.json.gz", f)
	}
	for f := 0; f < 3; f++ {
		bucket.objects["archive/"+keyOf(f)], _ = gzRecords(f, 2)
	}
	s3note := fmt.Sprintf(`{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"archive"},"object":{"key":%q}}}]}`, keyOf(0))
	wrapped, _ := json.Marshal(map[string]string{"Type": "Notification", "Message": fmt.Sprintf(`{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"archive"},"object":{"key":%q}}}]}`, keyOf(1))})
	eb := fmt.Sprintf(`{"version":"0","id":"e1","detail-type":"Object Created","source":"aws.s3","account":"111111111111","region":"eu-west-1","detail":{"bucket":{"name":"archive"},"object":{"key":%q}}}`, keyOf(2))
	for _, body := range []string{s3note, string(wrapped), eb, `{"Event":"s3:TestEvent"}`, s3note} {
		qc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(body)})
	}
	w := &Watcher{Pipeline: &Pipeline{Matcher: probeMatcher{}, Notifier: n}, Queue: qc, QueueURL: aws.ToString(q.QueueUrl), Objects: bucket, Once: true}
	if err := w.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(p.received()); got != 6 {
		t.Fatalf("webhook got %d messages, want 6 (3 files × 2 records, the redelivered file deduplicated)", got)
	}
	if r, _ := qc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl}); len(r.Messages) != 0 {
		t.Fatalf("%d messages left in the queue", len(r.Messages))
	}
}
