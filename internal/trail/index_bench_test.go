package trail

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/store"
)

// cpuSeconds is the process's user and system time, which a busy
// machine does not inflate as it does wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// benchIndexChunks is n synthetic index rows in files of 250 records
// (event ids are random-looking, as CloudTrail's UUIDs are).
func benchIndexChunks(n int) []indexChunk {
	var out []indexChunk
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for f := 0; f*250 < n; f++ {
		c := indexChunk{path: fmt.Sprintf("/archive/f%06d.json.gz", f), obj: &Object{Key: fmt.Sprintf("f%06d", f), Size: 1}, final: true}
		for i := range min(250, n-f*250) {
			k := f*250 + i
			c.rows = append(c.rows, indexRow{
				eventID: fmt.Sprintf("%08x-%04x-4a1b-9c2d-%012x", uint32(k)*2654435761, k%65536, k), time: t0 + int64(k)*100,
				account: fmt.Sprintf("%012d", 111122223333+k%50), region: "eu-west-1", name: "AssumeRole", source: "sts.amazonaws.com",
				principal: fmt.Sprintf("arn:aws:iam::%012d:role/app-%d", 111122223333+k%50, k%40), ip: "203.0.113.7",
				resources: "arn:aws:iam::111122223333:role/x", record: i,
			})
		}
		c.n = len(c.rows)
		out = append(out, c)
	}
	return out
}

// plainIndexInsert is the baseline: the same rows written by a plain
// loop of one-row prepared INSERTs in one transaction into a table
// without a key or an index. It returns rows per CPU-second.
func plainIndexInsert(b *testing.B, chunks []indexChunk) float64 {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "baseline.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB().Exec(`CREATE TABLE plain (event_id TEXT, event_time INTEGER, account TEXT, region TEXT, event_name TEXT,
		event_source TEXT, principal TEXT, source_ip TEXT, error_code TEXT, resources TEXT, file_id INTEGER, record INTEGER)`); err != nil {
		b.Fatal(err)
	}
	start := cpuSeconds()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	for f, c := range chunks {
		for _, r := range c.rows {
			if _, err := st.Exec(r.eventID, r.time, r.account, r.region, r.name, r.source,
				nullable(r.principal), nullable(r.ip), nullable(r.errorCode), nullable(r.resources), f, r.record); err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return float64(rows) / (cpuSeconds() - start)
}

// BenchmarkIndexWrite measures the trail index's writer (what `trail
// query` and `trail scan --index` spend in SQLite) on 100,000 records,
// as a ratio to plainIndexInsert in the same round: "ratio" is the
// writer's rows per CPU-second over the baseline's.
func BenchmarkIndexWrite(b *testing.B) {
	const n = 100000
	chunks := benchIndexChunks(n)
	ctx := context.Background()
	var base, rate float64
	rounds := 0
	for b.Loop() {
		base += plainIndexInsert(b, chunks)
		s, err := store.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
		if err != nil {
			b.Fatal(err)
		}
		ch := make(chan indexChunk, len(chunks))
		for _, c := range chunks {
			ch <- c
		}
		close(ch)
		start := cpuSeconds()
		if err := NewIndex(s.DB()).write(ctx, ch); err != nil {
			b.Fatal(err)
		}
		rate += n / (cpuSeconds() - start)
		s.Close()
		rounds++
	}
	b.ReportMetric(rate/float64(rounds), "rows/cpu-s")
	b.ReportMetric(base/float64(rounds), "baseline-rows/cpu-s")
	b.ReportMetric(rate/base, "ratio")
}
