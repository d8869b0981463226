package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/remediate"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

func init() { register(newRemediateCmd) }

// defaultMaxChanges is --max-changes when not given: small, so a
// forgotten filter does not change a whole organization.
const defaultMaxChanges = 10

// remediateFlags are remediate's own flags.
type remediateFlags struct {
	ruleIDs, accounts []string
	apply, yes        bool
	maxChanges        int
	creds             collect.Options
	chain             string
}

func newRemediateCmd(g *Globals) *cobra.Command {
	var af auditFlags
	var rf remediateFlags
	cmd := &cobra.Command{
		Use:   "remediate --snapshot DIR",
		Short: "Plan (and with --apply, make) the safe fixes of failing findings",
		Long: `Remediate audits the snapshot and prints a plan of AWS API calls, per account
and region, for the failures that are safe to fix automatically: account
S3 Block Public Access, EBS encryption by default, the password policy,
restarting a stopped trail, enabling GuardDuty, Config or Security Hub in a
region, closing the default security group. Nothing changes without
--apply. Muted findings are left alone.

With --apply the plan is checked against live AWS before any change: the
credentials must reach the snapshot's organization, every target account
must be an ACTIVE member in a live organizations ListAccounts, and each
resource is described again; steps that are no longer needed (a rule
already revoked, a detector created since) are skipped and reported. The
verified plan is shown, and applied only with --yes (or after a "yes" typed
on a terminal); a plan of more than --max-changes calls is refused. The
run is recorded in the state store before the first call (caller ARN,
plan digest) and each result as its call returns. Roles are assumed as
collect assumes them (--role-name, --role-arn-template, --role-chain).

Exit status: 0, 1 when an applied step failed, 2 on unusable input, no
credentials, a refused plan (no --yes, over --max-changes) or an
unusable state store.`,
		Example: `  orgrail remediate --snapshot ./snap
  orgrail remediate --snapshot ./snap --rule ec2.ebs-default-encryption --apply --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			if err := rf.check(); err != nil {
				return err
			}
			res, err := af.run(cmd, g)
			if err != nil {
				var ee *ExitError
				if errors.As(err, &ee) {
					return err
				}
				return &ExitError{Code: ExitUsage, Err: err}
			}
			snap, _ := snapshot.Open(af.snapshot)
			fixes := remediate.Fixes{}
			for _, r := range res.Rules {
				if r.Fix != "" {
					fixes[r.ID] = r.Fix
				}
			}
			opt := remediate.Options{Rules: splitAll(rf.ruleIDs), Accounts: splitAll(rf.accounts)}
			if snap != nil {
				opt.SecurityHubAdmin = snap.Org.DelegatedAdminFor("securityhub.amazonaws.com")
			}
			plan := remediate.Build(res.Report.Findings, fixes, snap, opt)
			if !rf.apply {
				return renderPlan(g, f, plan)
			}
			return applyPlan(cmd.Context(), g, f, &rf, plan, res.Report.OrgID, af.snapshot)
		},
	}
	af.bind(cmd)
	fl := cmd.Flags()
	fl.StringSliceVar(&rf.ruleIDs, "rule", nil, "only fix these rules (repeatable)")
	fl.StringSliceVar(&rf.accounts, "account", nil, "only fix these accounts (repeatable)")
	fl.BoolVar(&rf.apply, "apply", false, "make the API calls (default: print the plan only)")
	fl.BoolVar(&rf.yes, "yes", false, "with --apply: make the calls without asking (required when stdin is not a terminal)")
	fl.IntVar(&rf.maxChanges, "max-changes", defaultMaxChanges, "with --apply: refuse a plan of more API calls than this")
	fl.StringVar(&rf.creds.RoleName, "role-name", "OrganizationAccountAccessRole", "role assumed in each account for --apply")
	fl.StringVar(&rf.creds.RoleARNTemplate, "role-arn-template", "", "role ARN per account, e.g. 'arn:aws:iam::{account}:role/Remediate'")
	fl.StringVar(&rf.chain, "role-chain", "", "roles to assume first, in order: ARN,ARN,… (jump → security)")
	fl.StringVar(&rf.creds.ExternalID, "external-id", "", "external id for AssumeRole")
	return cmd
}

// check validates the flags before anything is read.
func (rf *remediateFlags) check() error {
	if rf.maxChanges < 1 {
		return Usage("--max-changes must be at least 1")
	}
	if rf.creds.RoleARNTemplate != "" && !strings.Contains(rf.creds.RoleARNTemplate, "{account}") {
		return Usage("--role-arn-template must contain {account}")
	}
	if rf.chain != "" {
		rf.creds.RoleChain = splitAll([]string{rf.chain})
	}
	rf.creds.SessionName = "orgrail-remediate"
	return nil
}

// applyPlan guards, verifies, confirms, records and applies a plan.
// Nothing is called before the guards pass; nothing is changed before
// the verified plan is shown and confirmed and the start is recorded.
func applyPlan(ctx context.Context, g *Globals, f output.Format, rf *remediateFlags, plan *remediate.Plan, orgID, source string) error {
	if len(plan.Steps) == 0 {
		return renderPlan(g, f, plan)
	}
	if n := len(plan.Steps); n > rf.maxChanges {
		_ = renderPlanTo(g.Stderr, plan)
		return Usage("the plan has %d API calls, more than --max-changes %d: narrow it with --rule or --account, or raise --max-changes; nothing was changed", n, rf.maxChanges)
	}
	interactive := !rf.yes && isTerminalReader(g.Stdin) && isTerminal(g.Stderr)
	if !rf.yes && !interactive {
		_ = renderPlanTo(g.Stderr, plan)
		return Usage("--apply needs --yes when stdin is not a terminal; nothing was changed")
	}
	base, err := g.AWSConfig(ctx)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	creds, err := collect.NewCredentials(ctx, base, rf.creds)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	cfgFor := func(_ context.Context, account, _ string) (aws.Config, error) {
		return creds.For(creds.Partition(), account), nil
	}
	verified, changes, err := remediate.Verify(ctx, plan, orgID, creds.For(creds.Partition(), creds.Caller()), cfgFor)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	renderChanges(g.Stderr, changes)
	if len(verified.Steps) == 0 {
		fmt.Fprintln(g.Stderr, "nothing left to change after checking live state")
		return nil
	}
	if interactive || g.Progress() {
		_ = renderPlanTo(g.Stderr, verified)
	}
	if interactive {
		if !confirm(g.Stdin, g.Stderr, len(verified.Steps), creds.CallerARN()) {
			return Usage("not confirmed; nothing was changed")
		}
	}
	return runJournaled(ctx, g, f, verified, changes, orgID, source, creds.CallerARN(), cfgFor)
}

// runJournaled opens the store, writes the started record, applies the
// verified plan recording each result, and closes the run.
func runJournaled(ctx context.Context, g *Globals, f output.Format, p *remediate.Plan, changes []remediate.Change,
	orgID, source, caller string, cfgFor remediate.ConfigFor) error {
	s, err := store.Open(ctx, g.StatePath)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--state: the remediation cannot be recorded, nothing was changed: %w", err)}
	}
	defer s.Close()
	j, err := remediate.Start(ctx, s.DB(), orgID, source, caller, p, changes)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("nothing was changed: %w", err)}
	}
	if g.Progress() {
		fmt.Fprintf(g.Stderr, "applying %d calls as %s (plan %s, recorded as run %d)\n", len(p.Steps), caller, p.Digest()[:12], j.ID())
	}
	results, applyErr := remediate.ApplyEach(ctx, p, cfgFor, func(r remediate.Result) error { return j.Step(ctx, r) })
	if err := j.Finish(ctx, len(p.Steps), results); err != nil && applyErr == nil {
		applyErr = err
	}
	if err := renderResults(g, f, results); err != nil {
		return err
	}
	if applyErr != nil {
		return &ExitError{Code: ExitFail, Err: applyErr}
	}
	for _, r := range results {
		if !r.OK {
			return Exit(ExitFail)
		}
	}
	return nil
}

// isTerminalReader reports whether r is a terminal.
func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// confirm asks on the terminal; only "yes" (or "y") applies.
func confirm(in io.Reader, out io.Writer, n int, caller string) bool {
	fmt.Fprintf(out, "Make these %d calls as %s? Type yes to apply: ", n, caller)
	line, _ := bufio.NewReader(in).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "yes" || a == "y"
}

func renderChanges(w io.Writer, cs []remediate.Change) {
	for _, c := range cs {
		verb := "changed"
		if c.Skipped {
			verb = "skipped"
		}
		fmt.Fprintf(w, "%s since the snapshot: step %d %s %s %s %s: %s\n", verb, c.Step, c.Account, c.Region, c.Operation, c.Resource, c.Reason)
	}
}

func renderPlan(g *Globals, f output.Format, p *remediate.Plan) error {
	if f != output.Table {
		return output.Encode(g.Stdout, f, p)
	}
	if err := renderPlanTo(g.Stdout, p); err != nil {
		return err
	}
	_, err := fmt.Fprintf(g.Stdout, "\n%d API calls planned; nothing was changed (use --apply)\n", len(p.Steps))
	return err
}

// renderPlanTo writes the plan's table and what it leaves alone.
func renderPlanTo(w io.Writer, p *remediate.Plan) error {
	t := output.NewTable(w, "#", "ACCOUNT", "REGION", "CALL", "RESOURCE", "FIXES")
	for i, s := range p.Steps {
		t.Row(strconv.Itoa(i+1), s.Account, s.Region, s.Service+" "+s.Operation, s.Resource, fmt.Sprintf("%d findings (%s)", len(s.Findings), joinComma(s.RuleIDs)))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	for _, s := range p.Skipped {
		fmt.Fprintf(w, "not fixed: %s %s %s %s: %s\n", s.RuleID, s.Account, s.Region, s.Resource, s.Reason)
	}
	return nil
}

func renderResults(g *Globals, f output.Format, rs []remediate.Result) error {
	if f != output.Table {
		return output.Encode(g.Stdout, f, rs)
	}
	t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "#", "ACCOUNT", "REGION", "CALL", "RESULT")...)
	for _, r := range rs {
		res := "ok"
		if !r.OK {
			res = "FAILED: " + r.Error
		}
		t.Row(strconv.Itoa(r.Step), r.Account, r.Region, r.Operation, res)
	}
	return t.Flush()
}

func joinComma(s []string) string { return strings.Join(s, ", ") }
