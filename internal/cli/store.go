package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/store"
)

func init() {
	register(func(g *Globals) *cobra.Command {
		cmd := &cobra.Command{
			Use:   "store",
			Short: "Inspect and prune the local state store",
			Long: `The state store is one SQLite file holding audit history, the CloudTrail
index, the notification outbox, the triage queue and checkpoints. It lives
at --state, or $XDG_STATE_HOME/orgrail/state.db (~/.local/state/orgrail/state.db).`,
		}
		cmd.AddCommand(newStoreInfoCmd(g), newStorePruneCmd(g))
		return cmd
	})
}

func newStoreInfoCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show the store's path, size, schema version and row counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			path, err := store.Resolve(g.StatePath)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			info := store.Info{Path: path, LatestVersion: store.SchemaVersion}
			if _, err := os.Stat(path); err == nil {
				s, err := store.Open(cmd.Context(), path)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				defer s.Close()
				if info, err = s.Info(cmd.Context()); err != nil {
					return err
				}
			} else if !errors.Is(err, os.ErrNotExist) {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if f != output.Table {
				return output.Encode(g.Stdout, f, info)
			}
			return renderStoreInfo(g, info)
		},
	}
}

func renderStoreInfo(g *Globals, in store.Info) error {
	if !in.Exists {
		_, err := fmt.Fprintf(g.Stdout, "path            %s\nstatus          not created yet (orgrail creates it when a command first needs it)\n", in.Path)
		return err
	}
	fmt.Fprintf(g.Stdout, "path            %s\nsize            %s\nschema version  %d (this orgrail: %d)\n\n",
		in.Path, storeSizeString(in.SizeBytes), in.SchemaVersion, in.LatestVersion)
	t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "TABLE", "ROWS")...)
	for _, tc := range in.Tables {
		t.Row(tc.Name, strconv.FormatInt(tc.Rows, 10))
	}
	return t.Flush()
}

func storeSizeString(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func newStorePruneCmd(g *Globals) *cobra.Command {
	var olderThan string
	cmd := &cobra.Command{
		Use:   "prune --older-than DURATION",
		Short: "Delete history older than a duration (90d, 2w, 36h)",
		Long: `Prune deletes audit runs and their findings, CloudTrail index rows, sent or
parked notifications, closed triage items and dedupe keys older than
--older-than. Pending or retrying notifications, open triage items, checkpoints and
the latest run of each organization are always kept.`,
		Example: `  orgrail store prune --older-than 90d`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if olderThan == "" {
				return Usage("store prune needs --older-than (for example 90d)")
			}
			age, err := store.ParseAge(olderThan)
			if err != nil {
				return Usage("--older-than: %v", err)
			}
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			s, err := store.Open(cmd.Context(), g.StatePath)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			defer s.Close()
			res, err := s.Prune(cmd.Context(), age, time.Now())
			if err != nil {
				return err
			}
			if f != output.Table {
				return output.Encode(g.Stdout, f, res)
			}
			fmt.Fprintf(g.Stdout, "pruned rows older than %s\n", res.Cutoff.Format(time.RFC3339))
			t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "TABLE", "DELETED")...)
			for _, tc := range store.Tables {
				if n, ok := res.Deleted[tc]; ok {
					t.Row(tc, strconv.FormatInt(n, 10))
				}
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&olderThan, "older-than", "", "delete history older than this: 90d, 2w or a Go duration")
	return cmd
}
