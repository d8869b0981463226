package detect

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinLoadsAndCompiles(t *testing.T) {
	rules, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) < 30 {
		t.Fatalf("only %d built-in rules", len(rules))
	}
	for _, r := range rules {
		if r.Source != SourceBuiltin || r.Title == "" || r.NistCSF == "" {
			t.Errorf("%s: incomplete metadata %+v", r.ID, r)
		}
	}
	e, err := Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Skipped()) != 1 || e.Skipped()[0].ID != "sts-assume-role-from-outside-org" {
		t.Fatalf("skipped without org accounts: %v", e.Skipped())
	}
	if _, err := Compile(rules, WithOrgAccounts("111122223333")); err != nil {
		t.Fatal(err)
	}
}

// TestDocsListEveryDetection keeps docs/detections.md in step with the pack.
func TestDocsListEveryDetection(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "detections.md"))
	if err != nil {
		t.Skipf("docs absent: %v", err)
	}
	rules, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		row := "| `" + r.ID + "` | " + r.Title + " | " + r.Severity.String() + " | " + r.NistCSF + " |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/detections.md lacks the row %q", row)
		}
	}
}

// TestConcurrentMatch shares one Engine between goroutines (run with -race).
func TestConcurrentMatch(t *testing.T) {
	e := builtinEngine(t)
	events := []string{
		call("cloudtrail.amazonaws.com", "StopLogging", `"requestParameters":{"name":"t"}`),
		call("iam.amazonaws.com", "CreateAccessKey", `"requestParameters":{"userName":"other"}`),
		call("ec2.amazonaws.com", "DescribeInstances", ""),
	}
	want := make([]int, len(events))
	for i, ev := range events {
		want[i] = len(fired(t, e, ev))
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var hits []Hit
			var err error
			for n := 0; n < 200; n++ {
				i := n % len(events)
				hits, err = e.Match([]byte(events[i]), hits[:0])
				if err == nil && len(hits) != want[i] {
					err = fmt.Errorf("event %d: %d hits, want %d", i, len(hits), want[i])
				}
				if err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
