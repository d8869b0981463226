package awstest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestRDSClusterAndEventReadsAgreeWithMoto creates an Aurora MySQL
// cluster (deletion protection, IAM authentication, backtracking, tag
// copying, log exports), a PostgreSQL instance and an event subscription
// in moto, stores moto's answers to the rds collector's reads as a
// snapshot, and asks moto and the local AWS serving that snapshot the
// same reads through the SDK: the local server's Query wire must give
// the SDK back what moto's gave.
func TestRDSClusterAndEventReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c := rds.NewFromConfig(mcfg)
	_, err := c.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: aws.String("ledger"), Engine: aws.String("aurora-mysql"),
		MasterUsername: aws.String("ledger_owner"), MasterUserPassword: aws.String("not-a-real-password-1"), Port: aws.Int32(3307),
		DeletionProtection: aws.Bool(true), EnableIAMDatabaseAuthentication: aws.Bool(true), BacktrackWindow: aws.Int64(86400),
		CopyTagsToSnapshot: aws.Bool(true), EnableCloudwatchLogsExports: []string{"audit", "error", "general", "slowquery"}})
	must(err)
	_, err = c.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("orders"), Engine: aws.String("postgres"),
		DBInstanceClass: aws.String("db.t4g.medium"), AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("orders_owner"),
		MasterUserPassword: aws.String("not-a-real-password-2"), Port: aws.Int32(5433), CopyTagsToSnapshot: aws.Bool(true),
		MonitoringInterval: aws.Int32(60), EnableCloudwatchLogsExports: []string{"postgresql", "upgrade"}})
	must(err)
	topic, err := sns.NewFromConfig(mcfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("rds-events")})
	must(err)
	_, err = c.CreateEventSubscription(ctx, &rds.CreateEventSubscriptionInput{SubscriptionName: aws.String("instances"), SnsTopicArn: topic.TopicArn,
		SourceType: aws.String("db-instance"), EventCategories: []string{"configuration change", "failure", "maintenance"}, Enabled: aws.Bool(true)})
	must(err)

	reads := []struct {
		op  string
		sub string // what moto's answer must hold
		ask func(aws.Config) (any, error)
	}{
		{"DescribeDBClusters", `"ledger"`, func(cfg aws.Config) (any, error) {
			return rds.NewFromConfig(cfg).DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
		}},
		{"DescribeDBInstances", `"orders"`, func(cfg aws.Config) (any, error) {
			return rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
		}},
		{"DescribeEventSubscriptions", `"db-instance"`, func(cfg aws.Config) (any, error) {
			return rds.NewFromConfig(cfg).DescribeEventSubscriptions(ctx, &rds.DescribeEventSubscriptionsInput{})
		}},
	}
	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	must(err)
	f := snapshot.NewServiceFile(motoAccount, "us-east-1", "rds")
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		must(err)
		want[i] = msTimes(wireView(t, out))
		if !strings.Contains(want[i], r.sub) {
			t.Fatalf("%s: moto's answer lacks %s: %s", r.op, r.sub, want[i])
		}
		must(f.Set(r.op, out))
	}
	must(w.WriteService(f))
	must(w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"}))
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(lcfg)
		if err != nil {
			t.Errorf("%s: local AWS: %v", r.op, err)
			continue
		}
		if got := msTimes(wireView(t, out)); got != want[i] {
			t.Errorf("%s:\nmoto  %s\nlocal %s", r.op, want[i], got)
		}
	}
}

// fracSeconds matches the fraction of a second of a timestamp: moto
// keeps microseconds, the local server gives milliseconds without
// trailing zeros, so timestamps are compared to the second.
var fracSeconds = regexp.MustCompile(`\.\d+Z"`)

func msTimes(s string) string { return fracSeconds.ReplaceAllString(s, `Z"`) }
