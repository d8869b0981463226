package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// planted is a secret value put in a Lambda function's environment.
const planted = "PLANTED-SECRET-7f3a9c1e"

// assertNowhere walks root, gunzips every .gz file, and fails if the
// secret's bytes appear in any file.
func assertNowhere(t *testing.T, root, secret string) int {
	t.Helper()
	n := 0
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return err
			}
			if b, err = io.ReadAll(zr); err != nil {
				return err
			}
		}
		n++
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the secret", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLambdaEnvironmentNeverCollected feeds a known secret through the
// local AWS (a Lambda function's environment variables, as ListFunctions
// returns them) into collect and asserts that it appears nowhere under
// the output directory, while the variables' names are kept.
func TestLambdaEnvironmentNeverCollected(t *testing.T) {
	t.Parallel()
	srv, want := demoServer(t)
	account, region := "", "us-east-1"
	for _, a := range want.Org.Accounts {
		if a.Id != want.Org.MasterAccountId && a.Status == "ACTIVE" {
			account = a.Id
			break
		}
	}
	raw := json.RawMessage(`{"Functions":[{"FunctionName":"payments","FunctionArn":"arn:aws:lambda:us-east-1:` + account +
		`:function:payments","Runtime":"python3.12","Environment":{"Variables":{"DB_PASSWORD":"` + planted +
		`","STAGE":"prod-` + planted + `"}}}]}`)
	if err := srv.SetOutput(account, region, "lambda", "ListFunctions", "", raw); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The local AWS does serve the secret: the test feeds what it means to.
	cfg := srv.Config(ctx, srv.AccountCredentials(account))
	cfg.Region = region
	served, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(served.Functions) != 1 || served.Functions[0].Environment.Variables["DB_PASSWORD"] != planted {
		t.Fatalf("the local AWS does not serve the planted secret: %v", err)
	}
	out := t.TempDir()
	res := collectFrom(t, srv, Options{Out: out, Accounts: []string{account}, Regions: []string{region}, Services: []string{"lambda"}})
	if n := assertNowhere(t, out, planted); n < 3 {
		t.Fatalf("only %d files under the output", n)
	}
	s, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Service(account, region, "lambda")
	if err != nil {
		t.Fatal(err)
	}
	var lf lambda.ListFunctionsOutput
	if ok, err := f.Get("ListFunctions", &lf); !ok || err != nil || len(lf.Functions) != 1 {
		t.Fatalf("ListFunctions: %v %v", ok, err)
	}
	if v := lf.Functions[0].Environment.Variables; v["DB_PASSWORD"] != snapshot.Redacted || v["STAGE"] != snapshot.Redacted {
		t.Fatalf("environment = %v, want the names with %q", v, snapshot.Redacted)
	}
}

// TestConfigSnapshotLambdaEnvironmentNeverStored builds a snapshot from
// an AWS Config snapshot file whose AWS::Lambda::Function item carries
// environment variables (Config's configuration for the type is the
// GetFunction configuration, lowerCamel members) and asserts that the
// secret appears nowhere under the output directory.
func TestConfigSnapshotLambdaEnvironmentNeverStored(t *testing.T) {
	archive := t.TempDir()
	doc := `{"fileVersion":"1.0","configSnapshotId":"x","configurationItems":[{"configurationItemVersion":"1.3",` +
		`"configurationItemCaptureTime":"2026-11-20T00:00:00.000Z","configurationItemStatus":"OK","awsAccountId":"` + acct + `",` +
		`"awsRegion":"eu-west-1","resourceType":"AWS::Lambda::Function","resourceId":"payments","resourceName":"payments",` +
		`"configuration":{"functionName":"payments","runtime":"python3.12","environment":{"variables":{"API_TOKEN":"` + planted + `"}}},` +
		`"supplementaryConfiguration":{}}]}`
	p := filepath.Join(archive, "AWSLogs", acct, "Config", "eu-west-1", "2026", "11", "20", "ConfigSnapshot",
		acct+"_Config_eu-west-1_ConfigSnapshot_20261120T000000Z_x.json.gz")
	writeGzip(t, p, doc)
	out := t.TempDir()
	res, err := FromConfigSnapshots(context.Background(), archive, ConfigOptions{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	assertNowhere(t, out, planted)
	s, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Service(acct, "eu-west-1", "lambda")
	if err != nil {
		t.Fatal(err)
	}
	var lf lambda.ListFunctionsOutput
	if ok, _ := f.Get("ListFunctions", &lf); !ok || len(lf.Functions) != 1 || lf.Functions[0].Environment.Variables["API_TOKEN"] != snapshot.Redacted {
		t.Fatalf("ListFunctions from Config = %+v", lf.Functions)
	}
}

// writeGzip writes body gzip-compressed at p, creating directories.
func writeGzip(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(body))
	zw.Close()
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
