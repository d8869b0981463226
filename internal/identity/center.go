// Package identity reads IAM Identity Center out of a snapshot: the
// instance, its permission sets with their policies, the account
// assignments and, where the identity store was collected, its users,
// groups and memberships. Profiles, rules and the authorization engine
// read this one model.
package identity

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// Center is one IAM Identity Center instance as a snapshot holds it.
type Center struct {
	InstanceArn     string
	IdentityStoreID string
	Name            string
	// Account and Region say where the instance was read: the
	// management account or the delegated administrator, in the
	// instance's home region.
	Account string
	Region  string

	PermissionSets []*PermissionSet // sorted by name
	Assignments    []Assignment     // sorted by account, permission set, principal

	// Directory is true when the identity store's users and groups were
	// collected; Users, Groups and Members are empty otherwise.
	Directory bool
	Users     []User
	Groups    []Group
	// Members maps a group id to the user ids in it.
	Members map[string][]string
}

// PermissionSet is a permission set with its policies.
type PermissionSet struct {
	Arn             string
	Name            string
	Description     string
	SessionDuration string
	RelayState      string
	ManagedPolicies []string // AWS managed policy ARNs
	InlinePolicy    string
	// CustomerPolicies are the customer managed policy references.
	CustomerPolicies []PolicyRef
	// Boundary is the permissions boundary; zero when there is none.
	Boundary Boundary
	Tags     map[string]string
	// Provisioned lists the accounts the permission set is provisioned to.
	Provisioned []string
	// Outdated lists the accounts where the latest version of the
	// permission set is not provisioned (read live only).
	Outdated []string
}

// PolicyRef names a customer managed policy by name and path.
type PolicyRef struct {
	Name string
	Path string
}

// String renders path + name ("/" when the path is empty).
func (r PolicyRef) String() string {
	if r.Path == "" {
		return "/" + r.Name
	}
	return r.Path + r.Name
}

// Boundary is a permission set's permissions boundary: an AWS managed
// policy ARN or a customer managed policy reference.
type Boundary struct {
	ManagedPolicyArn string
	Customer         PolicyRef
}

// String renders the boundary as the ARN or path + name; "" for none.
func (b Boundary) String() string {
	if b.ManagedPolicyArn != "" {
		return b.ManagedPolicyArn
	}
	if b.Customer.Name == "" {
		return ""
	}
	return b.Customer.String()
}

// Assignment gives a user or a group a permission set in one account.
type Assignment struct {
	Account       string
	PermissionSet string // ARN
	PrincipalType string // USER or GROUP
	PrincipalID   string
}

// User is an identity-store user.
type User struct {
	ID          string
	UserName    string
	DisplayName string
}

// Group is an identity-store group.
type Group struct {
	ID          string
	DisplayName string
}

// Principal types of an assignment, as AWS spells them.
const (
	PrincipalUser  = "USER"
	PrincipalGroup = "GROUP"
)

// SSOServicePrincipal is the service principal whose delegated
// administrator may hold the instance.
const SSOServicePrincipal = "sso.amazonaws.com"

// Load finds the Identity Center instance of a snapshot, looking in the
// management account and in the delegated administrator for
// sso.amazonaws.com, in every region collected for them. It returns
// nil and no error when the organization has no instance, and an error
// (wrapping snapshot.ErrNotCollected or a gap) when that cannot be told
// because the ssoadmin data is missing.
func Load(s *snapshot.Snapshot) (*Center, error) {
	candidates := []string{s.Org.MasterAccountId}
	if d := s.Org.DelegatedAdminFor(SSOServicePrincipal); d != "" && d != s.Org.MasterAccountId {
		candidates = append(candidates, d)
	}
	read := 0
	var firstGap error
	for _, acct := range candidates {
		if acct == "" {
			continue
		}
		for _, region := range s.Regions(acct) {
			f, err := s.Service(acct, region, "ssoadmin")
			if err != nil {
				if errors.Is(err, snapshot.ErrNotCollected) {
					continue
				}
				var gap *snapshot.GapError
				if errors.As(err, &gap) {
					if firstGap == nil {
						firstGap = err
					}
					continue
				}
				return nil, err
			}
			read++
			var inst ssoadmin.ListInstancesOutput
			if ok, err := f.Get("ListInstances", &inst); err != nil {
				return nil, fmt.Errorf("%s %s ssoadmin ListInstances: %w", acct, region, err)
			} else if !ok || len(inst.Instances) == 0 {
				continue
			}
			in := inst.Instances[0]
			c := &Center{InstanceArn: deref(in.InstanceArn), IdentityStoreID: deref(in.IdentityStoreId),
				Name: deref(in.Name), Account: acct, Region: region, Members: map[string][]string{}}
			if err := c.readAdmin(f); err != nil {
				return nil, fmt.Errorf("%s %s ssoadmin: %w", acct, region, err)
			}
			if err := c.readStore(s); err != nil {
				return nil, err
			}
			c.index()
			return c, nil
		}
	}
	if firstGap != nil {
		return nil, fmt.Errorf("IAM Identity Center: %w", firstGap)
	}
	if read == 0 {
		return nil, fmt.Errorf("IAM Identity Center: no ssoadmin data for the management account: %w", snapshot.ErrNotCollected)
	}
	return nil, nil
}

