package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(newValidateCmd)
	register(newSchemaCmd)
}

func newValidateCmd(g *Globals) *cobra.Command {
	var failOn string
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check a landing-zone configuration directory",
		Long: `Validate loads every *.yaml file of the configuration directory (DIR, or
--config), reads the policy files they reference and reports every
problem as file:line:column: severity code: message (hint).

Exit status: 0 when nothing reaches --fail-on, 1 when something does
(errors are high, warnings low), 2 when the directory cannot be read.
See docs/config.md for every key and code.`,
		Example: `  orgrail validate examples/landing-zone
  orgrail validate --output json ./orgrail`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			threshold, err := severity.Parse(failOn)
			if err != nil {
				return Usage("--fail-on: %v", err)
			}
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			dir := g.ConfigDir
			if len(args) == 1 {
				dir = args[0]
			}
			c, diags, err := config.Load(dir)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err := renderValidateDiags(g, f, diags); err != nil {
				return err
			}
			errs, warns := countValidateDiags(diags)
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "%s: %d files, %d errors, %d warnings\n", dir, len(c.Files), errs, warns)
			}
			if diags.Max().Reaches(threshold) {
				return Exit(ExitFail)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "exit 1 when a diagnostic reaches this severity (none disables)")
	return cmd
}

// renderValidateDiags writes diagnostics in the contract's table form or as a
// list of {file, line, column, code, severity, message, hint}.
func renderValidateDiags(g *Globals, f output.Format, diags diag.List) error {
	if f == output.Table {
		for _, d := range diags {
			if _, err := fmt.Fprintln(g.Stdout, d.String()); err != nil {
				return err
			}
		}
		return nil
	}
	if diags == nil {
		diags = diag.List{}
	}
	return output.Encode(g.Stdout, f, []diag.Diagnostic(diags))
}

func countValidateDiags(l diag.List) (errs, warns int) {
	for _, d := range l {
		if d.Severity >= config.SevError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

func newSchemaCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the landing-zone configuration",
		Long: `Schema prints the JSON Schema (draft 2020-12) of one configuration file,
for editors that complete and check YAML (for example with a
"# yaml-language-server: $schema=..." comment).`,
		Example: `  orgrail schema > orgrail.schema.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.JSON, output.Table, output.JSON, output.YAML)
			if err != nil {
				return err
			}
			if f == output.Table {
				f = output.JSON
			}
			return output.Encode(g.Stdout, f, config.Schema())
		},
	}
}
