package awstest

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgrail/orgrail/internal/org"
)

// orgRead is an Organizations read answered from org.json.
type orgRead func(o *org.Organization, req *Request) (any, error)

func (s *Server) registerOrganizations() {
	reads := map[string]orgRead{
		"ListRoots":                           listRoots,
		"ListOrganizationalUnitsForParent":    listOUsForParent,
		"ListAccounts":                        listAccounts,
		"ListAccountsForParent":               listAccountsForParent,
		"ListParents":                         listParents,
		"ListChildren":                        listChildren,
		"ListPolicies":                        listPolicies,
		"DescribePolicy":                      describePolicy,
		"ListTargetsForPolicy":                listTargetsForPolicy,
		"ListPoliciesForTarget":               listPoliciesForTarget,
		"ListDelegatedAdministrators":         listDelegatedAdmins,
		"ListDelegatedServicesForAccount":     listDelegatedServices,
		"ListAWSServiceAccessForOrganization": listServiceAccess,
		"ListTagsForResource":                 listTags,
		"DescribeAccount":                     describeAccount,
		"DescribeOrganizationalUnit":          describeOU,
	}
	for op, fn := range reads {
		fn := fn
		s.Register("organizations", op, HandlerFunc(func(_ context.Context, req *Request) (any, error) {
			o := s.Organization()
			if err := s.orgAccess(o, req, false); err != nil {
				return nil, err
			}
			out, err := fn(o, req)
			if err != nil {
				return nil, err
			}
			return s.paginate(req, out)
		}))
	}
	s.Register("organizations", "DescribeOrganization", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		o := s.Organization()
		if err := s.orgAccess(o, req, true); err != nil {
			return nil, err
		}
		var types []ot.PolicyTypeSummary
		if len(o.Roots) > 0 {
			types = policyTypes(o.Roots[0].PolicyTypes)
		}
		return &organizations.DescribeOrganizationOutput{Organization: &ot.Organization{
			Id: aws.String(o.Id), Arn: aws.String(o.Arn), FeatureSet: ot.OrganizationFeatureSet(o.FeatureSet),
			MasterAccountId: aws.String(o.MasterAccountId), MasterAccountArn: aws.String(o.MasterAccountArn),
			MasterAccountEmail: aws.String(o.MasterAccountEmail), AvailablePolicyTypes: types,
		}}, nil
	}))
	s.registerOrgWrites()
}

