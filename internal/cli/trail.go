package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/detect"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/safetext"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
	"github.com/orgrail/orgrail/internal/trail"
)

func init() {
	register(func(g *Globals) *cobra.Command {
		c := &cobra.Command{
			Use:   "trail",
			Short: "Scan, query, export and verify CloudTrail logs from a Log Archive",
			Long: `trail reads CloudTrail log files from a local directory or s3://bucket/prefix,
in the layouts CloudTrail writes (organization and account trails), and
runs detections over them, queries them through an index in the state
store, exports them to Parquet for Athena, and verifies their integrity
against CloudTrail's digest files. See docs/trail.md.`,
		}
		c.AddCommand(trailScanCmd(g), trailQueryCmd(g), trailExportCmd(g), trailVerifyCmd(g))
		return c
	})
}

// trailSelect holds the flags every trail command shares: where the logs
// are and which of them to read.
type trailSelect struct {
	source   string
	sources  []string // scan takes several
	since    string
	until    string
	accounts []string
	regions  []string
	workers  int
}

func (s *trailSelect) bind(c *cobra.Command) {
	f := c.Flags()
	if c.Name() == "scan" {
		f.StringArrayVar(&s.sources, "source", nil, "log archive: a directory, a file or s3://bucket/prefix; repeat to scan several (EventBridge events as *.jsonl too)")
	} else {
		f.StringVar(&s.source, "source", "", "log archive: a directory or s3://bucket/prefix (required)")
	}
	f.StringVar(&s.since, "since", "", "earliest event time: RFC 3339, YYYY-MM-DD, or a duration ago (24h, 7d)")
	f.StringVar(&s.until, "until", "", "latest event time (exclusive), same forms as --since")
	f.StringSliceVar(&s.accounts, "account", nil, "only these account ids (repeat or comma-separate)")
	f.StringSliceVar(&s.regions, "region", nil, "only these regions (repeat or comma-separate)")
	f.IntVar(&s.workers, "workers", 0, "files decoded in parallel (default: number of CPUs)")
	_ = c.MarkFlagRequired("source")
}

// filter parses the selection flags.
func (s *trailSelect) filter(now time.Time) (trail.Filter, error) {
	f := trail.Filter{Accounts: s.accounts, Regions: s.regions}
	var err error
	if f.Since, err = trailParseWhen(s.since, now); err != nil {
		return f, Usage("--since: %v", err)
	}
	if f.Until, err = trailParseWhen(s.until, now); err != nil {
		return f, Usage("--until: %v", err)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return f, Usage("--since %s is not before --until %s", s.since, s.until)
	}
	return f, nil
}

// open opens the source; a missing directory is unreadable input.
func (s *trailSelect) open(cmd *cobra.Command, g *Globals) (trail.Source, error) {
	return trailOpen(cmd, g, s.source)
}

// openAll opens every --source of scan.
func (s *trailSelect) openAll(cmd *cobra.Command, g *Globals) ([]trail.Source, error) {
	var out []trail.Source
	for _, spec := range s.sources {
		src, err := trailOpen(cmd, g, spec)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

func trailOpen(cmd *cobra.Command, g *Globals, spec string) (trail.Source, error) {
	src, err := trail.Open(cmd.Context(), spec, trail.S3Options{Profile: g.Profile})
	if err != nil {
		return nil, Usage("%v", err)
	}
	return src, nil
}

// trailParseWhen reads a time: RFC 3339, a date (midnight UTC), or a duration
// before now with d for days ("7d", "36h").
func trailParseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n).UTC(), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (RFC 3339, YYYY-MM-DD, or a duration such as 24h or 7d)", s)
}

// trailReportErrors lists unreadable files on stderr.
func trailReportErrors(g *Globals, errs []trail.FileError) {
	for _, e := range errs {
		fmt.Fprintf(g.Stderr, "orgrail: %s\n", safetext.CleanText(e.Error()))
	}
}

