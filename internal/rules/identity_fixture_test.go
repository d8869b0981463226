package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

const (
	fxInstance = "arn:aws:sso:::instance/ssoins-0000000000000001"
	fxPSAdmin  = "arn:aws:sso:::permissionSet/ssoins-0000000000000001/ps-admin000000001"
	fxPSRead   = "arn:aws:sso:::permissionSet/ssoins-0000000000000001/ps-read0000000001"
)

// identityCenter gives the fixture an Identity Center instance in the
// management account: AdministratorAccess for the payments team's group
// in its one account, ReadOnly for everyone's group everywhere.
func (f *fx) identityCenter() {
	f.set(acctM, region1, "ssoadmin", "ListInstances", &ssoadmin.ListInstancesOutput{Instances: []ssotypes.InstanceMetadata{{
		InstanceArn: awsv2.String(fxInstance), IdentityStoreId: awsv2.String("d-0000000001"), Name: awsv2.String("test")}}})
	f.setRes(acctM, region1, "ssoadmin", "ListPermissionSets", fxInstance, &ssoadmin.ListPermissionSetsOutput{PermissionSets: []string{fxPSAdmin, fxPSRead}})
	all := []string{acctM, acctA, acctL, acctW}
	for _, ps := range []struct{ arn, name, policy string }{{fxPSAdmin, "AdministratorAccess", "AdministratorAccess"}, {fxPSRead, "ReadOnly", "ReadOnlyAccess"}} {
		f.setRes(acctM, region1, "ssoadmin", "DescribePermissionSet", ps.arn, &ssoadmin.DescribePermissionSetOutput{PermissionSet: &ssotypes.PermissionSet{
			Name: awsv2.String(ps.name), PermissionSetArn: awsv2.String(ps.arn)}})
		f.setRes(acctM, region1, "ssoadmin", "GetInlinePolicyForPermissionSet", ps.arn, &ssoadmin.GetInlinePolicyForPermissionSetOutput{InlinePolicy: awsv2.String("")})
		f.setRes(acctM, region1, "ssoadmin", "ListManagedPoliciesInPermissionSet", ps.arn, &ssoadmin.ListManagedPoliciesInPermissionSetOutput{
			AttachedManagedPolicies: []ssotypes.AttachedManagedPolicy{{Arn: awsv2.String("arn:aws:iam::aws:policy/" + ps.policy), Name: awsv2.String(ps.policy)}}})
		accounts := all
		if ps.arn == fxPSAdmin {
			accounts = []string{acctW}
		}
		f.setRes(acctM, region1, "ssoadmin", "ListAccountsForProvisionedPermissionSet", ps.arn, &ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: accounts})
		for _, a := range accounts {
			f.assign(ps.arn, a, ssotypes.PrincipalTypeGroup, "group-"+ps.name)
		}
	}
}

// assign adds one account assignment to the fixture's Identity Center.
func (f *fx) assign(ps, account string, kind ssotypes.PrincipalType, principal string) {
	key := ps + "|" + account
	ff := f.file(acctM, region1, "ssoadmin")
	out, _ := ff.res["ListAccountAssignments"][key].(*ssoadmin.ListAccountAssignmentsOutput)
	if out == nil {
		out = &ssoadmin.ListAccountAssignmentsOutput{}
		f.setRes(acctM, region1, "ssoadmin", "ListAccountAssignments", key, out)
		prov := ff.res["ListAccountsForProvisionedPermissionSet"][ps].(*ssoadmin.ListAccountsForProvisionedPermissionSetOutput)
		if !contains(prov.AccountIds, account) {
			prov.AccountIds = append(prov.AccountIds, account)
		}
	}
	out.AccountAssignments = append(out.AccountAssignments, ssotypes.AccountAssignment{AccountId: awsv2.String(account),
		PermissionSetArn: awsv2.String(ps), PrincipalType: kind, PrincipalId: awsv2.String(principal)})
}
