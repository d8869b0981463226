package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Sentences of the AWS Config pages of RDS_MULTI_AZ_SUPPORT (RDS.5),
// RDS_INSTANCE_DELETION_PROTECTION_ENABLED (RDS.8),
// RDS_INSTANCE_IAM_AUTHENTICATION_ENABLED (RDS.10) and
// DB_INSTANCE_BACKUP_ENABLED (RDS.11).
const (
	qMultiAZ       = "Checks whether high availability is enabled for your RDS DB instances."
	qMultiAZNot    = "This rule does not evaluate Amazon Aurora DB, Amazon DocumentDB, and Amazon Neptune DB instances."
	qDelProt       = "The rule is NON_COMPLIANT if an Amazon RDS instance does not have deletion protection enabled; for example, deletionProtection is set to false."
	qDelProtAurora = "Some RDS DB instances within a Cluster (Aurora/DocumentDB) will show as not applicable because deletion protection is set at the cluster level."
	qIAMAuth       = "The rule is NON_COMPLIANT if an Amazon RDS instance does not have IAM authentication enabled."
	qIAMAuthEngine = "The DB Engine should be one of 'mysql', 'postgres', 'aurora', 'aurora-mysql', or 'aurora-postgresql'."
	qBackup        = "Checks if RDS DB instances have backups enabled."
)

// db1 is the clean fixture's instance in acctW's home region.
func db1(f *fx) *rdstypes.DBInstance {
	return &op[rds.DescribeDBInstancesOutput](f, acctW, region1, "rds", "DescribeDBInstances").DBInstances[0]
}

func init() {
	maz, del := cfgDoc("rds-multi-az-support"), cfgDoc("rds-instance-deletion-protection-enabled")
	iam, bak := cfgDoc("rds-instance-iam-authentication-enabled"), cfgDoc("db-instance-backup-enabled")
	failCases["rds.multi-az"] = func(f *fx) { db1(f).MultiAZ = awsv2.Bool(false) }
	failCases["rds.deletion-protection"] = func(f *fx) { db1(f).DeletionProtection = awsv2.Bool(false) }
	failCases["rds.iam-authentication"] = func(f *fx) { db1(f).IAMDatabaseAuthenticationEnabled = awsv2.Bool(false) }
	failCases["rds.backup-enabled"] = func(f *fx) { db1(f).BackupRetentionPeriod = awsv2.Int32(0) }
	aurora := func(f *fx) {
		d := db1(f)
		d.Engine, d.DBClusterIdentifier = awsv2.String("aurora-postgresql"), awsv2.String("cluster1")
	}
	addDocCases(
		docCase{Rule: "rds.multi-az", Source: maz, Quote: qMultiAZ, Name: "Multi-AZ postgres", Want: findings.Passed},
		docCase{Rule: "rds.multi-az", Source: maz, Quote: qMultiAZ, Name: "single-AZ postgres",
			Mutate: func(f *fx) { db1(f).MultiAZ = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.multi-az", Source: maz, Quote: qMultiAZNot, Name: "single-AZ Aurora instance (not evaluated)",
			Mutate: func(f *fx) { aurora(f); db1(f).MultiAZ = awsv2.Bool(false) }, Want: findings.NotApplicable},
		docCase{Rule: "rds.multi-az", Source: maz, Quote: qMultiAZNot, Name: "Neptune instance (not evaluated)",
			Mutate: func(f *fx) { db1(f).Engine = awsv2.String("neptune"); db1(f).MultiAZ = awsv2.Bool(false) }, Want: findings.NotApplicable},

		docCase{Rule: "rds.deletion-protection", Source: del, Quote: qDelProt, Name: "deletionProtection true", Want: findings.Passed},
		docCase{Rule: "rds.deletion-protection", Source: del, Quote: qDelProt, Name: "deletionProtection false",
			Mutate: func(f *fx) { db1(f).DeletionProtection = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.deletion-protection", Source: del, Quote: qDelProtAurora, Name: "Aurora cluster member without instance-level protection",
			Mutate: func(f *fx) { aurora(f); db1(f).DeletionProtection = awsv2.Bool(false) }, Want: findings.NotApplicable},

		docCase{Rule: "rds.iam-authentication", Source: iam, Quote: qIAMAuth, Name: "postgres with IAM authentication", Want: findings.Passed},
		docCase{Rule: "rds.iam-authentication", Source: iam, Quote: qIAMAuth, Name: "postgres without IAM authentication",
			Mutate: func(f *fx) { db1(f).IAMDatabaseAuthenticationEnabled = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.iam-authentication", Source: iam, Quote: qIAMAuthEngine, Name: "SQL Server (engine not evaluated)",
			Mutate: func(f *fx) {
				db1(f).Engine = awsv2.String("sqlserver-se")
				db1(f).IAMDatabaseAuthenticationEnabled = awsv2.Bool(false)
			}, Want: findings.NotApplicable},

		docCase{Rule: "rds.backup-enabled", Source: bak, Quote: qBackup, Name: "7-day retention", Want: findings.Passed},
		docCase{Rule: "rds.backup-enabled", Source: bak, Quote: qBackup, Name: "retention 0 (backups disabled)",
			Mutate: func(f *fx) { db1(f).BackupRetentionPeriod = awsv2.Int32(0) }, Want: findings.Failed},
		docCase{Rule: "rds.backup-enabled", Source: bak, Quote: qBackup, Name: "1-day retention",
			Mutate: func(f *fx) { db1(f).BackupRetentionPeriod = awsv2.Int32(1) }, Want: findings.Passed},
	)
}
