package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runPolicy(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

const (
	allowS3  = `{"Version":"2012-10-17","Statement":[{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	denyAll  = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	alice    = `"arn:aws:iam::111111111111:user/alice"`
	requests = `{"request":{"principal":` + alice + `,"action":"s3:GetObject","resource":{"arn":"arn:aws:s3:::b/k"}},"identityPolicies":[` + allowS3 + `]}
{"request":{"principal":` + alice + `,"action":"ec2:RunInstances"},"identityPolicies":[` + allowS3 + `]}
{"request":{"principal":` + alice + `,"action":"s3:GetObject"},"identityPolicies":[` + allowS3 + `],"serviceControlPolicies":[{"id":"r-root","policies":[` + denyAll + `]}]}
`
)

func TestPolicySimulateRequestFile(t *testing.T) {
	code, out, errOut := runPolicy(t, requests, "policy", "simulate", "--request", "-", "--output", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{"Allowed", "ImplicitlyDenied", "ExplicitlyDenied"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines: %q", len(lines), out)
	}
	for i, l := range lines {
		var r struct {
			Decision          string           `json:"decision"`
			DecidedBy         string           `json:"decidedBy"`
			MatchedStatements []map[string]any `json:"matchedStatements"`
			MissingAllow      string           `json:"missingAllow"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Decision != want[i] {
			t.Errorf("line %d: %s, want %s", i+1, r.Decision, want[i])
		}
		if i == 1 && r.MissingAllow != "identity" {
			t.Errorf("missingAllow %q", r.MissingAllow)
		}
		if i == 2 && (r.DecidedBy != "scp" || len(r.MatchedStatements) != 1) {
			t.Errorf("line 3: %s", l)
		}
	}
}

func TestPolicySimulateExitCodes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "r.json")
	if err := os.WriteFile(file, []byte("["+strings.Join(strings.Split(strings.TrimSpace(requests), "\n"), ",")+"]"), 0o600); err != nil {
		t.Fatal(err)
	}
	badPolicy := `{"request":{"principal":` + alice + `,"action":"s3:GetObject"},"identityPolicies":[{"Statement":{"Effect":"allow"}}]}`
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"array file", "", []string{"--request", file}, 0, "ExplicitlyDenied"},
		{"fail on deny", "", []string{"--request", file, "--fail-on-deny"}, 1, ""},
		{"all allowed with fail on deny", strings.Split(requests, "\n")[0], []string{"--request", "-", "--fail-on-deny"}, 0, "Allowed"},
		{"malformed JSON", `{"request":`, []string{"--request", "-"}, 2, ""},
		{"bad policy", badPolicy, []string{"--request", "-"}, 2, ""},
		{"missing file", "", []string{"--request", filepath.Join(dir, "nope")}, 2, ""},
		{"no request", "", nil, 2, ""},
		{"flags form", "", []string{"--principal", "arn:aws:iam::111111111111:user/alice", "--action", "s3:GetObject", "--context", "aws:TagKeys=a", "--context", "aws:TagKeys=b", "--output", "json"}, 0, "ImplicitlyDenied"},
		{"explain", "", []string{"--principal", "anonymous", "--action", "s3:GetObject", "--explain", "--output", "table"}, 0, "not an IAM principal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runPolicy(t, tc.stdin, append([]string{"policy", "simulate"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, out, errOut)
			}
			if !strings.Contains(out, tc.out) {
				t.Errorf("stdout %q does not contain %q", out, tc.out)
			}
		})
	}
}

