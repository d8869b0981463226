package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// benchEnv reads an integer or duration knob of the collect benchmark.
func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkCollect collects a generated organization served by the
// local AWS with a fixed latency on every call and AWS's per-account
// throttling (EC2 20/s burst 100 per account and region, IAM 20/s burst
// 40 per account, Security Hub GetEnabledStandards 3/s burst 6), over
// every enabled region (17 in the generator). It reports, in the same
// run, the wall time beside two floors and their maximum, the floor:
// the latency floor — total calls × latency ÷ concurrency, what a
// collector that never waited on anything but AWS would take — and the
// rate-limit floor — the largest, over the collector's rate-limit
// buckets (account, region, service), of (calls − burst) ÷ rate, with
// the calls counted by the local AWS (ratefloor_test.go), so every
// collected service counts — with a table of calls per service; and
// calls per account-region, peak RSS and CPU seconds.
//
// Knobs (environment): ORGRAIL_BENCH_ACCOUNTS (default 20),
// ORGRAIL_BENCH_LATENCY_MS (40), ORGRAIL_BENCH_CONCURRENCY (256).
func BenchmarkCollect(b *testing.B) {
	accounts := benchEnv("ORGRAIL_BENCH_ACCOUNTS", 20)
	latency := time.Duration(benchEnv("ORGRAIL_BENCH_LATENCY_MS", 40)) * time.Millisecond
	conc := benchEnv("ORGRAIL_BENCH_CONCURRENCY", collect.DefaultConcurrency)
	ctx := context.Background()
	dir := generatedOrg(b, accounts)
	snap, err := snapshot.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	// The server's signature check is skipped: it is the local server's
	// CPU, not the collector's, and this box has two cores for both.
	// Every call is counted by the collector's rate-limit bucket it went
	// through, for the rate-limit floor.
	calls := newBucketCalls()
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: snap, SkipSignatureCheck: true, LogLimit: 1, Observe: calls.observe})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.Faults.Add(awstest.Fault{Kind: awstest.Latency, Latency: latency})
	regions := enabledRegions(b, snap)
	for _, a := range snap.Org.Accounts {
		srv.Faults.Add(awstest.Fault{Kind: awstest.Throttle, Service: "iam", Account: a.Id, Rate: 20, Burst: 40})
		for _, r := range regions {
			srv.Faults.Add(awstest.Fault{Kind: awstest.Throttle, Service: "ec2", Account: a.Id, Region: r, Rate: 20, Burst: 100})
			srv.Faults.Add(awstest.Fault{Kind: awstest.Throttle, Service: "securityhub", Operation: "GetEnabledStandards", Account: a.Id, Region: r, Rate: 3, Burst: 6})
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stopProfile := startProfile(b)
		calls.reset()
		cpu0 := cpuSeconds()
		opts := collect.Options{Out: filepath.Join(b.TempDir(), "out"), Concurrency: conc}
		if os.Getenv("ORGRAIL_BENCH_NO_RATES") != "" {
			opts.Rates = map[string]collect.Rate{}
			for k := range collect.DefaultRates {
				opts.Rates[k] = collect.Rate{PerSecond: 1e6, Burst: 1e6}
			}
		}
		var lastSecond int
		if os.Getenv("ORGRAIL_BENCH_TIMELINE") != "" {
			// One line a second: how the calls spread over the run.
			var mu sync.Mutex
			opts.Progress = func(p collect.Progress) {
				mu.Lock()
				defer mu.Unlock()
				if s := int(p.Elapsed / time.Second); s > lastSecond {
					lastSecond = s
					fmt.Fprintf(os.Stderr, "t=%3ds calls %7d accounts started %4d done %4d tasks %6d/%6d\n",
						s, p.Calls, p.AccountsStarted, p.AccountsDone, p.TasksDone, p.Tasks)
				}
			}
		}
		res, err := collect.Run(ctx, srv.Config(ctx, srv.AdminCredentials()), opts)
		if err != nil {
			b.Fatal(err)
		}
		if res.Partial() {
			b.Fatalf("%d gaps, first %s", len(res.Manifest.Gaps), res.Manifest.Gaps[0])
		}
		cpu := cpuSeconds() - cpu0
		stopProfile()
		latFloor := time.Duration(float64(res.Calls) * float64(latency) / float64(conc))
		rates := collect.DefaultRates
		if opts.Rates != nil {
			rates = opts.Rates
		}
		rf := calls.rateFloor(rates)
		floor := max(latFloor, rf.floor)
		acctRegions := 0
		for _, c := range res.Manifest.Coverage {
			acctRegions += len(c.Regions)
		}
		perAR := float64(res.Calls) / float64(max(acctRegions, 1))
		b.ReportMetric(res.Elapsed.Seconds(), "wall-s")
		b.ReportMetric(floor.Seconds(), "floor-s")
		b.ReportMetric(rf.floor.Seconds(), "rate-floor-s")
		b.ReportMetric(latFloor.Seconds(), "latency-floor-s")
		b.ReportMetric(res.Elapsed.Seconds()/floor.Seconds(), "wall/floor")
		b.ReportMetric(res.Elapsed.Seconds()/rf.floor.Seconds(), "wall/rate-floor")
		b.ReportMetric(float64(res.Calls), "calls")
		b.ReportMetric(float64(res.Throttles), "throttles")
		b.ReportMetric(perAR, "calls/account-region")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
		b.ReportMetric(cpu, "cpu-s")
		fmt.Fprintf(os.Stderr, "collect: %d accounts × %d regions (%d account-regions), concurrency %d, latency %s: wall %.1fs, floor %.1fs (%.2f×): rate-limit floor %.1fs (%.2f×; %s), latency floor %.1fs (%.2f×); %d calls (%.1f per account-region), %d throttled, CPU %.1fs (client and server), peak RSS %d MiB\n",
			len(res.Manifest.Coverage), len(regions), acctRegions, conc, latency, res.Elapsed.Seconds(), floor.Seconds(),
			res.Elapsed.Seconds()/floor.Seconds(), rf.floor.Seconds(), res.Elapsed.Seconds()/rf.floor.Seconds(), rf.worst,
			latFloor.Seconds(), res.Elapsed.Seconds()/latFloor.Seconds(), res.Calls, perAR, res.Throttles, cpu, peakRSS()>>20)
		fmt.Fprint(os.Stderr, rf.services)
	}
}

