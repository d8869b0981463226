package awstest

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// IAM reads derived from the account's GetAccountAuthorizationDetails:
// the roles, users, groups, managed policies and inline policies a
// collector stores are what ListRoles, GetRole, ListUsers, GetUser,
// ListGroups, GetGroup, ListGroupsForUser, ListPolicies, the
// ListAttached*Policies, List*Policies and Get*Policy calls, ListRoleTags,
// ListUserTags and ListInstanceProfiles answer, filtered by PathPrefix
// and paginated with Marker/MaxItems. A gap stored for the details
// (AccessDenied) answers every one of them.

func (s *Server) registerIAMReads() {
	for op, h := range map[string]HandlerFunc{
		"ListRoles": s.iamListRoles, "GetRole": s.iamGetRole, "ListUsers": s.iamListUsers, "GetUser": s.iamGetUser,
		"ListGroups": s.iamListGroups, "GetGroup": s.iamGetGroup, "ListGroupsForUser": s.iamListGroupsForUser,
		"ListPolicies": s.iamListPolicies, "ListAttachedRolePolicies": s.iamAttached, "ListAttachedUserPolicies": s.iamAttached,
		"ListAttachedGroupPolicies": s.iamAttached, "ListRolePolicies": s.iamInlineNames, "ListUserPolicies": s.iamInlineNames,
		"ListGroupPolicies": s.iamInlineNames, "GetRolePolicy": s.iamInline, "GetUserPolicy": s.iamInline, "GetGroupPolicy": s.iamInline,
		"ListRoleTags": s.iamTags, "ListUserTags": s.iamTags, "ListInstanceProfiles": s.iamInstanceProfiles,
	} {
		s.Register("iam", op, h)
	}
}

