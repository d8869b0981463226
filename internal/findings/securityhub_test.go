package findings_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestImportToLocalSecurityHub sends the demo organization's audit to
// the local AWS server's BatchImportFindings and checks what arrived.
func TestImportToLocalSecurityHub(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res0, err := rules.Audit(snap, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	byAccount := func(account, region string) (findings.Importer, error) {
		cfg := srv.Config(ctx, srv.AccountCredentials(account))
		cfg.Region = region
		return securityhub.NewFromConfig(cfg), nil
	}
	res, err := findings.ImportToSecurityHub(ctx, res0.Report, findings.ImportOptions{ClientFor: byAccount})
	if err != nil {
		t.Fatal(err)
	}
	n := res.Imported
	got := srv.Findings()
	if n != len(res0.Report.Findings) || len(got) != n {
		t.Fatalf("imported %d, server has %d, audit has %d", n, len(got), len(res0.Report.Findings))
	}
	var first map[string]any
	if err := json.Unmarshal(got[0], &first); err != nil {
		t.Fatal(err)
	}
	if arn, _ := first["ProductArn"].(string); arn == "" || !strings.Contains(arn, ":"+first["AwsAccountId"].(string)+":product/") {
		t.Errorf("ProductArn %v does not name the finding's account %v", first["ProductArn"], first["AwsAccountId"])
	}
	for _, k := range findings.ASFFRequired {
		if _, ok := first[k]; !ok {
			t.Errorf("imported finding lacks %s", k)
		}
	}
}

// TestImportNeedsTheFindingsAccount: with the default product, AWS takes a
// finding only from the account that is its AwsAccountId. One account's
// credentials used for every account's findings get the others rejected
// (FailedFindings, AccessDeniedException); OnlyAccount imports just the
// caller's own.
func TestImportNeedsTheFindingsAccount(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	audit, err := rules.Audit(snap, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	mgmt := srv.ManagementAccount()
	asMgmt := func(_, region string) (findings.Importer, error) {
		cfg := srv.Config(ctx, srv.AdminCredentials())
		cfg.Region = region
		return securityhub.NewFromConfig(cfg), nil
	}
	own := 0
	for _, f := range audit.Report.Findings {
		if f.Account == mgmt {
			own++
		}
	}
	res, err := findings.ImportToSecurityHub(ctx, audit.Report, findings.ImportOptions{ClientFor: asMgmt})
	if err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Fatalf("importing other accounts' findings as %s: %v", mgmt, err)
	}
	if res.Imported != own || res.Imported+res.Failed != len(audit.Report.Findings) {
		t.Errorf("imported %d (own %d), failed %d of %d", res.Imported, own, res.Failed, len(audit.Report.Findings))
	}
	res, err = findings.ImportToSecurityHub(ctx, audit.Report, findings.ImportOptions{ClientFor: asMgmt, OnlyAccount: mgmt})
	if err != nil || res.Imported != own || res.Skipped != len(audit.Report.Findings)-own {
		t.Errorf("own findings only: %+v %v", res, err)
	}
}

// TestDemoFormatsValidate validates the demo organization's whole audit
// as OCSF (OCSF 1.3.0 schema), SARIF (2.1.0 schema, GitHub locations) and
// ASFF (strict SDK decode, ASFF resource types).
func TestDemoFormatsValidate(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	audit, err := rules.Audit(snap, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	valid, total := findings.CheckFormatsForTest(t, audit.Report)
	t.Logf("demo audit: %d of %d OCSF events valid", valid, total)
	if valid != total {
		t.Errorf("%d OCSF events invalid", total-valid)
	}
	other := map[string]bool{}
	for _, f := range audit.Report.Findings {
		if findings.ToASFF(&findings.Report{Findings: []findings.Finding{f}})[0].Resources[0].Type == "Other" {
			other[f.ResourceType] = true
		}
	}
	t.Logf("resource types the ASFF list lacks (typed Other): %v", other)
}
