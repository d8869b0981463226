package detect

import (
	"encoding/json"
	"github.com/orgrail/orgrail/internal/shareddata"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// sharedData finds ../shared/data/sub, or skips.
func sharedData(t *testing.T, sub string) string { return shareddata.Dir(t, sub) }

// readRecords reads a CloudTrail file: {"Records": [...]} or a bare array.
func readRecords(t *testing.T, path string) []json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var obj struct{ Records []json.RawMessage }
	if json.Unmarshal(data, &obj) == nil && obj.Records != nil {
		return obj.Records
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(data, &arr); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return arr
}

// recordMeta is what the data tests need to know of a record.
type recordMeta struct {
	EventName string `json:"eventName"`
	ReadOnly  any    `json:"readOnly"`
	Recipient string `json:"recipientAccountId"`
	EventType string `json:"eventType"`
	Identity  struct {
		AccountID string `json:"accountId"`
	} `json:"userIdentity"`
}

func envelope(rec json.RawMessage) []byte {
	return []byte(ct(string(rec)))
}

// stratusExpect lists, for each Stratus Red Team technique in the shared
// data, the built-in detection that must fire on its records.
var stratusExpect = map[string]string{
	"aws.defense-evasion.cloudtrail-delete":                    "cloudtrail-delete-trail",
	"aws.defense-evasion.cloudtrail-event-selectors":           "cloudtrail-put-event-selectors",
	"aws.defense-evasion.cloudtrail-stop":                      "cloudtrail-stop-logging",
	"aws.defense-evasion.organizations-leave":                  "organizations-leave-organization",
	"aws.defense-evasion.vpc-remove-flow-logs":                 "ec2-flow-logs-deleted",
	"aws.defense-evasion.dns-delete-logs":                      "route53resolver-query-logging-deleted",
	"aws.exfiltration.ec2-security-group-open-port-22-ingress": "ec2-security-group-open-to-world",
	"aws.exfiltration.ec2-share-ebs-snapshot":                  "ec2-snapshot-or-image-shared",
	"aws.exfiltration.ec2-share-ami":                           "ec2-snapshot-or-image-shared",
	"aws.exfiltration.rds-share-snapshot":                      "rds-snapshot-shared",
	"aws.initial-access.console-login-without-mfa":             "console-login-without-mfa",
	"aws.persistence.iam-backdoor-user":                        "iam-create-access-key-for-other-user",
	"aws.persistence.iam-create-admin-user":                    "iam-user-policy-changed",
	"aws.persistence.iam-create-backdoor-role":                 "iam-role-policy-changed",
	"aws.persistence.iam-backdoor-role":                        "iam-role-policy-changed",
	"aws.persistence.iam-create-user-login-profile":            "iam-login-profile-changed",
	"aws.privilege-escalation.iam-update-user-login-profile":   "iam-login-profile-changed",
	"aws.persistence.lambda-backdoor-function":                 "lambda-function-made-public",
}

func TestPackFiresOnStratusTechniques(t *testing.T) {
	dir := sharedData(t, "cloudtrail/stratus-detonation-logs")
	e := builtinEngine(t)
	for tech, want := range stratusExpect {
		path := filepath.Join(dir, tech+".json")
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: missing from the data", tech)
			continue
		}
		found := false
		for _, rec := range readRecords(t, path) {
			if has(fired(t, e, string(envelope(rec))), want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: %s did not fire", tech, want)
		}
	}
}

// TestPackOnInvictus checks the attack simulation: the planted tampering
// fires, and the read-only calls (thousands of Describe/Get/List, and
// AssumeRole inside the organization) stay quiet.
func TestPackOnInvictus(t *testing.T) {
	dir := sharedData(t, "cloudtrail/invictus-aws-dataset/CloudTrail")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var recs []json.RawMessage
	accounts := map[string]bool{}
	for _, f := range files {
		for _, r := range readRecords(t, f) {
			var m recordMeta
			if err := json.Unmarshal(r, &m); err != nil {
				t.Fatal(err)
			}
			accounts[m.Recipient] = true
			recs = append(recs, r)
		}
	}
	var org []string
	for a := range accounts {
		org = append(org, a)
	}
	sort.Strings(org)
	rules, _ := Builtin()
	e, err := Compile(rules, WithOrgAccounts(org...))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, r := range recs {
		var m recordMeta
		json.Unmarshal(r, &m)
		ids := fired(t, e, string(envelope(r)))
		for _, id := range ids {
			counts[id]++
		}
		if m.ReadOnly == true && len(ids) > 0 {
			t.Errorf("read-only %s fired %v", m.EventName, ids)
		}
	}
	for _, id := range []string{"cloudtrail-stop-logging", "cloudtrail-delete-trail", "cloudtrail-put-event-selectors",
		"organizations-leave-organization", "iam-create-access-key", "ec2-security-group-open-to-world",
		"iam-role-policy-changed", "ec2-flow-logs-deleted", "ec2-snapshot-or-image-shared"} {
		if counts[id] == 0 {
			t.Errorf("%s never fired on the attack simulation (fired: %v)", id, counts)
		}
	}
	t.Logf("%d records; detections: %v", len(recs), counts)
}

func TestSigmaRulesRunBesidePatterns(t *testing.T) {
	sdir := sharedData(t, "sigma-cloudtrail")
	srules, ds, err := LoadDir(sdir)
	if err != nil {
		t.Fatal(err)
	}
	if len(srules) != 57 || len(ds) != 0 {
		t.Fatalf("loaded %d Sigma rules, diagnostics %v", len(srules), ds)
	}
	for _, r := range srules {
		if r.Source != SourceSigma || r.Author == "" {
			t.Errorf("%s: source %q author %q", r.ID, r.Source, r.Author)
		}
	}
	builtin, _ := Builtin()
	e, err := Compile(append(builtin, srules...), WithOrgAccounts("143434273843"))
	if err != nil {
		t.Fatal(err)
	}
	dir := sharedData(t, "cloudtrail/stratus-detonation-logs")
	var sawSigma, sawBuiltin bool
	for _, rec := range readRecords(t, filepath.Join(dir, "aws.defense-evasion.cloudtrail-stop.json")) {
		hits, err := e.Match(envelope(rec), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			switch h.Rule.Source {
			case SourceSigma:
				sawSigma = h.Rule.Title == "AWS CloudTrail Important Change" && h.Rule.Author != ""
			case SourceBuiltin:
				sawBuiltin = true
			}
		}
	}
	if !sawSigma || !sawBuiltin {
		t.Fatalf("StopLogging: sigma hit %v, builtin hit %v", sawSigma, sawBuiltin)
	}
}
