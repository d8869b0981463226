package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/apply"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/store"
)

func init() { register(newApplyCmd) }

func newApplyCmd(g *Globals) *cobra.Command {
	var (
		f           planFlags
		autoApprove bool
		rate        float64
		burst       int
		parallel    int
	)
	cmd := &cobra.Command{
		Use:   "apply [PLAN] [--config DIR] [--auto-approve]",
		Short: "Make the changes of a plan in the organization",
		Long: `apply executes a plan written by 'orgrail plan --out PLAN', or plans from
--config against the live organization, shows the plan and asks for 'yes'
(--auto-approve skips the question).

Before changing anything it re-reads the organization and refuses a stale
plan: one whose objects changed since it was made. It then applies the
changes in dependency order, up to --parallel independent changes at once
(a phase of the plan at a time, never two on one object) within
--rate-limit, retrying throttling, concurrent modification and objects
AWS does not see yet; progress goes to stderr. Every step is recorded in
the state store: after a crash or Ctrl-C, running the same apply again
resumes where it stopped. The report lists each object with the AWS
request id of its change.

Exit status: 0 applied (or nothing to do), 1 not approved, 2 unusable input
or a stale plan, 3 stopped part-way (apply again to resume).`,
		Example: `  orgrail plan --config ./orgrail --out lz.plan && orgrail apply lz.plan
  orgrail apply --config ./orgrail --auto-approve`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fmtOut, err := g.Format(output.Table, output.Table, output.JSON, output.YAML)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			var p *plan.Plan
			if len(args) == 1 {
				if p, err = readPlan(args[0]); err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
			} else {
				f.snapshot = ""
				if p, err = makePlan(ctx, g, &f); err != nil {
					return err
				}
				if p.Empty() {
					return showPlan(g, output.Table, p)
				}
				if !autoApprove {
					if err := approve(g, p); err != nil {
						return err
					}
				}
			}
			if p.Empty() {
				fmt.Fprintln(g.Stdout, "No changes.")
				return nil
			}
			cfg, err := g.AWSConfig(ctx)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			st, err := store.Open(ctx, g.StatePath)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			defer st.Close()
			opts := apply.Options{Rate: rate, Burst: burst, Parallel: parallel}
			if g.Progress() {
				opts.Progress = g.Stderr
			}
			rep, err := apply.Run(ctx, cfg, st, p, opts)
			if rep != nil {
				if rerr := showReport(g, fmtOut, rep); rerr != nil && err == nil {
					err = rerr
				}
			}
			switch {
			case err == nil:
				return nil
			case apply.IsStale(err):
				return &ExitError{Code: ExitUsage, Err: err}
			case rep == nil:
				return &ExitError{Code: ExitUsage, Err: err}
			}
			return &ExitError{Code: ExitPartial, Err: fmt.Errorf("%w (apply again to resume)", err)}
		},
	}
	f.add(cmd)
	cmd.Flags().Lookup("snapshot").Hidden = true
	cmd.Flags().BoolVar(&autoApprove, "auto-approve", false, "apply without asking")
	cmd.Flags().Float64Var(&rate, "rate-limit", 5, "Organizations write calls per second")
	cmd.Flags().IntVar(&burst, "burst", 5, "calls allowed at once above --rate-limit")
	cmd.Flags().IntVar(&parallel, "parallel", apply.DefaultParallel, "changes applied at once (independent accounts, OUs, policies; 1: one by one in plan order)")
	return cmd
}

// approve shows the plan and asks for "yes" on stdin.
func approve(g *Globals, p *plan.Plan) error {
	if err := plan.RenderLang(g.Stderr, p, false, g.Lang()); err != nil {
		return err
	}
	fmt.Fprint(g.Stderr, "\nApply these changes? Only 'yes' is accepted: ")
	line, _ := bufio.NewReader(g.Stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return &ExitError{Code: ExitFail, Err: fmt.Errorf("apply cancelled")}
	}
	return nil
}

func showReport(g *Globals, f output.Format, rep *apply.Report) error {
	if f != output.Table {
		return output.Encode(g.Stdout, f, rep)
	}
	t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "STATUS", "ACTION", "OBJECT", "ID", "REQUEST ID")...)
	for _, s := range rep.Steps {
		t.Row(s.Status, s.Action, s.Address, s.ObjectID, s.RequestID)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(g.Stdout, "Apply %s: %d done, %d already done, %d failed, %d steps.\n", rep.PlanID, rep.Done, rep.Already, rep.Failed, len(rep.Steps))
	return err
}
