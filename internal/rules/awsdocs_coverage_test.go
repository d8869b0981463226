package rules

import (
	"sort"
	"testing"
)

// minDocCases is how many cases written from AWS's documentation every
// built-in rule needs (issue 13: a violation, a near miss that passes,
// an edge the text names).
const minDocCases = 3

// docCasesPending lists the built-in rules still short of minDocCases
// documented cases. It only shrinks: a rule listed here that has its
// cases fails the test until it is taken off the list.
var docCasesPending = map[string]bool{
	"account.part-of-organization":            true,
	"account.security-contact":                true,
	"cloudtrail.bucket-access-logging":        true,
	"cloudtrail.bucket-not-public":            true,
	"cloudtrail.enabled":                      true,
	"cloudtrail.org-trail-to-log-archive":     true,
	"cloudtrail.trail-logging":                true,
	"config.aggregator-in-audit":              true,
	"ec2.image-block-public-access":           true,
	"ec2.sg-all-traffic-restricted":           true,
	"ec2.snapshot-block-public-access":        true,
	"guardduty.delegated-admin":               true,
	"identity.admin-assigned-broadly":         true,
	"identity.assignment-to-group":            true,
	"identity.iam-user-access-keys":           true,
	"identity.unused-permission-set":          true,
	"lz.allowed-regions":                      true,
	"lz.bucket-effective-public-access-block": true,
	"lz.bucket-required-tags":                 true,
	"lz.guardduty-administered-by-audit":      true,
	"lz.log-retention":                        true,
	"lz.required-tags":                        true,
	"lz.securityhub-administered-by-audit":    true,
	"securityhub.delegated-admin":             true,
	"securityhub.standards-enabled":           true,
}

// TestEveryRuleHasDocCases keeps the documented-outcome coverage from
// regressing: every registered built-in rule has at least minDocCases
// cases in awsdocs_cases*_test.go, each citing AWS's text.
func TestEveryRuleHasDocCases(t *testing.T) {
	n := map[string]int{}
	for _, dc := range docCases {
		n[dc.Rule]++
	}
	var short, stale []string
	covered := 0
	for _, r := range Builtin() {
		switch {
		case n[r.ID] >= minDocCases && docCasesPending[r.ID]:
			stale = append(stale, r.ID)
		case n[r.ID] >= minDocCases:
			covered++
		case !docCasesPending[r.ID]:
			short = append(short, r.ID)
		}
	}
	for id := range docCasesPending {
		if _, ok := Lookup(id); !ok {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	t.Logf("%d of %d built-in rules have at least %d documented cases", covered, len(Builtin()), minDocCases)
	if len(short) > 0 {
		t.Errorf("rules with fewer than %d documented cases (add cases citing AWS's text): %v", minDocCases, short)
	}
	if len(stale) > 0 {
		t.Errorf("take these off docCasesPending (covered or unknown): %v", stale)
	}
}
