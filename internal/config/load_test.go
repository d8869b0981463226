package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// marker marks, inside a test file, the position where a diagnostic is
// expected. Each marker is paired with the next code of the case's want.
const marker = "»"

// writeCase writes files (with markers removed) into a temp dir and
// returns it with the expected "file:line:col code" strings.
func writeCase(t *testing.T, files map[string]string, want []string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var expect []string
	for _, name := range names {
		text := files[name]
		for {
			i := strings.Index(text, marker)
			if i < 0 {
				break
			}
			before := text[:i]
			line := strings.Count(before, "\n") + 1
			col := len(before) - strings.LastIndex(before, "\n")
			if len(expect) >= len(want) {
				t.Fatalf("more markers than codes in %s", name)
			}
			expect = append(expect, fmt.Sprintf("%s:%d:%d %s", filepath.Join(dir, name), line, col, want[len(expect)]))
			text = before + text[i+len(marker):]
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(expect) != len(want) {
		t.Fatalf("%d markers for %d codes", len(expect), len(want))
	}
	return dir, expect
}

const twoAccounts = `accounts:
  - name: alpha
    email: alpha@example.com
    ou: Root
  - name: beta
    email: beta@example.com
    ou: Root
`

func scps(n int, target string) string {
	var b strings.Builder
	b.WriteString("policies:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: p%d\n    type: SERVICE_CONTROL_POLICY\n    awsManaged: true\n    targets: [%s]\n", i, target)
	}
	return b.String()
}

type loadCase struct {
	name  string
	files map[string]string
	want  []string // codes, in marker order
}

var loadCases = []loadCase{
	{"yaml syntax", map[string]string{"a.yaml": "standards:\n  azCount: 2\n»  logRetentionDays: a: b\n"}, []string{"yaml-syntax"}},
	{"list given a mapping", map[string]string{"a.yaml": "accounts: »{name: x}\n"}, []string{"type-mismatch"}},
	{"number given a word", map[string]string{"a.yaml": "standards:\n  azCount: »three\n"}, []string{"type-mismatch"}},
	{"bool given a word", map[string]string{"a.yaml": "policies:\n  - »name: x\n    type: TAG_POLICY\n    awsManaged: »maybe\n    targets: [Root]\n"}, []string{"policy-file-missing", "type-mismatch"}},
	{"string given a list", map[string]string{"a.yaml": "security:\n  auditAccount: »[a, b]\n"}, []string{"type-mismatch"}},
	{"file not a mapping", map[string]string{"a.yaml": "»- a\n- b\n"}, []string{"type-mismatch"}},
	{"notifications not a mapping", map[string]string{"a.yaml": "notifications: »[a]\n"}, []string{"type-mismatch"}},
	{"exceptions not a list", map[string]string{"a.yaml": "exceptions: »{a: b}\n"}, []string{"type-mismatch"}},
	{"exceptions entry not a mapping", map[string]string{"a.yaml": "exceptions:\n  - »just-a-string\n"}, []string{"type-mismatch"}},
	{"list entry not a mapping", map[string]string{"a.yaml": "policies:\n  - »0\n  -»\n"}, []string{"type-mismatch", "type-mismatch"}},
	{"mapping merges itself", map[string]string{"a.yaml": "organization: »&a\n  <<: *a\n  mode: organizations\n"}, []string{"type-mismatch"}},
	{"merge of a scalar", map[string]string{"a.yaml": "standards:\n  <<: »3\n"}, []string{"type-mismatch"}},
	{"unknown top-level key", map[string]string{"a.yaml": "»organisation: {}\n"}, []string{"unknown-key"}},
	{"unknown nested key", map[string]string{"a.yaml": "accounts:\n  - name: a\n    email: a@example.com\n    ou: Root\n    »owners: x\n"}, []string{"unknown-key"}},
	{"duplicate key in one file", map[string]string{"a.yaml": "standards:\n  azCount: 2\n  »azCount: 3\n"}, []string{"duplicate-key"}},
	{"duplicate key across files", map[string]string{"a.yaml": "standards:\n  azCount: 2\n", "b.yaml": "standards:\n  »azCount: 3\n"}, []string{"duplicate-key"}},
	{"duplicate top-level list in one file", map[string]string{"a.yaml": "ous: []\n»ous: []\n"}, []string{"duplicate-key"}},
	{"duplicate tag key", map[string]string{"a.yaml": "ous:\n  - path: A\n    tags:\n      k: v\n      »k: w\n"}, []string{"duplicate-key"}},
	{"missing required field", map[string]string{"a.yaml": "ous:\n  - »description: x\n"}, []string{"missing-field"}},
	{"account without email and ou", map[string]string{"a.yaml": "accounts:\n  - »»name: a\n"}, []string{"missing-field", "missing-field"}},
	{"ignored yml file", map[string]string{"a.yaml": "ous: []\n", "b.yml": "ous: []\n"}, []string{}},
	{"bad mode", map[string]string{"a.yaml": "organization:\n  mode: »orgs\n"}, []string{"org-bad-mode"}},
	{"bad org id", map[string]string{"a.yaml": "organization:\n  id: »o-ABC\n"}, []string{"org-bad-id"}},
	{"standalone without jump or chain", map[string]string{"a.yaml": "organization:\n  »»mode: standalone\n"}, []string{"standalone-incomplete", "standalone-incomplete"}},
	{"standalone account without id", map[string]string{"a.yaml": "organization:\n  mode: standalone\n  jumpAccount: jump\n  roleChain: [{role: Audit}]\naccounts:\n  - name: jump\n    id: \"111111111111\"\n  - »name: proj\n"}, []string{"standalone-incomplete"}},
	{"standalone with policies", map[string]string{"a.yaml": "organization:\n  mode: standalone\n  jumpAccount: jump\n  roleChain: [{role: Audit}]\naccounts:\n  - name: jump\n    id: \"111111111111\"\npolicies:\n  - »name: p\n    type: SERVICE_CONTROL_POLICY\n    awsManaged: true\n    targets: [Root]\n"}, []string{"policies-need-organizations"}},
	{"bad role name", map[string]string{"a.yaml": "organization:\n  roleChain:\n    - role: »arn:aws:iam::111111111111:role/x\n"}, []string{"bad-role-name"}},
	{"role chain hop without account not last", map[string]string{"a.yaml": "organization:\n  roleChain:\n    - »role: Hub\n    - role: Audit\n"}, []string{"role-chain-order"}},
	{"unknown management account", map[string]string{"a.yaml": "organization:\n  managementAccount: »mgmt\n" + twoAccounts}, []string{"unknown-account"}},
	{"unknown log archive account", map[string]string{"a.yaml": twoAccounts + "security:\n  logArchiveAccount: »alpah\n  auditAccount: beta\n"}, []string{"unknown-account"}},
	{"unknown audit account", map[string]string{"a.yaml": twoAccounts + "security:\n  logArchiveAccount: alpha\n  auditAccount: »gamma\n"}, []string{"unknown-account"}},
	{"unknown role chain account", map[string]string{"a.yaml": "organization:\n  roleChain:\n    - role: Hub\n      account: »hub\n    - role: Audit\n"}, []string{"unknown-account"}},
	{"unknown ou", map[string]string{"a.yaml": "ous:\n  - path: Workloads\n  - path: Workloads/Prod\naccounts:\n  - name: a\n    email: a@example.com\n    ou: »Workload/Prod\n"}, []string{"unknown-ou"}},
	{"ou bad path", map[string]string{"a.yaml": "ous:\n  - path: »/Workloads\n  - path: »A//B\n  - path: »Root/A\n  - path: »\"\"\n"}, []string{"ou-bad-path", "ou-bad-path", "ou-bad-path", "ou-bad-path"}},
	{"ou duplicate", map[string]string{"a.yaml": "ous:\n  - path: A\n", "b.yaml": "ous:\n  - path: »A\n"}, []string{"ou-duplicate"}},
	{"ou unknown parent", map[string]string{"a.yaml": "ous:\n  - path: »Workloads/Prod\n"}, []string{"ou-unknown-parent"}},
	{"ou too deep", map[string]string{"a.yaml": "ous:\n  - path: A\n  - path: A/B\n  - path: A/B/C\n  - path: A/B/C/D\n  - path: A/B/C/D/E\n  - path: »A/B/C/D/E/F\n"}, []string{"ou-too-deep"}},
	{"account bad name", map[string]string{"a.yaml": "accounts:\n  - name: »" + strings.Repeat("n", 51) + "\n    email: a@example.com\n    ou: Root\n"}, []string{"account-bad-name"}},
	{"account duplicate name", map[string]string{"a.yaml": "accounts:\n  - name: a\n    email: a@example.com\n    ou: Root\n  - name: »a\n    email: b@example.com\n    ou: Root\n"}, []string{"account-duplicate-name"}},
	{"account duplicate email", map[string]string{"a.yaml": "accounts:\n  - name: a\n    email: a@example.com\n    ou: Root\n", "b.yaml": "accounts:\n  - name: b\n    email: »A@Example.com\n    ou: Root\n"}, []string{"account-duplicate-email"}},
	{"account duplicate id", map[string]string{"a.yaml": "accounts:\n  - name: a\n    id: \"111111111111\"\n    email: a@example.com\n    ou: Root\n  - name: b\n    id: »111111111111\n    email: b@example.com\n    ou: Root\n"}, []string{"account-duplicate-id"}},
	{"bad email", map[string]string{"a.yaml": "accounts:\n  - name: a\n    email: »a@@example\n    ou: Root\n"}, []string{"bad-email"}},
	{"bad account id", map[string]string{"a.yaml": "accounts:\n  - name: a\n    id: »12345\n    email: a@example.com\n    ou: Root\n"}, []string{"bad-account-id"}},
	{"bad tag", map[string]string{"a.yaml": "accounts:\n  - name: a\n    email: a@example.com\n    ou: Root\n    tags: {\"aws:team\": »x}\nstandards:\n  requiredTags: [Owner, »\"aws:x\"]\n"}, []string{"bad-tag", "bad-tag"}},
	{"policy bad name", map[string]string{"a.yaml": "policies:\n  - name: »\"\"\n    type: TAG_POLICY\n    awsManaged: true\n    targets: [Root]\n"}, []string{"policy-bad-name"}},
	{"policy duplicate", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: TAG_POLICY\n    awsManaged: true\n    targets: [Root]\n  - name: »p\n    type: TAG_POLICY\n    awsManaged: true\n    targets: [Root]\n"}, []string{"policy-duplicate"}},
	{"policy bad type", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: »scp\n    awsManaged: true\n    targets: [Root]\n"}, []string{"policy-bad-type"}},
	{"policy unknown type", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: »QUANTUM_POLICY\n    awsManaged: true\n    targets: [Root]\n"}, []string{"policy-unknown-type"}},
	{"policy without file", map[string]string{"a.yaml": "policies:\n  - »name: p\n    type: TAG_POLICY\n    targets: [Root]\n"}, []string{"policy-file-missing"}},
	{"policy file does not exist", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: TAG_POLICY\n    file: »policies/nope.json\n    targets: [Root]\n"}, []string{"policy-file-missing"}},
	{"policy file not json", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: SERVICE_CONTROL_POLICY\n    file: p.json\n    targets: [Root]\n", "p.json": "{\n  \"Version\": \"2012-10-17\",\n  »}\n"}, []string{"policy-file-not-json"}},
	{"policy file not an object", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: SERVICE_CONTROL_POLICY\n    file: p.json\n    targets: [Root]\n", "p.json": "»[1, 2]\n"}, []string{"policy-file-not-json"}},
	{"policy file absolute", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: TAG_POLICY\n    file: »/etc/p.json\n    targets: [Root]\n"}, []string{"policy-file-absolute"}},
	{"policy file and managed", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: TAG_POLICY\n    awsManaged: true\n    file: »p.json\n    targets: [Root]\n"}, []string{"policy-file-conflict"}},
	{"policy too large", map[string]string{"a.yaml": "policies:\n  - name: p\n    type: SERVICE_CONTROL_POLICY\n    file: »p.json\n    targets: [Root]\n", "p.json": `{"Sid": "` + strings.Repeat("x", 5200) + `"}`}, []string{"policy-too-large"}},
	{"policy unknown target", map[string]string{"a.yaml": "ous:\n  - path: Sandbox\npolicies:\n  - name: p\n    type: TAG_POLICY\n    awsManaged: true\n    targets: [Root, »Sandbx]\n"}, []string{"policy-unknown-target"}},
	{"policy ambiguous target", map[string]string{"a.yaml": "ous:\n  - path: Sandbox\naccounts:\n  - name: Sandbox\n    email: s@example.com\n    ou: Sandbox\npolicies:\n  - name: p\n    type: TAG_POLICY\n    awsManaged: true\n    targets: [»Sandbox]\n"}, []string{"policy-ambiguous-target"}},
	{"policy duplicate target", map[string]string{"a.yaml": twoAccounts + "policies:\n  - name: p\n    type: TAG_POLICY\n    awsManaged: true\n    targets: [alpha, »alpha]\n"}, []string{"policy-duplicate-target"}},
	{"policy target by account id", map[string]string{"a.yaml": "accounts:\n  - name: a\n    id: \"111111111111\"\n    email: a@example.com\n    ou: Root\npolicies:\n  - name: p\n    type: TAG_POLICY\n    awsManaged: true\n    targets: [a, »\"111111111111\"]\n"}, []string{"policy-duplicate-target"}},
	{"more than 5 SCPs", map[string]string{"a.yaml": strings.Replace(scps(6, "Root"), "p5\n    type: SERVICE_CONTROL_POLICY\n    awsManaged: true\n    targets: [", "p5\n    type: SERVICE_CONTROL_POLICY\n    awsManaged: true\n    targets: [»", 1)}, []string{"policy-limit"}},
	{"5 SCPs is fine", map[string]string{"a.yaml": scps(5, "Root")}, []string{}},
	{"policy no targets", map[string]string{"a.yaml": "policies:\n  - name: »p\n    type: TAG_POLICY\n    awsManaged: true\n"}, []string{"policy-no-targets"}},
	{"bad region", map[string]string{"a.yaml": "organization:\n  homeRegion: »ap-northeast-9\nstandards:\n  allowedRegions: [us-east-1, cn-north-1, us-gov-west-1, »us-east-7]\n"}, []string{"bad-region", "bad-region"}},
	{"bad retention", map[string]string{"a.yaml": "standards:\n  logRetentionDays: »0\n"}, []string{"bad-retention"}},
	{"retention not cloudwatch", map[string]string{"a.yaml": "standards:\n  logRetentionDays: »100\n"}, []string{"retention-not-cloudwatch"}},
	{"bad az count", map[string]string{"a.yaml": "standards:\n  azCount: »7\n"}, []string{"bad-az-count"}},
	{"bad network", map[string]string{"a.yaml": "standards:\n  azCount: 3\n  network:\n    pool: »10.0.0.1/8\n    flowLogs: {bucket: logs}\n"}, []string{"network-bad"}},
	{"network subnets do not fit", map[string]string{"a.yaml": "standards:\n  azCount: 6\n  network:\n    pool: 10.64.0.0/12\n    vpcPrefixLength: »26\n    nat: »always\n    flowLogs: {bucket: logs}\n"}, []string{"network-bad", "network-bad"}},
	{"network from IPAM", map[string]string{"a.yaml": "standards:\n  azCount: 3\n  network:\n    ipamPoolId: ipam-pool-0123456789abcdef0\n    vpcPrefixLength: 20\n    flowLogs: {bucket: logs}\n"}, nil},
	{"network from IPAM and a pool", map[string]string{"a.yaml": "standards:\n  azCount: 3\n  network:\n    pool: 10.64.0.0/12\n    ipamPoolId: »ipam-pool-0123456789abcdef0\n    flowLogs: {bucket: logs}\n"}, []string{"network-bad"}},
	{"network without pool or bucket", map[string]string{"a.yaml": "standards:\n  network: »{nat: single}\n"}, []string{"network-bad"}},
	{"bad alternate contacts", map[string]string{"a.yaml": "standards:\n  alternateContacts:\n    - »{type: PAGER, name: n, email: e@example.com, phone: '1', title: t}\n    - {type: SECURITY, name: n, email: e@example.com, phone: '1', title: t}\n    - »{type: SECURITY, name: n, email: e@example.com, phone: '1', title: t}\n"}, []string{"alternate-contact-bad", "alternate-contact-bad"}},
	{"unknown service", map[string]string{"a.yaml": "security:\n  services: [cloudtrail, »gaurdduty]\n"}, []string{"unknown-service"}},
	{"same log archive and audit", map[string]string{"a.yaml": twoAccounts + "security:\n  logArchiveAccount: alpha\n  auditAccount: »alpha\n"}, []string{"security-same-account"}},
	{"bad manage", map[string]string{"a.yaml": "ous:\n  - path: A\n    manage: »shared\n"}, []string{"ou-bad-manage"}},
	{"bad organization manage", map[string]string{"a.yaml": "organization:\n  manage: »all\n"}, []string{"ou-bad-manage"}},
	{"rename kept too", map[string]string{"a.yaml": "ous:\n  - path: A\n  - path: B\n    renamedFrom: »A\n"}, []string{"ou-bad-rename"}},
	{"rename bad path", map[string]string{"a.yaml": "ous:\n  - path: A\n  - path: A/C\n    renamedFrom: B/C\n  - path: D\n    renamedFrom: »/X\n"}, []string{"ou-bad-rename"}},
	{"rename under a renamed parent", map[string]string{"a.yaml": "ous:\n  - path: Apps\n    renamedFrom: Workloads\n  - path: Apps/Production\n    renamedFrom: Workloads/Prod\n"}, nil},
	{"bad contact", map[string]string{"a.yaml": "accounts:\n  - name: alpha\n    email: alpha@example.com\n    ou: Root\n    alternateContacts:\n      security:\n        name: »\"\"\n        title: CISO\n        email: »nobody\n        phone: »call me\n"}, []string{"account-bad-contact", "account-bad-contact", "account-bad-contact"}},
	{"bad trusted access principal", map[string]string{"a.yaml": "organization:\n  trustedAccess:\n    - »guardduty\n"}, []string{"bad-service-principal"}},
	{"delegated admin of an unknown account", map[string]string{"a.yaml": twoAccounts + "organization:\n  delegatedAdministrators:\n    - service: »guardduty\n      account: »gamma\n"}, []string{"bad-service-principal", "unknown-account"}},
	{"bad expectation", map[string]string{"a.yaml": twoAccounts + "guardrails:\n  expectations:\n    - name: x\n      principal: alpha\n      action: »s3\n      expect: »maybe\n"}, []string{"expectation-bad", "expectation-bad"}},
	{"security in management account", map[string]string{"a.yaml": twoAccounts + "organization:\n  managementAccount: alpha\nsecurity:\n  logArchiveAccount: »alpha\n  auditAccount: beta\n"}, []string{"security-management-account"}},
}

func TestLoadDiagnostics(t *testing.T) {
	for _, tc := range loadCases {
		t.Run(tc.name, func(t *testing.T) {
			dir, want := writeCase(t, tc.files, tc.want)
			_, diags, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range diags {
				if d.Code == string(CodeIgnoredFile) {
					continue // checked in TestIgnoredFile
				}
				got = append(got, fmt.Sprintf("%s:%d:%d %s", d.File, d.Line, d.Column, d.Code))
				if d.Hint == "" || d.Message == "" {
					t.Errorf("diagnostic without message or hint: %v", d)
				}
			}
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("got\n  %s\nwant\n  %s\nall: %v", strings.Join(got, "\n  "), strings.Join(want, "\n  "), diags)
			}
		})
	}
}

func TestEveryCodeTested(t *testing.T) {
	seen := map[string]bool{string(CodeNoConfigFiles): true, string(CodeIgnoredFile): true}
	for _, tc := range loadCases {
		for _, c := range tc.want {
			seen[c] = true
		}
	}
	for _, ci := range Codes {
		if !seen[string(ci.Code)] {
			t.Errorf("code %s has no test case", ci.Code)
		}
	}
}

func TestNoConfigFiles(t *testing.T) {
	dir := t.TempDir()
	_, diags, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 1 || diags[0].Code != string(CodeNoConfigFiles) || diags[0].File != dir {
		t.Fatalf("got %v", diags)
	}
}

func TestIgnoredFile(t *testing.T) {
	dir, _ := writeCase(t, map[string]string{"a.yaml": "ous: []\n", "b.yml": "ous: []\n"}, nil)
	_, diags, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 1 || diags[0].Code != string(CodeIgnoredFile) || diags[0].File != filepath.Join(dir, "b.yml") || diags[0].Severity != SevWarning {
		t.Fatalf("got %v", diags)
	}
}

func TestUnreadableDir(t *testing.T) {
	if _, _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("want an error for a missing directory")
	}
}
