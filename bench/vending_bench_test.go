package bench

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
	"github.com/orgrail/orgrail/internal/vending"
)

const vendConfig = `organization:
  homeRegion: ap-northeast-1
standards:
  requiredTags: [Owner, Environment]
  azCount: 3
  network:
    pool: 10.64.0.0/10
    vpcPrefixLength: 20
    nat: per-az
    flowLogs: {bucket: org-log-archive}
  alternateContacts:
    - {type: SECURITY, name: Security, email: security@example.com, phone: "+1-555-0100", title: CSIRT}
ous:
  - path: Workloads
`

// counting is an HTTP transport that counts requests.
type counting struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

type vendEnv struct {
	srv *awstest.Server
	cfg aws.Config
	ctr *counting
	c   *config.Config
	st  *store.Store
}

func newVendEnv(b *testing.B) *vendEnv {
	ctx := context.Background()
	o := &org.Organization{Id: "o-exampleorg01", MasterAccountId: "111111111111", FeatureSet: "ALL",
		Roots:    []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE", ParentId: "r-ab12"}}}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: b.TempDir(), Org: o}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	cfg := srv.Config(ctx, srv.AdminCredentials())
	ctr := &counting{base: cfg.HTTPClient.(*http.Client).Transport}
	cfg.HTTPClient = &http.Client{Transport: ctr}
	if _, err := organizations.NewFromConfig(cfg).CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{
		ParentId: aws.String("r-ab12"), Name: aws.String("Workloads")}); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(vendConfig), 0o644); err != nil {
		b.Fatal(err)
	}
	c, _, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return &vendEnv{srv: srv, cfg: cfg, ctr: ctr, c: c, st: st}
}

// BenchmarkVend vends one account (3 zones, public and private tiers,
// a NAT gateway per zone, flow logs, default VPCs deleted in the 17
// Regions a new account has) against the local AWS, and reports the
// run's time without the time spent waiting for AWS (status polls of
// CreateAccount and NAT gateways: the local AWS makes an account in
// 50 ms, AWS in minutes) as vend-ms, the requests made, and the time
// the same number of plain DescribeVpcs requests takes on the same
// server in the same run (wire-ms: the floor of any client) with the
// ratio vend/wire.
func BenchmarkVend(b *testing.B) {
	var vendNs, wireNs, reqs int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newVendEnv(b)
		var waited time.Duration
		opts := vending.Options{PollEvery: time.Millisecond, PollMax: 5 * time.Millisecond, Backoff: time.Millisecond,
			Sleep: func(ctx context.Context, d time.Duration) error {
				t := time.Now()
				time.Sleep(d)
				waited += time.Since(t)
				return ctx.Err()
			}}
		req := vending.Request{Name: "bench", Email: "aws+bench@example.com", OU: "Workloads", Owner: "team", Env: "prod"}
		b.StartTimer()
		t0 := time.Now()
		rep, err := vending.Run(context.Background(), e.cfg, e.st, e.c, req, opts)
		d := time.Since(t0) - waited
		b.StopTimer()
		if err != nil || rep.VPC == nil {
			b.Fatalf("vend: %v", err)
		}
		n := e.ctr.n.Load()
		vendNs += d.Nanoseconds()
		reqs += n
		wireNs += wire(b, e, rep.AccountID, n).Nanoseconds()
		b.StartTimer()
	}
	b.ReportMetric(float64(vendNs)/float64(b.N)/1e6, "vend-ms")
	b.ReportMetric(float64(reqs)/float64(b.N), "requests")
	b.ReportMetric(float64(wireNs)/float64(b.N)/1e6, "wire-ms")
	b.ReportMetric(float64(vendNs)/float64(wireNs), "vend/wire")
}

// wire times n sequential DescribeVpcs calls in the new account.
func wire(b *testing.B, e *vendEnv, account string, n int64) time.Duration {
	ctx := context.Background()
	ec := ec2.NewFromConfig(e.srv.Config(ctx, e.srv.AccountCredentials(account)), func(o *ec2.Options) { o.Region = "ap-northeast-1" })
	t0 := time.Now()
	for range n {
		if _, err := ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(t0)
}
