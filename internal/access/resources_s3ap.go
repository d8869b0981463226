package access

import (
	"fmt"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TypeS3AccessPoint is an S3 access point, spelled as IAM Access Analyzer
// spells it.
const TypeS3AccessPoint = "AWS::S3::AccessPoint"

// AccessPoint is what the analysis needs of an S3 access point besides
// its policy: the bucket every request through it reaches, and where it
// can be reached from.
type AccessPoint struct {
	Name string
	// Bucket and BucketAccount name the bucket behind the access point.
	Bucket        string
	BucketAccount string
	// BucketResource is the bucket as the snapshot has it (its policy,
	// block public access and tags); nil when the bucket is not in the
	// snapshot (a bucket of an account outside the organization).
	BucketResource *Resource
	// NetworkOrigin is Internet or VPC; a VPC access point accepts
	// requests from that one VPC only.
	NetworkOrigin string
	VpcID         string
}

// accessPointPAB is GetAccessPoint's block public access configuration.
type accessPointOutput struct {
	Name, Bucket, BucketAccountId, AccessPointArn *string
	NetworkOrigin                                 string
	VpcConfiguration                              *struct{ VpcId *string }
	PublicAccessBlockConfiguration                *struct {
		IgnorePublicAcls      *bool
		RestrictPublicBuckets *bool
	}
}

// accessPoints adds the access points of one account and region that
// have an access point policy. Their buckets are linked afterwards by
// linkAccessPoints, once every account's buckets are known.
func accessPoints(snap *snapshot.Snapshot, acct, region string, acctRestrict bool, add func(Resource, string)) error {
	f := service(snap, acct, region, "s3accesspoints")
	if f == nil {
		return nil
	}
	for _, name := range f.ResourceKeys("GetAccessPointPolicy") {
		var pol struct{ Policy *string }
		if _, err := f.GetResource("GetAccessPointPolicy", name, &pol); err != nil {
			return err
		}
		if pol.Policy == nil {
			continue
		}
		var ap accessPointOutput
		ok, err := f.GetResource("GetAccessPoint", name, &ap)
		if err != nil {
			return err
		}
		if !ok || ap.Bucket == nil {
			return fmt.Errorf("account %s region %s: access point %s has a policy but no GetAccessPoint answer (bucket unknown)", acct, region, name)
		}
		arn := fmt.Sprintf("arn:%s:s3:%s:%s:accesspoint/%s", snap.Org.Partition(), region, acct, name)
		if ap.AccessPointArn != nil && *ap.AccessPointArn != "" {
			arn = *ap.AccessPointArn
		}
		info := &AccessPoint{Name: name, Bucket: *ap.Bucket, BucketAccount: acct, NetworkOrigin: ap.NetworkOrigin}
		if ap.BucketAccountId != nil && *ap.BucketAccountId != "" {
			info.BucketAccount = *ap.BucketAccountId
		}
		if ap.VpcConfiguration != nil && ap.VpcConfiguration.VpcId != nil {
			info.VpcID = *ap.VpcConfiguration.VpcId
		}
		r := Resource{Type: TypeS3AccessPoint, ARN: arn, Region: region, Service: "s3", Layer: authz.LayerResource, AccessPoint: info}
		if c := ap.PublicAccessBlockConfiguration; c != nil {
			r.RestrictPublicBuckets = c.RestrictPublicBuckets != nil && *c.RestrictPublicBuckets
		}
		r.RestrictPublicBuckets = r.RestrictPublicBuckets || acctRestrict
		add(r, *pol.Policy)
	}
	return nil
}

// linkAccessPoints gives each access point its bucket (a copy of the
// bucket's resource, policy included), from the buckets of every
// account of the snapshot.
func linkAccessPoints(out []Resource, known map[string]Resource) {
	for i := range out {
		ap := out[i].AccessPoint
		if ap == nil {
			continue
		}
		if b, ok := known[ap.Bucket]; ok && b.Account == ap.BucketAccount {
			cp := b
			ap.BucketResource = &cp
		}
	}
}

// accountRestricts reads the account-level RestrictPublicBuckets.
func accountRestricts(snap *snapshot.Snapshot, acct string) (bool, error) {
	c := service(snap, acct, snapshot.Global, "s3control")
	if c == nil {
		return false, nil
	}
	var p pabConfig
	if _, err := c.Get("GetPublicAccessBlock", &p); err != nil {
		return false, err
	}
	restrict, _ := p.flags()
	return restrict, nil
}

// bucketTarget is the bucket-side resource of a request made through an
// access point: the access point ARN becomes the bucket ARN, and
// .../object/KEY becomes arn:aws:s3:::BUCKET/KEY.
func bucketTarget(apARN, bucket, res string) string {
	b := "arn:aws:s3:::" + bucket
	if rest, ok := strings.CutPrefix(res, apARN+"/object/"); ok {
		return b + "/" + rest
	}
	return b
}

// accessPointDocs returns the bucket policy and the bucket account's
// RCPs (their condition keys are probed too), and sets the keys S3 adds
// to a request made through an access point.
func (a *analyzer) accessPointDocs(fixed map[string][]string) []*policy.Document {
	r := a.r
	fixed["s3:DataAccessPointArn"] = []string{r.ARN}
	fixed["s3:DataAccessPointAccount"] = []string{r.Account}
	fixed["s3:AccessPointNetworkOrigin"] = []string{"Internet"}
	b := r.AccessPoint.BucketResource
	if b == nil {
		return nil
	}
	for k, v := range b.Tags {
		if _, ok := fixed["aws:ResourceTag/"+k]; !ok {
			fixed["aws:ResourceTag/"+k] = []string{v}
		}
	}
	var docs []*policy.Document
	if b.Policy.Policy != nil {
		docs = append(docs, b.Policy.Policy.Doc)
	}
	for _, l := range a.bucketRCPs {
		for _, p := range l.Policies {
			docs = append(docs, p.Policy.Doc)
		}
	}
	return docs
}

// bucketPolicy is the policy of the bucket behind an access point (nil
// when there is none, or no access point).
func (a *analyzer) bucketPolicy() *authz.Named {
	ap := a.r.AccessPoint
	if ap == nil || ap.BucketResource == nil || ap.BucketResource.Policy.Policy == nil {
		return nil
	}
	return &ap.BucketResource.Policy
}

// throughBucket decides the bucket side of a request the access point
// policy allows: S3 serves it only if the bucket's policy allows it too
// (for a caller of another account, as every probe is), under the
// bucket account's RCPs, with the same request context. It returns the
// bucket statements that allow it. A bucket outside the snapshot is
// taken as allowing: its owner's policy is not known.
func (a *analyzer) throughBucket(ap *authz.Input) ([]authz.StatementRef, bool) {
	info := a.r.AccessPoint
	b := info.BucketResource
	if b == nil {
		return nil, true
	}
	pol := a.bucketPolicy()
	if pol == nil {
		return nil, false
	}
	in := authz.Input{Principal: ap.Principal, Action: ap.Action, Resource: bucketTarget(a.r.ARN, info.Bucket, ap.Resource),
		ResourceAccount: b.Account, ResourcePolicy: pol, RCPs: a.bucketRCPs, ResourceIsManagementAccount: a.bucketMgmt,
		Identity: ap.Identity, Context: ap.Context}
	a.decisions++
	if a.eng.Decide(&in) != authz.Allowed {
		return nil, false
	}
	return a.eng.Evaluate(&in, false).MatchedStatements, true
}
