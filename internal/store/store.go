// Package store is orgrail's embedded state: one SQLite file (pure Go,
// modernc.org/sqlite) holding audit runs and findings, the CloudTrail
// index, the notification outbox, the triage queue, dedupe keys and
// checkpoints for resumable work.
//
// This package owns the schema: every table is created by a migration
// in migrations.go, and features that need a new table or column add a
// migration there. Features write their own queries through DB.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// BusyTimeout is how long a connection waits for another writer (in this
// or another process) before giving up with SQLITE_BUSY.
const BusyTimeout = 30 * time.Second

// CacheKiB is the page cache of each connection, in KiB. SQLite's default
// (2 MiB) is smaller than the indexes an audit of a large organization
// (161,000 findings) or a day of CloudTrail writes into: with it, a large
// transaction spills dirty pages to the WAL and reads them back, and
// writing findings took three times as long (bench/audit.md). The cache
// grows only as pages are used.
const CacheKiB = 64 << 10

// Store is an open state database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
}

// DefaultPath returns $XDG_STATE_HOME/orgrail/state.db, falling back to
// ~/.local/state/orgrail/state.db when XDG_STATE_HOME is unset or not
// absolute (as the XDG spec says).
func DefaultPath() (string, error) {
	if x := os.Getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "orgrail", "state.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the state directory: %w (set XDG_STATE_HOME or --state)", err)
	}
	return filepath.Join(home, ".local", "state", "orgrail", "state.db"), nil
}

// Resolve returns path, or DefaultPath when path is empty.
func Resolve(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	return DefaultPath()
}

// Open opens the store at path (DefaultPath when empty), creating the
// file with mode 0600 and, when missing, its directory with mode 0700,
// and brings the schema up to date. An existing database (and its -wal
// and -shm files) with group or other permission bits is set to 0600,
// with a warning on the logger of ctx (WithLog).
func Open(ctx context.Context, path string) (*Store, error) {
	path, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("state store %s: %w", path, err)
	}
	if err := prepareFile(ctx, abs); err != nil {
		return nil, err
	}
	// Switching a new file to WAL takes an exclusive lock, and SQLite
	// reports SQLITE_BUSY at once (without its busy handler) when two
	// connections first open the same file together; such an open is
	// tried again, a bounded number of times, as the busy timeout would.
	var s *Store
	for attempt := 1; ; attempt++ {
		s, err = openDB(ctx, abs)
		if err == nil || !isBusy(err) || attempt == openAttempts {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("state store %s: %w", abs, ctx.Err())
		case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
		}
	}
	return s, err
}

// openAttempts bounds the retries of a busy first open: with the growing
// pause in Open this waits about as long as BusyTimeout in all.
const openAttempts = 77

func openDB(ctx context.Context, abs string) (*Store, error) {
	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("state store %s: %w", abs, err)
	}
	s := &Store{db: db, path: abs}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state store %s: %w", abs, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state store %s: %w", abs, err)
	}
	return s, nil
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// prepareFile creates the directory (0700) and an empty database file
// (0600) before SQLite opens it, so that SQLite, which gives its WAL and
// shared-memory files the database file's mode, never creates anything
// more open than 0600.
func prepareFile(ctx context.Context, abs string) error {
	dir := filepath.Dir(abs)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating state directory: %w", err)
		}
		if err := os.Chmod(dir, 0o700); err != nil { // MkdirAll is subject to umask
			return fmt.Errorf("creating state directory: %w", err)
		}
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening state store: %w", err)
	}
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		err = fmt.Errorf("%s is a directory", abs)
	}
	if err == nil {
		_, err = tighten(ctx, abs, f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("opening state store: %w", err)
	}
	return nil
}

// dsn builds the driver's data source name: WAL, a busy timeout,
// foreign keys, BEGIN IMMEDIATE so that two writers queue on the busy
// timeout instead of failing on a lock upgrade, and a page cache of
// CacheKiB per connection.
//
// synchronous=NORMAL in WAL mode keeps every transaction atomic: a crash
// (of the process or the machine) leaves a run either recorded whole or
// not at all; a power loss may forget the last commits, never half of one.
func dsn(abs string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(abs))
	return "file:" + esc + fmt.Sprintf("?_busy_timeout=%d&_journal_mode=WAL&_foreign_keys=1&_synchronous=NORMAL&_txlock=immediate&_pragma=cache_size(%d)",
		BusyTimeout.Milliseconds(), -CacheKiB)
}

// DB returns the database handle. Features owning a table write their
// own queries on it; the tables are documented in docs/store.md.
func (s *Store) DB() *sql.DB { return s.db }

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Millis converts a time to the unix milliseconds that every timestamp
// column of the store holds.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// Time converts unix milliseconds from the store to a UTC time.
func Time(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
