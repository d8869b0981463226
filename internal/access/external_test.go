package access

import (
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/policy"
)

const (
	orgID   = "o-abcd123456"
	inside  = "111111111111"
	inside2 = "222222222222"
	partner = "444455556666"
)

func testWorld() *world {
	return &world{orgID: orgID, accounts: map[string]bool{inside: true, inside2: true}, buckets: map[string]bool{"data": true}, outsider: "999999999999"}
}

// analyse runs the analyzer on one policy attached to a resource of
// account inside, with optional RCPs.
func analyse(t *testing.T, r Resource, doc string, rcps ...string) []Grant {
	t.Helper()
	p, err := policy.Compile("test", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	r.Policy = authz.Named{ID: policyID(r), Policy: p}
	r.Account = inside
	var lv []authz.Level
	for i, src := range rcps {
		lv = append(lv, authz.Level{ID: "r-root", Policies: []authz.Named{{ID: "rcp" + string(rune('0'+i)), Policy: policy.MustCompile("rcp", src)}}})
	}
	a := analyzer{w: testWorld(), eng: authz.New(), r: &r, rcps: lv, orgPath: orgID + "/r-root/", grants: map[string]*Grant{}}
	a.run()
	return a.list()
}

var bucket = Resource{Type: TypeS3Bucket, ARN: "arn:aws:s3:::data", Region: "us-east-1", Service: "s3", Layer: authz.LayerResource}

func stmt(principal, action, resource, cond string) string {
	s := `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":` + principal + `,"Action":"` + action + `","Resource":"` + resource + `"`
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + `}]}`
}

func kinds(gs []Grant) string {
	var s []string
	for _, g := range gs {
		s = append(s, string(g.Kind)+":"+g.Principal)
	}
	return strings.Join(s, " ")
}

// TestExternalConditions checks the cases the IAM Access Analyzer User
// Guide describes for external access ("Zone of trust", and the
// condition keys that restrict access to the organization or to VPC
// endpoints): a condition pinned to the organization or a VPC endpoint
// restricts; one with a wildcard, or naming another organization or
// account, does not.
func TestExternalConditions(t *testing.T) {
	obj := "arn:aws:s3:::data/*"
	cases := []struct {
		name, doc, want string
	}{
		{"public", stmt(`"*"`, "s3:GetObject", obj, ""), "public:*"},
		{"org pinned", stmt(`"*"`, "s3:GetObject", obj, `{"StringEquals":{"aws:PrincipalOrgID":"`+orgID+`"}}`), ""},
		{"org wildcard", stmt(`"*"`, "s3:GetObject", obj, `{"StringLike":{"aws:PrincipalOrgID":"o-*"}}`), "public:*"},
		{"other org", stmt(`"*"`, "s3:GetObject", obj, `{"StringEquals":{"aws:PrincipalOrgID":"o-zzzz999999"}}`), "public:*"},
		{"org path pinned", stmt(`"*"`, "s3:GetObject", obj, `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"`+orgID+`/r-root/*"}}`), ""},
		{"vpce pinned", stmt(`"*"`, "s3:GetObject", obj, `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), ""},
		{"vpce wildcard", stmt(`"*"`, "s3:GetObject", obj, `{"StringLike":{"aws:SourceVpce":"vpce-*"}}`), "public:*"},
		{"account pinned", stmt(`"*"`, "s3:GetObject", obj, `{"StringEquals":{"aws:PrincipalAccount":"`+inside2+`"}}`), ""},
		{"narrow ip", stmt(`"*"`, "s3:GetObject", obj, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ""},
		{"any ip", stmt(`"*"`, "s3:GetObject", obj, `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`), "public:*"},
		{"tls only is no restriction", stmt(`"*"`, "s3:GetObject", obj, `{"Bool":{"aws:SecureTransport":"true"}}`), "public:*"},
		{"member account", stmt(`{"AWS":"arn:aws:iam::`+inside2+`:root"}`, "s3:GetObject", obj, ""), ""},
		{"partner account", stmt(`{"AWS":"arn:aws:iam::`+partner+`:root"}`, "s3:GetObject", obj, ""), "account:arn:aws:iam::" + partner + ":root"},
		{"partner role", stmt(`{"AWS":"arn:aws:iam::`+partner+`:role/reader"}`, "s3:GetObject", obj, ""), "account:arn:aws:iam::" + partner + ":role/reader"},
		{"service without source", stmt(`{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", obj, ""), "service:cloudtrail.amazonaws.com"},
		{"service with own source account", stmt(`{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", obj, `{"StringEquals":{"aws:SourceAccount":"`+inside+`"}}`), ""},
		{"service with own org", stmt(`{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", obj, `{"StringEquals":{"aws:SourceOrgID":"`+orgID+`"}}`), ""},
		{"service with partner source", stmt(`{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", obj, `{"StringEquals":{"aws:SourceAccount":"`+partner+`"}}`), "service:cloudtrail.amazonaws.com"},
		{"service with source arn wildcard", stmt(`{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", obj, `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:*:trail/*"}}`), "service:cloudtrail.amazonaws.com"},
		{"service with own source arn", stmt(`{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", obj, `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:`+inside+`:trail/*"}}`), ""},
		{"other bucket's objects", stmt(`"*"`, "s3:GetObject", "arn:aws:s3:::other/*", ""), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := kinds(analyse(t, bucket, c.doc)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestExternalKMSCallerAccount(t *testing.T) {
	key := Resource{Type: TypeKMSKey, ARN: "arn:aws:kms:us-east-1:" + inside + ":key/k1", Region: "us-east-1", Service: "kms", Layer: authz.LayerKey}
	doc := stmt(`{"AWS":"*"}`, "kms:Decrypt", "*", `{"StringEquals":{"kms:CallerAccount":"`+inside+`"}}`)
	if got := analyse(t, key, doc); len(got) != 0 {
		t.Errorf("kms:CallerAccount pinned to the owner: got %s", kinds(got))
	}
	if got := kinds(analyse(t, key, stmt(`{"AWS":"arn:aws:iam::`+partner+`:root"}`, "kms:*", "*", ""))); got != "account:arn:aws:iam::"+partner+":root" {
		t.Errorf("partner on key: got %q", got)
	}
}

func TestExternalTrust(t *testing.T) {
	role := Resource{Type: TypeRole, ARN: "arn:aws:iam::" + inside + ":role/vendor", Region: "global", Service: "sts", Layer: authz.LayerTrust}
	doc := stmt(`{"AWS":"arn:aws:iam::`+partner+`:root"}`, "sts:AssumeRole", "*", `{"StringEquals":{"sts:ExternalId":"secret-1"}}`)
	gs := analyse(t, role, doc)
	if kinds(gs) != "account:arn:aws:iam::"+partner+":root" || len(gs[0].Conditions) != 1 || gs[0].Conditions[0] != "sts:ExternalId" {
		t.Fatalf("vendor trust: %+v", gs)
	}
	if gs[0].Actions[0] != "sts:AssumeRole" || statementText(gs[0].Statements) != "trust/vendor#S" {
		t.Errorf("vendor trust: %v %s", gs[0].Actions, statementText(gs[0].Statements))
	}
	// A member account and a service are not outside.
	if got := analyse(t, role, stmt(`{"AWS":"arn:aws:iam::`+inside2+`:root","Service":"ec2.amazonaws.com"}`, "sts:AssumeRole", "*", "")); len(got) != 0 {
		t.Errorf("internal trust: %s", kinds(got))
	}
	oidc := stmt(`{"Federated":"arn:aws:iam::`+inside+`:oidc-provider/token.actions.githubusercontent.com"}`, "sts:AssumeRoleWithWebIdentity", "*",
		`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}`)
	if got := kinds(analyse(t, role, oidc)); got != "federated:arn:aws:iam::"+inside+":oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("oidc: %q", got)
	}
}

// TestExternalRCP: an RCP that denies principals outside the
// organization (Organizations User Guide, RCP examples: "enforce
// identity perimeter") removes the access; one that only requires TLS
// does not.
func TestExternalRCP(t *testing.T) {
	full := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	perimeter := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"` + orgID + `"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`
	tls := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`
	doc := stmt(`"*"`, "s3:GetObject", "arn:aws:s3:::data/*", "")
	if got := analyse(t, bucket, doc, full, perimeter); len(got) != 0 {
		t.Errorf("perimeter RCP: %s", kinds(got))
	}
	if got := kinds(analyse(t, bucket, doc, full, tls)); got != "public:*" {
		t.Errorf("TLS RCP: %q", got)
	}
}

// TestExternalBlockPublicAccess: with RestrictPublicBuckets a bucket
// with a public policy is reachable only by AWS services and the owner's
// account (S3 User Guide, "Blocking public access to your Amazon S3
// storage").
func TestExternalBlockPublicAccess(t *testing.T) {
	b := bucket
	b.RestrictPublicBuckets = true
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"},{"Effect":"Allow","Principal":{"AWS":"` + partner + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}`
	if got := analyse(t, b, doc); len(got) != 0 {
		t.Errorf("restricted: %s", kinds(got))
	}
	b.RestrictPublicBuckets = false
	if got := kinds(analyse(t, b, doc)); got != "account:"+partner+" public:*" {
		t.Errorf("unrestricted: %q", got)
	}
	b.PublicACL = []string{"READ to AllUsers"}
	doc = `{"Version":"2012-10-17","Statement":[]}`
	if got := kinds(analyse(t, b, doc)); got != "public:*" {
		t.Errorf("ACL: %q", got)
	}
	b.IgnorePublicAcls = true
	if got := analyse(t, b, doc); len(got) != 0 {
		t.Errorf("ignored ACL: %s", kinds(got))
	}
}
