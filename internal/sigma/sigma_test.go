package sigma

import (
	"errors"
	"github.com/orgrail/orgrail/internal/shareddata"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/pattern"
)

// run evaluates a rule over a CloudTrail record wrapped in an envelope.
func run(t *testing.T, r *Rule, record string) bool {
	t.Helper()
	p := pattern.NewPaths()
	e := r.Compile(p, "detail.")
	v := p.NewValues()
	if err := p.Extract([]byte(`{"detail-type":"AWS API Call via CloudTrail","detail":`+record+`}`), v); err != nil {
		t.Fatal(err)
	}
	return e.Match(v)
}

func parse(t *testing.T, detection string) *Rule {
	t.Helper()
	doc := "title: test rule\nauthor: Tester\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n" + detection
	r, err := Parse([]byte(doc), "test.yml")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const record = `{
  "eventSource": "iam.amazonaws.com",
  "eventName": "CreateAccessKey",
  "eventType": "AwsApiCall",
  "sourceIPAddress": "203.0.113.7",
  "userAgent": "aws-cli/2.15 Python/3.11",
  "count": 42,
  "readOnly": false,
  "errorCode": null,
  "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice", "userName": "alice",
    "sessionContext": {"sessionIssuer": {"type": "Role"}}},
  "requestParameters": {"userName": "bob", "policyDocument": "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\"}",
    "layers": ["arn:aws:lambda:us-east-1:1:layer:x:1", "arn:aws:lambda:us-east-1:1:layer:y:2"]},
  "responseElements": {"accessKey": {"userName": "bob", "status": "Active"}}
}`

func TestSigmaMatching(t *testing.T) {
	cases := []struct {
		name, detection string
		want            bool
	}{
		{"plain equality", "  sel:\n    eventName: CreateAccessKey\n  condition: sel\n", true},
		{"case-insensitive", "  sel:\n    eventName: createaccesskey\n  condition: sel\n", true},
		{"cased", "  sel:\n    eventName|cased: createaccesskey\n  condition: sel\n", false},
		{"list is OR", "  sel:\n    eventName: [DeleteUser, CreateAccessKey]\n  condition: sel\n", true},
		{"map is AND", "  sel:\n    eventName: CreateAccessKey\n    eventSource: s3.amazonaws.com\n  condition: sel\n", false},
		{"wildcard", "  sel:\n    eventName: 'Create*Key'\n  condition: sel\n", true},
		{"question mark", "  sel:\n    eventName: 'CreateAccessKe?'\n  condition: sel\n", true},
		{"escaped star", "  sel:\n    eventName: 'Create\\*'\n  condition: sel\n", false},
		{"contains", "  sel:\n    userAgent|contains: CLI/2\n  condition: sel\n", true},
		{"startswith", "  sel:\n    userAgent|startswith: aws-cli\n  condition: sel\n", true},
		{"endswith", "  sel:\n    userAgent|endswith: python/3.11\n  condition: sel\n", true},
		{"contains all", "  sel:\n    userAgent|contains|all: [aws-cli, python]\n  condition: sel\n", true},
		{"contains all fails", "  sel:\n    userAgent|contains|all: [aws-cli, ruby]\n  condition: sel\n", false},
		{"re", "  sel:\n    userIdentity.arn|re: '^arn:aws:iam::\\d+:user/'\n  condition: sel\n", true},
		{"re case-sensitive", "  sel:\n    eventName|re: '^createaccess'\n  condition: sel\n", false},
		{"re i", "  sel:\n    eventName|re|i: '^createaccess'\n  condition: sel\n", true},
		{"cidr", "  sel:\n    sourceIPAddress|cidr: 203.0.113.0/24\n  condition: sel\n", true},
		{"cidr miss", "  sel:\n    sourceIPAddress|cidr: 10.0.0.0/8\n  condition: sel\n", false},
		{"null matches null", "  sel:\n    errorCode: null\n  condition: sel\n", true},
		{"null matches absent", "  sel:\n    errorMessage: null\n  condition: sel\n", true},
		{"null fails when present", "  sel:\n    eventName: null\n  condition: sel\n", false},
		{"dotted field", "  sel:\n    userIdentity.sessionContext.sessionIssuer.type: role\n  condition: sel\n", true},
		{"boolean as text", "  sel:\n    readOnly: 'false'\n  condition: sel\n", true},
		{"number as text", "  sel:\n    count: 42\n  condition: sel\n", true},
		{"gt", "  sel:\n    count|gt: 40\n  condition: sel\n", true},
		{"lte", "  sel:\n    count|lte: 41\n  condition: sel\n", false},
		{"array field", "  sel:\n    requestParameters.layers|contains: 'layer:y'\n  condition: sel\n", true},
		{"object contains", "  sel:\n    requestParameters|contains: '\"s3:GetObject\"'\n  condition: sel\n", true},
		{"exists", "  sel:\n    userIdentity.userName|exists: true\n  condition: sel\n", true},
		{"exists false", "  sel:\n    errorMessage|exists: false\n  condition: sel\n", true},
		{"fieldref", "  sel:\n    requestParameters.userName|fieldref: responseElements.accessKey.userName\n  condition: sel\n", true},
		{"fieldref differs", "  sel:\n    userIdentity.userName|fieldref: requestParameters.userName\n  condition: sel\n", false},
		{"fieldref endswith", "  sel:\n    userIdentity.arn|fieldref|endswith: userIdentity.userName\n  condition: sel\n", true},
		{"keywords", "  keywords:\n    - 'aws-cli/2'\n  condition: keywords\n", true},
		{"and not", "  sel:\n    eventName: CreateAccessKey\n  filter:\n    userIdentity.type: AssumedRole\n  condition: sel and not filter\n", true},
		{"and not filtered", "  sel:\n    eventName: CreateAccessKey\n  filter:\n    userIdentity.type: IAMUser\n  condition: sel and not filter\n", false},
		{"1 of", "  sel_a:\n    eventName: Nope\n  sel_b:\n    eventName: CreateAccessKey\n  condition: 1 of sel_*\n", true},
		{"all of", "  sel_a:\n    eventName: Nope\n  sel_b:\n    eventName: CreateAccessKey\n  condition: all of sel_*\n", false},
		{"all of them", "  a:\n    eventName: CreateAccessKey\n  b:\n    eventSource: iam.amazonaws.com\n  condition: all of them\n", true},
		{"not 1 of", "  sel:\n    eventName: CreateAccessKey\n  filter_a:\n    eventSource: ssm.amazonaws.com\n  filter_b:\n    sourceIPAddress: AWS Internal\n  condition: sel and not 1 of filter_*\n", true},
		{"list of maps is OR", "  sel:\n    - eventName: Nope\n    - eventSource: iam.amazonaws.com\n  condition: sel\n", true},
		{"parentheses", "  a:\n    eventName: Nope\n  b:\n    eventName: CreateAccessKey\n  c:\n    eventSource: iam.amazonaws.com\n  condition: (a or b) and c\n", true},
		{"precedence", "  a:\n    eventName: Nope\n  b:\n    eventName: CreateAccessKey\n  c:\n    eventSource: nope\n  condition: a or b and c\n", false},
		{"condition list", "  a:\n    eventName: Nope\n  b:\n    eventName: CreateAccessKey\n  condition:\n    - a\n    - b\n", true},
		{"contains star needs a value", "  sel:\n    errorCode|contains: '*'\n  condition: sel\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := run(t, parse(t, c.detection), record); got != c.want {
				t.Fatalf("match = %v, want %v", got, c.want)
			}
		})
	}
}

