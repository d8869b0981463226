package access

import (
	"testing"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/policy"
)

const apARN = "arn:aws:s3:us-east-1:" + inside + ":accesspoint/exchange"

// apCase is an access point of account inside on bucket "data" (of the
// same account unless bucketAccount says otherwise).
type apCase struct {
	apDoc, bucketDoc           string // bucketDoc "" means no bucket policy
	origin                     string
	apRestrict, bucketRestrict bool
	bucketOutside              bool // the bucket is not in the snapshot
	bucketRCPs                 []string
}

func analyseAP(t *testing.T, c apCase) ([]Grant, *analyzer) {
	t.Helper()
	b := bucket
	b.Account = inside
	b.RestrictPublicBuckets = c.bucketRestrict
	if c.bucketDoc != "" {
		p, err := policy.Compile("bucket", []byte(c.bucketDoc))
		if err != nil {
			t.Fatal(err)
		}
		b.Policy = authz.Named{ID: policyID(b), Policy: p}
	}
	origin := c.origin
	if origin == "" {
		origin = "Internet"
	}
	info := &AccessPoint{Name: "exchange", Buckets: []APBucket{{Name: "data", Account: inside, Resource: &b}}, NetworkOrigin: origin}
	if c.bucketOutside {
		info.Buckets[0].Resource = nil
	}
	r := Resource{Type: TypeS3AccessPoint, ARN: apARN, Region: "us-east-1", Service: "s3", Layer: authz.LayerResource,
		AccessPoint: info, RestrictPublicBuckets: c.apRestrict}
	p, err := policy.Compile("ap", []byte(c.apDoc))
	if err != nil {
		t.Fatal(err)
	}
	r.Policy = authz.Named{ID: policyID(r), Policy: p}
	r.Account = inside
	a := &analyzer{w: testWorld(), eng: authz.New(), r: &r, orgPath: orgID + "/r-root/", grants: map[string]*Grant{}}
	for i, src := range c.bucketRCPs {
		info.Buckets[0].rcps = append(info.Buckets[0].rcps, authz.Level{ID: "r-root", Policies: []authz.Named{{ID: "rcp" + string(rune('0'+i)), Policy: policy.MustCompile("rcp", src)}}})
	}
	a.run()
	return a.list(), a
}

// delegate is the bucket policy the S3 User Guide recommends for
// "Delegating access control to access points": any principal, any
// action, on the bucket and its objects, when the request comes through
// an access point of the given account.
func delegate(account string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*",` +
		`"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + account + `"}}}]}`
}

func delegateARN(arn string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"StringEquals":{"s3:DataAccessPointArn":"` + arn + `"}}}]}`
}

// TestExternalAccessPoint follows the S3 User Guide ("Configuring IAM
// policies for using access points"): a request through an access point
// must be allowed by the access point policy and by the bucket's policy,
// which commonly delegates to the access points of the bucket owner's
// account with s3:DataAccessPointAccount or to one access point with
// s3:DataAccessPointArn; Block Public Access of the access point, its
// account and the bucket applies; a VPC access point takes requests from
// its VPC only.
func TestExternalAccessPoint(t *testing.T) {
	partnerRead := stmt(`{"AWS":"arn:aws:iam::`+partner+`:root"}`, "s3:GetObject", apARN+"/object/exports/*", "")
	anyoneRead := stmt(`"*"`, "s3:GetObject", apARN+"/object/*", "")
	partnerGrant := "account:arn:aws:iam::" + partner + ":root"
	direct := stmt(`{"AWS":"arn:aws:iam::`+partner+`:root"}`, "s3:GetObject", "arn:aws:s3:::data/exports/*", "")
	perimeter := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"` + orgID + `"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`
	cases := []struct {
		name string
		c    apCase
		want string
	}{
		{"bucket delegates to the owner's access points", apCase{apDoc: partnerRead, bucketDoc: delegate(inside)}, partnerGrant},
		{"bucket delegates to this access point", apCase{apDoc: partnerRead, bucketDoc: delegateARN(apARN)}, partnerGrant},
		{"bucket delegates to another access point", apCase{apDoc: partnerRead, bucketDoc: delegateARN(apARN + "-other")}, ""},
		{"bucket delegates to another account's access points", apCase{apDoc: partnerRead, bucketDoc: delegate(inside2)}, ""},
		{"bucket without a policy", apCase{apDoc: partnerRead}, ""},
		{"bucket grants the same access itself", apCase{apDoc: partnerRead, bucketDoc: direct}, partnerGrant},
		{"bucket grants other objects only", apCase{apDoc: partnerRead, bucketDoc: stmt(`{"AWS":"arn:aws:iam::`+partner+`:root"}`, "s3:GetObject", "arn:aws:s3:::data/private/*", "")}, ""},
		{"bucket outside the snapshot", apCase{apDoc: partnerRead, bucketOutside: true}, partnerGrant},
		{"VPC network origin", apCase{apDoc: partnerRead, bucketDoc: delegate(inside), origin: "VPC"}, ""},
		{"public access point", apCase{apDoc: anyoneRead, bucketDoc: delegate(inside)}, "public:*"},
		{"public, access point restricts", apCase{apDoc: anyoneRead, bucketDoc: delegate(inside), apRestrict: true}, ""},
		{"public, bucket restricts", apCase{apDoc: anyoneRead, bucketDoc: delegate(inside), bucketRestrict: true}, ""},
		{"partner, restrictions do not apply", apCase{apDoc: partnerRead, bucketDoc: delegate(inside), apRestrict: true, bucketRestrict: true}, partnerGrant},
		{"organization pinned on the access point", apCase{apDoc: stmt(`"*"`, "s3:GetObject", apARN+"/object/*", `{"StringEquals":{"aws:PrincipalOrgID":"`+orgID+`"}}`), bucketDoc: delegate(inside)}, ""},
		{"organization pinned on the bucket", apCase{apDoc: anyoneRead, bucketDoc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + inside + `","aws:PrincipalOrgID":"` + orgID + `"}}}]}`}, ""},
		{"bucket requires VPC access points", apCase{apDoc: partnerRead, bucketDoc: `{"Version":"2012-10-17","Statement":[` +
			`{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + inside + `"}}},` +
			`{"Sid":"VPCOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data/*","Condition":{"StringNotEquals":{"s3:AccessPointNetworkOrigin":"VPC"}}}]}`}, ""},
		{"bucket account's perimeter RCP", apCase{apDoc: partnerRead, bucketDoc: delegate(inside), bucketRCPs: []string{perimeter}}, ""},
		{"access point policy names another access point", apCase{apDoc: stmt(`"*"`, "s3:GetObject", apARN+"x/object/*", ""), bucketDoc: delegate(inside)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, a := analyseAP(t, c.c)
			if k := kinds(got); k != c.want {
				t.Errorf("got %q, want %q", k, c.want)
			}
			if a.vpcOnly != (c.c.origin == "VPC") {
				t.Errorf("vpcOnly %v", a.vpcOnly)
			}
		})
	}
	got, _ := analyseAP(t, apCase{apDoc: partnerRead, bucketDoc: delegate(inside)})
	g := got[0]
	if g.ResourceType != TypeS3AccessPoint || g.ResourceArn != apARN || statementText(g.Statements) != "accesspoint/exchange#S, bucket/data#Delegate" ||
		len(g.Actions) != 1 || g.Actions[0] != "s3:GetObject" || len(g.Conditions) != 0 {
		t.Errorf("grant: %+v (%s)", g, statementText(g.Statements))
	}
}

