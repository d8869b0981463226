package awstest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdt "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	sht "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// Membership by invitation, the way GuardDuty and Security Hub link
// accounts without AWS Organizations: the administrator creates members
// (CreateMembers) and invites them (InviteMembers); each member, with the
// service on in its own account and region, finds the invitation
// (ListInvitations) and accepts it (AcceptAdministratorInvitation).

// invitedMember is one member of an administrator in a service and region.
type invitedMember struct {
	Account, Email, Status, InvitationID string
	InvitedAt                            time.Time
}

type invitations struct {
	mu sync.Mutex
	// members by "service/region/administrator", then member account.
	members map[string]map[string]*invitedMember
}

func (s *Server) invites() *invitations {
	s.inv.mu.Lock()
	if s.inv.members == nil {
		s.inv.members = map[string]map[string]*invitedMember{}
	}
	s.inv.mu.Unlock()
	return &s.inv
}

func (s *Server) registerInvitations() {
	for _, svc := range []string{"guardduty", "securityhub"} {
		s.Register(svc, "CreateMembers", HandlerFunc(s.createMembers))
		s.Register(svc, "InviteMembers", HandlerFunc(s.inviteMembers))
		s.Register(svc, "ListMembers", HandlerFunc(s.listMembers))
		s.Register(svc, "ListInvitations", HandlerFunc(s.listInvitations))
		s.Register(svc, "AcceptAdministratorInvitation", HandlerFunc(s.acceptInvitation))
	}
}

// serviceOn checks that the caller has the service on in the request's
// region: a GuardDuty detector (the one named, if any), a Security Hub hub.
func (s *Server) serviceOn(req *Request, detectorID string) error {
	if req.Service == "guardduty" {
		raw, _, _, _ := s.lookup(req.Account(), req.Region, "guardduty", "ListDetectors", "")
		out := decodeAs[guardduty.ListDetectorsOutput](raw)
		if out == nil || len(out.DetectorIds) == 0 || (detectorID != "" && !slices.Contains(out.DetectorIds, detectorID)) {
			return Errorf("BadRequestException", "The request is rejected because the input detectorId is not owned by the current account.")
		}
		return nil
	}
	raw, _, _, _ := s.lookup(req.Account(), req.Region, "securityhub", "DescribeHub", "")
	if out := decodeAs[securityhub.DescribeHubOutput](raw); out == nil || out.HubArn == nil {
		return Errorf("InvalidAccessException", "Account %s is not subscribed to AWS Security Hub", req.Account())
	}
	return nil
}

func inviteKey(service, region, admin string) string { return service + "/" + region + "/" + admin }

func (s *Server) createMembers(_ context.Context, req *Request) (any, error) {
	if err := s.serviceOn(req, req.Param("DetectorId")); err != nil {
		return nil, err
	}
	var in struct {
		AccountDetails []struct{ AccountId, Email string }
	}
	if err := req.DecodeJSON(&in); err != nil || len(in.AccountDetails) == 0 {
		return nil, Errorf(badRequest(req), "accountDetails is required")
	}
	inv := s.invites()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	k := inviteKey(req.Service, req.Region, req.Account())
	if inv.members[k] == nil {
		inv.members[k] = map[string]*invitedMember{}
	}
	var unprocessed []string
	for _, d := range in.AccountDetails {
		if len(d.AccountId) != 12 || d.AccountId == req.Account() {
			unprocessed = append(unprocessed, d.AccountId)
			continue
		}
		if inv.members[k][d.AccountId] == nil {
			inv.members[k][d.AccountId] = &invitedMember{Account: d.AccountId, Email: d.Email, Status: "Created"}
		}
	}
	return unprocessedOutput(req, unprocessed, true), nil
}

func badRequest(req *Request) string {
	if req.Service == "guardduty" {
		return "BadRequestException"
	}
	return "InvalidInputException"
}

// unprocessedOutput is CreateMembers' or InviteMembers' answer.
func unprocessedOutput(req *Request, accounts []string, create bool) any {
	if req.Service == "guardduty" {
		u := []gdt.UnprocessedAccount{}
		for _, a := range accounts {
			u = append(u, gdt.UnprocessedAccount{AccountId: aws.String(a), Result: aws.String("not a valid member account")})
		}
		if create {
			return &guardduty.CreateMembersOutput{UnprocessedAccounts: u}
		}
		return &guardduty.InviteMembersOutput{UnprocessedAccounts: u}
	}
	u := []sht.Result{}
	for _, a := range accounts {
		u = append(u, sht.Result{AccountId: aws.String(a), ProcessingResult: aws.String("not a valid member account")})
	}
	if create {
		return &securityhub.CreateMembersOutput{UnprocessedAccounts: u}
	}
	return &securityhub.InviteMembersOutput{UnprocessedAccounts: u}
}

