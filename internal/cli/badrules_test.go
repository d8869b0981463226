package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadDetectionExits2: a detection under --rules that does not load
// makes trail scan and watch exit 2 (as audit does for a bad custom
// rule) and name it; --skip-bad-rules runs the others.
func TestBadDetectionExits2(t *testing.T) {
	dir := auditDemo(t)
	rules := t.TempDir()
	os.WriteFile(filepath.Join(rules, "good.yaml"), []byte(`detections:
  - id: custom.console-login
    title: Console login
    severity: low
    pattern: {detail: {eventName: [ConsoleLogin]}}
`), 0o600)
	os.WriteFile(filepath.Join(rules, "bad.yaml"), []byte(`detections:
  - id: custom.broken
    title: Broken
    severity: low
    pattern: {detail: {eventName: [{prefix: 3}]}}
`), 0o600)
	state := filepath.Join(t.TempDir(), "state.db")
	events := filepath.Join(dir, "events")
	scan := []string{"trail", "scan", "--source", events, "--rules", rules, "--output", "jsonl", "--no-color"}
	code, _, errOut := run(t, nil, scan...)
	if code != ExitUsage || !strings.Contains(errOut, "bad.yaml") || !strings.Contains(errOut, "--skip-bad-rules") {
		t.Fatalf("trail scan: exit %d, want 2 naming bad.yaml: %s", code, errOut)
	}
	code, _, errOut = run(t, nil, append(scan, "--skip-bad-rules")...)
	if code == ExitUsage {
		t.Fatalf("trail scan --skip-bad-rules: exit 2: %s", errOut)
	}
	watch := []string{"watch", "--archive", events, "--once", "--rules", rules, "--state", state, "--config", t.TempDir()}
	code, _, errOut = run(t, nil, watch...)
	if code != ExitUsage || !strings.Contains(errOut, "--skip-bad-rules") {
		t.Fatalf("watch: exit %d, want 2: %s", code, errOut)
	}
	_, _, errOut = run(t, nil, append(watch, "--skip-bad-rules")...)
	if strings.Contains(errOut, "do not load") {
		t.Fatalf("watch --skip-bad-rules refused: %s", errOut)
	}
}
