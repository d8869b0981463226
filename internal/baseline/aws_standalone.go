package baseline

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cft "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdt "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	sht "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// applySelfManaged creates or updates a self-managed StackSet in its
// administration account and deploys it to the listed accounts.
func (a *AWS) applySelfManaged(ctx context.Context, home string, spec *StackSetSpec) error {
	c := cloudformation.NewFromConfig(a.account(spec.Admin, home))
	name := aws.String(spec.Template.Name)
	adminRole := aws.String("arn:" + Partition(home) + ":iam::" + spec.Admin + ":role/" + StackSetAdminRole)
	caps := []cft.Capability{cft.CapabilityCapabilityNamedIam}
	prefs := &cft.StackSetOperationPreferences{RegionConcurrencyType: cft.RegionConcurrencyTypeParallel, MaxConcurrentPercentage: aws.Int32(100), FailureTolerancePercentage: aws.Int32(0)}
	_, err := c.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: name})
	switch {
	case errorCode(err) == "StackSetNotFoundException":
		if _, err := c.CreateStackSet(ctx, &cloudformation.CreateStackSetInput{StackSetName: name, TemplateBody: aws.String(string(spec.Template.Body)),
			Parameters: cfnParams(spec.Template.Parameters), PermissionModel: cft.PermissionModelsSelfManaged, AdministrationRoleARN: adminRole,
			ExecutionRoleName: aws.String(StackSetExecutionRole), Capabilities: caps, ManagedExecution: &cft.ManagedExecution{Active: aws.Bool(true)},
			Description: aws.String("orgrail baseline: " + spec.Template.Name)}); err != nil && errorCode(err) != "NameAlreadyExistsException" {
			return fmt.Errorf("CreateStackSet %s: %w", *name, err)
		}
	case err != nil:
		return fmt.Errorf("DescribeStackSet %s: %w", *name, err)
	default:
		out, err := c.UpdateStackSet(ctx, &cloudformation.UpdateStackSetInput{StackSetName: name, TemplateBody: aws.String(string(spec.Template.Body)),
			Parameters: cfnParams(spec.Template.Parameters), PermissionModel: cft.PermissionModelsSelfManaged, AdministrationRoleARN: adminRole,
			ExecutionRoleName: aws.String(StackSetExecutionRole), Capabilities: caps, OperationPreferences: prefs})
		if err != nil {
			return fmt.Errorf("UpdateStackSet %s: %w", *name, err)
		}
		if err := a.waitOperation(ctx, c, *name, aws.ToString(out.OperationId)); err != nil {
			return err
		}
	}
	out, err := c.CreateStackInstances(ctx, &cloudformation.CreateStackInstancesInput{StackSetName: name,
		DeploymentTargets: &cft.DeploymentTargets{Accounts: spec.Accounts}, Regions: spec.Regions, OperationPreferences: prefs})
	if err != nil {
		return fmt.Errorf("CreateStackInstances %s: %w", *name, err)
	}
	return a.waitOperation(ctx, c, *name, aws.ToString(out.OperationId))
}

// EnabledRegions lists the regions enabled in an account (ec2
// DescribeRegions): standalone mode's regions when the configuration
// names none.
func (a *AWS) EnabledRegions(ctx context.Context, account, region string) ([]string, error) {
	out, err := ec2.NewFromConfig(a.account(account, region)).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, fmt.Errorf("ec2 DescribeRegions in %s: %w", account, err)
	}
	var r []string
	for _, x := range out.Regions {
		if st := aws.ToString(x.OptInStatus); st == "" || st == "opt-in-not-required" || st == "opted-in" {
			r = append(r, aws.ToString(x.RegionName))
		}
	}
	slices.Sort(r)
	return r, nil
}

