package cli

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
)

func newBaselineRoles(g *Globals) *cobra.Command {
	var dry bool
	cmd := &cobra.Command{
		Use:   "roles [--config DIR] [--dry-run]",
		Short: "Make the cross-account roles of identity.roles in a standalone landing zone",
		Long: `roles makes the cross-account roles of identity.roles (trusted only by the
security account) in every listed account but the jump and security
accounts, through IAM, reaching each account along organization.roleChain
from the starting credentials (the jump account) — the standalone mode's way
of deploying them. In organizations mode the account StackSet of the
baseline makes them: use plan and apply.

Each role is created, or brought to the configuration in place: its trust,
description and session length, managed policies attached and detached,
and the inline policy orgrail-inline. --dry-run only reads and lists what
would change. A second run changes nothing.`,
		Example: `  orgrail baseline roles --config ./orgrail --profile jump --dry-run`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			c, diags, err := config.Load(g.ConfigDir)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if diags.Max().Reaches(severity.High) {
				for _, d := range diags {
					fmt.Fprintln(g.Stderr, d.String())
				}
				return Usage("%s: the configuration has errors (orgrail validate shows them)", g.ConfigDir)
			}
			if !c.Organization.Standalone() {
				return Usage("organization.mode is not standalone: the baseline's account StackSet makes identity.roles (orgrail plan, orgrail apply)")
			}
			if len(c.Identity.Roles) == 0 {
				return Usage("%s: identity.roles declares no role", g.ConfigDir)
			}
			sec := c.Account(c.Security.AuditAccount)
			var accounts []string
			for _, name := range c.RoleTargets() {
				accounts = append(accounts, c.Account(name).ID)
			}
			ctx := cmd.Context()
			awsCfg, err := g.AWSConfig(ctx)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			var o collect.Options
			if err := standaloneOptions(c, &o); err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			o.SessionName = "orgrail-baseline-roles"
			creds, err := collect.NewCredentials(ctx, awsCfg, o)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			roles := baseline.ResolveRoles(c, creds.Partition(), sec.ID)
			changes, err := baseline.DeployRoles(ctx, roles, accounts, func(a string) aws.Config { return creds.For(creds.Partition(), a) }, dry)
			if changes == nil {
				changes = []baseline.RoleChange{} // an empty list, not null
			}
			if f == output.Table {
				t := output.NewTable(g.Stdout, "ACCOUNT", "ROLE", "CHANGES")
				for _, ch := range changes {
					t.Row(ch.Account, ch.Role, strings.Join(ch.Actions, ", "))
				}
				if ferr := t.Flush(); ferr != nil && err == nil {
					err = ferr
				}
			} else if eerr := output.Encode(g.Stdout, f, changes); eerr != nil && err == nil {
				err = eerr
			}
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if g.Progress() {
				verb := "changed"
				if dry {
					verb = "to change (dry run)"
				}
				fmt.Fprintf(g.Stderr, "%d roles in %d accounts; %d %s\n", len(roles), len(accounts), len(changes), verb)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dry, "dry-run", false, "read and list what would change, change nothing")
	return cmd
}
