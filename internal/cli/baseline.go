package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
)

func init() {
	register(func(g *Globals) *cobra.Command {
		cmd := &cobra.Command{
			Use:   "baseline",
			Short: "Render and verify the security baseline of the configuration",
			Long: `The baseline: section of the configuration is deployed by plan and apply
(see docs/baseline.md). These commands show its templates and check an
account's baseline over a snapshot.`,
		}
		cmd.AddCommand(newBaselineTemplates(g), newBaselineVerify(g), newBaselineRoles(g), newBaselineRootReport(g))
		return cmd
	})
}

// loadBaseline loads the configuration and resolves its baseline against
// the organization of a snapshot (or none: ids from the configuration).
func loadBaseline(g *Globals, snap *snapshot.Snapshot) (*config.Config, *baseline.Settings, error) {
	c, diags, err := config.Load(g.ConfigDir)
	if err != nil {
		return nil, nil, &ExitError{Code: ExitUsage, Err: err}
	}
	if diags.Max().Reaches(severity.High) {
		for _, d := range diags {
			fmt.Fprintln(g.Stderr, d.String())
		}
		return nil, nil, Usage("%s: the configuration has errors (orgrail validate shows them)", g.ConfigDir)
	}
	var o *org.Organization
	if snap != nil {
		o = snap.Org
	}
	s, rd := baseline.Resolve(c, o)
	if s == nil {
		return nil, nil, Usage("%s: the configuration has no baseline: section", g.ConfigDir)
	}
	for _, d := range rd {
		fmt.Fprintln(g.Stderr, d.String())
	}
	return c, s, nil
}

func newBaselineTemplates(g *Globals) *cobra.Command {
	var out, snapDir string
	cmd := &cobra.Command{
		Use:   "templates --out DIR [--config DIR] [--snapshot DIR]",
		Short: "Write the baseline's CloudFormation templates and their parameters",
		Long: `templates writes, for each StackSet of the baseline, NAME.json (the
template) and NAME.parameters.json (the values the standards give it), as
apply deploys them, for review or for cfn-lint. --snapshot resolves the
Log Archive and Audit accounts and the organization id.`,
		Example: `  orgrail baseline templates --config examples/landing-zone --out tpl && cfn-lint tpl/*[^s].json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var snap *snapshot.Snapshot
			if snapDir != "" {
				s, err := openSnapshot(snapDir)
				if err != nil {
					return err
				}
				snap = s
			}
			_, s, err := loadBaseline(g, snap)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			for _, f := range []func(*baseline.Settings) (baseline.Template, error){baseline.LogArchiveTemplate, baseline.AuditTemplate, baseline.AccountTemplate} {
				t, err := f(s)
				if err != nil {
					return err
				}
				params, _ := json.MarshalIndent(t.Parameters, "", "  ")
				if err := os.WriteFile(filepath.Join(out, t.Name+".json"), t.Body, 0o644); err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				if err := os.WriteFile(filepath.Join(out, t.Name+".parameters.json"), params, 0o644); err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				fmt.Fprintf(g.Stdout, "%s\t%s\n", filepath.Join(out, t.Name+".json"), t.Hash())
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory to write the templates to (required)")
	cmd.Flags().StringVar(&snapDir, "snapshot", "", "resolve accounts and the organization id from this snapshot")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func newBaselineVerify(g *Globals) *cobra.Command {
	var snapDir string
	var accounts []string
	cmd := &cobra.Command{
		Use:   "verify --snapshot DIR [--account ID]...",
		Short: "Check over a snapshot that accounts have the baseline",
		Long: `verify checks, for each account (default: every member account of the
snapshot), the baseline's controls: S3 account public access block,
password policy, the audit and break-glass roles trusted only by Audit,
the security contact, EBS default encryption, Config recording, GuardDuty
and Security Hub in every baseline region, and the organization trail.

Exit status: 0 every check passed, 1 a check failed, 3 only checks the
snapshot has no data for, 2 unusable input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.Table, output.JSON, output.YAML)
			if err != nil {
				return err
			}
			snap, err := openSnapshot(snapDir)
			if err != nil {
				return err
			}
			_, s, err := loadBaseline(g, snap)
			if err != nil {
				return err
			}
			if len(accounts) == 0 {
				for _, a := range snap.Org.Accounts {
					if a.Id != snap.Org.MasterAccountId {
						accounts = append(accounts, a.Id)
					}
				}
			}
			var reps []*baseline.Report
			for _, a := range accounts {
				reps = append(reps, baseline.Verify(snap, s, a))
			}
			if f == output.Table {
				showVerify(g, reps)
			} else if err := output.Encode(g.Stdout, f, reps); err != nil {
				return err
			}
			return verifyExit(reps)
		},
	}
	cmd.Flags().StringVar(&snapDir, "snapshot", "", "snapshot to check (required)")
	cmd.Flags().StringSliceVar(&accounts, "account", nil, "account id to check (repeatable; default every member account)")
	_ = cmd.MarkFlagRequired("snapshot")
	return cmd
}

func showVerify(g *Globals, reps []*baseline.Report) {
	w := tabwriter.NewWriter(g.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ACCOUNT\tCHECK\tREGION\tSTATUS\tDETAIL")
	for _, r := range reps {
		for _, c := range r.Checks {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.Account, c.ID, c.Region, c.Status, c.Detail)
		}
	}
	w.Flush()
}

// verifyExit is 1 when a check failed, 3 when some could not be made.
func verifyExit(reps []*baseline.Report) error {
	unknown := false
	for _, r := range reps {
		for _, c := range r.Checks {
			switch c.Status {
			case baseline.Fail:
				return Exit(ExitFail)
			case baseline.Unknown:
				unknown = true
			}
		}
	}
	if unknown {
		return Exit(ExitPartial)
	}
	return nil
}
