package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/apply"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/drift"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/store"
)

func init() { register(newDriftCmd) }

func newDriftCmd(g *Globals) *cobra.Command {
	var snap string
	cmd := &cobra.Command{
		Use:   "drift [--snapshot DIR]",
		Short: "Report what changed in the organization outside orgrail since the last apply",
		Long: `drift compares the organization, live or from a snapshot (--snapshot), with
the configuration the last completed 'orgrail apply' made true (kept in the
state store) and prints one finding per object that no longer matches: a
policy edited or detached by hand, an account moved, an OU deleted. Who made
the change and when come from the CloudTrail index in the store ('orgrail
trail index' over the Log Archive) when it holds the event.

Findings are JSON Lines in notify's event shape by default when stdout is not
a terminal, so 'orgrail drift | orgrail notify submit' routes them.

Exit status: 0 no drift, 1 drift found, 2 no completed apply in the store or
unreadable input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.JSONL, output.General...)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			cur, err := currentOrg(ctx, g, snap)
			if err != nil {
				return err
			}
			st, err := store.Open(ctx, g.StatePath)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			defer st.Close()
			last, err := apply.LastApplied(ctx, st, cur.Id)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if last == nil {
				return Usage("no completed apply to organization %s in %s: drift compares with the last apply", cur.Id, st.Path())
			}
			var desired config.Config
			if json.Unmarshal(last.Plan.Desired, &desired) == nil && plan.ManagesContacts(&desired) {
				if err := withContacts(ctx, g, snap, cur, nil); err != nil {
					return err
				}
			}
			var found []notify.Event
			if drift.NeedsIdentity(last.Plan) {
				// Permission sets and assignments changed by hand in
				// Identity Center are drift too.
				idc, ierr := currentIdentity(ctx, g, snap, desired.Identity.Region, cur.MasterAccountId)
				if ierr != nil {
					return ierr
				}
				found, err = drift.DetectFull(ctx, last.Plan, last.Finished, cur, idc, drift.TrailWho(st.DB()))
			} else {
				found, err = drift.Detect(ctx, last.Plan, last.Finished, cur, drift.TrailWho(st.DB()))
			}
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err := renderDrift(g, f, found); err != nil {
				return err
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "%d objects drifted since the apply of %s\n", len(found), last.Finished.Format(time.RFC3339))
			}
			if len(found) > 0 {
				return Exit(ExitFail)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&snap, "snapshot", "", "compare this snapshot instead of the live organization")
	return cmd
}

func renderDrift(g *Globals, f output.Format, found []notify.Event) error {
	if f == output.Table {
		t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "SEVERITY", "OBJECT", "WHO", "WHEN")...)
		for _, e := range found {
			t.Row(e.Severity.String(), e.Title, e.Principal, e.EventTime.Format(time.RFC3339))
		}
		return t.Flush()
	}
	return output.Encode(g.Stdout, f, found)
}