func TestPolicyLint(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad-scp.json")
	if err := os.WriteFile(good, []byte(allowS3), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("{\"Version\":\"2012-10-17\",\n\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObjekt\",\"Resource\":\"*\"}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"clean file", []string{good, "--output", "table"}, 0, ""},
		{"findings with positions", []string{bad, "--output", "table"}, 1, "bad-scp.json:2:30: high scp.principal"},
		{"fail-on none", []string{bad, "--fail-on", "none", "--output", "jsonl"}, 0, `"code":"lint.unknown-action"`},
		{"sarif", []string{bad, "--output", "sarif"}, 1, `"ruleId": "scp.principal"`},
		{"missing file", []string{filepath.Join(dir, "nope.json")}, 2, ""},
		{"bad type", []string{"--type", "x", good}, 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runPolicy(t, "", append([]string{"policy", "lint"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, out, errOut)
			}
			if !strings.Contains(out, tc.out) {
				t.Errorf("stdout %q does not contain %q", out, tc.out)
			}
		})
	}
}

// TestPolicySimulateRefusesUnknown: an action the AWS table does not
// know, a malformed resource ARN or account id is exit 2 with the
// nearest known action, in the flags form and in a request file (JSON
// Lines, after the good requests); --allow-unknown accepts a new action
// of a known service.
func TestPolicySimulateRefusesUnknown(t *testing.T) {
	who := []string{"--principal", "arn:aws:iam::111111111111:user/alice"}
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"typo", "", append(who, "--action", "s3:GetObjekt"), 2, "did you mean s3:GetObject"},
		{"unknown service", "", append(who, "--action", "s33:GetObject"), 2, "did you mean s3"},
		{"bad ARN", "", append(who, "--action", "s3:GetObject", "--resource", "arn:aws:s3:b"), 2, "not an ARN"},
		{"bad account", "", append(who, "--action", "s3:GetObject", "--resource", "arn:aws:sqs:us-east-1:1234:q"), 2, "not 12 digits"},
		{"bad resource account", "", append(who, "--action", "s3:GetObject", "--resource-account", "12ab"), 2, "12 digits"},
		{"allow unknown", "", append(who, "--action", "s3:GetObjectFromTheFuture", "--allow-unknown"), 0, ""},
		{"request file", requests + `{"request":{"principal":` + alice + `,"action":"iam:CreatUser"}}` + "\n", []string{"--request", "-"}, 2, "request 4: action \"iam:CreatUser\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runPolicy(t, tc.stdin, append([]string{"policy", "simulate", "--output", "jsonl"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q); stdout %q", code, tc.code, errOut, tc.want, out)
			}
			if tc.name == "request file" && strings.Count(out, "\n") != 3 {
				t.Errorf("the three good requests are not all answered: %q", out)
			}
		})
	}
}

// TestPolicySimulateNamesMissingKeys: with --explain, the aws: keys an
// SCP tests but the request lacks are named with a value to try.
func TestPolicySimulateNamesMissingKeys(t *testing.T) {
	dir := t.TempDir()
	id, scp := filepath.Join(dir, "id.json"), filepath.Join(dir, "scp.json")
	os.WriteFile(id, []byte(allowS3), 0o600)
	os.WriteFile(scp, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
{"Sid":"Regions","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}},
{"Sid":"TLS","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`), 0o600)
	code, out, errOut := runPolicy(t, "", "policy", "simulate", "--principal", "arn:aws:iam::111111111111:user/alice",
		"--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k", "--identity-policy", id, "--scp", "root="+scp,
		"--explain", "--output", "table", "--region", "eu-west-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"aws:RequestedRegion is tested by " + scp + " but not supplied", "--context aws:RequestedRegion=eu-west-1",
		"aws:SecureTransport is tested", "--context aws:SecureTransport=true"} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runPolicy(t, "", "policy", "simulate", "--principal", "arn:aws:iam::111111111111:user/alice",
		"--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k", "--identity-policy", id, "--scp", "root="+scp,
		"--context", "aws:RequestedRegion=eu-west-1", "--context", "aws:SecureTransport=true", "--explain", "--output", "table")
	if code != 0 || strings.Contains(out, "not supplied") || !strings.Contains(out, "Allowed") {
		t.Errorf("with the keys supplied: exit %d\n%s", code, out)
	}
}
