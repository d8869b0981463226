package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/findings"
)

const customYAML = `rules:
  - id: custom.bucket-owner
    title: Buckets name an owner
    severity: medium
    scope: s3-bucket
    rationale: Someone must answer for every bucket.
    remediation: Tag the bucket with Owner.
    mappings: {nistCsf: ID.AM}
    expression: '"Owner" in resource.tags && resource.versioning == "Enabled"'
  - id: custom.instances-imdsv2
    title: Instances require IMDSv2 unless sandbox
    severity: high
    scope: ec2-instance
    expression: |
      account.ou.startsWith("Sandbox") ||
      resource.MetadataOptions.HttpTokens == "required"
  - id: custom.org-all-features
    title: All features are on
    severity: low
    scope: org
    expression: org.featureSet == "ALL" && org.delegatedAdministrators["guardduty.amazonaws.com"] == org.auditAccount
`

func TestCustomRulesEvaluate(t *testing.T) {
	rs, ds := ParseCustom("rules.yaml", []byte(customYAML))
	if len(ds) > 0 || len(rs) != 3 {
		t.Fatalf("rules %d diags %v", len(rs), ds)
	}
	f := newFx()
	instance(f).MetadataOptions.HttpTokens = "optional"
	res, err := Audit(f.write(t), Options{Rules: rs, Now: fxNow})
	if err != nil {
		t.Fatal(err)
	}
	count := func(id string, st findings.Status) int { return len(byStatus(res.Report.Findings, id, st)) }
	if count("custom.bucket-owner", findings.Passed) != 5 || count("custom.bucket-owner", findings.Failed) != 0 {
		t.Errorf("bucket rule: %d passed", count("custom.bucket-owner", findings.Passed))
	}
	if count("custom.instances-imdsv2", findings.Failed) != 1 || count("custom.instances-imdsv2", findings.Passed) != 3 {
		t.Errorf("instance rule: %d failed", count("custom.instances-imdsv2", findings.Failed))
	}
	if count("custom.org-all-features", findings.Passed) != 1 {
		t.Errorf("org rule did not pass")
	}
}

func TestCustomRulesMissingDataIsError(t *testing.T) {
	rs, _ := ParseCustom("rules.yaml", []byte(customYAML))
	f := &fx{org: testOrg(), regions: map[string][]string{acctW: {region1}}, files: map[string]*fxFile{}}
	res, err := Audit(f.write(t), Options{Rules: rs[:2], Now: fxNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res.Report.Findings {
		if x.Status != findings.Error {
			t.Errorf("%s %s without data", x.RuleID, x.Status)
		}
	}
}

func TestCustomRuleDiagnostics(t *testing.T) {
	cases := []struct {
		name, src, code string
		line, col       int
	}{
		{"syntax in plain scalar", "id: a\ntitle: t\nseverity: low\nscope: account\nexpression: account.id ==\n", CodeRuleCompile, 5, 26},
		{"syntax in block", "id: a\ntitle: t\nseverity: low\nscope: account\nexpression: |\n  account.id == \"1\" &&\n    resource.(x)\n", CodeRuleCompile, 7, 14},
		{"undeclared variable", "id: a\ntitle: t\nseverity: low\nscope: account\nexpression: 'acount.id == \"1\"'\n", CodeRuleCompile, 5, 14},
		{"not bool", "id: a\ntitle: t\nseverity: low\nscope: account\nexpression: '1 + 2'\n", CodeRuleType, 5, 13},
		{"bad scope", "id: a\ntitle: t\nseverity: low\nscope: bucket\nexpression: 'true'\n", CodeRuleScope, 4, 8},
		{"bad severity", "id: a\ntitle: t\nseverity: urgent\nscope: org\nexpression: 'true'\n", CodeRuleSeverity, 3, 11},
		{"missing expression", "id: a\ntitle: t\nseverity: low\nscope: org\n", CodeRuleMissing, 1, 1},
		{"unknown key", "id: a\ntitle: t\nseverity: low\nscope: org\nexpr: 'true'\nexpression: 'true'\n", CodeRuleUnknownKey, 5, 1},
		{"yaml", "id: [\n", CodeRuleYAML, 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ds := ParseCustom("r.yaml", []byte(c.src))
			if len(ds) == 0 {
				t.Fatal("no diagnostic")
			}
			d := ds[0]
			if d.Code != c.code || (c.line > 0 && (d.Line != c.line || d.Column != c.col)) || d.File != "r.yaml" {
				t.Fatalf("got %s, want %s at %d:%d", d, c.code, c.line, c.col)
			}
		})
	}
}

func TestLoadCustomDirRejectsDuplicates(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("id: iam.root-mfa-enabled\ntitle: t\nseverity: low\nscope: org\nexpression: 'true'\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(customYAML), 0o600)
	rs, ds, err := LoadCustom(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || len(ds) != 1 || ds[0].Code != CodeRuleDuplicate || !strings.HasSuffix(ds[0].File, "a.yaml") {
		t.Fatalf("rules %d diags %v", len(rs), ds)
	}
	if _, _, err := LoadCustom(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing directory accepted")
	}
}
