package drift_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/orgrail/orgrail/internal/apply"
	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/drift"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

// TestDriftContact applies a configuration with the management
// account's billing contact, changes the contact by hand through
// Account Management and expects one alternate-contact finding.
func TestDriftContact(t *testing.T) {
	ctx := context.Background()
	o := &org.Organization{Id: "o-exampleorg01", MasterAccountId: "111111111111", FeatureSet: "ALL",
		Roots:    []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE", ParentId: "r-ab12"}}}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: o}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(`organization:
  id: o-exampleorg01
  managementAccount: management
accounts:
  - name: management
    id: "111111111111"
    email: aws+management@example.com
    ou: Root
    alternateContacts:
      billing: {name: Accounts Payable, title: Finance, email: ap@example.com, phone: "+81-3-0000-0001"}
`), 0o644)
	c, diags, err := config.Load(dir)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatal(err, diags)
	}
	awsCfg := srv.Config(ctx, srv.AdminCredentials())
	read := func() *org.Organization {
		cur, err := collect.Discover(ctx, awsCfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := apply.ReadContacts(ctx, awsCfg, cur, nil); err != nil {
			t.Fatal(err)
		}
		return cur
	}
	p, _ := plan.New(c, read(), plan.Options{})
	if len(p.Changes) != 1 || p.Changes[0].Kind != plan.KindContact {
		t.Fatalf("plan: %+v", p.Changes)
	}
	if _, err := apply.Run(ctx, awsCfg, st, p, apply.Options{Backoff: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	last, err := apply.LastApplied(ctx, st, p.OrgID)
	if err != nil || last == nil {
		t.Fatal("no last apply", err)
	}
	if found, err := drift.Detect(ctx, last.Plan, last.Finished, read(), nil); err != nil || len(found) != 0 {
		t.Fatalf("drift right after apply: %v %v", found, err)
	}
	if _, err := account.NewFromConfig(awsCfg).PutAlternateContact(ctx, &account.PutAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeBilling,
		Name: aws.String("Someone Else"), Title: aws.String("Finance"), EmailAddress: aws.String("ap@example.com"), PhoneNumber: aws.String("+81-3-0000-0001")}); err != nil {
		t.Fatal(err)
	}
	found, err := drift.Detect(ctx, last.Plan, last.Finished, read(), nil)
	if err != nil || len(found) != 1 || !strings.HasSuffix(found[0].DetectionID, ".alternate-contact") || found[0].Account != "111111111111" {
		t.Fatalf("drift: %+v %v", found, err)
	}
}
