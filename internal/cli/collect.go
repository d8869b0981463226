package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/safetext"
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
		rates    []string
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
			var err error
			if o.Rates, err = parseRates(rates); err != nil {
				return Usage("%v", err)
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
			if len(o.Regions) == 0 {
				o.Regions = allowedRegions(g)
			}
			if err := applyStandalone(g, &o); err != nil {
				return Usage("%v", err)
			}
			if g.Progress() {
				o.Progress = progressPrinter(g)
			}
			res, err := collect.Run(ctx, cfg, o)
			if err != nil {
				// Nothing was collected: the flags, the starting
				// credentials or the organization itself are the problem.
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if ctx.Err() != nil {
				g.Log.Warn("collection interrupted; the snapshot is committed with its gaps: run again with --resume to complete it", "out", o.Out)
			}
			return reportCollect(g, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "output directory (the snapshot goes to DIR/snapshot)")
	f.StringSliceVar(&accounts, "accounts", nil, "account ids to collect (default all)")
	f.StringSliceVar(&ous, "ous", nil, "OU ids or paths (Workloads/Prod) whose accounts to collect")
	f.StringSliceVar(&regions, "regions", nil, "regions to collect (default every enabled region, or the configuration's standards.allowedRegions)")
	f.StringSliceVar(&services, "services", nil, "services to collect (default all): "+strings.Join(snapshot.ServiceNames(), ","))
	f.StringVar(&o.RoleName, "role-name", "OrganizationAccountAccessRole", "role to assume in each account")
	f.StringVar(&o.RoleARNTemplate, "role-arn-template", "", "role ARN per account, e.g. 'arn:aws:iam::{account}:role/Audit'")
	f.StringVar(&chain, "role-chain", "", "roles to assume first, in order: ARN,ARN,… (jump → security)")
	f.StringVar(&o.ExternalID, "external-id", "", "external id for AssumeRole")
	f.StringVar(&o.SessionName, "session-name", "orgrail-collect", "role session name")
	f.DurationVar(&o.Duration, "duration", time.Hour, "assumed-role session duration")
	f.IntVar(&o.Concurrency, "concurrency", collect.DefaultConcurrency, "API calls in flight")
	f.StringSliceVar(&rates, "rate-limit", nil, "per-service request rate per account and region, SERVICE=PER_SECOND[:BURST] (e.g. ec2=10:50); defaults in docs/collect.md")
	f.DurationVar(&o.CallTimeout, "call-timeout", time.Minute, "give up on an API call attempt after this long (the region or service becomes a gap)")
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

// allowedRegions returns the landing-zone configuration's
// standards.allowedRegions when --config names a readable configuration
// directory, so collection covers the regions the organization uses.
func allowedRegions(g *Globals) []string {
	if st, err := os.Stat(g.ConfigDir); err != nil || !st.IsDir() {
		return nil
	}
	c, _, err := config.Load(g.ConfigDir)
	if err != nil || c == nil || len(c.Standards.AllowedRegions) == 0 {
		return nil
	}
	g.Log.Info("collecting the configuration's allowed regions (--regions overrides)", "regions", strings.Join(c.Standards.AllowedRegions, ","))
	return c.Standards.AllowedRegions
}

// applyStandalone reads a standalone landing-zone configuration (no AWS
// Organizations: accounts listed in the configuration, reached from a jump
// account through a role chain) into the collect options. Hops that name
// an account become --role-chain; the last hop without one is the role
// assumed in every target account. Flags given on the command line win.
func applyStandalone(g *Globals, o *collect.Options) error {
	if st, err := os.Stat(g.ConfigDir); err != nil || !st.IsDir() {
		return nil
	}
	c, _, err := config.Load(g.ConfigDir)
	if err != nil || c == nil || !c.Organization.Standalone() {
		return nil
	}
	return standaloneOptions(c, o)
}

func standaloneOptions(c *config.Config, o *collect.Options) error {
	ids := map[string]string{}
	for _, a := range c.Accounts {
		if a.ID == "" {
			return fmt.Errorf("standalone mode: account %q has no id", a.Name)
		}
		ids[a.Name], ids[a.ID] = a.ID, a.ID
		if len(o.Accounts) > 0 && !contains(o.Accounts, a.ID) {
			continue
		}
		o.Standalone = append(o.Standalone, org.Account{Id: a.ID, Name: a.Name, Email: a.Email, Status: org.StatusActive, Tags: a.Tags})
	}
	if len(o.RoleChain) > 0 || o.RoleARNTemplate != "" {
		return nil
	}
	for i, hop := range c.Organization.RoleChain {
		if hop.Account == "" {
			if i != len(c.Organization.RoleChain)-1 {
				return fmt.Errorf("standalone mode: roleChain hop %d names no account but is not the last", i+1)
			}
			o.RoleName, o.ExternalID = hop.Role, hop.ExternalID
			continue
		}
		id := ids[hop.Account]
		if id == "" {
			return fmt.Errorf("standalone mode: roleChain hop %d: unknown account %q", i+1, hop.Account)
		}
		o.RoleChain = append(o.RoleChain, fmt.Sprintf("arn:aws:iam::%s:role/%s", id, hop.Role))
	}
	o.Accounts = nil // the standalone list is already the selection
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// parseRates reads --rate-limit SERVICE=PER_SECOND[:BURST] values.
func parseRates(vals []string) (map[string]collect.Rate, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string]collect.Rate{}
	for _, v := range splitAll(vals) {
		name, spec, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--rate-limit %q: want SERVICE=PER_SECOND[:BURST]", v)
		}
		perS, burstS, hasBurst := strings.Cut(spec, ":")
		r := collect.Rate{}
		if _, err := fmt.Sscan(perS, &r.PerSecond); err != nil || r.PerSecond <= 0 {
			return nil, fmt.Errorf("--rate-limit %q: the rate must be a positive number", v)
		}
		r.Burst = int(r.PerSecond*2 + 0.5)
		if hasBurst {
			if _, err := fmt.Sscan(burstS, &r.Burst); err != nil || r.Burst < 1 {
				return nil, fmt.Errorf("--rate-limit %q: the burst must be a positive integer", v)
			}
		}
		out[strings.ToLower(name)] = r
	}
	return out, nil
}

// progressLine is one JSON progress line on stderr (not a terminal).
type progressLine struct {
	Progress   collect.Progress `json:"progress"`
	Seconds    float64          `json:"elapsedSeconds"`
	ETASeconds *float64         `json:"etaSeconds,omitempty"`
}

// progressPrinter shows progress on stderr: a status line on a terminal,
// JSON lines otherwise. At most one update per half second (one per five
// seconds as JSON lines), and always the last.
func progressPrinter(g *Globals) func(collect.Progress) {
	tty := isTerminal(g.Stderr)
	every := 5 * time.Second
	if tty {
		every = 500 * time.Millisecond
	}
	var mu sync.Mutex
	var last time.Time
	return func(p collect.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < every && p.AccountsDone != p.AccountsTotal {
			return
		}
		last = time.Now()
		eta, known := p.ETA()
		if !tty {
			line := progressLine{Progress: p, Seconds: p.Elapsed.Seconds()}
			if known {
				s := eta.Seconds()
				line.ETASeconds = &s
			}
			b, _ := json.Marshal(line)
			fmt.Fprintf(g.Stderr, "%s\n", b)
			return
		}
		etaText := "ETA –"
		if known {
			etaText = "ETA " + eta.Round(time.Second).String()
		}
		fmt.Fprintf(g.Stderr, "\r\x1b[Kaccounts %d/%d  calls %d  throttles %d  errors %d  %s",
			p.AccountsDone, p.AccountsTotal, p.Calls, p.Throttles, p.Errors, etaText)
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
		fmt.Fprintf(g.Stdout, "snapshot %s: %d accounts, %d API calls (%d throttled) in %s, %d gaps\n",
			res.Dir, len(m.Coverage), res.Calls, res.Throttles, res.Elapsed.Round(time.Millisecond), len(m.Gaps))
		for _, gp := range m.Gaps {
			fmt.Fprintf(g.Stdout, "  gap: %s\n", safetext.Clean(gp.String()))
		}
	} else {
		summary := struct {
			Snapshot  string         `json:"snapshot"`
			Accounts  int            `json:"accounts"`
			Calls     int64          `json:"calls"`
			Throttles int64          `json:"throttles"`
			Seconds   float64        `json:"elapsedSeconds"`
			Partial   bool           `json:"partial"`
			Gaps      []snapshot.Gap `json:"gaps"`
		}{res.Dir, len(m.Coverage), res.Calls, res.Throttles, res.Elapsed.Seconds(), m.Partial(), m.Gaps}
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