func (c *Center) readAdmin(f *snapshot.ServiceFile) error {
	var sets ssoadmin.ListPermissionSetsOutput
	if _, err := f.GetResource("ListPermissionSets", c.InstanceArn, &sets); err != nil {
		return err
	}
	for _, arn := range sets.PermissionSets {
		ps := &PermissionSet{Arn: arn, Name: arn[strings.LastIndexByte(arn, '/')+1:]}
		var d ssoadmin.DescribePermissionSetOutput
		if ok, err := f.GetResource("DescribePermissionSet", arn, &d); err != nil {
			return err
		} else if ok && d.PermissionSet != nil {
			p := d.PermissionSet
			ps.Name, ps.Description = deref(p.Name), deref(p.Description)
			ps.SessionDuration, ps.RelayState = deref(p.SessionDuration), deref(p.RelayState)
		}
		var in ssoadmin.GetInlinePolicyForPermissionSetOutput
		if _, err := f.GetResource("GetInlinePolicyForPermissionSet", arn, &in); err != nil {
			return err
		}
		ps.InlinePolicy = deref(in.InlinePolicy)
		var mp ssoadmin.ListManagedPoliciesInPermissionSetOutput
		if _, err := f.GetResource("ListManagedPoliciesInPermissionSet", arn, &mp); err != nil {
			return err
		}
		for _, p := range mp.AttachedManagedPolicies {
			ps.ManagedPolicies = append(ps.ManagedPolicies, deref(p.Arn))
		}
		var prov ssoadmin.ListAccountsForProvisionedPermissionSetOutput
		if _, err := f.GetResource("ListAccountsForProvisionedPermissionSet", arn, &prov); err != nil {
			return err
		}
		ps.Provisioned = append(ps.Provisioned, prov.AccountIds...)
		if err := readExtras(f, ps); err != nil {
			return err
		}
		for _, acct := range prov.AccountIds {
			var as ssoadmin.ListAccountAssignmentsOutput
			if _, err := f.GetResource("ListAccountAssignments", arn+"|"+acct, &as); err != nil {
				return err
			}
			for _, a := range as.AccountAssignments {
				c.Assignments = append(c.Assignments, Assignment{Account: deref(a.AccountId), PermissionSet: arn,
					PrincipalType: string(a.PrincipalType), PrincipalID: deref(a.PrincipalId)})
			}
		}
		c.PermissionSets = append(c.PermissionSets, ps)
	}
	sort.Slice(c.PermissionSets, func(i, j int) bool { return c.PermissionSets[i].Name < c.PermissionSets[j].Name })
	sort.Slice(c.Assignments, func(i, j int) bool {
		a, b := c.Assignments[i], c.Assignments[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.PermissionSet != b.PermissionSet {
			return a.PermissionSet < b.PermissionSet
		}
		return a.PrincipalID < b.PrincipalID
	})
	return nil
}

// readStore reads the identity store's users, groups and memberships
// when the snapshot has them (service identitystore, same account and
// region as the instance).
func (c *Center) readStore(s *snapshot.Snapshot) error {
	f, err := s.Service(c.Account, c.Region, "identitystore")
	if err != nil {
		var gap *snapshot.GapError
		if errors.Is(err, snapshot.ErrNotCollected) || errors.As(err, &gap) {
			return nil
		}
		return err
	}
	return c.readStoreFile(f)
}

// readStoreFile reads users, groups and memberships from an
// identitystore service file.
func (c *Center) readStoreFile(f *snapshot.ServiceFile) error {
	var users identitystore.ListUsersOutput
	okU, err := f.GetResource("ListUsers", c.IdentityStoreID, &users)
	if err != nil {
		return fmt.Errorf("%s %s identitystore ListUsers: %w", c.Account, c.Region, err)
	}
	var groups identitystore.ListGroupsOutput
	okG, err := f.GetResource("ListGroups", c.IdentityStoreID, &groups)
	if err != nil {
		return fmt.Errorf("%s %s identitystore ListGroups: %w", c.Account, c.Region, err)
	}
	c.Directory = okU && okG
	for _, u := range users.Users {
		c.Users = append(c.Users, User{ID: deref(u.UserId), UserName: deref(u.UserName), DisplayName: deref(u.DisplayName)})
	}
	for _, g := range groups.Groups {
		c.Groups = append(c.Groups, Group{ID: deref(g.GroupId), DisplayName: deref(g.DisplayName)})
		// MemberId is a union (MemberIdMemberUserId): stored as {"Value": id}.
		var m struct {
			GroupMemberships []struct{ MemberId struct{ Value string } }
		}
		if _, err := f.GetResource("ListGroupMemberships", c.IdentityStoreID+"|"+deref(g.GroupId), &m); err != nil {
			return fmt.Errorf("%s %s identitystore ListGroupMemberships: %w", c.Account, c.Region, err)
		}
		for _, gm := range m.GroupMemberships {
			if id := gm.MemberId.Value; id != "" {
				c.Members[deref(g.GroupId)] = append(c.Members[deref(g.GroupId)], id)
			}
		}
	}
	return nil
}

// PermissionSetByArn returns the permission set with that ARN, or nil.
func (c *Center) PermissionSetByArn(arn string) *PermissionSet {
	for _, ps := range c.PermissionSets {
		if ps.Arn == arn {
			return ps
		}
	}
	return nil
}

// PermissionSetByName returns the permission set with that name, or nil.
func (c *Center) PermissionSetByName(name string) *PermissionSet {
	for _, ps := range c.PermissionSets {
		if ps.Name == name {
			return ps
		}
	}
	return nil
}

// User returns the user whose user name or display name is name.
func (c *Center) User(name string) *User {
	for i, u := range c.Users {
		if u.UserName == name || u.DisplayName == name || u.ID == name {
			return &c.Users[i]
		}
	}
	return nil
}

// GroupName returns a group's display name, or its id when unknown.
func (c *Center) GroupName(id string) string {
	for _, g := range c.Groups {
		if g.ID == id {
			return g.DisplayName
		}
	}
	return id
}

// PrincipalName returns the display name of an assignment's principal,
// or its id when the directory was not collected.
func (c *Center) PrincipalName(a Assignment) string {
	if a.PrincipalType == PrincipalGroup {
		return c.GroupName(a.PrincipalID)
	}
	for _, u := range c.Users {
		if u.ID == a.PrincipalID {
			return u.UserName
		}
	}
	return a.PrincipalID
}

// AssignmentsOf returns the assignments a user holds directly or through
// the groups they belong to.
func (c *Center) AssignmentsOf(userID string) []Assignment {
	groups := map[string]bool{}
	for g, members := range c.Members {
		for _, m := range members {
			if m == userID {
				groups[g] = true
			}
		}
	}
	var out []Assignment
	for _, a := range c.Assignments {
		if (a.PrincipalType == PrincipalUser && a.PrincipalID == userID) || (a.PrincipalType == PrincipalGroup && groups[a.PrincipalID]) {
			out = append(out, a)
		}
	}
	return out
}

// RoleNamePrefix is the start of the name of the IAM role that Identity
// Center creates in each account for a permission set
// (AWSReservedSSO_<name>_<suffix>, under the path
// /aws-reserved/sso.amazonaws.com/).
func RoleNamePrefix(permissionSet string) string { return "AWSReservedSSO_" + permissionSet + "_" }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// RoleARN returns the ARN of the IAM role Identity Center created for
// a permission set in an account, read from the account's IAM data in
// the snapshot (GetAccountAuthorizationDetails): the role under the
// path /aws-reserved/sso.amazonaws.com/ whose name starts with
// RoleNamePrefix(permissionSet).
func RoleARN(s *snapshot.Snapshot, account, permissionSet string) (string, error) {
	f, err := s.Service(account, snapshot.Global, "iam")
	if err != nil {
		return "", fmt.Errorf("account %s: %w", account, err)
	}
	var d iam.GetAccountAuthorizationDetailsOutput
	if _, err := f.Get("GetAccountAuthorizationDetails", &d); err != nil {
		return "", fmt.Errorf("account %s IAM: %w", account, err)
	}
	prefix := RoleNamePrefix(permissionSet)
	for _, r := range d.RoleDetailList {
		if strings.HasPrefix(deref(r.Path), "/aws-reserved/sso.amazonaws.com/") && strings.HasPrefix(deref(r.RoleName), prefix) {
			return deref(r.Arn), nil
		}
	}
	return "", fmt.Errorf("account %s has no Identity Center role for permission set %s (no role %s* under /aws-reserved/sso.amazonaws.com/): is it provisioned there?", account, permissionSet, prefix)
}