func trailScanCmd(g *Globals) *cobra.Command {
	var (
		sel      trailSelect
		rulesDir string
		snapDir  string
		failOn   string
	)
	c := &cobra.Command{
		Use:   "scan",
		Short: "Run the detections over CloudTrail logs",
		Long: `scan runs the built-in detections (and those of --rules DIR: orgrail YAML
detections and Sigma rules) over every record in range and prints the
detections sorted by event time.

Exit codes: 0 none at or above --fail-on; 1 a detection at or above
--fail-on; 3 some files could not be read (listed on stderr); 2 bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := g.Format(output.JSONL, output.Table, output.JSON, output.JSONL)
			if err != nil {
				return err
			}
			threshold, err := severity.Parse(failOn)
			if err != nil {
				return Usage("--fail-on: %v", err)
			}
			f, err := sel.filter(time.Now())
			if err != nil {
				return err
			}
			var o *org.Organization
			if snapDir != "" {
				snap, err := snapshot.Open(snapDir)
				if err != nil {
					return Usage("--snapshot: %v", err)
				}
				o = snap.Org
			}
			skipBad, _ := cmd.Flags().GetBool("skip-bad-rules")
			m, err := trailLoadMatcher(g, rulesDir, o, skipBad)
			if err != nil {
				return err
			}
			srcs, err := sel.openAll(cmd, g)
			if err != nil {
				return err
			}
			out := newScanWriter(g.Stdout, format, g.Lang())
			progress, clearProgress := scanProgress(g.Stderr, g.Progress() && progressTerminal(g.Stderr))
			res, err := trail.ScanAll(cmd.Context(), srcs, trail.ScanOptions{
				IngestOptions: trail.IngestOptions{Filter: f, Workers: sel.workers},
				Matcher:       m, Org: o, Emit: out.write, Progress: progress,
			})
			clearProgress()
			if err != nil {
				return &ExitError{Code: ExitPartial, Err: err}
			}
			trailReportErrors(g, res.Errors)
			if err := out.close(res); err != nil {
				return err
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "scanned %d files, %d records: %d detections (%d suppressed, %d duplicates), %d read errors\n",
					res.Stats.Files, res.Stats.Records, res.Count, res.Suppressed, res.Duplicates, len(res.Errors))
			}
			switch {
			case res.Max() >= 0 && res.Max().Reaches(threshold):
				return Exit(ExitFail)
			case res.Partial:
				return Exit(ExitPartial)
			}
			return nil
		},
	}
	sel.bind(c)
	c.Flags().StringVar(&rulesDir, "rules", "", "directory of extra detections (orgrail YAML and Sigma rules)")
	c.Flags().Bool("skip-bad-rules", false, "run the detections that load when some of --rules do not (default: exit 2)")
	c.Flags().StringVar(&snapDir, "snapshot", "", "snapshot directory whose org.json names accounts and OUs")
	c.Flags().StringVar(&failOn, "fail-on", "high", "exit 1 when a detection is at or above this severity (none disables)")
	return c
}

// trailLoadMatcher compiles the built-in detections and those of dir.
func trailLoadMatcher(g *Globals, dir string, o *org.Organization, skipBad bool) (trail.Matcher, error) {
	e, err := compileDetections(g, dir, o, skipBad)
	if err != nil {
		return nil, err
	}
	for _, r := range e.Skipped() {
		g.Log.Debug("detection skipped: needs the organization's accounts (--snapshot)", "detection", r.ID)
	}
	return newTrailDetectMatcher(e), nil
}

// trailDetectMatcher adapts a detect.Engine to trail.Matcher, converting each
// hit's rule once.
type trailDetectMatcher struct {
	e     *detect.Engine
	rules map[*detect.Rule]*trail.Rule
}

func newTrailDetectMatcher(e *detect.Engine) *trailDetectMatcher {
	m := &trailDetectMatcher{e: e, rules: map[*detect.Rule]*trail.Rule{}}
	for _, r := range e.Rules() {
		tr := &trail.Rule{ID: r.ID, Title: r.Title, Severity: r.Severity, NistCSF: r.NistCSF,
			Source: r.Source, Author: r.Author, Fields: r.Fields}
		if r.Suppression != nil {
			tr.SuppressWindow = r.Suppression.Window
		}
		m.rules[r] = tr
	}
	return m
}

// Match runs the engine; the rule map is read-only after construction, so
// this is safe for concurrent use.
func (m *trailDetectMatcher) Match(event []byte, dst []trail.Hit) ([]trail.Hit, error) {
	hits, err := m.e.Match(event, nil)
	if err != nil {
		return dst, err
	}
	for _, h := range hits {
		r := m.rules[h.Rule]
		if r == nil {
			r = &trail.Rule{ID: h.Rule.ID, Title: h.Rule.Title, Severity: h.Rule.Severity, NistCSF: h.Rule.NistCSF,
				Source: h.Rule.Source, Author: h.Rule.Author, Fields: h.Rule.Fields}
		}
		dst = append(dst, trail.Hit{Rule: r, Values: h.Values, Key: h.Key})
	}
	return dst, nil
}

func trailQueryCmd(g *Globals) *cobra.Command {
	var (
		sel                                           trailSelect
		principals, names, ips, resources, errorCodes []string
		limit                                         int
	)
	c := &cobra.Command{
		Use:   "query",
		Short: "Who did what, where, when: query CloudTrail through the index",
		Long: `query answers from an index of the archive kept in the state store
(--state): the first query over an archive reads every file in range; later
queries read only files that are new or changed (by size and ETag or
modification time).

Values match exactly, or as a glob with * and ?; --principal and
--resource also match a part of the ARN or name. Repeated flags are ORed,
different flags ANDed. Exit 3 when some files could not be read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := g.Format(output.JSONL, output.Table, output.JSON, output.JSONL)
			if err != nil {
				return err
			}
			f, err := sel.filter(time.Now())
			if err != nil {
				return err
			}
			if limit < 0 {
				return Usage("--limit %d: want 0 (no limit) or more", limit)
			}
			src, err := sel.open(cmd, g)
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), g.StatePath)
			if err != nil {
				return Usage("%v", err)
			}
			defer st.Close()
			ix := trail.NewIndex(st.DB())
			stats, ferrs, err := ix.Update(cmd.Context(), src, trail.IngestOptions{Filter: f, Workers: sel.workers})
			if err != nil {
				return &ExitError{Code: ExitPartial, Err: err}
			}
			trailReportErrors(g, ferrs)
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "index: %d files listed, %d read (%d records), %d unchanged\n",
					stats.Listed, stats.Indexed, stats.Records, stats.Unchanged)
			}
			events, err := ix.Query(cmd.Context(), src, trail.Query{Filter: f, Principals: principals, EventNames: names,
				SourceIPs: ips, Resources: resources, ErrorCodes: errorCodes, Limit: limit})
			if err != nil {
				return err
			}
			if err := trailRenderEvents(g, format, events); err != nil {
				return err
			}
			if len(ferrs) > 0 {
				return Exit(ExitPartial)
			}
			return nil
		},
	}
	sel.bind(c)
	fl := c.Flags()
	fl.StringSliceVar(&principals, "principal", nil, "principal ARN, or part of it (user name, role name)")
	fl.StringSliceVar(&names, "event-name", nil, "event name, e.g. ConsoleLogin or Create*")
	fl.StringSliceVar(&ips, "source-ip", nil, "source IP address (glob allowed)")
	fl.StringSliceVar(&resources, "resource", nil, "resource ARN or name, or part of it")
	fl.StringSliceVar(&errorCodes, "error-code", nil, "error code, e.g. AccessDenied (glob allowed)")
	fl.IntVar(&limit, "limit", 0, "at most this many events, oldest first (0: no limit)")
	return c
}

