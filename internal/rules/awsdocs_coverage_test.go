package rules

import (
	"sort"
	"testing"
)

// minDocCases is how many cases written from AWS's documentation every
// built-in rule needs (issue 13: a violation, a near miss that passes,
// an edge the text names).
const minDocCases = 3

// TestEveryRuleHasDocCases keeps the documented-outcome coverage from
// regressing: every registered built-in rule, including one added later,
// has at least minDocCases cases in awsdocs_cases*_test.go, each citing
// AWS's text (TestDocCasesCiteAWS) and replayed by TestDocumentedOutcomes.
func TestEveryRuleHasDocCases(t *testing.T) {
	n := map[string]int{}
	for _, dc := range docCases {
		n[dc.Rule]++
	}
	var short []string
	for _, r := range Builtin() {
		if n[r.ID] < minDocCases {
			short = append(short, r.ID)
		}
	}
	sort.Strings(short)
	t.Logf("%d of %d built-in rules have at least %d documented cases (%d cases)",
		len(Builtin())-len(short), len(Builtin()), minDocCases, len(docCases))
	if len(short) > 0 {
		t.Errorf("rules with fewer than %d documented cases (add cases citing AWS's text to awsdocs_cases*_test.go): %v", minDocCases, short)
	}
}
