package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/apply"
	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

// benchInt reads a positive integer knob from the environment.
func benchInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkApplyMoves applies a plan of N account moves (ORGRAIL_BENCH_MOVES,
// default 1,000) against the local AWS, whose MoveAccount is throttled to
// RATE calls/s with a bucket of BURST (ORGRAIL_BENCH_ORGS_RATE, default 10;
// ORGRAIL_BENCH_ORGS_BURST, default 10), with apply's limiter set to the
// same rate. It reports the wall time of the whole apply (re-read of the
// organization included), of the re-read alone, the rate-limit floor
// ((N-BURST)/RATE: no client can move the accounts faster) and
// wall/floor. ORGRAIL_BENCH_PARALLEL sets apply's --parallel (default
// apply.DefaultParallel) and ORGRAIL_BENCH_LATENCY_MS adds that latency
// to every MoveAccount call (AWS answers in tens to hundreds of ms: one
// call at a time cannot reach the rate limit then).
func BenchmarkApplyMoves(b *testing.B) {
	n := benchInt("ORGRAIL_BENCH_MOVES", 1000)
	rate := benchInt("ORGRAIL_BENCH_ORGS_RATE", 10)
	burst := benchInt("ORGRAIL_BENCH_ORGS_BURST", 10)
	parallel := benchInt("ORGRAIL_BENCH_PARALLEL", apply.DefaultParallel)
	latency := time.Duration(benchInt("ORGRAIL_BENCH_LATENCY_MS", 0)) * time.Millisecond
	for i := 0; i < b.N; i++ {
		ctx := context.Background()
		o, cfg := moveOrg(n)
		srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: b.TempDir(), Org: o}})
		if err != nil {
			b.Fatal(err)
		}
		srv.Faults.Add(awstest.Fault{Service: "organizations", Operation: "MoveAccount", Kind: awstest.Throttle, Rate: float64(rate), Burst: burst})
		if latency > 0 {
			srv.Faults.Add(awstest.Fault{Service: "organizations", Operation: "MoveAccount", Kind: awstest.Latency, Latency: latency})
		}
		awsCfg := srv.Config(ctx, srv.AdminCredentials())
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		cur, err := collect.Discover(ctx, awsCfg)
		if err != nil {
			b.Fatal(err)
		}
		read := time.Since(t0)
		p, _ := plan.New(cfg, cur, plan.Options{})
		if len(p.Changes) != n {
			b.Fatalf("%d changes, want %d", len(p.Changes), n)
		}
		t1 := time.Now()
		rep, err := apply.Run(ctx, awsCfg, st, p, apply.Options{Rate: float64(rate), Burst: burst, Parallel: parallel})
		wall := time.Since(t1)
		if err != nil || rep.Done != n {
			b.Fatalf("apply: %v (%d done)", err, rep.Done)
		}
		floor := time.Duration(float64(n-burst) / float64(rate) * float64(time.Second))
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(read.Seconds(), "reread-s")
		b.ReportMetric(floor.Seconds(), "floor-s")
		b.ReportMetric(wall.Seconds()/floor.Seconds(), "wall/floor")
		fmt.Fprintf(os.Stderr, "apply %d moves at %d/s burst %d, parallel %d, latency %s: wall %.1fs (re-read %.1fs), floor %.1fs, ratio %.3f\n",
			n, rate, burst, parallel, latency, wall.Seconds(), read.Seconds(), floor.Seconds(), wall.Seconds()/floor.Seconds())
		st.Close()
		srv.Close()
	}
}

// moveOrg returns an organization of n accounts under the root and an
// OU Target, and the configuration that puts every account in Target.
func moveOrg(n int) (*org.Organization, *config.Config) {
	o := &org.Organization{Id: "o-benchmoves1", Arn: "arn:aws:organizations::100000000000:organization/o-benchmoves1",
		MasterAccountId: "100000000000", FeatureSet: "ALL",
		Roots:               []org.Root{{Id: "r-bm01", Name: "Root"}},
		OrganizationalUnits: []org.OU{{Id: "ou-bm01-00000001", Name: "Target", ParentId: "r-bm01"}},
		Accounts:            []org.Account{{Id: "100000000000", Name: "management", Email: "m@example.com", Status: "ACTIVE", ParentId: "r-bm01"}}}
	cfg := &config.Config{Organization: config.Organization{Mode: config.ModeOrganizations, ManagementAccount: "management"},
		OUs:      []config.OU{{Path: "Target"}},
		Accounts: []config.Account{{Name: "management", ID: "100000000000", Email: "m@example.com", OU: config.RootPath}}}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("2%011d", i)
		name := fmt.Sprintf("acct-%04d", i)
		email := name + "@example.com"
		o.Accounts = append(o.Accounts, org.Account{Id: id, Name: name, Email: email, Status: "ACTIVE", ParentId: "r-bm01"})
		cfg.Accounts = append(cfg.Accounts, config.Account{Name: name, ID: id, Email: email, OU: "Target"})
	}
	return o, cfg
}
