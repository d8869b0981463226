package bench

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

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
func BenchmarkAudit(b *testing.B) { benchAudit(b, nil) }

// newServices are the snapshot services orgrail gained after the audit
// benchmark of 2026-12-04 05:07 UTC (commit 5f22659, 22 services then):
// the 1,000-account organization now has their files too.
var newServices = map[string]bool{
	"acm": true, "apigateway": true, "apigatewayv2": true, "applicationautoscaling": true, "autoscaling": true,
	"cloudformation": true, "cloudfront": true, "codebuild": true, "dax": true, "dms": true, "dynamodb": true,
	"ecs": true, "efs": true, "eks": true, "elasticache": true, "elasticbeanstalk": true, "elb": true, "elbv2": true,
	"emr": true, "kinesis": true, "networkfirewall": true, "opensearch": true, "redshift": true,
	"s3accesspoints": true, "sagemaker": true, "ssm": true, "waf": true, "wafregional": true, "wafv2": true,
	"wafv2cloudfront": true,
}

// BenchmarkAuditOldServices is the baseline of BenchmarkAudit in the
// same organization: only the rules that read none of newServices, so
// the audit neither reads nor decodes those services' files (it reads
// files as rules ask for them). Rules on the older services' new reads
// (RDS clusters, EC2 networking) are still in it.
func BenchmarkAuditOldServices(b *testing.B) {
	var old []*rules.Rule
	for _, r := range rules.Builtin() {
		keep := true
		for _, s := range r.Services {
			keep = keep && !newServices[s]
		}
		if keep {
			old = append(old, r)
		}
	}
	benchAudit(b, old)
}

// benchAudit audits the snapshot with rs (nil: every built-in rule) and
// reports findings, rules, wall and CPU seconds and the process's peak
// RSS (run one benchmark per process, as bench/audit.sh does, for the
// RSS to be that benchmark's).
func benchAudit(b *testing.B, rs []*rules.Rule) {
	s := auditSnapshot(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A fresh Open per round so that no service file stays cached.
		s2, err := snapshot.Open(s.Dir)
		if err != nil {
			b.Fatal(err)
		}
		t0, cpu0 := time.Now(), cpuSeconds()
		res, err := rules.Audit(s2, rules.Options{Rules: rs})
		if err != nil {
			b.Fatal(err)
		}
		_ = findings.Summarize(res.Report.Findings)
		writeHeapProfile(b)
		b.ReportMetric(time.Since(t0).Seconds(), "wall-s")
		b.ReportMetric(cpuSeconds()-cpu0, "cpu-s")
		b.ReportMetric(float64(len(res.Rules)), "rules")
		b.ReportMetric(float64(len(res.Report.Findings)), "findings")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
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
		t0, cpu0 := time.Now(), cpuSeconds()
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
		b.ReportMetric(time.Since(t0).Seconds(), "wall-s")
		b.ReportMetric(cpuSeconds()-cpu0, "cpu-s")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
	}
	b.ReportMetric(float64(len(files)), "files")
}

// writeHeapProfile writes the live heap to ORGRAIL_BENCH_HEAPPROFILE,
// when set, while the audit's result is still held.
func writeHeapProfile(b *testing.B) {
	path := os.Getenv("ORGRAIL_BENCH_HEAPPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}