func (s *Server) inviteMembers(_ context.Context, req *Request) (any, error) {
	if err := s.serviceOn(req, req.Param("DetectorId")); err != nil {
		return nil, err
	}
	ids := req.JSONList("AccountIds")
	if len(ids) == 0 {
		return nil, Errorf(badRequest(req), "accountIds is required")
	}
	inv := s.invites()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	var unprocessed []string
	for _, id := range ids {
		m := inv.members[inviteKey(req.Service, req.Region, req.Account())][id]
		if m == nil {
			unprocessed = append(unprocessed, id) // CreateMembers first
			continue
		}
		if m.Status != "Enabled" {
			m.Status, m.InvitationID, m.InvitedAt = "Invited", fmt.Sprintf("%032x", s.reqSeq.Add(1)), time.Now().UTC()
		}
	}
	return unprocessedOutput(req, unprocessed, false), nil
}

func (s *Server) listMembers(_ context.Context, req *Request) (any, error) {
	if err := s.serviceOn(req, req.Param("DetectorId")); err != nil {
		return nil, err
	}
	inv := s.invites()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	ms := inv.members[inviteKey(req.Service, req.Region, req.Account())]
	ids := make([]string, 0, len(ms))
	for id := range ms {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if req.Service == "guardduty" {
		out := &guardduty.ListMembersOutput{Members: []gdt.Member{}}
		for _, id := range ids {
			m := ms[id]
			out.Members = append(out.Members, gdt.Member{AccountId: aws.String(id), Email: aws.String(m.Email), MasterId: aws.String(req.Account()),
				AdministratorId: aws.String(req.Account()), RelationshipStatus: aws.String(m.Status), UpdatedAt: aws.String(time.Now().UTC().Format(time.RFC3339))})
		}
		return out, nil
	}
	out := &securityhub.ListMembersOutput{Members: []sht.Member{}}
	for _, id := range ids {
		m := ms[id]
		out.Members = append(out.Members, sht.Member{AccountId: aws.String(id), Email: aws.String(m.Email), AdministratorId: aws.String(req.Account()),
			MasterId: aws.String(req.Account()), MemberStatus: aws.String(m.Status)})
	}
	return out, nil
}

// pendingFor returns the invitations waiting for account in a service
// and region, by administrator (inv.mu held).
func (inv *invitations) pendingFor(service, region, account string) map[string]*invitedMember {
	out := map[string]*invitedMember{}
	prefix := service + "/" + region + "/"
	for k, ms := range inv.members {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix {
			if m := ms[account]; m != nil && m.InvitationID != "" {
				out[k[len(prefix):]] = m
			}
		}
	}
	return out
}

func (s *Server) listInvitations(_ context.Context, req *Request) (any, error) {
	inv := s.invites()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	p := inv.pendingFor(req.Service, req.Region, req.Account())
	admins := make([]string, 0, len(p))
	for a := range p {
		admins = append(admins, a)
	}
	slices.Sort(admins)
	if req.Service == "guardduty" {
		out := &guardduty.ListInvitationsOutput{Invitations: []gdt.Invitation{}}
		for _, a := range admins {
			out.Invitations = append(out.Invitations, gdt.Invitation{AccountId: aws.String(a), InvitationId: aws.String(p[a].InvitationID),
				RelationshipStatus: aws.String(p[a].Status), InvitedAt: aws.String(p[a].InvitedAt.Format(time.RFC3339))})
		}
		return out, nil
	}
	out := &securityhub.ListInvitationsOutput{Invitations: []sht.Invitation{}}
	for _, a := range admins {
		out.Invitations = append(out.Invitations, sht.Invitation{AccountId: aws.String(a), InvitationId: aws.String(p[a].InvitationID),
			MemberStatus: aws.String(p[a].Status), InvitedAt: aws.Time(p[a].InvitedAt)})
	}
	return out, nil
}

func (s *Server) acceptInvitation(_ context.Context, req *Request) (any, error) {
	if err := s.serviceOn(req, req.Param("DetectorId")); err != nil {
		return nil, err
	}
	admin, id := req.Param("AdministratorId"), req.Param("InvitationId")
	inv := s.invites()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	m := inv.pendingFor(req.Service, req.Region, req.Account())[admin]
	if m == nil || m.InvitationID != id {
		if req.Service == "guardduty" {
			return nil, Errorf("BadRequestException", "The request is rejected because the invitation %s from %s does not exist.", id, admin)
		}
		return nil, Errorf("ResourceNotFoundException", "Invitation %s from %s not found", id, admin)
	}
	m.Status = "Enabled"
	if req.Service == "guardduty" {
		return &guardduty.AcceptAdministratorInvitationOutput{}, nil
	}
	return &securityhub.AcceptAdministratorInvitationOutput{}, nil
}
