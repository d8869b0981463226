package awstest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdt "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	sht "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// TestInvitations links a member to the security account by invitation
// in GuardDuty and Security Hub, as the services' guides describe it
// for accounts outside an organization: the administrator needs the
// service on, creates and invites the member, which accepts with the
// service on in its own account.
func TestInvitations(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	admin := srv.Config(ctx, srv.AccountCredentials(securityAcct))
	member := srv.Config(ctx, srv.AccountCredentials(workAcct))
	ag, mg := guardduty.NewFromConfig(admin), guardduty.NewFromConfig(member)
	ad := ensureDetector(t, ag)
	_, err := ag.CreateMembers(ctx, &guardduty.CreateMembersInput{DetectorId: aws.String("nope"), AccountDetails: []gdt.AccountDetail{{AccountId: aws.String(workAcct), Email: aws.String("w@example.com")}}})
	wantCode(t, err, "BadRequestException")
	if _, err := ag.CreateMembers(ctx, &guardduty.CreateMembersInput{DetectorId: ad.DetectorId, AccountDetails: []gdt.AccountDetail{{AccountId: aws.String(workAcct), Email: aws.String("w@example.com")}}}); err != nil {
		t.Fatal(err)
	}
	if out, err := ag.InviteMembers(ctx, &guardduty.InviteMembersInput{DetectorId: ad.DetectorId, AccountIds: []string{workAcct}}); err != nil || len(out.UnprocessedAccounts) != 0 {
		t.Fatalf("InviteMembers: %+v %v", out, err)
	}
	invs, err := mg.ListInvitations(ctx, &guardduty.ListInvitationsInput{})
	if err != nil || len(invs.Invitations) != 1 || aws.ToString(invs.Invitations[0].AccountId) != securityAcct {
		t.Fatalf("ListInvitations: %+v %v", invs, err)
	}
	md := ensureDetector(t, mg)
	if _, err := mg.AcceptAdministratorInvitation(ctx, &guardduty.AcceptAdministratorInvitationInput{DetectorId: md.DetectorId,
		AdministratorId: aws.String(securityAcct), InvitationId: invs.Invitations[0].InvitationId}); err != nil {
		t.Fatal(err)
	}
	ms, err := ag.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: ad.DetectorId})
	if err != nil || len(ms.Members) != 1 || aws.ToString(ms.Members[0].RelationshipStatus) != "Enabled" {
		t.Fatalf("ListMembers: %+v %v", ms, err)
	}

	ah, mh := securityhub.NewFromConfig(admin), securityhub.NewFromConfig(member)
	_, err = ah.CreateMembers(ctx, &securityhub.CreateMembersInput{AccountDetails: []sht.AccountDetails{{AccountId: aws.String(workAcct)}}})
	wantCode(t, err, "InvalidAccessException")
	if _, err := ah.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}); err != nil && !isCode(err, "ResourceConflictException") {
		t.Fatal(err)
	}
	if _, err := ah.CreateMembers(ctx, &securityhub.CreateMembersInput{AccountDetails: []sht.AccountDetails{{AccountId: aws.String(workAcct)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ah.InviteMembers(ctx, &securityhub.InviteMembersInput{AccountIds: []string{workAcct}}); err != nil {
		t.Fatal(err)
	}
	hi, err := mh.ListInvitations(ctx, &securityhub.ListInvitationsInput{})
	if err != nil || len(hi.Invitations) != 1 {
		t.Fatalf("ListInvitations: %+v %v", hi, err)
	}
	if _, err := mh.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}); err != nil && !isCode(err, "ResourceConflictException") {
		t.Fatal(err)
	}
	if _, err := mh.AcceptAdministratorInvitation(ctx, &securityhub.AcceptAdministratorInvitationInput{AdministratorId: aws.String(securityAcct), InvitationId: hi.Invitations[0].InvitationId}); err != nil {
		t.Fatal(err)
	}
	hm, err := ah.ListMembers(ctx, &securityhub.ListMembersInput{})
	if err != nil || len(hm.Members) != 1 || aws.ToString(hm.Members[0].MemberStatus) != "Enabled" {
		t.Fatalf("ListMembers: %+v %v", hm, err)
	}
}

func ensureDetector(t *testing.T, c *guardduty.Client) *guardduty.CreateDetectorOutput {
	t.Helper()
	ctx := context.Background()
	l, err := c.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.DetectorIds) > 0 {
		return &guardduty.CreateDetectorOutput{DetectorId: aws.String(l.DetectorIds[0])}
	}
	out, err := c.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
