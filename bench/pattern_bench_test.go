// Package bench holds orgrail's cross-package benchmarks. The pattern
// benchmarks here run the detection engine (event patterns and Sigma rules
// together) over real CloudTrail records in their EventBridge envelopes,
// beside two baselines measured in the same run: gunzip of the same bytes
// (the floor any ingest pays) and encoding/json into maps (what a naive
// reader pays).
//
//	go test ./bench -run '^$' -bench Pattern -benchmem
//	ORGRAIL_BENCH=1 go test ./bench -run PatternReport -v   # table with ratios
package bench

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"

	"github.com/orgrail/orgrail/internal/detect"
)

// events returns CloudTrail records from ../shared/data wrapped in the
// EventBridge envelope, or synthetic ones when the data is absent.
func events(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	if dir := sharedData(); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "cloudtrail", "invictus-aws-dataset", "CloudTrail", "*.json"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			var doc struct{ Records []json.RawMessage }
			if err := json.Unmarshal(data, &doc); err != nil {
				tb.Fatal(err)
			}
			for _, r := range doc.Records {
				out = append(out, wrap(r))
			}
		}
	}
	if len(out) == 0 {
		r := rand.New(rand.NewSource(1))
		names := []string{"DescribeInstances", "GetObject", "AssumeRole", "ListBuckets", "StopLogging", "CreateAccessKey"}
		for i := 0; i < 2000; i++ {
			rec := fmt.Sprintf(`{"eventVersion":"1.09","eventSource":"ec2.amazonaws.com","eventName":%q,"awsRegion":"us-east-1","sourceIPAddress":"203.0.113.%d","userAgent":"aws-cli/2.15.0 Python/3.11.6","userIdentity":{"type":"IAMUser","accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/u%d"},"requestParameters":{"maxResults":%d},"responseElements":null,"readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}`,
				names[r.Intn(len(names))], r.Intn(255), r.Intn(50), r.Intn(100))
			out = append(out, wrap([]byte(rec)))
		}
	}
	return out
}

