package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// auditSnapshot returns the snapshot the audit benchmarks read:
// $ORGRAIL_BENCH_AUDIT_SNAPSHOT, written beforehand with
// `go run ./bench/auditgen -accounts 1000 -out DIR`.
func auditSnapshot(b *testing.B) *snapshot.Snapshot {
	dir := os.Getenv("ORGRAIL_BENCH_AUDIT_SNAPSHOT")
	if dir == "" {
		b.Skip("set ORGRAIL_BENCH_AUDIT_SNAPSHOT to a directory written by go run ./bench/auditgen")
	}
	s, err := snapshot.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkAudit runs every built-in rule over the snapshot and renders
// the summary, as `orgrail audit` does.
func BenchmarkAudit(b *testing.B) {
	s := auditSnapshot(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A fresh Open per round so that no service file stays cached.
		s2, err := snapshot.Open(s.Dir)
		if err != nil {
			b.Fatal(err)
		}
		res, err := rules.Audit(s2, rules.Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = findings.Summarize(res.Report.Findings)
		b.ReportMetric(float64(len(res.Report.Findings)), "findings")
	}
}

// BenchmarkReadSnapshotBaseline reads and decompresses every service
// file once, with the same parallelism, and does nothing else: the floor
// the audit cannot go below on this machine.
func BenchmarkReadSnapshotBaseline(b *testing.B) {
	s := auditSnapshot(b)
	files, err := s.Files()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		work := make(chan string)
		done := make(chan struct{})
		for w := 0; w < 2; w++ {
			go func() {
				for f := range work {
					if _, err := snapshot.ReadServiceFile(filepath.Join(s.Dir, f)); err != nil {
						b.Error(err)
					}
				}
				done <- struct{}{}
			}()
		}
		for _, f := range files {
			work <- f
		}
		close(work)
		<-done
		<-done
	}
	b.ReportMetric(float64(len(files)), "files")
}
