package access_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/trail"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countHandler only counts records: plain decoding.
type countHandler struct{ n int64 }

func (h *countHandler) Record(*trail.Object, *trail.Record) error { h.n++; return nil }
func (h *countHandler) EndFile(*trail.Object, int, error)         {}

// BenchmarkReplay replays a demo archive (ORGRAIL_BENCH_DEMO=DIR: what
// bench/replay.sh writes, the demo replicated to 1 M records with renamed
// sessions and S3 object calls, or e.g. `orgrail demo generate --accounts
// 200 --days 5 --events-per-account-day 1000`; the embedded demo
// otherwise) against a Tokyo-only region SCP, and decodes the same
// archive with a handler that only counts, in the same run. It reports
// events per second of wall and of CPU time for both, and the ratio.
func BenchmarkReplay(b *testing.B) {
	dir := os.Getenv("ORGRAIL_BENCH_DEMO")
	if dir == "" {
		demoSource(b)
		dir = demoDir
	}
	src, err := orgsnap.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	logs, err := trail.OpenLocal(filepath.Join(dir, "logarchive"))
	if err != nil {
		b.Fatal(err)
	}
	objs, err := trail.ListAll(context.Background(), logs, &trail.Filter{}, trail.KindLog)
	if err != nil {
		b.Fatal(err)
	}
	tokyo, id := regionSCP(b, src, []string{"ap-northeast-1"})
	prop := access.Proposal{Policy: tokyo, Type: org.SCP, Target: src.Snap.Org.Roots[0].Id, Replace: id}
	b.ResetTimer()
	var decWall, decCPU, repWall, repCPU time.Duration
	var events int64
	for i := 0; i < b.N; i++ {
		w0, c0 := time.Now(), cpuNow()
		st, _, err := trail.Ingest(context.Background(), logs, objs, trail.IngestOptions{}, func() trail.Handler { return &countHandler{} })
		if err != nil {
			b.Fatal(err)
		}
		decWall, decCPU = decWall+time.Since(w0), decCPU+cpuNow()-c0
		w0, c0 = time.Now(), cpuNow()
		res, err := access.Replay(context.Background(), logs, access.NewReplayer(src, authz.New(), prop), trail.IngestOptions{})
		if err != nil {
			b.Fatal(err)
		}
		repWall, repCPU = repWall+time.Since(w0), repCPU+cpuNow()-c0
		events = st.Records
		if res.Records != st.Records {
			b.Fatalf("replay read %d records, decoding %d", res.Records, st.Records)
		}
	}
	n := float64(events) * float64(b.N)
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(n/repWall.Seconds(), "replay-events/s")
	b.ReportMetric(n/repCPU.Seconds(), "replay-events/cpu-s")
	b.ReportMetric(n/decWall.Seconds(), "decode-events/s")
	b.ReportMetric(n/decCPU.Seconds(), "decode-events/cpu-s")
	b.ReportMetric(repCPU.Seconds()/decCPU.Seconds(), "cpu-ratio-replay/decode")
}
