package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

// newRequest registers an asynchronous request; its first descriptions
// (ssoState.pending) answer IN_PROGRESS, later ones the final status, so
// clients must poll.
func (st *ssoState) newRequest(r *ssoRequest) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	id := fmt.Sprintf("%08x-0000-4000-8000-%012x", st.seq, time.Now().UnixNano()&0xffffffffffff)
	st.requests[id] = r
	return id
}

func (st *ssoState) describe(id, kind string) (*ssoRequest, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.requests[id]
	if r == nil || r.kind != kind {
		return nil, false
	}
	r.described++
	return r, r.described <= st.pending
}

func (s *Server) accountAssignment(create bool) func(*Request, *ssoInput) (any, error) {
	return func(req *Request, in *ssoInput) (any, error) {
		if _, err := s.permissionSet(req, in); err != nil {
			return nil, err
		}
		if in.TargetType != string(ssotypes.TargetTypeAwsAccount) {
			return nil, Errorf("ValidationException", "TargetType must be AWS_ACCOUNT")
		}
		if in.PrincipalType != string(ssotypes.PrincipalTypeUser) && in.PrincipalType != string(ssotypes.PrincipalTypeGroup) {
			return nil, Errorf("ValidationException", "PrincipalType must be USER or GROUP")
		}
		a := ssotypes.AccountAssignment{AccountId: aws.String(in.TargetId), PermissionSetArn: aws.String(in.PermissionSetArn),
			PrincipalId: aws.String(in.PrincipalId), PrincipalType: ssotypes.PrincipalType(in.PrincipalType)}
		status := ssotypes.AccountAssignmentOperationStatus{PermissionSetArn: a.PermissionSetArn, PrincipalId: a.PrincipalId,
			PrincipalType: a.PrincipalType, TargetId: a.AccountId, TargetType: ssotypes.TargetTypeAwsAccount,
			CreatedDate: aws.Time(time.Now().UTC().Truncate(time.Second)), Status: ssotypes.StatusValuesSucceeded}
		key := in.PermissionSetArn + "|" + in.TargetId
		var as ssoadmin.ListAccountAssignmentsOutput
		s.ssoGet(req, "ListAccountAssignments", key, &as)
		same := func(x ssotypes.AccountAssignment) bool {
			return aws.ToString(x.PrincipalId) == in.PrincipalId && x.PrincipalType == a.PrincipalType
		}
		kind := "delete"
		if create {
			kind = "create"
		}
		switch {
		case create && (s.Organization().Account(in.TargetId) == nil || !s.principalKnown(req, in)):
			status.Status, status.FailureReason = ssotypes.StatusValuesFailed, aws.String(fmt.Sprintf("target %s or principal %s %s does not exist", in.TargetId, in.PrincipalType, in.PrincipalId))
		case create:
			if !slices.ContainsFunc(as.AccountAssignments, same) {
				as.AccountAssignments = append(as.AccountAssignments, a)
			}
			if err := s.provision(req, in.PermissionSetArn, in.TargetId); err != nil {
				return nil, err
			}
		case !slices.ContainsFunc(as.AccountAssignments, same):
			return nil, Errorf("ResourceNotFoundException", "account assignment %s %s in %s does not exist", in.PrincipalType, in.PrincipalId, in.TargetId)
		default:
			as.AccountAssignments = slices.DeleteFunc(as.AccountAssignments, same)
		}
		if as.AccountAssignments == nil {
			as.AccountAssignments = []ssotypes.AccountAssignment{}
		}
		if err := s.ssoSet(req, "ListAccountAssignments", key, &as); err != nil {
			return nil, err
		}
		final := status
		status.Status, status.FailureReason = ssotypes.StatusValuesInProgress, nil
		status.RequestId = aws.String(s.sso.newRequest(&ssoRequest{kind: kind, assign: final}))
		if create {
			return &ssoadmin.CreateAccountAssignmentOutput{AccountAssignmentCreationStatus: &status}, nil
		}
		return &ssoadmin.DeleteAccountAssignmentOutput{AccountAssignmentDeletionStatus: &status}, nil
	}
}

// principalKnown reports whether a user or group id is in the instance's
// identity store; without a stored directory every id is accepted.
func (s *Server) principalKnown(req *Request, in *ssoInput) bool {
	var inst ssoadmin.ListInstancesOutput
	s.ssoGet(req, "ListInstances", "", &inst)
	for _, i := range inst.Instances {
		if aws.ToString(i.InstanceArn) != in.InstanceArn {
			continue
		}
		store := aws.ToString(i.IdentityStoreId)
		var out struct {
			Users  []struct{ UserId *string }
			Groups []struct{ GroupId *string }
		}
		op := "ListGroups"
		if in.PrincipalType == string(ssotypes.PrincipalTypeUser) {
			op = "ListUsers"
		}
		raw, _, found, _ := s.lookup(req.Account(), req.Region, "identitystore", op, store)
		if !found || json.Unmarshal(raw, &out) != nil {
			return true
		}
		for _, u := range out.Users {
			if aws.ToString(u.UserId) == in.PrincipalId {
				return true
			}
		}
		for _, g := range out.Groups {
			if aws.ToString(g.GroupId) == in.PrincipalId {
				return true
			}
		}
		return false
	}
	return false
}

