package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/severity"
)

// typePermissionSet is the CloudFormation type of a permission set.
const typePermissionSet = "AWS::SSO::PermissionSet"

func init() {
	register(
		&Rule{ID: "identity.admin-assigned-broadly", Title: "Administrator permission sets are not assigned across the organization", Severity: severity.High,
			Scope: ScopeOrg, ResourceType: typePermissionSet, Services: []string{"ssoadmin"},
			Rationale:   "An administrator permission set assigned in most accounts turns one stolen sign-in into administrator access everywhere; least privilege gives admin rights only where a team runs its systems.",
			Remediation: "Assign the administrator permission set only in the accounts its group operates, and give everyone else a read-only or job-function permission set.",
			Mappings:    findings.Mappings{NistCsf: "PR.AA"},
			check:       checkAdminBroadly},
		&Rule{ID: "identity.assignment-to-group", Title: "Identity Center access is assigned to groups, not users", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typePermissionSet, Services: []string{"ssoadmin"},
			Rationale:   "Access given to a person directly is forgotten when they change teams; access given to a group follows the membership the identity provider manages.",
			Remediation: "Add the user to a group that holds the permission set in the account, then delete the user assignment.",
			Mappings:    findings.Mappings{NistCsf: "PR.AA"},
			check:       checkAssignmentToGroup},
		&Rule{ID: "identity.unused-permission-set", Title: "Every permission set is assigned somewhere", Severity: severity.Low,
			Scope: ScopeOrg, ResourceType: typePermissionSet, Services: []string{"ssoadmin"},
			Rationale:   "A permission set nobody holds is unreviewed access waiting to be assigned; removing it keeps the catalogue of access small and readable.",
			Remediation: "Delete the permission set, or assign it to the group that needs it.",
			Mappings:    findings.Mappings{NistCsf: "PR.AA"},
			check:       checkUnusedPermissionSet},
		&Rule{ID: "identity.iam-user-access-keys", Title: "No IAM user access keys where Identity Center is in use", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::IAM::User", Services: []string{"iam", "ssoadmin"},
			Rationale:   "Long-lived access keys leak from laptops, CI logs and repositories; with IAM Identity Center people get short-lived credentials, and workloads should use roles.",
			Remediation: "Replace the key with Identity Center access (aws sso login) for people, or an IAM role (OIDC federation for CI) for workloads; then deactivate and delete the key.",
			Mappings:    findings.Mappings{NistCsf: "PR.AA"},
			check:       checkIAMUserKeys},
	)
}

// broadShare is the share of the organization's active accounts above
// which an administrator permission set counts as assigned broadly.
const broadShare = 0.5

func (c *Ctx) center() (*identity.Center, error) {
	return c.run.facts.center, c.run.facts.centerErr
}

// adminPermissionSet reports whether a permission set grants full
// administrator access: the AdministratorAccess managed policy, or an
// inline statement allowing * on *.
func adminPermissionSet(ps *identity.PermissionSet) bool {
	for _, arn := range ps.ManagedPolicies {
		if strings.HasSuffix(arn, ":policy/AdministratorAccess") {
			return true
		}
	}
	if ps.InlinePolicy == "" {
		return false
	}
	sts, err := parsePolicy(ps.InlinePolicy)
	if err != nil {
		return false
	}
	for _, s := range sts {
		if s.adminAccess() {
			return true
		}
	}
	return false
}

func checkAdminBroadly(c *Ctx) error {
	ic, err := c.center()
	if err != nil {
		return err
	}
	if ic == nil {
		c.NA("", "the organization has no IAM Identity Center instance")
		return nil
	}
	active := 0
	for _, a := range c.Org().Accounts {
		if a.Status == "ACTIVE" || a.Status == "" {
			active++
		}
	}
	for _, ps := range ic.PermissionSets {
		if !adminPermissionSet(ps) {
			c.NA(ps.Arn, "permission set %s does not grant administrator access", ps.Name)
			continue
		}
		accounts := map[string]bool{}
		for _, a := range ic.Assignments {
			if a.PermissionSet == ps.Arn {
				accounts[a.Account] = true
			}
		}
		n := len(accounts)
		if active > 0 && float64(n) > broadShare*float64(active) && n > 2 {
			c.Fail(ps.Arn, "administrator permission set %s is assigned in %d of %d active accounts", ps.Name, n, active)
		} else {
			c.Pass(ps.Arn, "administrator permission set %s is assigned in %d of %d active accounts", ps.Name, n, active)
		}
	}
	return nil
}

func checkAssignmentToGroup(c *Ctx) error {
	ic, err := c.center()
	if err != nil {
		return err
	}
	if ic == nil {
		return nil // no Identity Center: nothing to say in each account
	}
	seen := map[string][]string{} // permission set ARN → users assigned directly
	has := map[string]bool{}
	for _, a := range ic.Assignments {
		if a.Account != c.accountID() {
			continue
		}
		has[a.PermissionSet] = true
		if a.PrincipalType == identity.PrincipalUser {
			seen[a.PermissionSet] = append(seen[a.PermissionSet], ic.PrincipalName(a))
		}
	}
	if len(has) == 0 {
		c.NA("", "no Identity Center assignment in this account")
		return nil
	}
	arns := make([]string, 0, len(has))
	for arn := range has {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		name := arn
		if ps := ic.PermissionSetByArn(arn); ps != nil {
			name = ps.Name
		}
		if users := seen[arn]; len(users) > 0 {
			c.Fail(arn, "permission set %s is assigned directly to user(s) %s", name, strings.Join(users, ", "))
		} else {
			c.Pass(arn, "permission set %s is assigned to groups only", name)
		}
	}
	return nil
}

func checkUnusedPermissionSet(c *Ctx) error {
	ic, err := c.center()
	if err != nil {
		return err
	}
	if ic == nil {
		c.NA("", "the organization has no IAM Identity Center instance")
		return nil
	}
	used := map[string]int{}
	for _, a := range ic.Assignments {
		used[a.PermissionSet]++
	}
	for _, ps := range ic.PermissionSets {
		n := used[ps.Arn]
		c.Check(n > 0, ps.Arn, fmt.Sprintf("permission set %s has %d assignments", ps.Name, n),
			fmt.Sprintf("permission set %s is assigned to nobody in any account", ps.Name))
	}
	return nil
}

func checkIAMUserKeys(c *Ctx) error {
	ic, err := c.center()
	if err != nil {
		return err
	}
	if ic == nil {
		c.NA("", "the organization does not use IAM Identity Center")
		return nil
	}
	return eachUser(c, func(u *credUser) {
		active := 0
		for _, k := range u.Keys {
			if k.Active {
				active++
			}
		}
		c.Check(active == 0, u.Arn, "user "+u.User+" has no active access key",
			fmt.Sprintf("user %s has %d active access key(s) although people sign in through IAM Identity Center", u.User, active))
	})
}
