package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/policy/lint"
	"github.com/orgrail/orgrail/internal/severity"
)

func newPolicyLint(g *Globals) *cobra.Command {
	var kindFlag, failOn, snapshotDir string
	cmd := &cobra.Command{
		Use:   "lint [FILE...]",
		Short: "Check IAM, SCP and RCP policy documents (positions, services, actions, keys, ARNs, traps)",
		Long: `Checks policy documents: JSON and grammar errors with line:column; unknown
services, actions, condition keys and resource ARN formats (against an
embedded table of AWS service authorization data); SCP and RCP rules (size
as AWS counts it, no Principal in SCPs, RCP elements and services); and
usual traps (Allow with NotAction, region denies that also deny global
services, wildcard trust policies...).

--type tells what the files are (identity, resource, trust, scp, rcp,
boundary, endpoint); auto guesses from the file name and content.
--snapshot DIR lints every policy of the organization in a snapshot.
Output: table, json, jsonl or sarif. Exit 1 when a finding reaches
--fail-on (default high), 2 when a file cannot be read.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, ok := lint.ParseKind(kindFlag)
			if !ok {
				return Usage("--type %q: want auto, identity, resource, trust, scp, rcp, boundary or endpoint", kindFlag)
			}
			threshold, err := severity.Parse(failOn)
			if err != nil {
				return Usage("--fail-on: %v", err)
			}
			format, err := g.Format(output.JSONL, output.Table, output.JSON, output.JSONL, output.YAML, output.SARIF)
			if err != nil {
				return err
			}
			if len(args) == 0 && snapshotDir == "" {
				return Usage("give policy files or --snapshot DIR")
			}
			var all diag.List
			for _, path := range args {
				src, err := os.ReadFile(path)
				if err != nil {
					return Usage("%v", err)
				}
				ds, _ := lint.File(path, src, kind)
				all = append(all, ds...)
			}
			if snapshotDir != "" {
				ds, err := lintSnapshot(snapshotDir)
				if err != nil {
					return err
				}
				all = append(all, ds...)
			}
			all.Sort()
			if err := renderDiagnostics(g, format, all); err != nil {
				return err
			}
			if len(all) > 0 && all.Max().Reaches(threshold) {
				return Exit(ExitFail)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kindFlag, "type", "auto", "policy type: auto, identity, resource, trust, scp, rcp, boundary, endpoint")
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "exit 1 when a finding reaches this severity (none disables)")
	cmd.Flags().StringVar(&snapshotDir, "snapshot", "", "lint every policy in the snapshot DIR")
	return cmd
}

func renderDiagnostics(g *Globals, f output.Format, ds diag.List) error {
	switch f {
	case output.SARIF:
		return lint.SARIF(g.Stdout, ds, Build().Version)
	case output.JSON, output.YAML:
		if ds == nil {
			ds = diag.List{}
		}
		return output.Encode(g.Stdout, f, ds)
	case output.JSONL:
		lines := output.NewLines(g.Stdout)
		for _, d := range ds {
			if err := lines.Write(d); err != nil {
				return err
			}
		}
		return nil
	}
	for _, d := range ds {
		fmt.Fprintln(g.Stdout, d.String())
	}
	if len(ds) == 0 && !g.Quiet {
		fmt.Fprintln(g.Stderr, "no findings")
	}
	return nil
}
