package awstest

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

// maxPolicies is Identity Center's limit of managed and customer
// managed policies attached to one permission set together.
const maxPolicies = 20

func (s *Server) policyCount(req *Request, arn string) int {
	var mp ssoadmin.ListManagedPoliciesInPermissionSetOutput
	var cm ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput
	s.ssoGet(req, "ListManagedPoliciesInPermissionSet", arn, &mp)
	s.ssoGet(req, "ListCustomerManagedPolicyReferencesInPermissionSet", arn, &cm)
	return len(mp.AttachedManagedPolicies) + len(cm.CustomerManagedPolicyReferences)
}

func (s *Server) managedPolicy(attach bool) func(*Request, *ssoInput) (any, error) {
	return func(req *Request, in *ssoInput) (any, error) {
		if _, err := s.permissionSet(req, in); err != nil {
			return nil, err
		}
		if !strings.Contains(in.ManagedPolicyArn, ":iam::aws:policy/") {
			return nil, Errorf("ValidationException", "ManagedPolicyArn %s is not an AWS managed policy", in.ManagedPolicyArn)
		}
		var mp ssoadmin.ListManagedPoliciesInPermissionSetOutput
		s.ssoGet(req, "ListManagedPoliciesInPermissionSet", in.PermissionSetArn, &mp)
		i := slices.IndexFunc(mp.AttachedManagedPolicies, func(p ssotypes.AttachedManagedPolicy) bool { return aws.ToString(p.Arn) == in.ManagedPolicyArn })
		switch {
		case attach && i >= 0:
			return nil, Errorf("ConflictException", "Permission set already has managed policy %s attached", in.ManagedPolicyArn)
		case attach && s.policyCount(req, in.PermissionSetArn) >= maxPolicies:
			return nil, Errorf("ServiceQuotaExceededException", "a permission set has at most %d managed policies", maxPolicies)
		case attach:
			name := in.ManagedPolicyArn[strings.LastIndexByte(in.ManagedPolicyArn, '/')+1:]
			mp.AttachedManagedPolicies = append(mp.AttachedManagedPolicies, ssotypes.AttachedManagedPolicy{Arn: aws.String(in.ManagedPolicyArn), Name: aws.String(name)})
		case i < 0:
			return nil, Errorf("ResourceNotFoundException", "Managed policy %s is not attached to the permission set", in.ManagedPolicyArn)
		default:
			mp.AttachedManagedPolicies = slices.Delete(mp.AttachedManagedPolicies, i, i+1)
		}
		if err := s.ssoSet(req, "ListManagedPoliciesInPermissionSet", in.PermissionSetArn, &mp); err != nil {
			return nil, err
		}
		if attach {
			return &ssoadmin.AttachManagedPolicyToPermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
		}
		return &ssoadmin.DetachManagedPolicyFromPermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
	}
}

func refPath(r *ssotypes.CustomerManagedPolicyReference) string {
	if p := aws.ToString(r.Path); p != "" {
		return p + aws.ToString(r.Name)
	}
	return "/" + aws.ToString(r.Name)
}

func (s *Server) customerPolicy(attach bool) func(*Request, *ssoInput) (any, error) {
	return func(req *Request, in *ssoInput) (any, error) {
		if _, err := s.permissionSet(req, in); err != nil {
			return nil, err
		}
		ref := in.CustomerManagedPolicyReference
		if ref == nil || aws.ToString(ref.Name) == "" {
			return nil, Errorf("ValidationException", "CustomerManagedPolicyReference.Name is required")
		}
		if ref.Path == nil {
			ref.Path = aws.String("/")
		}
		var cm ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput
		s.ssoGet(req, "ListCustomerManagedPolicyReferencesInPermissionSet", in.PermissionSetArn, &cm)
		i := slices.IndexFunc(cm.CustomerManagedPolicyReferences, func(r ssotypes.CustomerManagedPolicyReference) bool { return refPath(&r) == refPath(ref) })
		switch {
		case attach && i >= 0:
			return nil, Errorf("ConflictException", "Permission set already has customer managed policy %s attached", refPath(ref))
		case attach && s.policyCount(req, in.PermissionSetArn) >= maxPolicies:
			return nil, Errorf("ServiceQuotaExceededException", "a permission set has at most %d managed policies", maxPolicies)
		case attach:
			cm.CustomerManagedPolicyReferences = append(cm.CustomerManagedPolicyReferences, *ref)
		case i < 0:
			return nil, Errorf("ResourceNotFoundException", "Customer managed policy %s is not attached to the permission set", refPath(ref))
		default:
			cm.CustomerManagedPolicyReferences = slices.Delete(cm.CustomerManagedPolicyReferences, i, i+1)
		}
		if err := s.ssoSet(req, "ListCustomerManagedPolicyReferencesInPermissionSet", in.PermissionSetArn, &cm); err != nil {
			return nil, err
		}
		if attach {
			return &ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
		}
		return &ssoadmin.DetachCustomerManagedPolicyReferenceFromPermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
	}
}