// generatedOrg generates the benchmark's organization (seed 7, one day
// of logs). With ORGRAIL_BENCH_ORG_DIR set it is generated there once and
// reused by later runs with the same account count, so a 1,000-account
// run does not pay for generation again (nor count its memory).
func generatedOrg(b *testing.B, accounts int) string {
	b.Helper()
	dir := b.TempDir()
	if keep := os.Getenv("ORGRAIL_BENCH_ORG_DIR"); keep != "" {
		dir = filepath.Join(keep, fmt.Sprintf("seed7-%d", accounts))
		if _, err := os.Stat(filepath.Join(dir, "snapshot", "manifest.json")); err == nil {
			return dir
		}
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := demo.Generate(context.Background(), dir, demo.Options{Seed: 7, Accounts: accounts, Days: 1}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// startProfile writes a CPU profile of the collection alone (not the
// generation) to ORGRAIL_BENCH_CPUPROFILE, when set.
func startProfile(b *testing.B) (stop func()) {
	path := os.Getenv("ORGRAIL_BENCH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

// enabledRegions reads the regions the generated accounts have enabled.
func enabledRegions(b *testing.B, s *snapshot.Snapshot) []string {
	b.Helper()
	f, err := s.Service(s.Org.MasterAccountId, snapshot.Global, "ec2regions")
	if err != nil {
		b.Fatal(err)
	}
	var out struct {
		Regions []struct{ RegionName, OptInStatus string }
	}
	if _, err := f.Get("DescribeRegions", &out); err != nil {
		b.Fatal(err)
	}
	var regions []string
	for _, r := range out.Regions {
		if r.OptInStatus != "not-opted-in" {
			regions = append(regions, r.RegionName)
		}
	}
	return regions
}

// cpuSeconds is the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
