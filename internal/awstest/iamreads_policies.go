package awstest

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// rootCreateDate is the root user's creation date: the account's
// joining date when the organization knows it.
func (s *Server) rootCreateDate(account string) time.Time {
	if a := s.Organization().Account(account); a != nil && !a.JoinedTimestamp.IsZero() {
		return a.JoinedTimestamp
	}
	return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
}

// awsManagedPolicies returns the AWS-managed policies the snapshot holds
// (answers of GetPolicy stored for the "aws" account).
func (s *Server) awsManagedPolicies() []iamtypes.Policy {
	f, err := s.snap.Service(snapshot.AWSAccount, snapshot.Global, "iam")
	if err != nil {
		return nil
	}
	var out []iamtypes.Policy
	for _, raw := range f.PerResource["GetPolicy"] {
		var p iam.GetPolicyOutput
		if json.Unmarshal(raw, &p) == nil && p.Policy != nil {
			out = append(out, *p.Policy)
		}
	}
	sort.Slice(out, func(i, j int) bool { return aws.ToString(out[i].Arn) < aws.ToString(out[j].Arn) })
	return out
}

// attachmentCounts counts, per policy ARN, the account's attachments as
// permissions policy and as permissions boundary.
func attachmentCounts(d *iam.GetAccountAuthorizationDetailsOutput) (policy, boundary map[string]int32) {
	policy, boundary = map[string]int32{}, map[string]int32{}
	add := func(ps []iamtypes.AttachedPolicy, b *iamtypes.AttachedPermissionsBoundary) {
		for _, p := range ps {
			policy[aws.ToString(p.PolicyArn)]++
		}
		if b != nil {
			boundary[aws.ToString(b.PermissionsBoundaryArn)]++
		}
	}
	for _, r := range d.RoleDetailList {
		add(r.AttachedManagedPolicies, r.PermissionsBoundary)
	}
	for _, u := range d.UserDetailList {
		add(u.AttachedManagedPolicies, u.PermissionsBoundary)
	}
	for _, g := range d.GroupDetailList {
		add(g.AttachedManagedPolicies, nil)
	}
	return policy, boundary
}

// iamListPolicies answers ListPolicies with Scope (All, AWS, Local),
// OnlyAttached, PathPrefix and PolicyUsageFilter.
func (s *Server) iamListPolicies(_ context.Context, req *Request) (any, error) {
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	used, bounds := attachmentCounts(d)
	scope := req.Param("Scope")
	var all []iamtypes.Policy
	if scope != "AWS" {
		for _, p := range d.Policies {
			if p.PolicyName == nil {
				arn := aws.ToString(p.Arn)
				p.PolicyName = aws.String(arn[strings.LastIndex(arn, "/")+1:])
			}
			all = append(all, iamtypes.Policy{Arn: p.Arn, AttachmentCount: p.AttachmentCount, CreateDate: p.CreateDate, DefaultVersionId: p.DefaultVersionId,
				IsAttachable: p.IsAttachable, Path: p.Path, PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount, PolicyId: p.PolicyId,
				PolicyName: p.PolicyName, UpdateDate: p.UpdateDate})
		}
	}
	if scope != "Local" {
		for _, p := range s.awsManagedPolicies() {
			p.AttachmentCount = aws.Int32(used[aws.ToString(p.Arn)])
			p.PermissionsBoundaryUsageCount = aws.Int32(bounds[aws.ToString(p.Arn)])
			all = append(all, p)
		}
	}
	only := strings.EqualFold(req.Param("OnlyAttached"), "true")
	usage := req.Param("PolicyUsageFilter")
	out := &iam.ListPoliciesOutput{Policies: []iamtypes.Policy{}}
	for _, p := range all {
		if !underPath(req, p.Path) {
			continue
		}
		arn := aws.ToString(p.Arn)
		n := used[arn] + bounds[arn]
		switch usage {
		case "PermissionsPolicy":
			n = used[arn]
		case "PermissionsBoundary":
			n = bounds[arn]
		}
		if only && n == 0 {
			continue
		}
		out.Policies = append(out.Policies, p)
	}
	return s.paginate(req, out)
}

