package bench

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/cli"
)

// The hardening benchmarks run orgrail as a child process (this test
// binary, re-entered through TestHardeningHelper) on an input and on one
// ten times larger, and report each run's peak RSS. Untrusted input must
// not make memory grow with its size: the 10x/1x ratio should stay near 1.
//
//	go test ./bench -run '^$' -bench Hardening -benchtime 1x

// TestHardeningHelper runs cli.Main with the arguments in
// ORGRAIL_HARDEN_ARGS (JSON) when ORGRAIL_HARDEN_HELPER is set, with
// stdin from ORGRAIL_HARDEN_STDIN, and exits with its code.
func TestHardeningHelper(t *testing.T) {
	if os.Getenv("ORGRAIL_HARDEN_HELPER") == "" {
		t.Skip("helper process for the hardening benchmarks")
	}
	var args []string
	json.Unmarshal([]byte(os.Getenv("ORGRAIL_HARDEN_ARGS")), &args)
	var in io.Reader = strings.NewReader("")
	if p := os.Getenv("ORGRAIL_HARDEN_STDIN"); p != "" {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		in = f
	}
	os.Exit(cli.Main(args, in, io.Discard, io.Discard))
}

// childPeakRSS runs orgrail with args in a child process and returns its
// peak resident set size in MiB and its exit code.
func childPeakRSS(b *testing.B, stdin string, args ...string) (float64, int) {
	b.Helper()
	a, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHardeningHelper$")
	cmd.Env = append(os.Environ(), "ORGRAIL_HARDEN_HELPER=1", "ORGRAIL_HARDEN_ARGS="+string(a), "ORGRAIL_HARDEN_STDIN="+stdin)
	err := cmd.Run()
	if cmd.ProcessState == nil {
		b.Fatal(err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return float64(ru.Maxrss) / 1024, cmd.ProcessState.ExitCode()
}

// writeGzipFile writes what gen produces, gzip-compressed.
func writeGzipFile(b *testing.B, p string, gen func(w *bufio.Writer)) {
	b.Helper()
	os.MkdirAll(filepath.Dir(p), 0o700)
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	bw := bufio.NewWriterSize(zw, 1<<20)
	gen(bw)
	bw.Flush()
	zw.Close()
	f.Close()
}

// compare runs one case at 1x and 10x and reports both peaks and their
// ratio.
func compare(b *testing.B, run func(scale int) (float64, int)) {
	for i := 0; i < b.N; i++ {
		small, c1 := run(1)
		large, c10 := run(10)
		b.ReportMetric(small, "MiB-rss-1x")
		b.ReportMetric(large, "MiB-rss-10x")
		b.ReportMetric(large/small, "ratio-10x/1x")
		b.Logf("peak RSS %.0f MiB (exit %d) → %.0f MiB (exit %d) at 10x: ratio %.2f", small, c1, large, c10, large/small)
	}
}

// BenchmarkHardeningTrailScanDuplicates scans 60,000 and 600,000 copies
// (both past the 50,000 detections a scan holds) of one StopLogging
// record (the same event id: 2 M identical detections cost 4.7 GB
// before detections were streamed).
func BenchmarkHardeningTrailScanDuplicates(b *testing.B) {
	dir := b.TempDir()
	compare(b, func(scale int) (float64, int) {
		src := filepath.Join(dir, fmt.Sprint(scale))
		writeGzipFile(b, filepath.Join(src, "trail.json.gz"), func(w *bufio.Writer) {
			w.WriteString(`{"Records":[`)
			for i := 0; i < 60000*scale; i++ {
				if i > 0 {
					w.WriteByte(',')
				}
				w.WriteString(`{"eventVersion":"1.08","eventTime":"2026-01-01T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","recipientAccountId":"111122223333","eventID":"same","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u"}}`)
			}
			w.WriteString(`]}`)
		})
		return childPeakRSS(b, "", "trail", "scan", "--source", src, "--output", "jsonl", "--fail-on", "none", "--quiet")
	})
}

// BenchmarkHardeningTrailScanDistinct is the same with distinct event
// ids and times: every detection is output, none is a duplicate, so the
// scan spills sorted runs past 50,000.
func BenchmarkHardeningTrailScanDistinct(b *testing.B) {
	dir := b.TempDir()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	compare(b, func(scale int) (float64, int) {
		src := filepath.Join(dir, fmt.Sprint(scale))
		writeGzipFile(b, filepath.Join(src, "trail.json.gz"), func(w *bufio.Writer) {
			w.WriteString(`{"Records":[`)
			n := 60000 * scale
			for i := 0; i < n; i++ {
				if i > 0 {
					w.WriteByte(',')
				}
				fmt.Fprintf(w, `{"eventVersion":"1.08","eventTime":"%s","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","recipientAccountId":"111122223333","eventID":"e%08d","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u"}}`,
					t0.Add(time.Duration(n-i)*time.Second).Format(time.RFC3339), i)
			}
			w.WriteString(`]}`)
		})
		return childPeakRSS(b, "", "trail", "scan", "--source", src, "--output", "jsonl", "--fail-on", "none", "--quiet")
	})
}

// BenchmarkHardeningConfigSnapshotBomb builds a snapshot from a Config
// snapshot file that inflates to 32 MiB and to 320 MiB (spaces in the
// items array: a valid, empty file). It was read whole (3.2 GB RSS for
// a 1 GB expansion); it is now streamed.
func BenchmarkHardeningConfigSnapshotBomb(b *testing.B) {
	dir := b.TempDir()
	compare(b, func(scale int) (float64, int) {
		src := filepath.Join(dir, fmt.Sprint(scale))
		p := filepath.Join(src, "AWSLogs", "123456789012", "Config", "eu-west-1", "2026", "11", "20", "ConfigSnapshot", "123456789012_Config_eu-west-1_ConfigSnapshot_20261120T000000Z_x.json.gz")
		spaces := strings.Repeat(" ", 1<<20)
		writeGzipFile(b, p, func(w *bufio.Writer) {
			w.WriteString(`{"fileVersion":"1.0","configurationItems":[`)
			for i := 0; i < 32*scale; i++ {
				w.WriteString(spaces)
			}
			w.WriteString(`]}`)
		})
		return childPeakRSS(b, "", "collect", "--from-config-snapshots", src, "--out", filepath.Join(dir, "out", fmt.Sprint(scale)), "--quiet")
	})
}

// BenchmarkHardeningSimulateNULs gives `policy simulate --request -`
// 20 MB and 200 MB of NUL bytes (4 GB RSS and an 838 MB error line
// before).
func BenchmarkHardeningSimulateNULs(b *testing.B) {
	dir := b.TempDir()
	compare(b, func(scale int) (float64, int) {
		p := filepath.Join(dir, fmt.Sprint(scale))
		f, _ := os.Create(p)
		f.Truncate(int64(20<<20) * int64(scale))
		f.Close()
		return childPeakRSS(b, p, "policy", "simulate", "--request", "-")
	})
}
