package store

import (
	"context"
	"fmt"
	"os"
)

// Tables lists the tables of the current schema, in documentation order.
var Tables = []string{
	"runs", "findings", "trail_files", "trail_index", "outbox", "triage",
	"checkpoints", "dedupe", "remediation_steps", "apply_runs", "apply_steps", "schema_version",
	"vending_runs", "vending_steps", "vpc_allocations", "finding_docs",
}

// Info describes a store for `orgrail store info`.
type Info struct {
	Path          string       `json:"path"`
	Exists        bool         `json:"exists"`
	SizeBytes     int64        `json:"sizeBytes"`
	SchemaVersion int          `json:"schemaVersion"`
	LatestVersion int          `json:"latestVersion"`
	Tables        []TableCount `json:"tables"`
}

// TableCount is the number of rows in one table.
type TableCount struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// Info reports the path, the size on disk (database, WAL and shared
// memory files), the schema version and the rows of every table.
func (s *Store) Info(ctx context.Context) (Info, error) {
	in := Info{Path: s.path, Exists: true, LatestVersion: SchemaVersion, SizeBytes: FileSize(s.path)}
	v, err := s.Version(ctx)
	if err != nil {
		return in, err
	}
	in.SchemaVersion = v
	for _, t := range Tables {
		var n int64
		// Table names come from the constant list above, never from input.
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return in, fmt.Errorf("counting %s: %w", t, err)
		}
		in.Tables = append(in.Tables, TableCount{Name: t, Rows: n})
	}
	return in, nil
}

// FileSize returns the bytes used by the database at path, its WAL and
// its shared-memory file; 0 when none exists.
func FileSize(path string) int64 {
	var total int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if st, err := os.Stat(path + suffix); err == nil {
			total += st.Size()
		}
	}
	return total
}
