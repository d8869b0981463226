package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// serveDemo runs `orgrail dev aws-server --org DEMO --addr 127.0.0.1:0`
// in-process over the embedded demo organization and returns its ready
// line.
func serveDemo(t *testing.T) awsServerReady {
	t.Helper()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	return runDevServer(t, dir)
}

// TestCollectCommandAgainstDevServer runs `orgrail collect` as a user
// would, pointed at the local AWS by the standard environment variables:
// exit 0 and a snapshot that opens; exit 3 and gaps when the role cannot
// be assumed in the member accounts; credentials in no output.
func TestCollectCommandAgainstDevServer(t *testing.T) {
	ready := serveDemo(t)
	t.Setenv("AWS_ENDPOINT_URL", ready.Endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", ready.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", ready.SecretAccessKey)
	t.Setenv("AWS_REGION", ready.Region)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")

	cases := []struct {
		name  string
		extra []string
		code  int
	}{
		{"complete", nil, ExitOK},
		{"unassumable role", []string{"--role-name", "NoSuchRole"}, ExitPartial},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"collect", "--out", out, "--regions", "us-east-1",
				"--services", "ec2regions,iam,s3,kms", "--output", "json"}, c.extra...)
			var stdout, stderr bytes.Buffer
			code := Main(args, strings.NewReader(""), &stdout, &stderr)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, c.code, stdout.String(), stderr.String())
			}
			var summary struct {
				Snapshot string
				Accounts int
				Calls    int64
				Partial  bool
				Gaps     []snapshot.Gap
			}
			if err := json.Unmarshal(stdout.Bytes(), &summary); err != nil {
				t.Fatalf("summary %q: %v", stdout.String(), err)
			}
			if summary.Partial != (c.code == ExitPartial) || summary.Calls == 0 {
				t.Errorf("summary %+v", summary)
			}
			s, err := snapshot.Open(out)
			if err != nil {
				t.Fatalf("snapshot: %v", err)
			}
			if len(s.Manifest.Gaps) != len(summary.Gaps) {
				t.Errorf("manifest has %d gaps, summary %d", len(s.Manifest.Gaps), len(summary.Gaps))
			}
			if !strings.Contains(stderr.String(), `"progress"`) {
				t.Errorf("no JSON progress on stderr: %s", stderr.String())
			}
			for _, secret := range []string{ready.SecretAccessKey, ready.AccessKeyID} {
				if strings.Contains(stdout.String()+stderr.String(), secret) {
					t.Error("a credential appears in the output")
				}
			}
		})
	}
}

// TestCollectS3ControlAgainstDevServer collects S3 Control from the dev
// server of the demo organization through AWS_ENDPOINT_URL, as a user
// would: the account-prefixed host (ACCOUNT.127.0.0.1) resolves nowhere,
// so the collector must send S3 Control to the endpoint as given. No
// s3control gap may be recorded and every account's block is stored.
func TestCollectS3ControlAgainstDevServer(t *testing.T) {
	ready := serveDemo(t)
	setEndpointEnv(t, ready.Endpoint, ready.AccessKeyID, ready.SecretAccessKey, ready.Region)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := Main([]string{"collect", "--out", out, "--regions", "us-east-1", "--services", "s3control", "--output", "json"},
		strings.NewReader(""), &stdout, &stderr)
	if code != ExitOK {
		t.Fatalf("exit %d, want 0\nstdout %s\nstderr %s", code, stdout.String(), stderr.String())
	}
	s, err := snapshot.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range s.Manifest.Gaps {
		if g.Service == "s3control" {
			t.Errorf("s3control gap: %+v", g)
		}
	}
	for _, a := range s.Org.Accounts {
		if a.Status != "ACTIVE" {
			continue
		}
		f, err := s.Service(a.Id, snapshot.Global, "s3control")
		if err != nil {
			t.Errorf("account %s: %v", a.Id, err)
			continue
		}
		if _, ok := f.Operations["GetPublicAccessBlock"]; !ok && f.Error("GetPublicAccessBlock") == "" {
			t.Errorf("account %s: no GetPublicAccessBlock stored", a.Id)
		}
	}
}

// setEndpointEnv points the SDK's standard environment at an endpoint
// with static keys and nothing from the user's own configuration.
func setEndpointEnv(t *testing.T, endpoint, keyID, secret, region string) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", keyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", region)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
}
