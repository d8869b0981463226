package pattern

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// ruleCase is one behaviour asserted by aws/event-ruler's unit tests,
// recorded as data in testdata/eventruler/cases.json: a pattern with an
// event and the asserted match result, or a pattern and whether the
// library accepts it.
type ruleCase struct {
	Test    string `json:"test"`
	Pattern string `json:"pattern"`
	Event   string `json:"event"`
	Match   *bool  `json:"match"`
	Valid   *bool  `json:"valid"`
}

// knownDifferences are event-ruler cases orgrail deliberately does not
// follow, each with the reason; every other case must agree.
var knownDifferences = map[string]string{
	"JsonRuleCompilerTest.java testCompile\x00{\"a\": [ { \"exactly\": \"child\" } ] }\x00": "" +
		"\"exactly\" is an event-ruler operator that the EventBridge event pattern documentation does not list; " +
		"orgrail accepts only the documented operators, so a pattern valid in orgrail is valid in EventBridge",
}

// loadRuleCases reads the recorded event-ruler cases.
func loadRuleCases(t *testing.T) []ruleCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "eventruler", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []ruleCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

// ruleCaseAgrees runs one case and reports whether orgrail agrees with
// event-ruler, with what orgrail did.
func ruleCaseAgrees(c ruleCase) (bool, string) {
	m, err := Compile([]byte(c.Pattern))
	if c.Valid != nil {
		if (err == nil) != *c.Valid {
			if err != nil {
				return false, "rejected: " + err.Error()
			}
			return false, "accepted"
		}
		return true, ""
	}
	if err != nil {
		return false, "rejected: " + err.Error()
	}
	got, err := m.Match([]byte(c.Event), nil)
	if err != nil {
		return false, "event error: " + err.Error()
	}
	if (len(got) > 0) != *c.Match {
		if len(got) > 0 {
			return false, "matched"
		}
		return false, "did not match"
	}
	return true, ""
}

// TestEventRulerCases checks orgrail against the behaviours event-ruler's
// own tests assert, and logs the agreement figure.
func TestEventRulerCases(t *testing.T) {
	cases := loadRuleCases(t)
	agree := 0
	for i, c := range cases {
		ok, what := ruleCaseAgrees(c)
		if ok {
			agree++
			continue
		}
		key := c.Test + "\x00" + c.Pattern + "\x00" + c.Event
		if reason, known := knownDifferences[key]; known {
			t.Logf("case %d (%s): known difference: %s", i, c.Test, reason)
			continue
		}
		t.Errorf("case %d (%s): event-ruler asserts %s; orgrail %s\npattern %s\nevent %s", i, c.Test, expected(c), what, c.Pattern, c.Event)
	}
	t.Logf("event-ruler agreement: %d of %d cases (%.1f %%)", agree, len(cases), 100*float64(agree)/float64(len(cases)))
}

func expected(c ruleCase) string {
	switch {
	case c.Valid != nil && *c.Valid:
		return "the pattern is valid"
	case c.Valid != nil:
		return "the pattern is invalid"
	case *c.Match:
		return "a match"
	}
	return "no match"
}
