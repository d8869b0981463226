package demo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// backupRes holds the AWS Backup plant of one account and region:
// notResources are ARNs the plan's resource assignment excludes.
type backupRes struct {
	notResources []string
}

// renderBackup writes the backup file: in every region that holds
// DynamoDB tables, EC2 instances (their EBS volumes) or RDS instances,
// the plan "kumo-daily" (a daily rule keeping 35 days in the Default
// vault) assigns every table, volume and DB instance by ARN pattern;
// other regions have no plan.
func renderBackup(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "backup")
	plans := []backuptypes.BackupPlansListMember{}
	if len(rr.stores.tables) > 0 || len(rr.instances) > 0 || len(rr.dbs) > 0 {
		ri := 0
		for i, name := range w.regions {
			if name == rr.region {
				ri = i
			}
		}
		r := newRand(uint64(a.index), 0xb4c000+uint64(ri))
		id, sel := uuid(r), randString(r, lowerAlnum, 24)
		arn := fmt.Sprintf("arn:aws:backup:%s:%s:backup-plan:%s", rr.region, a.Id, id)
		version := randString(r, upperAlnum, 32)
		created := ptime(End.AddDate(-1, 0, 0))
		plans = append(plans, backuptypes.BackupPlansListMember{BackupPlanId: aws.String(id), BackupPlanArn: aws.String(arn),
			BackupPlanName: aws.String("kumo-daily"), VersionId: aws.String(version), CreationDate: created})
		f.res("GetBackupPlan", id, backup.GetBackupPlanOutput{BackupPlanId: aws.String(id), BackupPlanArn: aws.String(arn),
			VersionId: aws.String(version), CreationDate: created,
			BackupPlan: &backuptypes.BackupPlan{BackupPlanName: aws.String("kumo-daily"), Rules: []backuptypes.BackupRule{{
				RuleName: aws.String("daily-35d"), RuleId: aws.String(uuid(r)), TargetBackupVaultName: aws.String("Default"),
				ScheduleExpression: aws.String("cron(0 17 ? * * *)"), StartWindowMinutes: aws.Int64(60), CompletionWindowMinutes: aws.Int64(180),
				Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(35)}}}}})
		f.res("ListBackupSelections", id, backup.ListBackupSelectionsOutput{BackupSelectionsList: []backuptypes.BackupSelectionsListMember{{
			BackupPlanId: aws.String(id), SelectionId: aws.String(sel), SelectionName: aws.String("kumo-workloads"), CreationDate: created,
			IamRoleArn: aws.String(backupRole(a))}}})
		not := rr.backup.notResources
		f.res("GetBackupSelection", id+"|"+sel, backup.GetBackupSelectionOutput{BackupPlanId: aws.String(id), SelectionId: aws.String(sel),
			CreationDate: created, BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("kumo-workloads"),
				IamRoleArn: aws.String(backupRole(a)), NotResources: not,
				Resources: []string{"arn:aws:dynamodb:*:*:table/*", "arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"}}})
	}
	f.put("ListBackupPlans", backup.ListBackupPlansOutput{BackupPlansList: plans})
	return f
}

func backupRole(a *acct) string {
	return "arn:aws:iam::" + a.Id + ":role/service-role/AWSBackupDefaultServiceRole"
}

func init() {
	plants["backup-ddb-excluded"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		t := w.region(a, home).stores.tables[0]
		arn := ddbTableARN(a, home, t.name)
		b := &w.region(a, home).backup
		b.notResources = append(b.notResources, arn)
		return v(a, home, arn, "DYNAMODB_RESOURCES_PROTECTED_BY_BACKUP_PLAN")
	}}
	kumoPlants = append(kumoPlants, struct{ account, plant string }{"loyalty-staging", "backup-ddb-excluded"})
}
