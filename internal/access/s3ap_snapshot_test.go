package access_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestAccessPointsFromSnapshot reads access points as the collector
// stores them (S3 Control's output shapes, per the S3 API Reference):
// a cross-account access point of account 333… on a bucket of 222…
// that delegates to 333…'s access points, and a multi-region access
// point of 222… over that bucket and one of an outside account.
func TestAccessPointsFromSnapshot(t *testing.T) {
	src := apSnapshot(t)
	res, err := access.External(src, authz.New())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("error: %v", e)
	}
	var got []string
	for _, g := range res.Grants {
		got = append(got, g.ResourceType+" "+g.ResourceArn+" "+g.Principal+" "+strings.Join(g.Actions, ",")+" "+access.StatementText(g.Statements))
	}
	sort.Strings(got)
	want := []string{
		"AWS::S3::AccessPoint " + apARN + " " + vendor + " s3:GetObject accesspoint/partner-feed#Partner, bucket/shared-data#ConsumerAccessPoints",
		"AWS::S3::MultiRegionAccessPoint " + mrapARN + " arn:aws:iam::" + vendor + ":role/reader s3:GetObject mrap/global-data#VendorReads, bucket/shared-data#GlobalEndpoint",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("grants:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAccessPointsInternal: an edge through an access point needs the
// bucket's policy too: mgmt-read (consumer's, on the delegating
// shared-data) lets the management account in; private-read, on a bucket
// of the owner without a policy, does not.
func TestAccessPointsInternal(t *testing.T) {
	src := apSnapshot(t)
	g, err := access.Internal(src, authz.New())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range g.Edges {
		got = append(got, e.From+" "+e.To+" "+e.ResourceType+" "+e.ResourceArn+" "+access.StatementText(e.Statements))
	}
	want := mgmt + " " + consumer + " AWS::S3::AccessPoint arn:aws:s3:us-east-1:" + consumer + ":accesspoint/mgmt-read accesspoint/mgmt-read#Mgmt, bucket/shared-data#ConsumerAccessPoints"
	if strings.Join(got, "\n") != want {
		t.Errorf("edges:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

const (
	mgmt, owner, consumer, vendor = "111111111111", "222222222222", "333333333333", "999988887777"
	apARN                         = "arn:aws:s3:us-east-1:" + consumer + ":accesspoint/partner-feed"
	mrapARN                       = "arn:aws:s3::" + owner + ":accesspoint/mfzwi23gnjvgw.mrap"
)

func apSnapshot(t *testing.T) *orgsnap.Source {
	t.Helper()
	dir := t.TempDir()
	o := &org.Organization{Id: "o-abcd123456", MasterAccountId: mgmt, Roots: []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: mgmt, Name: "mgmt", ParentId: "r-ab12", Status: "ACTIVE"}, {Id: owner, Name: "owner", ParentId: "r-ab12", Status: "ACTIVE"},
			{Id: consumer, Name: "consumer", ParentId: "r-ab12", Status: "ACTIVE"}}}
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }

	s3 := snapshot.NewServiceFile(owner, snapshot.Global, "s3")
	s3.Set("ListBuckets", raw(`{"Buckets":[{"Name":"private-data"},{"Name":"shared-data"}]}`))
	s3.SetResourceError("GetBucketPolicy", "private-data", "NoSuchBucketPolicy")
	s3.SetResource("GetBucketLocation", "shared-data", raw(`{}`))
	s3.SetResource("GetBucketPolicy", "shared-data", raw(`{"Policy":`+quote(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"ConsumerAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::shared-data","arn:aws:s3:::shared-data/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"`+consumer+`"}}},
	 {"Sid":"GlobalEndpoint","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-data/*","Condition":{"StringEquals":{"s3:DataAccessPointArn":"`+mrapARN+`"}}}]}`)+`}`))
	ctl := snapshot.NewServiceFile(owner, snapshot.Global, "s3control")
	ctl.SetError("GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration")
	ctl.Set("ListMultiRegionAccessPoints", raw(`{"AccessPoints":[{"Name":"global-data","Alias":"mfzwi23gnjvgw.mrap","Status":"READY",
	 "PublicAccessBlock":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true},
	 "Regions":[{"Bucket":"shared-data","Region":"us-east-1","BucketAccountId":"`+owner+`"},{"Bucket":"vendor-mirror","Region":"eu-west-1","BucketAccountId":"`+vendor+`"}]}]}`))
	ctl.SetResource("GetMultiRegionAccessPointPolicy", "global-data", raw(`{"Policy":{"Established":{"Policy":`+quote(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"VendorReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+vendor+`:role/reader"},"Action":"s3:GetObject","Resource":"`+mrapARN+`/object/*"}]}`)+`}}}`))
	aps := snapshot.NewServiceFile(consumer, "us-east-1", "s3accesspoints")
	aps.Set("ListAccessPoints", raw(`{"AccessPointList":[{"Name":"partner-feed","NetworkOrigin":"Internet","Bucket":"shared-data","BucketAccountId":"`+owner+`","AccessPointArn":"`+apARN+`"}]}`))
	aps.SetResource("GetAccessPoint", "partner-feed", raw(`{"Name":"partner-feed","Bucket":"shared-data","NetworkOrigin":"Internet","BucketAccountId":"`+owner+`","AccessPointArn":"`+apARN+`",
	 "PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}`))
	aps.SetResource("GetAccessPointPolicy", "partner-feed", raw(`{"Policy":`+quote(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"`+vendor+`"},"Action":"s3:GetObject","Resource":"`+apARN+`/object/feed/*"}]}`)+`}`))
	aps.SetResource("GetAccessPointPolicyStatus", "partner-feed", raw(`{"PolicyStatus":{"IsPublic":false}}`))
	for name, bucket := range map[string]string{"mgmt-read": "shared-data", "private-read": "private-data"} {
		arn := "arn:aws:s3:us-east-1:" + consumer + ":accesspoint/" + name
		aps.SetResource("GetAccessPoint", name, raw(`{"Name":"`+name+`","Bucket":"`+bucket+`","NetworkOrigin":"Internet","BucketAccountId":"`+owner+`","AccessPointArn":"`+arn+`"}`))
		aps.SetResource("GetAccessPointPolicy", name, raw(`{"Policy":`+quote(`{"Version":"2012-10-17","Statement":[
		 {"Sid":"Mgmt","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+mgmt+`:root"},"Action":"s3:GetObject","Resource":"`+arn+`/object/*"}]}`)+`}`))
	}
	for _, f := range []*snapshot.ServiceFile{s3, ctl, aps} {
		if err := w.WriteService(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(&snapshot.Manifest{OrgID: o.Id, Source: "test", Coverage: []snapshot.Coverage{
		{Account: owner, Regions: []string{"global"}, Services: []string{"s3", "s3control"}},
		{Account: consumer, Regions: []string{"us-east-1"}, Services: []string{"s3accesspoints"}}}}); err != nil {
		t.Fatal(err)
	}
	src, err := orgsnap.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
