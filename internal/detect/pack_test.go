package detect

import (
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
