package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrailScanTableEscapesControls plants terminal control sequences
// in CloudTrail fields that the scan table shows (principal, source IP,
// region): an ESC colour sequence, an OSC-8 hyperlink, BEL, a C1 CSI
// and a right-to-left override. None may reach the terminal as it is;
// each is shown escaped.
func TestTrailScanTableEscapesControls(t *testing.T) {
	dir := t.TempDir()
	rec := `{"Records":[{"eventVersion":"1.08","eventTime":"2026-01-01T00:00:00Z","eventSource":"cloudtrail.amazonaws.com",` +
		`"eventName":"StopLogging","awsRegion":"us-east-1\u001b[2J","sourceIPAddress":"\u001b]8;;https://evil.example/\u0007203.0.113.9\u001b]8;;\u0007",` +
		`"recipientAccountId":"111122223333","eventID":"e1",` +
		`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ad\u001b[31mmin\u0007\u202etxt.exe\u009b2J","accountId":"111122223333","userName":"admin"},` +
		`"requestParameters":{"name":"main"}}]}`
	if err := os.WriteFile(filepath.Join(dir, "trail.json"), []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runTrail(t, "trail", "scan", "--source", dir, "--output", "table", "--fail-on", "none")
	if code != ExitOK || !strings.Contains(out, "StopLogging") {
		t.Fatalf("exit %d, out %q, stderr %s", code, out, stderr)
	}
	for _, bad := range []string{"\x1b", "\a", "\u202e", "\u009b"} {
		if strings.Contains(out, bad) {
			t.Errorf("table output carries %q: %q", bad, out)
		}
	}
	for _, shown := range []string{`\x1b[31m`, `\x07`, `\u202e`, `\x1b]8;;https://evil.example/`, `\x9b`} {
		if !strings.Contains(out, shown) {
			t.Errorf("table output does not show %s: %q", shown, out)
		}
	}
}

// TestLogLinesEscapeControls checks the stderr logger and the final
// error line: data in a message or an attribute is shown escaped.
func TestLogLinesEscapeControls(t *testing.T) {
	var errb strings.Builder
	g := &Globals{Stderr: &errb}
	if err := g.setupLog(); err != nil {
		t.Fatal(err)
	}
	g.Log.Warn("read \x1b]8;;http://x\a file", "key", "v\x1b[2J\u202e")
	report(Usage("bad value %s", "x\x1b[2J\u202ey\nsecond line"), &errb)
	s := errb.String()
	if strings.ContainsAny(s, "\x1b\a\u202e") {
		t.Fatalf("stderr carries controls: %q", s)
	}
	if !strings.Contains(s, `\x1b[2J`) || !strings.Contains(s, "\nsecond line") {
		t.Fatalf("stderr = %q", s)
	}
}
