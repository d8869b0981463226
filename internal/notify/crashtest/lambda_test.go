package crashtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// runtimeAPI is a stand-in for the Lambda Runtime API: it hands out the
// queued events one by one and records each response.
type runtimeAPI struct {
	mu        sync.Mutex
	events    []string
	responses map[string]string
	done      chan struct{}
}

func (r *runtimeAPI) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch {
	case strings.HasSuffix(req.URL.Path, "/runtime/invocation/next"):
		r.mu.Lock()
		if len(r.events) == 0 {
			r.mu.Unlock()
			close(r.done)
			<-req.Context().Done()
			return
		}
		ev := r.events[0]
		r.events = r.events[1:]
		id := fmt.Sprintf("req-%d", len(r.responses)+len(r.events))
		r.mu.Unlock()
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:111111111111:function:orgrail")
		io.WriteString(w, ev)
	case strings.Contains(req.URL.Path, "/runtime/invocation/"):
		b, _ := io.ReadAll(req.Body)
		parts := strings.Split(req.URL.Path, "/")
		r.mu.Lock()
		r.responses[parts[len(parts)-2]+" "+parts[len(parts)-1]] = string(b)
		r.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// TestLambdaModeBinary runs the orgrail command as Lambda's runtime
// starts it (no arguments, AWS_LAMBDA_RUNTIME_API set) against a local
// Runtime API and the local AWS server's DynamoDB: an EventBridge
// CloudTrail event, the same event again, and a scheduled event produce
// one webhook message.
func TestLambdaModeBinary(t *testing.T) {
	bin, _ := os.Executable()
	dir := t.TempDir()
	o := &org.Organization{Id: "o-lambda0001", MasterAccountId: "111111111111", FeatureSet: "ALL",
		Roots:    []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "m@example.com", Status: org.StatusActive, ParentId: "r-ab12"}}}
	w, err := snapshot.Create(filepath.Join(dir, "snap"), o)
	if err != nil {
		t.Fatal(err)
	}
	w.Commit(&snapshot.Manifest{OrgID: o.Id, CollectedAt: time.Now(), Source: "test"})
	srv, err := awstest.Start(context.Background(), awstest.Options{SnapshotDir: filepath.Join(dir, "snap")})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.ServeDynamoDB()
	ctx := context.Background()
	db := dynamodb.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	_, err = db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("orgrail"),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: "HASH"}, {AttributeName: aws.String("sk"), KeyType: "RANGE"}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: "S"}, {AttributeName: aws.String("sk"), AttributeType: "S"}}})
	if err != nil && strings.Contains(err.Error(), "no output type known") {
		t.Skipf("local AWS server does not serve DynamoDB yet: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Header.Get(notify.DeliveryHeader)+" "+string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	cfg := filepath.Join(dir, "cfg")
	os.MkdirAll(cfg, 0o700)
	os.WriteFile(filepath.Join(cfg, "notifications.yaml"), []byte(fmt.Sprintf(`notifications:
  channels: {hook: {type: webhook, url: %s}}
  routes: [{name: all, channels: [hook]}]
`, hook.URL)), 0o600)
	event := `{"version":"0","id":"eb-1","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","account":"111111111111","time":"2026-11-25T10:00:00Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"1.08","eventID":"lambda-ev-1","eventTime":"2026-11-25T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","recipientAccountId":"111111111111","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/a","accountId":"111111111111","userName":"a"},"requestParameters":{"userName":"a"}}}`
	rt := &runtimeAPI{events: []string{event, event, `{"detail-type":"Scheduled Event","source":"aws.events"}`}, responses: map[string]string{}, done: make(chan struct{})}
	api := httptest.NewServer(rt)
	defer api.Close()
	creds := srv.AdminCredentials()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "ORGRAIL_TEST_MAIN=1", "ORGRAIL_ALLOW_INSECURE_HTTP=1",
		"AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(api.URL, "http://"),
		"ORGRAIL_DYNAMODB_TABLE=orgrail", "ORGRAIL_CONFIG="+cfg, "ORGRAIL_AWS_ENDPOINT="+srv.Endpoint,
		"AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey, "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	select {
	case <-rt.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("invocations not all served; stderr:\n%s", stderr.String())
	}
	cmd.Process.Kill()
	cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], `"eventId":"lambda-ev-1"`) {
		t.Fatalf("webhook got %d messages, want 1:\n%s\nstderr:\n%s", len(got), strings.Join(got, "\n"), stderr.String())
	}
	for k, v := range rt.responses {
		if strings.HasSuffix(k, " error") {
			t.Errorf("invocation %s failed: %s", k, v)
		}
	}
}
