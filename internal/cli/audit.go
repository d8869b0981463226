package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/safetext"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

func init() {
	register(newAuditCmd)
	register(newRulesCmd)
	register(newFindingsCmd)
}

// auditFlags are the flags audit and remediate share.
type auditFlags struct {
	snapshot  string
	rulesDir  string
	framework string
}

func (af *auditFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&af.snapshot, "snapshot", "", "snapshot directory (or a directory holding snapshot/)")
	cmd.Flags().StringVar(&af.rulesDir, "rules", "", "directory of custom rules (*.yaml) to run with the built-in ones")
	cmd.Flags().StringVar(&af.framework, "framework", "", "only rules mapped to cis, fsbp, nist-csf or control-tower")
}

// runAudit opens the snapshot, loads configuration and custom rules and
// runs the audit.
func (af *auditFlags) run(cmd *cobra.Command, g *Globals) (*rules.Result, error) {
	if af.snapshot == "" {
		return nil, Usage("--snapshot DIR is required")
	}
	if af.framework != "" && !findings.ValidFramework(af.framework) {
		return nil, Usage("--framework %q: want cis, fsbp, nist-csf or control-tower", af.framework)
	}
	snap, err := snapshot.Open(af.snapshot)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	opt := rules.Options{Framework: af.framework, Rules: rules.Builtin()}
	// On a terminal, as collect does: accounts evaluated so far, on stderr.
	progress, clearProgress := countProgress(g.Stderr, "audit: accounts", g.Progress() && progressTerminal(g.Stderr))
	defer clearProgress()
	opt.Progress = progress
	if af.rulesDir != "" {
		custom, diags, err := rules.LoadCustom(af.rulesDir)
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
		if len(diags) > 0 {
			for _, d := range diags {
				fmt.Fprintln(g.Stderr, d.String())
			}
			if diags.Max().Reaches(severity.High) {
				return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: custom rules do not compile", af.rulesDir)}
			}
		}
		opt.Rules = append(opt.Rules, custom...)
	}
	if err := loadAuditConfig(cmd, g, &opt); err != nil {
		return nil, err
	}
	return rules.Audit(snap, opt)
}

// loadAuditConfig reads --config when it exists (or was given) and
// applies standards, security accounts and exceptions.
func loadAuditConfig(cmd *cobra.Command, g *Globals, opt *rules.Options) error {
	explicit := cmd.Flags().Lookup("config") != nil && cmd.Flags().Changed("config") || os.Getenv("ORGRAIL_CONFIG") != ""
	if st, err := os.Stat(g.ConfigDir); err != nil || !st.IsDir() {
		if explicit {
			return Usage("--config %s: not a configuration directory", g.ConfigDir)
		}
		return nil
	}
	c, diags, err := config.Load(g.ConfigDir)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	for _, d := range diags {
		if d.Severity.Reaches(severity.High) {
			fmt.Fprintln(g.Stderr, d.String())
		}
	}
	ds := rules.ApplyConfig(opt, c)
	for _, d := range ds {
		fmt.Fprintln(g.Stderr, d.String())
	}
	if ds.Max().Reaches(severity.High) {
		return &ExitError{Code: ExitUsage, Err: errors.New("the exceptions section has errors")}
	}
	return nil
}

func newAuditCmd(g *Globals) *cobra.Command {
	var af auditFlags
	var failOn string
	var all, toHub, noStore bool
	var hub hubFlags
	cmd := &cobra.Command{
		Use:   "audit --snapshot DIR",
		Short: "Run the detective guardrails over a snapshot of the organization",
		Long: `Audit runs every built-in rule (and the custom rules of --rules) over a
snapshot and reports one finding per rule and resource: PASSED, FAILED,
NOT_APPLICABLE or ERROR (the data was not collected). Exceptions of the
configuration mute matching failures until they expire.

The findings are kept per run in the state store, so 'orgrail findings
diff' shows what is new, fixed and still open. --to-security-hub imports
them into Security Hub with BatchImportFindings (ASFF).

Exit status: 0, or 1 when an unmuted FAILED finding reaches --fail-on
(default high), 2 on unreadable input, 3 when the snapshot has gaps.`,
		Example: `  orgrail audit --snapshot /tmp/demo
  orgrail audit --snapshot ./snap --framework cis --output sarif > audit.sarif
  orgrail audit --snapshot ./snap --rules ./my-rules --fail-on critical`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			threshold, err := severity.Parse(failOn)
			if err != nil {
				return Usage("--fail-on: %v", err)
			}
			f, err := g.Format(output.JSON, findings.Formats...)
			if err != nil {
				return err
			}
			if !noStore {
				if err := checkStore(cmd.Context(), g); err != nil {
					return err
				}
			}
			started := time.Now()
			res, err := af.run(cmd, g)
			if err != nil {
				var ee *ExitError
				if errors.As(err, &ee) {
					return err
				}
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if f == output.SARIF {
				res.Report.Sources = configSources(g)
			}
			lang := g.Lang()
			shown := rules.LocalizeReport(res.Report, lang)
			if err := findings.Render(g.Stdout, f, shown, findings.RenderOptions{All: all, MaxAccounts: 20, Lang: lang}); err != nil {
				return err
			}
			reportSkipped(g, res)
			reportUnreadable(g, res)
			if !noStore {
				if err := saveAuditRun(cmd.Context(), g, res, af.snapshot, started, findings.ScopeOf(res.Report, af.rulesDir)); err != nil {
					return &ExitError{Code: ExitUsage, Err: fmt.Errorf("findings not stored (--state; --no-store skips the store): %w", err)}
				}
			}
			if toHub {
				n, err := importToSecurityHub(cmd.Context(), g, res.Report, &hub)
				if g.Progress() || err != nil {
					fmt.Fprintln(g.Stderr, i18n.T(g.Lang(), "audit.hub_imported", n.Imported, n.Failed, n.Skipped))
				}
				if err != nil {
					return fmt.Errorf("--to-security-hub: %w", err)
				}
			}
			if len(res.Unreadable) > 0 {
				// The findings are not a full picture: a clean result or
				// a failure count from a damaged snapshot would mislead.
				return Exit(ExitPartial)
			}
			if findings.Failing(res.Report.Findings, threshold) {
				return Exit(ExitFail)
			}
			if res.Partial {
				return Exit(ExitPartial)
			}
			return nil
		},
	}
	af.bind(cmd)
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "exit 1 when an unmuted failure reaches this severity (none disables)")
	cmd.Flags().BoolVar(&all, "all", false, "table: list passed and not-applicable findings too")
	cmd.Flags().BoolVar(&toHub, "to-security-hub", false, "import the findings into Security Hub (BatchImportFindings)")
	hub.bind(cmd)
	cmd.Flags().BoolVar(&noStore, "no-store", false, "do not keep the findings in the state store")
	return cmd
}

