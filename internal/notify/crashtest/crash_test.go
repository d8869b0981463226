package crashtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/cli"
	"github.com/orgrail/orgrail/internal/notify"
)

// TestMain lets the test binary stand in for the orgrail binary: run
// with ORGRAIL_TEST_MAIN=1 it is `orgrail` (cli.Main), so the crash test
// runs the real command without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("ORGRAIL_TEST_MAIN") == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// flakyReceiver is a webhook endpoint that fails often (500, 429 with
// Retry-After, reset connections) and counts what it accepted, by the
// delivery id header and by detection.
type flakyReceiver struct {
	mu         sync.Mutex
	rng        *rand.Rand
	accepted   map[string]int // delivery id → times accepted
	detections map[string]int // detection key → times accepted
}

func (f *flakyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	roll := f.rng.IntN(100)
	f.mu.Unlock()
	switch {
	case roll < 15:
		w.WriteHeader(http.StatusInternalServerError)
		return
	case roll < 18:
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	case roll < 22:
		if hj, ok := w.(http.Hijacker); ok {
			c, _, _ := hj.Hijack()
			c.Close()
			return
		}
	}
	var b notify.WebhookBody
	if err := json.Unmarshal(body, &b); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.accepted[r.Header.Get(notify.DeliveryHeader)]++
	f.detections[b.Detection.Key()]++
	f.mu.Unlock()
}

func (f *flakyReceiver) snapshot() (ids, dets map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids, dets = map[string]int{}, map[string]int{}
	for k, v := range f.accepted {
		ids[k] = v
	}
	for k, v := range f.detections {
		dets[k] = v
	}
	return ids, dets
}

// writeTrailFile writes one gzip CloudTrail log file of n records, every
// one a probe event the test's detection fires on.
func writeTrailFile(t *testing.T, root string, file, n int) []string {
	t.Helper()
	dir := filepath.Join(root, "AWSLogs", "o-crashtest01", "111111111111", "CloudTrail", "eu-west-1", "2026", "11", "25")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stamp := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC).Add(time.Duration(file) * 5 * time.Minute)
	var recs []map[string]any
	var keys []string
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("crash-%03d-%03d", file, i)
		recs = append(recs, map[string]any{
			"eventVersion": "1.08", "eventID": id, "eventTime": stamp.Add(-time.Minute).Format(time.RFC3339),
			"eventSource": "ec2.amazonaws.com", "eventName": "OrgrailCrashProbe", "awsRegion": "eu-west-1",
			"sourceIPAddress": "203.0.113.7", "userAgent": "test", "recipientAccountId": "111111111111",
			"userIdentity": map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::111111111111:user/probe", "accountId": "111111111111"},
		})
		keys = append(keys, "test.crash-probe/"+id)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	json.NewEncoder(zw).Encode(map[string]any{"Records": recs})
	zw.Close()
	name := fmt.Sprintf("111111111111_CloudTrail_eu-west-1_%s_file%03d.json.gz", stamp.Format("20060102T1504Z"), file)
	// Write then rename, as S3 makes an object appear at once.
	tmp := filepath.Join(root, ".tmp-"+name)
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	return keys
}

const crashRules = `detections:
  - id: test.crash-probe
    title: Crash-test probe
    severity: high
    nistCsf: DE.CM
    pattern:
      detail:
        eventName: [OrgrailCrashProbe]
`

// TestWatchSurvivesSIGKILL runs `orgrail watch` (this test binary as orgrail) over
// an archive that grows while it runs, with a flaky webhook, kills it
// with SIGKILL at random points, restarts it, and checks that every
// detection reached the webhook, each under one delivery id, and that a
// final SIGTERM stops it cleanly.
func TestWatchSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	archive, cfgDir, rules := filepath.Join(work, "archive"), filepath.Join(work, "config"), filepath.Join(work, "rules")
	for _, d := range []string{archive, cfgDir, rules} {
		os.MkdirAll(d, 0o755)
	}
	recv := &flakyReceiver{rng: rand.New(rand.NewPCG(1, 2)), accepted: map[string]int{}, detections: map[string]int{}}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	os.WriteFile(filepath.Join(rules, "probe.yaml"), []byte(crashRules), 0o644)
	os.WriteFile(filepath.Join(cfgDir, "notifications.yaml"), []byte(fmt.Sprintf(`notifications:
  channels:
    hook: {type: webhook, url: %s/hook}
  routes:
    - {name: all, channels: [hook]}
  delivery: {maxAttempts: 1000, backoff: 50ms, maxBackoff: 500ms}
`, srv.URL)), 0o644)

	const files, perFile = 24, 20
	var want []string
	next := 0
	addFiles := func(k int) {
		for ; k > 0 && next < files; k-- {
			want = append(want, writeTrailFile(t, archive, next, perFile)...)
			next++
		}
	}
	addFiles(files / 2)
	state := filepath.Join(work, "state.db")
	start := func() (*exec.Cmd, *bytes.Buffer) {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "watch", "--archive", archive, "--rules", rules, "--config", cfgDir, "--state", state,
			"--interval", "100ms", "--lease", "2s", "--log-level", "warn")
		cmd.Stderr = &stderr
		cmd.Env = append(os.Environ(), "ORGRAIL_TEST_MAIN=1", "ORGRAIL_ALLOW_INSECURE_HTTP=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &stderr
	}
	rng := rand.New(rand.NewPCG(3, 4))
	kills := 0
	for i := 0; i < 8; i++ {
		cmd, _ := start()
		time.Sleep(time.Duration(150+rng.IntN(900)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		kills++
		addFiles(2)
	}
	addFiles(files)
	cmd, stderr := start()
	deadline := time.Now().Add(40 * time.Second)
	for {
		_, dets := recv.snapshot()
		if len(dets) >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("watch did not stop cleanly on SIGTERM: %v\n%s", err, stderr)
	}
	ids, dets := recv.snapshot()
	missing, twice := 0, 0
	for _, k := range want {
		switch n := dets[k]; {
		case n == 0:
			missing++
		case n > 1:
			twice++
		}
	}
	t.Logf("%d detections, %d SIGKILLs: %d delivered, %d delivery ids, %d accepted more than once", len(want), kills, len(dets), len(ids), twice)
	if missing > 0 {
		t.Fatalf("%d of %d detections never delivered", missing, len(want))
	}
	if len(dets) != len(want) || len(ids) != len(want) {
		t.Fatalf("delivered %d detections under %d delivery ids, want %d of each", len(dets), len(ids), len(want))
	}
	// A kill between the webhook's answer and the outbox's commit can make
	// the receiver see a message twice, under the same delivery id, at
	// most once per kill (the channel sends one message at a time).
	if twice > kills {
		t.Fatalf("%d detections accepted more than once, more than the %d kills can explain", twice, kills)
	}
}
