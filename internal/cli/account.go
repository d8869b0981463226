package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/store"
	"github.com/orgrail/orgrail/internal/vending"
)

func init() { register(newAccountCmd) }

// vendingBaseline, when set (by the baseline feature), applies and
// verifies the security baseline in a vended account.
var vendingBaseline func(g *Globals, c *config.Config) func(ctx context.Context, accountID string) (vending.BaselineResult, error)

func newAccountCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "account",
		Short: "Create accounts (the account factory) and list them",
	}
	cmd.AddCommand(newAccountCreateCmd(g), newAccountListCmd(g))
	return cmd
}

func newAccountCreateCmd(g *Globals) *cobra.Command {
	var (
		req  vending.Request
		tags []string
	)
	cmd := &cobra.Command{
		Use:   "create --name NAME --email EMAIL --ou PATH --owner OWNER --env ENV [--system SYSTEM] [--tag KEY=VALUE ...]",
		Short: "Vend a new account: create it, place, tag and network it from the standards",
		Long: `account create is the account factory. It creates the account through AWS
Organizations (CreateAccount, then waits on DescribeCreateAccountStatus),
moves it to --ou, tags it (owner, env and system under the keys
standards.requiredTags spells, plus --tag; a request missing a required tag
is refused before anything is made), sets the alternate contacts of
standards.alternateContacts, builds the standard VPC of standards.network
(a CIDR from the pool that overlaps no other allocation, public and private
subnets in standards.azCount zones, NAT, flow logs to the Log Archive
bucket), deletes the default VPC of every enabled Region, and prints the
vending report: account id, VPC, each step, what was applied and what still
needs a person.

Every step is journaled in the state store and finds what an earlier run
made: running the same command again finishes a half-made account.

Exit status: 0 complete, 2 refused request or unusable configuration,
3 stopped part-way or waiting on a pending step (run the same command again).`,
		Example: `  orgrail account create --name payments-prod --email aws+payments-prod@example.com \
    --ou Workloads/Prod --owner payments-team --env prod --system payments --tag CostCenter=CC-280`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.Table, output.JSON, output.YAML)
			if err != nil {
				return err
			}
			if req.Tags, err = parseTags(tags); err != nil {
				return err
			}
			return runAccountCreate(cmd.Context(), g, f, req)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&req.Name, "name", "", "account name (1-50 characters)")
	fl.StringVar(&req.Email, "email", "", "root user email, unique in the organization")
	fl.StringVar(&req.OU, "ou", "", "OU path the account goes to, e.g. Workloads/Prod")
	fl.StringVar(&req.Owner, "owner", "", "team or person accountable (tag Owner)")
	fl.StringVar(&req.Env, "env", "", "environment, e.g. prod (tag Environment)")
	fl.StringVar(&req.System, "system", "", "system or product the account runs (tag System)")
	fl.StringArrayVar(&tags, "tag", nil, "another tag KEY=VALUE (repeatable), e.g. CostCenter=CC-280")
	for _, name := range []string{"name", "email", "ou", "owner", "env"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func parseTags(kvs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, Usage("--tag %q: write KEY=VALUE", kv)
		}
		out[k] = v
	}
	return out, nil
}

// loadConfig loads the configuration and refuses one with errors.
func loadConfig(g *Globals) (*config.Config, error) {
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
	return c, nil
}

func runAccountCreate(ctx context.Context, g *Globals, f output.Format, req vending.Request) error {
	c, err := loadConfig(g)
	if err != nil {
		return err
	}
	if _, err := vending.Check(c, req); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
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
	opts := vending.Options{}
	if g.Progress() {
		opts.Progress = g.Stderr
	}
	if vendingBaseline != nil {
		opts.Baseline = vendingBaseline(g, c)
	}
	rep, err := vending.Run(ctx, cfg, st, c, req, opts)
	if rep != nil {
		var rerr error
		if f == output.Table {
			rerr = rep.WriteTable(g.Stdout)
		} else {
			rerr = output.Encode(g.Stdout, f, rep)
		}
		if rerr != nil && err == nil {
			err = rerr
		}
	}
	switch {
	case vending.IsRequestError(err) || (err != nil && rep == nil):
		return &ExitError{Code: ExitUsage, Err: err}
	case err != nil:
		return &ExitError{Code: ExitPartial, Err: fmt.Errorf("%w (run the same command again to resume)", err)}
	case !rep.Complete:
		return &ExitError{Code: ExitPartial, Err: fmt.Errorf("account %s is not complete: pending %s", rep.AccountID, strings.Join(rep.Pending, ", "))}
	}
	return nil
}

func newAccountListCmd(g *Globals) *cobra.Command {
	var snap string
	cmd := &cobra.Command{
		Use:   "list [--snapshot DIR]",
		Short: "List the organization's accounts with owner, env, system and baseline state",
		Long: `account list shows every account of the organization (live, or from
--snapshot) with its OU, owner, env and system (from its tags, else from its
entry in the configuration when --config loads) and its baseline state as
the account factory's journal records it: done, pending, failed, or unknown
for an account orgrail did not vend.

Exit status: 0 listed, 2 unreadable input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			o, err := currentOrg(ctx, g, snap)
			if err != nil {
				return err
			}
			c, _, cerr := config.Load(g.ConfigDir)
			if cerr != nil {
				c = nil // owner/env/system from tags only
			}
			st, err := store.Open(ctx, g.StatePath)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			defer st.Close()
			vended, err := vending.Journaled(ctx, st)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			rows := vending.List(o, c, vended, nil)
			if f != output.Table {
				return output.Encode(g.Stdout, f, rows)
			}
			t := output.NewTable(g.Stdout, "ACCOUNT", "NAME", "OU", "OWNER", "ENV", "SYSTEM", "BASELINE", "VENDED", "VPC")
			for _, r := range rows {
				t.Row(r.ID, r.Name, r.OU, r.Owner, r.Env, r.System, r.Baseline, r.Vended, r.VPC)
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&snap, "snapshot", "", "list the accounts of this snapshot instead of the live organization")
	return cmd
}
