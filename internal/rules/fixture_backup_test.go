package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// The fixture's backup plan "daily" (one rule) assigns, by ARN pattern,
// every DynamoDB table, EBS volume and RDS instance of each account and
// region through its selection "everything".
const (
	bkPlanID = "plan-0001"
	bkSelID  = "sel-0001"
)

// backupBaseline gives every account and region the plan "daily".
func (f *fx) backupBaseline(a, r string) {
	f.set(a, r, "backup", "ListBackupPlans", &backup.ListBackupPlansOutput{BackupPlansList: []backuptypes.BackupPlansListMember{{
		BackupPlanId: awsv2.String(bkPlanID), BackupPlanName: awsv2.String("daily"),
		BackupPlanArn: awsv2.String("arn:aws:backup:" + r + ":" + a + ":backup-plan:" + bkPlanID)}}})
	f.setRes(a, r, "backup", "GetBackupPlan", bkPlanID, &backup.GetBackupPlanOutput{BackupPlanId: awsv2.String(bkPlanID),
		BackupPlan: &backuptypes.BackupPlan{BackupPlanName: awsv2.String("daily"), Rules: []backuptypes.BackupRule{{
			RuleName: awsv2.String("daily-35d"), TargetBackupVaultName: awsv2.String("Default"), ScheduleExpression: awsv2.String("cron(0 5 ? * * *)"),
			Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: awsv2.Int64(35)}}}}})
	f.setRes(a, r, "backup", "ListBackupSelections", bkPlanID, &backup.ListBackupSelectionsOutput{BackupSelectionsList: []backuptypes.BackupSelectionsListMember{{
		BackupPlanId: awsv2.String(bkPlanID), SelectionId: awsv2.String(bkSelID), SelectionName: awsv2.String("everything")}}})
	f.setRes(a, r, "backup", "GetBackupSelection", bkPlanID+"|"+bkSelID, &backup.GetBackupSelectionOutput{BackupPlanId: awsv2.String(bkPlanID),
		SelectionId: awsv2.String(bkSelID), BackupSelection: &backuptypes.BackupSelection{SelectionName: awsv2.String("everything"),
			IamRoleArn: awsv2.String("arn:aws:iam::" + a + ":role/service-role/AWSBackupDefaultServiceRole"),
			Resources:  []string{"arn:aws:dynamodb:*:*:table/*", "arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"}}})
}

// bkSelection is the workload account's selection "everything" in region1.
func bkSelection(f *fx) *backuptypes.BackupSelection {
	return res[backup.GetBackupSelectionOutput](f, acctW, region1, "backup", "GetBackupSelection", bkPlanID+"|"+bkSelID).BackupSelection
}

// bkPlan is the workload account's plan "daily" in region1.
func bkPlan(f *fx) *backuptypes.BackupPlan {
	return res[backup.GetBackupPlanOutput](f, acctW, region1, "backup", "GetBackupPlan", bkPlanID).BackupPlan
}
