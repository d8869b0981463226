package findings

import (
	"bytes"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
)

// TestJSONStreamMatchesEncoder renders reports through the streaming
// writer and through output.Encode (the whole document at once, as
// before): the bytes are the same, for empty, nil and hostile findings.
func TestJSONStreamMatchesEncoder(t *testing.T) {
	base := Report{OrgID: "o-x", Partition: "aws", ManagementAccount: "111111111111",
		SnapshotAt: time.Date(2026, 11, 25, 10, 0, 0, 123, time.UTC), GeneratedAt: time.Date(2026, 11, 25, 10, 5, 0, 0, time.UTC)}
	hostile := "<b>&amp;</b> \"q\" \\ \x01\x1b[31m\u2028\u2029 é \xff"
	full := base
	full.Framework = "cis"
	full.Findings = []Finding{
		{ID: "a", RuleID: "R1", Title: hostile, Status: Failed, Severity: severity.High, Account: "111111111111", Region: "eu-west-1",
			ResourceArn: "arn:aws:s3:::b", Message: hostile, Muted: true, MuteReason: hostile, Mappings: Mappings{CIS: "1.1"}},
		{ID: "b", RuleID: "R2", Status: Passed, Severity: severity.Low},
		{ID: "c", RuleID: "R3", Title: "本番アカウント", Status: NotApplicable, Severity: severity.Critical, Account: "222222222222",
			AccountName: "本番", OU: "Workloads/Prod", Region: "global", ResourceArn: "arn:aws:iam::222222222222:root",
			ResourceType: "AWS::::Account", Message: "tab\there\nnew line", MuteExpires: "2027-01-01",
			Mappings: Mappings{ConfigRule: "X", SecurityHub: "IAM.6", CIS: "1.6", NistCsf: "PR.AA", ControlTower: "CT.1"}},
		{ID: "d", RuleID: "R4", Status: Error, Severity: severity.Level(42), Mappings: Mappings{ControlTower: "\b\f"}},
	}
	empty := base
	empty.Findings = []Finding{}
	for name, r := range map[string]*Report{"nil": &base, "empty": &empty, "full": &full} {
		var want, got bytes.Buffer
		doc := struct {
			*Report
			Summary *Summary `json:"summary"`
		}{r, Summarize(r.Findings)}
		if err := output.Encode(&want, output.JSON, doc); err != nil {
			t.Fatal(err)
		}
		if err := renderJSONStream(&got, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Bytes(), got.Bytes()) {
			t.Errorf("%s: stream differs\nwant %s\ngot  %s", name, want.String(), got.String())
		}
	}
}
