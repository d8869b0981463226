package access_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/demo"
)

// BenchmarkWhoCan1000 asks who-can over a synthetic 1,000-account
// organization (ORGRAIL_BENCH_SNAPSHOT=DIR reuses one made by `orgrail
// demo generate --accounts 1000`). Each iteration opens the snapshot
// afresh, as the command does. It reports the process CPU seconds per
// question beside wall time: a shared machine stretches wall time.
func BenchmarkWhoCan1000(b *testing.B) {
	dir := os.Getenv("ORGRAIL_BENCH_SNAPSHOT")
	if dir == "" {
		dir = b.TempDir()
		opt := demo.DefaultOptions()
		opt.Accounts, opt.Days = 1000, 1
		if _, err := demo.Generate(context.Background(), dir, opt); err != nil {
			b.Fatal(err)
		}
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b.ResetTimer()
	start := cpu()
	principals := 0
	for i := 0; i < b.N; i++ {
		src, err := orgsnap.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		_, st, err := access.WhoCan(src, authz.New(), access.Query{Action: "s3:GetObject", Resource: "arn:aws:s3:::x/y"})
		if err != nil {
			b.Fatal(err)
		}
		principals = st.Principals
	}
	b.ReportMetric((cpu()-start).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(principals), "principals")
}
