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
	f = snapshot.NewServiceFile("222222222222", snapshot.Global, "iam")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`
	if err := f.Set("GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: []iamtypes.RoleDetail{{RoleName: aws.String("OrgrailAudit"), Path: aws.String("/"),
		Arn: aws.String("arn:aws:iam::222222222222:role/OrgrailAudit"), CreateDate: aws.Time(joined), AssumeRolePolicyDocument: aws.String(trust)}}}); err != nil {
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
	admin := []string{"AWS_ACCESS_KEY_ID=" + ready.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + ready.SecretAccessKey}
	runAs := func(creds []string, args ...string) (map[string]any, string) {
		t.Helper()
		cmd := exec.Command(awsBin, append([]string{"--endpoint-url", ready.Endpoint, "--output", "json"}, args...)...)
		cmd.Env = append([]string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_CONFIG_FILE=" + cfgFile, "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
			"AWS_MAX_ATTEMPTS=1", "AWS_EC2_METADATA_DISABLED=true"}, creds...)
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
	run := func(args ...string) (map[string]any, string) { t.Helper(); return runAs(admin, args...) }
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
		// The reads derived from the organization snapshot.
		{"iam", "list-roles"},
		{"iam", "get-role", "--role-name", "Admin"},
		{"iam", "get-role", "--role-name", "Nope"},
		{"ec2", "describe-security-groups", "--filters", "Name=group-name,Values=web", "Name=ip-permission.from-port,Values=443"},
		{"ec2", "describe-security-groups", "--filters", "Name=group-name,Values=db*"},
		// Set up the isolation check: a queue of the management account
		// and the workload account's credentials, through its role.
		{"sqs", "create-queue", "--queue-name", "alerts"},
		{"sts", "assume-role", "--role-arn", "arn:aws:iam::222222222222:role/OrgrailAudit", "--role-session-name", "cli"},
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
	if l := list(7, "Roles"); len(l) != 1 || l[0].(map[string]any)["RoleName"] != "Admin" {
		t.Errorf("list-roles = %v (%s)", results[7].out, results[7].stderr)
	}
	if r, _ := results[8].out["Role"].(map[string]any); r["Arn"] != "arn:aws:iam::111111111111:role/Admin" {
		t.Errorf("get-role = %v (%s)", results[8].out, results[8].stderr)
	}
	if !strings.Contains(results[9].stderr, "NoSuchEntity") {
		t.Errorf("get-role of an unknown role: %q", results[9].stderr)
	}
	if l := list(10, "SecurityGroups"); len(l) != 1 {
		t.Errorf("describe-security-groups filtered = %v (%s)", results[10].out, results[10].stderr)
	}
	if l := list(11, "SecurityGroups"); len(l) != 0 || results[11].stderr != "" {
		t.Errorf("describe-security-groups matching nothing = %v (%s)", results[11].out, results[11].stderr)
	}
	checkCrossAccountWithCLI(t, runAs, results[12].out, results[13].out)
}

// checkCrossAccountWithCLI: with the workload account's credentials
// (from sts assume-role), the AWS CLI is refused the management
// account's queue as AWS refuses it (AccessDenied;
// AWS.SimpleQueueService.NonExistentQueue for GetQueueUrl naming the
// owner), and the session keys without their token are refused.
func checkCrossAccountWithCLI(t *testing.T, runAs func([]string, ...string) (map[string]any, string), queue, assumed map[string]any) {
	t.Helper()
	url, _ := queue["QueueUrl"].(string)
	c, _ := assumed["Credentials"].(map[string]any)
	if url == "" || c == nil {
		t.Fatalf("create-queue %v, assume-role %v", queue, assumed)
	}
	keys := []string{"AWS_ACCESS_KEY_ID=" + c["AccessKeyId"].(string), "AWS_SECRET_ACCESS_KEY=" + c["SecretAccessKey"].(string)}
	work := append(keys, "AWS_SESSION_TOKEN="+c["SessionToken"].(string))
	calls := []struct {
		creds []string
		args  []string
	}{
		{work, []string{"sts", "get-caller-identity"}},
		{work, []string{"sqs", "send-message", "--queue-url", url, "--message-body", "x"}},
		{work, []string{"sqs", "get-queue-url", "--queue-name", "alerts", "--queue-owner-aws-account-id", "111111111111"}},
		{keys, []string{"sts", "get-caller-identity"}},
	}
	outs := make([]map[string]any, len(calls))
	errs := make([]string, len(calls))
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() { defer wg.Done(); outs[i], errs[i] = runAs(c.creds, c.args...) }()
	}
	wg.Wait()
	if outs[0]["Account"] != "222222222222" {
		t.Errorf("get-caller-identity through the role = %v (%s)", outs[0], errs[0])
	}
	if !strings.Contains(errs[1], "(AccessDenied)") {
		t.Errorf("send-message to another account's queue: %q", errs[1])
	}
	if !strings.Contains(errs[2], "AWS.SimpleQueueService.NonExistentQueue") {
		t.Errorf("get-queue-url of another account's queue: %q", errs[2])
	}
	if !strings.Contains(errs[3], "InvalidClientTokenId") {
		t.Errorf("session keys without their token: %q", errs[3])
	}
}
