package orgsnap

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/policy/lint"
	"github.com/orgrail/orgrail/internal/severity"
)

// Organizations quotas checked by Lint (AWS Organizations User Guide,
// Quotas for AWS Organizations).
const (
	MaxPoliciesPerTarget = 5 // SCPs, and RCPs, attached to one root, OU or account
	MaxOUDepth           = 5 // OU levels below the root
)

// Lint lints every policy of the snapshot: SCPs and RCPs of the
// organization, and each account's IAM policies (inline, customer
// managed, trust policies). File names are "org/<policy id> <name>" and
// "<account>/<kind>/<name>"; positions are within the policy document.
func (s *Source) Lint() (diag.List, error) {
	var out diag.List
	o := s.Snap.Org
	for _, p := range o.Policies {
		kind := lint.KindSCP
		switch p.Type {
		case org.SCP:
		case org.RCP:
			kind = lint.KindRCP
		default:
			continue // tag, backup and declarative policies are not IAM documents
		}
		ds, _ := lint.File("org/"+p.Id+" "+p.Name, []byte(p.Content), kind)
		out = append(out, ds...)
	}
	out = append(out, s.quotas()...)
	for _, acct := range o.AccountIDs() {
		ds, err := s.lintAccount(acct)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

func (s *Source) quotas() diag.List {
	var out diag.List
	o := s.Snap.Org
	targets := []string{}
	for _, r := range o.Roots {
		targets = append(targets, r.Id)
	}
	for _, ou := range o.OrganizationalUnits {
		targets = append(targets, ou.Id)
	}
	targets = append(targets, o.AccountIDs()...)
	sort.Strings(targets)
	for _, t := range targets {
		count := map[string]int{}
		for _, p := range o.Attached(t) {
			count[p.Type]++
		}
		for _, typ := range []string{org.SCP, org.RCP} {
			if count[typ] > MaxPoliciesPerTarget {
				out = append(out, diag.Diagnostic{File: "org/" + t, Code: "org.attachment-quota", Severity: severity.High,
					Message: fmt.Sprintf("%s (%s) has %d %s attached; AWS allows %d", t, o.Name(t), count[typ], typ, MaxPoliciesPerTarget)})
			}
		}
	}
	for _, ou := range o.OrganizationalUnits {
		if d := o.Depth(ou.Id); d > MaxOUDepth {
			out = append(out, diag.Diagnostic{File: "org/" + ou.Id, Code: "org.ou-depth", Severity: severity.High,
				Message: fmt.Sprintf("OU %s (%s) is %d levels below the root; AWS allows %d", ou.Id, ou.Name, d, MaxOUDepth)})
		}
	}
	return out
}

func (s *Source) lintAccount(acct string) (diag.List, error) {
	details, err := s.authDetails(acct)
	if err != nil {
		return nil, err
	}
	var out diag.List
	add := func(name, doc string, kind lint.Kind) {
		if d, err := url.PathUnescape(doc); err == nil && strings.HasPrefix(doc, "%") {
			doc = d
		}
		ds, _ := lint.File(acct+"/"+name, []byte(doc), kind)
		out = append(out, ds...)
	}
	for _, u := range details.UserDetailList {
		for _, p := range u.UserPolicyList {
			add("user/"+deref(u.UserName)+"/"+deref(p.PolicyName), deref(p.PolicyDocument), lint.KindIdentity)
		}
	}
	for _, g := range details.GroupDetailList {
		for _, p := range g.GroupPolicyList {
			add("group/"+deref(g.GroupName)+"/"+deref(p.PolicyName), deref(p.PolicyDocument), lint.KindIdentity)
		}
	}
	for _, r := range details.RoleDetailList {
		if r.Path != nil && strings.HasPrefix(*r.Path, "/aws-service-role/") {
			continue // owned by AWS
		}
		add("role/"+deref(r.RoleName)+"/trust", deref(r.AssumeRolePolicyDocument), lint.KindTrust)
		for _, p := range r.RolePolicyList {
			add("role/"+deref(r.RoleName)+"/"+deref(p.PolicyName), deref(p.PolicyDocument), lint.KindIdentity)
		}
	}
	for _, p := range details.Policies {
		for _, v := range p.PolicyVersionList {
			if v.IsDefaultVersion {
				add("policy/"+deref(p.PolicyName), deref(v.Document), lint.KindIdentity)
			}
		}
	}
	return out, nil
}
