package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Sentences of the AWS Config pages and Security Hub's RDS control page
// (RDS.6, 7, 9, 12, 14–25) and of the RDS API reference.
const (
	qEnhMon         = "This rule is NON_COMPLIANT if 'monitoringInterval' is '0' in the configuration item of the RDS instance"
	qEnhMonValues   = "The valid values are 1, 5, 10, 15, 30, and 60."
	qLogging        = "The rule is NON_COMPLIANT if any log types are not enabled."
	qLoggingPG      = "PostgreSQL: (Postgresql, Upgrade)"
	qLoggingStatus  = "DB Instances that are not in 'available', 'backing-up', 'storage-optimization', or 'storage-full' status evaluate as NOT_APPLICABLE."
	qCopyTagsInst   = "This control checks whether RDS DB instances are configured to copy all tags to snapshots when the snapshots are created."
	qCopyTagsAurora = "Amazon Aurora: Not applicable. Copying tags to snapshots is managed by the DB cluster."
	qInVPC          = "This control checks whether an Amazon RDS instance is deployed on EC2-VPC."
	qPort           = "This control checks whether the RDS cluster or instance uses a port other than the default port of the database engine."
	qAdminInst      = "The control fails if the administrative username is set to the default value."
	qAdminEngines   = "The control does not apply to engines of the type neptune (Neptune DB) or docdb (DocumentDB)."
	qAdminDefaults  = "Cannot include 'postgres' or 'admin' as valid username(s) as these are default values."
	qClusterDel     = "This control checks whether RDS clusters have deletion protection enabled."
	qClusterIAM     = "This control checks whether an Amazon RDS DB cluster has IAM database authentication enabled."
	qBacktrack      = "The rule is NON_COMPLIANT if the Aurora cluster uses MySQL and it does not have backtracking enabled."
	qClusterMultiAZ = "The rule is NON_COMPLIANT if the cluster's multiAZ property is false."
	qCopyTagsClu    = "This control checks whether RDS DB clusters are configured to copy all tags to snapshots when the snapshots are created."
	qAdminCluster   = "This rule will fail if the admin username is set to the default value."
	qEvtCluster     = "DBCluster: [\"maintenance\",\"failure\"]"
	qEvtInstance    = "DBInstance: [\"maintenance\",\"configuration change\",\"failure\"]"
	qEvtPG          = "DBParameterGroup: [\"configuration change\"]"
	qEvtSG          = "DBSecurityGroup: [\"configuration change\",\"failure\"]"
	qEvtAll         = "The control also passes if you select All event categories."
	qEvtAllSources  = "Under Instances to include, select All instances."
)

