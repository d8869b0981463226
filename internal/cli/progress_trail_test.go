package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrailScanProgress: with stderr taken for a terminal (the check is
// replaced, as a test's stderr is a buffer), trail scan draws its counts
// on one line and clears it; with stderr not a terminal, or with
// --quiet, no progress is written at all. The line drawn first (always
// drawn, whatever the clock) is the one file's counts.
func TestTrailScanProgress(t *testing.T) {
	dir := t.TempDir()
	events := `[{"eventVersion":"1.08","eventID":"11111111-1111-1111-1111-111111111111","eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com",` +
		`"eventTime":"2026-01-01T00:00:00Z","awsRegion":"us-east-1","recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.7",` +
		`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333"},` +
		`"requestParameters":{"name":"org-trail"}},` +
		`{"eventVersion":"1.08","eventID":"22222222-2222-2222-2222-222222222222","eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com",` +
		`"eventTime":"2026-01-01T00:01:00Z","awsRegion":"us-east-1","recipientAccountId":"111122223333"}]`
	if err := os.WriteFile(filepath.Join(dir, "events.json"), []byte(events), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"trail", "scan", "--source", dir, "--output", "jsonl", "--fail-on", "none"}
	defer func(f func(io.Writer) bool) { progressTerminal = f }(progressTerminal)

	progressTerminal = func(io.Writer) bool { return true }
	code, out, stderr := runTrail(t, args...)
	if code != ExitOK || !strings.Contains(out, "StopLogging") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	want := "\r\x1b[Ktrail scan: 1 files, 2 records, 1 detections\r\x1b[K"
	if !strings.Contains(stderr, want) {
		t.Fatalf("terminal stderr %q lacks %q", stderr, want)
	}
	code, _, stderr = runTrail(t, append(args, "--quiet")...)
	if code != ExitOK || strings.Contains(stderr, "\r") || strings.Contains(stderr, "trail scan:") {
		t.Fatalf("--quiet on a terminal: exit %d, stderr %q", code, stderr)
	}

	progressTerminal = func(io.Writer) bool { return false }
	code, _, stderr = runTrail(t, args...)
	if code != ExitOK || strings.Contains(stderr, "\r") || strings.Contains(stderr, "trail scan:") {
		t.Fatalf("not a terminal: exit %d, stderr %q", code, stderr)
	}
}
