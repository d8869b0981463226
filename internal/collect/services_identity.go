package collect

import (
	"context"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idstypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgrail/orgrail/internal/snapshot"
)

func init() {
	collectors["ssoadmin"] = collectSSOAdmin
	collectors["identitystore"] = collectIdentityStore
}

// listInstances reads the account and region's Identity Center
// instances once per collection: the ssoadmin and identitystore tasks
// both need them.
func listInstances(ctx context.Context, j *job, c *ssoadmin.Client) (*ssoadmin.ListInstancesOutput, error) {
	return sharedOf(j.run, "ssoadmin.ListInstances|"+j.account+"|"+j.region, func() (*ssoadmin.ListInstancesOutput, error) {
		p := ssoadmin.NewListInstancesPaginator(c, &ssoadmin.ListInstancesInput{})
		return allPages(ctx, &ssoadmin.ListInstancesOutput{}, p.HasMorePages, p.NextPage)
	})
}

// collectSSOAdmin reads IAM Identity Center. Only the management account
// and a delegated administrator have an instance to read; elsewhere
// ListInstances answers an empty list.
func collectSSOAdmin(j *job) {
	c := ssoadmin.NewFromConfig(j.cfg)
	inst := once(j, "ListInstances", func(ctx context.Context) (*ssoadmin.ListInstancesOutput, error) {
		return listInstances(ctx, j, c)
	})
	if inst == nil {
		return
	}
	for _, in := range inst.Instances {
		iarn := aws.ToString(in.InstanceArn)
		sets := each(j, "ListPermissionSets", iarn, func(ctx context.Context) (*ssoadmin.ListPermissionSetsOutput, error) {
			p := ssoadmin.NewListPermissionSetsPaginator(c, &ssoadmin.ListPermissionSetsInput{InstanceArn: in.InstanceArn})
			return allPages(ctx, &ssoadmin.ListPermissionSetsOutput{}, p.HasMorePages, p.NextPage)
		})
		if sets == nil {
			continue
		}
		fanOut(j, sets.PermissionSets, func(ps string) {
			permissionSet(j, c, in.InstanceArn, ps)
		})
	}
}

func permissionSet(j *job, c *ssoadmin.Client, instance *string, ps string) {
	psArn := aws.String(ps)
	each(j, "DescribePermissionSet", ps, func(ctx context.Context) (*ssoadmin.DescribePermissionSetOutput, error) {
		return c.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: instance, PermissionSetArn: psArn})
	})
	each(j, "GetInlinePolicyForPermissionSet", ps, func(ctx context.Context) (*ssoadmin.GetInlinePolicyForPermissionSetOutput, error) {
		return c.GetInlinePolicyForPermissionSet(ctx, &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: instance, PermissionSetArn: psArn})
	})
	each(j, "ListManagedPoliciesInPermissionSet", ps, func(ctx context.Context) (*ssoadmin.ListManagedPoliciesInPermissionSetOutput, error) {
		p := ssoadmin.NewListManagedPoliciesInPermissionSetPaginator(c, &ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: instance, PermissionSetArn: psArn})
		return allPages(ctx, &ssoadmin.ListManagedPoliciesInPermissionSetOutput{}, p.HasMorePages, p.NextPage)
	})
	each(j, "ListCustomerManagedPolicyReferencesInPermissionSet", ps, func(ctx context.Context) (*ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput, error) {
		p := ssoadmin.NewListCustomerManagedPolicyReferencesInPermissionSetPaginator(c, &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput{InstanceArn: instance, PermissionSetArn: psArn})
		return allPages(ctx, &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput{}, p.HasMorePages, p.NextPage)
	})
	each(j, "GetPermissionsBoundaryForPermissionSet", ps, func(ctx context.Context) (*ssoadmin.GetPermissionsBoundaryForPermissionSetOutput, error) {
		return c.GetPermissionsBoundaryForPermissionSet(ctx, &ssoadmin.GetPermissionsBoundaryForPermissionSetInput{InstanceArn: instance, PermissionSetArn: psArn})
	})
	each(j, "ListTagsForResource", ps, func(ctx context.Context) (*ssoadmin.ListTagsForResourceOutput, error) {
		p := ssoadmin.NewListTagsForResourcePaginator(c, &ssoadmin.ListTagsForResourceInput{InstanceArn: instance, ResourceArn: psArn})
		return allPages(ctx, &ssoadmin.ListTagsForResourceOutput{}, p.HasMorePages, p.NextPage)
	})
	accts := each(j, "ListAccountsForProvisionedPermissionSet", ps, func(ctx context.Context) (*ssoadmin.ListAccountsForProvisionedPermissionSetOutput, error) {
		p := ssoadmin.NewListAccountsForProvisionedPermissionSetPaginator(c, &ssoadmin.ListAccountsForProvisionedPermissionSetInput{InstanceArn: instance, PermissionSetArn: psArn})
		return allPages(ctx, &ssoadmin.ListAccountsForProvisionedPermissionSetOutput{}, p.HasMorePages, p.NextPage)
	})
	if accts == nil {
		return
	}
	for _, a := range accts.AccountIds {
		a := a
		each(j, "ListAccountAssignments", ps+"|"+a, func(ctx context.Context) (*ssoadmin.ListAccountAssignmentsOutput, error) {
			p := ssoadmin.NewListAccountAssignmentsPaginator(c, &ssoadmin.ListAccountAssignmentsInput{InstanceArn: instance, PermissionSetArn: psArn, AccountId: &a})
			return allPages(ctx, &ssoadmin.ListAccountAssignmentsOutput{}, p.HasMorePages, p.NextPage)
		})
	}
}

