package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/smithy-go"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// Read reads the Identity Center instance live, through the SDK, in the
// region of cfg, into the same model Load builds from a snapshot (plus
// the accounts each permission set is outdated in). It returns nil and
// no error when the region has no instance. account names the caller's
// account, recorded in Center.Account.
func Read(ctx context.Context, cfg aws.Config, account string) (*Center, error) {
	c := ssoadmin.NewFromConfig(cfg)
	var inst ssoadmin.ListInstancesOutput
	for p := ssoadmin.NewListInstancesPaginator(c, &ssoadmin.ListInstancesInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("sso-admin ListInstances: %w", err)
		}
		inst.Instances = append(inst.Instances, page.Instances...)
	}
	if len(inst.Instances) == 0 {
		return nil, nil
	}
	in := inst.Instances[0]
	center := &Center{InstanceArn: aws.ToString(in.InstanceArn), IdentityStoreID: aws.ToString(in.IdentityStoreId),
		Name: aws.ToString(in.Name), Account: account, Region: cfg.Region, Members: map[string][]string{}}
	f := snapshot.NewServiceFile(account, cfg.Region, "ssoadmin")
	if err := fillAdmin(ctx, c, in.InstanceArn, f); err != nil {
		return nil, err
	}
	if err := center.readAdmin(f); err != nil {
		return nil, err
	}
	for _, ps := range center.PermissionSets {
		if err := readOutdated(ctx, c, in.InstanceArn, ps); err != nil {
			return nil, err
		}
	}
	sf := snapshot.NewServiceFile(account, cfg.Region, "identitystore")
	if err := fillStore(ctx, identitystore.NewFromConfig(cfg), center.IdentityStoreID, sf); err != nil {
		return nil, err
	}
	if err := center.readStoreFile(sf); err != nil {
		return nil, err
	}
	center.index()
	return center, nil
}

// fillAdmin makes the calls collect makes for one instance and stores
// their outputs as collect would.
func fillAdmin(ctx context.Context, c *ssoadmin.Client, instance *string, f *snapshot.ServiceFile) error {
	var sets ssoadmin.ListPermissionSetsOutput
	for p := ssoadmin.NewListPermissionSetsPaginator(c, &ssoadmin.ListPermissionSetsInput{InstanceArn: instance}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("sso-admin ListPermissionSets: %w", err)
		}
		sets.PermissionSets = append(sets.PermissionSets, page.PermissionSets...)
	}
	if err := f.SetResource("ListPermissionSets", aws.ToString(instance), &sets); err != nil {
		return err
	}
	for _, arn := range sets.PermissionSets {
		if err := fillPermissionSet(ctx, c, instance, arn, f); err != nil {
			return fmt.Errorf("sso-admin permission set %s: %w", arn, err)
		}
	}
	return nil
}

func fillPermissionSet(ctx context.Context, c *ssoadmin.Client, instance *string, arn string, f *snapshot.ServiceFile) error {
	ps := aws.String(arn)
	d, err := c.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: instance, PermissionSetArn: ps})
	if err := store(f, "DescribePermissionSet", arn, d, err); err != nil {
		return err
	}
	in, err := c.GetInlinePolicyForPermissionSet(ctx, &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: instance, PermissionSetArn: ps})
	if err := store(f, "GetInlinePolicyForPermissionSet", arn, in, err); err != nil {
		return err
	}
	var mp ssoadmin.ListManagedPoliciesInPermissionSetOutput
	for p := ssoadmin.NewListManagedPoliciesInPermissionSetPaginator(c, &ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: instance, PermissionSetArn: ps}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListManagedPoliciesInPermissionSet: %w", err)
		}
		mp.AttachedManagedPolicies = append(mp.AttachedManagedPolicies, page.AttachedManagedPolicies...)
	}
	if err := f.SetResource("ListManagedPoliciesInPermissionSet", arn, &mp); err != nil {
		return err
	}
	var cm ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput
	for p := ssoadmin.NewListCustomerManagedPolicyReferencesInPermissionSetPaginator(c, &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput{InstanceArn: instance, PermissionSetArn: ps}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListCustomerManagedPolicyReferencesInPermissionSet: %w", err)
		}
		cm.CustomerManagedPolicyReferences = append(cm.CustomerManagedPolicyReferences, page.CustomerManagedPolicyReferences...)
	}
	if err := f.SetResource("ListCustomerManagedPolicyReferencesInPermissionSet", arn, &cm); err != nil {
		return err
	}
	b, err := c.GetPermissionsBoundaryForPermissionSet(ctx, &ssoadmin.GetPermissionsBoundaryForPermissionSetInput{InstanceArn: instance, PermissionSetArn: ps})
	if err := store(f, "GetPermissionsBoundaryForPermissionSet", arn, b, err, "ResourceNotFoundException"); err != nil {
		return err
	}
	var tags ssoadmin.ListTagsForResourceOutput
	for p := ssoadmin.NewListTagsForResourcePaginator(c, &ssoadmin.ListTagsForResourceInput{InstanceArn: instance, ResourceArn: ps}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListTagsForResource: %w", err)
		}
		tags.Tags = append(tags.Tags, page.Tags...)
	}
	if err := f.SetResource("ListTagsForResource", arn, &tags); err != nil {
		return err
	}
	return fillAssignments(ctx, c, instance, arn, f)
}

