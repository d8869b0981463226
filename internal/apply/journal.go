package apply

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/store"
)

// Step statuses of the journal.
const (
	stepStarted = "started"
	stepDone    = "done"
	stepFailed  = "failed"
)

// step is one journal row.
type step struct {
	status    string
	objectID  string
	requestID string
}

// journal records an apply's progress in the store so that an
// interrupted apply resumes where it stopped.
type journal struct {
	db   *sql.DB
	plan string
}

func now() int64 { return time.Now().UnixMilli() }

// openJournal starts (or finds) the run of plan p and returns the steps
// recorded so far.
func openJournal(ctx context.Context, s *store.Store, p *plan.Plan) (*journal, map[string]step, error) {
	j := &journal{db: s.DB(), plan: p.ID()}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, nil, err
	}
	if _, err := j.db.ExecContext(ctx, `INSERT INTO apply_runs (plan_id, org_id, plan, started_at, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (plan_id) DO UPDATE SET status = 'running', updated_at = excluded.updated_at, finished_at = NULL`,
		j.plan, p.OrgID, string(b), now(), now()); err != nil {
		return nil, nil, fmt.Errorf("apply journal: %w", err)
	}
	rows, err := j.db.QueryContext(ctx, `SELECT change_key, status, COALESCE(object_id, ''), COALESCE(request_id, '') FROM apply_steps WHERE plan_id = ?`, j.plan)
	if err != nil {
		return nil, nil, fmt.Errorf("apply journal: %w", err)
	}
	defer rows.Close()
	steps := map[string]step{}
	for rows.Next() {
		var k string
		var st step
		if err := rows.Scan(&k, &st.status, &st.objectID, &st.requestID); err != nil {
			return nil, nil, fmt.Errorf("apply journal: %w", err)
		}
		steps[k] = st
	}
	return j, steps, rows.Err()
}

// set records the state of one step.
func (j *journal) set(ctx context.Context, seq int, key, status, objectID, requestID, detail string) error {
	_, err := j.db.ExecContext(ctx, `INSERT INTO apply_steps (plan_id, change_key, seq, status, object_id, request_id, detail, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (plan_id, change_key) DO UPDATE SET status = excluded.status,
	object_id = COALESCE(NULLIF(excluded.object_id, ''), apply_steps.object_id),
	request_id = COALESCE(NULLIF(excluded.request_id, ''), apply_steps.request_id),
	detail = excluded.detail, updated_at = excluded.updated_at`,
		j.plan, key, seq, status, objectID, requestID, detail, now())
	if err != nil {
		return fmt.Errorf("apply journal: %w", err)
	}
	return nil
}

// finish marks the run done or failed.
func (j *journal) finish(ctx context.Context, status string) error {
	_, err := j.db.ExecContext(ctx, `UPDATE apply_runs SET status = ?, updated_at = ?, finished_at = ? WHERE plan_id = ?`, status, now(), now(), j.plan)
	if err != nil {
		return fmt.Errorf("apply journal: %w", err)
	}
	return nil
}

// Applied is the last plan applied to completion to an organization.
type Applied struct {
	Plan     *plan.Plan
	Finished time.Time
}

// LastApplied returns the plan last applied to completion to the
// organization orgID, or nil when there is none.
func LastApplied(ctx context.Context, s *store.Store, orgID string) (*Applied, error) {
	var doc string
	var fin int64
	err := s.DB().QueryRowContext(ctx, `SELECT plan, finished_at FROM apply_runs WHERE org_id = ? AND status = 'done'
ORDER BY finished_at DESC LIMIT 1`, orgID).Scan(&doc, &fin)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the last apply: %w", err)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("reading the last apply: %w", err)
	}
	return &Applied{Plan: &p, Finished: time.UnixMilli(fin).UTC()}, nil
}