func reportSkipped(g *Globals, res *rules.Result) {
	if !g.Progress() {
		return
	}
	for _, s := range res.Skipped {
		fmt.Fprintln(g.Stderr, safetext.Clean(fmt.Sprintf("skipped %s (%s): %s", s.Account, s.Name, s.Reason)))
	}
	sum := res.Summary()
	fmt.Fprintf(g.Stderr, "%d rules, %d findings: %d failed, %d muted, %d error\n",
		len(res.Rules), len(res.Report.Findings), sum.Total.Failed, sum.Total.Muted, sum.Total.Error)
}

// reportUnreadable names every snapshot file that could not be read,
// whatever --quiet says: those findings are ERROR, and the run exits 3.
func reportUnreadable(g *Globals, res *rules.Result) {
	for _, u := range res.Unreadable {
		fmt.Fprintf(g.Stderr, "orgrail: unreadable snapshot file %s: %s\n", u.Path, u.Error)
	}
	if n := len(res.Unreadable); n > 0 {
		fmt.Fprintf(g.Stderr, "orgrail: %d snapshot files are corrupt or truncated; the rules that need them report ERROR (exit 3)\n", n)
	}
}

// checkStore opens the state store once before a command that promises
// to store its results, so an unusable --state fails (exit 2) before
// any work rather than warning after it.
func checkStore(ctx context.Context, g *Globals) error {
	s, err := store.Open(ctx, g.StatePath)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--state: %w (--no-store skips the store)", err)}
	}
	return s.Close()
}

func saveAuditRun(ctx context.Context, g *Globals, res *rules.Result, source string, started time.Time, scope findings.Scope) error {
	s, err := store.Open(ctx, g.StatePath) // Open resolves the default path
	if err != nil {
		return err
	}
	defer s.Close()
	status := "ok"
	if res.Partial {
		status = "partial"
	}
	id, err := findings.SaveRun(ctx, s.DB(), res.Report, source, status, started)
	if err != nil {
		return err
	}
	return findings.SaveScope(ctx, s.DB(), id, scope)
}

func newRulesCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "rules", Short: "List the detective guardrails"}
	var framework, dir string
	list := &cobra.Command{
		Use:   "list",
		Short: "Print every rule with its severity, scope and mappings",
		Example: `  orgrail rules list
  orgrail rules list --framework cis --output json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.JSON, output.General...)
			if err != nil {
				return err
			}
			if framework != "" && !findings.ValidFramework(framework) {
				return Usage("--framework %q: want cis, fsbp, nist-csf or control-tower", framework)
			}
			rs := rules.Builtin()
			if dir != "" {
				custom, diags, err := rules.LoadCustom(dir)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				for _, d := range diags {
					fmt.Fprintln(g.Stderr, d.String())
				}
				rs = append(rs, custom...)
			}
			var infos []rules.Listing
			for _, r := range rs {
				if r.InFramework(framework) {
					infos = append(infos, r.ListingIn(g.Lang()))
				}
			}
			if f != output.Table {
				return output.Encode(g.Stdout, f, infos)
			}
			t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "RULE", "SEVERITY", "SCOPE", "CONFIG RULE", "SECURITY HUB", "CIS", "NIST CSF", "CONTROL TOWER", "TITLE")...)
			for _, r := range infos {
				m := r.Mappings
				t.Row(r.ID, r.Severity.String(), r.Scope, dash(m.ConfigRule), dash(m.SecurityHub), dash(m.CIS), dash(m.NistCsf), dash(m.ControlTower), r.Title)
			}
			if err := t.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprintf(g.Stdout, "\n%s\n", i18n.T(g.Lang(), "rules.count", len(infos)))
			return err
		},
	}
	list.Flags().StringVar(&framework, "framework", "", "only rules mapped to cis, fsbp, nist-csf or control-tower")
	list.Flags().StringVar(&dir, "rules", "", "directory of custom rules to list too")
	cmd.AddCommand(list)
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newFindingsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "findings", Short: "Compare stored audit runs"}
	var orgID string
	var runID, against int64
	diff := &cobra.Command{
		Use:   "diff",
		Short: "Show failures new, fixed and still open since the previous audit of the same organization",
		Long: `Diff compares the latest stored audit run (or --run) with the run before it
of the same organization (or --against). Runs are stored by 'orgrail audit'.`,
		Example: `  orgrail findings diff
  orgrail findings diff --org o-abc123 --output json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.Format(output.Table, output.General...)
			if err != nil {
				return err
			}
			path, err := store.Resolve(g.StatePath)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if _, err := os.Stat(path); err != nil {
				return Usage("no state store at %s: run orgrail audit first", path)
			}
			s, err := store.Open(cmd.Context(), path)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			defer s.Close()
			cur, prev, err := pickRuns(cmd.Context(), s, orgID, runID, against)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			cf, err := findings.LoadRun(cmd.Context(), s.DB(), cur.ID)
			if err != nil {
				return err
			}
			var pf []findings.Finding
			if prev != nil {
				if pf, err = findings.LoadRun(cmd.Context(), s.DB(), prev.ID); err != nil {
					return err
				}
				if cf, pf, err = sameScope(cmd.Context(), g, s, cur.ID, prev.ID, cf, pf); err != nil {
					return err
				}
			}
			if g.Progress() {
				from := "nothing (first run)"
				if prev != nil {
					from = "run " + strconv.FormatInt(prev.ID, 10) + " of " + prev.StartedAt.Format(time.RFC3339)
				}
				fmt.Fprintf(g.Stderr, "organization %s: run %d of %s against %s\n", cur.OrgID, cur.ID, cur.StartedAt.Format(time.RFC3339), from)
			}
			return findings.RenderDiff(g.Stdout, f, findings.Diff(pf, cf))
		},
	}
	diff.Flags().StringVar(&orgID, "org", "", "organization id (default: that of the latest run)")
	diff.Flags().Int64Var(&runID, "run", 0, "run to show (default: the latest)")
	diff.Flags().Int64Var(&against, "against", 0, "run to compare with (default: the one before --run)")
	cmd.AddCommand(diff)
	return cmd
}

// sameScope restricts two runs' findings to the rules and accounts both
// runs covered, and says so on stderr when their scopes differ: a CIS
// run after a full run must not show the other rules as fixed.
func sameScope(ctx context.Context, g *Globals, s *store.Store, curID, prevID int64, cf, pf []findings.Finding) ([]findings.Finding, []findings.Finding, error) {
	cs, err := findings.LoadScope(ctx, s.DB(), curID, cf)
	if err != nil {
		return nil, nil, err
	}
	ps, err := findings.LoadScope(ctx, s.DB(), prevID, pf)
	if err != nil {
		return nil, nil, err
	}
	o := findings.Common(ps, cs)
	if o.Same {
		return cf, pf, nil
	}
	if len(o.Rules) == 0 {
		return nil, nil, Usage("runs %d and %d share no rule (%s): nothing to compare", prevID, curID, o.Why)
	}
	fmt.Fprintf(g.Stderr, "orgrail: runs %d and %d differ in scope (%s): comparing only the %d rules and %d accounts both cover\n",
		prevID, curID, o.Why, len(o.Rules), len(o.Accounts))
	return o.Restrict(cf), o.Restrict(pf), nil
}

// pickRuns finds the run to show and the one to compare with.
func pickRuns(ctx context.Context, s *store.Store, orgID string, runID, against int64) (*findings.Run, *findings.Run, error) {
	runs, err := findings.Runs(ctx, s.DB(), orgID, 0)
	if err != nil {
		return nil, nil, err
	}
	if len(runs) == 0 {
		return nil, nil, findings.ErrNoRun
	}
	idx := 0
	if runID != 0 {
		idx = -1
		for i := range runs {
			if runs[i].ID == runID {
				idx = i
			}
		}
		if idx < 0 {
			return nil, nil, fmt.Errorf("run %d: %w", runID, findings.ErrNoRun)
		}
	}
	cur := runs[idx]
	for i := idx + 1; i < len(runs); i++ {
		if runs[i].OrgID == cur.OrgID && (against == 0 || runs[i].ID == against) {
			return &cur, &runs[i], nil
		}
	}
	if against != 0 {
		return nil, nil, fmt.Errorf("run %d: %w", against, findings.ErrNoRun)
	}
	return &cur, nil, nil
}
