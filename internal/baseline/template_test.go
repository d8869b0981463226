package baseline

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// allTemplates renders every template of s.
func allTemplates(t *testing.T, s *Settings) []Template {
	t.Helper()
	var out []Template
	for _, f := range []func(*Settings) (Template, error){LogArchiveTemplate, AuditTemplate, AccountTemplate} {
		tpl, err := f(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tpl)
	}
	return out
}

// TestTemplatesLint runs cfn-lint, an independent checker of
// CloudFormation's resource schemas, over every generated template in
// two configurations (defaults; Object Lock on and forwarding off) and
// wants zero errors. Skipped when cfn-lint is not installed.
func TestTemplatesLint(t *testing.T) {
	if testing.Short() {
		t.Skip("cfn-lint takes a while to load")
	}
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint not installed")
	}
	dir := t.TempDir()
	var files []string
	for i, extra := range []string{"", "  logArchive: {objectLock: true, objectLockDays: 30}\n  eventForwarding: {disabled: true}\n"} {
		_, s := fixture(t, extra)
		for _, tpl := range allTemplates(t, s) {
			f := filepath.Join(dir, tpl.Name+"-"+string(rune('a'+i))+".json")
			if err := os.WriteFile(f, tpl.Body, 0o600); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	out, err := exec.Command(bin, append([]string{"--format", "parseable", "--regions", "ap-northeast-1", "us-east-1", "--"}, files...)...).CombinedOutput()
	var errs []string
	for _, line := range strings.Split(string(out), "\n") {
		// parseable: file:line:col:endline:endcol:RULE:message; E rules are errors.
		if parts := strings.SplitN(line, ":", 7); len(parts) == 7 && strings.HasPrefix(parts[5], "E") {
			errs = append(errs, line)
		}
	}
	if len(errs) > 0 {
		t.Fatalf("cfn-lint reports %d errors:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode()&2 != 0 {
		t.Fatalf("cfn-lint exit %d (errors):\n%s", ee.ExitCode(), out)
	}
	if len(out) > 0 {
		t.Logf("cfn-lint warnings and notes:\n%s", out)
	}
}

// TestTemplateParametersFromStandards checks that the parameters come
// from the standards and that every parameter passed is declared.
func TestTemplateParametersFromStandards(t *testing.T) {
	_, s := fixture(t, "")
	for _, tpl := range allTemplates(t, s) {
		var doc struct {
			Parameters map[string]struct{ Default any }
		}
		if err := json.Unmarshal(tpl.Body, &doc); err != nil {
			t.Fatalf("%s: %v", tpl.Name, err)
		}
		for k := range tpl.Parameters {
			if _, ok := doc.Parameters[k]; !ok {
				t.Errorf("%s: parameter %s passed but not declared", tpl.Name, k)
			}
		}
	}
	la, _ := LogArchiveTemplate(s)
	if la.Parameters["RetentionDays"] != "400" || la.Parameters["ObjectLockDays"] != "400" {
		t.Errorf("retention not from standards.logRetentionDays: %v", la.Parameters)
	}
	if la.Parameters["BucketName"] != "orgrail-logs-222222222222-ap-northeast-1" {
		t.Errorf("bucket name %q", la.Parameters["BucketName"])
	}
	acct, _ := AccountTemplate(s)
	if acct.Parameters["AuditAccountId"] != "333333333333" || acct.Parameters["SecurityBusArn"] != "arn:aws:events:ap-northeast-1:333333333333:event-bus/orgrail-security" {
		t.Errorf("account parameters %v", acct.Parameters)
	}
	if acct.Hash() == la.Hash() {
		t.Error("different templates share a hash")
	}
}
