package trail

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/orgrail/orgrail/internal/pattern"
	"github.com/orgrail/orgrail/internal/severity"
)

// benchArchive builds, once per process, an archive of about n records in
// the organization-trail layout: 2 accounts × 2 regions, files of 250
// records each.
func benchArchive(b testing.TB, dir string, n int) (string, int) {
	a := newTestArchive(b, dir)
	start := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	const perFile, filesPerHour = 250, 4
	written := 0
	for h := 0; written < n; h++ {
		for _, acct := range []string{"111122223333", "444455556666"} {
			for _, region := range []string{"eu-west-1", "us-east-1"} {
				a.writeHour(b, acct, region, start.Add(time.Duration(h)*time.Hour), filesPerHour, perFile, false)
				written += filesPerHour * perFile
			}
		}
	}
	return dir, written
}

var (
	benchOnce    sync.Once
	benchDir     string
	benchRecords int
)

func sharedBenchArchive(b *testing.B) (string, int) {
	benchOnce.Do(func() {
		if d := os.Getenv("ORGRAIL_BENCH_ARCHIVE"); d != "" {
			if n, err := strconv.Atoi(os.Getenv("ORGRAIL_BENCH_RECORDS")); err == nil {
				benchDir, benchRecords = d, n
				return
			}
		}
		d, err := os.MkdirTemp("", "trail-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir, benchRecords = benchArchive(b, d, 100000)
	})
	return benchDir, benchRecords
}

// TestWriteBenchArchive writes a benchmark archive for bench/trail.sh
// when ORGRAIL_BENCH_WRITE=DIR and ORGRAIL_BENCH_RECORDS=N are set.
func TestWriteBenchArchive(t *testing.T) {
	dir := os.Getenv("ORGRAIL_BENCH_WRITE")
	if dir == "" {
		t.Skip("ORGRAIL_BENCH_WRITE not set")
	}
	n, err := strconv.Atoi(os.Getenv("ORGRAIL_BENCH_RECORDS"))
	if err != nil {
		t.Fatal("ORGRAIL_BENCH_RECORDS must be a number")
	}
	_, w := benchArchive(t, dir, n)
	t.Logf("wrote %d records under %s", w, dir)
}

// genBenchPatterns makes n detection-like patterns: a service and one to
// three event names, most of which never occur, and for some an extra
// condition on the identity, the source address or the parameters.
func genBenchPatterns(n int) [][]byte {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	services := []string{"iam", "ec2", "s3", "sts", "kms", "cloudtrail", "organizations", "lambda", "rds", "guardduty"}
	verbs := []string{"Create", "Delete", "Put", "Update", "Attach", "Detach", "Stop", "Describe", "Get", "Authorize"}
	nouns := []string{"User", "Role", "Policy", "AccessKey", "Bucket", "Trail", "Detector", "SecurityGroup", "Instance", "Logging"}
	extras := []string{
		`, "userIdentity": {"type": [{"anything-but": "AWSService"}]}`,
		`, "sourceIPAddress": [{"cidr": "198.51.100.0/25"}]`,
		`, "userAgent": [{"prefix": "aws-cli/"}]`,
		`, "errorCode": [{"exists": false}]`,
		`, "requestParameters": {"ipPermissions": {"items": {"ipRanges": {"items": {"cidrIp": ["0.0.0.0/0"]}}}}}`,
	}
	out := make([][]byte, n)
	for i := range out {
		names := ""
		for k := 0; k < 1+r.IntN(3); k++ {
			if k > 0 {
				names += ", "
			}
			name := verbs[r.IntN(len(verbs))] + nouns[r.IntN(len(nouns))]
			if r.IntN(5) > 0 {
				name += strconv.Itoa(i)
			}
			names += strconv.Quote(name)
		}
		extra := ""
		if r.IntN(3) == 0 {
			extra = extras[r.IntN(len(extras))]
		}
		out[i] = fmt.Appendf(nil, `{"source": ["aws.%s"], "detail": {"eventName": [%s]%s}}`, services[r.IntN(len(services))], names, extra)
	}
	return out
}

// patternMatcher adapts a pattern.Matcher to Matcher.
type patternMatcher struct {
	m     *pattern.Matcher
	rules []*Rule
	pool  sync.Pool
}

func newPatternMatcher(b testing.TB, n int) *patternMatcher {
	pats := genBenchPatterns(n)
	m, err := pattern.Compile(pats...)
	if err != nil {
		b.Fatal(err)
	}
	pm := &patternMatcher{m: m}
	for i := range pats {
		pm.rules = append(pm.rules, &Rule{ID: fmt.Sprintf("bench.%d", i), Severity: severity.Low})
	}
	pm.pool.New = func() any { return new([]int) }
	return pm
}

func (p *patternMatcher) Match(ev []byte, dst []Hit) ([]Hit, error) {
	buf := p.pool.Get().(*[]int)
	ids, err := p.m.Match(ev, (*buf)[:0])
	for _, i := range ids {
		dst = append(dst, Hit{Rule: p.rules[i]})
	}
	*buf = ids
	p.pool.Put(buf)
	return dst, err
}

// nullMatcher measures ingest alone: decode, envelope, no matching.
type nullMatcher struct{}

func (nullMatcher) Match(_ []byte, dst []Hit) ([]Hit, error) { return dst, nil }

// BenchmarkScan reports events per second for ingest alone and with 10,
// 100 and 1,000 patterns, on all cores.
func BenchmarkScan(b *testing.B) {
	dir, n := sharedBenchArchive(b)
	src, err := OpenLocal(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, np := range []int{0, 10, 100, 1000} {
		var m Matcher = nullMatcher{}
		if np > 0 {
			m = newPatternMatcher(b, np)
		}
		b.Run(fmt.Sprintf("patterns=%d", np), func(b *testing.B) {
			b.ReportAllocs()
			var records int64
			for i := 0; i < b.N; i++ {
				res, err := Scan(context.Background(), src, ScanOptions{Matcher: m})
				if err != nil || res.Partial {
					b.Fatal(err, res.Errors)
				}
				records += res.Stats.Records
			}
			b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "events/s")
			_ = n
		})
	}
}

// BenchmarkGunzip is the in-process floor: decompress every file of the
// archive on all cores and discard the bytes.
func BenchmarkGunzip(b *testing.B) {
	dir, n := sharedBenchArchive(b)
	var files []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && filepath.Ext(p) == ".gz" {
			files = append(files, p)
		}
		return nil
	})
	for i := 0; i < b.N; i++ {
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k := int(next.Add(1) - 1)
					if k >= len(files) {
						return
					}
					f, _ := os.Open(files[k])
					zr, _ := gzip.NewReader(f)
					io.Copy(io.Discard, zr)
					f.Close()
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDecode is the record decoder alone on one core.
func BenchmarkDecode(b *testing.B) {
	a := newTestArchive(b, b.TempDir())
	var body []byte
	{
		recs := make([]string, 1000)
		for i := range recs {
			recs[i] = a.record("111122223333", "eu-west-1", time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC))
		}
		body = []byte(`{"Records":[` + joinComma(recs) + `]}`)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	d := NewDecoder(nil)
	var env []byte
	for i := 0; i < b.N; i++ {
		d.Reset(bytesReader(body))
		for {
			r, err := d.Next()
			if err != nil {
				break
			}
			env = AppendEnvelope(env[:0], r)
		}
	}
}

func joinComma(s []string) string {
	n := 0
	for _, x := range s {
		n += len(x) + 1
	}
	out := make([]byte, 0, n)
	for i, x := range s {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, x...)
	}
	return string(out)
}

func bytesReader(b []byte) io.Reader { return &sliceReader{b: b} }

type sliceReader struct{ b []byte }

func (s *sliceReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}
