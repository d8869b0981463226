package baseline

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdt "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/inspector2"
	i2t "github.com/aws/aws-sdk-go-v2/service/inspector2/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// enableAdmin designates account as the service's delegated
// administrator in one region, through the service's own API (which
// registers it with Organizations too).
func (a *AWS) enableAdmin(ctx context.Context, service, account, region string) error {
	c := a.regional(a.Management, region)
	var err error
	switch service {
	case "guardduty":
		_, err = guardduty.NewFromConfig(c).EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &account})
	case "securityhub":
		_, err = securityhub.NewFromConfig(c).EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: &account})
	case "inspector":
		_, err = inspector2.NewFromConfig(c).EnableDelegatedAdminAccount(ctx, &inspector2.EnableDelegatedAdminAccountInput{DelegatedAdminAccountId: &account})
	case "macie":
		_, err = macie2.NewFromConfig(c).EnableOrganizationAdminAccount(ctx, &macie2.EnableOrganizationAdminAccountInput{AdminAccountId: &account})
	default:
		return fmt.Errorf("no delegated administrator API for %s", service)
	}
	if err != nil {
		return fmt.Errorf("%s %s: designating %s: %w", service, region, account, err)
	}
	return nil
}

// readAdmin returns the service's enabled delegated administrator in a
// region, "" when there is none.
func (a *AWS) readAdmin(ctx context.Context, service, region string) (string, error) {
	c := a.regional(a.Management, region)
	switch service {
	case "guardduty":
		out, err := guardduty.NewFromConfig(c).ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
		if err != nil {
			return "", err
		}
		for _, x := range out.AdminAccounts {
			if x.AdminStatus == gdt.AdminStatusEnabled {
				return aws.ToString(x.AdminAccountId), nil
			}
		}
	case "securityhub":
		out, err := securityhub.NewFromConfig(c).ListOrganizationAdminAccounts(ctx, &securityhub.ListOrganizationAdminAccountsInput{})
		if err != nil {
			return "", err
		}
		for _, x := range out.AdminAccounts {
			if string(x.Status) == "ENABLED" {
				return aws.ToString(x.AccountId), nil
			}
		}
	case "inspector":
		out, err := inspector2.NewFromConfig(c).ListDelegatedAdminAccounts(ctx, &inspector2.ListDelegatedAdminAccountsInput{})
		if err != nil {
			return "", err
		}
		for _, x := range out.DelegatedAdminAccounts {
			if x.Status == i2t.DelegatedAdminStatusEnabled {
				return aws.ToString(x.AccountId), nil
			}
		}
	case "macie":
		out, err := macie2.NewFromConfig(c).ListOrganizationAdminAccounts(ctx, &macie2.ListOrganizationAdminAccountsInput{})
		if err != nil {
			return "", err
		}
		for _, x := range out.AdminAccounts {
			if string(x.Status) == "ENABLED" {
				return aws.ToString(x.AccountId), nil
			}
		}
	}
	return "", nil
}

// enableAuto turns on auto-enable for new accounts in one region, from
// the delegated administrator (the Audit account).
func (a *AWS) enableAuto(ctx context.Context, service, admin, region string) error {
	c := a.account(admin, region)
	var err error
	switch service {
	case "guardduty":
		var id string
		id, err = detector(ctx, guardduty.NewFromConfig(c), true)
		if err == nil {
			_, err = guardduty.NewFromConfig(c).UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{
				DetectorId: &id, AutoEnableOrganizationMembers: gdt.AutoEnableMembersAll})
		}
	case "securityhub":
		_, err = securityhub.NewFromConfig(c).UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true)})
	case "inspector":
		_, err = inspector2.NewFromConfig(c).UpdateOrganizationConfiguration(ctx, &inspector2.UpdateOrganizationConfigurationInput{
			AutoEnable: &i2t.AutoEnable{Ec2: aws.Bool(true), Ecr: aws.Bool(true), Lambda: aws.Bool(true)}})
	case "macie":
		_, err = macie2.NewFromConfig(c).UpdateOrganizationConfiguration(ctx, &macie2.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true)})
	default:
		return fmt.Errorf("no auto-enable API for %s", service)
	}
	if err != nil {
		return fmt.Errorf("%s %s: auto-enable from %s: %w", service, region, admin, err)
	}
	return nil
}

// detector returns the account's GuardDuty detector in the client's
// region, creating one when create is set.
func detector(ctx context.Context, c *guardduty.Client, create bool) (string, error) {
	out, err := c.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil {
		return "", err
	}
	if len(out.DetectorIds) > 0 {
		return out.DetectorIds[0], nil
	}
	if !create {
		return "", nil
	}
	made, err := c.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		return "", err
	}
	return aws.ToString(made.DetectorId), nil
}

// readAuto reports whether auto-enable is on in one region.
func (a *AWS) readAuto(ctx context.Context, service, admin, region string) (bool, error) {
	c := a.account(admin, region)
	switch service {
	case "guardduty":
		id, err := detector(ctx, guardduty.NewFromConfig(c), false)
		if err != nil || id == "" {
			return false, err
		}
		out, err := guardduty.NewFromConfig(c).DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: &id})
		if err != nil {
			return false, err
		}
		return out.AutoEnableOrganizationMembers == gdt.AutoEnableMembersAll || aws.ToBool(out.AutoEnable), nil
	case "securityhub":
		out, err := securityhub.NewFromConfig(c).DescribeOrganizationConfiguration(ctx, &securityhub.DescribeOrganizationConfigurationInput{})
		if err != nil {
			return false, err
		}
		return aws.ToBool(out.AutoEnable), nil
	case "inspector":
		out, err := inspector2.NewFromConfig(c).DescribeOrganizationConfiguration(ctx, &inspector2.DescribeOrganizationConfigurationInput{})
		if err != nil {
			return false, err
		}
		return out.AutoEnable != nil && aws.ToBool(out.AutoEnable.Ec2), nil
	case "macie":
		out, err := macie2.NewFromConfig(c).DescribeOrganizationConfiguration(ctx, &macie2.DescribeOrganizationConfigurationInput{})
		if err != nil {
			return false, err
		}
		return aws.ToBool(out.AutoEnable), nil
	}
	return false, nil
}
