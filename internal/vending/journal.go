package vending

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/orgrail/orgrail/internal/store"
)

// Journal statuses of a step.
const (
	stepStarted = "started"
	stepDone    = "done"
	stepFailed  = "failed"
	stepPending = "pending"
)

// entry is one journal row.
type entry struct {
	status, objectID, detail string
}

// journal records a vending run in the store (vending_runs,
// vending_steps) so that running the same request again resumes it.
type journal struct {
	db  *sql.DB
	key string
}

func now() int64 { return time.Now().UnixMilli() }

// openJournal starts or resumes the run of req and returns the steps
// recorded so far. A run recorded for the same email under another name
// is refused: that email belongs to another request.
func openJournal(ctx context.Context, st *store.Store, req Request) (*journal, map[string]entry, error) {
	j := &journal{db: st.DB(), key: req.Key()}
	var name string
	err := j.db.QueryRowContext(ctx, `SELECT name FROM vending_runs WHERE request_key = ?`, j.key).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, nil, fmt.Errorf("vending journal: %w", err)
	case name != req.Name:
		return nil, nil, &RequestError{Problems: []string{fmt.Sprintf("--email %s was already used to vend the account %q; use that name to resume it, or another email", req.Email, name)}}
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, nil, err
	}
	if _, err := j.db.ExecContext(ctx, `INSERT INTO vending_runs (request_key, name, email, request, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (request_key) DO UPDATE SET status = 'running', request = excluded.request, updated_at = excluded.updated_at, finished_at = NULL`,
		j.key, req.Name, req.Email, string(b), now(), now()); err != nil {
		return nil, nil, fmt.Errorf("vending journal: %w", err)
	}
	rows, err := j.db.QueryContext(ctx, `SELECT step, status, COALESCE(object_id, ''), COALESCE(detail, '') FROM vending_steps WHERE request_key = ?`, j.key)
	if err != nil {
		return nil, nil, fmt.Errorf("vending journal: %w", err)
	}
	defer rows.Close()
	steps := map[string]entry{}
	for rows.Next() {
		var k string
		var e entry
		if err := rows.Scan(&k, &e.status, &e.objectID, &e.detail); err != nil {
			return nil, nil, fmt.Errorf("vending journal: %w", err)
		}
		steps[k] = e
	}
	return j, steps, rows.Err()
}

// set records the state of one step.
func (j *journal) set(ctx context.Context, step string, e entry) error {
	_, err := j.db.ExecContext(ctx, `INSERT INTO vending_steps (request_key, step, status, object_id, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (request_key, step) DO UPDATE SET status = excluded.status,
	object_id = COALESCE(NULLIF(excluded.object_id, ''), vending_steps.object_id),
	detail = excluded.detail, updated_at = excluded.updated_at`,
		j.key, step, e.status, e.objectID, e.detail, now())
	if err != nil {
		return fmt.Errorf("vending journal: %w", err)
	}
	return nil
}

// setAccount records the account id once it is known.
func (j *journal) setAccount(ctx context.Context, id string) error {
	if _, err := j.db.ExecContext(ctx, `UPDATE vending_runs SET account_id = ?, updated_at = ? WHERE request_key = ?`, id, now(), j.key); err != nil {
		return fmt.Errorf("vending journal: %w", err)
	}
	return nil
}

// finish records the run's status and report.
func (j *journal) finish(ctx context.Context, status string, rep *Report) error {
	b, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	fin := any(now())
	if status == "running" {
		fin = nil
	}
	if _, err := j.db.ExecContext(ctx, `UPDATE vending_runs SET status = ?, report = ?, updated_at = ?, finished_at = ? WHERE request_key = ?`,
		status, string(b), now(), fin, j.key); err != nil {
		return fmt.Errorf("vending journal: %w", err)
	}
	return nil
}

// Vended is what the journal knows of one vended account.
type Vended struct {
	AccountID string
	Name      string
	Email     string
	Status    string
	// Baseline is the baseline step's status: done, pending, failed or
	// "" when the run did not reach it.
	Baseline string
	Report   *Report
}

// Journaled returns the accounts the factory vended (or is vending),
// keyed by account id when known, else by lower-case email.
func Journaled(ctx context.Context, st *store.Store) (map[string]Vended, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT r.request_key, r.name, r.email, COALESCE(r.account_id, ''), r.status, COALESCE(r.report, ''),
	COALESCE((SELECT s.status FROM vending_steps s WHERE s.request_key = r.request_key AND s.step = 'baseline'), '')
FROM vending_runs r`)
	if err != nil {
		return nil, fmt.Errorf("vending journal: %w", err)
	}
	defer rows.Close()
	out := map[string]Vended{}
	for rows.Next() {
		var key, report string
		var v Vended
		if err := rows.Scan(&key, &v.Name, &v.Email, &v.AccountID, &v.Status, &report, &v.Baseline); err != nil {
			return nil, fmt.Errorf("vending journal: %w", err)
		}
		if report != "" {
			v.Report = &Report{}
			if err := json.Unmarshal([]byte(report), v.Report); err != nil {
				return nil, fmt.Errorf("vending journal: report of %s: %w", v.Email, err)
			}
		}
		if v.AccountID != "" {
			key = v.AccountID
		}
		out[key] = v
	}
	return out, rows.Err()
}