func init() {
	rdsPage := shDoc("rds-controls")
	apiCreate := "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
	mon, logs := cfgDoc("rds-enhanced-monitoring-enabled"), cfgDoc("rds-logging-enabled")
	adminC := cfgDoc("rds-cluster-default-admin-check")
	bt, maz := cfgDoc("aurora-mysql-backtracking-enabled"), cfgDoc("rds-cluster-multi-az-enabled")

	failCases["rds.enhanced-monitoring"] = func(f *fx) { db1(f).MonitoringInterval = awsv2.Int32(0) }
	failCases["rds.logging-enabled"] = func(f *fx) { db1(f).EnabledCloudwatchLogsExports = []string{"postgresql"} }
	failCases["rds.instance-copy-tags-to-snapshots"] = func(f *fx) { db1(f).CopyTagsToSnapshot = awsv2.Bool(false) }
	failCases["rds.instance-in-vpc"] = func(f *fx) { db1(f).DBSubnetGroup = nil }
	failCases["rds.no-default-port"] = func(f *fx) { db1(f).Endpoint.Port = awsv2.Int32(5432) }
	failCases["rds.instance-custom-admin"] = func(f *fx) { db1(f).MasterUsername = awsv2.String("postgres") }
	failCases["rds.cluster-deletion-protection"] = func(f *fx) { aurora1(f).DeletionProtection = awsv2.Bool(false) }
	failCases["rds.cluster-iam-authentication"] = func(f *fx) { aurora1(f).IAMDatabaseAuthenticationEnabled = awsv2.Bool(false) }
	failCases["rds.aurora-mysql-backtracking"] = func(f *fx) { aurora1(f).BacktrackWindow = awsv2.Int64(0) }
	failCases["rds.cluster-multi-az"] = func(f *fx) { aurora1(f).MultiAZ = awsv2.Bool(false) }
	failCases["rds.cluster-copy-tags-to-snapshots"] = func(f *fx) { aurora1(f).CopyTagsToSnapshot = awsv2.Bool(false) }
	failCases["rds.cluster-custom-admin"] = func(f *fx) { aurora1(f).MasterUsername = awsv2.String("admin") }
	failCases["rds.cluster-event-subscription"] = func(f *fx) { dropEventSub(f, "db-cluster") }
	failCases["rds.instance-event-subscription"] = func(f *fx) { dropEventSub(f, "db-instance") }
	failCases["rds.parameter-group-event-subscription"] = func(f *fx) { dropEventSub(f, "db-parameter-group") }
	failCases["rds.security-group-event-subscription"] = func(f *fx) { dropEventSub(f, "db-security-group") }

	auroraMember := func(f *fx) {
		d := db1(f)
		d.Engine, d.DBClusterIdentifier = awsv2.String("aurora-mysql"), awsv2.String("aurora1")
	}
	noClusters := func(f *fx) {
		op[rds.DescribeDBClustersOutput](f, acctW, region1, "rds", "DescribeDBClusters").DBClusters = nil
	}

	addDocCases(
		docCase{Rule: "rds.enhanced-monitoring", Source: mon, Quote: qEnhMon, Name: "interval 60", Want: findings.Passed},
		docCase{Rule: "rds.enhanced-monitoring", Source: mon, Quote: qEnhMon, Name: "interval 0",
			Mutate: func(f *fx) { db1(f).MonitoringInterval = awsv2.Int32(0) }, Want: findings.Failed},
		docCase{Rule: "rds.enhanced-monitoring", Source: mon, Quote: qEnhMonValues, Name: "interval 1 (shortest)",
			Mutate: func(f *fx) { db1(f).MonitoringInterval = awsv2.Int32(1) }, Want: findings.Passed},

		docCase{Rule: "rds.logging-enabled", Source: rdsPage, Quote: qLoggingPG, Name: "postgres exporting postgresql and upgrade", Want: findings.Passed},
		docCase{Rule: "rds.logging-enabled", Source: logs, Quote: qLogging, Name: "postgres without the upgrade log",
			Mutate: func(f *fx) { db1(f).EnabledCloudwatchLogsExports = []string{"postgresql"} }, Want: findings.Failed},
		docCase{Rule: "rds.logging-enabled", Source: logs, Quote: qLoggingStatus, Name: "stopped instance without logs",
			Mutate: func(f *fx) {
				db1(f).EnabledCloudwatchLogsExports, db1(f).DBInstanceStatus = nil, awsv2.String("stopped")
			}, Want: findings.NotApplicable},
		docCase{Rule: "rds.logging-enabled", Source: rdsPage, Quote: "Aurora-MySQL: (Audit, Error, General, SlowQuery)", Name: "Aurora MySQL member whose cluster exports the four logs",
			Mutate: func(f *fx) { auroraMember(f); db1(f).EnabledCloudwatchLogsExports = nil }, Want: findings.Passed},

		docCase{Rule: "rds.instance-copy-tags-to-snapshots", Source: rdsPage, Quote: qCopyTagsInst, Name: "copy tags on", Want: findings.Passed},
		docCase{Rule: "rds.instance-copy-tags-to-snapshots", Source: rdsPage, Quote: qCopyTagsInst, Name: "copy tags off",
			Mutate: func(f *fx) { db1(f).CopyTagsToSnapshot = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.instance-copy-tags-to-snapshots", Source: apiCreate, Quote: qCopyTagsAurora, Name: "Aurora member (the cluster decides)",
			Mutate: func(f *fx) { auroraMember(f); db1(f).CopyTagsToSnapshot = awsv2.Bool(false) }, Want: findings.NotApplicable},

		docCase{Rule: "rds.instance-in-vpc", Source: rdsPage, Quote: qInVPC, Name: "subnet group in a VPC", Want: findings.Passed},
		docCase{Rule: "rds.instance-in-vpc", Source: rdsPage, Quote: qInVPC, Name: "no DB subnet group (EC2-Classic)",
			Mutate: func(f *fx) { db1(f).DBSubnetGroup = nil }, Want: findings.Failed},
		docCase{Rule: "rds.instance-in-vpc", Source: rdsPage, Quote: qInVPC, Name: "subnet group without a VPC id",
			Mutate: func(f *fx) {
				db1(f).DBSubnetGroup = &rdstypes.DBSubnetGroup{DBSubnetGroupName: awsv2.String("default")}
			}, Want: findings.Failed},

		docCase{Rule: "rds.no-default-port", Source: rdsPage, Quote: qPort, Name: "postgres on 5433", Want: findings.Passed},
		docCase{Rule: "rds.no-default-port", Source: rdsPage, Quote: qPort, Name: "postgres on 5432",
			Mutate: func(f *fx) { db1(f).Endpoint.Port = awsv2.Int32(5432) }, Want: findings.Failed},
		docCase{Rule: "rds.no-default-port", Source: rdsPage, Quote: qPort, Name: "MySQL on 5432 (another engine's default)",
			Mutate: func(f *fx) {
				db1(f).Engine = awsv2.String("mysql")
				db1(f).Endpoint.Port = awsv2.Int32(5432)
			}, Want: findings.Passed},
		docCase{Rule: "rds.no-default-port", Source: rdsPage, Quote: qPort, Name: "SQL Server on 1433",
			Mutate: func(f *fx) {
				db1(f).Engine = awsv2.String("sqlserver-se")
				db1(f).Endpoint.Port = awsv2.Int32(1433)
			}, Want: findings.Failed},

		docCase{Rule: "rds.instance-custom-admin", Source: rdsPage, Quote: qAdminInst, Name: "administrator dbowner", Want: findings.Passed},
		docCase{Rule: "rds.instance-custom-admin", Source: adminC, Quote: qAdminDefaults, Name: "administrator postgres",
			Mutate: func(f *fx) { db1(f).MasterUsername = awsv2.String("postgres") }, Want: findings.Failed},
		docCase{Rule: "rds.instance-custom-admin", Source: rdsPage, Quote: qAdminEngines, Name: "DocumentDB instance named admin",
			Mutate: func(f *fx) {
				db1(f).Engine = awsv2.String("docdb")
				db1(f).MasterUsername = awsv2.String("admin")
			}, Want: findings.NotApplicable},

		docCase{Rule: "rds.cluster-deletion-protection", Source: rdsPage, Quote: qClusterDel, Name: "protected cluster", Want: findings.Passed},
		docCase{Rule: "rds.cluster-deletion-protection", Source: rdsPage, Quote: qClusterDel, Name: "unprotected cluster",
			Mutate: func(f *fx) { aurora1(f).DeletionProtection = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.cluster-deletion-protection", Source: rdsPage, Quote: qClusterDel, Name: "no clusters in the region",
			Mutate: noClusters, Want: findings.NotApplicable},

		docCase{Rule: "rds.cluster-iam-authentication", Source: rdsPage, Quote: qClusterIAM, Name: "IAM authentication on", Want: findings.Passed},
		docCase{Rule: "rds.cluster-iam-authentication", Source: rdsPage, Quote: qClusterIAM, Name: "IAM authentication off",
			Mutate: func(f *fx) { aurora1(f).IAMDatabaseAuthenticationEnabled = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.cluster-iam-authentication", Source: rdsPage, Quote: qClusterIAM, Name: "IAM authentication unset",
			Mutate: func(f *fx) { aurora1(f).IAMDatabaseAuthenticationEnabled = nil }, Want: findings.Failed},

		docCase{Rule: "rds.aurora-mysql-backtracking", Source: bt, Quote: qBacktrack, Name: "24-hour window", Want: findings.Passed},
		docCase{Rule: "rds.aurora-mysql-backtracking", Source: bt, Quote: qBacktrack, Name: "window 0",
			Mutate: func(f *fx) { aurora1(f).BacktrackWindow = awsv2.Int64(0) }, Want: findings.Failed},
		docCase{Rule: "rds.aurora-mysql-backtracking", Source: bt, Quote: qBacktrack, Name: "Aurora PostgreSQL (not MySQL)",
			Mutate: func(f *fx) { aurora1(f).Engine, aurora1(f).BacktrackWindow = awsv2.String("aurora-postgresql"), nil }, Want: findings.NotApplicable},

		docCase{Rule: "rds.cluster-multi-az", Source: maz, Quote: qClusterMultiAZ, Name: "multiAZ true", Want: findings.Passed},
		docCase{Rule: "rds.cluster-multi-az", Source: maz, Quote: qClusterMultiAZ, Name: "multiAZ false",
			Mutate: func(f *fx) { aurora1(f).MultiAZ = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.cluster-multi-az", Source: maz, Quote: qClusterMultiAZ, Name: "no clusters in the region",
			Mutate: noClusters, Want: findings.NotApplicable},

		docCase{Rule: "rds.cluster-copy-tags-to-snapshots", Source: rdsPage, Quote: qCopyTagsClu, Name: "copy tags on", Want: findings.Passed},
		docCase{Rule: "rds.cluster-copy-tags-to-snapshots", Source: rdsPage, Quote: qCopyTagsClu, Name: "copy tags off",
			Mutate: func(f *fx) { aurora1(f).CopyTagsToSnapshot = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.cluster-copy-tags-to-snapshots", Source: rdsPage, Quote: qCopyTagsClu, Name: "copy tags unset",
			Mutate: func(f *fx) { aurora1(f).CopyTagsToSnapshot = nil }, Want: findings.Failed},

		docCase{Rule: "rds.cluster-custom-admin", Source: rdsPage, Quote: qAdminCluster, Name: "administrator dbowner", Want: findings.Passed},
		docCase{Rule: "rds.cluster-custom-admin", Source: adminC, Quote: qAdminDefaults, Name: "administrator admin",
			Mutate: func(f *fx) { aurora1(f).MasterUsername = awsv2.String("admin") }, Want: findings.Failed},
		docCase{Rule: "rds.cluster-custom-admin", Source: rdsPage, Quote: qAdminEngines, Name: "Neptune cluster named admin",
			Mutate: func(f *fx) {
				aurora1(f).Engine = awsv2.String("neptune")
				aurora1(f).MasterUsername = awsv2.String("admin")
			}, Want: findings.NotApplicable},

		docCase{Rule: "rds.cluster-event-subscription", Source: rdsPage, Quote: qEvtCluster, Name: "db-cluster subscription for maintenance and failure", Want: findings.Passed},
		docCase{Rule: "rds.cluster-event-subscription", Source: rdsPage, Quote: qEvtCluster, Name: "db-cluster subscription for failure only",
			Mutate: func(f *fx) { eventSub(f, "db-cluster").EventCategoriesList = []string{"failure"} }, Want: findings.Failed},
		docCase{Rule: "rds.cluster-event-subscription", Source: rdsPage, Quote: qEvtAll, Name: "db-cluster subscription for all categories",
			Mutate: func(f *fx) { eventSub(f, "db-cluster").EventCategoriesList = nil }, Want: findings.Passed},

		docCase{Rule: "rds.instance-event-subscription", Source: rdsPage, Quote: qEvtInstance, Name: "db-instance subscription for the three categories", Want: findings.Passed},
		docCase{Rule: "rds.instance-event-subscription", Source: rdsPage, Quote: qEvtInstance, Name: "subscription disabled",
			Mutate: func(f *fx) { eventSub(f, "db-instance").Enabled = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "rds.instance-event-subscription", Source: rdsPage, Quote: qEvtAllSources, Name: "subscription limited to one instance",
			Mutate: func(f *fx) { eventSub(f, "db-instance").SourceIdsList = []string{"db1"} }, Want: findings.Failed},

		docCase{Rule: "rds.parameter-group-event-subscription", Source: rdsPage, Quote: qEvtPG, Name: "db-parameter-group subscription", Want: findings.Passed},
		docCase{Rule: "rds.parameter-group-event-subscription", Source: rdsPage, Quote: qEvtPG, Name: "no db-parameter-group subscription",
			Mutate: func(f *fx) { dropEventSub(f, "db-parameter-group") }, Want: findings.Failed},
		docCase{Rule: "rds.parameter-group-event-subscription", Source: rdsPage, Quote: qEvtAll, Name: "db-parameter-group subscription for all categories",
			Mutate: func(f *fx) { eventSub(f, "db-parameter-group").EventCategoriesList = nil }, Want: findings.Passed},

		docCase{Rule: "rds.security-group-event-subscription", Source: rdsPage, Quote: qEvtSG, Name: "db-security-group subscription", Want: findings.Passed},
		docCase{Rule: "rds.security-group-event-subscription", Source: rdsPage, Quote: qEvtSG, Name: "db-security-group subscription for failure only",
			Mutate: func(f *fx) { eventSub(f, "db-security-group").EventCategoriesList = []string{"failure"} }, Want: findings.Failed},
		docCase{Rule: "rds.security-group-event-subscription", Source: rdsPage, Quote: qEvtSG, Name: "subscription of another source type only",
			Mutate: func(f *fx) { dropEventSub(f, "db-security-group") }, Want: findings.Failed},
	)
}
