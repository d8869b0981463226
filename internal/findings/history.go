package findings

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	if err := insertFindings(ctx, tx, id, byID(r.Findings)); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("saving audit run: %w", err)
	}
	return id, nil
}

// byID returns pointers to the findings ordered by finding id (the
// report keeps its own order). Written in that order, each run's rows
// reach the primary key (run_id, finding_id) and the findings_finding
// index at ascending positions, so SQLite fills B-tree pages in turn
// instead of touching a random page of a growing index per row: three
// times the rows per second of the report's order (bench/audit.md).
func byID(fs []Finding) []*Finding {
	out := make([]*Finding, len(fs))
	for i := range fs {
		out[i] = &fs[i]
	}
	slices.SortStableFunc(out, func(a, b *Finding) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// storedFinding is the data column of a findings row: the fields of a
// Finding that have no column of their own. The columns (id, rule,
// status, severity, account, region, resource ARN, muted) are not
// repeated in it, which makes a row about 40 % smaller; LoadRun puts
// them back. Rows written before this carry the whole finding in data,
// which LoadRun reads the same way.
type storedFinding struct {
	Title        string   `json:"title"`
	AccountName  string   `json:"accountName"`
	OU           string   `json:"ou"`
	ResourceType string   `json:"resourceType,omitempty"`
	Message      string   `json:"message,omitempty"`
	MuteReason   string   `json:"muteReason,omitempty"`
	MuteExpires  string   `json:"muteExpires,omitempty"`
	Mappings     Mappings `json:"mappings"`
}

func storedOf(f *Finding) *storedFinding {
	return &storedFinding{Title: f.Title, AccountName: f.AccountName, OU: f.OU, ResourceType: f.ResourceType,
		Message: f.Message, MuteReason: f.MuteReason, MuteExpires: f.MuteExpires, Mappings: f.Mappings}
}

// findingRowsPerInsert is how many findings one INSERT statement
// carries: ten parameters each, far under SQLite's 32,766.
const findingRowsPerInsert = 200

// insertFindings writes the findings of run id with multi-row INSERTs
// through two prepared statements (a full batch and the remainder), so
// that 161,000 findings cost 800 statement executions instead of
// 161,000. Each finding's JSON is encoded into one reused buffer.
func insertFindings(ctx context.Context, tx *sql.Tx, id int64, fs []*Finding) error {
	const cols = `INSERT OR REPLACE INTO findings
		(run_id, finding_id, rule_id, status, severity, account, region, resource_arn, muted, data) VALUES `
	prepare := func(rows int) (*sql.Stmt, error) {
		q := make([]byte, 0, len(cols)+rows*24)
		q = append(q, cols...)
		for i := range rows {
			if i > 0 {
				q = append(q, ',')
			}
			q = append(q, "(?,?,?,?,?,?,?,?,?,?)"...)
		}
		st, err := tx.PrepareContext(ctx, string(q))
		if err != nil {
			return nil, fmt.Errorf("saving findings: %w", err)
		}
		return st, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	args := make([]any, 0, findingRowsPerInsert*10)
	var full *sql.Stmt
	for start := 0; start < len(fs); start += findingRowsPerInsert {
		batch := fs[start:min(start+findingRowsPerInsert, len(fs))]
		args = args[:0]
		for i := range batch {
			f := batch[i]
			buf.Reset()
			if err := enc.Encode(storedOf(f)); err != nil {
				return fmt.Errorf("saving finding %s: %w", f.ID, err)
			}
			muted := 0
			if f.Muted {
				muted = 1
			}
			args = append(args, id, f.ID, f.RuleID, string(f.Status), f.Severity.String(), f.Account,
				f.Region, f.ResourceArn, muted, string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))))
		}
		st := full
		if len(batch) < findingRowsPerInsert || full == nil {
			var err error
			if st, err = prepare(len(batch)); err != nil {
				return err
			}
			if len(batch) == findingRowsPerInsert {
				full = st
				defer full.Close()
			} else {
				defer st.Close()
			}
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("saving findings %d-%d: %w", start, start+len(batch), err)
		}
	}
	return nil
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
	rows, err := db.QueryContext(ctx, `SELECT finding_id, rule_id, status, severity, COALESCE(account, ''), COALESCE(region, ''),
		COALESCE(resource_arn, ''), muted, data FROM findings WHERE run_id = ?`, runID)
	if err != nil {
		return nil, fmt.Errorf("loading run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		var status, sev, data string
		var muted int
		if err := rows.Scan(&f.ID, &f.RuleID, &status, &sev, &f.Account, &f.Region, &f.ResourceArn, &muted, &data); err != nil {
			return nil, err
		}
		id := f.ID
		// data is the finding without its columns (or, in rows written by
		// earlier versions, the whole finding); the columns win.
		if err := json.Unmarshal([]byte(data), &f); err != nil {
			return nil, fmt.Errorf("run %d: corrupt finding %s: %w", runID, id, err)
		}
		if err := f.Severity.UnmarshalText([]byte(sev)); err != nil {
			return nil, fmt.Errorf("run %d: finding %s: %w", runID, id, err)
		}
		f.ID, f.Status, f.Muted = id, Status(status), muted != 0
		out = append(out, f)
	}
	Sort(out)
	return out, rows.Err()
}
