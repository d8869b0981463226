package access

import (
	"fmt"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// S3 access point resource types, spelled as IAM Access Analyzer spells
// them.
const (
	TypeS3AccessPoint            = "AWS::S3::AccessPoint"
	TypeS3MultiRegionAccessPoint = "AWS::S3::MultiRegionAccessPoint"
)

// AccessPoint is what the analysis needs of an S3 access point (or a
// multi-region access point) besides its policy: the buckets requests
// through it reach, and where it can be reached from.
type AccessPoint struct {
	Name        string
	MultiRegion bool
	// Buckets is the access point's bucket; a multi-region access point
	// routes each request to one of several.
	Buckets []APBucket
	// NetworkOrigin is Internet or VPC; a VPC access point accepts
	// requests from that one VPC only.
	NetworkOrigin string
	VpcID         string
}

// APBucket is a bucket behind an access point.
type APBucket struct {
	Name, Account string
	// Resource is the bucket as the snapshot has it (its policy, block
	// public access and tags); nil when the bucket is not in the
	// snapshot (a bucket of an account outside the organization).
	Resource *Resource
	rcps     []authz.Level // the RCPs of the bucket's account
	mgmt     bool          // the bucket's account is the management account
}

// accessPointOutput is the part of GetAccessPoint the analysis reads.
type accessPointOutput struct {
	Name, Bucket, BucketAccountId, AccessPointArn *string
	NetworkOrigin                                 string
	VpcConfiguration                              *struct{ VpcId *string }
	PublicAccessBlockConfiguration                *pabFlags
}

type pabFlags struct {
	IgnorePublicAcls      *bool
	RestrictPublicBuckets *bool
}

func (p *pabFlags) restrict() bool {
	return p != nil && p.RestrictPublicBuckets != nil && *p.RestrictPublicBuckets
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
		if !ok {
			return fmt.Errorf("account %s region %s: access point %s has a policy but no GetAccessPoint answer (bucket unknown)", acct, region, name)
		}
		if ap.Bucket == nil || *ap.Bucket == "" {
			continue // an access point of another data source (an FSx file system)
		}
		arn := fmt.Sprintf("arn:%s:s3:%s:%s:accesspoint/%s", snap.Org.Partition(), region, acct, name)
		if ap.AccessPointArn != nil && *ap.AccessPointArn != "" {
			arn = *ap.AccessPointArn
		}
		b := APBucket{Name: *ap.Bucket, Account: acct}
		if ap.BucketAccountId != nil && *ap.BucketAccountId != "" {
			b.Account = *ap.BucketAccountId
		}
		info := &AccessPoint{Name: name, Buckets: []APBucket{b}, NetworkOrigin: ap.NetworkOrigin}
		if ap.VpcConfiguration != nil && ap.VpcConfiguration.VpcId != nil {
			info.VpcID = *ap.VpcConfiguration.VpcId
		}
		r := Resource{Type: TypeS3AccessPoint, ARN: arn, Region: region, Service: "s3", Layer: authz.LayerResource, AccessPoint: info,
			RestrictPublicBuckets: ap.PublicAccessBlockConfiguration.restrict() || acctRestrict}
		add(r, *pol.Policy)
	}
	return nil
}

// multiRegionAccessPoints adds the account's multi-region access points
// that have an established policy.
func multiRegionAccessPoints(snap *snapshot.Snapshot, acct string, acctRestrict bool, add func(Resource, string)) error {
	f := service(snap, acct, snapshot.Global, "s3control")
	if f == nil {
		return nil
	}
	var list struct {
		AccessPoints []struct {
			Name, Alias       *string
			PublicAccessBlock *pabFlags
			Regions           []struct{ Bucket, BucketAccountId *string }
		}
	}
	if _, err := f.Get("ListMultiRegionAccessPoints", &list); err != nil {
		return err
	}
	for _, m := range list.AccessPoints {
		if m.Name == nil || m.Alias == nil {
			continue
		}
		var pol struct {
			Policy *struct{ Established *struct{ Policy *string } }
		}
		if _, err := f.GetResource("GetMultiRegionAccessPointPolicy", *m.Name, &pol); err != nil {
			return err
		}
		if pol.Policy == nil || pol.Policy.Established == nil || pol.Policy.Established.Policy == nil {
			continue
		}
		info := &AccessPoint{Name: *m.Name, MultiRegion: true, NetworkOrigin: "Internet"}
		for _, r := range m.Regions {
			if r.Bucket == nil {
				continue
			}
			b := APBucket{Name: *r.Bucket, Account: acct}
			if r.BucketAccountId != nil && *r.BucketAccountId != "" {
				b.Account = *r.BucketAccountId
			}
			info.Buckets = append(info.Buckets, b)
		}
		arn := fmt.Sprintf("arn:%s:s3::%s:accesspoint/%s", snap.Org.Partition(), acct, *m.Alias)
		add(Resource{Type: TypeS3MultiRegionAccessPoint, ARN: arn, Region: snapshot.Global, Service: "s3", Layer: authz.LayerResource,
			AccessPoint: info, RestrictPublicBuckets: m.PublicAccessBlock.restrict() || acctRestrict}, *pol.Policy.Established.Policy)
	}
	return nil
}

