package access

import (
	"fmt"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Resource types, spelled as IAM Access Analyzer spells them.
const (
	TypeS3Bucket = "AWS::S3::Bucket"
	TypeKMSKey   = "AWS::KMS::Key"
	TypeRole     = "AWS::IAM::Role"
	TypeLambda   = "AWS::Lambda::Function"
	TypeSQS      = "AWS::SQS::Queue"
	TypeSNS      = "AWS::SNS::Topic"
	TypeSecret   = "AWS::SecretsManager::Secret"
	TypeECR      = "AWS::ECR::Repository"
)

// Resource is one resource with a resource-based policy (or a role with
// its trust policy) found in a snapshot.
type Resource struct {
	Type    string
	ARN     string
	Account string
	Region  string
	// Service is the IAM service prefix of the resource (s3, kms, sts for
	// a role's trust policy, ...): the actions probed belong to it.
	Service string
	Layer   authz.Layer
	Policy  authz.Named
	// Tags are the resource's tags where the snapshot has them
	// (aws:ResourceTag/... in conditions).
	Tags map[string]string
	// S3 only: block public access in force (bucket or account level)
	// and the public grants of the bucket ACL.
	RestrictPublicBuckets bool
	IgnorePublicAcls      bool
	PublicACL             []string
	// ServiceLinked marks a service-linked role.
	ServiceLinked bool
	// AccessPoint is set for S3 access points: the bucket behind it and
	// its network origin.
	AccessPoint *AccessPoint
}

// Resources lists every resource policy and trust policy in the
// snapshot, sorted by account, type and ARN. A policy that does not
// parse is reported in errs, never dropped silently.
func Resources(src *orgsnap.Source) (out []Resource, errs []error) {
	snap := src.Snap
	known := map[string]Resource{} // buckets by name, with or without a policy
	for _, acct := range snap.Org.AccountIDs() {
		add := func(r Resource, doc string) {
			if strings.TrimSpace(doc) == "" {
				return
			}
			n, err := src.Compile(r.Type+" "+r.ARN, doc)
			if err != nil {
				errs = append(errs, fmt.Errorf("account %s %s %s: %w", acct, r.Type, r.ARN, err))
				return
			}
			n.ID = policyID(r)
			r.Policy, r.Account = n, acct
			out = append(out, r)
		}
		if err := roles(src, acct, add); err != nil {
			errs = append(errs, err)
		}
		addBucket := func(r Resource, doc string) {
			r.Account = acct
			n := len(out)
			add(r, doc)
			if len(out) > n {
				r = out[n]
			}
			known[strings.TrimPrefix(r.ARN, "arn:aws:s3:::")] = r
		}
		if err := buckets(snap, acct, addBucket); err != nil {
			errs = append(errs, err)
		}
		acctRestrict, err := accountRestricts(snap, acct)
		if err != nil {
			errs = append(errs, err)
		}
		if err := multiRegionAccessPoints(snap, acct, acctRestrict, add); err != nil {
			errs = append(errs, err)
		}
		for _, region := range snap.Regions(acct) {
			if region == snapshot.Global {
				continue
			}
			if err := accessPoints(snap, acct, region, acctRestrict, add); err != nil {
				errs = append(errs, err)
			}
			for _, fn := range []func(*snapshot.Snapshot, string, string, func(Resource, string)) error{keys, functions, queues, topics, secrets, repositories} {
				if err := fn(snap, acct, region, add); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	linkAccessPoints(out, known)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.ARN < b.ARN
	})
	return out, errs
}

// policyID names a resource's policy in results.
func policyID(r Resource) string {
	switch r.Type {
	case TypeRole:
		return "trust/" + r.ARN[strings.LastIndexByte(r.ARN, '/')+1:]
	case TypeS3Bucket:
		return "bucket/" + strings.TrimPrefix(r.ARN, "arn:aws:s3:::")
	case TypeKMSKey:
		return "key/" + r.ARN[strings.LastIndexByte(r.ARN, '/')+1:]
	case TypeS3AccessPoint:
		return "accesspoint/" + r.ARN[strings.LastIndexByte(r.ARN, '/')+1:]
	case TypeS3MultiRegionAccessPoint:
		if r.AccessPoint != nil {
			return "mrap/" + r.AccessPoint.Name
		}
	}
	return "policy/" + r.ARN[strings.LastIndexAny(r.ARN, ":/")+1:]
}

// service opens one service file; a service that was not collected
// yields nil without error.
func service(snap *snapshot.Snapshot, acct, region, name string) *snapshot.ServiceFile {
	f, err := snap.Service(acct, region, name)
	if err != nil {
		return nil
	}
	return f
}

func roles(src *orgsnap.Source, acct string, add func(Resource, string)) error {
	d, err := src.AuthDetails(acct)
	if err != nil {
		return err
	}
	for _, r := range d.RoleDetailList {
		if r.Arn == nil || r.AssumeRolePolicyDocument == nil {
			continue
		}
		slr := r.Path != nil && strings.HasPrefix(*r.Path, "/aws-service-role/")
		var tags map[string]string
		for _, t := range r.Tags {
			if t.Key != nil && t.Value != nil {
				if tags == nil {
					tags = map[string]string{}
				}
				tags[*t.Key] = *t.Value
			}
		}
		add(Resource{Type: TypeRole, ARN: *r.Arn, Region: snapshot.Global, Service: "sts", Layer: authz.LayerTrust, ServiceLinked: slr, Tags: tags}, *r.AssumeRolePolicyDocument)
	}
	return nil
}

type pabConfig struct {
	PublicAccessBlockConfiguration *struct {
		IgnorePublicAcls      *bool
		RestrictPublicBuckets *bool
	}
}

func (p *pabConfig) flags() (restrict, ignoreACL bool) {
	if c := p.PublicAccessBlockConfiguration; c != nil {
		return c.RestrictPublicBuckets != nil && *c.RestrictPublicBuckets, c.IgnorePublicAcls != nil && *c.IgnorePublicAcls
	}
	return false, false
}

func buckets(snap *snapshot.Snapshot, acct string, add func(Resource, string)) error {
	f := service(snap, acct, snapshot.Global, "s3")
	if f == nil {
		return nil
	}
	var acctRestrict, acctIgnore bool
	if c := service(snap, acct, snapshot.Global, "s3control"); c != nil {
		var p pabConfig
		if _, err := c.Get("GetPublicAccessBlock", &p); err != nil {
			return err
		}
		acctRestrict, acctIgnore = p.flags()
	}
	var list struct{ Buckets []struct{ Name *string } }
	if _, err := f.Get("ListBuckets", &list); err != nil {
		return err
	}
	for _, b := range list.Buckets {
		if b.Name == nil {
			continue
		}
		name := *b.Name
		r := Resource{Type: TypeS3Bucket, ARN: "arn:aws:s3:::" + name, Service: "s3", Layer: authz.LayerResource, Region: "us-east-1"}
		var loc struct{ LocationConstraint string }
		if ok, _ := f.GetResource("GetBucketLocation", name, &loc); ok && loc.LocationConstraint != "" {
			r.Region = loc.LocationConstraint
		}
		var p pabConfig
		if _, err := f.GetResource("GetPublicAccessBlock", name, &p); err != nil {
			return err
		}
		restrict, ignore := p.flags()
		r.RestrictPublicBuckets, r.IgnorePublicAcls = restrict || acctRestrict, ignore || acctIgnore
		r.Tags = bucketTags(f, name)
		r.PublicACL = publicACL(f, name)
		var pol struct{ Policy *string }
		if _, err := f.GetResource("GetBucketPolicy", name, &pol); err != nil {
			return err
		}
		doc := ""
		if pol.Policy != nil {
			doc = *pol.Policy
		}
		if doc == "" && len(r.PublicACL) > 0 {
			doc = `{"Version":"2012-10-17","Statement":[]}`
		}
		add(r, doc)
	}
	return nil
}

func bucketTags(f *snapshot.ServiceFile, name string) map[string]string {
	var t struct {
		TagSet []struct{ Key, Value *string }
	}
	if ok, _ := f.GetResource("GetBucketTagging", name, &t); !ok {
		return nil
	}
	m := map[string]string{}
	for _, kv := range t.TagSet {
		if kv.Key != nil && kv.Value != nil {
			m[*kv.Key] = *kv.Value
		}
	}
	return m
}

// publicACL returns the permissions a bucket ACL grants to everyone
// (AllUsers) or to any AWS account (AuthenticatedUsers).
func publicACL(f *snapshot.ServiceFile, name string) []string {
	var acl struct {
		Grants []struct {
			Grantee    *struct{ URI *string }
			Permission string
		}
	}
	if ok, _ := f.GetResource("GetBucketAcl", name, &acl); !ok {
		return nil
	}
	var out []string
	for _, g := range acl.Grants {
		if g.Grantee == nil || g.Grantee.URI == nil {
			continue
		}
		switch *g.Grantee.URI {
		case "http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers":
			out = append(out, g.Permission+" to "+(*g.Grantee.URI)[strings.LastIndexByte(*g.Grantee.URI, '/')+1:])
		}
	}
	return out
}

func keys(snap *snapshot.Snapshot, acct, region string, add func(Resource, string)) error {
	f := service(snap, acct, region, "kms")
	if f == nil {
		return nil
	}
	for _, id := range f.ResourceKeys("GetKeyPolicy") {
		var md struct {
			KeyMetadata *struct {
				Arn        *string
				KeyManager string
			}
		}
		if _, err := f.GetResource("DescribeKey", id, &md); err != nil {
			return err
		}
		arn := "arn:aws:kms:" + region + ":" + acct + ":key/" + id
		if md.KeyMetadata != nil {
			if md.KeyMetadata.KeyManager == "AWS" {
				continue
			}
			if md.KeyMetadata.Arn != nil {
				arn = *md.KeyMetadata.Arn
			}
		}
		var p struct{ Policy *string }
		if _, err := f.GetResource("GetKeyPolicy", id, &p); err != nil {
			return err
		}
		if p.Policy != nil {
			add(Resource{Type: TypeKMSKey, ARN: arn, Region: region, Service: "kms", Layer: authz.LayerKey}, *p.Policy)
		}
	}
	return nil
}

func functions(snap *snapshot.Snapshot, acct, region string, add func(Resource, string)) error {
	f := service(snap, acct, region, "lambda")
	if f == nil {
		return nil
	}
	for _, name := range f.ResourceKeys("GetPolicy") {
		var p struct{ Policy *string }
		if _, err := f.GetResource("GetPolicy", name, &p); err != nil {
			return err
		}
		if p.Policy == nil {
			continue
		}
		arn := name
		if !strings.HasPrefix(arn, "arn:") {
			arn = "arn:aws:lambda:" + region + ":" + acct + ":function:" + name
		}
		add(Resource{Type: TypeLambda, ARN: arn, Region: region, Service: "lambda", Layer: authz.LayerResource}, *p.Policy)
	}
	return nil
}

type attributes struct{ Attributes map[string]string }

func queues(snap *snapshot.Snapshot, acct, region string, add func(Resource, string)) error {
	f := service(snap, acct, region, "sqs")
	if f == nil {
		return nil
	}
	for _, url := range f.ResourceKeys("GetQueueAttributes") {
		var a attributes
		if _, err := f.GetResource("GetQueueAttributes", url, &a); err != nil {
			return err
		}
		arn := a.Attributes["QueueArn"]
		if arn == "" {
			arn = "arn:aws:sqs:" + region + ":" + acct + ":" + url[strings.LastIndexByte(url, '/')+1:]
		}
		add(Resource{Type: TypeSQS, ARN: arn, Region: region, Service: "sqs", Layer: authz.LayerResource}, a.Attributes["Policy"])
	}
	return nil
}

func topics(snap *snapshot.Snapshot, acct, region string, add func(Resource, string)) error {
	f := service(snap, acct, region, "sns")
	if f == nil {
		return nil
	}
	for _, arn := range f.ResourceKeys("GetTopicAttributes") {
		var a attributes
		if _, err := f.GetResource("GetTopicAttributes", arn, &a); err != nil {
			return err
		}
		add(Resource{Type: TypeSNS, ARN: arn, Region: region, Service: "sns", Layer: authz.LayerResource}, a.Attributes["Policy"])
	}
	return nil
}

func secrets(snap *snapshot.Snapshot, acct, region string, add func(Resource, string)) error {
	f := service(snap, acct, region, "secretsmanager")
	if f == nil {
		return nil
	}
	for _, arn := range f.ResourceKeys("GetResourcePolicy") {
		var p struct{ ResourcePolicy *string }
		if _, err := f.GetResource("GetResourcePolicy", arn, &p); err != nil {
			return err
		}
		if p.ResourcePolicy != nil {
			add(Resource{Type: TypeSecret, ARN: arn, Region: region, Service: "secretsmanager", Layer: authz.LayerResource}, *p.ResourcePolicy)
		}
	}
	return nil
}

// repositories adds the private ECR repositories that have a repository
// policy.
func repositories(snap *snapshot.Snapshot, acct, region string, add func(Resource, string)) error {
	f := service(snap, acct, region, "ecr")
	if f == nil {
		return nil
	}
	for _, name := range f.ResourceKeys("GetRepositoryPolicy") {
		var p struct{ PolicyText *string }
		if _, err := f.GetResource("GetRepositoryPolicy", name, &p); err != nil {
			return err
		}
		if p.PolicyText != nil {
			arn := fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", snap.Org.Partition(), region, acct, name)
			add(Resource{Type: TypeECR, ARN: arn, Region: region, Service: "ecr", Layer: authz.LayerResource}, *p.PolicyText)
		}
	}
	return nil
}
