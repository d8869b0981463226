package remediate

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Record stores an applied plan's results in the state store as a run
// of kind remediate: status ok when every step succeeded, partial when
// some did, failed when none did; the results are the run's summary.
func Record(ctx context.Context, db *sql.DB, orgID, source string, started time.Time, rs []Result) (int64, error) {
	ok := 0
	for _, r := range rs {
		if r.OK {
			ok++
		}
	}
	status := "ok"
	switch {
	case len(rs) > 0 && ok == 0:
		status = "failed"
	case ok < len(rs):
		status = "partial"
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return 0, err
	}
	res, err := db.ExecContext(ctx, `INSERT INTO runs (org_id, kind, started_at, finished_at, status, source, summary)
		VALUES (?, 'remediate', ?, ?, ?, ?, ?)`, orgID, started.UnixMilli(), time.Now().UnixMilli(), status, source, string(b))
	if err != nil {
		return 0, fmt.Errorf("recording remediation: %w", err)
	}
	return res.LastInsertId()
}

// Journal records a remediation run in the state store while it
// happens: the run and every planned step before the first call, then
// each result as its call returns, so an interrupted run leaves an
// honest trace (status running, steps still planned).
type Journal struct {
	db *sql.DB
	id int64
}

// journalSummary is the JSON summary of a remediation run.
type journalSummary struct {
	Caller     string   `json:"caller"`
	PlanDigest string   `json:"planDigest"`
	Steps      int      `json:"steps"`
	Changes    []Change `json:"changes,omitempty"`
	OK         int      `json:"ok"`
	Failed     int      `json:"failed"`
}

// Start writes the "started" record: a run of kind remediate with status
// running, the caller's ARN, the plan digest, the changes found by
// Verify, and one planned row per step.
func Start(ctx context.Context, db *sql.DB, orgID, source, caller string, p *Plan, changes []Change) (*Journal, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("recording the remediation start: %w", err)
	}
	defer tx.Rollback()
	digest := p.Digest()
	sum, _ := json.Marshal(journalSummary{Caller: caller, PlanDigest: digest, Steps: len(p.Steps), Changes: changes})
	res, err := tx.ExecContext(ctx, `INSERT INTO runs (org_id, kind, started_at, status, source, summary, caller, plan_digest)
		VALUES (?, 'remediate', ?, 'running', ?, ?, ?, ?)`, orgID, time.Now().UnixMilli(), source, string(sum), caller, digest)
	if err != nil {
		return nil, fmt.Errorf("recording the remediation start: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("recording the remediation start: %w", err)
	}
	for i, s := range p.Steps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO remediation_steps (run_id, step, account, region, operation, resource)
			VALUES (?, ?, ?, ?, ?, ?)`, id, i+1, s.Account, s.Region, s.Service+":"+s.Operation, s.Resource); err != nil {
			return nil, fmt.Errorf("recording the remediation plan: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("recording the remediation start: %w", err)
	}
	return &Journal{db: db, id: id}, nil
}

// ID returns the run id.
func (j *Journal) ID() int64 { return j.id }

// Step records one result.
func (j *Journal) Step(ctx context.Context, r Result) error {
	status := "ok"
	if !r.OK {
		status = "failed"
	}
	_, err := j.db.ExecContext(ctx, `UPDATE remediation_steps SET status = ?, error = ?, at = ? WHERE run_id = ? AND step = ?`,
		status, r.Error, r.At.UnixMilli(), j.id, r.Step)
	return err
}

// Finish closes the run: ok when every step succeeded, partial when
// some did, failed when none did (or when not every step was made).
func (j *Journal) Finish(ctx context.Context, planned int, rs []Result) error {
	ok := 0
	for _, r := range rs {
		if r.OK {
			ok++
		}
	}
	status := "ok"
	switch {
	case planned > 0 && ok == 0:
		status = "failed"
	case ok < planned:
		status = "partial"
	}
	_, err := j.db.ExecContext(ctx, `UPDATE runs SET status = ?, finished_at = ?,
		summary = json_set(summary, '$.ok', ?, '$.failed', ?) WHERE id = ?`, status, time.Now().UnixMilli(), ok, len(rs)-ok, j.id)
	if err != nil {
		return fmt.Errorf("recording the remediation end: %w", err)
	}
	return nil
}