// iamDetails returns the caller's account authorization details.
func (s *Server) iamDetails(req *Request) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	raw, code, _, err := s.lookup(req.Account(), snapshot.Global, "iam", "GetAccountAuthorizationDetails", "")
	if err != nil {
		return nil, err
	}
	if code != "" {
		return nil, Errorf(code, "GetAccountAuthorizationDetails: %s", code)
	}
	d := &iam.GetAccountAuthorizationDetailsOutput{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func noSuchEntity(kind, name string) *APIError {
	return Errorf("NoSuchEntity", "The %s with name %s cannot be found.", kind, name)
}

// underPath applies a PathPrefix filter (default "/").
func underPath(req *Request, path *string) bool {
	p := aws.ToString(path)
	if p == "" {
		p = "/"
	}
	return strings.HasPrefix(p, req.Param("PathPrefix"))
}

func (s *Server) findRole(req *Request) (*iamtypes.RoleDetail, error) {
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	name := req.Param("RoleName")
	for i := range d.RoleDetailList {
		if aws.ToString(d.RoleDetailList[i].RoleName) == name {
			return &d.RoleDetailList[i], nil
		}
	}
	return nil, noSuchEntity("role", name)
}

func (s *Server) findUser(req *Request) (*iamtypes.UserDetail, error) {
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	name := req.Param("UserName")
	for i := range d.UserDetailList {
		if aws.ToString(d.UserDetailList[i].UserName) == name {
			return &d.UserDetailList[i], nil
		}
	}
	return nil, noSuchEntity("user", name)
}

func (s *Server) findGroup(req *Request) (*iamtypes.GroupDetail, error) {
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	name := req.Param("GroupName")
	for i := range d.GroupDetailList {
		if aws.ToString(d.GroupDetailList[i].GroupName) == name {
			return &d.GroupDetailList[i], nil
		}
	}
	return nil, noSuchEntity("group", name)
}

// roleOf is a role as GetRole answers it; ListRoles leaves out the
// permissions boundary, last use and tags, as IAM documents.
func roleOf(r *iamtypes.RoleDetail, full bool) iamtypes.Role {
	out := iamtypes.Role{Arn: r.Arn, CreateDate: r.CreateDate, Path: r.Path, RoleId: r.RoleId, RoleName: r.RoleName,
		AssumeRolePolicyDocument: r.AssumeRolePolicyDocument, MaxSessionDuration: aws.Int32(3600)}
	if full {
		out.PermissionsBoundary, out.RoleLastUsed, out.Tags = r.PermissionsBoundary, r.RoleLastUsed, r.Tags
	}
	return out
}

// userOf is a user as GetUser answers it; ListUsers leaves out the
// permissions boundary and tags.
func userOf(u *iamtypes.UserDetail, full bool) iamtypes.User {
	out := iamtypes.User{Arn: u.Arn, CreateDate: u.CreateDate, Path: u.Path, UserId: u.UserId, UserName: u.UserName}
	if full {
		out.PermissionsBoundary, out.Tags = u.PermissionsBoundary, u.Tags
	}
	return out
}

func groupOf(g *iamtypes.GroupDetail) iamtypes.Group {
	return iamtypes.Group{Arn: g.Arn, CreateDate: g.CreateDate, GroupId: g.GroupId, GroupName: g.GroupName, Path: g.Path}
}

func (s *Server) iamListRoles(_ context.Context, req *Request) (any, error) {
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	out := &iam.ListRolesOutput{Roles: []iamtypes.Role{}}
	for i := range d.RoleDetailList {
		if underPath(req, d.RoleDetailList[i].Path) {
			out.Roles = append(out.Roles, roleOf(&d.RoleDetailList[i], false))
		}
	}
	return s.paginate(req, out)
}

func (s *Server) iamGetRole(_ context.Context, req *Request) (any, error) {
	r, err := s.findRole(req)
	if err != nil {
		return nil, err
	}
	role := roleOf(r, true)
	return &iam.GetRoleOutput{Role: &role}, nil
}

func (s *Server) iamListUsers(_ context.Context, req *Request) (any, error) {
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	out := &iam.ListUsersOutput{Users: []iamtypes.User{}}
	for i := range d.UserDetailList {
		if underPath(req, d.UserDetailList[i].Path) {
			out.Users = append(out.Users, userOf(&d.UserDetailList[i], false))
		}
	}
	return s.paginate(req, out)
}

// iamGetUser answers GetUser: the named user, or without a name the
// calling user (the root user for root keys); a role session must name
// the user, as IAM requires.
func (s *Server) iamGetUser(_ context.Context, req *Request) (any, error) {
	if req.Param("UserName") == "" {
		c := req.Caller
		if c.RoleARN != "" {
			return nil, Errorf("ValidationError", "Must specify userName when calling with non-User credentials")
		}
		if strings.HasSuffix(c.ARN, ":root") {
			return &iam.GetUserOutput{User: &iamtypes.User{Arn: aws.String(c.ARN), UserId: aws.String(c.Account), Path: aws.String("/"), CreateDate: aws.Time(s.rootCreateDate(c.Account))}}, nil
		}
		req.Params["UserName"] = c.ARN[strings.LastIndex(c.ARN, "/")+1:]
	}
	u, err := s.findUser(req)
	if err != nil {
		return nil, err
	}
	user := userOf(u, true)
	return &iam.GetUserOutput{User: &user}, nil
}

func (s *Server) iamListGroups(_ context.Context, req *Request) (any, error) {
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	out := &iam.ListGroupsOutput{Groups: []iamtypes.Group{}}
	for i := range d.GroupDetailList {
		if underPath(req, d.GroupDetailList[i].Path) {
			out.Groups = append(out.Groups, groupOf(&d.GroupDetailList[i]))
		}
	}
	return s.paginate(req, out)
}

func (s *Server) iamGetGroup(_ context.Context, req *Request) (any, error) {
	g, err := s.findGroup(req)
	if err != nil {
		return nil, err
	}
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	grp := groupOf(g)
	out := &iam.GetGroupOutput{Group: &grp, Users: []iamtypes.User{}}
	for i := range d.UserDetailList {
		for _, name := range d.UserDetailList[i].GroupList {
			if name == aws.ToString(g.GroupName) {
				out.Users = append(out.Users, userOf(&d.UserDetailList[i], false))
			}
		}
	}
	return s.paginate(req, out)
}

func (s *Server) iamListGroupsForUser(_ context.Context, req *Request) (any, error) {
	u, err := s.findUser(req)
	if err != nil {
		return nil, err
	}
	d, err := s.iamDetails(req)
	if err != nil {
		return nil, err
	}
	out := &iam.ListGroupsForUserOutput{Groups: []iamtypes.Group{}}
	for _, name := range u.GroupList {
		for i := range d.GroupDetailList {
			if aws.ToString(d.GroupDetailList[i].GroupName) == name {
				out.Groups = append(out.Groups, groupOf(&d.GroupDetailList[i]))
			}
		}
	}
	return s.paginate(req, out)
}
