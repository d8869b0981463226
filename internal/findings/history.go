package findings

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/orgrail/orgrail/internal/severity"
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
// store's runs, findings and finding_docs tables, in one transaction,
// and returns the run id. status is ok or partial. PASSED and
// NOT_APPLICABLE findings go into one compressed document per rule
// (packed.go); the others are findings rows.
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
	rows, docs := splitRun(byID(r.Findings))
	if err := insertFindings(ctx, tx, id, rows); err != nil {
		return 0, err
	}
	if err := insertDocs(ctx, tx, id, docs); err != nil {
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

// insertDocs writes the documents of run id, one finding_docs row per
// rule, in rule order.
func insertDocs(ctx context.Context, tx *sql.Tx, id int64, docs map[string][]*Finding) error {
	if len(docs) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO finding_docs (run_id, rule_id, findings, format, data) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("saving findings: %w", err)
	}
	defer st.Close()
	var w docWriter
	for _, rule := range slices.Sorted(maps.Keys(docs)) {
		fs := docs[rule]
		data, err := w.encode(fs)
		if err != nil {
			return fmt.Errorf("saving the findings of rule %s: %w", rule, err)
		}
		if _, err := st.ExecContext(ctx, id, rule, len(fs), docFormat, data); err != nil {
			return fmt.Errorf("saving the findings of rule %s: %w", rule, err)
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

// LoadRun returns the findings stored for a run: its findings rows
// (every row of a run stored before migration 5) and the findings of its
// documents, in the order of Sort. A document that cannot be read is an
// error naming the run and the rule.
func LoadRun(ctx context.Context, db *sql.DB, runID int64) ([]Finding, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("loading run %d: %w", runID, err)
	}
	defer tx.Rollback()
	out, err := loadRows(ctx, tx, runID)
	if err != nil {
		return nil, err
	}
	sevs := map[string]severity.Level{}
	err = eachDoc(ctx, tx, `SELECT run_id, rule_id, findings, format, data FROM finding_docs WHERE run_id = ? ORDER BY rule_id`,
		runID, func(_ int64, rule string, r *docReader) error {
			for {
				ok, err := r.next()
				if err != nil || !ok {
					return err
				}
				f, err := r.finding(rule, sevs)
				if err != nil {
					return err
				}
				out = append(out, f)
			}
		})
	if err != nil {
		return nil, err
	}
	Sort(out)
	return out, nil
}

// loadRows reads the findings rows of a run.
func loadRows(ctx context.Context, tx *sql.Tx, runID int64) ([]Finding, error) {
	rows, err := tx.QueryContext(ctx, `SELECT finding_id, rule_id, status, severity, COALESCE(account, ''), COALESCE(region, ''),
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
			return nil, fmt.Errorf("loading run %d: %w", runID, err)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading run %d: %w", runID, err)
	}
	return out, nil
}

// eachDoc opens every document the query (run_id, rule_id, findings,
// format, data; one parameter) selects and hands it to fn.
func eachDoc(ctx context.Context, tx *sql.Tx, query string, arg any, fn func(runID int64, rule string, r *docReader) error) error {
	rows, err := tx.QueryContext(ctx, query, arg)
	if err != nil {
		return fmt.Errorf("loading findings documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var runID, count int64
		var rule string
		var format int
		var data []byte
		if err := rows.Scan(&runID, &rule, &count, &format, &data); err != nil {
			return fmt.Errorf("loading findings documents: %w", err)
		}
		r, err := openDoc(format, data, count)
		if err == nil {
			err = fn(runID, rule, r)
		}
		if err != nil {
			return fmt.Errorf("run %d: findings of rule %s: %w", runID, rule, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("loading findings documents: %w", err)
	}
	return nil
}

// RunState is a finding's state in one stored run.
type RunState struct {
	RunID  int64
	Status Status
	Muted  bool
}

// History returns the state of finding id (of rule ruleID) in the
// stored runs that have it, newest first, at most limit (0: all).
func History(ctx context.Context, db *sql.DB, id, ruleID string, limit int) ([]RunState, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("reading the history of finding %s: %w", id, err)
	}
	defer tx.Rollback()
	lim := int64(limit)
	if limit <= 0 {
		lim = -1
	}
	rows, err := tx.QueryContext(ctx, `SELECT run_id, status, muted FROM findings WHERE finding_id = ?
		ORDER BY run_id DESC LIMIT ?`, id, lim)
	if err != nil {
		return nil, fmt.Errorf("reading the history of finding %s: %w", id, err)
	}
	var out []RunState
	for rows.Next() {
		var h RunState
		if err := rows.Scan(&h.RunID, &h.Status, &h.Muted); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading the history of finding %s: %w", id, err)
		}
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the history of finding %s: %w", id, err)
	}
	// The documents of the rule, newest run first; a run whose document
	// lacks the finding is skipped, so read until limit are found.
	err = eachDoc(ctx, tx, `SELECT run_id, rule_id, findings, format, data FROM finding_docs WHERE rule_id = ?
		ORDER BY run_id DESC`, ruleID, func(runID int64, _ string, r *docReader) error {
		if limit > 0 {
			newer := 0
			for _, h := range out {
				if h.RunID > runID {
					newer++
				}
			}
			if newer >= limit {
				return errStop
			}
		}
		for {
			ok, err := r.next()
			if err != nil || !ok {
				return err
			}
			if r.vals[fID] == id {
				out = append(out, RunState{RunID: runID, Status: Status(r.vals[fStatus]), Muted: r.vals[fMuted] != ""})
				return nil
			}
		}
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b RunState) int { return cmp.Compare(b.RunID, a.RunID) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// errStop ends a walk over documents early.
var errStop = errors.New("stop")
