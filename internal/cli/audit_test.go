package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/snapshot"
)

func auditDemo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAuditCommands(t *testing.T) {
	dir := auditDemo(t)
	state := filepath.Join(t.TempDir(), "state.db")
	cfg := t.TempDir()
	os.WriteFile(filepath.Join(cfg, "exceptions.yaml"), []byte(`exceptions:
  - rule: s3.bucket-versioning
    account: payments-dev
    reason: data bucket rebuilt nightly
    expires: 2099-12-31
`), 0o600)
	env := map[string]string{"ORGRAIL_STATE": state}

	code, out, errOut := run(t, env, "audit", "--snapshot", dir, "--config", cfg, "--output", "json")
	if code != ExitFail {
		t.Fatalf("audit exit %d: %s", code, errOut)
	}
	var doc struct {
		Findings []struct {
			RuleID string `json:"ruleId"`
			Status string `json:"status"`
			Muted  bool   `json:"muted"`
		} `json:"findings"`
		Summary struct {
			Total struct{ Failed, Muted int } `json:"total"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Total.Muted != 1 || doc.Summary.Total.Failed == 0 {
		t.Fatalf("summary = %+v", doc.Summary.Total)
	}
	if code, _, _ := run(t, env, "audit", "--snapshot", dir, "--config", cfg, "--fail-on", "none", "--output", "sarif"); code != 0 {
		t.Fatalf("--fail-on none exit %d", code)
	}
	code, out, _ = run(t, env, "findings", "diff", "--output", "json")
	if code != 0 || !strings.Contains(out, `"stillOpen"`) {
		t.Fatalf("diff exit %d: %s", code, out)
	}
	code, out, _ = run(t, nil, "rules", "list", "--framework", "cis", "--output", "json")
	if code != 0 || !strings.Contains(out, `"cis": "1.5"`) {
		t.Fatalf("rules list exit %d", code)
	}
	code, out, _ = run(t, env, "remediate", "--snapshot", dir, "--no-color", "--output", "table")
	if code != 0 || !strings.Contains(out, "nothing was changed") || !strings.Contains(out, "EnableEbsEncryptionByDefault") {
		t.Fatalf("remediate exit %d: %s", code, out)
	}
}

func TestAuditUsageErrors(t *testing.T) {
	rulesDir := t.TempDir()
	os.WriteFile(filepath.Join(rulesDir, "bad.yaml"), []byte("id: x\ntitle: t\nseverity: low\nscope: org\nexpression: org.id ==\n"), 0o600)
	dir := auditDemo(t)
	cases := [][]string{
		{"audit"},
		{"audit", "--snapshot", filepath.Join(t.TempDir(), "none")},
		{"audit", "--snapshot", dir, "--framework", "pci"},
		{"audit", "--snapshot", dir, "--fail-on", "urgent"},
		{"audit", "--snapshot", dir, "--rules", rulesDir},
		{"audit", "--snapshot", dir, "--output", "xml"},
	}
	for _, args := range cases {
		code, _, errOut := run(t, nil, append(args, "--no-store")...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d (%s)", args, code, errOut)
		}
		if args[len(args)-1] == rulesDir && !strings.Contains(errOut, "bad.yaml:5:") {
			t.Errorf("compile error does not point at the file: %s", errOut)
		}
	}
}

func TestAuditToSecurityHub(t *testing.T) {
	dir := auditDemo(t)
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(context.Background(), awstest.Options{Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	creds := srv.AdminCredentials()
	env := map[string]string{"AWS_ENDPOINT_URL": srv.Endpoint, "AWS_ACCESS_KEY_ID": creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": creds.SecretAccessKey, "AWS_SESSION_TOKEN": creds.SessionToken, "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none")}
	code, out, errOut := run(t, env, "audit", "--snapshot", dir, "--no-store", "--to-security-hub", "--fail-on", "none", "--output", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Count(out, "\n")
	if got := len(srv.Findings()); got != lines || got == 0 {
		t.Fatalf("server received %d findings, audit printed %d", got, lines)
	}
	// Each finding was imported by its own account (the role assumed as
	// collect does), into that account's default product.
	for _, raw := range srv.Findings() {
		var f struct{ AwsAccountId, ProductArn string }
		if err := json.Unmarshal(raw, &f); err != nil || !strings.Contains(f.ProductArn, ":"+f.AwsAccountId+":product/"+f.AwsAccountId+"/default") {
			t.Fatalf("finding of %s imported to %s (%v)", f.AwsAccountId, f.ProductArn, err)
		}
	}
	if len(srv.Calls("sts", "AssumeRole")) == 0 {
		t.Error("no role was assumed to import other accounts' findings")
	}
	// --security-hub-own-account: only the caller's own findings.
	before := len(srv.Findings())
	code, _, errOut = run(t, env, "audit", "--snapshot", dir, "--no-store", "--to-security-hub", "--security-hub-own-account", "--fail-on", "none", "--output", "jsonl")
	if code != 0 {
		t.Fatalf("own account: exit %d: %s", code, errOut)
	}
	for _, raw := range srv.Findings()[before:] {
		if !strings.Contains(string(raw), `"AwsAccountId":"`+srv.ManagementAccount()+`"`) {
			t.Fatalf("own-account import sent another account's finding: %.200s", raw)
		}
	}
	if len(srv.Findings()) == before {
		t.Error("own-account import sent nothing")
	}
}

// TestAuditNamesUnreadableSnapshotFiles: a truncated gzip file, a file
// that is not gzip and a gzip file of bad JSON each make audit exit 3
// (not 0 or 1, even with --fail-on none) and name the file on stderr.
func TestAuditNamesUnreadableSnapshotFiles(t *testing.T) {
	damage := map[string]func(b []byte) []byte{
		"truncated": func(b []byte) []byte { return b[:len(b)/2] },
		"not gzip":  func([]byte) []byte { return []byte("this is not gzip") },
		"bad json": func([]byte) []byte {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write([]byte(`{"service": "ec2", "operations": {`))
			zw.Close()
			return buf.Bytes()
		},
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			dir := auditDemo(t)
			path := filepath.Join(dir, "snapshot", "accounts", "782512803675", "us-east-1", "ec2.json.gz")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, fn(b), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, failOn := range []string{"high", "none"} {
				code, _, errOut := run(t, nil, "audit", "--snapshot", dir, "--no-store", "--fail-on", failOn, "--output", "json", "--quiet")
				if code != ExitPartial {
					t.Errorf("--fail-on %s: exit %d, want 3", failOn, code)
				}
				if !strings.Contains(errOut, path) {
					t.Errorf("stderr does not name %s: %s", path, errOut)
				}
			}
		})
	}
}

// TestAuditUnusableStateExits2: audit promises to store its findings;
// a --state that is a directory or not a database is an error (exit 2)
// before any output, not a warning; --no-store needs no store.
func TestAuditUnusableStateExits2(t *testing.T) {
	dir := auditDemo(t)
	notDB := filepath.Join(t.TempDir(), "state.db")
	os.WriteFile(notDB, []byte("not a database, just text that is long enough to be read as a header......"), 0o600)
	for _, state := range []string{t.TempDir(), notDB} {
		code, out, errOut := run(t, nil, "audit", "--snapshot", dir, "--state", state, "--output", "json", "--quiet")
		if code != ExitUsage || !strings.Contains(errOut, "--state") || out != "" {
			t.Errorf("--state %s: exit %d (stdout %d bytes), want 2: %s", state, code, len(out), errOut)
		}
	}
	if code, _, errOut := run(t, nil, "audit", "--snapshot", dir, "--state", notDB, "--no-store", "--fail-on", "none", "--quiet"); code != 0 {
		t.Errorf("--no-store with a bad --state: exit %d: %s", code, errOut)
	}
}

// TestFindingsDiffSameScope: a CIS run after a full run is compared on
// the rules both runs evaluated; failures of the other rules are not
// "fixed" (the diff showed 14 of them before).
func TestFindingsDiffSameScope(t *testing.T) {
	dir := auditDemo(t)
	env := map[string]string{"ORGRAIL_STATE": filepath.Join(t.TempDir(), "state.db")}
	if code, _, errOut := run(t, env, "audit", "--snapshot", dir, "--fail-on", "none", "--output", "json", "--quiet"); code != 0 {
		t.Fatalf("full audit: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, env, "audit", "--snapshot", dir, "--framework", "cis", "--fail-on", "none", "--output", "json", "--quiet"); code != 0 {
		t.Fatalf("cis audit: exit %d %s", code, errOut)
	}
	code, out, errOut := run(t, env, "findings", "diff", "--output", "json")
	if code != 0 {
		t.Fatalf("diff: exit %d %s", code, errOut)
	}
	var d struct{ New, Fixed, StillOpen int }
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Fixed != 0 || d.New != 0 || d.StillOpen == 0 {
		t.Errorf("diff of one snapshot under two scopes: %+v", d)
	}
	if !strings.Contains(errOut, "differ in scope") || !strings.Contains(errOut, "framework") {
		t.Errorf("the scope difference is not said: %s", errOut)
	}
}