// applyMembers makes the step's accounts members of the Audit account's
// GuardDuty or Security Hub, region by region: the service on in the
// Audit account, CreateMembers and InviteMembers there, then, in each
// member reached through the role chain, the service on and
// AcceptAdministratorInvitation. Members already enabled are left alone.
func (a *AWS) applyMembers(ctx context.Context, step *Step) error {
	for _, r := range step.Regions {
		enabled, err := a.readMembers(ctx, step.Service, step.Account, r)
		if err != nil {
			return err
		}
		var todo []string
		for _, m := range step.Members {
			if !slices.Contains(enabled, m) {
				todo = append(todo, m)
			}
		}
		if len(todo) == 0 {
			continue
		}
		if err := a.invite(ctx, step.Service, step.Account, r, todo, step.Emails); err != nil {
			return err
		}
		for _, m := range todo {
			if err := a.accept(ctx, step.Service, step.Account, m, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// serviceOn turns the service on in an account and region and returns
// the GuardDuty detector id ("" for Security Hub).
func (a *AWS) serviceOn(ctx context.Context, service, account, region string) (string, error) {
	c := a.account(account, region)
	if service == "guardduty" {
		id, err := detector(ctx, guardduty.NewFromConfig(c), true)
		if err != nil {
			return "", fmt.Errorf("guardduty %s %s: detector: %w", account, region, err)
		}
		return id, nil
	}
	_, err := securityhub.NewFromConfig(c).EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(false)})
	if err != nil && errorCode(err) != "ResourceConflictException" {
		return "", fmt.Errorf("securityhub %s %s: EnableSecurityHub: %w", account, region, err)
	}
	return "", nil
}

func (a *AWS) invite(ctx context.Context, service, admin, region string, members []string, emails map[string]string) error {
	det, err := a.serviceOn(ctx, service, admin, region)
	if err != nil {
		return err
	}
	c := a.account(admin, region)
	if service == "guardduty" {
		gd := guardduty.NewFromConfig(c)
		var details []gdt.AccountDetail
		for _, m := range members {
			details = append(details, gdt.AccountDetail{AccountId: aws.String(m), Email: aws.String(emails[m])})
		}
		if _, err := gd.CreateMembers(ctx, &guardduty.CreateMembersInput{DetectorId: &det, AccountDetails: details}); err != nil {
			return fmt.Errorf("guardduty %s CreateMembers: %w", region, err)
		}
		if _, err := gd.InviteMembers(ctx, &guardduty.InviteMembersInput{DetectorId: &det, AccountIds: members, DisableEmailNotification: aws.Bool(true)}); err != nil {
			return fmt.Errorf("guardduty %s InviteMembers: %w", region, err)
		}
		return nil
	}
	sh := securityhub.NewFromConfig(c)
	var details []sht.AccountDetails
	for _, m := range members {
		d := sht.AccountDetails{AccountId: aws.String(m)}
		if e := emails[m]; e != "" {
			d.Email = aws.String(e)
		}
		details = append(details, d)
	}
	if _, err := sh.CreateMembers(ctx, &securityhub.CreateMembersInput{AccountDetails: details}); err != nil {
		return fmt.Errorf("securityhub %s CreateMembers: %w", region, err)
	}
	if _, err := sh.InviteMembers(ctx, &securityhub.InviteMembersInput{AccountIds: members}); err != nil {
		return fmt.Errorf("securityhub %s InviteMembers: %w", region, err)
	}
	return nil
}

// accept accepts, in a member account, the administrator's invitation.
func (a *AWS) accept(ctx context.Context, service, admin, member, region string) error {
	det, err := a.serviceOn(ctx, service, member, region)
	if err != nil {
		return err
	}
	c := a.account(member, region)
	if service == "guardduty" {
		gd := guardduty.NewFromConfig(c)
		out, err := gd.ListInvitations(ctx, &guardduty.ListInvitationsInput{})
		if err != nil {
			return fmt.Errorf("guardduty %s %s ListInvitations: %w", member, region, err)
		}
		for _, inv := range out.Invitations {
			if aws.ToString(inv.AccountId) == admin {
				if _, err := gd.AcceptAdministratorInvitation(ctx, &guardduty.AcceptAdministratorInvitationInput{DetectorId: &det,
					AdministratorId: aws.String(admin), InvitationId: inv.InvitationId}); err != nil {
					return fmt.Errorf("guardduty %s %s AcceptAdministratorInvitation: %w", member, region, err)
				}
				return nil
			}
		}
		return fmt.Errorf("guardduty %s %s: no invitation from %s", member, region, admin)
	}
	sh := securityhub.NewFromConfig(c)
	out, err := sh.ListInvitations(ctx, &securityhub.ListInvitationsInput{})
	if err != nil {
		return fmt.Errorf("securityhub %s %s ListInvitations: %w", member, region, err)
	}
	for _, inv := range out.Invitations {
		if aws.ToString(inv.AccountId) == admin {
			if _, err := sh.AcceptAdministratorInvitation(ctx, &securityhub.AcceptAdministratorInvitationInput{AdministratorId: aws.String(admin),
				InvitationId: inv.InvitationId}); err != nil {
				return fmt.Errorf("securityhub %s %s AcceptAdministratorInvitation: %w", member, region, err)
			}
			return nil
		}
	}
	return fmt.Errorf("securityhub %s %s: no invitation from %s", member, region, admin)
}

// readMembers lists the accounts enabled as members of admin in a
// region; with the service off there, none.
func (a *AWS) readMembers(ctx context.Context, service, admin, region string) ([]string, error) {
	c := a.account(admin, region)
	var on []string
	if service == "guardduty" {
		gd := guardduty.NewFromConfig(c)
		det, err := detector(ctx, gd, false)
		if err != nil || det == "" {
			return nil, err
		}
		p := guardduty.NewListMembersPaginator(gd, &guardduty.ListMembersInput{DetectorId: &det})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("guardduty %s ListMembers: %w", region, err)
			}
			for _, m := range page.Members {
				if aws.ToString(m.RelationshipStatus) == "Enabled" {
					on = append(on, aws.ToString(m.AccountId))
				}
			}
		}
		return on, nil
	}
	p := securityhub.NewListMembersPaginator(securityhub.NewFromConfig(c), &securityhub.ListMembersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if errorCode(err) == "InvalidAccessException" {
			return nil, nil // Security Hub off in the Audit account
		}
		if err != nil {
			return nil, fmt.Errorf("securityhub %s ListMembers: %w", region, err)
		}
		for _, m := range page.Members {
			if st := aws.ToString(m.MemberStatus); st == "Enabled" || st == "ENABLED" || st == "Associated" {
				on = append(on, aws.ToString(m.AccountId))
			}
		}
	}
	return on, nil
}

// readStandalone reads the self-managed StackSet and the members.
func (a *AWS) readStandalone(ctx context.Context, s *Settings) (*State, error) {
	st := &State{StackSets: map[string]StackSetState{}, Members: map[string][]string{}}
	cf := cloudformation.NewFromConfig(a.account(s.AuditID, s.HomeRegion))
	ss, ok, err := readStackSet(ctx, cf, StackSetAccount, true)
	if err != nil {
		return nil, err
	}
	if ok {
		st.StackSets[StackSetAccount] = ss
	}
	for _, svc := range InviteServices {
		if !s.Has(svc) {
			continue
		}
		for _, r := range s.Regions {
			on, err := a.readMembers(ctx, svc, s.AuditID, r)
			if err != nil {
				return nil, err
			}
			st.Members[RegionKey(svc, r)] = on
		}
	}
	return st, nil
}
