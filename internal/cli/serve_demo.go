package cli

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
	"github.com/orgrail/orgrail/internal/trail"
)

// seedDemo fills a state store for the demo organization written in
// dir, as a user would with 'orgrail audit' and 'orgrail notify': the
// audit of the snapshot under the demo configuration as a stored run,
// and every detection of its Log Archive and EventBridge events in the
// triage queue.
func seedDemo(cmd *cobra.Command, g *Globals, dir string, st *store.Store) error {
	ctx := cmd.Context()
	snap, err := snapshot.Open(filepath.Join(dir, demo.SnapshotDir))
	if err != nil {
		return err
	}
	opt := rules.Options{Rules: rules.Builtin()}
	if err := demoConfig(dir, &opt); err != nil {
		return err
	}
	started := time.Now()
	res, err := rules.Audit(snap, opt)
	if err != nil {
		return fmt.Errorf("demo audit: %w", err)
	}
	for weeks := demoHistoryWeeks; weeks >= 1; weeks-- {
		past := demoPastReport(res.Report, weeks)
		if _, err := findings.SaveRun(ctx, st.DB(), past, demoHistorySource, "ok", started.AddDate(0, 0, -7*weeks)); err != nil {
			return err
		}
	}
	if _, err := findings.SaveRun(ctx, st.DB(), res.Report, "demo", "ok", started); err != nil {
		return err
	}
	dets, err := demoDetections(cmd, g, dir, snap)
	if err != nil {
		return err
	}
	return recordDemoTriage(cmd, st, dets)
}

// demoHistoryWeeks is how many weekly runs before today's the demo
// store holds, so that the dashboard's compliance trend has a shape.
const demoHistoryWeeks = 4

// demoHistorySource is the source recorded for those earlier runs: they
// are synthesized, and the store says so.
const demoHistorySource = "demo-history"

// demoPastReport synthesizes the demo organization's audit of weeks
// weeks ago: today's findings, with a share of today's PASSED checks
// (5 % per week back, chosen by finding id so every run is the same on
// every machine) still FAILED then — a team fixing findings week by
// week. Only the demo's seeded store holds such runs (source
// demo-history); 'orgrail audit' never writes one.
func demoPastReport(r *findings.Report, weeks int) *findings.Report {
	past := *r
	past.Findings = make([]findings.Finding, len(r.Findings))
	copy(past.Findings, r.Findings)
	for i := range past.Findings {
		f := &past.Findings[i]
		if f.Status != findings.Passed {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(f.ID))
		if int(h.Sum32()%100) < 5*weeks {
			f.Status = findings.Failed
			f.Message = fmt.Sprintf("failing %d weeks before the demo's snapshot (synthesized demo history)", weeks)
		}
	}
	return &past
}

// demoDetections scans the demo's Log Archive and EventBridge events.
func demoDetections(cmd *cobra.Command, g *Globals, dir string, snap *snapshot.Snapshot) ([]trail.Detection, error) {
	m, err := trailLoadMatcher(g, "", snap.Org, false)
	if err != nil {
		return nil, err
	}
	var srcs []trail.Source
	for _, sub := range []string{"logarchive", "events"} {
		src, err := trailOpen(cmd, g, filepath.Join(dir, sub))
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, src)
	}
	scan, err := trail.ScanAll(cmd.Context(), srcs, trail.ScanOptions{Matcher: m, Org: snap.Org})
	if err != nil {
		return nil, fmt.Errorf("demo scan: %w", err)
	}
	return scan.Detections, nil
}

// recordDemoTriage queues detections for a person in the store's triage
// table, through the same state as 'orgrail notify' (a detection already
// recorded is skipped).
func recordDemoTriage(cmd *cobra.Command, st *store.Store, dets []trail.Detection) error {
	now := time.Now()
	entries := make([]*notify.Entry, 0, len(dets))
	for _, d := range dets {
		e := detectionEvent(d)
		entries = append(entries, &notify.Entry{Key: e.Key(), Event: e, Triage: true, Now: now})
	}
	if _, err := notify.NewSQLiteState(st.DB()).RecordAll(cmd.Context(), entries); err != nil {
		return fmt.Errorf("recording detections: %w", err)
	}
	return nil
}

// detectionEvent converts a scan's detection to notify's event.
func detectionEvent(d trail.Detection) notify.Event {
	t, _ := time.Parse(time.RFC3339, d.EventTime)
	return notify.Event{DetectionID: d.DetectionID, Title: d.Title, Severity: d.Severity, NistCSF: d.NistCSF,
		EventID: d.EventID, EventTime: t, Account: d.Account, AccountName: d.AccountName, OU: d.OU,
		Region: d.Region, Principal: d.Principal, EventName: d.EventName, EventSource: d.EventSource,
		SourceIP: d.SourceIP, Source: d.Source, Author: d.Author}
}