func (s *Server) inlinePolicy(put bool) func(*Request, *ssoInput) (any, error) {
	return func(req *Request, in *ssoInput) (any, error) {
		if _, err := s.permissionSet(req, in); err != nil {
			return nil, err
		}
		doc := ""
		if put {
			var v map[string]any
			if err := json.Unmarshal([]byte(in.InlinePolicy), &v); err != nil {
				return nil, Errorf("ValidationException", "InlinePolicy is not a JSON policy document: %v", err)
			}
			doc = in.InlinePolicy
		}
		out := &ssoadmin.GetInlinePolicyForPermissionSetOutput{}
		if doc != "" {
			out.InlinePolicy = aws.String(doc)
		}
		if err := s.ssoSet(req, "GetInlinePolicyForPermissionSet", in.PermissionSetArn, out); err != nil {
			return nil, err
		}
		if put {
			return &ssoadmin.PutInlinePolicyToPermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
		}
		return &ssoadmin.DeleteInlinePolicyFromPermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
	}
}

func (s *Server) boundary(put bool) func(*Request, *ssoInput) (any, error) {
	return func(req *Request, in *ssoInput) (any, error) {
		if _, err := s.permissionSet(req, in); err != nil {
			return nil, err
		}
		if !put {
			s.SetError(req.Account(), req.Region, ssoFile, "GetPermissionsBoundaryForPermissionSet", in.PermissionSetArn, "ResourceNotFoundException")
			return &ssoadmin.DeletePermissionsBoundaryFromPermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
		}
		b := in.PermissionsBoundary
		if b == nil || (b.ManagedPolicyArn == nil) == (b.CustomerManagedPolicyReference == nil) {
			return nil, Errorf("ValidationException", "PermissionsBoundary needs exactly one of ManagedPolicyArn and CustomerManagedPolicyReference")
		}
		if r := b.CustomerManagedPolicyReference; r != nil && r.Path == nil {
			r.Path = aws.String("/")
		}
		if err := s.ssoSet(req, "GetPermissionsBoundaryForPermissionSet", in.PermissionSetArn, &ssoadmin.GetPermissionsBoundaryForPermissionSetOutput{PermissionsBoundary: b}); err != nil {
			return nil, err
		}
		return &ssoadmin.PutPermissionsBoundaryToPermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
	}
}

func (s *Server) ssoTags(tag bool) func(*Request, *ssoInput) (any, error) {
	return func(req *Request, in *ssoInput) (any, error) {
		if _, err := s.permissionSet(req, &ssoInput{InstanceArn: in.InstanceArn, PermissionSetArn: in.ResourceArn}); err != nil {
			return nil, err
		}
		var t ssoadmin.ListTagsForResourceOutput
		s.ssoGet(req, "ListTagsForResource", in.ResourceArn, &t)
		drop := in.TagKeys
		for _, nt := range in.Tags {
			drop = append(drop, aws.ToString(nt.Key))
		}
		t.Tags = slices.DeleteFunc(t.Tags, func(x ssotypes.Tag) bool { return slices.Contains(drop, aws.ToString(x.Key)) })
		if tag {
			t.Tags = append(t.Tags, in.Tags...)
		}
		if len(t.Tags) > 50 {
			return nil, Errorf("ServiceQuotaExceededException", "a permission set has at most 50 tags")
		}
		if err := s.ssoSet(req, "ListTagsForResource", in.ResourceArn, &t); err != nil {
			return nil, err
		}
		if tag {
			return &ssoadmin.TagResourceOutput{}, nil
		}
		return &ssoadmin.UntagResourceOutput{}, nil
	}
}
