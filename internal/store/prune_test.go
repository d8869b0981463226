package store

import (
	"context"
	"testing"
	"time"
)

func TestPrune(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	old := Millis(now.Add(-100 * 24 * time.Hour))
	recent := Millis(now.Add(-10 * 24 * time.Hour))
	stmts := []struct {
		sql  string
		args []any
	}{
		// org A: two old runs, pruned, and a recent one.
		{`INSERT INTO runs (id, org_id, started_at) VALUES (1, 'o-a', ?), (2, 'o-a', ?), (3, 'o-a', ?)`, []any{old, old, recent}},
		// org B: only an old run, kept as the baseline.
		{`INSERT INTO runs (id, org_id, started_at) VALUES (4, 'o-b', ?)`, []any{old}},
		{`INSERT INTO findings (run_id, finding_id, rule_id, status, severity, data) VALUES
			(1, 'f', 'r', 'FAILED', 'high', '{}'), (2, 'f', 'r', 'FAILED', 'high', '{}'),
			(3, 'f', 'r', 'PASSED', 'high', '{}'), (4, 'f', 'r', 'FAILED', 'high', '{}')`, nil},
		{`INSERT INTO finding_docs (run_id, rule_id, findings, data) VALUES
			(1, 'r', 0, x''), (2, 'r', 0, x''), (3, 'r', 0, x''), (4, 'r', 0, x'')`, nil},
		{`INSERT INTO trail_files (id, path, size, records, indexed_at) VALUES (1, 'old.json.gz', 10, 1, ?), (2, 'new.json.gz', 10, 2, ?)`, []any{old, recent}},
		{`INSERT INTO trail_index (event_id, event_time, account, region, event_name, event_source, file_id) VALUES
			('e1', ?1, '1', 'us-east-1', 'X', 's', 1), ('e2', ?2, '1', 'us-east-1', 'X', 's', 2), ('e3', ?1, '1', 'us-east-1', 'X', 's', 2)`, []any{old, recent}},
		{`INSERT INTO outbox (dedupe_key, channel, payload, status, next_attempt_at, created_at, updated_at) VALUES
			('o1', 'c', '{}', 'sent', 0, ?1, ?1), ('o2', 'c', '{}', 'pending', 0, ?1, ?1),
			('o3', 'c', '{}', 'parked', 0, ?1, ?1), ('o4', 'c', '{}', 'sent', 0, ?2, ?2),
			('o5', 'c', '{}', 'failed', 0, ?1, ?1)`, []any{old, recent}},
		{`INSERT INTO triage (dedupe_key, source, severity, title, payload, status, created_at, updated_at) VALUES
			('t1', 'detection', 'high', 't', '{}', 'open', ?1, ?1), ('t2', 'detection', 'high', 't', '{}', 'dismissed', ?1, ?1)`, []any{old}},
		{`INSERT INTO dedupe (key, first_seen, expires_at) VALUES ('d1', ?1, NULL), ('d2', ?2, NULL), ('d3', ?2, ?2)`, []any{old, recent}},
		{`INSERT INTO checkpoints (name, value, updated_at) VALUES ('c', 'v', ?)`, []any{old}},
	}
	for _, st := range stmts {
		if _, err := s.DB().Exec(st.sql, st.args...); err != nil {
			t.Fatalf("%s: %v", st.sql, err)
		}
	}
	res, err := s.Prune(ctx, 90*24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	// new.json.gz lost e3, so it is forgotten whole (e2 with it): the next
	// trail query reads it again.
	wantDeleted := map[string]int64{"runs": 2, "trail_index": 3, "trail_files": 2, "outbox": 2, "triage": 1, "dedupe": 2}
	for k, v := range wantDeleted {
		if res.Deleted[k] != v {
			t.Errorf("deleted %s = %d, want %d (all: %v)", k, res.Deleted[k], v, res.Deleted)
		}
	}
	wantLeft := map[string]int64{"runs": 2, "findings": 2, "finding_docs": 2, "trail_files": 0, "trail_index": 0, "outbox": 3, "triage": 1, "dedupe": 1, "checkpoints": 1}
	for table, want := range wantLeft {
		var n int64
		if err := s.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d rows left, want %d", table, n, want)
		}
	}
	var pending int
	if err := s.DB().QueryRow(`SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&pending); err != nil || pending != 1 {
		t.Errorf("pending outbox rows = %d, %v", pending, err)
	}
}
