package collect

import (
	"context"
	"fmt"
	"sort"
	"sync"

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
	// The reads are not one transaction: an account created while they
	// run can be a policy target before it is in the account list. Such
	// an inconsistent read is made again, a few times.
	var err error
	for range discoverAttempts {
		var o *org.Organization
		if o, err = discoverStructure(ctx, cfg); err != nil {
			return nil, err
		}
		d, derr := discoverDetails(ctx, cfg, o)
		if derr != nil {
			return nil, derr
		}
		if err = d.apply(o); err == nil {
			return o, nil
		}
	}
	return nil, fmt.Errorf("the organization changed while it was read (%d attempts): %w", discoverAttempts, err)
}

// discoverAttempts bounds the reads of an organization that changes
// under Discover.
const discoverAttempts = 3

// discoverStructure reads what collection needs to start: the
// organization, its roots, OUs and accounts (without tags).
func discoverStructure(ctx context.Context, cfg aws.Config) (*org.Organization, error) {
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
	sort.Slice(o.Accounts, func(i, j int) bool { return o.Accounts[i].Id < o.Accounts[j].Id })
	sort.Slice(o.OrganizationalUnits, func(i, j int) bool { return o.OrganizationalUnits[i].Id < o.OrganizationalUnits[j].Id })
	if err := o.Index(); err != nil {
		return nil, fmt.Errorf("organization as discovered: %w", err)
	}
	return o, nil
}

// orgDetails is what discovery reads after the structure: account tags,
// policies, delegated administrators and trusted services. It is read
// while the accounts are collected and applied at the end.
type orgDetails struct {
	tags       map[string]map[string]string
	policies   []org.Policy
	delegated  []org.DelegatedAdministrator
	principals []org.ServicePrincipal
}

// discoverDetails reads the details of o, several calls at a time.
func discoverDetails(ctx context.Context, cfg aws.Config, o *org.Organization) (*orgDetails, error) {
	c := organizations.NewFromConfig(cfg)
	d := &orgDetails{tags: map[string]map[string]string{}}
	var mu sync.Mutex
	var firstErr error
	ids := make([]string, 0, len(o.Accounts)+len(o.OrganizationalUnits))
	for _, a := range o.Accounts {
		ids = append(ids, a.Id)
	}
	for _, u := range o.OrganizationalUnits {
		ids = append(ids, u.Id) // OU tags: plan compares them with the configuration
	}
	parallel(ids, func(id string) {
		tags, err := listTags(ctx, c, id)
		mu.Lock()
		defer mu.Unlock()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		d.tags[id] = tags
	})
	if firstErr != nil {
		return nil, firstErr
	}
	var err error
	if d.policies, err = discoverPolicies(ctx, c, o); err != nil {
		return nil, err
	}
	if d.delegated, d.principals, err = discoverDelegation(ctx, c); err != nil {
		return nil, err
	}
	return d, nil
}

// apply sets the details on o.
func (d *orgDetails) apply(o *org.Organization) error {
	for i := range o.Accounts {
		o.Accounts[i].Tags = d.tags[o.Accounts[i].Id]
	}
	for i := range o.OrganizationalUnits {
		o.OrganizationalUnits[i].Tags = d.tags[o.OrganizationalUnits[i].Id]
	}
	o.Policies, o.DelegatedAdministrators, o.EnabledServicePrincipals = d.policies, d.delegated, d.principals
	return o.Index()
}

// discoveryWidth is how many Organizations reads discovery makes at once
// (the API's rate limit applies as well).
const discoveryWidth = 8

// parallel runs fn for every item, discoveryWidth at a time.
func parallel[T any](items []T, fn func(T)) {
	sem := make(chan struct{}, discoveryWidth)
	var wg sync.WaitGroup
	for _, it := range items {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(it)
		}()
	}
	wg.Wait()
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

func discoverPolicies(ctx context.Context, c *organizations.Client, o *org.Organization) ([]org.Policy, error) {
	var sums []orgtypes.PolicySummary
	for _, typ := range policyTypes(o) {
		p := organizations.NewListPoliciesPaginator(c, &organizations.ListPoliciesInput{Filter: orgtypes.PolicyType(typ)})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("organizations ListPolicies %s: %w", typ, err)
			}
			sums = append(sums, pg.Policies...)
		}
	}
	out := make([]org.Policy, len(sums))
	errs := make([]error, len(sums))
	idx := make([]int, len(sums))
	for i := range idx {
		idx[i] = i
	}
	parallel(idx, func(i int) { out[i], errs[i] = describePolicy(ctx, c, sums[i]) })
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Id < out[j].Id })
	return out, nil
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

func discoverDelegation(ctx context.Context, c *organizations.Client) ([]org.DelegatedAdministrator, []org.ServicePrincipal, error) {
	o := &org.Organization{}
	dp := organizations.NewListDelegatedAdministratorsPaginator(c, &organizations.ListDelegatedAdministratorsInput{})
	for dp.HasMorePages() {
		pg, err := dp.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("organizations ListDelegatedAdministrators: %w", err)
		}
		for _, d := range pg.DelegatedAdministrators {
			da := org.DelegatedAdministrator{AccountId: aws.ToString(d.Id)}
			sp := organizations.NewListDelegatedServicesForAccountPaginator(c, &organizations.ListDelegatedServicesForAccountInput{AccountId: d.Id})
			for sp.HasMorePages() {
				spg, err := sp.NextPage(ctx)
				if err != nil {
					return nil, nil, fmt.Errorf("organizations ListDelegatedServicesForAccount %s: %w", da.AccountId, err)
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
			return nil, nil, fmt.Errorf("organizations ListAWSServiceAccessForOrganization: %w", err)
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
	return o.DelegatedAdministrators, o.EnabledServicePrincipals, nil
}
