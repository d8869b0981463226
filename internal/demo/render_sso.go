package demo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

// permissionSets of the organization's IAM Identity Center instance.
var permissionSets = []struct{ id, name, policy, desc, group string }{
	{"ps-4f1c2a9b7d3e8a60", "AdministratorAccess", "AdministratorAccess", "Platform administrators", "kumo-platform-admins"},
	{"ps-9b2e7c41d05f3a18", "ReadOnly", "ReadOnlyAccess", "Read-only access for every engineer", "kumo-engineers"},
	{"ps-2d7a90e1c4b6f835", "SecurityAudit", "SecurityAudit", "Security team audit access", "kumo-security"},
}

const ssoInstance = "arn:aws:sso:::instance/ssoins-7223a1f5c0d9e4b2"

// renderSSO writes Identity Center in the management account's home
// region; elsewhere the file holds an empty instance list.
func renderSSO(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "ssoadmin")
	if a != w.mgmt || rr.region != w.home {
		f.put("ListInstances", ssoadmin.ListInstancesOutput{Instances: []ssotypes.InstanceMetadata{}})
		return f
	}
	created := a.JoinedTimestamp.Add(3 * time.Hour)
	f.put("ListInstances", ssoadmin.ListInstancesOutput{Instances: []ssotypes.InstanceMetadata{{InstanceArn: aws.String(ssoInstance),
		IdentityStoreId: aws.String("d-9067c3a1f2"), OwnerAccountId: aws.String(a.Id), Status: ssotypes.InstanceStatusActive,
		Name: aws.String("Kumo Foods"), CreatedDate: ptime(created)}}})
	var arns []string
	var all []string
	for _, acc := range w.accounts {
		if !acc.suspended {
			all = append(all, acc.Id)
		}
	}
	for i, ps := range permissionSets {
		arn := fmt.Sprintf("arn:aws:sso:::permissionSet/ssoins-7223a1f5c0d9e4b2/%s", ps.id)
		arns = append(arns, arn)
		f.res("DescribePermissionSet", arn, ssoadmin.DescribePermissionSetOutput{PermissionSet: &ssotypes.PermissionSet{
			Name: aws.String(ps.name), PermissionSetArn: aws.String(arn), Description: aws.String(ps.desc),
			SessionDuration: aws.String("PT4H"), CreatedDate: ptime(created)}})
		f.res("GetInlinePolicyForPermissionSet", arn, ssoadmin.GetInlinePolicyForPermissionSetOutput{InlinePolicy: aws.String("")})
		policyARN := awsPolicyPrefix + ps.policy
		f.res("ListManagedPoliciesInPermissionSet", arn, ssoadmin.ListManagedPoliciesInPermissionSetOutput{
			AttachedManagedPolicies: []ssotypes.AttachedManagedPolicy{{Arn: aws.String(policyARN), Name: aws.String(ps.policy)}}})
		f.res("ListAccountsForProvisionedPermissionSet", arn, ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: all})
		for _, id := range all {
			f.res("ListAccountAssignments", arn+"|"+id, ssoadmin.ListAccountAssignmentsOutput{AccountAssignments: []ssotypes.AccountAssignment{{
				AccountId: aws.String(id), PermissionSetArn: aws.String(arn), PrincipalType: ssotypes.PrincipalTypeGroup,
				PrincipalId: aws.String(fmt.Sprintf("9067c3a1f2-%08x-4c1d-9e2f-%012x", 0x1f2e3d4c+i, 0xa1b2c3d4e5+i))}}})
		}
	}
	f.res("ListPermissionSets", ssoInstance, ssoadmin.ListPermissionSetsOutput{PermissionSets: arns})
	return f
}
