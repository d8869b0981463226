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
	for i, extra := range []string{"", "  logArchive: {objectLock: true, objectLockDays: 30}\n  eventForwarding: {disabled: true}\n", rolesYAML} {
		_, s := fixture(t, extra)
		withInline(s)
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

// rolesYAML adds cross-account roles to the fixture: every trust option.
const rolesYAML = `identity:
  roles:
    - name: SecurityAudit
      description: Read-only for the security team.
      managedPolicies: [arn:aws:iam::aws:policy/SecurityAudit, arn:aws:iam::aws:policy/ReadOnlyAccess]
      trust: {role: Responders, mfa: true, mfaMaxAgeSeconds: 3600, sourceIdentity: ["*@example.com", "ops-*"]}
      maxSessionDuration: 7200
    - name: deploy.bot
      managedPolicies: [arn:aws:iam::aws:policy/PowerUserAccess]
      inlinePolicy: deploy.json
`

// withInline gives roles with an inline policy file a document, as
// config.Load would read it.
func withInline(s *Settings) {
	for i := range s.Roles {
		if s.Roles[i].Name == "deploy.bot" {
			s.Roles[i].Inline = json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`)
		}
	}
}

// TestTemplateCrossAccountRoles checks the roles of identity.roles in
// the account template: named as configured, in the home region of
// every account but the Audit account, trusting only the Audit account
// with the configured conditions, and the StackSet step naming them.
func TestTemplateCrossAccountRoles(t *testing.T) {
	_, s := fixture(t, rolesYAML)
	withInline(s)
	tpl, err := AccountTemplate(s)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Conditions map[string]any
		Resources  map[string]json.RawMessage
	}
	type roleResource struct {
		Type       string
		Condition  string
		Properties struct {
			RoleName                 string
			MaxSessionDuration       int
			ManagedPolicyArns        []any
			AssumeRolePolicyDocument struct {
				Statement []struct {
					Principal struct{ AWS any }
					Action    any
					Condition map[string]map[string]any
				}
			}
			Policies []struct{ PolicyName string }
		}
	}
	if err := json.Unmarshal(tpl.Body, &doc); err != nil {
		t.Fatal(err)
	}
	var audit, deploy roleResource
	if err := json.Unmarshal(doc.Resources["CrossAccountRole1SecurityAudit"], &audit); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc.Resources["CrossAccountRole2deploybot"], &deploy); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Conditions["CrossAccountRoles"]; !ok {
		t.Fatal("no CrossAccountRoles condition")
	}
	if audit.Type != "AWS::IAM::Role" || audit.Condition != "CrossAccountRoles" || audit.Properties.RoleName != "SecurityAudit" ||
		audit.Properties.MaxSessionDuration != 7200 || len(audit.Properties.ManagedPolicyArns) != 2 {
		t.Errorf("SecurityAudit: %+v", audit)
	}
	st := audit.Properties.AssumeRolePolicyDocument.Statement
	if len(st) != 1 || st[0].Principal.AWS != "arn:aws:iam::333333333333:role/Responders" ||
		st[0].Condition["Bool"]["aws:MultiFactorAuthPresent"] != "true" || st[0].Condition["NumericLessThanEquals"]["aws:MultiFactorAuthAge"] != "3600" ||
		len(st[0].Condition["StringLike"]["sts:SourceIdentity"].([]any)) != 2 || len(st[0].Action.([]any)) != 2 {
		t.Errorf("SecurityAudit trust: %+v", st)
	}
	dst := deploy.Properties.AssumeRolePolicyDocument.Statement
	if deploy.Properties.RoleName != "deploy.bot" || len(dst) != 1 || dst[0].Principal.AWS != "arn:aws:iam::333333333333:root" ||
		dst[0].Condition != nil || dst[0].Action != "sts:AssumeRole" || len(deploy.Properties.Policies) != 1 {
		t.Errorf("deploy.bot: %+v", deploy)
	}
	steps, err := Desired(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range steps {
		if step.Name == StackSetAccount && !strings.Contains(step.Address, "cross-account roles SecurityAudit, deploy.bot") {
			t.Errorf("account StackSet step: %s", step.Address)
		}
	}
	_, plain := fixture(t, "")
	if a, _ := AccountTemplate(plain); a.Hash() == tpl.Hash() {
		t.Error("roles do not change the account template's hash")
	}
}
