package cli

import (
	"bytes"
	"encoding/json"
	"github.com/orgrail/orgrail/internal/shareddata"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// trailData returns ../shared/data/cloudtrail, or skips.
func trailData(t *testing.T) string { return shareddata.Dir(t, "cloudtrail") }

func runTrail(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTrailScanStratus(t *testing.T) {
	dir := filepath.Join(trailData(t), "stratus-detonation-logs")
	code, out, stderr := runTrail(t, "trail", "scan", "--source", dir, "--output", "jsonl", "--quiet")
	if code != ExitFail {
		t.Fatalf("exit %d, want 1 (high detections); stderr %s", code, stderr)
	}
	fields := []string{"detectionId", "title", "severity", "nistCsf", "eventId", "eventTime", "account",
		"accountName", "ou", "region", "principal", "eventName", "sourceIp", "source", "author"}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	names := map[string]bool{}
	prev := ""
	for _, l := range lines {
		var d map[string]any
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("not JSON: %s", l)
		}
		for _, f := range fields {
			if _, ok := d[f]; !ok {
				t.Fatalf("detection lacks %s: %s", f, l)
			}
		}
		if tm := d["eventTime"].(string); tm < prev {
			t.Fatalf("not sorted by eventTime: %s after %s", tm, prev)
		} else {
			prev = tm
		}
		names[d["eventName"].(string)] = true
	}
	for _, n := range []string{"StopLogging", "DeleteTrail", "LeaveOrganization", "CreateAccessKey"} {
		if !names[n] {
			t.Errorf("no detection on %s", n)
		}
	}
}

func TestTrailScanExitCodes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"Records":[{"eventName":`), 0o600)
	os.WriteFile(filepath.Join(dir, "ok.json"), []byte(`[{"eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com","eventTime":"2026-01-01T00:00:00Z"}]`), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"partial", []string{"trail", "scan", "--source", dir, "--fail-on", "none"}, ExitPartial, "bad.json"},
		{"missing source", []string{"trail", "scan", "--source", filepath.Join(dir, "nope")}, ExitUsage, "nope"},
		{"bad since", []string{"trail", "scan", "--source", dir, "--since", "yesterday"}, ExitUsage, "--since"},
		{"bad fail-on", []string{"trail", "scan", "--source", dir, "--fail-on", "urgent"}, ExitUsage, "--fail-on"},
		{"no source", []string{"trail", "scan"}, ExitUsage, "source"},
		{"time range excludes", []string{"trail", "scan", "--source", filepath.Join(dir, "ok.json"), "--since", "2027-01-01"}, ExitOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runTrail(t, append(tc.args, "--output", "json")...)
			if code != tc.code || !strings.Contains(stderr, tc.err) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, tc.code, stderr, tc.err)
			}
		})
	}
}

func TestTrailQueryUsesIndex(t *testing.T) {
	dir := filepath.Join(trailData(t), "stratus-detonation-logs")
	state := filepath.Join(t.TempDir(), "state.db")
	args := []string{"--state", state, "trail", "query", "--source", dir, "--event-name", "StopLogging", "--output", "jsonl"}
	code, out, stderr := runTrail(t, args...)
	if code != ExitOK || !strings.Contains(out, `"eventName":"StopLogging"`) {
		t.Fatalf("exit %d, out %s, stderr %s", code, out, stderr)
	}
	code, out2, stderr := runTrail(t, args...)
	if code != ExitOK || out2 != out || !strings.Contains(stderr, " 0 read") {
		t.Fatalf("second query: exit %d, stderr %s", code, stderr)
	}
}

func TestTrailParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := map[string]time.Time{
		"":                     {},
		"2026-11-01":           time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		"2026-11-01T10:00:00Z": time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
		"24h":                  now.Add(-24 * time.Hour),
		"7d":                   now.AddDate(0, 0, -7),
	}
	for in, want := range tests {
		got, err := trailParseWhen(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := trailParseWhen("soon", now); err == nil {
		t.Error("no error for soon")
	}
}
