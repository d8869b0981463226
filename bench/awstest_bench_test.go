package bench

// The local AWS test server's benchmarks: SDK calls per second and
// latency per protocol family, over the demo organization, beside a
// baseline measured in the same run — the same SDK client against a
// bare net/http handler that returns a canned answer (the floor any
// loopback HTTP server pays) — and under fault profiles.
//
//	go test ./bench -run '^$' -bench AWSTest -benchmem
//	ORGRAIL_BENCH=1 go test ./bench -run AWSTestReport -v   # table with ratios

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// awsCase is one kind of call.
type awsCase struct {
	name string
	call func(ctx context.Context) error
}

// awsFixture starts a server on the demo organization and returns the
// calls to measure, plus the baseline.
func awsFixture(tb testing.TB) (*awstest.Server, []awsCase) {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		tb.Fatal(err)
	}
	srv, err := awstest.Start(context.Background(), awstest.Options{SnapshotDir: filepath.Join(dir, "snapshot")})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	snap, err := snapshot.Open(filepath.Join(dir, "snapshot"))
	if err != nil {
		tb.Fatal(err)
	}
	mgmt := srv.ManagementAccount()
	cfg := srv.Config(context.Background(), srv.AdminCredentials())
	cfg.Retryer = nil // the SDK's default retryer, as production code has
	orgs := organizations.NewFromConfig(cfg)
	iamc := iam.NewFromConfig(cfg)
	ec2c := ec2.NewFromConfig(cfg)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	bucket := ""
	if f, err := snap.Service(mgmt, snapshot.Global, "s3"); err == nil {
		if keys := f.ResourceKeys("GetBucketAcl"); len(keys) > 0 {
			bucket = keys[0]
		}
	}

	base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(`{"Roots":[{"Id":"r-1","Arn":"arn:aws:organizations::1:root/o-1/r-1","Name":"Root","PolicyTypes":[]}]}`))
	}))
	tb.Cleanup(base.Close)
	baseCfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(base.URL), HTTPClient: base.Client(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDBASE", "secret", "")}
	baseOrgs := organizations.NewFromConfig(baseCfg)

	return srv, []awsCase{
		{"baseline (bare HTTP, JSON)", func(ctx context.Context) error { _, err := baseOrgs.ListRoots(ctx, nil); return err }},
		{"organizations ListRoots (JSON 1.1)", func(ctx context.Context) error { _, err := orgs.ListRoots(ctx, nil); return err }},
		{"organizations ListAccounts (JSON, paged)", func(ctx context.Context) error {
			_, err := orgs.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(20)})
			return err
		}},
		{"iam GetAccountSummary (Query)", func(ctx context.Context) error { _, err := iamc.GetAccountSummary(ctx, nil); return err }},
		{"ec2 DescribeVpcs (EC2 Query)", func(ctx context.Context) error { _, err := ec2c.DescribeVpcs(ctx, nil); return err }},
		{"s3 GetBucketAcl (REST-XML)", func(ctx context.Context) error {
			_, err := s3c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
			return err
		}},
	}
}