// linkAccessPoints gives each access point its buckets (copies of the
// buckets' resources, policies included), from the buckets of every
// account of the snapshot.
func linkAccessPoints(out []Resource, known map[string]Resource) {
	for i := range out {
		ap := out[i].AccessPoint
		if ap == nil {
			continue
		}
		for j := range ap.Buckets {
			b := &ap.Buckets[j]
			if r, ok := known[b.Name]; ok && r.Account == b.Account {
				cp := r
				b.Resource = &cp
			}
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

// accessPointDocs returns the bucket policies and the bucket accounts'
// RCPs (their condition keys are probed too), and sets the keys S3 adds
// to a request made through an access point.
func (a *analyzer) accessPointDocs(fixed map[string][]string) []*policy.Document {
	return accessPointDocs(a.r, fixed)
}

func accessPointDocs(r *Resource, fixed map[string][]string) []*policy.Document {
	origin := r.AccessPoint.NetworkOrigin
	if origin == "" {
		origin = "Internet"
	}
	fixed["s3:DataAccessPointArn"] = []string{r.ARN}
	fixed["s3:DataAccessPointAccount"] = []string{r.Account}
	fixed["s3:AccessPointNetworkOrigin"] = []string{origin}
	bs := r.AccessPoint.Buckets
	if len(bs) == 1 && bs[0].Resource != nil {
		// The access point has no tags in the snapshot; the bucket's
		// stand for aws:ResourceTag.
		for k, v := range bs[0].Resource.Tags {
			if _, ok := fixed["aws:ResourceTag/"+k]; !ok {
				fixed["aws:ResourceTag/"+k] = []string{v}
			}
		}
	}
	var docs []*policy.Document
	for _, b := range bs {
		if b.Resource != nil && b.Resource.Policy.Policy != nil {
			docs = append(docs, b.Resource.Policy.Policy.Doc)
		}
		for _, l := range b.rcps {
			for _, p := range l.Policies {
				docs = append(docs, p.Policy.Doc)
			}
		}
	}
	return docs
}

// bucketDoc finds the policy of a bucket behind the access point by its
// policy id.
func (a *analyzer) bucketDoc(id string) *policy.Document {
	if a.r.AccessPoint == nil {
		return nil
	}
	for _, b := range a.r.AccessPoint.Buckets {
		if b.Resource != nil && b.Resource.Policy.Policy != nil && b.Resource.Policy.ID == id {
			return b.Resource.Policy.Policy.Doc
		}
	}
	return nil
}

// throughBucket decides the bucket side of a request the access point
// policy allows: S3 serves it only if the bucket's policy allows it too
// (for a caller of another account, as every probe is), under the
// bucket account's RCPs, with the same request context. A multi-region
// access point serves it if one of its buckets does. It returns the
// bucket statements that allow it. A bucket outside the snapshot is
// taken as allowing: its owner's policy is not known.
func (a *analyzer) throughBucket(ap *authz.Input) ([]authz.StatementRef, bool) {
	return throughBucket(a.eng, a.r, ap, &a.decisions)
}

// throughBucket asks the bucket side of ap, a request through the
// access point r: the same caller (identity policies, SCPs), action and
// context, on the bucket's ARN in the bucket's account. A bucket without
// a policy serves only its own account's callers.
func throughBucket(eng *authz.Engine, r *Resource, ap *authz.Input, decisions *int) ([]authz.StatementRef, bool) {
	for i := range r.AccessPoint.Buckets {
		b := &r.AccessPoint.Buckets[i]
		if b.Resource == nil {
			return nil, true
		}
		in := *ap
		in.Resource, in.ResourceAccount = bucketTarget(r.ARN, b.Name, ap.Resource), b.Account
		in.ResourcePolicy, in.RCPs, in.ResourceIsManagementAccount = nil, b.rcps, b.mgmt
		if b.Resource.Policy.Policy != nil {
			in.ResourcePolicy = &b.Resource.Policy
		} else if ap.Principal.Account != b.Account {
			continue // no bucket policy: nothing for another account
		}
		*decisions++
		if eng.Decide(&in) == authz.Allowed {
			return eng.Evaluate(&in, false).MatchedStatements, true
		}
	}
	return nil, false
}

// prepareAccessPoint gives an access point's buckets the RCPs of their
// accounts.
func prepareAccessPoint(o interface{ IsManagementAccount(string) bool }, ap *AccessPoint, levels func(string) ([]authz.Level, error)) error {
	for j := range ap.Buckets {
		b := &ap.Buckets[j]
		if b.Resource == nil {
			continue
		}
		var err error
		if b.rcps, err = levels(b.Account); err != nil {
			return err
		}
		b.mgmt = o.IsManagementAccount(b.Account)
	}
	return nil
}

// bucketsRestrict reports whether Block Public Access of the buckets
// behind an access point (bucket or bucket account level) stops public
// access through it: every bucket restricts.
func bucketsRestrict(ap *AccessPoint) bool {
	if len(ap.Buckets) == 0 {
		return false
	}
	for _, b := range ap.Buckets {
		if b.Resource == nil || !b.Resource.RestrictPublicBuckets {
			return false
		}
	}
	return true
}
