package detect

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDir(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"mine.yaml": `detections:
  - id: custom.s3-delete
    title: Bucket deleted
    severity: medium
    nistCsf: DE.CM
    fields: [detail.requestParameters.bucketName]
    pattern:
      detail:
        eventName: [DeleteBucket]
  - id: custom.bad-pattern
    title: Broken
    severity: low
    pattern:
      detail:
        eventName: [{prefx: Delete}]
  - id: custom.no-severity
    title: Broken too
    pattern:
      detail:
        eventName: [X]
`,
		"sigma/good.yml": `title: Trail stopped
id: 11111111-2222-3333-4444-555555555555
author: Jane Doe
level: high
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName: StopLogging
  condition: selection
`,
		"sigma/lookaround.yml": `title: Needs a look-ahead
author: Someone
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    userAgent|re: 'aws-cli(?!/2)'
  condition: selection
`,
		"sigma/windows.yml": `title: Windows thing
logsource:
  product: windows
detection:
  selection:
    EventID: 1
  condition: selection
`,
		"notes.yaml": "hello: world\n",
		"README.md":  "ignored",
	})
	rules, ds, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]*Rule{}
	for _, r := range rules {
		ids[r.ID] = r
	}
	if len(rules) != 2 || ids["custom.s3-delete"] == nil || ids["11111111-2222-3333-4444-555555555555"] == nil {
		t.Fatalf("loaded %d rules: %v", len(rules), ids)
	}
	if r := ids["custom.s3-delete"]; r.Source != SourceCustom || r.File == "" {
		t.Errorf("custom rule: source %q file %q", r.Source, r.File)
	}
	if r := ids["11111111-2222-3333-4444-555555555555"]; r.Author != "Jane Doe" || r.Source != SourceSigma || r.Severity.String() != "high" {
		t.Errorf("sigma rule: %+v", r)
	}
	text := ds.Error()
	for _, want := range []string{
		"mine.yaml:10:5: high detection-pattern: detection custom.bad-pattern: event pattern at detail.eventName: unknown operator \"prefx\"",
		"mine.yaml:16:5: high detection-invalid: detection custom.no-severity: severity",
		"lookaround.yml:0:0: medium sigma-unsupported: sigma rule \"Needs a look-ahead\"",
		"windows.yml:0:0: low sigma-wrong-logsource",
		"notes.yaml:0:0: low detection-invalid",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, text)
		}
	}
	e, err := Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	got := fired(t, e, call("s3.amazonaws.com", "DeleteBucket", `"requestParameters":{"bucketName":"logs"}`))
	if len(got) != 1 || got[0] != "custom.s3-delete" {
		t.Fatalf("fired %v", got)
	}
}

func TestLoadDirDuplicateAndMissing(t *testing.T) {
	rule := "detections:\n  - id: dup\n    title: t\n    severity: low\n    pattern: {source: [x]}\n"
	dir := writeFiles(t, map[string]string{"a.yaml": rule, "b.yaml": rule})
	rules, ds, err := LoadDir(dir)
	if err != nil || len(rules) != 1 || len(ds) != 1 || ds[0].Code != CodeDuplicate {
		t.Fatalf("rules %d, diagnostics %v, err %v", len(rules), ds, err)
	}
	one, _, err := LoadDir(filepath.Join(dir, "a.yaml"))
	if err != nil || len(one) != 1 {
		t.Fatalf("single file: %d rules, %v", len(one), err)
	}
	if _, _, err := LoadDir(filepath.Join(dir, "nope")); err == nil {
		t.Fatal("missing directory accepted")
	}
}

func TestSuppressor(t *testing.T) {
	e := builtinEngine(t)
	ev := ct(`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.1","userIdentity":{"type":"IAMUser","userName":"bob"},"responseElements":{"ConsoleLogin":"Failure"}}`)
	hits, _ := e.Match([]byte(ev), nil)
	s := NewSuppressor()
	t0 := mustTime(t, "2026-01-01T00:00:00Z")
	if !s.Allow(hits[0], t0) {
		t.Fatal("first hit suppressed")
	}
	if s.Allow(hits[0], t0.Add(5*60e9)) {
		t.Fatal("repeat within the window allowed")
	}
	if !s.Allow(hits[0], t0.Add(20*60e9)) {
		t.Fatal("repeat after the window suppressed")
	}
	other, _ := e.Match([]byte(call("cloudtrail.amazonaws.com", "StopLogging", "")), nil)
	if !s.Allow(other[0], t0) || !s.Allow(other[0], t0) {
		t.Fatal("rule without suppression was suppressed")
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestSuppressorStaysBounded(t *testing.T) {
	r := &Rule{ID: "r", Suppression: &Suppression{Window: time.Minute}}
	s := NewSuppressor()
	t0 := mustTime(t, "2026-01-01T00:00:00Z")
	for i := 0; i < 20000; i++ {
		if !s.Allow(Hit{Rule: r, Key: fmt.Sprint(i)}, t0.Add(time.Duration(i)*time.Second)) {
			t.Fatal("distinct key suppressed")
		}
	}
	if n := s.Len(); n > 2*pruneEvery {
		t.Fatalf("remembers %d keys", n)
	}
}
