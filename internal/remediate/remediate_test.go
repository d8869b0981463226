package remediate_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/remediate"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/snapshot"
)

func fixes() remediate.Fixes {
	m := remediate.Fixes{}
	for _, r := range rules.Builtin() {
		if r.Fix != "" {
			m[r.ID] = r.Fix
		}
	}
	return m
}

func audit(t *testing.T, snap *snapshot.Snapshot) []findings.Finding {
	t.Helper()
	res, err := rules.Audit(snap, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Report.Findings
}

// TestPlanApplyRecollect plans the fixes of the demo organization's
// failures, applies them against the local AWS server, collects again
// and audits again: every fixed rule passes.
func TestPlanApplyRecollect(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	before := audit(t, snap)
	plan := remediate.Build(before, fixes(), snap, remediate.Options{SecurityHubAdmin: snap.Org.DelegatedAdminFor("securityhub.amazonaws.com")})
	if len(plan.Steps) == 0 {
		t.Fatal("empty plan for the demo organization")
	}
	ops := map[string]bool{}
	for _, s := range plan.Steps {
		ops[s.Service+":"+s.Operation] = true
	}
	for _, want := range []string{"s3control:PutPublicAccessBlock", "ec2:EnableEbsEncryptionByDefault",
		"iam:UpdateAccountPasswordPolicy", "guardduty:CreateDetector", "securityhub:EnableSecurityHub", "ec2:RevokeSecurityGroupIngress"} {
		if !ops[want] {
			t.Errorf("plan lacks %s: %+v", want, plan.Steps)
		}
	}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	results := remediate.Apply(ctx, plan, func(ctx context.Context, account, region string) (aws.Config, error) {
		return srv.Config(ctx, srv.AccountCredentials(account)), nil
	})
	// A finding is fixed when every step planned for it succeeded.
	ok := map[string]bool{}
	for i, r := range results {
		if !r.OK {
			t.Logf("step %d %s %s %s: %s", r.Step, r.Account, r.Region, r.Operation, r.Error)
		}
		for _, id := range plan.Steps[i].Findings {
			if prev, seen := ok[id]; !seen || prev {
				ok[id] = r.OK
			}
		}
	}
	fixed := map[string]bool{}
	for _, f := range before {
		if ok[f.ID] {
			fixed[f.RuleID+"|"+f.Account+"|"+f.Region] = true
		}
	}
	if len(fixed) == 0 {
		t.Fatal("no step succeeded")
	}
	res, err := collect.Run(ctx, srv.Config(ctx, srv.AdminCredentials()), collect.Options{Out: t.TempDir(), Concurrency: 16,
		Regions:  []string{"ap-northeast-1", "us-east-1", "us-west-2"},
		Services: []string{"iam", "s3control", "ec2", "guardduty", "securityhub", "config", "cloudtrail"}})
	if err != nil {
		t.Fatal(err)
	}
	after, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range audit(t, after) {
		if f.Status == findings.Failed && fixed[f.RuleID+"|"+f.Account+"|"+f.Region] {
			t.Errorf("still failing after remediation: %s %s %s %s", f.RuleID, f.Account, f.Region, f.Message)
		}
	}
}

func TestPlanSkipsMutedAndUnsafe(t *testing.T) {
	fs := []findings.Finding{
		{ID: "a", RuleID: "ec2.ebs-default-encryption", Status: findings.Failed, Account: "111111111111", Region: "eu-west-1", Muted: true},
		{ID: "b", RuleID: "guardduty.enabled", Status: findings.Failed, Account: "111111111111", Region: "eu-west-1",
			ResourceArn: "arn:aws:guardduty:eu-west-1:111111111111:detector/abc", Message: "detector is enabled but not administered by the Audit account"},
		{ID: "c", RuleID: "s3.bucket-public-read", Status: findings.Failed, Account: "111111111111"},
		{ID: "d", RuleID: "iam.password-policy-strong", Status: findings.Failed, Account: "111111111111", Region: "global"},
		{ID: "e", RuleID: "iam.password-policy-reuse", Status: findings.Failed, Account: "111111111111", Region: "global"},
	}
	p := remediate.Build(fs, fixes(), nil, remediate.Options{})
	if len(p.Steps) != 1 || p.Steps[0].Operation != "UpdateAccountPasswordPolicy" || len(p.Steps[0].Findings) != 2 || p.Steps[0].Region != "us-east-1" {
		t.Fatalf("steps = %+v", p.Steps)
	}
	if len(p.Skipped) != 1 || p.Skipped[0].FindingID != "b" {
		t.Fatalf("skipped = %+v", p.Skipped)
	}
}
