package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/snapshot"
)

func init() { register(newCollect) }

func newCollect(g *Globals) *cobra.Command {
	var (
		o        collect.Options
		accounts []string
		ous      []string
		regions  []string
		services []string
		chain    string
		fromCfg  string
		orgFrom  string
	)
	cmd := &cobra.Command{
		Use:   "collect --out DIR",
		Short: "Collect every account and enabled region into a snapshot",
		Long: `collect discovers the organization from the management account (or a
delegated administrator), assumes a role into each account, finds each
account's enabled regions and reads what orgrail's analyses need into
DIR/snapshot. Services: ` + strings.Join(snapshot.ServiceNames(), ", ") + `.

Credentials come from the standard AWS chain (--profile, SSO, environment,
instance roles). Accounts whose role cannot be assumed, regions that time
out and APIs that deny are recorded as gaps in the manifest; the run goes
on and exits 3. Interrupted runs leave a consistent snapshot: --resume
collects only what is missing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Out == "" {
				return Usage("collect needs --out DIR")
			}
			o.Accounts, o.OUs, o.Regions, o.Services = splitAll(accounts), splitAll(ous), splitAll(regions), splitAll(services)
			if chain != "" {
				o.RoleChain = splitAll([]string{chain})
			}
			if o.RoleARNTemplate != "" && !strings.Contains(o.RoleARNTemplate, "{account}") {
				return Usage("--role-arn-template must contain {account}")
			}
			o.Version = Build().Version
			ctx := cmd.Context()
			if fromCfg != "" {
				return collectFromConfig(g, cmd, fromCfg, collect.ConfigOptions{Out: o.Out, OrgFrom: orgFrom, Version: o.Version})
			}
			cfg, err := g.AWSConfig(ctx)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if g.Progress() {
				o.Progress = progressPrinter(g)
			}
			res, err := collect.Run(ctx, cfg, o)
			if err != nil {
				return &ExitError{Code: ExitPartial, Err: err}
			}
			return reportCollect(g, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "output directory (the snapshot goes to DIR/snapshot)")
	f.StringSliceVar(&accounts, "accounts", nil, "account ids to collect (default all)")
	f.StringSliceVar(&ous, "ous", nil, "OU ids or paths (Workloads/Prod) whose accounts to collect")
	f.StringSliceVar(&regions, "regions", nil, "regions to collect (default every enabled region)")
	f.StringSliceVar(&services, "services", nil, "services to collect (default all): "+strings.Join(snapshot.ServiceNames(), ","))
	f.StringVar(&o.RoleName, "role-name", "OrganizationAccountAccessRole", "role to assume in each account")
	f.StringVar(&o.RoleARNTemplate, "role-arn-template", "", "role ARN per account, e.g. 'arn:aws:iam::{account}:role/Audit'")
	f.StringVar(&chain, "role-chain", "", "roles to assume first, in order: ARN,ARN,… (jump → security)")
	f.StringVar(&o.ExternalID, "external-id", "", "external id for AssumeRole")
	f.StringVar(&o.SessionName, "session-name", "orgrail-collect", "role session name")
	f.DurationVar(&o.Duration, "duration", time.Hour, "assumed-role session duration")
	f.IntVar(&o.Concurrency, "concurrency", 64, "API calls in flight")
	f.BoolVar(&o.Resume, "resume", false, "collect only what the snapshot in --out lacks")
	f.StringVar(&o.HomeRegion, "home-region", "", "region for global services (default --region)")
	f.StringVar(&fromCfg, "from-config-snapshots", "", "build the snapshot from AWS Config snapshot files in a directory or s3://bucket/prefix instead of calling AWS")
	f.StringVar(&orgFrom, "org-from", "", "with --from-config-snapshots: reuse this snapshot's org.json")
	return cmd
}

func splitAll(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// progressPrinter shows progress on stderr: a status line on a terminal,
// JSON lines otherwise. At most one line per half second.
func progressPrinter(g *Globals) func(collect.Progress) {
	tty := isTerminal(g.Stderr)
	var last time.Time
	return func(p collect.Progress) {
		if time.Since(last) < 500*time.Millisecond && p.AccountsDone != p.AccountsTotal {
			return
		}
		last = time.Now()
		if !tty {
			b, _ := json.Marshal(struct {
				Progress collect.Progress `json:"progress"`
				Seconds  float64          `json:"elapsedSeconds"`
			}{p, p.Elapsed.Seconds()})
			fmt.Fprintf(g.Stderr, "%s\n", b)
			return
		}
		eta := ""
		if p.TasksDone > 0 && p.Tasks > p.TasksDone {
			left := time.Duration(float64(p.Elapsed) / float64(p.TasksDone) * float64(p.Tasks-p.TasksDone))
			eta = " ETA " + left.Round(time.Second).String()
		}
		fmt.Fprintf(g.Stderr, "\raccounts %d/%d  tasks %d/%d  calls %d  throttles %d  errors %d%s   ",
			p.AccountsDone, p.AccountsTotal, p.TasksDone, p.Tasks, p.Calls, p.Throttles, p.Errors, eta)
	}
}

func reportCollect(g *Globals, res *collect.Result) error {
	m := res.Manifest
	f, err := g.Format(output.JSON)
	if err != nil {
		return err
	}
	if isTerminal(g.Stderr) && g.Progress() {
		fmt.Fprintln(g.Stderr)
	}
	if f == output.Table {
		fmt.Fprintf(g.Stdout, "snapshot %s: %d accounts, %d API calls, %d gaps\n", res.Dir, len(m.Coverage), res.Calls, len(m.Gaps))
		for _, gp := range m.Gaps {
			fmt.Fprintf(g.Stdout, "  gap: %s\n", gp)
		}
	} else {
		summary := struct {
			Snapshot string         `json:"snapshot"`
			Accounts int            `json:"accounts"`
			Calls    int64          `json:"calls"`
			Partial  bool           `json:"partial"`
			Gaps     []snapshot.Gap `json:"gaps"`
		}{res.Dir, len(m.Coverage), res.Calls, m.Partial(), m.Gaps}
		if err := output.Encode(g.Stdout, f, summary); err != nil {
			return err
		}
	}
	if m.Partial() {
		return Exit(ExitPartial)
	}
	return nil
}

func collectFromConfig(g *Globals, cmd *cobra.Command, source string, opts collect.ConfigOptions) error {
	ctx := cmd.Context()
	if strings.HasPrefix(source, "s3://") {
		cfg, err := g.AWSConfig(ctx)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		opts.AWS = cfg
	}
	res, err := collect.FromConfigSnapshots(ctx, source, opts)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if g.Progress() {
		for _, u := range res.Manifest.Unavailable {
			g.Log.Info("not available from AWS Config files", "what", u)
		}
	}
	return reportCollect(g, res)
}