// provision records the permission set provisioned (latest version) to
// an account.
func (s *Server) provision(req *Request, arn, account string) error {
	var prov ssoadmin.ListAccountsForProvisionedPermissionSetOutput
	s.ssoGet(req, "ListAccountsForProvisionedPermissionSet", arn, &prov)
	if !slices.Contains(prov.AccountIds, account) {
		prov.AccountIds = append(prov.AccountIds, account)
		if err := s.ssoSet(req, "ListAccountsForProvisionedPermissionSet", arn, &prov); err != nil {
			return err
		}
	}
	var old ssoadmin.ListAccountsForProvisionedPermissionSetOutput
	s.ssoGet(req, "ListAccountsForProvisionedPermissionSet", arn+"|outdated", &old)
	old.AccountIds = slices.DeleteFunc(old.AccountIds, func(a string) bool { return a == account })
	return s.ssoSet(req, "ListAccountsForProvisionedPermissionSet", arn+"|outdated", &old)
}

func (s *Server) describeAssignmentStatus(kind string) func(*Request, *ssoInput) (any, error) {
	return func(req *Request, in *ssoInput) (any, error) {
		if err := s.ssoInstance(req, in.InstanceArn); err != nil {
			return nil, err
		}
		id := in.AccountAssignmentCreationRequestId
		if kind == "delete" {
			id = in.AccountAssignmentDeletionRequestId
		}
		r, pending := s.sso.describe(id, kind)
		if r == nil {
			return nil, Errorf("ResourceNotFoundException", "request %s does not exist", id)
		}
		st := r.assign
		st.RequestId = aws.String(id)
		if pending {
			st.Status, st.FailureReason = ssotypes.StatusValuesInProgress, nil
		}
		if kind == "delete" {
			return &ssoadmin.DescribeAccountAssignmentDeletionStatusOutput{AccountAssignmentDeletionStatus: &st}, nil
		}
		return &ssoadmin.DescribeAccountAssignmentCreationStatusOutput{AccountAssignmentCreationStatus: &st}, nil
	}
}

func (s *Server) provisionPermissionSet(req *Request, in *ssoInput) (any, error) {
	if _, err := s.permissionSet(req, in); err != nil {
		return nil, err
	}
	var accounts []string
	switch in.TargetType {
	case string(ssotypes.ProvisionTargetTypeAwsAccount):
		if s.Organization().Account(in.TargetId) == nil {
			return nil, Errorf("ValidationException", "TargetId %s is not an account of the organization", in.TargetId)
		}
		accounts = []string{in.TargetId}
	case string(ssotypes.ProvisionTargetTypeAllProvisionedAccounts):
		var prov ssoadmin.ListAccountsForProvisionedPermissionSetOutput
		s.ssoGet(req, "ListAccountsForProvisionedPermissionSet", in.PermissionSetArn, &prov)
		accounts = prov.AccountIds
	default:
		return nil, Errorf("ValidationException", "TargetType must be AWS_ACCOUNT or ALL_PROVISIONED_ACCOUNTS")
	}
	for _, a := range accounts {
		if err := s.provision(req, in.PermissionSetArn, a); err != nil {
			return nil, err
		}
	}
	st := ssotypes.PermissionSetProvisioningStatus{PermissionSetArn: aws.String(in.PermissionSetArn), Status: ssotypes.StatusValuesSucceeded,
		CreatedDate: aws.Time(time.Now().UTC().Truncate(time.Second))}
	if in.TargetType == string(ssotypes.ProvisionTargetTypeAwsAccount) {
		st.AccountId = aws.String(in.TargetId)
	}
	final := st
	st.Status = ssotypes.StatusValuesInProgress
	st.RequestId = aws.String(s.sso.newRequest(&ssoRequest{kind: "provision", provision: final}))
	return &ssoadmin.ProvisionPermissionSetOutput{PermissionSetProvisioningStatus: &st}, nil
}

func (s *Server) describeProvisioning(req *Request, in *ssoInput) (any, error) {
	if err := s.ssoInstance(req, in.InstanceArn); err != nil {
		return nil, err
	}
	r, pending := s.sso.describe(in.ProvisionPermissionSetRequestId, "provision")
	if r == nil {
		return nil, Errorf("ResourceNotFoundException", "request %s does not exist", in.ProvisionPermissionSetRequestId)
	}
	st := r.provision
	st.RequestId = aws.String(in.ProvisionPermissionSetRequestId)
	if pending {
		st.Status = ssotypes.StatusValuesInProgress
	}
	return &ssoadmin.DescribePermissionSetProvisioningStatusOutput{PermissionSetProvisioningStatus: &st}, nil
}

// listProvisioned answers ListAccountsForProvisionedPermissionSet with
// its ProvisioningStatus filter: LATEST_PERMISSION_SET_NOT_PROVISIONED
// lists the accounts changed since the last provisioning,
// LATEST_PERMISSION_SET_PROVISIONED the others; no filter lists all.
func (s *Server) listProvisioned(ctx context.Context, req *Request) (any, error) {
	filter := req.Param("ProvisioningStatus")
	if filter == "" {
		return s.snapshotRead(ctx, req)
	}
	arn := req.Param("PermissionSetArn")
	var all, old ssoadmin.ListAccountsForProvisionedPermissionSetOutput
	s.ssoGet(req, "ListAccountsForProvisionedPermissionSet", arn, &all)
	s.ssoGet(req, "ListAccountsForProvisionedPermissionSet", arn+"|outdated", &old)
	out := &ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: []string{}}
	for _, a := range all.AccountIds {
		if slices.Contains(old.AccountIds, a) == (filter == string(ssotypes.ProvisioningStatusLatestPermissionSetNotProvisioned)) {
			out.AccountIds = append(out.AccountIds, a)
		}
	}
	return out, nil
}
