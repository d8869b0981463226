package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qBackupDDB = "The rule is NON_COMPLIANT if the DynamoDB Table is not covered by a backup plan."
	qBackupEBS = "The rule is NON_COMPLIANT if the Amazon EBS volume is not covered by a backup plan."
	qBackupRDS = "The rule is NON_COMPLIANT if the Amazon RDS Database instance is not covered by a backup plan."
	// AWS Backup's description of a resource assignment (BackupSelection).
	qSelConditionsAnd = "If you specify multiple conditions, the resources much match all conditions (AND logic)."
	qSelListOfTagsOr  = "When you specify more than one condition, you assign all resources that match AT LEAST ONE condition (using OR logic)."
	qSelLike          = `For example, "prod*" or "*rod*" matches the tag value "production".`
	qSelNotEquals     = "Filters the values of your tagged resources for only those resources that you tagged that do not have the same value."
	qSelAll           = "Otherwise, Backup attempts to select all supported and opted-in storage resources, which could have unintended cost implications."
	qSelNot           = "A list of Amazon Resource Names (ARNs) to exclude from a backup plan."
)

var (
	srcBackupSelection = "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html"
	srcBackupConds     = "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Conditions.html"
	srcCfnSelection    = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-backup-backupselection-backupselectionresourcetype.html"
	srcCdkSelection    = "https://docs.aws.amazon.com/cdk/api/v1/docs/@aws-cdk_aws-backup.CfnBackupSelection.BackupSelectionResourceTypeProperty.html"
)

