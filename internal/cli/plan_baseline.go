package cli

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/apply"
	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/catalog"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
)

// planWithBaseline plans like plan.New and, when the configuration has a
// baseline and the organization is read live, with the baseline's
// current state read from AWS (from a snapshot it is unknown: every
// baseline step is planned and apply finds the done ones).
func planWithBaseline(ctx context.Context, g *Globals, c *config.Config, cur *org.Organization, live bool, idc *identity.Center, opts plan.Options) (*plan.Plan, diag.List, error) {
	in := plan.Inputs{IDC: idc, ReadIDC: c.Identity.NeedsCenter()}
	var extra diag.List
	s, _ := baseline.Resolve(c, cur)
	cs, _ := catalog.Resolve(c, cur)
	if cs != nil && !live {
		extra = append(extra, diag.Diagnostic{Code: CodeCatalogUnread, Severity: severity.Low,
			Message: "catalog: Service Catalog is not in snapshots; plan live (without --snapshot) to include the catalog section"})
	}
	needBaseline := s != nil && live && s.AuditID != "" && s.LogArchiveID != ""
	if !needBaseline && (cs == nil || !live) {
		p, pd := plan.NewFrom(c, cur, in, opts)
		return p, append(pd, extra...), nil
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
		return nil, nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("reaching the member accounts: %w", err)}
	}
	member := func(account string) aws.Config { return creds.For(creds.Partition(), account) }
	if needBaseline {
		b := &baseline.AWS{Management: awsCfg, For: member}
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
		if in.Baseline, err = b.Read(ctx, s); err != nil {
			return nil, nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("reading the baseline: %w", err)}
		}
	}
	if cs != nil {
		a := &catalog.AWS{Management: awsCfg, For: member}
		if in.Catalog, err = a.Read(ctx, cs); err != nil {
			return nil, nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("reading the catalog: %w", err)}
		}
	}
	p, pd := plan.NewFrom(c, cur, in, opts)
	return p, append(pd, extra...), nil
}

// CodeCatalogUnread is the plan's note that the catalog section was
// left out because the plan was made from a snapshot.
const CodeCatalogUnread = "plan-catalog-unread"

// baselineRole is the role assumed in member accounts for the baseline.
func baselineRole(c *config.Config) string {
	if n := len(c.Organization.RoleChain); n > 0 && c.Organization.RoleChain[n-1].Account == "" {
		return c.Organization.RoleChain[n-1].Role
	}
	return "OrganizationAccountAccessRole"
}
