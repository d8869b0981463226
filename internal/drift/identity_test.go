package drift_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgrail/orgrail/internal/apply"
	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/drift"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

// TestDriftIdentityCenter applies the example landing zone with
// examples/identity-center to the local AWS, then changes Identity
// Center by hand through sso-admin (an assignment deleted, a permission
// set's session lengthened, a managed policy detached) and expects those
// three objects reported as drift — and nothing before the changes.
// Detect, which leaves the identity section out, reports none of them.
func TestDriftIdentityCenter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, src := range []string{"../../examples/landing-zone", "../../examples/identity-center"} {
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil && !errors.Is(err, os.ErrExist) {
			t.Fatal(err)
		}
	}
	o := &org.Organization{Id: "o-exampleorg01", Arn: "arn:aws:organizations::111111111111:organization/o-exampleorg01",
		MasterAccountId: "111111111111", FeatureSet: "ALL",
		Roots:    []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE", ParentId: "r-ab12"}}}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: o}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	seed := awstest.IdentityCenterSeed{InstanceArn: "arn:aws:sso:::instance/ssoins-0000000000000001", IdentityStoreID: "d-0000000001",
		Groups: []awstest.SeedGroup{{ID: "g-1", DisplayName: "Auditors"}, {ID: "g-2", DisplayName: "Payments Developers"}, {ID: "g-3", DisplayName: "Platform"}}}
	if err := srv.SeedIdentityCenter(srv.ManagementAccount(), srv.Region, seed); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	awsCfg := srv.Config(ctx, srv.AdminCredentials())
	c, diags, err := config.Load(dir)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatal(err, diags)
	}
	center := func() *identity.Center {
		idc, err := identity.Read(ctx, awsCfg, srv.ManagementAccount())
		if err != nil {
			t.Fatal(err)
		}
		return idc
	}
	cur, err := collect.Discover(ctx, awsCfg)
	if err != nil {
		t.Fatal(err)
	}
	// The organization first (its accounts must exist for the OUs'
	// assignments to expand), then Identity Center.
	for range 2 {
		p, _ := plan.NewFull(c, cur, center(), plan.Options{})
		if _, err := apply.Run(ctx, awsCfg, st, p, apply.Options{PollEvery: 10 * time.Millisecond, Backoff: time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		cur, _ = collect.Discover(ctx, awsCfg)
	}
	last, err := apply.LastApplied(ctx, st, cur.Id)
	if err != nil || last == nil {
		t.Fatal("no last apply", err)
	}
	if !drift.NeedsIdentity(last.Plan) {
		t.Fatal("the applied configuration has an identity section")
	}
	if found, err := drift.DetectFull(ctx, last.Plan, last.Finished, cur, center(), nil); err != nil || len(found) != 0 {
		t.Fatalf("drift right after apply: %v %v", found, err)
	}

	idc := center()
	sso := ssoadmin.NewFromConfig(awsCfg)
	ro, dev := idc.PermissionSetByName("ReadOnly"), idc.PermissionSetByName("Developer")
	var gone *identity.Assignment
	for i, a := range idc.Assignments {
		if a.PermissionSet == ro.Arn {
			gone = &idc.Assignments[i]
			break
		}
	}
	if gone == nil {
		t.Fatal("no ReadOnly assignment applied")
	}
	if _, err := sso.DeleteAccountAssignment(ctx, &ssoadmin.DeleteAccountAssignmentInput{InstanceArn: aws.String(idc.InstanceArn),
		PermissionSetArn: aws.String(ro.Arn), PrincipalId: aws.String(gone.PrincipalID), PrincipalType: ssotypes.PrincipalType(gone.PrincipalType),
		TargetId: aws.String(gone.Account), TargetType: ssotypes.TargetTypeAwsAccount}); err != nil {
		t.Fatal(err)
	}
	if _, err := sso.UpdatePermissionSet(ctx, &ssoadmin.UpdatePermissionSetInput{InstanceArn: aws.String(idc.InstanceArn),
		PermissionSetArn: aws.String(dev.Arn), SessionDuration: aws.String("PT12H")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sso.DetachManagedPolicyFromPermissionSet(ctx, &ssoadmin.DetachManagedPolicyFromPermissionSetInput{InstanceArn: aws.String(idc.InstanceArn),
		PermissionSetArn: aws.String(ro.Arn), ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/AWSSupportAccess")}); err != nil {
		t.Fatal(err)
	}
	if found, err := drift.Detect(ctx, last.Plan, last.Finished, cur, nil); err != nil || len(found) != 0 {
		t.Fatalf("Detect leaves Identity Center out: %v %v", found, err)
	}
	found, err := drift.DetectFull(ctx, last.Plan, last.Finished, cur, center(), nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]notify.Event{}
	for _, f := range found {
		kinds[f.DetectionID] = f
	}
	assign, ps, managed := kinds["orgrail.drift.account-assignment"], kinds["orgrail.drift.permission-set"], kinds["orgrail.drift.permission-set-managed-policy"]
	if assign.Severity != severity.High || assign.Account != gone.Account || !strings.Contains(assign.Title, "ReadOnly") {
		t.Errorf("assignment drift: %+v", assign)
	}
	if ps.Severity != severity.Medium || !strings.Contains(ps.Title, "Developer") {
		t.Errorf("permission set drift: %+v", ps)
	}
	if managed.Severity != severity.High || !strings.Contains(managed.Title, "AWSSupportAccess") {
		t.Errorf("managed policy drift: %+v", managed)
	}
	// Provisioning follows the permission set's changes; nothing else drifted.
	for _, f := range found {
		switch f.DetectionID {
		case "orgrail.drift.account-assignment", "orgrail.drift.permission-set", "orgrail.drift.permission-set-managed-policy", "orgrail.drift.permission-set-provision":
		default:
			t.Errorf("unexpected drift %s: %s", f.DetectionID, f.Title)
		}
	}
}
