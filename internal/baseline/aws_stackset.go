package baseline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cft "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

// AWS is how the baseline reaches the accounts it acts in.
type AWS struct {
	// Management is the configuration of the management account, where
	// StackSets, the organization trail and the delegated administrators
	// are made.
	Management aws.Config
	// For returns the configuration of another account (the Audit
	// account, for auto-enable, the aggregator and the analyzers).
	For func(account string) aws.Config
	// Poll is the first wait between StackSet operation checks (default
	// 2s, doubling up to 30s).
	Poll time.Duration
}

func (a *AWS) regional(c aws.Config, region string) aws.Config {
	c = c.Copy()
	c.Region = region
	return c
}

func (a *AWS) account(id, region string) aws.Config {
	if a.For == nil {
		return a.regional(a.Management, region)
	}
	return a.regional(a.For(id), region)
}

// errorCode returns the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// applyStackSet creates or updates a service-managed StackSet and its
// instances, waiting for each operation to end.
func (a *AWS) applyStackSet(ctx context.Context, home string, spec *StackSetSpec) error {
	c := cloudformation.NewFromConfig(a.regional(a.Management, home))
	name := aws.String(spec.Template.Name)
	params := cfnParams(spec.Template.Parameters)
	auto := &cft.AutoDeployment{Enabled: aws.Bool(spec.AutoDeploy), RetainStacksOnAccountRemoval: aws.Bool(spec.AutoDeploy)}
	caps := []cft.Capability{cft.CapabilityCapabilityNamedIam}
	prefs := &cft.StackSetOperationPreferences{RegionConcurrencyType: cft.RegionConcurrencyTypeParallel, MaxConcurrentPercentage: aws.Int32(100), FailureTolerancePercentage: aws.Int32(0)}
	_, err := c.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: name})
	switch {
	case errorCode(err) == "StackSetNotFoundException":
		if _, err := c.CreateStackSet(ctx, &cloudformation.CreateStackSetInput{StackSetName: name, TemplateBody: aws.String(string(spec.Template.Body)),
			Parameters: params, PermissionModel: cft.PermissionModelsServiceManaged, AutoDeployment: auto, Capabilities: caps,
			ManagedExecution: &cft.ManagedExecution{Active: aws.Bool(true)},
			Description:      aws.String("orgrail baseline: " + spec.Template.Name)}); err != nil && errorCode(err) != "NameAlreadyExistsException" {
			return fmt.Errorf("CreateStackSet %s: %w", *name, err)
		}
	case err != nil:
		return fmt.Errorf("DescribeStackSet %s: %w", *name, err)
	default:
		out, err := c.UpdateStackSet(ctx, &cloudformation.UpdateStackSetInput{StackSetName: name, TemplateBody: aws.String(string(spec.Template.Body)),
			Parameters: params, PermissionModel: cft.PermissionModelsServiceManaged, AutoDeployment: auto, Capabilities: caps, OperationPreferences: prefs})
		if err != nil {
			return fmt.Errorf("UpdateStackSet %s: %w", *name, err)
		}
		if err := a.waitOperation(ctx, c, *name, aws.ToString(out.OperationId)); err != nil {
			return err
		}
	}
	targets := &cft.DeploymentTargets{OrganizationalUnitIds: spec.OUs}
	if len(spec.Accounts) > 0 {
		targets.Accounts, targets.AccountFilterType = spec.Accounts, cft.AccountFilterTypeIntersection
	}
	out, err := c.CreateStackInstances(ctx, &cloudformation.CreateStackInstancesInput{StackSetName: name, DeploymentTargets: targets,
		Regions: spec.Regions, OperationPreferences: prefs})
	if err != nil {
		return fmt.Errorf("CreateStackInstances %s: %w", *name, err)
	}
	return a.waitOperation(ctx, c, *name, aws.ToString(out.OperationId))
}

func cfnParams(m map[string]string) []cft.Parameter {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]cft.Parameter, 0, len(keys))
	for _, k := range keys {
		out = append(out, cft.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(m[k])})
	}
	return out
}

// waitOperation polls a StackSet operation until it ends.
func (a *AWS) waitOperation(ctx context.Context, c *cloudformation.Client, name, id string) error {
	wait := a.Poll
	if wait == 0 {
		wait = 2 * time.Second
	}
	for {
		out, err := c.DescribeStackSetOperation(ctx, &cloudformation.DescribeStackSetOperationInput{StackSetName: &name, OperationId: &id})
		if err != nil {
			return fmt.Errorf("DescribeStackSetOperation %s %s: %w", name, id, err)
		}
		if op := out.StackSetOperation; op != nil {
			switch op.Status {
			case cft.StackSetOperationStatusSucceeded:
				return nil
			case cft.StackSetOperationStatusFailed, cft.StackSetOperationStatusStopped:
				return fmt.Errorf("StackSet %s operation %s: %s %s", name, id, op.Status, aws.ToString(op.StatusReason))
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// readStackSet reads one StackSet's template, parameters and instances;
// ok is false when it does not exist. byAccount says the StackSet
// targets single accounts (Log Archive, Audit) rather than OUs.
func readStackSet(ctx context.Context, c *cloudformation.Client, name string, byAccount bool) (StackSetState, bool, error) {
	out, err := c.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: &name})
	if errorCode(err) == "StackSetNotFoundException" {
		return StackSetState{}, false, nil
	}
	if err != nil || out.StackSet == nil {
		return StackSetState{}, false, fmt.Errorf("DescribeStackSet %s: %w", name, err)
	}
	ss := out.StackSet
	params := map[string]string{}
	for _, p := range ss.Parameters {
		params[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	st := StackSetState{Hash: Template{Name: name, Body: []byte(aws.ToString(ss.TemplateBody)), Parameters: params}.Hash()}
	if ss.AutoDeployment != nil {
		st.AutoDeploy = aws.ToBool(ss.AutoDeployment.Enabled)
	}
	if !byAccount {
		st.Targets = slices.Clone(ss.OrganizationalUnitIds)
	}
	p := cloudformation.NewListStackInstancesPaginator(c, &cloudformation.ListStackInstancesInput{StackSetName: &name})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return st, true, fmt.Errorf("ListStackInstances %s: %w", name, err)
		}
		for _, in := range page.Summaries {
			if r := aws.ToString(in.Region); !slices.Contains(st.Regions, r) {
				st.Regions = append(st.Regions, r)
			}
			if a := aws.ToString(in.Account); byAccount && !slices.Contains(st.Targets, a) {
				st.Targets = append(st.Targets, a)
			}
		}
	}
	return st, true, nil
}
