package collect

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgrail/orgrail/internal/org"
)

// Discover reads the organization through the Organizations API of the
// management account or a delegated administrator: OUs, accounts,
// policies of every enabled type with content and targets, delegated
// administrators and trusted services.
func Discover(ctx context.Context, cfg aws.Config) (*org.Organization, error) {
	c := organizations.NewFromConfig(cfg)
	d, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, fmt.Errorf("organizations DescribeOrganization: %w", err)
	}
	o := &org.Organization{
		Id: aws.ToString(d.Organization.Id), Arn: aws.ToString(d.Organization.Arn),
		FeatureSet:         string(d.Organization.FeatureSet),
		MasterAccountId:    aws.ToString(d.Organization.MasterAccountId),
		MasterAccountArn:   aws.ToString(d.Organization.MasterAccountArn),
		MasterAccountEmail: aws.ToString(d.Organization.MasterAccountEmail),
	}
	roots, err := listRoots(ctx, c)
	if err != nil {
		return nil, err
	}
	for _, r := range roots {
		root := org.Root{Id: aws.ToString(r.Id), Arn: aws.ToString(r.Arn), Name: aws.ToString(r.Name)}
		for _, pt := range r.PolicyTypes {
			root.PolicyTypes = append(root.PolicyTypes, org.PolicyTypeSummary{Type: string(pt.Type), Status: string(pt.Status)})
		}
		o.Roots = append(o.Roots, root)
		if err := walk(ctx, c, o, root.Id); err != nil {
			return nil, err
		}
	}
	if err := discoverPolicies(ctx, c, o); err != nil {
		return nil, err
	}
	if err := discoverDelegation(ctx, c, o); err != nil {
		return nil, err
	}
	sort.Slice(o.Accounts, func(i, j int) bool { return o.Accounts[i].Id < o.Accounts[j].Id })
	sort.Slice(o.OrganizationalUnits, func(i, j int) bool { return o.OrganizationalUnits[i].Id < o.OrganizationalUnits[j].Id })
	if err := o.Index(); err != nil {
		return nil, fmt.Errorf("organization as discovered: %w", err)
	}
	return o, nil
}

func listRoots(ctx context.Context, c *organizations.Client) ([]orgtypes.Root, error) {
	var out []orgtypes.Root
	p := organizations.NewListRootsPaginator(c, &organizations.ListRootsInput{})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations ListRoots: %w", err)
		}
		out = append(out, pg.Roots...)
	}
	return out, nil
}

// walk adds the OUs and accounts under parent, depth first.
func walk(ctx context.Context, c *organizations.Client, o *org.Organization, parent string) error {
	ap := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
	for ap.HasMorePages() {
		pg, err := ap.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("organizations ListAccountsForParent %s: %w", parent, err)
		}
		for _, a := range pg.Accounts {
			acct := org.Account{
				Id: aws.ToString(a.Id), Arn: aws.ToString(a.Arn), Name: aws.ToString(a.Name),
				Email: aws.ToString(a.Email), Status: string(a.Status), State: string(a.State),
				JoinedMethod: string(a.JoinedMethod), JoinedTimestamp: aws.ToTime(a.JoinedTimestamp),
				ParentId: parent,
			}
			tags, err := listTags(ctx, c, acct.Id)
			if err != nil {
				return err
			}
			acct.Tags = tags
			o.Accounts = append(o.Accounts, acct)
		}
	}
	op := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	for op.HasMorePages() {
		pg, err := op.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("organizations ListOrganizationalUnitsForParent %s: %w", parent, err)
		}
		for _, u := range pg.OrganizationalUnits {
			ou := org.OU{Id: aws.ToString(u.Id), Arn: aws.ToString(u.Arn), Name: aws.ToString(u.Name), ParentId: parent}
			o.OrganizationalUnits = append(o.OrganizationalUnits, ou)
			if err := walk(ctx, c, o, ou.Id); err != nil {
				return err
			}
		}
	}
	return nil
}

