package findings

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Run is one stored audit run.
type Run struct {
	ID         int64     `json:"id"`
	OrgID      string    `json:"orgId"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	Status     string    `json:"status"`
	Source     string    `json:"source"`
}

// ErrNoRun is returned when no stored run matches.
var ErrNoRun = errors.New("no stored audit run")

// SaveRun stores an audit's findings as a new run of kind audit in the
// store's runs and findings tables, in one transaction, and returns the
// run id. status is ok or partial.
func SaveRun(ctx context.Context, db *sql.DB, r *Report, source, status string, started time.Time) (int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("saving audit run: %w", err)
	}
	defer tx.Rollback()
	sum, _ := json.Marshal(Summarize(r.Findings).Total)
	res, err := tx.ExecContext(ctx, `INSERT INTO runs (org_id, kind, started_at, finished_at, status, source, summary)
		VALUES (?, 'audit', ?, ?, ?, ?, ?)`, r.OrgID, started.UnixMilli(), time.Now().UnixMilli(), status, source, string(sum))
	if err != nil {
		return 0, fmt.Errorf("saving audit run: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("saving audit run: %w", err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO findings
		(run_id, finding_id, rule_id, status, severity, account, region, resource_arn, muted, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, fmt.Errorf("saving findings: %w", err)
	}
	defer st.Close()
	for i := range r.Findings {
		f := &r.Findings[i]
		data, err := json.Marshal(f)
		if err != nil {
			return 0, err
		}
		muted := 0
		if f.Muted {
			muted = 1
		}
		if _, err := st.ExecContext(ctx, id, f.ID, f.RuleID, string(f.Status), f.Severity.String(), f.Account,
			f.Region, f.ResourceArn, muted, string(data)); err != nil {
			return 0, fmt.Errorf("saving finding %s: %w", f.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("saving audit run: %w", err)
	}
	return id, nil
}

// Runs lists the stored audit runs of an organization ("" for every
// organization), newest first.
func Runs(ctx context.Context, db *sql.DB, orgID string, limit int) ([]Run, error) {
	q := `SELECT id, org_id, started_at, COALESCE(finished_at, 0), status, COALESCE(source, '') FROM runs WHERE kind = 'audit'`
	args := []any{}
	if orgID != "" {
		q += ` AND org_id = ?`
		args = append(args, orgID)
	}
	q += ` ORDER BY started_at DESC, id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing audit runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var s, f int64
		if err := rows.Scan(&r.ID, &r.OrgID, &s, &f, &r.Status, &r.Source); err != nil {
			return nil, err
		}
		r.StartedAt, r.FinishedAt = time.UnixMilli(s).UTC(), time.UnixMilli(f).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// LoadRun returns the findings stored for a run.
func LoadRun(ctx context.Context, db *sql.DB, runID int64) ([]Finding, error) {
	rows, err := db.QueryContext(ctx, `SELECT data FROM findings WHERE run_id = ?`, runID)
	if err != nil {
		return nil, fmt.Errorf("loading run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var f Finding
		if err := json.Unmarshal([]byte(data), &f); err != nil {
			return nil, fmt.Errorf("run %d: corrupt finding: %w", runID, err)
		}
		out = append(out, f)
	}
	Sort(out)
	return out, rows.Err()
}
