package remediate

import (
	"context"
	"database/sql"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func TestRecord(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE runs (id INTEGER PRIMARY KEY, org_id TEXT NOT NULL, kind TEXT NOT NULL,
		started_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL, source TEXT, summary TEXT)`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rs   []Result
		want string
	}{
		{[]Result{{OK: true}, {OK: true}}, "ok"},
		{[]Result{{OK: true}, {OK: false, Error: "denied"}}, "partial"},
		{[]Result{{OK: false}}, "failed"},
	} {
		id, err := Record(ctx, db, "o-abc", "snap", time.Now(), c.rs)
		if err != nil {
			t.Fatal(err)
		}
		var st, kind string
		if err := db.QueryRowContext(ctx, `SELECT status, kind FROM runs WHERE id = ?`, id).Scan(&st, &kind); err != nil {
			t.Fatal(err)
		}
		if st != c.want || kind != "remediate" {
			t.Errorf("status %s kind %s, want %s", st, kind, c.want)
		}
	}
}