// TestExternalBucketDelegationIsNotPublic: the delegation policy opens
// nothing to direct requests, which carry no access point keys (the S3
// User Guide counts a policy restricted by s3:DataAccessPointArn or
// s3:DataAccessPointAccount as not public).
func TestExternalBucketDelegationIsNotPublic(t *testing.T) {
	if got := analyse(t, bucket, delegate(inside)); len(got) != 0 {
		t.Errorf("delegation read as external access: %s", kinds(got))
	}
	if got := analyse(t, bucket, delegateARN(apARN)); len(got) != 0 {
		t.Errorf("delegation by ARN read as external access: %s", kinds(got))
	}
}

// TestExternalMultiRegionAccessPoint: a multi-region access point routes
// each request to one of its buckets; as for an access point, the
// request needs the multi-region access point's policy and the policy of
// that bucket (the S3 User Guide's multi-region access point
// permissions: buckets delegate with s3:DataAccessPointArn naming the
// multi-region access point's ARN, arn:aws:s3::ACCOUNT:accesspoint/ALIAS).
func TestExternalMultiRegionAccessPoint(t *testing.T) {
	const mrap = "arn:aws:s3::" + inside + ":accesspoint/mfzwi23gnjvgw.mrap"
	mk := func(t *testing.T, docs ...string) []Grant {
		t.Helper()
		info := &AccessPoint{Name: "global-exports", MultiRegion: true, NetworkOrigin: "Internet"}
		for i, d := range docs {
			name := []string{"east", "west"}[i]
			b := Resource{Type: TypeS3Bucket, ARN: "arn:aws:s3:::" + name, Service: "s3", Layer: authz.LayerResource, Account: inside}
			if d != "" {
				b.Policy = authz.Named{ID: policyID(b), Policy: policy.MustCompile(name, d)}
			}
			info.Buckets = append(info.Buckets, APBucket{Name: name, Account: inside, Resource: &b})
		}
		r := Resource{Type: TypeS3MultiRegionAccessPoint, ARN: mrap, Region: "global", Service: "s3", Layer: authz.LayerResource, AccessPoint: info, Account: inside}
		r.Policy = authz.Named{ID: policyID(r), Policy: policy.MustCompile("mrap",
			stmt(`{"AWS":"arn:aws:iam::`+partner+`:root"}`, "s3:GetObject", mrap+"/object/*", ""))}
		a := &analyzer{w: testWorld(), eng: authz.New(), r: &r, orgPath: orgID + "/r-root/", grants: map[string]*Grant{}}
		a.run()
		return a.list()
	}
	west := func(arn string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject",` +
			`"Resource":"arn:aws:s3:::west/*","Condition":{"StringEquals":{"s3:DataAccessPointArn":"` + arn + `"}}}]}`
	}
	gs := mk(t, "", west(mrap))
	if kinds(gs) != "account:arn:aws:iam::"+partner+":root" || statementText(gs[0].Statements) != "mrap/global-exports#S, bucket/west#Delegate" {
		t.Errorf("one bucket delegates: %s %v", kinds(gs), gs)
	}
	if gs := mk(t, "", west(mrap+"x")); len(gs) != 0 {
		t.Errorf("no bucket delegates to it: %s", kinds(gs))
	}
	if gs := mk(t, "", ""); len(gs) != 0 {
		t.Errorf("no bucket policies: %s", kinds(gs))
	}
}