func fillAssignments(ctx context.Context, c *ssoadmin.Client, instance *string, arn string, f *snapshot.ServiceFile) error {
	ps := aws.String(arn)
	var prov ssoadmin.ListAccountsForProvisionedPermissionSetOutput
	for p := ssoadmin.NewListAccountsForProvisionedPermissionSetPaginator(c, &ssoadmin.ListAccountsForProvisionedPermissionSetInput{InstanceArn: instance, PermissionSetArn: ps}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListAccountsForProvisionedPermissionSet: %w", err)
		}
		prov.AccountIds = append(prov.AccountIds, page.AccountIds...)
	}
	if err := f.SetResource("ListAccountsForProvisionedPermissionSet", arn, &prov); err != nil {
		return err
	}
	for _, acct := range prov.AccountIds {
		var as ssoadmin.ListAccountAssignmentsOutput
		for p := ssoadmin.NewListAccountAssignmentsPaginator(c, &ssoadmin.ListAccountAssignmentsInput{InstanceArn: instance, PermissionSetArn: ps, AccountId: aws.String(acct)}); p.HasMorePages(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("ListAccountAssignments %s: %w", acct, err)
			}
			as.AccountAssignments = append(as.AccountAssignments, page.AccountAssignments...)
		}
		if err := f.SetResource("ListAccountAssignments", arn+"|"+acct, &as); err != nil {
			return err
		}
	}
	return nil
}

// readOutdated lists the accounts where the permission set's latest
// version is not provisioned.
func readOutdated(ctx context.Context, c *ssoadmin.Client, instance *string, ps *PermissionSet) error {
	ps.Outdated = nil
	for p := ssoadmin.NewListAccountsForProvisionedPermissionSetPaginator(c, &ssoadmin.ListAccountsForProvisionedPermissionSetInput{
		InstanceArn: instance, PermissionSetArn: aws.String(ps.Arn), ProvisioningStatus: ssotypes.ProvisioningStatusLatestPermissionSetNotProvisioned}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("sso-admin ListAccountsForProvisionedPermissionSet %s: %w", ps.Arn, err)
		}
		ps.Outdated = append(ps.Outdated, page.AccountIds...)
	}
	return nil
}

// store records an output, or leaves it out when the call failed with
// one of the benign codes (no permissions boundary).
func store(f *snapshot.ServiceFile, op, res string, out any, err error, benign ...string) error {
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			for _, b := range benign {
				if ae.ErrorCode() == b {
					f.SetResourceError(op, res, b)
					return nil
				}
			}
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return f.SetResource(op, res, out)
}

func fillStore(ctx context.Context, c *identitystore.Client, storeID string, f *snapshot.ServiceFile) error {
	id := aws.String(storeID)
	var users identitystore.ListUsersOutput
	for p := identitystore.NewListUsersPaginator(c, &identitystore.ListUsersInput{IdentityStoreId: id}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("identitystore ListUsers: %w", err)
		}
		users.Users = append(users.Users, page.Users...)
	}
	var groups identitystore.ListGroupsOutput
	for p := identitystore.NewListGroupsPaginator(c, &identitystore.ListGroupsInput{IdentityStoreId: id}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("identitystore ListGroups: %w", err)
		}
		groups.Groups = append(groups.Groups, page.Groups...)
	}
	if err := f.SetResource("ListUsers", storeID, &users); err != nil {
		return err
	}
	if err := f.SetResource("ListGroups", storeID, &groups); err != nil {
		return err
	}
	for _, g := range groups.Groups {
		var m identitystore.ListGroupMembershipsOutput
		for p := identitystore.NewListGroupMembershipsPaginator(c, &identitystore.ListGroupMembershipsInput{IdentityStoreId: id, GroupId: g.GroupId}); p.HasMorePages(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("identitystore ListGroupMemberships: %w", err)
			}
			m.GroupMemberships = append(m.GroupMemberships, page.GroupMemberships...)
		}
		if err := f.SetResource("ListGroupMemberships", storeID+"|"+aws.ToString(g.GroupId), &m); err != nil {
			return err
		}
	}
	return nil
}
