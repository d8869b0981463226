package awstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgrail/orgrail/internal/org"
)

// CreateAccountDelay is how long a CreateAccount request stays
// IN_PROGRESS before it succeeds.
const CreateAccountDelay = 50 * time.Millisecond

// orgState holds Organizations write state besides the organization.
type orgState struct {
	mu       sync.Mutex
	seq      int
	requests map[string]*createRequest
}

type createRequest struct {
	status  ot.CreateAccountStatus
	ready   time.Time
	account org.Account
	// role is the access role Organizations makes in the new account
	// (CreateAccount's RoleName, default OrganizationAccountAccessRole).
	role string
}

func newOrgState(*org.Organization) *orgState {
	return &orgState{requests: map[string]*createRequest{}}
}

func (st *orgState) next() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	return st.seq
}

// mutateOrg applies fn to a copy of the organization and swaps it in
// once it indexes cleanly (copy-on-write: readers are never blocked).
func (s *Server) mutateOrg(fn func(o *org.Organization) error) error {
	s.orgMu.Lock()
	defer s.orgMu.Unlock()
	b, err := json.Marshal(s.org)
	if err != nil {
		return err
	}
	var cp org.Organization
	if err := json.Unmarshal(b, &cp); err != nil {
		return err
	}
	if err := fn(&cp); err != nil {
		return err
	}
	if err := cp.Index(); err != nil {
		return Errorf("ConstraintViolationException", "%v", err)
	}
	s.org = &cp
	return nil
}

func (s *Server) orgWrite(op string, fn func(o *org.Organization, req *Request) (any, error)) {
	s.Register("organizations", op, HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		if req.Account() != s.ManagementAccount() {
			return nil, Errorf("AccessDeniedException", "You don't have permissions to access this resource.")
		}
		var out any
		err := s.mutateOrg(func(o *org.Organization) error {
			var err error
			out, err = fn(o, req)
			return err
		})
		if err == nil && op == "MoveAccount" {
			// Automatic deployment of the StackSets targeting the new OU.
			s.autoDeploy(req.Param("AccountId"))
		}
		return out, err
	}))
}

