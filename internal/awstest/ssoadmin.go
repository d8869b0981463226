package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

// The IAM Identity Center writes keep their state in the stored outputs
// of the reads collect makes (ListPermissionSets, DescribePermissionSet,
// ListAccountAssignments, ...), so a collect after a write sees it.
// Accounts whose permission set changed since it was last provisioned
// are kept under ListAccountsForProvisionedPermissionSet with the
// resource key "<permission set ARN>|outdated" and answered when the
// ProvisioningStatus filter asks for LATEST_PERMISSION_SET_NOT_PROVISIONED.

// ssoState remembers the asynchronous requests (assignment creation and
// deletion, provisioning) and how often each was described.
type ssoState struct {
	mu       sync.Mutex
	requests map[string]*ssoRequest
	seq      int
	// pending is how many descriptions of a request answer IN_PROGRESS
	// before its final status (Server.SetSSOPending).
	pending int
}

type ssoRequest struct {
	kind      string // create, delete, provision
	described int
	assign    ssotypes.AccountAssignmentOperationStatus
	provision ssotypes.PermissionSetProvisioningStatus
}

var permSetNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,32}$`)

func (s *Server) registerSSOAdminWrites() {
	s.sso = &ssoState{requests: map[string]*ssoRequest{}, pending: 1}
	reg := func(op string, h func(*Request, *ssoInput) (any, error)) {
		s.Register("ssoadmin", op, HandlerFunc(func(_ context.Context, req *Request) (any, error) {
			var in ssoInput
			if err := req.DecodeJSON(&in); err != nil {
				return nil, err
			}
			writeMu.Lock()
			defer writeMu.Unlock()
			return h(req, &in)
		}))
	}
	reg("CreatePermissionSet", s.createPermissionSet)
	reg("UpdatePermissionSet", s.updatePermissionSet)
	reg("DeletePermissionSet", s.deletePermissionSet)
	reg("AttachManagedPolicyToPermissionSet", s.managedPolicy(true))
	reg("DetachManagedPolicyFromPermissionSet", s.managedPolicy(false))
	reg("AttachCustomerManagedPolicyReferenceToPermissionSet", s.customerPolicy(true))
	reg("DetachCustomerManagedPolicyReferenceFromPermissionSet", s.customerPolicy(false))
	reg("PutInlinePolicyToPermissionSet", s.inlinePolicy(true))
	reg("DeleteInlinePolicyFromPermissionSet", s.inlinePolicy(false))
	reg("PutPermissionsBoundaryToPermissionSet", s.boundary(true))
	reg("DeletePermissionsBoundaryFromPermissionSet", s.boundary(false))
	reg("TagResource", s.ssoTags(true))
	reg("UntagResource", s.ssoTags(false))
	reg("CreateAccountAssignment", s.accountAssignment(true))
	reg("DeleteAccountAssignment", s.accountAssignment(false))
	reg("DescribeAccountAssignmentCreationStatus", s.describeAssignmentStatus("create"))
	reg("DescribeAccountAssignmentDeletionStatus", s.describeAssignmentStatus("delete"))
	reg("ProvisionPermissionSet", s.provisionPermissionSet)
	reg("DescribePermissionSetProvisioningStatus", s.describeProvisioning)
	s.Register("ssoadmin", "ListAccountsForProvisionedPermissionSet", HandlerFunc(s.listProvisioned))
}

// ssoInput holds the members of every SSO admin write orgrail makes.
type ssoInput struct {
	InstanceArn, PermissionSetArn, Name, Description, SessionDuration, RelayState string
	ManagedPolicyArn, InlinePolicy, ResourceArn                                   string
	TargetId, TargetType, PrincipalType, PrincipalId                              string
	AccountAssignmentCreationRequestId, AccountAssignmentDeletionRequestId        string
	ProvisionPermissionSetRequestId                                               string
	CustomerManagedPolicyReference                                                *ssotypes.CustomerManagedPolicyReference
	PermissionsBoundary                                                           *ssotypes.PermissionsBoundary
	Tags                                                                          []ssotypes.Tag
	TagKeys                                                                       []string
}

const ssoFile = "ssoadmin"

// ssoInstance checks that the instance exists in the caller's account
// and region.
func (s *Server) ssoInstance(req *Request, arn string) error {
	var out ssoadmin.ListInstancesOutput
	raw, _, _, _ := s.lookup(req.Account(), req.Region, ssoFile, "ListInstances", "")
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out)
	}
	for _, in := range out.Instances {
		if aws.ToString(in.InstanceArn) == arn {
			return nil
		}
	}
	return Errorf("ResourceNotFoundException", "Instance %s does not exist", arn)
}

// permissionSet returns the stored description of a permission set of
// the instance, or ResourceNotFoundException.
func (s *Server) permissionSet(req *Request, in *ssoInput) (*ssotypes.PermissionSet, error) {
	if err := s.ssoInstance(req, in.InstanceArn); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(in.PermissionSetArn, strings.Replace(in.InstanceArn, ":instance/", ":permissionSet/", 1)+"/") {
		return nil, Errorf("ResourceNotFoundException", "PermissionSet %s does not exist in instance %s", in.PermissionSetArn, in.InstanceArn)
	}
	var d ssoadmin.DescribePermissionSetOutput
	raw, code, found, _ := s.lookup(req.Account(), req.Region, ssoFile, "DescribePermissionSet", in.PermissionSetArn)
	if !found || code != "" || len(raw) == 0 {
		return nil, Errorf("ResourceNotFoundException", "PermissionSet %s does not exist", in.PermissionSetArn)
	}
	if err := json.Unmarshal(raw, &d); err != nil || d.PermissionSet == nil {
		return nil, Errorf("ResourceNotFoundException", "PermissionSet %s does not exist", in.PermissionSetArn)
	}
	return d.PermissionSet, nil
}

func (s *Server) ssoSet(req *Request, op, res string, v any) error {
	return s.SetOutput(req.Account(), req.Region, ssoFile, op, res, v)
}

func (s *Server) ssoGet(req *Request, op, res string, v any) {
	raw, code, _, _ := s.lookup(req.Account(), req.Region, ssoFile, op, res)
	if code == "" && len(raw) > 0 {
		_ = json.Unmarshal(raw, v)
	}
}

func (s *Server) createPermissionSet(req *Request, in *ssoInput) (any, error) {
	if err := s.ssoInstance(req, in.InstanceArn); err != nil {
		return nil, err
	}
	if !permSetNameRe.MatchString(in.Name) {
		return nil, Errorf("ValidationException", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", in.Name)
	}
	if err := checkSession(in.SessionDuration); err != nil {
		return nil, err
	}
	var sets ssoadmin.ListPermissionSetsOutput
	s.ssoGet(req, "ListPermissionSets", in.InstanceArn, &sets)
	for _, arn := range sets.PermissionSets {
		var d ssoadmin.DescribePermissionSetOutput
		s.ssoGet(req, "DescribePermissionSet", arn, &d)
		if d.PermissionSet != nil && aws.ToString(d.PermissionSet.Name) == in.Name {
			return nil, Errorf("ConflictException", "PermissionSet with name %s already exists", in.Name)
		}
	}
	id := strings.ToLower(newKeyID("ps-"))[:19]
	arn := strings.Replace(in.InstanceArn, ":instance/", ":permissionSet/", 1) + "/" + id
	ps := &ssotypes.PermissionSet{Name: aws.String(in.Name), PermissionSetArn: aws.String(arn), CreatedDate: aws.Time(time.Now().UTC().Truncate(time.Second)),
		SessionDuration: aws.String(orDefault(in.SessionDuration, "PT1H"))}
	if in.Description != "" {
		ps.Description = aws.String(in.Description)
	}
	if in.RelayState != "" {
		ps.RelayState = aws.String(in.RelayState)
	}
	sets.PermissionSets = append(sets.PermissionSets, arn)
	for _, err := range []error{
		s.ssoSet(req, "ListPermissionSets", in.InstanceArn, &sets),
		s.ssoSet(req, "DescribePermissionSet", arn, &ssoadmin.DescribePermissionSetOutput{PermissionSet: ps}),
		s.ssoSet(req, "GetInlinePolicyForPermissionSet", arn, &ssoadmin.GetInlinePolicyForPermissionSetOutput{}),
		s.ssoSet(req, "ListManagedPoliciesInPermissionSet", arn, &ssoadmin.ListManagedPoliciesInPermissionSetOutput{AttachedManagedPolicies: []ssotypes.AttachedManagedPolicy{}}),
		s.ssoSet(req, "ListCustomerManagedPolicyReferencesInPermissionSet", arn, &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput{CustomerManagedPolicyReferences: []ssotypes.CustomerManagedPolicyReference{}}),
		s.ssoSet(req, "ListTagsForResource", arn, &ssoadmin.ListTagsForResourceOutput{Tags: in.Tags}),
		s.ssoSet(req, "ListAccountsForProvisionedPermissionSet", arn, &ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: []string{}}),
	} {
		if err != nil {
			return nil, err
		}
	}
	s.SetError(req.Account(), req.Region, ssoFile, "GetPermissionsBoundaryForPermissionSet", arn, "ResourceNotFoundException")
	return &ssoadmin.CreatePermissionSetOutput{PermissionSet: ps}, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// checkSession applies AWS's limit on SessionDuration: an ISO 8601
// duration from 1 to 12 hours.
func checkSession(d string) error {
	if d == "" {
		return nil
	}
	var h, m int
	rest := strings.TrimPrefix(d, "PT")
	if rest == d || rest == "" {
		return Errorf("ValidationException", "SessionDuration %q is not an ISO-8601 duration", d)
	}
	if i := strings.IndexByte(rest, 'H'); i >= 0 {
		fmt.Sscan(rest[:i], &h)
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, 'M'); i >= 0 {
		fmt.Sscan(rest[:i], &m)
		rest = rest[i+1:]
	}
	if total := h*60 + m; rest != "" || total < 60 || total > 720 {
		return Errorf("ValidationException", "SessionDuration %q must be between 1 and 12 hours", d)
	}
	return nil
}

func (s *Server) updatePermissionSet(req *Request, in *ssoInput) (any, error) {
	ps, err := s.permissionSet(req, in)
	if err != nil {
		return nil, err
	}
	if err := checkSession(in.SessionDuration); err != nil {
		return nil, err
	}
	if in.Description != "" {
		ps.Description = aws.String(in.Description)
	}
	if in.SessionDuration != "" {
		ps.SessionDuration = aws.String(in.SessionDuration)
	}
	if in.RelayState != "" {
		ps.RelayState = aws.String(in.RelayState)
	}
	if err := s.ssoSet(req, "DescribePermissionSet", in.PermissionSetArn, &ssoadmin.DescribePermissionSetOutput{PermissionSet: ps}); err != nil {
		return nil, err
	}
	return &ssoadmin.UpdatePermissionSetOutput{}, s.markOutdated(req, in.PermissionSetArn)
}

func (s *Server) deletePermissionSet(req *Request, in *ssoInput) (any, error) {
	if _, err := s.permissionSet(req, in); err != nil {
		return nil, err
	}
	var sets ssoadmin.ListPermissionSetsOutput
	s.ssoGet(req, "ListPermissionSets", in.InstanceArn, &sets)
	sets.PermissionSets = slices.DeleteFunc(sets.PermissionSets, func(a string) bool { return a == in.PermissionSetArn })
	if err := s.ssoSet(req, "ListPermissionSets", in.InstanceArn, &sets); err != nil {
		return nil, err
	}
	for _, op := range []string{"DescribePermissionSet", "GetInlinePolicyForPermissionSet", "ListManagedPoliciesInPermissionSet",
		"ListCustomerManagedPolicyReferencesInPermissionSet", "GetPermissionsBoundaryForPermissionSet", "ListTagsForResource", "ListAccountsForProvisionedPermissionSet"} {
		s.SetError(req.Account(), req.Region, ssoFile, op, in.PermissionSetArn, "ResourceNotFoundException")
	}
	return &ssoadmin.DeletePermissionSetOutput{}, nil
}

// markOutdated records that the accounts the permission set is
// provisioned to no longer have its latest version.
func (s *Server) markOutdated(req *Request, arn string) error {
	var prov ssoadmin.ListAccountsForProvisionedPermissionSetOutput
	s.ssoGet(req, "ListAccountsForProvisionedPermissionSet", arn, &prov)
	return s.ssoSet(req, "ListAccountsForProvisionedPermissionSet", arn+"|outdated", &ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: prov.AccountIds})
}

// SetSSOPending sets how many DescribeAccountAssignment*Status and
// DescribePermissionSetProvisioningStatus calls answer IN_PROGRESS
// before the final status (default 1; 0 makes the first description
// final, for tests whose client waits a second between polls). The
// write itself always answers IN_PROGRESS.
func (s *Server) SetSSOPending(n int) {
	s.sso.mu.Lock()
	defer s.sso.mu.Unlock()
	s.sso.pending = n
}
