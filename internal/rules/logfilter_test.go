package rules

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// documentedPatterns reads the Security Hub user guide's filter patterns
// (testdata/cloudwatch/securityhub-filter-patterns.txt).
func documentedPatterns(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("testdata/cloudwatch/securityhub-filter-patterns.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		id, p, _ := strings.Cut(l, " | ")
		out[id] = p
	}
	return out
}

// TestDocumentedPatternsCover: every pattern the Security Hub user guide
// prescribes parses, and counts for its control (the rule's own pattern
// is typed separately, so a typo in either shows here).
func TestDocumentedPatternsCover(t *testing.T) {
	doc := documentedPatterns(t)
	if len(doc) != 14 {
		t.Fatalf("%d documented patterns, want 14", len(doc))
	}
	for _, s := range metricAlarmSpecs {
		if s.sh == "" {
			continue
		}
		p, ok := doc[s.sh]
		if !ok {
			t.Errorf("%s: no documented pattern for %s", s.id, s.sh)
			continue
		}
		if ok, why := filterCovers(s.pattern, p); !ok {
			t.Errorf("%s: the documented pattern of %s does not count: %s", s.id, s.sh, why)
		}
		if ok, why := filterCovers(p, s.pattern); !ok {
			t.Errorf("%s: the rule's pattern misses what %s's documented pattern catches: %s", s.id, s.sh, why)
		}
	}
}

// cisV3Patterns are CIS AWS Foundations v3.0.0 section 4 audit patterns
// where they differ in form from the Security Hub guide's (extra
// exclusions, quoting, spacing, the eventSource guard of 4.13): a filter
// written from the benchmark must count as well.
var cisV3Patterns = map[string]string{
	"cloudwatch.alarm-unauthorized-api-calls": `{($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`,
	"cloudwatch.alarm-console-no-mfa":         `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`,
	"cloudwatch.alarm-root-usage":             `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
	"cloudwatch.alarm-console-auth-failures":  `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
	"cloudwatch.alarm-cmk-disable-delete":     `{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`,
	"cloudwatch.alarm-route-table-changes":    `{($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`,
}

func TestCISPatternsCover(t *testing.T) {
	specs := map[string]string{}
	for _, s := range metricAlarmSpecs {
		specs[s.id] = s.pattern
	}
	for id, p := range cisV3Patterns {
		if ok, why := filterCovers(specs[id], p); !ok {
			t.Errorf("%s: the CIS v3.0.0 pattern does not count: %s", id, why)
		}
	}
}

// TestPatternsThatDoNotCover: a filter missing one documented event, one
// that matches everything, a term pattern, or one on another field fails.
func TestPatternsThatDoNotCover(t *testing.T) {
	doc := documentedPatterns(t)
	cases := []struct{ spec, pattern, why string }{
		{doc["CloudWatch.5"], `{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging)}`, "eventName=StopLogging"},
		{doc["CloudWatch.7"], `{($.eventSource=kms.amazonaws.com) && ($.eventName=DisableKey)}`, "ScheduleKeyDeletion"},
		{doc["CloudWatch.2"], `{($.errorCode="AccessDenied*")}`, "UnauthorizedOperation"},
		{doc["CloudWatch.1"], `{$.userIdentity.type="Root" && $.eventType ="AwsServiceEvent"}`, "userIdentity.type=Root"},
		{doc["CloudWatch.10"], `{$.eventName = *}`, "routine"},
		{doc["CloudWatch.10"], `AuthorizeSecurityGroupIngress`, "not a JSON pattern"},
		{doc["CloudWatch.6"], `{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication"}`, "missing )"},
		{doc["CloudWatch.8"], `{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy))}`, "PutBucketCors"},
	}
	for _, c := range cases {
		ok, why := filterCovers(c.spec, c.pattern)
		if ok || !strings.Contains(why, c.why) {
			t.Errorf("filterCovers(%q) = %v, %q; want false mentioning %q", c.pattern, ok, why, c.why)
		}
	}
}

// TestFilterMatchesCloudTrailEvents runs the documented patterns over
// CloudTrail records shaped as the CloudTrail user guide's examples
// (record contents: eventSource, eventName, errorCode, userIdentity).
func TestFilterMatchesCloudTrailEvents(t *testing.T) {
	doc := documentedPatterns(t)
	cases := []struct {
		control, record string
		want            bool
	}{
		{"CloudWatch.5", `{"eventVersion":"1.08","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","userIdentity":{"type":"IAMUser"}}`, true},
		{"CloudWatch.5", `{"eventVersion":"1.08","eventSource":"cloudtrail.amazonaws.com","eventName":"GetTrailStatus","userIdentity":{"type":"IAMUser"}}`, false},
		{"CloudWatch.2", `{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","errorCode":"Client.UnauthorizedOperation"}`, true},
		{"CloudWatch.2", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","errorCode":"AccessDenied"}`, true},
		{"CloudWatch.2", `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","errorCode":"NoSuchKey"}`, false},
		{"CloudWatch.1", `{"eventName":"ListBuckets","eventType":"AwsApiCall","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"}}`, true},
		{"CloudWatch.1", `{"eventName":"AssumeRole","eventType":"AwsApiCall","userIdentity":{"type":"Root","invokedBy":"cloudformation.amazonaws.com"}}`, false},
		{"CloudWatch.3", `{"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser"},"additionalEventData":{"MFAUsed":"No"},"responseElements":{"ConsoleLogin":"Success"}}`, true},
		{"CloudWatch.3", `{"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser"},"additionalEventData":{"MFAUsed":"Yes"},"responseElements":{"ConsoleLogin":"Success"}}`, false},
		{"CloudWatch.6", `{"eventName":"ConsoleLogin","errorMessage":"Failed authentication","responseElements":{"ConsoleLogin":"Failure"}}`, true},
		{"CloudWatch.7", `{"eventSource":"kms.amazonaws.com","eventName":"ScheduleKeyDeletion"}`, true},
		{"CloudWatch.7", `{"eventSource":"kms.amazonaws.com","eventName":"EnableKey"}`, false},
	}
	for _, c := range cases {
		e, err := parseFilterPattern(doc[c.control])
		if err != nil {
			t.Fatal(err)
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(c.record), &ev); err != nil {
			t.Fatal(err)
		}
		if got := e.match(ev); got != c.want {
			t.Errorf("%s on %s = %v, want %v", c.control, c.record, got, c.want)
		}
	}
}

func TestParseFilterPatternErrors(t *testing.T) {
	for _, p := range []string{`{}`, `{ $.a = }`, `{ ($.a = 1 }`, `{ $.a = "x }`, `{ a = 1 }`, `{ $.a ~ 1 }`, `{ $.a = %[% }`} {
		if _, err := parseFilterPattern(p); err == nil {
			t.Errorf("parseFilterPattern(%q) accepted", p)
		}
	}
	e, err := parseFilterPattern(`{ $.n >= 5 && $.list[1].k = v* && $.b IS TRUE && $.r = %^ab+c$% }`)
	if err != nil {
		t.Fatal(err)
	}
	ev := map[string]any{"n": 5.0, "list": []any{map[string]any{}, map[string]any{"k": "value"}}, "b": true, "r": "abbc"}
	if !e.match(ev) {
		t.Error("numeric, indexed, boolean and regex comparisons do not match")
	}
}
