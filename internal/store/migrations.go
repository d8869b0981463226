package store

import (
	"context"
	"fmt"
)

// migrations is the store's schema history, oldest first. Migration i
// takes the schema from version i to i+1. Never edit or reorder an entry
// that has been released: append a new one.
//
// Conventions: timestamps are INTEGER unix milliseconds (UTC); JSON
// documents are TEXT; enumerated columns carry CHECK constraints.
var migrations = []string{
	// 1: the tables of the roadmap.
	`
CREATE TABLE runs (
	id          INTEGER PRIMARY KEY,
	org_id      TEXT    NOT NULL,
	kind        TEXT    NOT NULL DEFAULT 'audit',
	started_at  INTEGER NOT NULL,
	finished_at INTEGER,
	status      TEXT    NOT NULL DEFAULT 'running'
	            CHECK (status IN ('running', 'ok', 'partial', 'failed')),
	source      TEXT,
	summary     TEXT
);
CREATE INDEX runs_org_started ON runs (org_id, kind, started_at);

CREATE TABLE findings (
	run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	finding_id   TEXT    NOT NULL,
	rule_id      TEXT    NOT NULL,
	status       TEXT    NOT NULL,
	severity     TEXT    NOT NULL,
	account      TEXT,
	region       TEXT,
	resource_arn TEXT,
	muted        INTEGER NOT NULL DEFAULT 0,
	data         TEXT    NOT NULL,
	PRIMARY KEY (run_id, finding_id)
);
CREATE INDEX findings_finding ON findings (finding_id);
CREATE INDEX findings_rule ON findings (rule_id, status);

CREATE TABLE trail_files (
	id         INTEGER PRIMARY KEY,
	path       TEXT    NOT NULL UNIQUE,
	etag       TEXT,
	size       INTEGER NOT NULL,
	records    INTEGER NOT NULL DEFAULT 0,
	indexed_at INTEGER NOT NULL
);

CREATE TABLE trail_index (
	event_id     TEXT    PRIMARY KEY,
	event_time   INTEGER NOT NULL,
	account      TEXT    NOT NULL,
	region       TEXT    NOT NULL,
	event_name   TEXT    NOT NULL,
	event_source TEXT    NOT NULL,
	principal    TEXT,
	source_ip    TEXT,
	error_code   TEXT,
	resources    TEXT,
	file_id      INTEGER NOT NULL REFERENCES trail_files (id) ON DELETE CASCADE,
	record       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX trail_time ON trail_index (event_time);
CREATE INDEX trail_account ON trail_index (account, region, event_time);
CREATE INDEX trail_name ON trail_index (event_name, event_time);
CREATE INDEX trail_principal ON trail_index (principal, event_time);
CREATE INDEX trail_ip ON trail_index (source_ip, event_time);
CREATE INDEX trail_file ON trail_index (file_id);

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	dedupe_key      TEXT    NOT NULL UNIQUE,
	channel         TEXT    NOT NULL,
	payload         TEXT    NOT NULL,
	status          TEXT    NOT NULL DEFAULT 'pending'
	                CHECK (status IN ('pending', 'sent', 'failed', 'parked')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_channel ON outbox (channel, status);

CREATE TABLE triage (
	id           INTEGER PRIMARY KEY,
	dedupe_key   TEXT    NOT NULL UNIQUE,
	source       TEXT    NOT NULL,
	detection_id TEXT,
	event_id     TEXT,
	severity     TEXT    NOT NULL,
	account      TEXT,
	region       TEXT,
	title        TEXT    NOT NULL,
	payload      TEXT    NOT NULL,
	status       TEXT    NOT NULL DEFAULT 'open'
	             CHECK (status IN ('open', 'acked', 'dismissed')),
	reason       TEXT,
	actor        TEXT,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX triage_status ON triage (status, created_at);

CREATE TABLE checkpoints (
	name       TEXT    PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE dedupe (
	key        TEXT    PRIMARY KEY,
	first_seen INTEGER NOT NULL,
	expires_at INTEGER
);
CREATE INDEX dedupe_expires ON dedupe (expires_at);
`,
	// 2: remediation journal (who applied which plan, each step as it
	// happens) and the scope of an audit run (what findings diff may
	// compare).
	`
ALTER TABLE runs ADD COLUMN caller TEXT;
ALTER TABLE runs ADD COLUMN plan_digest TEXT;
ALTER TABLE runs ADD COLUMN scope TEXT;

CREATE TABLE remediation_steps (
	run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	step      INTEGER NOT NULL,
	account   TEXT    NOT NULL,
	region    TEXT    NOT NULL,
	operation TEXT    NOT NULL,
	resource  TEXT,
	status    TEXT    NOT NULL DEFAULT 'planned'
	          CHECK (status IN ('planned', 'ok', 'failed')),
	error     TEXT,
	at        INTEGER,
	PRIMARY KEY (run_id, step)
);
`,
	// 3: the landing-zone apply journal (plan/apply, drift).
	`
CREATE TABLE apply_runs (
	plan_id     TEXT    PRIMARY KEY,
	org_id      TEXT    NOT NULL,
	plan        TEXT    NOT NULL,
	status      TEXT    NOT NULL DEFAULT 'running'
	            CHECK (status IN ('running', 'done', 'failed')),
	started_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	finished_at INTEGER
);
CREATE INDEX apply_runs_org ON apply_runs (org_id, status, finished_at);

CREATE TABLE apply_steps (
	plan_id    TEXT    NOT NULL REFERENCES apply_runs (plan_id) ON DELETE CASCADE,
	change_key TEXT    NOT NULL,
	seq        INTEGER NOT NULL,
	status     TEXT    NOT NULL
	           CHECK (status IN ('started', 'done', 'failed')),
	object_id  TEXT,
	request_id TEXT,
	detail     TEXT,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (plan_id, change_key)
);
`,
	// 4: the account factory's journal (account create, one run per
	// requested root email) and the VPC CIDRs it allocated from the
	// configured pool.
	`
CREATE TABLE vending_runs (
	request_key TEXT    PRIMARY KEY,
	name        TEXT    NOT NULL,
	email       TEXT    NOT NULL,
	request     TEXT    NOT NULL,
	account_id  TEXT,
	status      TEXT    NOT NULL DEFAULT 'running'
	            CHECK (status IN ('running', 'done', 'failed')),
	report      TEXT,
	started_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	finished_at INTEGER
);

CREATE TABLE vending_steps (
	request_key TEXT    NOT NULL REFERENCES vending_runs (request_key) ON DELETE CASCADE,
	step        TEXT    NOT NULL,
	status      TEXT    NOT NULL
	            CHECK (status IN ('started', 'done', 'failed', 'pending')),
	object_id   TEXT,
	detail      TEXT,
	updated_at  INTEGER NOT NULL,
	PRIMARY KEY (request_key, step)
);

CREATE TABLE vpc_allocations (
	cidr         TEXT    PRIMARY KEY,
	pool         TEXT    NOT NULL,
	request_key  TEXT    NOT NULL UNIQUE,
	account_id   TEXT,
	allocated_at INTEGER NOT NULL
);
`,
	// 5: an audit run's PASSED and NOT_APPLICABLE findings (nearly all of
	// them) as one compressed document per rule instead of a findings row
	// each; FAILED, ERROR and any other status stay rows. Rows written
	// before this migration are read as they are.
	`
CREATE TABLE finding_docs (
	run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	rule_id  TEXT    NOT NULL,
	findings INTEGER NOT NULL,
	format   INTEGER NOT NULL DEFAULT 1,
	data     BLOB    NOT NULL,
	PRIMARY KEY (run_id, rule_id)
);
CREATE INDEX finding_docs_rule ON finding_docs (rule_id, run_id);
`,
}

// SchemaVersion is the version the migrations bring the store to.
var SchemaVersion = len(migrations)

// migrate applies the migrations the database has not seen, each in its
// own transaction. Concurrent openers serialise on the write lock; the
// second finds the work done.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
	version    INTEGER NOT NULL,
	applied_at INTEGER NOT NULL
)`); err != nil {
		return fmt.Errorf("creating schema_version: %w", err)
	}
	for {
		done, err := s.migrateOne(ctx)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next pending migration; done reports that none
// was left.
func (s *Store) migrateOne(ctx context.Context) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrating: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var v int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return false, fmt.Errorf("reading schema version: %w", err)
	}
	if v > len(migrations) {
		return false, fmt.Errorf("schema version %d is newer than this orgrail knows (%d): upgrade orgrail", v, len(migrations))
	}
	if v == len(migrations) {
		return true, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return false, fmt.Errorf("migration %d: %w", v+1, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`,
		v+1, nowMillis()); err != nil {
		return false, fmt.Errorf("migration %d: %w", v+1, err)
	}
	return false, tx.Commit()
}

// Version returns the schema version recorded in the database.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	return v, nil
}