func init() {
	noPlans := func(f *fx) {
		op[backup.ListBackupPlansOutput](f, acctW, region1, "backup", "ListBackupPlans").BackupPlansList = nil
	}
	onlyVolumes := func(f *fx) { bkSelection(f).Resources = []string{"arn:aws:ec2:*:*:volume/*"} }
	failCases["dynamodb.backup-plan-coverage"] = onlyVolumes
	failCases["ec2.volume-backup-plan-coverage"] = noPlans
	failCases["rds.backup-plan-coverage"] = func(f *fx) { bkPlan(f).Rules = nil }

	ddb, vol, rdsDB := "table/orders", "volume/vol-0001", "db:db1"
	ddbDoc, ebsDoc, rdsDoc := cfgDoc("dynamodb-resources-protected-by-backup-plan"), cfgDoc("ebs-resources-protected-by-backup-plan"),
		cfgDoc("rds-resources-protected-by-backup-plan")
	tagVolume := func(f *fx, k, v string) {
		volume(f).Tags = append(volume(f).Tags, ec2types.Tag{Key: awsv2.String(k), Value: awsv2.String(v)})
	}
	addDocCases(
		// DynamoDB.4
		docCase{Rule: "dynamodb.backup-plan-coverage", Source: ddbDoc, Quote: qBackupDDB,
			Name: "assigned by arn:aws:dynamodb:*:*:table/*", Resource: ddb, Want: findings.Passed},
		docCase{Rule: "dynamodb.backup-plan-coverage", Source: ddbDoc, Quote: qBackupDDB,
			Name: "no backup plan in the region", Mutate: noPlans, Resource: ddb, Want: findings.Failed},
		docCase{Rule: "dynamodb.backup-plan-coverage", Source: ddbDoc, Quote: qBackupDDB,
			Name: "the only plan assigning it has no rule", Mutate: func(f *fx) { bkPlan(f).Rules = nil }, Resource: ddb, Want: findings.Failed},
		docCase{Rule: "dynamodb.backup-plan-coverage", Source: srcCdkSelection, Quote: qSelNot,
			Name: "the table's ARN in NotResources", Mutate: func(f *fx) {
				bkSelection(f).NotResources = []string{"arn:aws:dynamodb:" + region1 + ":" + acctW + ":table/orders"}
			}, Resource: ddb, Want: findings.Failed},
		// orgrail does not collect table tags: a tag-only assignment is
		// not taken as coverage (documented in docs/rules.md, Fidelity).
		docCase{Rule: "dynamodb.backup-plan-coverage", Source: ddbDoc, Quote: qBackupDDB,
			Name: "assigned only by a tag (table tags not collected)", Mutate: func(f *fx) {
				s := bkSelection(f)
				s.Resources = []string{"arn:aws:ec2:*:*:volume/*"}
				s.ListOfTags = []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals,
					ConditionKey: awsv2.String("backup"), ConditionValue: awsv2.String("daily")}}
			}, Resource: ddb, Want: findings.Failed},

		// EC2.28
		docCase{Rule: "ec2.volume-backup-plan-coverage", Source: ebsDoc, Quote: qBackupEBS,
			Name: "assigned by arn:aws:ec2:*:*:volume/*", Resource: vol, Want: findings.Passed},
		docCase{Rule: "ec2.volume-backup-plan-coverage", Source: ebsDoc, Quote: qBackupEBS,
			Name: "the plan assigns only DynamoDB tables", Mutate: func(f *fx) {
				bkSelection(f).Resources = []string{"arn:aws:dynamodb:*:*:table/*"}
			}, Resource: vol, Want: findings.Failed},
		docCase{Rule: "ec2.volume-backup-plan-coverage", Source: srcCfnSelection, Quote: qSelListOfTagsOr,
			Name: "ListOfTags backup=daily or tier=gold, the volume tagged tier=gold", Mutate: func(f *fx) {
				s := bkSelection(f)
				s.Resources = []string{"arn:aws:dynamodb:*:*:table/*"}
				s.ListOfTags = []backuptypes.Condition{
					{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: awsv2.String("backup"), ConditionValue: awsv2.String("daily")},
					{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: awsv2.String("tier"), ConditionValue: awsv2.String("gold")}}
				tagVolume(f, "tier", "gold")
			}, Resource: vol, Want: findings.Passed},
		docCase{Rule: "ec2.volume-backup-plan-coverage", Source: srcBackupSelection, Quote: qSelConditionsAnd,
			Name: "volume/* and conditions backup=daily and owner=data, the volume tagged backup=daily only", Mutate: func(f *fx) {
				bkSelection(f).Conditions = &backuptypes.Conditions{StringEquals: []backuptypes.ConditionParameter{
					{ConditionKey: awsv2.String("aws:ResourceTag/backup"), ConditionValue: awsv2.String("daily")},
					{ConditionKey: awsv2.String("aws:ResourceTag/owner"), ConditionValue: awsv2.String("data")}}}
				tagVolume(f, "backup", "daily")
			}, Resource: vol, Want: findings.Failed},
		docCase{Rule: "ec2.volume-backup-plan-coverage", Source: srcBackupConds, Quote: qSelLike,
			Name: "StringLike env=prod*, the volume tagged env=production", Mutate: func(f *fx) {
				bkSelection(f).Conditions = &backuptypes.Conditions{StringLike: []backuptypes.ConditionParameter{
					{ConditionKey: awsv2.String("aws:ResourceTag/env"), ConditionValue: awsv2.String("prod*")}}}
				tagVolume(f, "env", "production")
			}, Resource: vol, Want: findings.Passed},
		docCase{Rule: "ec2.volume-backup-plan-coverage", Source: srcBackupConds, Quote: qSelLike,
			Name: "StringNotLike env=prod*, the volume tagged env=production", Mutate: func(f *fx) {
				bkSelection(f).Conditions = &backuptypes.Conditions{StringNotLike: []backuptypes.ConditionParameter{
					{ConditionKey: awsv2.String("aws:ResourceTag/env"), ConditionValue: awsv2.String("prod*")}}}
				tagVolume(f, "env", "production")
			}, Resource: vol, Want: findings.Failed},

		// RDS.26
		docCase{Rule: "rds.backup-plan-coverage", Source: rdsDoc, Quote: qBackupRDS,
			Name: "assigned by arn:aws:rds:*:*:db:*", Resource: rdsDB, Want: findings.Passed},
		docCase{Rule: "rds.backup-plan-coverage", Source: rdsDoc, Quote: qBackupRDS,
			Name: "the plan has no rule", Mutate: func(f *fx) { bkPlan(f).Rules = nil }, Resource: rdsDB, Want: findings.Failed},
		docCase{Rule: "rds.backup-plan-coverage", Source: srcBackupSelection, Quote: qSelAll,
			Name: "a selection naming no resources and no tags", Mutate: func(f *fx) { bkSelection(f).Resources = nil }, Resource: rdsDB, Want: findings.Passed},
		docCase{Rule: "rds.backup-plan-coverage", Source: srcCdkSelection, Quote: qSelNot,
			Name: "every resource (*) except db1", Mutate: func(f *fx) {
				s := bkSelection(f)
				s.Resources, s.NotResources = []string{"*"}, []string{"arn:aws:rds:*:*:db:db1"}
			}, Resource: rdsDB, Want: findings.Failed},
		docCase{Rule: "rds.backup-plan-coverage", Source: srcCfnSelection, Quote: qSelListOfTagsOr,
			Name: "only ListOfTags Owner=team, the instance tagged Owner=team", Mutate: func(f *fx) {
				s := bkSelection(f)
				s.Resources = nil
				s.ListOfTags = []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals,
					ConditionKey: awsv2.String("Owner"), ConditionValue: awsv2.String("team")}}
			}, Resource: rdsDB, Want: findings.Passed},
		docCase{Rule: "rds.backup-plan-coverage", Source: srcBackupConds, Quote: qSelNotEquals,
			Name: "StringNotEquals Owner=team, the instance tagged Owner=team", Mutate: func(f *fx) {
				bkSelection(f).Conditions = &backuptypes.Conditions{StringNotEquals: []backuptypes.ConditionParameter{
					{ConditionKey: awsv2.String("aws:ResourceTag/Owner"), ConditionValue: awsv2.String("team")}}}
			}, Resource: rdsDB, Want: findings.Failed},
	)
}