func TestUnsupported(t *testing.T) {
	for name, det := range map[string]string{
		"look-ahead":   "  sel:\n    userAgent|re: 'aws(?!-cli)'\n  condition: sel\n",
		"look-behind":  "  sel:\n    userAgent|re: '(?<=x)y'\n  condition: sel\n",
		"aggregation":  "  sel:\n    eventName: x\n  condition: sel | count() > 5\n",
		"base64offset": "  sel:\n    eventName|base64offset|contains: x\n  condition: sel\n",
	} {
		t.Run(name, func(t *testing.T) {
			doc := "title: bad rule\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n" + det
			_, err := Parse([]byte(doc), "bad.yml")
			var ue *UnsupportedError
			if !errors.As(err, &ue) || ue.Title != "bad rule" {
				t.Fatalf("error = %v, want UnsupportedError naming the rule", err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"not yaml":       "title: [",
		"other product":  "title: x\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n  condition: sel\n",
		"no condition":   "title: x\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    a: b\n",
		"unknown select": "title: x\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    a: b\n  condition: other\n",
		"unbalanced":     "title: x\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    a: b\n  condition: (sel\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(doc), "x.yml"); err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
		})
	}
}

func TestEventNames(t *testing.T) {
	r := parse(t, "  sel:\n    eventSource: cloudtrail.amazonaws.com\n    eventName: [StopLogging, DeleteTrail]\n  filter:\n    userAgent: x\n  condition: sel and not filter\n")
	names, ok := r.EventNames()
	if !ok || strings.Join(names, ",") != "deletetrail,stoplogging" {
		t.Fatalf("EventNames = %v, %v", names, ok)
	}
	r = parse(t, "  sel:\n    userIdentity.type: Root\n  condition: sel\n")
	if _, ok := r.EventNames(); ok {
		t.Fatal("EventNames constrained a rule without eventName")
	}
}

// sharedData finds ../shared/data/sub, or skips.
func sharedData(t *testing.T, sub string) string { return shareddata.Dir(t, sub) }

func TestSigmaHQCloudTrailRulesLoad(t *testing.T) {
	dir := sharedData(t, "sigma-cloudtrail")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	if len(files) != 57 {
		t.Fatalf("found %d rules, want 57", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Parse(data, f)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if r.Author == "" {
			t.Errorf("%s: no author", filepath.Base(f))
		}
		p := pattern.NewPaths()
		r.Compile(p, "detail.")
	}
}
