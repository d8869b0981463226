package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/snapshot"
)

func init() {
	register(func(g *Globals) *cobra.Command {
		cmd := &cobra.Command{
			Use:   "snapshot",
			Short: "Inspect and compare snapshots",
		}
		cmd.AddCommand(newSnapshotDiff(g), newSnapshotInfo(g))
		return cmd
	})
}

func openSnapshot(dir string) (*snapshot.Snapshot, error) {
	s, err := snapshot.Open(dir)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return s, nil
}

func newSnapshotDiff(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "diff A B",
		Short: "Show what changed between snapshot A (before) and B (after)",
		Long: `Compares two snapshots: accounts added, removed or moved; OUs; policies
and their attachments; and every service file down to the operation and
resource key. Exit 0 whether or not there are changes.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := g.Format(output.JSONL)
			if err != nil {
				return err
			}
			a, err := openSnapshot(args[0])
			if err != nil {
				return err
			}
			b, err := openSnapshot(args[1])
			if err != nil {
				return err
			}
			changes, err := snapshot.Diff(a, b)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if f != output.Table {
				if changes == nil {
					changes = []snapshot.Change{}
				}
				return output.Encode(g.Stdout, f, changes)
			}
			if len(changes) == 0 {
				fmt.Fprintln(g.Stdout, "no changes")
				return nil
			}
			t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "CHANGE", "OBJECT", "ID", "DETAIL")...)
			for _, c := range changes {
				t.Row(c.Kind, c.Object, c.ID, c.Detail)
			}
			return t.Flush()
		},
	}
}

func newSnapshotInfo(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "info DIR",
		Short: "Show a snapshot's manifest: coverage and every gap",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := g.Format(output.JSON)
			if err != nil {
				return err
			}
			s, err := openSnapshot(args[0])
			if err != nil {
				return err
			}
			m := s.Manifest
			if f != output.Table {
				return output.Encode(g.Stdout, f, m)
			}
			fmt.Fprintf(g.Stdout, "snapshot %s\norganization %s, collected %s by orgrail %s (source %s)\n",
				s.Dir, m.OrgID, m.CollectedAt.Format("2006-01-02 15:04:05Z07:00"), m.OrgrailVersion, m.Source)
			fmt.Fprintf(g.Stdout, "%d accounts covered, %d gaps\n", len(m.Coverage), len(m.Gaps))
			for _, gp := range m.Gaps {
				fmt.Fprintf(g.Stdout, "  gap: %s\n", gp)
			}
			for _, u := range m.Unavailable {
				fmt.Fprintf(g.Stdout, "  unavailable from this source: %s\n", u)
			}
			if m.Partial() {
				return Exit(ExitPartial)
			}
			return nil
		},
	}
}
