package awstest

import "fmt"

// IdentityCenterSeed is an IAM Identity Center instance with the users
// and groups of its identity store, for tests and the dev server to
// start from (AWS has no API that creates an instance in an
// organization's management account).
type IdentityCenterSeed struct {
	InstanceArn     string // arn:aws:sso:::instance/ssoins-...
	IdentityStoreID string // d-...
	Name            string
	Users           []SeedUser
	Groups          []SeedGroup
}

// SeedUser is an identity-store user.
type SeedUser struct{ ID, UserName, DisplayName string }

// SeedGroup is an identity-store group and the user ids in it.
type SeedGroup struct {
	ID, DisplayName string
	Members         []string
}

// SeedIdentityCenter stores an instance without permission sets in the
// account and region, with its identity store, in the stored forms
// collect writes (ListGroupMemberships keeps each MemberId union as
// {"Value": id}).
func (s *Server) SeedIdentityCenter(account, region string, seed IdentityCenterSeed) error {
	inst := map[string]any{"Instances": []map[string]any{{"InstanceArn": seed.InstanceArn, "IdentityStoreId": seed.IdentityStoreID,
		"OwnerAccountId": account, "Status": "ACTIVE", "Name": seed.Name}}}
	users := []map[string]any{}
	for _, u := range seed.Users {
		users = append(users, map[string]any{"UserId": u.ID, "UserName": u.UserName, "DisplayName": u.DisplayName, "IdentityStoreId": seed.IdentityStoreID})
	}
	groups := []map[string]any{}
	for _, g := range seed.Groups {
		groups = append(groups, map[string]any{"GroupId": g.ID, "DisplayName": g.DisplayName, "IdentityStoreId": seed.IdentityStoreID})
		ms := []map[string]any{}
		for i, m := range g.Members {
			ms = append(ms, map[string]any{"GroupId": g.ID, "IdentityStoreId": seed.IdentityStoreID,
				"MembershipId": fmt.Sprintf("%s-m%d", g.ID, i), "MemberId": map[string]string{"Value": m}})
		}
		if err := s.SetOutput(account, region, "identitystore", "ListGroupMemberships", seed.IdentityStoreID+"|"+g.ID, map[string]any{"GroupMemberships": ms}); err != nil {
			return err
		}
	}
	for _, err := range []error{
		s.SetOutput(account, region, ssoFile, "ListInstances", "", inst),
		s.SetOutput(account, region, ssoFile, "ListPermissionSets", seed.InstanceArn, map[string]any{"PermissionSets": []string{}}),
		s.SetOutput(account, region, "identitystore", "ListUsers", seed.IdentityStoreID, map[string]any{"Users": users}),
		s.SetOutput(account, region, "identitystore", "ListGroups", seed.IdentityStoreID, map[string]any{"Groups": groups}),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
