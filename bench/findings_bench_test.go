package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/store"
)

// syntheticReport has as many findings as the 1,000-account audit
// (161,184), shaped like them, so that the output and store costs can be
// measured without the snapshot.
func syntheticReport(n int) *findings.Report {
	r := &findings.Report{OrgID: "o-bench00001", Partition: "aws", ManagementAccount: "111111111111",
		SnapshotAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), GeneratedAt: time.Date(2026, 11, 25, 10, 5, 0, 0, time.UTC)}
	statuses := []findings.Status{findings.Passed, findings.Passed, findings.Failed, findings.NotApplicable}
	for i := range n {
		acct := fmt.Sprintf("%012d", 100000000000+i/161)
		rule := fmt.Sprintf("ORG-RULE-%03d", i%76)
		res := fmt.Sprintf("arn:aws:ec2:eu-west-1:%s:security-group/sg-%08x", acct, i)
		r.Findings = append(r.Findings, findings.Finding{
			ID: findings.StableID(rule, acct, "eu-west-1", res), RuleID: rule, Title: "Security groups do not allow ingress from 0.0.0.0/0 to port 22",
			Status: statuses[i%4], Severity: severity.High, Account: acct, AccountName: "workload-" + acct[8:], OU: "Workloads/Prod",
			Region: "eu-west-1", ResourceArn: res, ResourceType: "AWS::EC2::SecurityGroup", Message: "ingress 0.0.0.0/0 on tcp/22 <&>",
			Mappings: findings.Mappings{ConfigRule: "restricted-ssh", SecurityHub: "EC2.13", CIS: "5.2", NistCsf: "PR.IR-01"},
		})
	}
	return r
}

const benchFindings = 161184

// BenchmarkFindingsJSON renders the findings as `audit --output json`.
func BenchmarkFindingsJSON(b *testing.B) {
	r := syntheticReport(benchFindings)
	b.ResetTimer()
	for b.Loop() {
		if err := findings.Render(io.Discard, output.JSON, r, findings.RenderOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Findings)), "findings")
}

// BenchmarkFindingsStore stores the findings as `audit` does.
func BenchmarkFindingsStore(b *testing.B) {
	r := syntheticReport(benchFindings)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for b.Loop() {
		if _, err := findings.SaveRun(ctx, s.DB(), r, "bench", "ok", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Findings)), "findings")
}

// BenchmarkFindingsJSONWholeDocument is the former rendering, kept as
// the baseline: the whole document through one json.Encoder with indent.
func BenchmarkFindingsJSONWholeDocument(b *testing.B) {
	r := syntheticReport(benchFindings)
	b.ResetTimer()
	for b.Loop() {
		doc := struct {
			*findings.Report
			Summary *findings.Summary `json:"summary"`
		}{r, findings.Summarize(r.Findings)}
		if err := output.Encode(io.Discard, output.JSON, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindingsStoreRowByRow is the former store write, kept as the
// baseline: one transaction, one prepared single-row INSERT per finding.
func BenchmarkFindingsStoreRowByRow(b *testing.B) {
	r := syntheticReport(benchFindings)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	run := 0
	b.ResetTimer()
	for b.Loop() {
		run++
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO runs (id, org_id, kind, started_at) VALUES (?, 'o', 'audit', 0)`, run); err != nil {
			b.Fatal(err)
		}
		st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO findings
		(run_id, finding_id, rule_id, status, severity, account, region, resource_arn, muted, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		for i := range r.Findings {
			f := &r.Findings[i]
			data, _ := json.Marshal(f)
			if _, err := st.ExecContext(ctx, run, f.ID, f.RuleID, string(f.Status), f.Severity.String(), f.Account, f.Region, f.ResourceArn, 0, string(data)); err != nil {
				b.Fatal(err)
			}
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
