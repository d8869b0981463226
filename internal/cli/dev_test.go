package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// devSnapshot writes a two-account snapshot for the aws-server tests.
func devSnapshot(t *testing.T) string {
	t.Helper()
	joined := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	o := &org.Organization{Id: "o-dev", Arn: "arn:aws:organizations::111111111111:organization/o-dev", FeatureSet: "ALL",
		MasterAccountId: "111111111111", MasterAccountEmail: "m@example.com",
		Roots: []org.Root{{Id: "r-dev1", Name: "Root", Arn: "arn:aws:organizations::111111111111:root/o-dev/r-dev1"}},
		Accounts: []org.Account{
			{Id: "111111111111", Name: "management", Status: "ACTIVE", ParentId: "r-dev1", JoinedTimestamp: joined, JoinedMethod: "CREATED"},
			{Id: "222222222222", Name: "workload", Status: "ACTIVE", ParentId: "r-dev1", JoinedTimestamp: joined, JoinedMethod: "INVITED"},
		}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	f := snapshot.NewServiceFile("111111111111", snapshot.Global, "iam")
	if err := f.Set("GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: []iamtypes.RoleDetail{{RoleName: aws.String("Admin"), Arn: aws.String("arn:aws:iam::111111111111:role/Admin"), CreateDate: aws.Time(joined), AssumeRolePolicyDocument: aws.String("%7B%7D")}}}); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, w, f)
	f = snapshot.NewServiceFile("111111111111", snapshot.Global, "s3")
	if err := f.Set("ListBuckets", &s3.ListBucketsOutput{Buckets: []s3types.Bucket{{Name: aws.String("dev-bucket"), CreationDate: aws.Time(joined)}}}); err != nil {
		t.Fatal(err)
	}
	f.SetResourceError("GetBucketPolicy", "dev-bucket", "NoSuchBucketPolicy")
	mustWrite(t, w, f)
	f = snapshot.NewServiceFile("111111111111", "us-east-1", "ec2")
	if err := f.Set("DescribeSecurityGroups", &ec2.DescribeSecurityGroupsOutput{SecurityGroups: []ec2types.SecurityGroup{{GroupId: aws.String("sg-1"), GroupName: aws.String("web"),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443)}}}}}); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, w, f)
	if err := w.Commit(&snapshot.Manifest{OrgID: "o-dev", Source: "test"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func mustWrite(t *testing.T, w *snapshot.Writer, f *snapshot.ServiceFile) {
	t.Helper()
	if err := w.WriteService(f); err != nil {
		t.Fatal(err)
	}
}

// startDevServer runs `orgrail dev aws-server` in-process over a small
// fixture and returns its ready line, checked.
func startDevServer(t *testing.T) awsServerReady {
	t.Helper()
	ready := runDevServer(t, devSnapshot(t))
	if !strings.HasPrefix(ready.Endpoint, "http://127.0.0.1:") || ready.AccountID != "111111111111" || ready.Region != "us-east-1" || ready.AccessKeyID == "" || ready.SecretAccessKey == "" {
		t.Fatalf("ready line = %+v", ready)
	}
	return ready
}

// runDevServer runs `orgrail dev aws-server --org DIR --addr 127.0.0.1:0`
// in-process until the test ends and returns its ready line, which must
// hold exactly the contract's fields.
func runDevServer(t *testing.T, dir string) awsServerReady {
	t.Helper()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	g := &Globals{Stdin: strings.NewReader(""), Stdout: pw, Stderr: &stderr}
	root := NewRoot(g)
	root.SetArgs([]string{"dev", "aws-server", "--org", dir, "--addr", "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("aws-server: %v (stderr %s)", err, stderr.String())
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no ready line: %v (stderr %s)", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	var ready awsServerReady
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ready); err != nil {
		t.Fatalf("ready line %q: %v", line, err)
	}
	return ready
}

func TestDevAWSServerReadyLine(t *testing.T) {
	startDevServer(t)
}

func TestDevAWSServerRequiresOrg(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"dev", "aws-server"}, strings.NewReader(""), &out, &errb); code != ExitUsage {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	if code := Main([]string{"dev", "aws-server", "--org", t.TempDir()}, strings.NewReader(""), &out, &errb); code != ExitUsage {
		t.Fatalf("empty dir: exit %d", code)
	}
	if code := Main([]string{"dev", "aws-server", "--org", devSnapshot(t), "--addr", "0.0.0.0:0"}, strings.NewReader(""), &out, &errb); code != ExitUsage {
		t.Fatalf("non-loopback: exit %d", code)
	}
}

// TestDevAWSServerWithAWSCLI drives the standalone server with a second,
// independent client: the AWS CLI (Debian package awscli).
func TestDevAWSServerWithAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("the AWS CLI takes seconds per call; skipped with -short")
	}
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed (apt-get install awscli)")
	}
	ready := startDevServer(t)
	home := t.TempDir()
	cfgFile := filepath.Join(home, "config")
	if err := os.WriteFile(cfgFile, []byte("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (map[string]any, string) {
		t.Helper()
		cmd := exec.Command(awsBin, append([]string{"--endpoint-url", ready.Endpoint, "--output", "json"}, args...)...)
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_CONFIG_FILE=" + cfgFile, "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
			"AWS_ACCESS_KEY_ID=" + ready.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + ready.SecretAccessKey, "AWS_MAX_ATTEMPTS=1", "AWS_EC2_METADATA_DISABLED=true"}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		out := map[string]any{}
		if err == nil && stdout.Len() > 0 {
			if jerr := json.Unmarshal(stdout.Bytes(), &out); jerr != nil {
				t.Errorf("aws %v: output %q: %v", args, stdout.String(), jerr)
			}
		}
		return out, stderr.String()
	}
	// Each CLI start costs seconds: run the calls side by side.
	type result struct {
		out    map[string]any
		stderr string
	}
	calls := [][]string{
		{"sts", "get-caller-identity"},
		{"organizations", "list-accounts"},
		{"iam", "get-account-authorization-details"},
		{"ec2", "describe-security-groups"},
		{"s3api", "list-buckets"},
		{"s3api", "get-bucket-policy", "--bucket", "dev-bucket"},
		{"organizations", "describe-account", "--account-id", "000000000000"},
	}
	results := make([]result, len(calls))
	var wg sync.WaitGroup
	for i, args := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, stderr := run(args...)
			results[i] = result{out, stderr}
		}()
	}
	wg.Wait()
	list := func(i int, key string) []any {
		l, _ := results[i].out[key].([]any)
		return l
	}
	if id := results[0].out; id["Account"] != "111111111111" || id["Arn"] != "arn:aws:iam::111111111111:root" {
		t.Errorf("get-caller-identity = %v (%s)", id, results[0].stderr)
	}
	if len(list(1, "Accounts")) != 2 {
		t.Errorf("list-accounts = %v (%s)", results[1].out, results[1].stderr)
	}
	if len(list(2, "RoleDetailList")) != 1 {
		t.Errorf("get-account-authorization-details = %v (%s)", results[2].out, results[2].stderr)
	}
	if l := list(3, "SecurityGroups"); len(l) != 1 || l[0].(map[string]any)["GroupName"] != "web" {
		t.Errorf("describe-security-groups = %v (%s)", results[3].out, results[3].stderr)
	}
	if len(list(4, "Buckets")) != 1 {
		t.Errorf("list-buckets = %v (%s)", results[4].out, results[4].stderr)
	}
	if !strings.Contains(results[5].stderr, "NoSuchBucketPolicy") {
		t.Errorf("get-bucket-policy error = %q", results[5].stderr)
	}
	if !strings.Contains(results[6].stderr, "AccountNotFoundException") {
		t.Errorf("describe-account error = %q", results[6].stderr)
	}
}
