package drift_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

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

// TestDriftAfterApply applies the example landing zone to the local AWS,
// changes two things behind orgrail's back (an SCP detached, an account
// moved) and expects exactly those two findings, the SCP one with who
// and when from the CloudTrail index.
func TestDriftAfterApply(t *testing.T) {
	ctx := context.Background()
	o := &org.Organization{Id: "o-exampleorg01", Arn: "arn:aws:organizations::111111111111:organization/o-exampleorg01",
		MasterAccountId: "111111111111", FeatureSet: "ALL",
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
	awsCfg := srv.Config(ctx, srv.AdminCredentials())
	c, diags, err := config.Load("../../examples/landing-zone")
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatal(err, diags)
	}
	cur, err := collect.Discover(ctx, awsCfg)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := plan.New(c, cur, plan.Options{})
	if _, err := apply.Run(ctx, awsCfg, st, p, apply.Options{PollEvery: 10 * time.Millisecond, Backoff: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	last, err := apply.LastApplied(ctx, st, p.OrgID)
	if err != nil || last == nil {
		t.Fatal("no last apply", err)
	}
	cur, _ = collect.Discover(ctx, awsCfg)
	if found, err := drift.Detect(ctx, last.Plan, last.Finished, cur, nil); err != nil || len(found) != 0 {
		t.Fatalf("drift right after apply: %v %v", found, err)
	}
	v := plan.NewView(cur, c)
	oc := organizations.NewFromConfig(awsCfg)
	denyAll, suspended := v.Policy(org.SCP, "deny-all"), v.OU("Suspended")
	if _, err := oc.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(denyAll.Id), TargetId: aws.String(suspended.Id)}); err != nil {
		t.Fatal(err)
	}
	ben := v.Account("sandbox-ben")
	if _, err := oc.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(ben.Id), SourceParentId: aws.String(ben.ParentId),
		DestinationParentId: aws.String(v.RootID)}); err != nil {
		t.Fatal(err)
	}
	// The Log Archive's CloudTrail record of the detach, as trail index stores it.
	db := st.DB()
	when := time.Now().UTC().Truncate(time.Millisecond)
	if _, err := db.Exec(`INSERT INTO trail_files (id, path, size, indexed_at) VALUES (1, 'x.json.gz', 1, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO trail_index (event_id, event_time, account, region, event_name, event_source, principal, resources, file_id)
VALUES ('ev-1', ?, '111111111111', 'us-east-1', 'DetachPolicy', 'organizations.amazonaws.com', 'arn:aws:iam::111111111111:user/mallory', ?, 1)`,
		when.UnixMilli(), denyAll.Id+" "+suspended.Id); err != nil {
		t.Fatal(err)
	}
	cur, _ = collect.Discover(ctx, awsCfg)
	found, err := drift.Detect(ctx, last.Plan, last.Finished, cur, drift.TrailWho(db))
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Fatalf("want 2 findings, got %+v", found)
	}
	byID := map[string]int{}
	for i, f := range found {
		byID[f.DetectionID] = i
	}
	scp := found[byID["orgrail.drift.attachment"]]
	if scp.Severity != severity.High || scp.Principal != "arn:aws:iam::111111111111:user/mallory" || !scp.EventTime.Equal(when) || scp.EventName != "DetachPolicy" {
		t.Errorf("SCP drift: %+v", scp)
	}
	mv := found[byID["orgrail.drift.account"]]
	if mv.Account != ben.Id || mv.Severity != severity.Medium {
		t.Errorf("move drift: %+v", mv)
	}
}
