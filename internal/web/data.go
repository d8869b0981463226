package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

// Source is what the dashboard reads: a snapshot, the landing-zone
// configuration (optional; mutes are written there) and the state store
// (optional; runs, triage and plans come from it).
type Source struct {
	SnapshotDir string
	ConfigDir   string
	Store       *store.Store
	// Now decides which exceptions have expired; nil means time.Now.
	Now func() time.Time
}

// Data is one consistent view of the organization: the snapshot's tree
// and policies, the findings of a fresh audit of the snapshot under the
// configuration's exceptions, and what the store holds.
type Data struct {
	Snap       *snapshot.Snapshot
	Org        *org.Organization
	View       *demo.View
	Report     *findings.Report
	Exceptions []rules.Exception
	Runs       []findings.Run
	Triage     []*notify.TriageItem
	Plan       *LatestPlan
	LoadedAt   time.Time
}

// LatestPlan is the newest landing-zone plan recorded by orgrail apply.
type LatestPlan struct {
	ID        string
	Status    string
	StartedAt time.Time
	Text      string
}

// loader loads Data and caches what does not change (stored runs).
type loader struct {
	src Source

	mu      sync.Mutex
	runSums map[int64]map[string]findings.Counts
}

func (s Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Load reads the snapshot, audits it under the configuration, and reads
// the store.
func Load(ctx context.Context, src Source) (*Data, error) {
	return (&loader{src: src}).load(ctx)
}

func (l *loader) load(ctx context.Context) (*Data, error) {
	src := l.src
	snap, err := snapshot.Open(src.SnapshotDir)
	if err != nil {
		return nil, fmt.Errorf("--snapshot: %w", err)
	}
	if err := snap.Org.Index(); err != nil {
		return nil, fmt.Errorf("snapshot %s: org.json: %w", snap.Dir, err)
	}
	view, err := demo.BuildView(snap)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", snap.Dir, err)
	}
	d := &Data{Snap: snap, Org: snap.Org, View: view, LoadedAt: src.now().UTC()}
	opt := rules.Options{Rules: rules.Builtin(), Now: src.now()}
	if src.ConfigDir != "" {
		c, _, err := config.Load(src.ConfigDir)
		if err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
		rules.ApplyConfig(&opt, c)
		d.Exceptions = opt.Exceptions
	}
	res, err := rules.Audit(snap, opt)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	d.Report = res.Report
	if src.Store != nil {
		if err := l.loadStore(ctx, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (l *loader) loadStore(ctx context.Context, d *Data) error {
	db := l.src.Store.DB()
	runs, err := findings.Runs(ctx, db, d.Org.Id, 60)
	if err != nil {
		return err
	}
	d.Runs = runs
	items, err := notify.NewSQLiteState(db).TriageItems(ctx, "", 0)
	if err != nil {
		return err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Event.EventTime.After(items[j].Event.EventTime) })
	d.Triage = items
	p, err := latestPlan(ctx, db, d.Org.Id)
	if err != nil {
		return err
	}
	d.Plan = p
	return nil
}

// latestPlan reads the newest apply run of the organization.
func latestPlan(ctx context.Context, db *sql.DB, orgID string) (*LatestPlan, error) {
	var id, body, status string
	var started int64
	err := db.QueryRowContext(ctx, `SELECT plan_id, plan, status, started_at FROM apply_runs WHERE org_id = ?
		ORDER BY started_at DESC LIMIT 1`, orgID).Scan(&id, &body, &status, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the latest plan: %w", err)
	}
	lp := &LatestPlan{ID: id, Status: status, StartedAt: store.Time(started)}
	var p plan.Plan
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		lp.Text = body
		return lp, nil
	}
	var b strings.Builder
	if err := plan.Render(&b, &p, false); err != nil {
		lp.Text = body
		return lp, nil
	}
	lp.Text = b.String()
	return lp, nil
}

// runCounts returns the counts per framework of a stored run, computed
// once per run (stored runs never change).
func (l *loader) runCounts(ctx context.Context, id int64) (map[string]findings.Counts, error) {
	l.mu.Lock()
	c, ok := l.runSums[id]
	l.mu.Unlock()
	if ok {
		return c, nil
	}
	if l.src.Store == nil {
		return nil, nil
	}
	fs, err := findings.LoadRun(ctx, l.src.Store.DB(), id)
	if err != nil {
		return nil, err
	}
	c = map[string]findings.Counts{}
	for _, fw := range findings.Frameworks {
		var n findings.Counts
		for i := range fs {
			if fs[i].Mappings.Control(fw) != "" {
				n.Add(&fs[i])
			}
		}
		c[fw] = n
	}
	l.mu.Lock()
	if l.runSums == nil {
		l.runSums = map[int64]map[string]findings.Counts{}
	}
	l.runSums[id] = c
	l.mu.Unlock()
	return c, nil
}

// Account returns the account with id or name key.
func (d *Data) Account(key string) *org.Account {
	if a := d.Org.Account(key); a != nil {
		return a
	}
	for i := range d.Org.Accounts {
		if d.Org.Accounts[i].Name == key {
			return &d.Org.Accounts[i]
		}
	}
	return nil
}

// minSeverity parses a severity filter; "" is the lowest.
func minSeverity(s string) (severity.Level, bool) {
	if s == "" {
		return severity.Level(0), true
	}
	l, err := severity.Parse(s)
	return l, err == nil
}
