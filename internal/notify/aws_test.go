package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// startAWS starts the local AWS test server with SQS, SNS and DynamoDB.
func startAWS(t testing.TB) (*awstest.Server, aws.Config) {
	t.Helper()
	dir := t.TempDir()
	o := &org.Organization{Id: "o-notify0001", MasterAccountId: "111111111111", FeatureSet: "ALL",
		Arn:   "arn:aws:organizations::111111111111:organization/o-notify0001",
		Roots: []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "m@example.com", Status: org.StatusActive, ParentId: "r-ab12",
			Arn: "arn:aws:organizations::111111111111:account/o-notify0001/111111111111"}}}
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(&snapshot.Manifest{OrgID: o.Id, CollectedAt: time.Now(), Source: "test"}); err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(context.Background(), awstest.Options{SnapshotDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.ServeSQS()
	srv.ServeSNS()
	srv.ServeDynamoDB()
	return srv, srv.Config(context.Background(), srv.AdminCredentials())
}

// skipIfNotServed skips when the server's generated tables lack the
// messaging operations (their output types) yet.
func skipIfNotServed(t testing.TB, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "no output type known") {
		t.Skipf("local AWS server does not serve this operation yet: %v", err)
	}
}

// newDynamoState creates the state table on the local server.
func newDynamoState(t testing.TB, cfg aws.Config) *DynamoState {
	t.Helper()
	c := dynamodb.NewFromConfig(cfg)
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{TableName: aws.String("orgrail"),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: "HASH"}, {AttributeName: aws.String("sk"), KeyType: "RANGE"}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: "S"}, {AttributeName: aws.String("sk"), AttributeType: "S"}},
		BillingMode:          ddbtypes.BillingModePayPerRequest})
	skipIfNotServed(t, err)
	if err != nil && !strings.Contains(err.Error(), "ResourceInUse") {
		t.Fatal(err)
	}
	return NewDynamoState(c, "orgrail")
}

// TestStateConformance runs one scenario over both State implementations.
func TestStateConformance(t *testing.T) {
	states := map[string]func(t *testing.T) State{
		"sqlite": func(t *testing.T) State { return openState(t) },
		"dynamodb": func(t *testing.T) State {
			_, cfg := startAWS(t)
			return newDynamoState(t, cfg)
		},
	}
	for name, mk := range states {
		t.Run(name, func(t *testing.T) { stateScenario(t, mk(t)) })
	}
}

func stateScenario(t *testing.T, st State) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	entry := func(id string, triage bool, group string) *Entry {
		e := sampleEvent(id)
		it := &Item{ID: hashID(e.Key(), "hook"), Key: e.Key(), Channel: "hook", Lane: LaneAutomatic, Count: 1, Event: *e,
			Status: StatusPending, CreatedAt: now, NotBefore: now}
		if group != "" {
			it.GroupKey, it.GroupUntil, it.Window, it.NotBefore = group, now.Add(time.Minute), time.Minute, now.Add(time.Minute)
		}
		return &Entry{Key: e.Key(), Event: *e, Items: []*Item{it}, Triage: triage, Now: now}
	}
	for i, want := range []bool{true, false} {
		ok, err := st.Record(ctx, entry("e1", true, ""))
		if err != nil || ok != want {
			t.Fatalf("record %d = %v, %v; want %v", i, ok, err, want)
		}
	}
	for _, id := range []string{"g1", "g2", "g3"} {
		if _, err := st.Record(ctx, entry(id, false, "burst")); err != nil {
			t.Fatal(err)
		}
	}
	// Two workers claim at once: each message goes to one of them.
	a, err := st.Claim(ctx, now, 10*time.Minute, 10)
	if err != nil || len(a) != 1 {
		t.Fatalf("claim = %d items, %v; want the one ungrouped message", len(a), err)
	}
	if b, _ := st.Claim(ctx, now, time.Minute, 10); len(b) != 0 {
		t.Fatalf("second worker claimed %d leased messages", len(b))
	}
	later := now.Add(2 * time.Minute)
	g, _ := st.Claim(ctx, later, time.Minute, 10)
	if len(g) != 1 || g[0].Count != 3 {
		t.Fatalf("group claim = %+v, want one message with count 3", g)
	}
	if err := st.Sent(ctx, g[0].ID, later); err != nil {
		t.Fatal(err)
	}
	if err := st.Retry(ctx, a[0].ID, later, "status 404: gone", true); err != nil {
		t.Fatal(err)
	}
	counts, _ := st.Counts(ctx)
	if len(counts) != 1 || counts[0].Sent != 1 || counts[0].Parked != 1 || counts[0].Pending != 0 {
		t.Fatalf("counts = %+v", counts)
	}
	parked, _ := st.Items(ctx, Filter{Status: StatusParked})
	if len(parked) != 1 || parked[0].LastError != "status 404: gone" {
		t.Fatalf("parked = %+v", parked)
	}
	if n, err := st.Unpark(ctx, a[0].ID[:8], "", later); err != nil || n != 1 {
		t.Fatalf("unpark = %d, %v", n, err)
	}
	if c, _ := st.Claim(ctx, later, time.Minute, 10); len(c) != 1 || c[0].Attempts != 0 {
		t.Fatalf("after unpark claim = %+v", c)
	}
	tri, _ := st.TriageItems(ctx, TriageOpen, 0)
	if len(tri) != 1 || tri[0].Event.EventID != "e1" {
		t.Fatalf("triage = %+v", tri)
	}
	if err := st.Resolve(ctx, tri[0].ID, TriageDismissed, "expected change", "alice", later); err != nil {
		t.Fatal(err)
	}
	if err := st.Resolve(ctx, tri[0].ID, TriageAcknowledged, "", "bob", later); err == nil {
		t.Fatal("resolved a dismissed item again")
	}
	if tri, _ := st.TriageItems(ctx, TriageDismissed, 0); len(tri) != 1 || tri[0].Reason != "expected change" {
		t.Fatalf("dismissed = %+v", tri)
	}
	for _, k := range []string{"a/2026/11/25/x2", "a/2026/11/25/x3"} {
		if err := st.SetCheckpoint(ctx, "p", k, now); err != nil {
			t.Fatal(err)
		}
	}
	if cp, _ := st.Checkpoint(ctx, "p"); cp != "a/2026/11/25/x3" {
		t.Fatalf("checkpoint = %q", cp)
	}
}
