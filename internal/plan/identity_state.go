package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgrail/orgrail/internal/identity"
)

// IsIdentity reports whether a change acts on Identity Center.
func IsIdentity(k Kind) bool {
	switch k {
	case KindPermissionSet, KindPSManaged, KindPSCustomer, KindPSInline, KindPSBoundary, KindPSProvision, KindAccountAssign:
		return true
	}
	return false
}

// observeIdentity is Observe for the Identity Center kinds.
func observeIdentity(ch *Change, v *View) string {
	if v.IDC == nil {
		return StateAbsent
	}
	r := ch.Ref
	ps := v.IDC.PermissionSetByName(r.PermissionSet)
	if ps == nil {
		// What the kind reads as before the permission set exists, so
		// that changes planned before its creation stay current.
		switch ch.Kind {
		case KindPSProvision:
			return StateCurrent
		case KindPSManaged, KindPSCustomer:
			return StateDetached
		}
		return StateAbsent
	}
	switch ch.Kind {
	case KindPermissionSet:
		switch ch.Action {
		case Update:
			return psFingerprint(ps.Description, orDefault(ps.SessionDuration, "PT1H"), ps.RelayState)
		case Tag:
			return tagsFingerprint(ps.Tags)
		}
		return StatePresent
	case KindPSManaged:
		return attachedState(slices.Contains(ps.ManagedPolicies, r.Policy))
	case KindPSCustomer:
		return attachedState(slices.ContainsFunc(ps.CustomerPolicies, func(p identity.PolicyRef) bool { return p.String() == r.Policy }))
	case KindPSInline:
		if ps.InlinePolicy == "" {
			return StateAbsent
		}
		return inlineFingerprint(ps.InlinePolicy)
	case KindPSBoundary:
		if s := ps.Boundary.String(); s != "" {
			return "boundary:" + s
		}
		return StateAbsent
	case KindPSProvision:
		if len(ps.Outdated) > 0 {
			return StateOutdated
		}
		return StateCurrent
	case KindAccountAssign:
		id := accountID(ch, v)
		if id != "" && v.IDC.HasAssignment(identity.Assignment{Account: id, PermissionSet: ps.Arn, PrincipalType: r.PrincipalType, PrincipalID: r.PrincipalID}) {
			return StatePresent
		}
		return StateAbsent
	}
	return ""
}

func attachedState(ok bool) string {
	if ok {
		return StateAttached
	}
	return StateDetached
}

// accountID resolves the account of an assignment change: the live
// account of its configured name, else the id recorded at plan time.
func accountID(ch *Change, v *View) string {
	if a := v.Account(ch.Ref.Account); a != nil {
		return a.Id
	}
	if a := v.Org.Account(ch.Ref.AccountID); a != nil {
		return a.Id
	}
	if a := v.Org.Account(ch.Ref.Account); a != nil {
		return a.Id
	}
	return ch.Ref.AccountID
}

// AccountID returns the account id an assignment change acts on in the
// organization v shows; "" when the account does not exist (yet).
func AccountID(ch *Change, v *View) string { return accountID(ch, v) }

// effectIdentity is Effect for the Identity Center kinds: it changes
// v.IDC as AWS does. id is the ARN of a created permission set.
func effectIdentity(v *View, ch *Change, id string) error {
	c := v.IDC
	if c == nil {
		return fmt.Errorf("%s: no Identity Center instance", ch.Address)
	}
	r := ch.Ref
	if ch.Kind == KindPermissionSet && ch.Action == Create {
		ps := &identity.PermissionSet{Arn: id, Name: r.PermissionSet, Description: ch.After.Description,
			SessionDuration: ch.After.SessionDuration, RelayState: ch.After.RelayState, Tags: ch.After.Tags}
		c.PermissionSets = append(c.PermissionSets, ps)
		return nil
	}
	ps := c.PermissionSetByName(r.PermissionSet)
	if ps == nil {
		return fmt.Errorf("%s: permission set %s not found", ch.Address, r.PermissionSet)
	}
	changed := true
	switch ch.Kind {
	case KindPermissionSet:
		changed = psAttrsEffect(c, ps, ch)
	case KindPSManaged:
		ps.ManagedPolicies = slices.DeleteFunc(ps.ManagedPolicies, func(a string) bool { return a == r.Policy })
		if ch.Action == Attach {
			ps.ManagedPolicies = append(ps.ManagedPolicies, r.Policy)
		}
	case KindPSCustomer:
		ps.CustomerPolicies = slices.DeleteFunc(ps.CustomerPolicies, func(p identity.PolicyRef) bool { return p.String() == r.Policy })
		if ch.Action == Attach {
			ps.CustomerPolicies = append(ps.CustomerPolicies, parseRef(r.Policy))
		}
	case KindPSInline:
		ps.InlinePolicy = ""
		if ch.Action != Delete {
			ps.InlinePolicy = ch.After.Content
		}
	case KindPSBoundary:
		ps.Boundary = identity.Boundary{}
		if ch.Action != Delete {
			ps.Boundary = parseBoundary(r.Policy)
		}
	case KindPSProvision:
		ps.Outdated, changed = nil, false
	case KindAccountAssign:
		assignEffect(c, ps, ch, accountID(ch, v))
		changed = false
	}
	if changed {
		ps.Outdated = slices.Clone(ps.Provisioned)
	}
	return nil
}

func psAttrsEffect(c *identity.Center, ps *identity.PermissionSet, ch *Change) bool {
	switch ch.Action {
	case Update:
		ps.Description, ps.SessionDuration, ps.RelayState = ch.After.Description, ch.After.SessionDuration, ch.After.RelayState
	case Tag:
		ps.Tags = ch.After.Tags
		return false
	case Delete:
		c.PermissionSets = slices.DeleteFunc(c.PermissionSets, func(p *identity.PermissionSet) bool { return p == ps })
		return false
	}
	return true
}

func assignEffect(c *identity.Center, ps *identity.PermissionSet, ch *Change, account string) {
	a := identity.Assignment{Account: account, PermissionSet: ps.Arn, PrincipalType: ch.Ref.PrincipalType, PrincipalID: ch.Ref.PrincipalID}
	c.Assignments = slices.DeleteFunc(c.Assignments, func(x identity.Assignment) bool { return x == a })
	if ch.Action == Create {
		c.Assignments = append(c.Assignments, a)
		if !slices.Contains(ps.Provisioned, account) {
			ps.Provisioned = append(ps.Provisioned, account)
		}
	}
}

// parseRef splits "/path/name" into a policy reference.
func parseRef(s string) identity.PolicyRef {
	i := strings.LastIndexByte(s, '/')
	return identity.PolicyRef{Path: s[:i+1], Name: s[i+1:]}
}

// parseBoundary reads a boundary rendered by Boundary.String.
func parseBoundary(s string) identity.Boundary {
	if strings.HasPrefix(s, "arn:") {
		return identity.Boundary{ManagedPolicyArn: s}
	}
	return identity.Boundary{Customer: parseRef(s)}
}