func (s *Server) registerOrgWrites() {
	s.orgWrite("CreateOrganizationalUnit", func(o *org.Organization, req *Request) (any, error) {
		parent := req.Param("ParentId")
		if o.Root(parent) == nil && o.OU(parent) == nil {
			return nil, parentNotFound(parent)
		}
		name := req.Param("Name")
		if err := checkOUName(o, parent, name); err != nil {
			return nil, err
		}
		if len(o.Path(parent)) > MaxOUDepth {
			return nil, Errorf("ConstraintViolationException", "You attempted to create an OU tree that is too many levels deep (OU_DEPTH_LIMIT_EXCEEDED).")
		}
		rootID := o.Path(parent)[0]
		id := fmt.Sprintf("ou-%s-%08x", rootID[2:], 0x10000000+s.orgState.next())
		u := org.OU{Id: id, Arn: fmt.Sprintf("arn:%s:organizations::%s:ou/%s/%s", o.Partition(), o.MasterAccountId, o.Id, id), Name: name, ParentId: parent,
			Tags: tagsParam(req)}
		o.OrganizationalUnits = append(o.OrganizationalUnits, u)
		attachFullAccess(o, id)
		uo := ouOut(&u)
		return &organizations.CreateOrganizationalUnitOutput{OrganizationalUnit: &uo}, nil
	})
	s.orgWrite("MoveAccount", func(o *org.Organization, req *Request) (any, error) {
		acct, src, dst := req.Param("AccountId"), req.Param("SourceParentId"), req.Param("DestinationParentId")
		for i := range o.Accounts {
			a := &o.Accounts[i]
			if a.Id != acct {
				continue
			}
			if a.ParentId != src {
				return nil, Errorf("SourceParentNotFoundException", "account %s is not under %s", acct, src)
			}
			if o.Root(dst) == nil && o.OU(dst) == nil {
				return nil, Errorf("DestinationParentNotFoundException", "We can't find the destination container %s.", dst)
			}
			if dst == src {
				return nil, Errorf("DuplicateAccountException", "That account is already present in the specified destination.")
			}
			a.ParentId = dst
			return &organizations.MoveAccountOutput{}, nil
		}
		return nil, Errorf("AccountNotFoundException", "We can't find an AWS account with the AccountId %s.", acct)
	})
	s.orgWrite("CreatePolicy", func(o *org.Organization, req *Request) (any, error) {
		typ := req.Param("Type")
		if err := checkNewPolicy(o, typ, req.Param("Name"), req.Param("Content")); err != nil {
			return nil, err
		}
		id := fmt.Sprintf("p-%08x", 0x10000000+s.orgState.next())
		p := org.Policy{Id: id, Name: req.Param("Name"), Description: req.Param("Description"), Type: typ, Content: req.Param("Content"), Targets: []string{},
			Arn: fmt.Sprintf("arn:%s:organizations::%s:policy/%s/%s/%s", o.Partition(), o.MasterAccountId, o.Id, lowerType(typ), id)}
		o.Policies = append(o.Policies, p)
		return &organizations.CreatePolicyOutput{Policy: &ot.Policy{PolicySummary: policySummary(&p), Content: aws.String(p.Content)}}, nil
	})
	attach := func(detach bool) func(o *org.Organization, req *Request) (any, error) {
		return func(o *org.Organization, req *Request) (any, error) {
			pid, target := req.Param("PolicyId"), req.Param("TargetId")
			if o.Path(target) == nil {
				return nil, Errorf("TargetNotFoundException", "We can't find a root, OU, or account with the TargetId %s.", target)
			}
			for i := range o.Policies {
				p := &o.Policies[i]
				if p.Id != pid {
					continue
				}
				has := contains(p.Targets, target)
				if err := checkAttachment(o, p, target, detach, has); err != nil {
					return nil, err
				}
				switch {
				case detach && !has:
					return nil, Errorf("PolicyNotAttachedException", "policy %s is not attached to %s", pid, target)
				case !detach && has:
					return nil, Errorf("DuplicatePolicyAttachmentException", "policy %s is already attached to %s", pid, target)
				case detach:
					var keep []string
					for _, t := range p.Targets {
						if t != target {
							keep = append(keep, t)
						}
					}
					p.Targets = keep
					return &organizations.DetachPolicyOutput{}, nil
				}
				p.Targets = append(p.Targets, target)
				return &organizations.AttachPolicyOutput{}, nil
			}
			return nil, Errorf("PolicyNotFoundException", "We can't find a policy with the PolicyId %s.", pid)
		}
	}
	s.orgWrite("AttachPolicy", attach(false))
	s.orgWrite("DetachPolicy", attach(true))
	policyType := func(enable bool) func(o *org.Organization, req *Request) (any, error) {
		return func(o *org.Organization, req *Request) (any, error) {
			rootID, typ := req.Param("RootId"), req.Param("PolicyType")
			for i := range o.Roots {
				r := &o.Roots[i]
				if r.Id != rootID {
					continue
				}
				var kept []org.PolicyTypeSummary
				found := false
				for _, t := range r.PolicyTypes {
					if t.Type == typ {
						found = true
						if !enable {
							continue
						}
					}
					kept = append(kept, t)
				}
				if enable && found {
					return nil, Errorf("PolicyTypeAlreadyEnabledException", "policy type %s is already enabled", typ)
				}
				if !enable && !found {
					return nil, Errorf("PolicyTypeNotEnabledException", "policy type %s is not enabled", typ)
				}
				if enable {
					kept = append(kept, org.PolicyTypeSummary{Type: typ, Status: "ENABLED"})
				}
				r.PolicyTypes = kept
				policyTypeChanged(o, typ, enable)
				ro := rootOut(r)
				if enable {
					return &organizations.EnablePolicyTypeOutput{Root: &ro}, nil
				}
				return &organizations.DisablePolicyTypeOutput{Root: &ro}, nil
			}
			return nil, Errorf("RootNotFoundException", "We can't find a root with the RootId %s.", rootID)
		}
	}
	s.orgWrite("EnablePolicyType", policyType(true))
	s.orgWrite("DisablePolicyType", policyType(false))
	s.registerOrgWrites2()
	s.Register("organizations", "CreateAccount", HandlerFunc(s.createAccount))
	s.Register("organizations", "DescribeCreateAccountStatus", HandlerFunc(s.describeCreateAccountStatus))
}

