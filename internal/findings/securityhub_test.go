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
	res, err := rules.Audit(snap, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	n, err := findings.ImportToSecurityHub(ctx, res.Report, "", srv.ManagementAccount(), func(region string) findings.Importer {
		cfg := srv.Config(ctx, srv.AdminCredentials())
		cfg.Region = region
		return securityhub.NewFromConfig(cfg)
	})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Findings()
	if n != len(res.Report.Findings) || len(got) != n {
		t.Fatalf("imported %d, server has %d, audit has %d", n, len(got), len(res.Report.Findings))
	}
	var first map[string]any
	if err := json.Unmarshal(got[0], &first); err != nil {
		t.Fatal(err)
	}
	if arn, _ := first["ProductArn"].(string); arn == "" || !strings.Contains(arn, ":"+srv.ManagementAccount()+":product/") {
		t.Errorf("ProductArn %v does not name the importing account", first["ProductArn"])
	}
	for _, k := range findings.ASFFRequired {
		if _, ok := first[k]; !ok {
			t.Errorf("imported finding lacks %s", k)
		}
	}
}
