package cli

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/runbook"
)

func init() {
	register(newRunbookCmd)
	register(newGuideCmd)
}

func newRunbookCmd(g *Globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "runbook account-vending|violation|incident [--lang ja] [--out FILE]",
		Short: "Render an operator runbook from the configuration (account-vending, violation, incident)",
		Long: `runbook writes an operator runbook as Markdown, from the landing-zone
configuration (--config): who approves (operations.approvers), which OUs,
guardrails and standards apply, which notification channels and triage
lanes detections take, and the orgrail commands to run at each step.

  account-vending  asking for, approving and creating a new account
  violation        responding to a guardrail violation (finding or detection)
  incident         handling a security incident

The language follows --lang (or LANG): English or Japanese.`,
		Example: `  orgrail runbook account-vending --config ./orgrail
  orgrail runbook incident --lang ja --out incident.ja.md`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: runbook.Kinds,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !contains(runbook.Kinds, args[0]) {
				return Usage("unknown runbook %q: want %s", args[0], strings.Join(runbook.Kinds, ", "))
			}
			return renderDoc(g, args[0], out)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return cmd
}

func newGuideCmd(g *Globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "guide [--lang ja] [--out FILE]",
		Short: "Render the user guide of the platform from the configuration",
		Long: `guide writes the user guide of the platform as Markdown, from the
landing-zone configuration (--config): what an account gets, the regions
allowed, the tags required, how to get access (operations.accessPortal,
operations.accessRequest, the permission sets), what is monitored, what
the preventive guardrails deny, and whom to contact.`,
		Example: `  orgrail guide --config ./orgrail --lang ja --out guide.ja.md`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return renderDoc(g, runbook.Guide, out)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return cmd
}

// renderDoc loads the configuration and writes the document name to out
// (standard output when empty). Configuration errors are usage errors.
func renderDoc(g *Globals, name, out string) error {
	c, diags, err := config.Load(g.ConfigDir)
	if err != nil {
		for _, d := range diags {
			fmt.Fprintln(g.Stderr, d.String())
		}
		return &ExitError{Code: ExitUsage, Err: err}
	}
	d, err := runbook.Build(c, g.Lang())
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	d.ConfigDir = g.ConfigDir
	var b bytes.Buffer
	if err := runbook.Render(&b, name, d); err != nil {
		return err
	}
	if out == "" {
		_, err := g.Stdout.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--out: %w", err)}
	}
	return nil
}