func trailRenderEvents(g *Globals, format output.Format, events []trail.Event) error {
	switch format {
	case output.JSON:
		return output.Encode(g.Stdout, format, events)
	case output.JSONL:
		l := output.NewLines(g.Stdout)
		for _, e := range events {
			if err := l.Write(e); err != nil {
				return err
			}
		}
		return nil
	}
	t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "TIME", "ACCOUNT", "REGION", "PRINCIPAL", "EVENT", "SOURCE IP", "ERROR", "RESOURCES")...)
	for _, e := range events {
		t.Row(e.EventTime, e.Account, e.Region, e.Principal, e.EventName, e.SourceIP, e.ErrorCode, strings.Join(e.Resources, " "))
	}
	return t.Flush()
}

func trailExportCmd(g *Globals) *cobra.Command {
	var (
		sel trailSelect
		dir string
	)
	c := &cobra.Command{
		Use:   "export",
		Short: "Export CloudTrail records to Parquet for Athena",
		Long: `export writes every record in range as Parquet (Zstandard), partitioned
Hive-style account=<id>/region=<region>/date=YYYY-MM-DD/ under --parquet DIR.
docs/athena.md has the Athena table with partition projection.
Exit 3 when some files could not be read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := g.Format(output.Table, output.Table, output.JSON)
			if err != nil {
				return err
			}
			if dir == "" {
				return Usage("--parquet DIR is required")
			}
			f, err := sel.filter(time.Now())
			if err != nil {
				return err
			}
			src, err := sel.open(cmd, g)
			if err != nil {
				return err
			}
			res, err := trail.Export(cmd.Context(), src, trail.ExportOptions{
				IngestOptions: trail.IngestOptions{Filter: f, Workers: sel.workers}, Dir: dir})
			if err != nil {
				return &ExitError{Code: ExitPartial, Err: err}
			}
			trailReportErrors(g, res.Errors)
			if format == output.JSON {
				if err := output.Encode(g.Stdout, format, res); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(g.Stdout, "wrote %d rows in %d files, %d partitions under %s (%d log files read)\n",
					res.Rows, len(res.Files), res.Partitions, dir, res.Stats.Files)
			}
			if res.Partial {
				return Exit(ExitPartial)
			}
			return nil
		},
	}
	sel.bind(c)
	c.Flags().StringVar(&dir, "parquet", "", "output directory for the Parquet files (required)")
	return c
}

func trailVerifyCmd(g *Globals) *cobra.Command {
	var (
		sel      trailSelect
		keysFile string
	)
	c := &cobra.Command{
		Use:   "verify",
		Short: "Verify CloudTrail log file integrity against the digest files",
		Long: `verify checks CloudTrail digest files as 'aws cloudtrail validate-logs'
does: the RSA signature of every digest, the chain of previous-digest
signatures and hashes, and the SHA-256 of every log file a digest lists;
it reports missing, modified and unexpected log files.

--public-keys FILE (the JSON of 'aws cloudtrail list-public-keys') works
offline; without it the keys come from CloudTrail's ListPublicKeys.
A local copy keeps each digest's signature in <digest>.sig (docs/trail.md).

Exit codes: 0 valid; 1 any integrity failure; 3 files could not be read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := g.Format(output.Table, output.Table, output.JSON)
			if err != nil {
				return err
			}
			f, err := sel.filter(time.Now())
			if err != nil {
				return err
			}
			var keys trail.KeyProvider = &trail.CloudTrailKeys{Profile: g.Profile}
			if keysFile != "" {
				ks, err := trail.LoadPublicKeys(keysFile)
				if err != nil {
					return Usage("--public-keys: %v", err)
				}
				keys = trail.StaticKeys{Set: ks}
			}
			src, err := sel.open(cmd, g)
			if err != nil {
				return err
			}
			res, err := trail.Verify(cmd.Context(), src, trail.VerifyOptions{Filter: f, Keys: keys})
			if err != nil {
				return &ExitError{Code: ExitPartial, Err: err}
			}
			if format == output.JSON {
				if err := output.Encode(g.Stdout, format, res); err != nil {
					return err
				}
			} else {
				t := output.NewTable(g.Stdout, i18n.Headers(g.Lang(), "PROBLEM", "FILE", "DETAIL")...)
				for _, p := range res.Problems {
					t.Row(p.Kind, p.File, p.Detail)
				}
				if len(res.Problems) > 0 {
					if err := t.Flush(); err != nil {
						return err
					}
				}
				fmt.Fprintf(g.Stdout, "%d/%d digest files valid, %d/%d log files valid, %d problems\n",
					res.ValidDigests, res.Digests, res.ValidLogFiles, res.LogFiles, len(res.Problems))
			}
			integrity := 0
			for _, p := range res.Problems {
				if p.Kind != trail.ProblemUnreadable {
					integrity++
				}
			}
			switch {
			case integrity > 0:
				return Exit(ExitFail)
			case res.Partial || len(res.Problems) > 0:
				return Exit(ExitPartial)
			case res.Digests == 0:
				fmt.Fprintf(g.Stderr, "orgrail: no digest files under %s (is log file validation enabled on the trail?)\n", src)
				return Exit(ExitFail)
			}
			return nil
		},
	}
	sel.bind(c)
	c.Flags().StringVar(&keysFile, "public-keys", "", "public keys as 'aws cloudtrail list-public-keys --output json' prints them (offline)")
	return c
}
