package collect

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgrail/orgrail/internal/snapshot"
)

func init() { collectors["ssoadmin"] = collectSSOAdmin }

// collectSSOAdmin reads IAM Identity Center. Only the management account
// and a delegated administrator have an instance to read; elsewhere
// ListInstances answers an empty list.
func collectSSOAdmin(j *job) {
	c := ssoadmin.NewFromConfig(j.cfg)
	inst := once(j, "ListInstances", func(ctx context.Context) (*ssoadmin.ListInstancesOutput, error) {
		p := ssoadmin.NewListInstancesPaginator(c, &ssoadmin.ListInstancesInput{})
		return allPages(ctx, &ssoadmin.ListInstancesOutput{}, p.HasMorePages, p.NextPage)
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

// collectManaged reads the documents of the AWS-managed policies attached
// anywhere in the organization, once, into the pseudo-account "aws".
func (r *run) collectManaged(ctx context.Context) {
	if len(r.managed) == 0 {
		return
	}
	if r.opts.Resume && r.w.Has(snapshot.AWSAccount, snapshot.Global, "iam") {
		return
	}
	arns := make([]string, 0, len(r.managed))
	for a := range r.managed {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	svc, _ := snapshot.LookupService("iam")
	j := &job{run: r, ctx: withAccount(ctx, r.creds.Caller()), cfg: r.creds.For(r.org.Partition(), r.creds.Caller()), account: snapshot.AWSAccount,
		region: snapshot.Global, svc: svc, file: snapshot.NewServiceFile(snapshot.AWSAccount, snapshot.Global, "iam")}
	c := iam.NewFromConfig(j.cfg)
	fanOut(j, arns, func(arn string) {
		p := each(j, "GetPolicy", arn, func(ctx context.Context) (*iam.GetPolicyOutput, error) {
			return c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		})
		if p == nil || p.Policy == nil {
			return
		}
		each(j, "GetPolicyVersion", arn, func(ctx context.Context) (*iam.GetPolicyVersionOutput, error) {
			return c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: p.Policy.DefaultVersionId})
		})
	})
	if !j.failed {
		if err := r.w.WriteService(j.file); err != nil {
			r.addGap(snapshot.Gap{Account: snapshot.AWSAccount, Region: snapshot.Global, Service: "iam", Error: err.Error()})
		}
	}
}
