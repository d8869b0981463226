package findings

import (
	"regexp"
	"slices"
	"testing"
	"time"
)

// A rule that judges what two Security Hub controls judge (ES.1 and
// Opensearch.1 look at the same domains) names both. ASFF's
// SecurityControlId holds a single control id, SARIF tags and the
// per-control summary count each control on its own.
func TestTwoControlsStaySeparate(t *testing.T) {
	m := Mappings{ConfigRule: "OPENSEARCH_ENCRYPTED_AT_REST", SecurityHub: "ES.1, Opensearch.1", NistCsf: "PR.DS"}
	f := Finding{RuleID: "opensearch.encrypted-at-rest", Title: "at rest", Status: Failed, Account: "111111111111", Region: "eu-west-1",
		ResourceArn: "arn:aws:es:eu-west-1:111111111111:domain/search", ResourceType: "AWS::OpenSearch::Domain", Mappings: m}
	f.ID = StableID(f.RuleID, f.Account, f.Region, f.ResourceArn)
	at := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	r := &Report{OrgID: "o-abc", Partition: "aws", SnapshotAt: at, GeneratedAt: at, Findings: []Finding{f}}

	a := ToASFF(r)[0]
	// The Security Hub API reference: SecurityControlId is "the unique
	// identifier of a control across standards", values such as "ES.1".
	if id := a.Compliance.SecurityControlId; !regexp.MustCompile(`^[A-Za-z0-9]+\.[0-9]+$`).MatchString(id) || id != "ES.1" {
		t.Errorf("SecurityControlId %q, want ES.1", id)
	}
	if got := a.ProductFields["orgrail/SecurityControlIds"]; got != "ES.1,Opensearch.1" {
		t.Errorf("ProductFields orgrail/SecurityControlIds = %q", got)
	}
	asffStrict(t, r)

	tags := tags(m)
	if !slices.Contains(tags, "ES.1") || !slices.Contains(tags, "Opensearch.1") {
		t.Errorf("SARIF tags %v: want ES.1 and Opensearch.1 apart", tags)
	}

	s := Summarize(r.Findings)
	var controls []string
	for _, fw := range s.Frameworks {
		if fw.Name != FSBP {
			continue
		}
		for _, c := range fw.Controls {
			controls = append(controls, c.ID)
		}
	}
	if !slices.Equal(controls, []string{"ES.1", "Opensearch.1"}) {
		t.Errorf("FSBP controls in the summary: %v", controls)
	}
}