func lowerType(t string) string {
	b := []byte(t)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func (s *Server) createAccount(_ context.Context, req *Request) (any, error) {
	o := s.Organization()
	if req.Account() != o.MasterAccountId {
		return nil, Errorf("AccessDeniedException", "You don't have permissions to access this resource.")
	}
	st := s.startCreateAccount(req.Param("AccountName"), req.Param("Email"), tagsParam(req), req.Param("RoleName"), "")
	return &organizations.CreateAccountOutput{CreateAccountStatus: &st}, nil
}

// startCreateAccount records a CreateAccount request that completes
// CreateAccountDelay later, when it is next described; parent, when
// set, is where the account lands (the root otherwise).
func (s *Server) startCreateAccount(name, email string, tags map[string]string, role, parent string) ot.CreateAccountStatus {
	o := s.Organization()
	n := s.orgState.next()
	id := fmt.Sprintf("car-%032x", n)
	acctID := fmt.Sprintf("9%011d", n)
	now := time.Now().UTC()
	if parent == "" {
		parent = o.Roots[0].Id
	}
	cr := &createRequest{ready: now.Add(CreateAccountDelay), status: ot.CreateAccountStatus{
		Id: aws.String(id), AccountName: aws.String(name), State: ot.CreateAccountStateInProgress,
		RequestedTimestamp: aws.Time(now),
	}, account: org.Account{Id: acctID, Name: name, Email: email, Status: org.StatusActive, Tags: tags,
		State: org.StatusActive, JoinedMethod: "CREATED", JoinedTimestamp: now, ParentId: parent,
		Arn: fmt.Sprintf("arn:%s:organizations::%s:account/%s/%s", o.Partition(), o.MasterAccountId, o.Id, acctID)},
		role: role}
	for _, a := range o.Accounts {
		if strings.EqualFold(a.Email, email) {
			// AWS accepts the request and fails it asynchronously.
			cr.status.State, cr.status.FailureReason = ot.CreateAccountStateFailed, ot.CreateAccountFailureReasonEmailAlreadyExists
		}
	}
	s.orgState.mu.Lock()
	s.orgState.requests[id] = cr
	s.orgState.mu.Unlock()
	return cr.status
}

func (s *Server) describeCreateAccountStatus(_ context.Context, req *Request) (any, error) {
	st, err := s.settleCreate(req.Param("CreateAccountRequestId"))
	if err != nil {
		return nil, err
	}
	return &organizations.DescribeCreateAccountStatusOutput{CreateAccountStatus: &st}, nil
}

// settleCreate returns a CreateAccount request's status, completing it
// (the account joins the organization, seeded, with the services'
// auto-enable and StackSets' automatic deployment) once its time came.
func (s *Server) settleCreate(id string) (ot.CreateAccountStatus, error) {
	s.orgState.mu.Lock()
	cr := s.orgState.requests[id]
	s.orgState.mu.Unlock()
	if cr == nil {
		return ot.CreateAccountStatus{}, Errorf("CreateAccountStatusNotFoundException", "We can't find a create account request with the CreateAccountRequestId %s.", id)
	}
	s.orgState.mu.Lock()
	complete := cr.status.State == ot.CreateAccountStateInProgress && time.Now().After(cr.ready)
	if complete {
		cr.status.State = ot.CreateAccountStateSucceeded
		cr.status.AccountId = aws.String(cr.account.Id)
		cr.status.CompletedTimestamp = aws.Time(time.Now().UTC())
	}
	st := cr.status
	s.orgState.mu.Unlock()
	if complete {
		if err := s.seedNewAccount(cr.account.Id, cr.role); err != nil {
			return st, err
		}
		if err := s.mutateOrg(func(o *org.Organization) error {
			o.Accounts = append(o.Accounts, cr.account)
			attachFullAccess(o, cr.account.Id)
			return nil
		}); err != nil {
			return st, err
		}
		if err := s.autoEnableMember(cr.account.Id); err != nil {
			return st, err
		}
		s.autoDeploy(cr.account.Id)
	}
	return st, nil
}

// Organizations quotas and rules the local AWS enforces, as the AWS
// Organizations User Guide ("Quotas for AWS Organizations", "Service
// control policies", "Resource control policies") states them.
const (
	// MaxOUDepth is how deep OUs nest below the root.
	MaxOUDepth = 5
	// MaxControlPolicies is how many SCPs (or RCPs) attach directly to
	// one root, OU or account, FullAWSAccess included.
	MaxControlPolicies = 5
	// MaxControlPolicySize is the size of an SCP or RCP document in
	// characters.
	MaxControlPolicySize = 5120
)

// maxPolicySize is "Maximum size of a policy document" of the AWS
// Organizations User Guide's quotas page, in characters, by type.
var maxPolicySize = map[string]int{
	org.SCP: MaxControlPolicySize, org.RCP: MaxControlPolicySize, org.DeclarativePolicyEC2: 10000, org.BackupPolicy: 10000,
	org.ChatbotPolicy: 10000, org.AIOptOutPolicy: 2500, org.TagPolicy: 10000, org.SecurityHubPolicy: 10000,
}

// tagsParam reads the Tags member of a request.
func tagsParam(req *Request) map[string]string {
	var in struct{ Tags []struct{ Key, Value string } }
	if req.DecodeJSON(&in) != nil || len(in.Tags) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, t := range in.Tags {
		out[t.Key] = t.Value
	}
	return out
}

// checkOUName refuses a second OU of the same name under one parent.
func checkOUName(o *org.Organization, parent, name string) error {
	if name == "" || len(name) > 128 {
		return Errorf("InvalidInputException", "You provided a value that does not match the required pattern (Name).")
	}
	for _, u := range o.OrganizationalUnits {
		if u.ParentId == parent && u.Name == name {
			return Errorf("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
		}
	}
	return nil
}

// checkNewPolicy applies CreatePolicy's validation: one name per type,
// a JSON document, and the SCP/RCP size limit.
func checkNewPolicy(o *org.Organization, typ, name, content string) error {
	if name == "" || len(name) > 128 {
		return Errorf("InvalidInputException", "You provided a value that does not match the required pattern (Name).")
	}
	for _, p := range o.Policies {
		if p.Type == typ && p.Name == name {
			return Errorf("DuplicatePolicyException", "A policy with the same name already exists.")
		}
	}
	return checkContent(typ, content)
}

func checkContent(typ, content string) error {
	var doc map[string]any
	if json.Unmarshal([]byte(content), &doc) != nil {
		return Errorf("MalformedPolicyDocumentException", "The provided policy document does not meet the requirements of the specified policy type.")
	}
	if max := maxPolicySize[typ]; max > 0 && len(compactJSON(content)) > max {
		return Errorf("ConstraintViolationException", "You attempted to create a policy that is larger than the maximum size (POLICY_CONTENT_LIMIT_EXCEEDED).")
	}
	return nil
}

func compactJSON(s string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(s)) != nil {
		return s
	}
	return b.String()
}

// typeEnabled reports whether a policy type is enabled on the root.
func typeEnabled(o *org.Organization, typ string) bool {
	for _, r := range o.Roots {
		for _, t := range r.PolicyTypes {
			if t.Type == typ && t.Status == "ENABLED" {
				return true
			}
		}
	}
	return false
}

// checkAttachment applies the attachment rules: the type must be enabled;
// at most MaxControlPolicies SCPs/RCPs per target; a target keeps at
// least one SCP; RCPFullAWSAccess cannot be detached.
func checkAttachment(o *org.Organization, p *org.Policy, target string, detach, has bool) error {
	if !typeEnabled(o, p.Type) {
		return Errorf("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	if p.Type != org.SCP && p.Type != org.RCP {
		return nil
	}
	n := 0
	for _, q := range o.Policies {
		if q.Type == p.Type && contains(q.Targets, target) {
			n++
		}
	}
	switch {
	case !detach && !has && n >= MaxControlPolicies:
		return Errorf("ConstraintViolationException", "You attempted to attach a policy to an entity that already has the maximum number of policies of that type (MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED).")
	case detach && has && p.Type == org.RCP && p.AwsManaged:
		return Errorf("ConstraintViolationException", "You cannot detach the RCPFullAWSAccess policy.")
	case detach && has && p.Type == org.SCP && n <= 1:
		return Errorf("ConstraintViolationException", "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of that type (MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED).")
	}
	return nil
}

// fullAccessPolicy returns the AWS managed full-access policy of an SCP
// or RCP type, creating it in o when missing.
func fullAccessPolicy(o *org.Organization, typ string) *org.Policy {
	for i := range o.Policies {
		if o.Policies[i].AwsManaged && o.Policies[i].Type == typ {
			return &o.Policies[i]
		}
	}
	var id, name, doc string
	switch typ {
	case org.SCP:
		id, name, doc = org.FullAWSAccessPolicyID, "FullAWSAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	case org.RCP:
		id, name, doc = org.FullAWSAccessRCPPolicy, "RCPFullAWSAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	default:
		return nil
	}
	o.Policies = append(o.Policies, org.Policy{Id: id, Name: name, Type: typ, AwsManaged: true, Content: doc, Targets: []string{},
		Arn: fmt.Sprintf("arn:%s:organizations::aws:policy/%s/%s", o.Partition(), lowerType(typ), id)})
	return &o.Policies[len(o.Policies)-1]
}

// policyTypeChanged does what AWS does when SCPs or RCPs are enabled
// (the full-access policy is attached to the root, every OU and every
// account) or disabled (every policy of the type is detached).
//
// The Organizations User Guide ("Disabling a policy type") says of every
// type: "When you disable a policy type, all policies of that type are
// automatically detached from all entities in the root. The policies
// are not deleted."
func policyTypeChanged(o *org.Organization, typ string, enabled bool) {
	if !enabled {
		for i := range o.Policies {
			if o.Policies[i].Type == typ {
				o.Policies[i].Targets = []string{}
			}
		}
		return
	}
	if typ != org.SCP && typ != org.RCP {
		return
	}
	p := fullAccessPolicy(o, typ)
	p.Targets = []string{}
	for _, r := range o.Roots {
		p.Targets = append(p.Targets, r.Id)
	}
	for _, u := range o.OrganizationalUnits {
		p.Targets = append(p.Targets, u.Id)
	}
	for _, a := range o.Accounts {
		p.Targets = append(p.Targets, a.Id)
	}
}

// attachFullAccess attaches the full-access policies of the enabled SCP
// and RCP types to a new OU or account, as AWS does.
func attachFullAccess(o *org.Organization, id string) {
	for _, typ := range []string{org.SCP, org.RCP} {
		if typeEnabled(o, typ) {
			p := fullAccessPolicy(o, typ)
			p.Targets = append(p.Targets, id)
		}
	}
}

// registerOrgWrites2 adds the write operations plan/apply use besides
// the ones above.
func (s *Server) registerOrgWrites2() {
	s.orgWrite("UpdatePolicy", func(o *org.Organization, req *Request) (any, error) {
		p := o.Policy(req.Param("PolicyId"))
		if p == nil {
			return nil, Errorf("PolicyNotFoundException", "We can't find a policy with the PolicyId %s.", req.Param("PolicyId"))
		}
		if p.AwsManaged {
			return nil, Errorf("PolicyChangesInProgressException", "You can't modify an AWS managed policy.")
		}
		if c := req.Param("Content"); c != "" {
			if err := checkContent(p.Type, c); err != nil {
				return nil, err
			}
			p.Content = c
		}
		if n := req.Param("Name"); n != "" {
			p.Name = n
		}
		var in struct{ Description *string }
		if req.DecodeJSON(&in) == nil && in.Description != nil {
			p.Description = *in.Description
		}
		return &organizations.UpdatePolicyOutput{Policy: &ot.Policy{PolicySummary: policySummary(p), Content: aws.String(p.Content)}}, nil
	})
	s.orgWrite("DeletePolicy", func(o *org.Organization, req *Request) (any, error) {
		id := req.Param("PolicyId")
		for i, p := range o.Policies {
			if p.Id != id {
				continue
			}
			if len(p.Targets) > 0 {
				return nil, Errorf("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
			}
			o.Policies = append(o.Policies[:i], o.Policies[i+1:]...)
			return &organizations.DeletePolicyOutput{}, nil
		}
		return nil, Errorf("PolicyNotFoundException", "We can't find a policy with the PolicyId %s.", id)
	})
	s.orgWrite("UpdateOrganizationalUnit", func(o *org.Organization, req *Request) (any, error) {
		u := o.OU(req.Param("OrganizationalUnitId"))
		if u == nil {
			return nil, Errorf("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId %s.", req.Param("OrganizationalUnitId"))
		}
		if n := req.Param("Name"); n != "" && n != u.Name {
			if err := checkOUName(o, u.ParentId, n); err != nil {
				return nil, err
			}
			u.Name = n
		}
		uo := ouOut(u)
		return &organizations.UpdateOrganizationalUnitOutput{OrganizationalUnit: &uo}, nil
	})
	s.orgWrite("DeleteOrganizationalUnit", s.deleteOU)
	s.orgWrite("TagResource", func(o *org.Organization, req *Request) (any, error) { return retag(o, req, false) })
	s.orgWrite("UntagResource", func(o *org.Organization, req *Request) (any, error) { return retag(o, req, true) })
	s.orgWrite("EnableAWSServiceAccess", func(o *org.Organization, req *Request) (any, error) {
		sp := req.Param("ServicePrincipal")
		for _, e := range o.EnabledServicePrincipals {
			if e.ServicePrincipal == sp {
				return &organizations.EnableAWSServiceAccessOutput{}, nil
			}
		}
		o.EnabledServicePrincipals = append(o.EnabledServicePrincipals, org.ServicePrincipal{ServicePrincipal: sp, DateEnabled: time.Now().UTC()})
		return &organizations.EnableAWSServiceAccessOutput{}, nil
	})
	s.orgWrite("RegisterDelegatedAdministrator", registerDelegated(true))
	s.orgWrite("DeregisterDelegatedAdministrator", registerDelegated(false))
	s.orgWrite("CloseAccount", func(o *org.Organization, req *Request) (any, error) {
		a := o.Account(req.Param("AccountId"))
		switch {
		case a == nil:
			return nil, Errorf("AccountNotFoundException", "We can't find an AWS account with the AccountId %s.", req.Param("AccountId"))
		case a.Id == o.MasterAccountId:
			return nil, Errorf("ConstraintViolationException", "You can't close the management account with this operation.")
		case a.Status != org.StatusActive:
			return nil, Errorf("AccountAlreadyClosedException", "You attempted to close an account that is already closed.")
		}
		a.Status, a.State = org.StatusPendingClosure, org.StatusPendingClosure
		return &organizations.CloseAccountOutput{}, nil
	})
	s.Register("organizations", "ListCreateAccountStatus", HandlerFunc(s.listCreateAccountStatus))
}

func (s *Server) deleteOU(o *org.Organization, req *Request) (any, error) {
	id := req.Param("OrganizationalUnitId")
	if o.OU(id) == nil {
		return nil, Errorf("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId %s.", id)
	}
	if len(o.Children(id)) > 0 {
		return nil, Errorf("OrganizationalUnitNotEmptyException", "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
	}
	for i, u := range o.OrganizationalUnits {
		if u.Id == id {
			o.OrganizationalUnits = append(o.OrganizationalUnits[:i], o.OrganizationalUnits[i+1:]...)
			break
		}
	}
	for i := range o.Policies {
		var keep []string
		for _, t := range o.Policies[i].Targets {
			if t != id {
				keep = append(keep, t)
			}
		}
		o.Policies[i].Targets = keep
	}
	return &organizations.DeleteOrganizationalUnitOutput{}, nil
}

// retag adds (or, with untag, removes) tags of an account, OU, root or
// policy.
func retag(o *org.Organization, req *Request, untag bool) (any, error) {
	id := req.Param("ResourceId")
	var tags *map[string]string
	switch {
	case o.Account(id) != nil:
		tags = &o.Account(id).Tags
	case o.OU(id) != nil:
		tags = &o.OU(id).Tags
	default:
		return nil, Errorf("TargetNotFoundException", "We can't find a resource with the ResourceId %s.", id)
	}
	if *tags == nil {
		*tags = map[string]string{}
	}
	if untag {
		for _, k := range req.JSONList("TagKeys") {
			delete(*tags, k)
		}
		return &organizations.UntagResourceOutput{}, nil
	}
	for k, v := range tagsParam(req) {
		(*tags)[k] = v
	}
	if len(*tags) > 50 {
		return nil, Errorf("ConstraintViolationException", "You have exceeded the allowed number of tags for a resource (TAG_POLICY_VIOLATION).")
	}
	return &organizations.TagResourceOutput{}, nil
}

func registerDelegated(register bool) func(o *org.Organization, req *Request) (any, error) {
	return func(o *org.Organization, req *Request) (any, error) {
		acct, sp := req.Param("AccountId"), req.Param("ServicePrincipal")
		if o.Account(acct) == nil {
			return nil, Errorf("AccountNotFoundException", "We can't find an AWS account with the AccountId %s.", acct)
		}
		if acct == o.MasterAccountId {
			return nil, Errorf("ConstraintViolationException", "You cannot register the management account as a delegated administrator (CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR).")
		}
		for i := range o.DelegatedAdministrators {
			d := &o.DelegatedAdministrators[i]
			if d.AccountId != acct {
				continue
			}
			has := contains(d.ServicePrincipals, sp)
			switch {
			case register && has:
				return nil, Errorf("AccountAlreadyRegisteredException", "The provided account is already a delegated administrator for your organization.")
			case register:
				d.ServicePrincipals = append(d.ServicePrincipals, sp)
				return &organizations.RegisterDelegatedAdministratorOutput{}, nil
			case !has:
				return nil, Errorf("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.")
			}
			var keep []string
			for _, x := range d.ServicePrincipals {
				if x != sp {
					keep = append(keep, x)
				}
			}
			d.ServicePrincipals = keep
			return &organizations.DeregisterDelegatedAdministratorOutput{}, nil
		}
		if !register {
			return nil, Errorf("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.")
		}
		o.DelegatedAdministrators = append(o.DelegatedAdministrators, org.DelegatedAdministrator{AccountId: acct, ServicePrincipals: []string{sp}})
		return &organizations.RegisterDelegatedAdministratorOutput{}, nil
	}
}

func (s *Server) listCreateAccountStatus(_ context.Context, req *Request) (any, error) {
	if req.Account() != s.ManagementAccount() {
		return nil, Errorf("AccessDeniedException", "You don't have permissions to access this resource.")
	}
	states := req.JSONList("States")
	s.orgState.mu.Lock()
	out := &organizations.ListCreateAccountStatusOutput{CreateAccountStatuses: []ot.CreateAccountStatus{}}
	for _, cr := range s.orgState.requests {
		if len(states) == 0 || contains(states, string(cr.status.State)) {
			out.CreateAccountStatuses = append(out.CreateAccountStatuses, cr.status)
		}
	}
	s.orgState.mu.Unlock()
	return out, nil
}
