package detect

import (
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
