package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/trail"
)

func newPolicyReplay(g *Globals) *cobra.Command {
	var sel trailSelect
	var file, target, typ, replace, snap string
	var failOnDeny bool
	cmd := &cobra.Command{
		Use:   "replay --policy FILE --target OU|ACCOUNT --source LOGARCHIVE --since 30d [--snapshot DIR]",
		Short: "Replay the CloudTrail calls of a period against a proposed SCP or RCP",
		Long: `replay reads the CloudTrail calls of a period from the Log Archive and decides
each one twice with the authorization engine: with the organization's
policies as the snapshot holds them, and with the proposed policy attached
to --target (in place of --replace, when given). It lists the calls whose
decision changes — newly denied, newly allowed — grouped by account,
principal and action, with the statement responsible, and counts the
records it could not turn into a request, per reason.

Each record gives the principal (userIdentity.arn), the action (event
source mapped to its IAM service prefix with the embedded AWS table, and
the event name), the resource (the record's resources, else what
requestParameters name) and the request context CloudTrail carries:
aws:RequestedRegion, aws:SourceIp, aws:SecureTransport (tlsDetails),
aws:MultiFactorAuthPresent, aws:SourceVpce, aws:ViaAWSService,
aws:userid; aws:PrincipalArn, aws:PrincipalAccount and the organization
keys follow from the principal.

--snapshot defaults to the snapshot/ directory beside --source (the
layout 'orgrail demo generate' writes). --type is scp or rcp (auto: a
policy with Principal elements is an RCP). Exit 1 with --fail-on-deny when
a call would be newly denied, 2 on unreadable input, 3 when a log file
could not be read.`,
		Example: `  orgrail policy replay --policy deny-tokyo.json --target Root --source /tmp/demo/logarchive --since 30d --output table
  orgrail policy replay --policy scp.json --target Workloads/Prod --replace region-allow-list --source s3://logs/AWSLogs --since 7d --snapshot ./snap`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sel.source = strings.TrimSpace(sel.source)
			if file == "" || target == "" || sel.source == "" {
				return Usage("--policy, --target and --source are required")
			}
			if snap == "" && !strings.HasPrefix(sel.source, "s3://") {
				snap = filepath.Join(filepath.Dir(filepath.Clean(sel.source)), "snapshot")
			}
			src, err := openSource(snap)
			if err != nil {
				return err
			}
			prop, err := readProposal(src.Snap.Org, file, target, typ, replace)
			if err != nil {
				return err
			}
			f, err := sel.filter(time.Now())
			if err != nil {
				return err
			}
			f.Accounts, f.Regions = sel.accounts, sel.regions
			logs, err := sel.open(cmd, g)
			if err != nil {
				return err
			}
			started := time.Now()
			res, err := access.Replay(cmd.Context(), logs, access.NewReplayer(src, authz.New(), prop), trail.IngestOptions{Filter: f, Workers: sel.workers})
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err := writeReplay(g, res); err != nil {
				return err
			}
			trailReportErrors(g, res.FileErrors)
			if g.Progress() {
				reportReplay(g, res, time.Since(started))
			}
			if failOnDeny && len(res.NewlyDenied) > 0 {
				return Exit(ExitFail)
			}
			if len(res.FileErrors) > 0 {
				return Exit(ExitPartial)
			}
			return nil
		},
	}
	sel.bind(cmd)
	cmd.Flags().StringVar(&file, "policy", "", "the proposed SCP or RCP (JSON file)")
	cmd.Flags().StringVar(&target, "target", "", "where it is attached: Root, an OU (path, name or id) or an account (name or id)")
	cmd.Flags().StringVar(&typ, "type", "auto", "scp, rcp or auto")
	cmd.Flags().StringVar(&replace, "replace", "", "id or name of the policy attached at --target that the proposal replaces")
	cmd.Flags().StringVar(&snap, "snapshot", "", "snapshot of the organization (default: snapshot/ beside --source)")
	cmd.Flags().BoolVar(&failOnDeny, "fail-on-deny", false, "exit 1 when a call would be newly denied")
	return cmd
}

// readProposal reads and compiles the proposed policy and resolves its
// target.
func readProposal(o *org.Organization, file, target, typ, replace string) (access.Proposal, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return access.Proposal{}, Usage("--policy: %v", err)
	}
	id := "proposed:" + filepath.Base(file)
	p, err := policy.Compile(id, b)
	if err != nil {
		return access.Proposal{}, Usage("--policy %s: %v", file, err)
	}
	switch typ {
	case "scp":
		typ = org.SCP
	case "rcp":
		typ = org.RCP
	case "auto", "":
		typ = org.SCP
		for _, st := range p.Doc.Statements {
			if st.Principal != nil {
				typ = org.RCP
			}
		}
	default:
		return access.Proposal{}, Usage("--type %q: want scp, rcp or auto", typ)
	}
	t, err := access.ResolveTarget(o, target)
	if err != nil {
		return access.Proposal{}, Usage("--target: %v", err)
	}
	return access.Proposal{Policy: authz.Named{ID: id, Policy: p}, Type: typ, Target: t, Replace: replace}, nil
}

func writeReplay(g *Globals, res *access.ReplayResult) error {
	f, err := g.Format(output.JSON, output.Table, output.JSON, output.YAML)
	if err != nil {
		return err
	}
	if f != output.Table {
		return output.Encode(g.Stdout, f, res)
	}
	t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "CHANGE", "ACCOUNT", "PRINCIPAL", "ACTION", "CALLS", "STATEMENT", "EXAMPLE RESOURCE")...)
	for _, list := range [][]access.ReplayChange{res.NewlyDenied, res.NewlyAllowed} {
		for _, c := range list {
			ex := ""
			if len(c.Resources) > 0 {
				ex = c.Resources[0]
			}
			t.Row(c.Change, c.AccountName+" "+c.Account, c.Principal, c.Action, fmt.Sprint(c.Calls), c.Statement, ex)
		}
	}
	return t.Flush()
}

func reportReplay(g *Globals, res *access.ReplayResult, took time.Duration) {
	denied, allowed := 0, 0
	for _, c := range res.NewlyDenied {
		denied += c.Calls
	}
	for _, c := range res.NewlyAllowed {
		allowed += c.Calls
	}
	fmt.Fprintf(g.Stderr, "%d records in the period, %d replayed (%d allowed today): %d calls newly denied, %d newly allowed, in %s\n",
		res.Records, res.Replayed, res.AllowedBefore, denied, allowed, took.Round(time.Millisecond))
	reasons := make([]string, 0, len(res.NotReplayed))
	for r := range res.NotReplayed {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(g.Stderr, "  not replayed: %d — %s\n", res.NotReplayed[r], r)
	}
	for r, n := range res.Approximations {
		fmt.Fprintf(g.Stderr, "  approximated: %d — %s\n", n, r)
	}
}