func BenchmarkAWSTest(b *testing.B) {
	_, cases := awsFixture(b)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.call(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// runLoad makes n calls from workers goroutines and returns calls/s,
// latency quantiles and the error count.
func runLoad(call func(context.Context) error, n, workers int) (perSec float64, p50, p99 time.Duration, errs int) {
	lat := make([]time.Duration, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				err := call(context.Background())
				lat[i] = time.Since(t0)
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return float64(n) / elapsed.Seconds(), lat[n/2], lat[n*99/100], errs
}

// TestAWSTestReport prints calls/s and latency per protocol and per
// fault profile, each as a ratio to the baseline of the same run.
func TestAWSTestReport(t *testing.T) {
	if os.Getenv("ORGRAIL_BENCH") == "" {
		t.Skip("set ORGRAIL_BENCH=1 to run the awstest report")
	}
	srv, cases := awsFixture(t)
	const n, workers = 3000, 8
	for _, c := range cases {
		runLoad(c.call, 300, workers) // warm connections, caches and the heap
	}
	baseRate, baseP50, _, _ := runLoad(cases[0].call, n, workers)
	fmt.Printf("%-44s %10s %8s %9s %9s %7s\n", "case (8 workers, 3000 calls)", "calls/s", "×base", "p50", "p99", "errors")
	row := func(name string, call func(context.Context) error) {
		rate, p50, p99, errs := runLoad(call, n, workers)
		fmt.Printf("%-44s %10.0f %8.2f %9s %9s %7d\n", name, rate, rate/baseRate, p50.Round(time.Microsecond), p99.Round(time.Microsecond), errs)
	}
	fmt.Printf("%-44s %10.0f %8.2f %9s\n", cases[0].name, baseRate, 1.0, baseP50.Round(time.Microsecond))
	for _, c := range cases[1:] {
		row(c.name, c.call)
	}
	profiles := []struct {
		name  string
		fault awstest.Fault
	}{
		{"latency 2ms", awstest.Fault{Kind: awstest.Latency, Latency: 2 * time.Millisecond}},
		{"throttle 2000/s burst 50 (SDK retries)", awstest.Fault{Kind: awstest.Throttle, Rate: 2000, Burst: 50}},
		{"5xx on 10% (SDK retries)", awstest.Fault{Kind: awstest.ServerError, Probability: 0.1}},
		{"connection reset on 5% (SDK retries)", awstest.Fault{Kind: awstest.Reset, Probability: 0.05}},
	}
	for _, p := range profiles {
		remove := srv.Faults.Add(p.fault)
		row("ListRoots under "+p.name, cases[1].call)
		remove()
	}
}

// signedReplay returns a call that replays one SigV4-signed request
// with plain net/http: the server's own cost without the SDK's.
func signedReplay(tb testing.TB, endpoint string, creds aws.Credentials, service, target, body string) func(context.Context) error {
	tb.Helper()
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, service, "us-east-1", time.Now()); err != nil {
		tb.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return func(ctx context.Context) error {
		r := req.Clone(ctx)
		r.Body = io.NopCloser(strings.NewReader(body))
		resp, err := client.Do(r)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
}

// TestAWSTestServerReport measures the server alone (signed requests
// replayed over plain net/http) against a bare handler.
func TestAWSTestServerReport(t *testing.T) {
	if os.Getenv("ORGRAIL_BENCH") == "" {
		t.Skip("set ORGRAIL_BENCH=1 to run the awstest report")
	}
	srv, _ := awsFixture(t)
	base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(`{"Roots":[{"Id":"r-1","Arn":"arn:aws:organizations::1:root/o-1/r-1","Name":"Root","PolicyTypes":[]}]}`))
	}))
	defer base.Close()
	creds := srv.AdminCredentials()
	cases := []awsCase{
		{"baseline (bare handler)", signedReplay(t, base.URL, creds, "organizations", "AWSOrganizationsV20161128.ListRoots", "{}")},
		{"organizations ListRoots (JSON 1.1)", signedReplay(t, srv.Endpoint, creds, "organizations", "AWSOrganizationsV20161128.ListRoots", "{}")},
		{"organizations ListAccounts (JSON)", signedReplay(t, srv.Endpoint, creds, "organizations", "AWSOrganizationsV20161128.ListAccounts", "{}")},
		{"iam GetAccountSummary (Query)", signedReplay(t, srv.Endpoint, creds, "iam", "", "Action=GetAccountSummary&Version=2010-05-08")},
		{"sts GetCallerIdentity (Query)", signedReplay(t, srv.Endpoint, creds, "sts", "", "Action=GetCallerIdentity&Version=2011-06-15")},
		{"ec2 DescribeVpcs (EC2 Query)", signedReplay(t, srv.Endpoint, creds, "ec2", "", "Action=DescribeVpcs&Version=2016-11-15")},
	}
	const n, workers = 5000, 8
	for _, c := range cases {
		runLoad(c.call, 500, workers) // warm connections, caches and the heap
	}
	baseRate, _, _, _ := runLoad(cases[0].call, n, workers)
	fmt.Printf("%-44s %10s %8s %9s %9s %7s\n", "server alone (8 workers, 5000 calls)", "calls/s", "×base", "p50", "p99", "errors")
	for _, c := range cases {
		rate, p50, p99, errs := runLoad(c.call, n, workers)
		if c.name == cases[0].name {
			rate = baseRate
		}
		fmt.Printf("%-44s %10.0f %8.2f %9s %9s %7d\n", c.name, rate, rate/baseRate, p50.Round(time.Microsecond), p99.Round(time.Microsecond), errs)
	}
}
