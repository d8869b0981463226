package identity

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
)

// readExtras reads what a permission set has besides its description,
// inline policy and AWS managed policies: customer managed policy
// references, the permissions boundary and tags. Snapshots made before
// orgrail collected them simply lack them.
func readExtras(f interface {
	GetResource(op, res string, v any) (bool, error)
}, ps *PermissionSet) error {
	var cm ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput
	if _, err := f.GetResource("ListCustomerManagedPolicyReferencesInPermissionSet", ps.Arn, &cm); err != nil {
		return err
	}
	for _, r := range cm.CustomerManagedPolicyReferences {
		ps.CustomerPolicies = append(ps.CustomerPolicies, PolicyRef{Name: deref(r.Name), Path: deref(r.Path)})
	}
	sort.Slice(ps.CustomerPolicies, func(i, j int) bool {
		return ps.CustomerPolicies[i].String() < ps.CustomerPolicies[j].String()
	})
	var b ssoadmin.GetPermissionsBoundaryForPermissionSetOutput
	if _, err := f.GetResource("GetPermissionsBoundaryForPermissionSet", ps.Arn, &b); err != nil {
		return err
	}
	if pb := b.PermissionsBoundary; pb != nil {
		ps.Boundary.ManagedPolicyArn = deref(pb.ManagedPolicyArn)
		if r := pb.CustomerManagedPolicyReference; r != nil {
			ps.Boundary.Customer = PolicyRef{Name: deref(r.Name), Path: deref(r.Path)}
		}
	}
	var t ssoadmin.ListTagsForResourceOutput
	if _, err := f.GetResource("ListTagsForResource", ps.Arn, &t); err != nil {
		return err
	}
	for _, tag := range t.Tags {
		if ps.Tags == nil {
			ps.Tags = map[string]string{}
		}
		ps.Tags[deref(tag.Key)] = deref(tag.Value)
	}
	sort.Strings(ps.ManagedPolicies)
	return nil
}

// index sorts the model (permission sets by name, assignments by
// account, permission set and principal).
func (c *Center) index() {
	sort.Slice(c.PermissionSets, func(i, j int) bool { return c.PermissionSets[i].Name < c.PermissionSets[j].Name })
	sort.Slice(c.Assignments, func(i, j int) bool {
		a, b := c.Assignments[i], c.Assignments[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.PermissionSet != b.PermissionSet {
			return a.PermissionSet < b.PermissionSet
		}
		return a.PrincipalType+a.PrincipalID < b.PrincipalType+b.PrincipalID
	})
}

// GroupByName returns the group with that display name, or nil.
func (c *Center) GroupByName(name string) *Group {
	for i, g := range c.Groups {
		if g.DisplayName == name {
			return &c.Groups[i]
		}
	}
	return nil
}

// HasAssignment reports whether the assignment exists.
func (c *Center) HasAssignment(a Assignment) bool {
	for _, x := range c.Assignments {
		if x == a {
			return true
		}
	}
	return false
}
