package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// startMoto runs moto_server (a second, independent AWS emulator) on a
// free loopback port until the test ends, and returns its endpoint. The
// test is skipped where moto_server is not installed.
func startMoto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Skipf("moto_server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; i < 300; i++ {
		if resp, err := http.Get(endpoint + "/moto-api/"); err == nil {
			resp.Body.Close()
			return endpoint
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("moto_server did not answer on %s", endpoint)
	return ""
}

// TestCollectS3ControlAgainstMoto collects S3 Control from moto through
// AWS_ENDPOINT_URL: moto, like the local AWS, is reached only at the
// endpoint as given, so before the collector kept the host every account
// recorded an s3control gap and collect exited 3.
func TestCollectS3ControlAgainstMoto(t *testing.T) {
	endpoint := startMoto(t)
	ctx := context.Background()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
	oc := organizations.NewFromConfig(cfg)
	if _, err := oc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	if _, err := oc.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("workload"), Email: aws.String("w@example.com")}); err != nil {
		t.Fatal(err)
	}
	setEndpointEnv(t, endpoint, "testing", "testing", "us-east-1")
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := Main([]string{"collect", "--out", out, "--regions", "us-east-1", "--services", "s3control", "--output", "json"},
		strings.NewReader(""), &stdout, &stderr)
	s, err := snapshot.Open(out)
	if err != nil {
		t.Fatalf("exit %d: %v\nstdout %s\nstderr %s", code, err, stdout.String(), stderr.String())
	}
	for _, g := range s.Manifest.Gaps {
		if g.Service == "s3control" {
			t.Errorf("s3control gap: %+v", g)
		}
	}
	if code != ExitOK {
		t.Errorf("exit %d, want 0\nstdout %s", code, stdout.String())
	}
	if len(s.Org.Accounts) != 2 {
		t.Errorf("%d accounts collected, want 2", len(s.Org.Accounts))
	}
}
