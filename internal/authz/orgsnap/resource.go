package orgsnap

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// resourcePolicy adds the resource's own policy when the snapshot has
// it: an S3 bucket policy, a role's trust policy, a KMS key policy.
func (s *Source) resourcePolicy(in *authz.Input) error {
	arn, acct := in.Resource, in.ResourceAccount
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || acct == "" {
		return nil
	}
	switch parts[2] {
	case "s3":
		bucket, _, _ := strings.Cut(parts[5], "/")
		return s.bucketPolicy(in, acct, bucket)
	case "iam":
		if strings.HasPrefix(parts[5], "role/") {
			return s.trustPolicy(in, parts[5][strings.LastIndexByte(parts[5], '/')+1:])
		}
	case "kms":
		if strings.HasPrefix(parts[5], "key/") {
			return s.keyPolicy(in, acct, parts[3], strings.TrimPrefix(parts[5], "key/"))
		}
	}
	return nil
}

func (s *Source) bucketPolicy(in *authz.Input, acct, bucket string) error {
	if bucket == "" || bucket == "*" {
		return nil
	}
	f, err := s.Snap.Service(acct, snapshot.Global, "s3")
	if err != nil {
		return nil
	}
	var out s3.GetBucketPolicyOutput
	if ok, err := f.GetResource("GetBucketPolicy", bucket, &out); err != nil || !ok || out.Policy == nil {
		return err
	}
	n, err := s.compile("bucket/"+bucket, *out.Policy)
	if err != nil {
		return err
	}
	in.ResourcePolicy = &n
	return nil
}

func (s *Source) trustPolicy(in *authz.Input, role string) error {
	details, err := s.authDetails(in.ResourceAccount)
	if err != nil {
		return err
	}
	for _, r := range details.RoleDetailList {
		if deref(r.RoleName) == role && r.AssumeRolePolicyDocument != nil {
			n, err := s.compile("trust/"+role, *r.AssumeRolePolicyDocument)
			if err != nil {
				return err
			}
			in.ResourcePolicy = &n
		}
	}
	return nil
}

func (s *Source) keyPolicy(in *authz.Input, acct, region, keyID string) error {
	f, err := s.Snap.Service(acct, region, "kms")
	if err != nil {
		return nil
	}
	var out kms.GetKeyPolicyOutput
	ok, err := f.GetResource("GetKeyPolicy", keyID, &out)
	if !ok || err != nil || out.Policy == nil {
		ok, err = f.GetResource("GetKeyPolicy", in.Resource, &out)
	}
	if err != nil || !ok || out.Policy == nil {
		return err
	}
	n, err := s.compile("key/"+keyID, *out.Policy)
	if err != nil {
		return err
	}
	in.ResourcePolicy = &n
	return nil
}
