package demo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idstypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

// permissionSets of the organization's IAM Identity Center instance.
var permissionSets = []struct{ id, name, policy, desc, group string }{
	{"ps-4f1c2a9b7d3e8a60", "AdministratorAccess", "AdministratorAccess", "Platform administrators", "kumo-platform-admins"},
	{"ps-9b2e7c41d05f3a18", "ReadOnly", "ReadOnlyAccess", "Read-only access for every engineer", "kumo-engineers"},
	{"ps-2d7a90e1c4b6f835", "SecurityAudit", "SecurityAudit", "Security team audit access", "kumo-security"},
	// Planted: a permission set nobody is assigned (identity.unused-permission-set).
	{"ps-6e0d4b2a9c1f7358", "LegacyPowerUser", "PowerUserAccess", "Power users before the move to groups", ""},
}

// directUser is the planted user assigned AdministratorAccess directly
// (identity.assignment-to-group) in directAdminAccount.
const directUser = "dan.contractor"

// directAdminAccount is the workload account where directUser holds
// AdministratorAccess: payments-prod in the Kumo organization, the first
// workload account of a synthetic one.
func directAdminAccount(w *world) *acct {
	if a := w.byName["payments-prod"]; a != nil {
		return a
	}
	for _, a := range w.accounts {
		if a.kind == kindWorkload && !a.suspended {
			return a
		}
	}
	return nil
}

// identityUsers are the identity store's users and the groups (by
// permission set index) they belong to.
var identityUsers = []struct {
	name, display string
	groups        []int
}{
	{"akiko.sato", "Akiko Sato", []int{0, 1}},
	{"ben.jones", "Ben Jones", []int{1}},
	{"chiara.rossi", "Chiara Rossi", []int{1, 2}},
	{directUser, "Dan (contractor)", nil},
}

func groupID(i int) string {
	return fmt.Sprintf("9067c3a1f2-%08x-4c1d-9e2f-%012x", 0x1f2e3d4c+i, 0xa1b2c3d4e5+i)
}
func userID(i int) string {
	return fmt.Sprintf("9067c3a1f2-%08x-4a7b-8c3d-%012x", 0x5c4b3a29+i, 0xb2c3d4e5f6+i)
}

const identityStoreID = "d-9067c3a1f2"

// plantIdentity records the identity violations the demo plants: the
// administrator permission set assigned in every account, a user
// assignment, an unused permission set, and every IAM user with an
// active access key (the organization uses Identity Center).
func plantIdentity(w *world) {
	mgmt := w.mgmt
	psArn := func(id string) string { return "arn:aws:sso:::permissionSet/ssoins-7223a1f5c0d9e4b2/" + id }
	w.planted.Violations = append(w.planted.Violations,
		violation{ConfigRule: "identity.admin-assigned-broadly", Account: mgmt.Id, Region: globalRegion, ResourceArn: psArn(permissionSets[0].id)},
		violation{ConfigRule: "identity.unused-permission-set", Account: mgmt.Id, Region: globalRegion, ResourceArn: psArn(permissionSets[3].id)})
	if a := directAdminAccount(w); a != nil {
		w.planted.Violations = append(w.planted.Violations,
			violation{ConfigRule: "identity.assignment-to-group", Account: a.Id, Region: globalRegion, ResourceArn: psArn(permissionSets[0].id)})
	}
	for _, a := range w.accounts {
		for _, u := range a.users {
			for _, k := range u.keys {
				if k.active {
					w.planted.Violations = append(w.planted.Violations,
						violation{ConfigRule: "identity.iam-user-access-keys", Account: a.Id, Region: globalRegion, ResourceArn: userARN(a, u.name)})
					break
				}
			}
		}
	}
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
	direct := directAdminAccount(w)
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
		f.res("ListCustomerManagedPolicyReferencesInPermissionSet", arn, ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput{
			CustomerManagedPolicyReferences: []ssotypes.CustomerManagedPolicyReference{}})
		f.SetResourceError("GetPermissionsBoundaryForPermissionSet", arn, "ResourceNotFoundException")
		f.res("ListTagsForResource", arn, ssoadmin.ListTagsForResourceOutput{Tags: []ssotypes.Tag{{Key: aws.String("Owner"), Value: aws.String("platform")}}})
		if ps.group == "" {
			f.res("ListAccountsForProvisionedPermissionSet", arn, ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: []string{}})
			continue
		}
		f.res("ListAccountsForProvisionedPermissionSet", arn, ssoadmin.ListAccountsForProvisionedPermissionSetOutput{AccountIds: all})
		for _, id := range all {
			as := []ssotypes.AccountAssignment{{AccountId: aws.String(id), PermissionSetArn: aws.String(arn),
				PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: aws.String(groupID(i))}}
			if i == 0 && direct != nil && id == direct.Id {
				as = append(as, ssotypes.AccountAssignment{AccountId: aws.String(id), PermissionSetArn: aws.String(arn),
					PrincipalType: ssotypes.PrincipalTypeUser, PrincipalId: aws.String(userID(len(identityUsers) - 1))})
			}
			f.res("ListAccountAssignments", arn+"|"+id, ssoadmin.ListAccountAssignmentsOutput{AccountAssignments: as})
		}
	}
	f.res("ListPermissionSets", ssoInstance, ssoadmin.ListPermissionSetsOutput{PermissionSets: arns})
	return f
}

// renderIdentityStore writes the identity store beside the instance:
// users, the groups the permission sets are assigned to, memberships.
// Elsewhere the file is empty, as the collector leaves it.
func renderIdentityStore(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "identitystore")
	if a != w.mgmt || rr.region != w.home {
		return f
	}
	var users []idstypes.User
	for i, u := range identityUsers {
		users = append(users, idstypes.User{UserId: aws.String(userID(i)), IdentityStoreId: aws.String(identityStoreID),
			UserName: aws.String(u.name), DisplayName: aws.String(u.display)})
	}
	f.res("ListUsers", identityStoreID, identitystore.ListUsersOutput{Users: users})
	var groups []idstypes.Group
	for i, ps := range permissionSets {
		if ps.group == "" {
			continue
		}
		groups = append(groups, idstypes.Group{GroupId: aws.String(groupID(i)), IdentityStoreId: aws.String(identityStoreID),
			DisplayName: aws.String(ps.group)})
		ms := []idstypes.GroupMembership{}
		for j, u := range identityUsers {
			for _, g := range u.groups {
				if g == i {
					ms = append(ms, idstypes.GroupMembership{GroupId: aws.String(groupID(i)), IdentityStoreId: aws.String(identityStoreID),
						MembershipId: aws.String(fmt.Sprintf("%s-m%02d%02d", identityStoreID[2:], i, j)),
						MemberId:     &idstypes.MemberIdMemberUserId{Value: userID(j)}})
				}
			}
		}
		f.res("ListGroupMemberships", identityStoreID+"|"+groupID(i), identitystore.ListGroupMembershipsOutput{GroupMemberships: ms})
	}
	f.res("ListGroups", identityStoreID, identitystore.ListGroupsOutput{Groups: groups})
	return f
}
