package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseAge reads a retention period: a whole number of days ("90d") or
// weeks ("2w"), or a Go duration ("36h", "90m").
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("bad duration %q: want a number of days (90d), weeks (2w) or a Go duration (36h)", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q: want a number of days (90d), weeks (2w) or a Go duration (36h)", s)
	}
	return d, nil
}

// PruneResult counts the rows Prune deleted, per table.
type PruneResult struct {
	Cutoff  time.Time        `json:"cutoff"`
	Deleted map[string]int64 `json:"deleted"`
}

// pruneStatements delete what is older than the cutoff (the single
// parameter, unix milliseconds). Work in progress is never pruned:
// pending and failed (still retrying) outbox messages, open triage
// items and checkpoints stay, and
// the latest run of each organization and kind is kept as the baseline
// of the next comparison. Findings and trail_index rows go with their
// run and file through ON DELETE CASCADE.
var pruneStatements = []struct {
	table, sql string
}{
	{"runs", `DELETE FROM runs WHERE started_at < ?1 AND id NOT IN (
		SELECT max(id) FROM runs GROUP BY org_id, kind)`},
	// A CloudTrail file that loses any record is forgotten whole (its
	// trail_files row and every index row of it), so the next trail
	// query reads it again rather than finding it "already indexed" with
	// its records gone. Files with no record at all go when old.
	{"trail_index", `DELETE FROM trail_index WHERE file_id IN (
		SELECT DISTINCT file_id FROM trail_index WHERE event_time < ?1)`},
	{"trail_files", `DELETE FROM trail_files WHERE NOT EXISTS (
		SELECT 1 FROM trail_index WHERE trail_index.file_id = trail_files.id) AND (indexed_at < ?1 OR records > 0)`},
	{"outbox", `DELETE FROM outbox WHERE status IN ('sent', 'parked') AND updated_at < ?1`},
	{"triage", `DELETE FROM triage WHERE status IN ('acked', 'dismissed') AND updated_at < ?1`},
	{"dedupe", `DELETE FROM dedupe WHERE first_seen < ?1 OR (expires_at IS NOT NULL AND expires_at < ?2)`},
}

// Prune deletes history older than olderThan before now, in one
// transaction, and then checkpoints the WAL so the file can shrink.
func (s *Store) Prune(ctx context.Context, olderThan time.Duration, now time.Time) (PruneResult, error) {
	cutoff := now.Add(-olderThan)
	res := PruneResult{Cutoff: cutoff.UTC(), Deleted: map[string]int64{}}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("pruning: %w", err)
	}
	defer tx.Rollback()
	for _, st := range pruneStatements {
		r, err := tx.ExecContext(ctx, st.sql, Millis(cutoff), Millis(now))
		if err != nil {
			return res, fmt.Errorf("pruning %s: %w", st.table, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return res, fmt.Errorf("pruning %s: %w", st.table, err)
		}
		res.Deleted[st.table] = n
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("pruning: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return res, fmt.Errorf("checkpointing the WAL: %w", err)
	}
	return res, nil
}
