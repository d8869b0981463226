package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkSetCheckpoint measures one committed write (one transaction
// per call, as resumable work saves its place).
func BenchmarkSetCheckpoint(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	i := 0
	for b.Loop() {
		if err := s.SetCheckpoint(context.Background(), fmt.Sprintf("bench/%d", i%100), "v"); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTrailInsertBatch measures indexing CloudTrail records in
// batches of 1,000 per transaction; ns/op is per batch.
func BenchmarkTrailInsertBatch(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB().Exec(`INSERT INTO trail_files (id, path, size, indexed_at) VALUES (1, 'f', 1, 0)`); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		st, err := tx.Prepare(`INSERT INTO trail_index (event_id, event_time, account, region, event_name, event_source, principal, source_ip, file_id, record)
			VALUES (?, ?, '111111111111', 'us-east-1', 'AssumeRole', 'sts.amazonaws.com', 'arn:aws:iam::111111111111:role/x', '203.0.113.7', 1, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		for j := range 1000 {
			if _, err := st.Exec(fmt.Sprintf("e-%d", n), int64(n), j); err != nil {
				b.Fatal(err)
			}
			n++
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
