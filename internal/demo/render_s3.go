package demo

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// canonicalID is the account's S3 canonical user id (64 hex digits).
func canonicalID(a *acct) string {
	r := newRand(0xc0ffee, uint64(a.index))
	return randString(r, hexDigits, 64)
}

func renderS3(w *world, a *acct) *file {
	f := newFile(a, snapshot.Global, "s3")
	owner := &s3types.Owner{ID: aws.String(canonicalID(a))}
	bs := append([]*bucket(nil), a.buckets...)
	sort.Slice(bs, func(i, j int) bool { return bs[i].name < bs[j].name })
	list := s3.ListBucketsOutput{Owner: owner, Buckets: []s3types.Bucket{}}
	for _, b := range bs {
		list.Buckets = append(list.Buckets, s3types.Bucket{Name: aws.String(b.name), CreationDate: ptime(b.created),
			BucketRegion: aws.String(b.region), BucketArn: aws.String("arn:aws:s3:::" + b.name)})
		renderBucket(f, a, b, owner)
	}
	f.put("ListBuckets", list)
	return f
}

func renderBucket(f *file, a *acct, b *bucket, owner *s3types.Owner) {
	loc := s3types.BucketLocationConstraint(b.region)
	if b.region == "us-east-1" {
		loc = ""
	}
	f.res("GetBucketLocation", b.name, s3.GetBucketLocationOutput{LocationConstraint: loc})
	if b.policy == "" {
		f.SetResourceError("GetBucketPolicy", b.name, "NoSuchBucketPolicy")
		f.SetResourceError("GetBucketPolicyStatus", b.name, "NoSuchBucketPolicy")
	} else {
		f.res("GetBucketPolicy", b.name, s3.GetBucketPolicyOutput{Policy: aws.String(b.policy)})
		public := !b.pab && strings.Contains(b.policy, `"Sid":"PublicRead"`)
		f.res("GetBucketPolicyStatus", b.name, s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: aws.Bool(public)}})
	}
	f.res("GetBucketAcl", b.name, s3.GetBucketAclOutput{Owner: owner, Grants: []s3types.Grant{{
		Grantee:    &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: owner.ID},
		Permission: s3types.PermissionFullControl}}})
	rule := s3types.ServerSideEncryptionRule{BucketKeyEnabled: aws.Bool(b.kmsKey != ""),
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}
	if b.kmsKey != "" {
		rule.ApplyServerSideEncryptionByDefault = &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms,
			KMSMasterKeyID: aws.String(b.kmsKey)}
	}
	f.res("GetBucketEncryption", b.name, s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{rule}}})
	ver := s3types.BucketVersioningStatusEnabled
	if !b.versioning {
		ver = s3types.BucketVersioningStatusSuspended
	}
	mfaDelete := s3types.MFADeleteStatusEnabled
	if !b.versioning || b.noMFADelete {
		mfaDelete = s3types.MFADeleteStatusDisabled
	}
	f.res("GetBucketVersioning", b.name, s3.GetBucketVersioningOutput{Status: ver, MFADelete: mfaDelete})
	logging := s3.GetBucketLoggingOutput{}
	if b.logTarget != "" {
		logging.LoggingEnabled = &s3types.LoggingEnabled{TargetBucket: aws.String(b.logTarget), TargetPrefix: aws.String(b.name + "/")}
	}
	f.res("GetBucketLogging", b.name, logging)
	f.res("GetBucketOwnershipControls", b.name, s3.GetBucketOwnershipControlsOutput{OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}}})
	if b.pab {
		t := aws.Bool(true)
		f.res("GetPublicAccessBlock", b.name, s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}})
	} else {
		f.SetResourceError("GetPublicAccessBlock", b.name, "NoSuchPublicAccessBlockConfiguration")
	}
	if len(b.tags) == 0 {
		f.SetResourceError("GetBucketTagging", b.name, "NoSuchTagSet")
	} else {
		f.res("GetBucketTagging", b.name, s3.GetBucketTaggingOutput{TagSet: s3Tags(b.tags)})
	}
}

func s3Tags(t map[string]string) []s3types.Tag {
	keys := sortedKeys(t)
	out := make([]s3types.Tag, len(keys))
	for i, k := range keys {
		out[i] = s3types.Tag{Key: aws.String(k), Value: aws.String(t[k])}
	}
	return out
}

func sortedKeys(t map[string]string) []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func renderS3Control(w *world, a *acct) *file {
	f := newFile(a, snapshot.Global, "s3control")
	f.put("ListMultiRegionAccessPoints", s3control.ListMultiRegionAccessPointsOutput{AccessPoints: []s3ctypes.MultiRegionAccessPointReport{}})
	if a.noAccountPAB {
		f.SetError("GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration")
		return f
	}
	t := aws.Bool(true)
	f.put("GetPublicAccessBlock", s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{
		BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}})
	return f
}

// accessPointARN is an access point's ARN.
func accessPointARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:s3:%s:%s:accesspoint/%s", region, a.Id, name)
}

func renderS3AccessPoints(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "s3accesspoints")
	list := []s3ctypes.AccessPoint{}
	t := aws.Bool(true)
	for i, ap := range rr.apoints {
		arn := accessPointARN(a, rr.region, ap.name)
		alias := ap.name + "-" + randString(newRand(0xa11a5, uint64(a.index)<<8|uint64(i)), lowerAlnum, 26) + "-s3alias"
		origin := s3ctypes.NetworkOriginInternet
		var vpc *s3ctypes.VpcConfiguration
		if ap.vpcID != "" {
			origin, vpc = s3ctypes.NetworkOriginVpc, &s3ctypes.VpcConfiguration{VpcId: aws.String(ap.vpcID)}
		}
		list = append(list, s3ctypes.AccessPoint{Name: aws.String(ap.name), Bucket: aws.String(ap.bucket), NetworkOrigin: origin,
			VpcConfiguration: vpc, AccessPointArn: aws.String(arn), Alias: aws.String(alias), BucketAccountId: aws.String(a.Id)})
		f.res("GetAccessPoint", ap.name, s3control.GetAccessPointOutput{Name: aws.String(ap.name), Bucket: aws.String(ap.bucket),
			NetworkOrigin: origin, VpcConfiguration: vpc, AccessPointArn: aws.String(arn), Alias: aws.String(alias),
			BucketAccountId: aws.String(a.Id), CreationDate: ptime(ap.created),
			Endpoints: map[string]string{"ipv4": fmt.Sprintf("s3-accesspoint.%s.amazonaws.com", rr.region)},
			PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{
				BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}})
		if ap.policy == "" {
			f.SetResourceError("GetAccessPointPolicy", ap.name, "NoSuchAccessPointPolicy")
			f.SetResourceError("GetAccessPointPolicyStatus", ap.name, "NoSuchAccessPointPolicy")
			continue
		}
		f.res("GetAccessPointPolicy", ap.name, s3control.GetAccessPointPolicyOutput{Policy: aws.String(ap.policy)})
		f.res("GetAccessPointPolicyStatus", ap.name, s3control.GetAccessPointPolicyStatusOutput{
			PolicyStatus: &s3ctypes.PolicyStatus{IsPublic: false}})
	}
	f.put("ListAccessPoints", s3control.ListAccessPointsOutput{AccessPointList: list})
	return f
}
