package awstest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestAccessPointsReadByAWSCLI lists the demo's access points and reads
// one's policy with the AWS CLI, a second client of S3 Control's REST
// XML protocol (the collector's is aws-sdk-go-v2).
func TestAccessPointsReadByAWSCLI(t *testing.T) {
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed")
	}
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(filepath.Join(dir, "snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	srv := startFixture(t, Options{Snapshot: snap})
	acct := ""
	for _, id := range snap.Org.AccountIDs() {
		if snap.Org.Name(id) == "shared-services" {
			acct = id
		}
	}
	creds := srv.AccountCredentials(acct)
	run := func(args ...string) []byte {
		t.Helper()
		// botocore puts the account id in front of S3 Control's host
		// (ACCOUNT.HOST), which names nothing on loopback: the CLI
		// talks to a made-up host through the server as its HTTP proxy.
		full := append([]string{"--endpoint-url", "http://s3-control.awstest.invalid", "--region", "us-east-1", "--output", "json", "s3control"}, args...)
		cmd := exec.Command(bin, append(full, "--account-id", acct)...)
		var env []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env, "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
			"AWS_SESSION_TOKEN="+creds.SessionToken, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=",
			"HTTP_PROXY="+srv.Endpoint, "http_proxy="+srv.Endpoint, "NO_PROXY=", "no_proxy=")
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("aws s3control %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return out
	}
	var list struct {
		AccessPointList []struct{ Name, NetworkOrigin, Bucket string }
	}
	if err := json.Unmarshal(run("list-access-points"), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, ap := range list.AccessPointList {
		got[ap.Name] = ap.NetworkOrigin + " " + ap.Bucket
	}
	bucket := "kumo-ci-artifacts-" + acct
	if len(got) != 2 || got["vendor-exports"] != "Internet "+bucket || got["ci-runners"] != "VPC "+bucket {
		t.Fatalf("list-access-points: %v", got)
	}
	var pol struct{ Policy string }
	if err := json.Unmarshal(run("get-access-point-policy", "--name", "vendor-exports"), &pol); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pol.Policy, `"VendorReadsExports"`) || !strings.Contains(pol.Policy, ":accesspoint/vendor-exports/object/exports/*") {
		t.Errorf("get-access-point-policy: %s", pol.Policy)
	}
}