// principalPolicies returns the attached and inline policies of the
// role, user or group a List*/Get* policy call names.
func (s *Server) principalPolicies(req *Request) ([]iamtypes.AttachedPolicy, []iamtypes.PolicyDetail, string, error) {
	switch {
	case strings.Contains(req.Operation, "Role"):
		r, err := s.findRole(req)
		if err != nil {
			return nil, nil, "", err
		}
		return r.AttachedManagedPolicies, r.RolePolicyList, "role", nil
	case strings.Contains(req.Operation, "User"):
		u, err := s.findUser(req)
		if err != nil {
			return nil, nil, "", err
		}
		return u.AttachedManagedPolicies, u.UserPolicyList, "user", nil
	}
	g, err := s.findGroup(req)
	if err != nil {
		return nil, nil, "", err
	}
	return g.AttachedManagedPolicies, g.GroupPolicyList, "group", nil
}

// iamAttached answers ListAttachedRolePolicies, ListAttachedUserPolicies
// and ListAttachedGroupPolicies.
func (s *Server) iamAttached(_ context.Context, req *Request) (any, error) {
	attached, _, kind, err := s.principalPolicies(req)
	if err != nil {
		return nil, err
	}
	list := append([]iamtypes.AttachedPolicy{}, attached...)
	switch kind {
	case "role":
		return s.paginate(req, &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: list})
	case "user":
		return s.paginate(req, &iam.ListAttachedUserPoliciesOutput{AttachedPolicies: list})
	}
	return s.paginate(req, &iam.ListAttachedGroupPoliciesOutput{AttachedPolicies: list})
}

// iamInlineNames answers ListRolePolicies, ListUserPolicies and
// ListGroupPolicies.
func (s *Server) iamInlineNames(_ context.Context, req *Request) (any, error) {
	_, inline, kind, err := s.principalPolicies(req)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, p := range inline {
		names = append(names, aws.ToString(p.PolicyName))
	}
	switch kind {
	case "role":
		return s.paginate(req, &iam.ListRolePoliciesOutput{PolicyNames: names})
	case "user":
		return s.paginate(req, &iam.ListUserPoliciesOutput{PolicyNames: names})
	}
	return s.paginate(req, &iam.ListGroupPoliciesOutput{PolicyNames: names})
}

// iamInline answers GetRolePolicy, GetUserPolicy and GetGroupPolicy; the
// document is URL-encoded, as IAM returns it.
func (s *Server) iamInline(_ context.Context, req *Request) (any, error) {
	_, inline, kind, err := s.principalPolicies(req)
	if err != nil {
		return nil, err
	}
	name := req.Param("PolicyName")
	for _, p := range inline {
		if aws.ToString(p.PolicyName) != name {
			continue
		}
		switch kind {
		case "role":
			return &iam.GetRolePolicyOutput{RoleName: aws.String(req.Param("RoleName")), PolicyName: p.PolicyName, PolicyDocument: p.PolicyDocument}, nil
		case "user":
			return &iam.GetUserPolicyOutput{UserName: aws.String(req.Param("UserName")), PolicyName: p.PolicyName, PolicyDocument: p.PolicyDocument}, nil
		}
		return &iam.GetGroupPolicyOutput{GroupName: aws.String(req.Param("GroupName")), PolicyName: p.PolicyName, PolicyDocument: p.PolicyDocument}, nil
	}
	return nil, Errorf("NoSuchEntity", "The %s policy with name %s cannot be found.", kind, name)
}

// iamTags answers ListRoleTags and ListUserTags.
func (s *Server) iamTags(_ context.Context, req *Request) (any, error) {
	if req.Operation == "ListRoleTags" {
		r, err := s.findRole(req)
		if err != nil {
			return nil, err
		}
		return s.paginate(req, &iam.ListRoleTagsOutput{Tags: append([]iamtypes.Tag{}, r.Tags...)})
	}
	u, err := s.findUser(req)
	if err != nil {
		return nil, err
	}
	return s.paginate(req, &iam.ListUserTagsOutput{Tags: append([]iamtypes.Tag{}, u.Tags...)})
}

// iamInstanceProfiles answers ListInstanceProfiles from the profiles the
// roles list.
func (s *Server) iamInstanceProfiles(_ context.Context, req *Request) (any, error) {
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := &iam.ListInstanceProfilesOutput{InstanceProfiles: []iamtypes.InstanceProfile{}}
	for _, r := range d.RoleDetailList {
		for _, p := range r.InstanceProfileList {
			arn := aws.ToString(p.Arn)
			if !seen[arn] && underPath(req, p.Path) {
				seen[arn] = true
				out.InstanceProfiles = append(out.InstanceProfiles, p)
			}
		}
	}
	return s.paginate(req, out)
}
