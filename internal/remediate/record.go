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
