package awstest

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestBackupReadsAgreeWithMoto builds two AWS Backup plans in moto (one
// with a daily rule, one with two rules), stores moto's answers to the
// collector's plan reads as a snapshot, and asks moto and the local AWS
// serving that snapshot the same reads: the local server's REST-JSON
// routes (/backup/plans/, /backup/plans/{id}/) must give the SDK back
// what moto's gave. moto (5.x) implements no backup selections
// (ListBackupSelections, GetBackupSelection): the demo round trip and
// the rules' fixture cover those.
func TestBackupReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	bc := backup.NewFromConfig(mcfg)
	rule := func(name, cron string, days int64) backuptypes.BackupRuleInput {
		return backuptypes.BackupRuleInput{RuleName: aws.String(name), TargetBackupVaultName: aws.String("Default"),
			ScheduleExpression: aws.String(cron), Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(days)}}
	}
	daily, err := bc.CreateBackupPlan(ctx, &backup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("daily"), Rules: []backuptypes.BackupRuleInput{rule("daily-35d", "cron(0 5 ? * * *)", 35)}}})
	if err != nil {
		t.Fatal(err)
	}
	tiered, err := bc.CreateBackupPlan(ctx, &backup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("tiered"), Rules: []backuptypes.BackupRuleInput{rule("hourly-2d", "cron(0 * ? * * *)", 2),
			rule("weekly-1y", "cron(0 3 ? * SUN *)", 365)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bc.ListBackupSelections(ctx, &backup.ListBackupSelectionsInput{BackupPlanId: daily.BackupPlanId}); err != nil {
		t.Logf("moto ListBackupSelections: %v (not implemented there)", err)
	}

	type read struct {
		op, key string
		ask     func(aws.Config) (any, error)
	}
	reads := []read{{"ListBackupPlans", "", func(c aws.Config) (any, error) {
		return backup.NewFromConfig(c).ListBackupPlans(ctx, &backup.ListBackupPlansInput{})
	}}}
	for _, p := range []*backup.CreateBackupPlanOutput{daily, tiered} {
		id := p.BackupPlanId
		reads = append(reads, read{"GetBackupPlan", aws.ToString(id), func(c aws.Config) (any, error) {
			return backup.NewFromConfig(c).GetBackupPlan(ctx, &backup.GetBackupPlanInput{BackupPlanId: id})
		}})
	}

	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	f := snapshot.NewServiceFile(motoAccount, "us-east-1", "backup")
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		if err != nil {
			t.Fatalf("moto %s: %v", r.op, err)
		}
		want[i] = msView(t, out)
		if r.key == "" {
			err = f.Set(r.op, out)
		} else {
			err = f.SetResource(r.op, r.key, out)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, sub := range []string{`"tiered"`, `"daily-35d"`, `"weekly-1y"`} {
		if !strings.Contains(want[i], sub) {
			t.Fatalf("%s: moto's answer lacks %s: %s", reads[i].op, sub, want[i])
		}
	}
	if err := w.WriteService(f); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"}); err != nil {
		t.Fatal(err)
	}
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(lcfg)
		if err != nil {
			t.Errorf("%s: local AWS: %v", r.op, err)
			continue
		}
		if got := msView(t, out); got != want[i] {
			t.Errorf("%s:\nmoto  %s\nlocal %s", r.op, want[i], got)
		}
	}
}
