package awstest

import (
	"context"
	"encoding/json"
	"fmt"
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
		return out, err
	}))
}

func (s *Server) registerOrgWrites() {
	s.orgWrite("CreateOrganizationalUnit", func(o *org.Organization, req *Request) (any, error) {
		parent := req.Param("ParentId")
		if o.Root(parent) == nil && o.OU(parent) == nil {
			return nil, parentNotFound(parent)
		}
		rootID := o.Path(parent)[0]
		id := fmt.Sprintf("ou-%s-%08x", rootID[2:], 0x10000000+s.orgState.next())
		u := org.OU{Id: id, Arn: fmt.Sprintf("arn:%s:organizations::%s:ou/%s/%s", o.Partition(), o.MasterAccountId, o.Id, id), Name: req.Param("Name"), ParentId: parent}
		o.OrganizationalUnits = append(o.OrganizationalUnits, u)
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
			a.ParentId = dst
			return &organizations.MoveAccountOutput{}, nil
		}
		return nil, Errorf("AccountNotFoundException", "We can't find an AWS account with the AccountId %s.", acct)
	})
	s.orgWrite("CreatePolicy", func(o *org.Organization, req *Request) (any, error) {
		id := fmt.Sprintf("p-%08x", 0x10000000+s.orgState.next())
		typ := req.Param("Type")
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
	n := s.orgState.next()
	id := fmt.Sprintf("car-%032x", n)
	acctID := fmt.Sprintf("9%011d", n)
	now := time.Now().UTC()
	cr := &createRequest{ready: now.Add(CreateAccountDelay), status: ot.CreateAccountStatus{
		Id: aws.String(id), AccountName: aws.String(req.Param("AccountName")), State: ot.CreateAccountStateInProgress,
		RequestedTimestamp: aws.Time(now),
	}, account: org.Account{Id: acctID, Name: req.Param("AccountName"), Email: req.Param("Email"), Status: org.StatusActive,
		State: org.StatusActive, JoinedMethod: "CREATED", JoinedTimestamp: now, ParentId: o.Roots[0].Id,
		Arn: fmt.Sprintf("arn:%s:organizations::%s:account/%s/%s", o.Partition(), o.MasterAccountId, o.Id, acctID)}}
	s.orgState.mu.Lock()
	s.orgState.requests[id] = cr
	s.orgState.mu.Unlock()
	st := cr.status
	return &organizations.CreateAccountOutput{CreateAccountStatus: &st}, nil
}

func (s *Server) describeCreateAccountStatus(_ context.Context, req *Request) (any, error) {
	id := req.Param("CreateAccountRequestId")
	s.orgState.mu.Lock()
	cr := s.orgState.requests[id]
	s.orgState.mu.Unlock()
	if cr == nil {
		return nil, Errorf("CreateAccountStatusNotFoundException", "We can't find a create account request with the CreateAccountRequestId %s.", id)
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
		if err := s.mutateOrg(func(o *org.Organization) error {
			o.Accounts = append(o.Accounts, cr.account)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return &organizations.DescribeCreateAccountStatusOutput{CreateAccountStatus: &st}, nil
}
