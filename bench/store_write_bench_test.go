package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/store"
)

// plainInsertFindings is the baseline of the store write benchmarks: the
// same rows, with the same values, written by a plain loop of one-row
// prepared INSERTs in one transaction into a table without a key or an
// index, in a fresh store opened as orgrail opens it. It returns the
// rows per second.
func plainInsertFindings(b *testing.B, r *findings.Report) float64 {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "baseline.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB().ExecContext(ctx, `CREATE TABLE plain (run_id INTEGER, finding_id TEXT, rule_id TEXT, status TEXT,
		severity TEXT, account TEXT, region TEXT, resource_arn TEXT, muted INTEGER, data TEXT)`); err != nil {
		b.Fatal(err)
	}
	start := cpuSeconds()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		data, _ := json.Marshal(f)
		if _, err := st.ExecContext(ctx, 1, f.ID, f.RuleID, string(f.Status), f.Severity.String(), f.Account,
			f.Region, f.ResourceArn, 0, string(data)); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return float64(len(r.Findings)) / (cpuSeconds() - start)
}

// saveRunRate stores the report as `orgrail audit` does, as the second
// run of a fresh store (so the findings index already holds a run), and
// returns the findings per CPU-second of the second run.
func saveRunRate(b *testing.B, db *sql.DB, r *findings.Report) float64 {
	ctx := context.Background()
	start := cpuSeconds()
	if _, err := findings.SaveRun(ctx, db, r, "bench", "ok", time.Now()); err != nil {
		b.Fatal(err)
	}
	return float64(len(r.Findings)) / (cpuSeconds() - start)
}

// BenchmarkStoreWriteFindings measures how fast `audit` stores the
// 161,184 findings of the 1,000-account organization, as a ratio to the
// plain INSERT loop measured in the same round (plainInsertFindings):
// "ratio" is orgrail's rows per CPU-second over the baseline's, so 1.0 means
// as fast as the bare loop into an unindexed table. Each round stores a
// first run (untimed) and then a second, timed one, as a store in use
// already holds earlier runs.
func BenchmarkStoreWriteFindings(b *testing.B) {
	r := syntheticReport(benchFindings)
	ctx := context.Background()
	var base, rate float64
	rounds := 0
	for b.Loop() {
		s, err := store.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
		if err != nil {
			b.Fatal(err)
		}
		base += plainInsertFindings(b, r)
		saveRunRate(b, s.DB(), r)
		rate += saveRunRate(b, s.DB(), r)
		s.Close()
		rounds++
	}
	b.ReportMetric(rate/float64(rounds), "rows/cpu-s")
	b.ReportMetric(base/float64(rounds), "baseline-rows/cpu-s")
	b.ReportMetric(rate/base, "ratio")
}