// managedFetch reads the documents of the AWS-managed policies attached
// anywhere in the organization, once each, into the pseudo-account
// "aws". It runs during the collection: each policy is fetched as soon as
// the first account that attaches it has been read, instead of all of
// them after the last account, where their calls (IAM, rate-limited per
// account) made a serial tail of tens of seconds.
type managedFetch struct {
	j   *job
	c   *iam.Client
	sem chan struct{}
	wg  sync.WaitGroup
}

// startManaged prepares the fetch; nil when there is nothing to fetch
// (resuming a snapshot that has the documents already).
func (r *run) startManaged(ctx context.Context) *managedFetch {
	if r.opts.Resume && r.w.Has(snapshot.AWSAccount, snapshot.Global, "iam") {
		return nil
	}
	svc, _ := snapshot.LookupService("iam")
	j := &job{run: r, ctx: withAccount(ctx, r.creds.Caller()), cfg: r.creds.For(r.org.Partition(), r.creds.Caller()), account: snapshot.AWSAccount,
		region: snapshot.Global, svc: svc, file: snapshot.NewServiceFile(snapshot.AWSAccount, snapshot.Global, "iam")}
	m := &managedFetch{j: j, c: iam.NewFromConfig(j.cfg), sem: make(chan struct{}, fanOutWidth)}
	// Policies noted before the start (from accounts kept by --resume).
	r.mu.Lock()
	known := make([]string, 0, len(r.managed))
	for arn := range r.managed {
		known = append(known, arn)
	}
	r.mu.Unlock()
	sort.Strings(known)
	for _, arn := range known {
		m.fetch(arn)
	}
	return m
}

// fetch reads one policy's default version, fanOutWidth at a time.
func (m *managedFetch) fetch(arn string) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.sem <- struct{}{}
		defer func() { <-m.sem }()
		p := each(m.j, "GetPolicy", arn, func(ctx context.Context) (*iam.GetPolicyOutput, error) {
			return m.c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		})
		if p == nil || p.Policy == nil {
			return
		}
		each(m.j, "GetPolicyVersion", arn, func(ctx context.Context) (*iam.GetPolicyVersionOutput, error) {
			return m.c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: p.Policy.DefaultVersionId})
		})
	}()
}

// finishManaged waits for the fetches and writes the file when every one
// answered. An interrupted run records the gap, so --resume fetches them.
func (r *run) finishManaged(ctx context.Context) {
	m := r.managedFetch
	if m == nil {
		return
	}
	m.wg.Wait()
	r.mu.Lock()
	n := len(r.managed)
	r.mu.Unlock()
	switch {
	case n == 0:
	case ctx.Err() != nil:
		r.addGap(snapshot.Gap{Account: snapshot.AWSAccount, Region: snapshot.Global, Service: "iam", Error: "interrupted"})
	case !m.j.failed:
		if err := r.w.WriteService(m.j.file); err != nil {
			r.addGap(snapshot.Gap{Account: snapshot.AWSAccount, Region: snapshot.Global, Service: "iam", Error: err.Error()})
		}
	}
}

// collectIdentityStore reads the users, groups and memberships of the
// identity store behind each Identity Center instance of the account
// and region (where there is none, the file is empty). Only names and
// ids are read: the identity store holds no credentials.
func collectIdentityStore(j *job) {
	var inst *ssoadmin.ListInstancesOutput
	if !j.call("ListInstances", "", func(ctx context.Context) error {
		var err error
		inst, err = listInstances(ctx, j, ssoadmin.NewFromConfig(j.cfg))
		return err
	}) {
		return
	}
	c := identitystore.NewFromConfig(j.cfg)
	for _, in := range inst.Instances {
		store := in.IdentityStoreId
		if store == nil {
			continue
		}
		each(j, "ListUsers", *store, func(ctx context.Context) (*identitystore.ListUsersOutput, error) {
			p := identitystore.NewListUsersPaginator(c, &identitystore.ListUsersInput{IdentityStoreId: store})
			return allPages(ctx, &identitystore.ListUsersOutput{}, p.HasMorePages, p.NextPage)
		})
		groups := each(j, "ListGroups", *store, func(ctx context.Context) (*identitystore.ListGroupsOutput, error) {
			p := identitystore.NewListGroupsPaginator(c, &identitystore.ListGroupsInput{IdentityStoreId: store})
			return allPages(ctx, &identitystore.ListGroupsOutput{}, p.HasMorePages, p.NextPage)
		})
		if groups == nil {
			continue
		}
		fanOut(j, groups.Groups, func(g idstypes.Group) {
			each(j, "ListGroupMemberships", *store+"|"+aws.ToString(g.GroupId), func(ctx context.Context) (*identitystore.ListGroupMembershipsOutput, error) {
				p := identitystore.NewListGroupMembershipsPaginator(c, &identitystore.ListGroupMembershipsInput{IdentityStoreId: store, GroupId: g.GroupId})
				return allPages(ctx, &identitystore.ListGroupMembershipsOutput{}, p.HasMorePages, p.NextPage)
			})
		})
	}
}