// orgAccess answers as Organizations does for callers outside the
// organization, and for members calling management-only operations
// (delegated administrators may read).
func (s *Server) orgAccess(o *org.Organization, req *Request, anyMember bool) error {
	acct := req.Account()
	if o.Account(acct) == nil {
		return Errorf("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	if anyMember || acct == o.MasterAccountId {
		return nil
	}
	for _, d := range o.DelegatedAdministrators {
		if d.AccountId == acct {
			return nil
		}
	}
	return Errorf("AccessDeniedException", "You don't have permissions to access this resource.")
}

func policyTypes(in []org.PolicyTypeSummary) []ot.PolicyTypeSummary {
	out := make([]ot.PolicyTypeSummary, 0, len(in))
	for _, t := range in {
		out = append(out, ot.PolicyTypeSummary{Type: ot.PolicyType(t.Type), Status: ot.PolicyTypeStatus(t.Status)})
	}
	return out
}

func rootOut(r *org.Root) ot.Root {
	return ot.Root{Id: aws.String(r.Id), Arn: aws.String(r.Arn), Name: aws.String(r.Name), PolicyTypes: policyTypes(r.PolicyTypes)}
}

func ouOut(u *org.OU) ot.OrganizationalUnit {
	return ot.OrganizationalUnit{Id: aws.String(u.Id), Arn: aws.String(u.Arn), Name: aws.String(u.Name)}
}

func accountOut(a *org.Account) ot.Account {
	state := a.State
	if state == "" {
		state = a.Status
	}
	return ot.Account{
		Id: aws.String(a.Id), Arn: aws.String(a.Arn), Name: aws.String(a.Name), Email: aws.String(a.Email),
		Status: ot.AccountStatus(a.Status), State: ot.AccountState(state), JoinedMethod: ot.AccountJoinedMethod(a.JoinedMethod),
		JoinedTimestamp: aws.Time(a.JoinedTimestamp),
	}
}

func policySummary(p *org.Policy) *ot.PolicySummary {
	return &ot.PolicySummary{Id: aws.String(p.Id), Arn: aws.String(p.Arn), Name: aws.String(p.Name),
		Description: aws.String(p.Description), Type: ot.PolicyType(p.Type), AwsManaged: p.AwsManaged}
}

func parentNotFound(id string) error {
	return Errorf("ParentNotFoundException", "We can't find a root or OU with the ParentId %s.", id)
}

func listRoots(o *org.Organization, _ *Request) (any, error) {
	out := &organizations.ListRootsOutput{Roots: []ot.Root{}}
	for i := range o.Roots {
		out.Roots = append(out.Roots, rootOut(&o.Roots[i]))
	}
	return out, nil
}

func listOUsForParent(o *org.Organization, req *Request) (any, error) {
	parent := req.Param("ParentId")
	if o.Root(parent) == nil && o.OU(parent) == nil {
		return nil, parentNotFound(parent)
	}
	out := &organizations.ListOrganizationalUnitsForParentOutput{OrganizationalUnits: []ot.OrganizationalUnit{}}
	for _, id := range o.Children(parent) {
		if u := o.OU(id); u != nil {
			out.OrganizationalUnits = append(out.OrganizationalUnits, ouOut(u))
		}
	}
	return out, nil
}

func listAccounts(o *org.Organization, _ *Request) (any, error) {
	out := &organizations.ListAccountsOutput{Accounts: []ot.Account{}}
	accts := append([]org.Account(nil), o.Accounts...)
	sort.Slice(accts, func(i, j int) bool { return accts[i].Id < accts[j].Id })
	for i := range accts {
		out.Accounts = append(out.Accounts, accountOut(&accts[i]))
	}
	return out, nil
}

func listAccountsForParent(o *org.Organization, req *Request) (any, error) {
	parent := req.Param("ParentId")
	if o.Root(parent) == nil && o.OU(parent) == nil {
		return nil, parentNotFound(parent)
	}
	out := &organizations.ListAccountsForParentOutput{Accounts: []ot.Account{}}
	for _, id := range o.Children(parent) {
		if a := o.Account(id); a != nil {
			out.Accounts = append(out.Accounts, accountOut(a))
		}
	}
	return out, nil
}

func listParents(o *org.Organization, req *Request) (any, error) {
	child := req.Param("ChildId")
	path := o.Path(child)
	if len(path) < 2 {
		return nil, Errorf("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId %s.", child)
	}
	p := path[len(path)-2]
	typ := ot.ParentTypeOrganizationalUnit
	if org.TargetKind(p) == org.KindRoot {
		typ = ot.ParentTypeRoot
	}
	return &organizations.ListParentsOutput{Parents: []ot.Parent{{Id: aws.String(p), Type: typ}}}, nil
}

func listChildren(o *org.Organization, req *Request) (any, error) {
	parent := req.Param("ParentId")
	if o.Root(parent) == nil && o.OU(parent) == nil {
		return nil, parentNotFound(parent)
	}
	want := req.Param("ChildType")
	out := &organizations.ListChildrenOutput{Children: []ot.Child{}}
	for _, id := range o.Children(parent) {
		typ := ot.ChildTypeAccount
		if org.TargetKind(id) == org.KindOU {
			typ = ot.ChildTypeOrganizationalUnit
		}
		if want == "" || string(typ) == want {
			out.Children = append(out.Children, ot.Child{Id: aws.String(id), Type: typ})
		}
	}
	return out, nil
}

func listPolicies(o *org.Organization, req *Request) (any, error) {
	filter := req.Param("Filter")
	out := &organizations.ListPoliciesOutput{Policies: []ot.PolicySummary{}}
	for i := range o.Policies {
		if p := &o.Policies[i]; p.Type == filter {
			out.Policies = append(out.Policies, *policySummary(p))
		}
	}
	return out, nil
}

func findPolicy(o *org.Organization, id string) (*org.Policy, error) {
	p := o.Policy(id)
	if p == nil {
		return nil, Errorf("PolicyNotFoundException", "We can't find a policy with the PolicyId %s.", id)
	}
	return p, nil
}

func describePolicy(o *org.Organization, req *Request) (any, error) {
	p, err := findPolicy(o, req.Param("PolicyId"))
	if err != nil {
		return nil, err
	}
	return &organizations.DescribePolicyOutput{Policy: &ot.Policy{PolicySummary: policySummary(p), Content: aws.String(p.Content)}}, nil
}

func targetSummary(o *org.Organization, id string) ot.PolicyTargetSummary {
	ts := ot.PolicyTargetSummary{TargetId: aws.String(id), Name: aws.String(o.Name(id)), Type: ot.TargetType(org.TargetKind(id))}
	switch org.TargetKind(id) {
	case org.KindAccount:
		if a := o.Account(id); a != nil {
			ts.Arn = aws.String(a.Arn)
		}
	case org.KindOU:
		if u := o.OU(id); u != nil {
			ts.Arn = aws.String(u.Arn)
		}
	default:
		if r := o.Root(id); r != nil {
			ts.Arn = aws.String(r.Arn)
		}
	}
	return ts
}

func listTargetsForPolicy(o *org.Organization, req *Request) (any, error) {
	p, err := findPolicy(o, req.Param("PolicyId"))
	if err != nil {
		return nil, err
	}
	out := &organizations.ListTargetsForPolicyOutput{Targets: []ot.PolicyTargetSummary{}}
	for _, t := range p.Targets {
		out.Targets = append(out.Targets, targetSummary(o, t))
	}
	return out, nil
}

func listPoliciesForTarget(o *org.Organization, req *Request) (any, error) {
	target, filter := req.Param("TargetId"), req.Param("Filter")
	if o.Path(target) == nil {
		return nil, Errorf("TargetNotFoundException", "We can't find a root, OU, account, or email address with the TargetId %s.", target)
	}
	out := &organizations.ListPoliciesForTargetOutput{Policies: []ot.PolicySummary{}}
	for _, p := range o.Attached(target) {
		if p.Type == filter {
			out.Policies = append(out.Policies, *policySummary(p))
		}
	}
	return out, nil
}

func listDelegatedAdmins(o *org.Organization, req *Request) (any, error) {
	sp := req.Param("ServicePrincipal")
	out := &organizations.ListDelegatedAdministratorsOutput{DelegatedAdministrators: []ot.DelegatedAdministrator{}}
	for _, d := range o.DelegatedAdministrators {
		if sp != "" && !contains(d.ServicePrincipals, sp) {
			continue
		}
		a := o.Account(d.AccountId)
		if a == nil {
			continue
		}
		ao := accountOut(a)
		out.DelegatedAdministrators = append(out.DelegatedAdministrators, ot.DelegatedAdministrator{
			Id: ao.Id, Arn: ao.Arn, Name: ao.Name, Email: ao.Email, Status: ao.Status, State: ao.State,
			JoinedMethod: ao.JoinedMethod, JoinedTimestamp: ao.JoinedTimestamp, DelegationEnabledDate: ao.JoinedTimestamp,
		})
	}
	return out, nil
}

func listDelegatedServices(o *org.Organization, req *Request) (any, error) {
	acct := req.Param("AccountId")
	if o.Account(acct) == nil {
		return nil, Errorf("AccountNotFoundException", "We can't find an AWS account with the AccountId %s.", acct)
	}
	out := &organizations.ListDelegatedServicesForAccountOutput{DelegatedServices: []ot.DelegatedService{}}
	for _, d := range o.DelegatedAdministrators {
		if d.AccountId != acct {
			continue
		}
		for _, sp := range d.ServicePrincipals {
			out.DelegatedServices = append(out.DelegatedServices, ot.DelegatedService{ServicePrincipal: aws.String(sp)})
		}
	}
	if len(out.DelegatedServices) == 0 {
		return nil, Errorf("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.")
	}
	return out, nil
}

func listServiceAccess(o *org.Organization, _ *Request) (any, error) {
	out := &organizations.ListAWSServiceAccessForOrganizationOutput{EnabledServicePrincipals: []ot.EnabledServicePrincipal{}}
	for _, e := range o.EnabledServicePrincipals {
		out.EnabledServicePrincipals = append(out.EnabledServicePrincipals, ot.EnabledServicePrincipal{ServicePrincipal: aws.String(e.ServicePrincipal), DateEnabled: aws.Time(e.DateEnabled)})
	}
	return out, nil
}

func listTags(o *org.Organization, req *Request) (any, error) {
	id := req.Param("ResourceId")
	var tags map[string]string
	switch {
	case o.Account(id) != nil:
		tags = o.Account(id).Tags
	case o.OU(id) != nil:
		tags = o.OU(id).Tags
	case o.Root(id) != nil, o.Policy(id) != nil:
	default:
		return nil, Errorf("TargetNotFoundException", "We can't find a resource with the ResourceId %s.", id)
	}
	out := &organizations.ListTagsForResourceOutput{Tags: []ot.Tag{}}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out.Tags = append(out.Tags, ot.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out, nil
}

func describeAccount(o *org.Organization, req *Request) (any, error) {
	id := req.Param("AccountId")
	a := o.Account(id)
	if a == nil {
		return nil, Errorf("AccountNotFoundException", "We can't find an AWS account with the AccountId %s.", id)
	}
	ao := accountOut(a)
	return &organizations.DescribeAccountOutput{Account: &ao}, nil
}

func describeOU(o *org.Organization, req *Request) (any, error) {
	id := req.Param("OrganizationalUnitId")
	u := o.OU(id)
	if u == nil {
		return nil, Errorf("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId %s.", id)
	}
	uo := ouOut(u)
	return &organizations.DescribeOrganizationalUnitOutput{OrganizationalUnit: &uo}, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