func wrap(rec []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"version":"0","id":"00000000-0000-4000-8000-000000000000","detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail","account":"111122223333","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":`)
	b.Write(rec)
	b.WriteByte('}')
	return b.Bytes()
}

// sharedData locates ../shared/data beside the repository root, or "".
func sharedData() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "data")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// genRules makes n pattern detections in the style of the built-in pack.
func genRules(n int) []*detect.Rule {
	r := rand.New(rand.NewSource(int64(n)))
	services := []string{"iam", "ec2", "s3", "sts", "kms", "cloudtrail", "config", "guardduty", "organizations", "lambda", "rds", "ssm"}
	verbs := []string{"Create", "Delete", "Put", "Update", "Attach", "Detach", "Modify", "Stop", "Start", "Get", "List", "Describe"}
	nouns := []string{"User", "Role", "Policy", "AccessKey", "Bucket", "Trail", "Detector", "Key", "SecurityGroup", "Instance", "Snapshot"}
	extras := []string{
		`,"userIdentity":{"type":[{"anything-but":["AWSService"]}]}`,
		`,"sourceIPAddress":[{"cidr":"10.%d.0.0/16"}]`,
		`,"userAgent":[{"prefix":"aws-cli/%d"}]`,
		`,"errorCode":[{"exists":false}]`,
		`,"userIdentity":{"arn":[{"wildcard":"arn:aws:iam::*:user/u%d*"}]}`,
	}
	out := make([]*detect.Rule, n)
	for i := range out {
		name := verbs[r.Intn(len(verbs))] + nouns[r.Intn(len(nouns))]
		if r.Intn(4) > 0 {
			name += fmt.Sprint(i)
		}
		extra := ""
		if r.Intn(3) == 0 {
			extra = extras[r.Intn(len(extras))]
			if bytes.Contains([]byte(extra), []byte("%d")) {
				extra = fmt.Sprintf(extra, r.Intn(4))
			}
		}
		p := fmt.Sprintf(`{"detail":{"eventSource":["%s.amazonaws.com"],"eventName":[%q]%s}}`, services[r.Intn(len(services))], name, extra)
		out[i] = &detect.Rule{ID: fmt.Sprintf("gen.%d", i), Title: "generated", Source: detect.SourceCustom, Pattern: []byte(p)}
	}
	return out
}

func engine(tb testing.TB, n int, withSigma bool) *detect.Engine {
	tb.Helper()
	rules, err := detect.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	if withSigma {
		if dir := sharedData(); dir != "" {
			more, _, err := detect.LoadDir(filepath.Join(dir, "sigma-cloudtrail"))
			if err != nil {
				tb.Fatal(err)
			}
			rules = append(rules, more...)
		}
	}
	rules = append(rules, genRules(n)...)
	e, err := detect.Compile(rules, detect.WithOrgAccounts("111122223333", "123837392027"))
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func totalBytes(evs [][]byte) int64 {
	var n int64
	for _, e := range evs {
		n += int64(len(e))
	}
	return n
}

// benchEngine runs e over all events on every core; one op is one pass
// over the whole set.
func benchEngine(b *testing.B, e *detect.Engine, evs [][]byte) {
	b.SetBytes(totalBytes(evs))
	b.ReportAllocs()
	workers := runtime.GOMAXPROCS(0)
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				var hits []detect.Hit
				for j := w; j < len(evs); j += workers {
					var err error
					hits, err = e.Match(evs[j], hits[:0])
					if err != nil {
						b.Error(err)
						return
					}
				}
			}(w)
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkPatternEngine matches the events against the built-in pack plus
// 10, 100 and 1,000 generated patterns, and the pack with the 57 Sigma rules.
func BenchmarkPatternEngine(b *testing.B) {
	evs := events(b)
	for _, n := range []int{10, 100, 1000} {
		e := engine(b, n, false)
		b.Run(fmt.Sprintf("patterns=%d", n), func(b *testing.B) { benchEngine(b, e, evs) })
	}
	e := engine(b, 0, true)
	b.Run("builtin+sigma", func(b *testing.B) { benchEngine(b, e, evs) })
}

// BenchmarkPatternBaselineGunzip decompresses the same events, gzipped,
// one stream per core: the floor of any ingest of CloudTrail files.
func BenchmarkPatternBaselineGunzip(b *testing.B) {
	evs := events(b)
	var raw bytes.Buffer
	for _, e := range evs {
		raw.Write(e)
		raw.WriteByte('\n')
	}
	workers := runtime.GOMAXPROCS(0)
	parts := make([][]byte, workers)
	per := (len(evs) + workers - 1) / workers
	for w := range parts {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		for j := w * per; j < len(evs) && j < (w+1)*per; j++ {
			zw.Write(evs[j])
			zw.Write([]byte{'\n'})
		}
		zw.Close()
		parts[w] = z.Bytes()
	}
	b.SetBytes(int64(raw.Len()))
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		for _, p := range parts {
			wg.Add(1)
			go func(p []byte) {
				defer wg.Done()
				zr, err := gzip.NewReader(bytes.NewReader(p))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, zr)
			}(p)
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkPatternBaselineUnmarshal decodes the same events with
// encoding/json into maps, on every core: the naive reader.
func BenchmarkPatternBaselineUnmarshal(b *testing.B) {
	evs := events(b)
	b.SetBytes(totalBytes(evs))
	workers := runtime.GOMAXPROCS(0)
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for j := w; j < len(evs); j += workers {
					var m map[string]any
					json.Unmarshal(evs[j], &m)
				}
			}(w)
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestPatternReport prints events per second of each configuration and
// its ratio to the gunzip floor and to encoding/json. The configurations
// are measured in turn, three rounds over, and each reported as its median,
// so that load from elsewhere on the machine skews all of them alike.
// It runs only with ORGRAIL_BENCH=1.
func TestPatternReport(t *testing.T) {
	if os.Getenv("ORGRAIL_BENCH") == "" {
		t.Skip("set ORGRAIL_BENCH=1 to run the throughput report")
	}
	evs := events(t)
	type config struct {
		name string
		f    func(*testing.B)
	}
	configs := []config{
		{"baseline gunzip", BenchmarkPatternBaselineGunzip},
		{"baseline encoding/json", BenchmarkPatternBaselineUnmarshal},
	}
	for _, n := range []int{10, 100, 1000} {
		e := engine(t, n, false)
		configs = append(configs, config{fmt.Sprintf("pack + %d patterns", n), func(b *testing.B) { benchEngine(b, e, evs) }})
	}
	e := engine(t, 0, true)
	configs = append(configs, config{"pack + 57 Sigma rules", func(b *testing.B) { benchEngine(b, e, evs) }})
	const rounds = 3
	rates := make([][]float64, len(configs))
	for round := 0; round < rounds; round++ {
		for i, c := range configs {
			rates[i] = append(rates[i], testing.Benchmark(c.f).Extra["events/s"])
		}
	}
	median := make([]float64, len(configs))
	for i, r := range rates {
		sort.Float64s(r)
		median[i] = r[len(r)/2]
	}
	gunzip, naive := median[0], median[1]
	t.Logf("%d events, %d bytes, GOMAXPROCS=%d, median of %d rounds", len(evs), totalBytes(evs), runtime.GOMAXPROCS(0), rounds)
	t.Logf("%-28s %14s %10s %12s", "configuration", "events/s", "÷ gunzip", "÷ enc/json")
	for i, c := range configs {
		t.Logf("%-28s %14.0f %10.2f %12.2f", c.name, median[i], median[i]/gunzip, median[i]/naive)
	}
}
