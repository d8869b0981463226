package cli

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/apply"
	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
)

// planWithBaseline plans like plan.New and, when the configuration has a
// baseline and the organization is read live, with the baseline's
// current state read from AWS (from a snapshot it is unknown: every
// baseline step is planned and apply finds the done ones).
func planWithBaseline(ctx context.Context, g *Globals, c *config.Config, cur *org.Organization, live bool, idc *identity.Center, opts plan.Options) (*plan.Plan, diag.List, error) {
	withIdentity := !c.Identity.IsZero()
	s, _ := baseline.Resolve(c, cur)
	if s == nil || !live || s.AuditID == "" || s.LogArchiveID == "" {
		p, pd := newPlan(c, cur, idc, withIdentity, nil, opts)
		return p, pd, nil
	}
	awsCfg, err := g.AWSConfig(ctx)
	if err != nil {
		return nil, nil, &ExitError{Code: ExitUsage, Err: err}
	}
	copts := collect.Options{RoleName: baselineRole(c)}
	if c.Organization.Standalone() {
		if copts, err = apply.ChainOptions(c); err != nil {
			return nil, nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("baseline: %w", err)}
		}
	}
	creds, err := collect.NewCredentials(ctx, awsCfg, copts)
	if err != nil {
		return nil, nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("baseline: reaching the member accounts: %w", err)}
	}
	b := &baseline.AWS{Management: awsCfg, For: func(account string) aws.Config { return creds.For(creds.Partition(), account) }}
	if c.Organization.Standalone() && len(c.Baseline.Regions) == 0 && len(c.Standards.AllowedRegions) == 0 {
		// Standalone mode without configured regions: every region
		// enabled in the security account.
		regions, err := b.EnabledRegions(ctx, s.AuditID, c.Organization.HomeRegion)
		if err != nil {
			return nil, nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("baseline: %w", err)}
		}
		cc := *c
		cc.Baseline.Regions = regions
		c = &cc
		s, _ = baseline.Resolve(c, cur)
	}
	st, err := b.Read(ctx, s)
	if err != nil {
		return nil, nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("reading the baseline: %w", err)}
	}
	p, pd := newPlan(c, cur, idc, withIdentity, st, opts)
	return p, pd, nil
}

// newPlan plans the organization, the baseline (st: its current state,
// nil when unknown) and, when the configuration has an identity section,
// IAM Identity Center (idc: the instance as it is).
func newPlan(c *config.Config, cur *org.Organization, idc *identity.Center, withIdentity bool, st *baseline.State, opts plan.Options) (*plan.Plan, diag.List) {
	if withIdentity {
		return plan.NewComplete(c, cur, idc, st, opts)
	}
	return plan.NewWithBaseline(c, cur, st, opts)
}

// baselineRole is the role assumed in member accounts for the baseline.
func baselineRole(c *config.Config) string {
	if n := len(c.Organization.RoleChain); n > 0 && c.Organization.RoleChain[n-1].Account == "" {
		return c.Organization.RoleChain[n-1].Role
	}
	return "OrganizationAccountAccessRole"
}
