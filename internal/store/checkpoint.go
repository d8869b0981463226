package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

var nowMillis = func() int64 { return time.Now().UnixMilli() }

// Checkpoint returns the value saved under name; ok is false when there
// is none. Names are free-form; by convention "<feature>/<scope>", e.g.
// "watch/s3/o-abc/111111111111/us-east-1".
func (s *Store) Checkpoint(ctx context.Context, name string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT value FROM checkpoints WHERE name = ?`, name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading checkpoint %q: %w", name, err)
	}
	return value, true, nil
}

// SetCheckpoint saves value under name, replacing any previous value.
func (s *Store) SetCheckpoint(ctx context.Context, name, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO checkpoints (name, value, updated_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, nowMillis())
	if err != nil {
		return fmt.Errorf("saving checkpoint %q: %w", name, err)
	}
	return nil
}

// DeleteCheckpoint removes the checkpoint under name, if any.
func (s *Store) DeleteCheckpoint(ctx context.Context, name string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM checkpoints WHERE name = ?`, name); err != nil {
		return fmt.Errorf("deleting checkpoint %q: %w", name, err)
	}
	return nil
}

// Checkpoints returns every checkpoint whose name starts with prefix.
func (s *Store) Checkpoints(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, value FROM checkpoints WHERE instr(name, ?) = 1 ORDER BY name`, prefix)
	if err != nil {
		return nil, fmt.Errorf("listing checkpoints: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, v string
		if err := rows.Scan(&n, &v); err != nil {
			return nil, fmt.Errorf("listing checkpoints: %w", err)
		}
		out[n] = v
	}
	return out, rows.Err()
}
