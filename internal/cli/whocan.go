package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
)

func init() {
	register(newWhoCanCmd)
	register(newCanCmd)
}

// contextFlags turns repeated --context k=v into a context map.
func contextFlags(kvs []string) (map[string][]string, error) {
	m := map[string][]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, Usage("--context %q: want key=value", kv)
		}
		m[k] = append(m[k], v)
	}
	return m, nil
}

// writeAnswers prints answers as a table (principal, resource, decision,
// decided by, statements) or in a structured format.
func writeAnswers(g *Globals, answers []access.Answer) error {
	f, err := g.Format(output.JSON, output.Table, output.JSON, output.JSONL, output.YAML)
	if err != nil {
		return err
	}
	if answers == nil {
		answers = []access.Answer{}
	}
	if f != output.Table {
		return output.Encode(g.Stdout, f, answers)
	}
	t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "PRINCIPAL", "ACCOUNT", "ACTION", "RESOURCE", "DECISION", "DECIDED BY", "STATEMENTS")...)
	for _, a := range answers {
		var st []string
		for _, m := range a.MatchedStatements {
			if m.Layer == authz.LayerSCP || m.Layer == authz.LayerRCP {
				if m.Effect == "Allow" {
					continue // the guardrails' allows: every level has one
				}
			}
			s := string(m.Layer) + ":" + m.PolicyID
			if m.Sid != "" {
				s += "#" + m.Sid
			}
			st = append(st, s)
		}
		t.Row(a.Principal, a.AccountName, a.Action, a.Resource, a.Decision.String(), string(a.DecidedBy), strings.Join(st, ", "))
	}
	return t.Flush()
}

func newWhoCanCmd(g *Globals) *cobra.Command {
	var snap string
	var ctx []string
	var all bool
	cmd := &cobra.Command{
		Use:   "who-can ACTION RESOURCE --snapshot DIR",
		Short: "List every principal of the organization that may perform an action on a resource",
		Long: `who-can asks the authorization engine, for every principal of every account
in the snapshot (root users, IAM users, roles), whether it may perform
ACTION on RESOURCE, with its identity policies and boundary, the SCPs of
its account, the resource's policy and the RCPs of the resource's account
(see 'orgrail policy simulate --snapshot'). Each allowed principal comes
with the decision path ('policy simulate --explain'). aws:RequestedRegion
defaults to the resource's region and aws:SecureTransport to true;
--context adds keys. --all lists denied principals too.`,
		Example: `  orgrail who-can s3:GetObject arn:aws:s3:::kumo-orders-prod-data-782512803675/x --snapshot /tmp/demo --output table
  orgrail who-can sts:AssumeRole arn:aws:iam::105613670171:role/payments-hotfix --snapshot /tmp/demo`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := contextFlags(ctx)
			if err != nil {
				return err
			}
			src, err := openSource(snap)
			if err != nil {
				return err
			}
			started := time.Now()
			answers, st, err := access.WhoCan(src, authz.New(), access.Query{Action: args[0], Resource: args[1], Context: c, All: all})
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err := writeAnswers(g, answers); err != nil {
				return err
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "%d principals asked, %d allowed, in %s\n", st.Principals, st.Allowed, time.Since(started).Round(time.Millisecond))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&snap, "snapshot", "", "snapshot directory (or a directory holding snapshot/)")
	cmd.Flags().StringArrayVar(&ctx, "context", nil, "condition key=value added to every request (repeat a key for several values)")
	cmd.Flags().BoolVar(&all, "all", false, "list denied principals too")
	return cmd
}

func newCanCmd(g *Globals) *cobra.Command {
	var snap, resource string
	var actions, ctx []string
	var all bool
	cmd := &cobra.Command{
		Use:   "can PRINCIPAL [--action ACTION]... --snapshot DIR",
		Short: "List what one principal may do across the organization",
		Long: `can asks the authorization engine what PRINCIPAL (an IAM ARN of the snapshot,
or an account id for its root user) may do: for each --action (default: a
list of sensitive actions — assuming roles, creating credentials,
stopping guardrails, reading data), on --resource when given, otherwise on
every resource of the action's service that has a policy in the snapshot,
in every account (every role for sts:AssumeRole), and on "*" in its own
account. Each allowed answer comes with the decision path; --all lists
denied ones too.`,
		Example: `  orgrail can arn:aws:iam::640720568489:role/OrganizationAccountAccessRole --action sts:AssumeRole --snapshot /tmp/demo --output table`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := contextFlags(ctx)
			if err != nil {
				return err
			}
			src, err := openSource(snap)
			if err != nil {
				return err
			}
			answers, st, err := access.Can(src, authz.New(), args[0], actions, resource, c, all)
			if err != nil {
				return Usage("%v", err)
			}
			if err := writeAnswers(g, answers); err != nil {
				return err
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "%d requests asked, %d allowed\n", st.Decisions, st.Allowed)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&snap, "snapshot", "", "snapshot directory (or a directory holding snapshot/)")
	cmd.Flags().StringArrayVar(&actions, "action", nil, "action to ask about (repeatable; default: a list of sensitive actions)")
	cmd.Flags().StringVar(&resource, "resource", "", "resource ARN (default: every resource of the action's service in the snapshot, and *)")
	cmd.Flags().StringArrayVar(&ctx, "context", nil, "condition key=value added to every request")
	cmd.Flags().BoolVar(&all, "all", false, "list denied answers too")
	return cmd
}
