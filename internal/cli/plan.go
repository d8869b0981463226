package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/apply"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// ExitChanges is plan's exit code when changes are pending.
const ExitChanges = 4

func init() { register(newPlanCmd) }

// planFlags are the flags plan and apply --config share.
type planFlags struct {
	snapshot string
	opts     plan.Options
}

func (f *planFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.snapshot, "snapshot", "", "plan against the organization in this snapshot (default: the live organization)")
	fs.BoolVar(&f.opts.AllowDelete, "allow-delete", false, "plan deletions (OUs and attachments inside manage: exclusive subtrees)")
	fs.BoolVar(&f.opts.AllowClose, "allow-close", false, "plan closing accounts inside manage: exclusive subtrees that the configuration does not declare")
	fs.BoolVar(&f.opts.AllowGuardrailRemoval, "allow-guardrail-removal", false, "plan detaching SCPs/RCPs from the root or from OUs that hold accounts")
	fs.BoolVar(&f.opts.AllowProtectedMove, "allow-protected-move", false, "plan moving the management, Audit or Log Archive account")
}

func newPlanCmd(g *Globals) *cobra.Command {
	var (
		f   planFlags
		out string
	)
	cmd := &cobra.Command{
		Use:   "plan [--config DIR] [--snapshot DIR] [--out PLAN]",
		Short: "Show what apply would change to make the organization match the configuration",
		Long: `plan compares the landing-zone configuration (--config) with the organization,
live (through the standard AWS credential chain, as collect discovers it) or
from a snapshot (--snapshot), and prints the changes: + add, ~ change in place,
- remove, ± move, with the text diff of every policy document, the policy
linter's findings and the guardrail expectations each SCP/RCP change flips.

Objects the configuration does not mention are left alone. Deletions,
account closures, removing guardrails from the root or from OUs with
accounts, and moving the management/Audit/Log Archive accounts are left out
unless their --allow-* flag is given. --out writes the plan for apply.

Exit status: 0 nothing to do, 4 changes pending, 2 unusable input (a
configuration with errors, another organization, an unreadable snapshot).`,
		Example: `  orgrail plan --config examples/landing-zone --snapshot ./snap
  orgrail plan --config ./orgrail --out lz.plan && orgrail apply lz.plan`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmtOut, err := g.Format(output.Table, output.Table, output.JSON, output.YAML)
			if err != nil {
				return err
			}
			p, err := makePlan(cmd.Context(), g, &f)
			if err != nil {
				return err
			}
			if out != "" {
				if err := writePlan(out, p); err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
			}
			if err := showPlan(g, fmtOut, p); err != nil {
				return err
			}
			if !p.Empty() {
				return Exit(ExitChanges)
			}
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&out, "out", "", "write the plan (JSON) to this file for apply")
	return cmd
}

// makePlan loads the configuration and the organization and plans.
// Configuration errors and an organization the configuration does not
// describe are unusable input (exit 2).
func makePlan(ctx context.Context, g *Globals, f *planFlags) (*plan.Plan, error) {
	c, diags, err := config.Load(g.ConfigDir)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	if diags.Max().Reaches(severity.High) {
		for _, d := range diags {
			fmt.Fprintln(g.Stderr, d.String())
		}
		return nil, Usage("%s: the configuration has errors (orgrail validate shows them)", g.ConfigDir)
	}
	var cur *org.Organization
	if c.Organization.Standalone() && f.snapshot == "" {
		// No Organizations to read: the listed accounts are the estate.
		cur = apply.StandaloneOrg(c)
	} else if cur, err = currentOrg(ctx, g, f.snapshot); err != nil {
		return nil, err
	}
	if plan.ManagesContacts(c) {
		if err := cur.Index(); err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
		v := plan.NewView(cur, c)
		ids := []string{}
		for _, a := range c.Accounts {
			if la := v.Account(a.Name); la != nil && !a.AlternateContacts.IsZero() {
				ids = append(ids, la.Id)
			}
		}
		if err := withContacts(ctx, g, f.snapshot, cur, ids); err != nil {
			return nil, err
		}
	}
	var idc *identity.Center
	if c.Identity.NeedsCenter() {
		if idc, err = currentIdentity(ctx, g, f.snapshot, c.Identity.Region, cur.MasterAccountId); err != nil {
			return nil, err
		}
	}
	p, pd, err := planWithBaseline(ctx, g, c, cur, f.snapshot == "", idc, f.opts)
	if err != nil {
		return nil, err
	}
	for _, d := range pd {
		if d.Code != plan.CodeLint || d.Severity.Reaches(severity.Medium) {
			fmt.Fprintln(g.Stderr, d.String())
		}
	}
	for _, d := range pd {
		if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
			return nil, Usage("the plan cannot be made: %s", d.Message)
		}
	}
	return p, nil
}

// currentOrg reads the organization from a snapshot or, when dir is
// empty, live through Organizations.
func currentOrg(ctx context.Context, g *Globals, dir string) (*org.Organization, error) {
	if dir != "" {
		s, err := snapshot.Open(dir)
		if err != nil {
			return nil, Usage("%v", err)
		}
		return s.Org, nil
	}
	cfg, err := g.AWSConfig(ctx)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	o, err := collect.Discover(ctx, cfg)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("reading the organization: %w", err)}
	}
	return o, nil
}

// withContacts fills the alternate contacts of the accounts ids (all
// when nil) from the snapshot dir or, when dir is empty, through
// Account Management.
func withContacts(ctx context.Context, g *Globals, dir string, o *org.Organization, ids []string) error {
	if dir != "" {
		s, err := snapshot.Open(dir)
		if err != nil {
			return Usage("%v", err)
		}
		apply.SnapshotContacts(s, o)
		return nil
	}
	cfg, err := g.AWSConfig(ctx)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if err := apply.ReadContacts(ctx, cfg, o, ids); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return nil
}

func showPlan(g *Globals, f output.Format, p *plan.Plan) error {
	if f == output.Table {
		return plan.RenderLang(g.Stdout, p, !g.NoColor && isTerminal(g.Stdout), g.Lang())
	}
	return output.Encode(g.Stdout, f, p)
}

func writePlan(path string, p *plan.Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	return nil
}

// readPlan reads a plan file written by plan --out.
func readPlan(path string) (*plan.Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	var p plan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("plan %s: %w", path, err)
	}
	if p.FormatVersion != plan.FormatVersion {
		return nil, fmt.Errorf("plan %s: format version %d, this orgrail reads %d", path, p.FormatVersion, plan.FormatVersion)
	}
	return &p, nil
}

// currentIdentity reads the IAM Identity Center instance from a
// snapshot or, when dir is empty, live in region (default: the
// credentials' region). nil means the organization has none.
func currentIdentity(ctx context.Context, g *Globals, dir, region, mgmt string) (*identity.Center, error) {
	if dir != "" {
		s, err := snapshot.Open(dir)
		if err != nil {
			return nil, Usage("%v", err)
		}
		c, err := identity.Load(s)
		if err != nil {
			return nil, Usage("%s: %v", dir, err)
		}
		return c, nil
	}
	cfg, err := g.AWSConfig(ctx)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	if region != "" {
		cfg.Region = region
	}
	c, err := identity.Read(ctx, cfg, mgmt)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("reading IAM Identity Center: %w", err)}
	}
	return c, nil
}