func listTags(ctx context.Context, c *organizations.Client, id string) (map[string]string, error) {
	var tags map[string]string
	p := organizations.NewListTagsForResourcePaginator(c, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations ListTagsForResource %s: %w", id, err)
		}
		for _, t := range pg.Tags {
			if tags == nil {
				tags = map[string]string{}
			}
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}

// policyTypes returns the policy types to list: every type enabled on a
// root, and SCPs always (they are listed even when the root says nothing).
func policyTypes(o *org.Organization) []string {
	seen := map[string]bool{org.SCP: true}
	types := []string{org.SCP}
	for _, r := range o.Roots {
		for _, pt := range r.PolicyTypes {
			if pt.Status == "ENABLED" && !seen[pt.Type] {
				seen[pt.Type] = true
				types = append(types, pt.Type)
			}
		}
	}
	return types
}

func discoverPolicies(ctx context.Context, c *organizations.Client, o *org.Organization) error {
	for _, typ := range policyTypes(o) {
		p := organizations.NewListPoliciesPaginator(c, &organizations.ListPoliciesInput{Filter: orgtypes.PolicyType(typ)})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("organizations ListPolicies %s: %w", typ, err)
			}
			for _, s := range pg.Policies {
				pol, err := describePolicy(ctx, c, s)
				if err != nil {
					return err
				}
				o.Policies = append(o.Policies, pol)
			}
		}
	}
	sort.Slice(o.Policies, func(i, j int) bool { return o.Policies[i].Id < o.Policies[j].Id })
	return nil
}

func describePolicy(ctx context.Context, c *organizations.Client, s orgtypes.PolicySummary) (org.Policy, error) {
	pol := org.Policy{
		Id: aws.ToString(s.Id), Arn: aws.ToString(s.Arn), Name: aws.ToString(s.Name),
		Description: aws.ToString(s.Description), Type: string(s.Type), AwsManaged: s.AwsManaged,
		Targets: []string{},
	}
	d, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: s.Id})
	if err != nil {
		return pol, fmt.Errorf("organizations DescribePolicy %s: %w", pol.Id, err)
	}
	pol.Content = aws.ToString(d.Policy.Content)
	tp := organizations.NewListTargetsForPolicyPaginator(c, &organizations.ListTargetsForPolicyInput{PolicyId: s.Id})
	for tp.HasMorePages() {
		pg, err := tp.NextPage(ctx)
		if err != nil {
			return pol, fmt.Errorf("organizations ListTargetsForPolicy %s: %w", pol.Id, err)
		}
		for _, t := range pg.Targets {
			pol.Targets = append(pol.Targets, aws.ToString(t.TargetId))
		}
	}
	sort.Strings(pol.Targets)
	return pol, nil
}

func discoverDelegation(ctx context.Context, c *organizations.Client, o *org.Organization) error {
	dp := organizations.NewListDelegatedAdministratorsPaginator(c, &organizations.ListDelegatedAdministratorsInput{})
	for dp.HasMorePages() {
		pg, err := dp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("organizations ListDelegatedAdministrators: %w", err)
		}
		for _, d := range pg.DelegatedAdministrators {
			da := org.DelegatedAdministrator{AccountId: aws.ToString(d.Id)}
			sp := organizations.NewListDelegatedServicesForAccountPaginator(c, &organizations.ListDelegatedServicesForAccountInput{AccountId: d.Id})
			for sp.HasMorePages() {
				spg, err := sp.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("organizations ListDelegatedServicesForAccount %s: %w", da.AccountId, err)
				}
				for _, s := range spg.DelegatedServices {
					da.ServicePrincipals = append(da.ServicePrincipals, aws.ToString(s.ServicePrincipal))
				}
			}
			sort.Strings(da.ServicePrincipals)
			o.DelegatedAdministrators = append(o.DelegatedAdministrators, da)
		}
	}
	sort.Slice(o.DelegatedAdministrators, func(i, j int) bool {
		return o.DelegatedAdministrators[i].AccountId < o.DelegatedAdministrators[j].AccountId
	})
	ap := organizations.NewListAWSServiceAccessForOrganizationPaginator(c, &organizations.ListAWSServiceAccessForOrganizationInput{})
	for ap.HasMorePages() {
		pg, err := ap.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("organizations ListAWSServiceAccessForOrganization: %w", err)
		}
		for _, s := range pg.EnabledServicePrincipals {
			o.EnabledServicePrincipals = append(o.EnabledServicePrincipals, org.ServicePrincipal{
				ServicePrincipal: aws.ToString(s.ServicePrincipal), DateEnabled: aws.ToTime(s.DateEnabled),
			})
		}
	}
	sort.Slice(o.EnabledServicePrincipals, func(i, j int) bool {
		return o.EnabledServicePrincipals[i].ServicePrincipal < o.EnabledServicePrincipals[j].ServicePrincipal
	})
	return nil
}
