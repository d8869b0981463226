package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SQLiteState keeps the state in the tables of orgrail's store (outbox,
// triage, dedupe, checkpoints). In the outbox, status 'failed' is a
// pending message that has failed at least once, and a claim is a
// next_attempt_at pushed forward by the lease: a crashed worker's
// claims come due again when their lease ends.
type SQLiteState struct {
	db *sql.DB
}

// NewSQLiteState uses db, a store opened with store.Open.
func NewSQLiteState(db *sql.DB) *SQLiteState { return &SQLiteState{db: db} }

// payload is what the outbox payload column holds.
type payload struct {
	Item
	GroupUntilMs int64 `json:"groupUntilMs,omitempty"`
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMs(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// Record implements State.
func (s *SQLiteState) Record(ctx context.Context, e *Entry) (bool, error) {
	fresh, err := s.RecordAll(ctx, []*Entry{e})
	if err != nil {
		return false, err
	}
	return fresh[0], nil
}

// RecordAll implements State: one transaction for all the entries.
func (s *SQLiteState) RecordAll(ctx context.Context, entries []*Entry) (fresh []bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	fresh = make([]bool, len(entries))
	for i, e := range entries {
		if fresh[i], err = s.recordOne(ctx, tx, e); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return fresh, nil
}

func (s *SQLiteState) recordOne(ctx context.Context, tx *sql.Tx, e *Entry) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO dedupe (key, first_seen) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, e.Key, ms(e.Now))
	if err != nil {
		return false, fmt.Errorf("dedupe: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	for _, it := range e.Items {
		if err := s.recordItem(ctx, tx, it, e.Now); err != nil {
			return false, err
		}
	}
	if e.Triage && e.Suppressed == "" {
		if err := s.recordTriage(ctx, tx, e); err != nil {
			return false, err
		}
	}
	return true, nil
}

func (s *SQLiteState) recordItem(ctx context.Context, tx *sql.Tx, it *Item, now time.Time) error {
	if it.GroupKey != "" {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET payload = json_set(payload, '$.count', json_extract(payload, '$.count') + 1), updated_at = ?
WHERE id = (SELECT id FROM outbox WHERE channel = ? AND status = 'pending' AND json_extract(payload, '$.groupKey') = ?
  AND json_extract(payload, '$.groupUntilMs') > ? ORDER BY id DESC LIMIT 1)`, ms(now), it.Channel, it.GroupKey, ms(now))
		if err != nil {
			return fmt.Errorf("outbox group: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		it.ID = hashID("group", it.Channel, it.GroupKey, it.Key)
	}
	p, err := json.Marshal(payload{Item: *it, GroupUntilMs: ms(it.GroupUntil) * boolInt(it.GroupKey != "")})
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (dedupe_key, channel, payload, status, attempts, next_attempt_at, created_at, updated_at)
VALUES (?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`, it.ID, it.Channel, string(p), ms(it.NotBefore), ms(now), ms(now))
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (s *SQLiteState) recordTriage(ctx context.Context, tx *sql.Tx, e *Entry) error {
	p, err := json.Marshal(e.Event)
	if err != nil {
		return err
	}
	ev := &e.Event
	src := ev.Source
	if src == "" {
		src = "detection"
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO triage (dedupe_key, source, detection_id, event_id, severity, account, region, title, payload, status, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		e.Key, src, ev.DetectionID, ev.EventID, ev.Severity.String(), ev.Account, ev.Region, ev.Title, string(p), ms(e.Now), ms(e.Now))
	if err != nil {
		return fmt.Errorf("triage: %w", err)
	}
	return nil
}

const itemColumns = `id, dedupe_key, payload, status, attempts, next_attempt_at, COALESCE(last_error, ''), created_at, COALESCE(sent_at, 0)`

func scanItem(sc interface{ Scan(...any) error }) (*Item, error) {
	var (
		rowid, attempts, next, created, sent int64
		id, body, status, lastErr            string
	)
	if err := sc.Scan(&rowid, &id, &body, &status, &attempts, &next, &lastErr, &created, &sent); err != nil {
		return nil, err
	}
	var p payload
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return nil, fmt.Errorf("outbox message %s: payload: %w", id, err)
	}
	it := p.Item
	it.ID, it.Attempts, it.LastError = id, int(attempts), lastErr
	it.Status = status
	if status == "failed" {
		it.Status = StatusPending
	}
	it.NotBefore, it.CreatedAt, it.SentAt = fromMs(next), fromMs(created), fromMs(sent)
	return &it, nil
}

// Claim implements State.
func (s *SQLiteState) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Item, error) {
	rows, err := s.db.QueryContext(ctx, `UPDATE outbox SET next_attempt_at = ?, updated_at = ?
WHERE id IN (SELECT id FROM outbox WHERE status IN ('pending', 'failed') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?)
RETURNING `+itemColumns, ms(now.Add(lease)), ms(now), ms(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Renew implements State.
func (s *SQLiteState) Renew(ctx context.Context, it *Item, now time.Time, lease time.Duration) (bool, error) {
	until := now.Add(lease)
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ?, updated_at = ?
WHERE dedupe_key = ? AND status IN ('pending', 'failed') AND next_attempt_at = ?`, ms(until), ms(now), it.ID, ms(it.NotBefore))
	if err != nil {
		return false, fmt.Errorf("outbox message %s: %w", it.ID, err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return false, nil
	}
	it.NotBefore = until
	return true, nil
}

// Sent implements State.
func (s *SQLiteState) Sent(ctx context.Context, id string, now time.Time) error {
	return s.exec1(ctx, id, `UPDATE outbox SET status = 'sent', sent_at = ?, updated_at = ?, attempts = attempts + 1 WHERE dedupe_key = ?`, ms(now), ms(now), id)
}

// Retry implements State.
func (s *SQLiteState) Retry(ctx context.Context, id string, next time.Time, errText string, park bool) error {
	status := "failed"
	if park {
		status = StatusParked
	}
	return s.execUnsent(ctx, id, `UPDATE outbox SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?, updated_at = ?
WHERE dedupe_key = ? AND status <> 'sent'`, status, ms(next), errText, ms(time.Now()), id)
}

// Defer implements State.
func (s *SQLiteState) Defer(ctx context.Context, id string, next time.Time) error {
	return s.execUnsent(ctx, id, `UPDATE outbox SET next_attempt_at = ?, updated_at = ? WHERE dedupe_key = ? AND status <> 'sent'`, ms(next), ms(time.Now()), id)
}

// execUnsent runs an update of a message that leaves sent messages
// alone: one that was sent meanwhile (by a worker whose claim followed
// a lost lease) is not an error.
func (s *SQLiteState) execUnsent(ctx context.Context, id, q string, args ...any) error {
	err := s.exec1(ctx, id, q, args...)
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	var status string
	if s.db.QueryRowContext(ctx, `SELECT status FROM outbox WHERE dedupe_key = ?`, id).Scan(&status) == nil && status == StatusSent {
		return nil
	}
	return err
}

func (s *SQLiteState) exec1(ctx context.Context, id, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("outbox message %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("outbox message %s: %w", id, ErrNotFound)
	}
	return nil
}

// Unpark implements State.
func (s *SQLiteState) Unpark(ctx context.Context, id, channel string, now time.Time) (int, error) {
	q := `UPDATE outbox SET status = 'failed', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE status = 'parked'`
	args := []any{ms(now), ms(now)}
	if id != "" {
		q += ` AND dedupe_key LIKE ? ESCAPE '\'`
		args = append(args, likePrefix(id))
	}
	if channel != "" {
		q += ` AND channel = ?`
		args = append(args, channel)
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("unparking: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func likePrefix(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// Items implements State.
func (s *SQLiteState) Items(ctx context.Context, f Filter) ([]*Item, error) {
	q := `SELECT ` + itemColumns + ` FROM outbox WHERE 1 = 1`
	var args []any
	if f.ID != "" {
		q += ` AND dedupe_key LIKE ? ESCAPE '\'`
		args = append(args, likePrefix(f.ID))
	}
	if f.Channel != "" {
		q += ` AND channel = ?`
		args = append(args, f.Channel)
	}
	switch f.Status {
	case "":
	case StatusPending:
		q += ` AND status IN ('pending', 'failed')`
	case "failed":
		q += ` AND status = 'failed'`
	default:
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing the outbox: %w", err)
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Counts implements State.
func (s *SQLiteState) Counts(ctx context.Context) ([]Counts, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT channel, status, COUNT(*) FROM outbox GROUP BY channel, status ORDER BY channel`)
	if err != nil {
		return nil, fmt.Errorf("counting the outbox: %w", err)
	}
	defer rows.Close()
	var out []Counts
	for rows.Next() {
		var ch, st string
		var n int
		if err := rows.Scan(&ch, &st, &n); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Channel != ch {
			out = append(out, Counts{Channel: ch})
		}
		c := &out[len(out)-1]
		switch st {
		case "pending":
			c.Pending += n
		case "failed":
			c.Pending += n
			c.Failing += n
		case "sent":
			c.Sent += n
		case "parked":
			c.Parked += n
		}
	}
	return out, rows.Err()
}

// TriageItems implements State.
func (s *SQLiteState) TriageItems(ctx context.Context, status string, limit int) ([]*TriageItem, error) {
	q := `SELECT id, dedupe_key, payload, status, COALESCE(reason, ''), COALESCE(actor, ''), created_at, updated_at FROM triage`
	var args []any
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, status)
	}
	q += ` ORDER BY id`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing triage: %w", err)
	}
	defer rows.Close()
	var out []*TriageItem
	for rows.Next() {
		var t TriageItem
		var id, created, updated int64
		var body string
		if err := rows.Scan(&id, &t.Key, &body, &t.Status, &t.Reason, &t.By, &created, &updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &t.Event); err != nil {
			return nil, fmt.Errorf("triage item %d: payload: %w", id, err)
		}
		t.ID = strconv.FormatInt(id, 10)
		t.CreatedAt = fromMs(created)
		if updated != created {
			t.UpdatedAt = fromMs(updated)
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// Resolve implements State.
func (s *SQLiteState) Resolve(ctx context.Context, id, status, reason, by string, now time.Time) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("triage item %q: %w", id, ErrNotFound)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE triage SET status = ?, reason = ?, actor = ?, updated_at = ? WHERE id = ? AND status = 'open'`,
		status, reason, by, ms(now), n)
	if err != nil {
		return fmt.Errorf("triage item %s: %w", id, err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		var st string
		if err := s.db.QueryRowContext(ctx, `SELECT status FROM triage WHERE id = ?`, n).Scan(&st); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("triage item %s: %w", id, ErrNotFound)
		}
		return fmt.Errorf("triage item %s is already %s", id, st)
	}
	return nil
}

// Checkpoint implements State; names are "watch/<prefix>" in the store.
func (s *SQLiteState) Checkpoint(ctx context.Context, prefix string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM checkpoints WHERE name = ?`, "watch/"+prefix).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading checkpoint %s: %w", prefix, err)
	}
	return v, nil
}

// SetCheckpoint implements State.
func (s *SQLiteState) SetCheckpoint(ctx context.Context, prefix, key string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO checkpoints (name, value, updated_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, "watch/"+prefix, key, ms(now))
	if err != nil {
		return fmt.Errorf("saving checkpoint %s: %w", prefix, err)
	}
	return nil
}

// Close implements State; the store is closed by its opener.
func (s *SQLiteState) Close() error { return nil }
