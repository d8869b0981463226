package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qRSPublic  = "The rule is NON_COMPLIANT if the publiclyAccessible field is True in the cluster configuration item."
	qRSTLS     = "The rule is NON_COMPLIANT if any Amazon Redshift cluster has parameter require_SSL not set to true."
	qRSBackup  = "The rule is NON_COMPLIANT if the value for automatedSnapshotRetentionPeriod is greater than MaxRetentionPeriod or less than MinRetentionPeriod or the value is 0."
	qRSAudit   = "The rule is NON_COMPLIANT if audit logging is not enabled for a Redshift cluster or if the 'bucketNames' parameter is provided but the audit logging destination does not match."
	qRSUpgrade = "The rule is NON_COMPLIANT if the automatic upgrades to major version is disabled."
	qRSRouting = "The rule is NON_COMPLIANT if 'enhancedVpcRouting' is not enabled or if the configuration.enhancedVpcRouting field is 'false'."
	qRSAdmin   = "The rule is NON_COMPLIANT if the admin username for a Redshift cluster is set to “awsuser” or if the username does not match what is listed in parameter."
	qRSDBName  = "The rule is NON_COMPLIANT if the database name for a Redshift cluster is set to “dev”, or if the optional parameter is provided and the database name does not match."
)

func setRequireSSL(f *fx, value string) {
	for i, p := range warehouseParams(f).Parameters {
		if awsv2.ToString(p.ParameterName) == "require_ssl" {
			warehouseParams(f).Parameters[i].ParameterValue = awsv2.String(value)
		}
	}
}

func init() {
	failCases["redshift.public-access"] = func(f *fx) { warehouse(f).PubliclyAccessible = awsv2.Bool(true) }
	failCases["redshift.require-ssl"] = func(f *fx) { setRequireSSL(f, "false") }
	failCases["redshift.automatic-snapshots"] = func(f *fx) { warehouse(f).AutomatedSnapshotRetentionPeriod = awsv2.Int32(0) }
	failCases["redshift.audit-logging"] = func(f *fx) {
		f.setRes(acctW, region1, "redshift", "DescribeLoggingStatus", "warehouse", &redshift.DescribeLoggingStatusOutput{LoggingEnabled: awsv2.Bool(false)})
	}
	failCases["redshift.version-upgrade"] = func(f *fx) { warehouse(f).AllowVersionUpgrade = awsv2.Bool(false) }
	failCases["redshift.enhanced-vpc-routing"] = func(f *fx) { warehouse(f).EnhancedVpcRouting = awsv2.Bool(false) }
	failCases["redshift.default-admin-username"] = func(f *fx) { warehouse(f).MasterUsername = awsv2.String("awsuser") }
	failCases["redshift.default-db-name"] = func(f *fx) { warehouse(f).DBName = awsv2.String("dev") }

	noClusters := func(f *fx) {
		op[redshift.DescribeClustersOutput](f, acctW, region1, "redshift", "DescribeClusters").Clusters = nil
	}
	const res = "cluster:warehouse"
	c := func(rule, page, quote, name string, mutate func(*fx), want findings.Status) docCase {
		r := res
		if want == findings.NotApplicable {
			r = ""
		}
		return docCase{Rule: rule, Source: cfgDoc(page), Quote: quote, Name: name, Mutate: mutate, Resource: r, Want: want}
	}
	addDocCases(
		// Redshift.1
		c("redshift.public-access", "redshift-cluster-public-access-check", qRSPublic, "publiclyAccessible false", nil, findings.Passed),
		c("redshift.public-access", "redshift-cluster-public-access-check", qRSPublic, "publiclyAccessible true", failCases["redshift.public-access"], findings.Failed),
		c("redshift.public-access", "redshift-cluster-public-access-check",
			"Checks if Amazon Redshift clusters are not publicly accessible.", "a region without clusters", noClusters, findings.NotApplicable),

		// Redshift.2
		c("redshift.require-ssl", "redshift-require-tls-ssl", qRSTLS, "require_ssl true", nil, findings.Passed),
		c("redshift.require-ssl", "redshift-require-tls-ssl", qRSTLS, "require_ssl false", failCases["redshift.require-ssl"], findings.Failed),
		c("redshift.require-ssl", "redshift-require-tls-ssl", qRSTLS, "the default parameter group (require_ssl left at false)", func(f *fx) {
			warehouse(f).ClusterParameterGroups = []rstypes.ClusterParameterGroupStatus{{ParameterGroupName: awsv2.String("default.redshift-1.0")}}
			f.setRes(acctW, region1, "redshift", "DescribeClusterParameters", "default.redshift-1.0", &redshift.DescribeClusterParametersOutput{Parameters: []rstypes.Parameter{
				{ParameterName: awsv2.String("require_ssl"), ParameterValue: awsv2.String("false"), Source: awsv2.String("engine-default")}}})
		}, findings.Failed),

		// Redshift.3
		c("redshift.automatic-snapshots", "redshift-backup-enabled", qRSBackup, "7-day retention", nil, findings.Passed),
		c("redshift.automatic-snapshots", "redshift-backup-enabled", qRSBackup, "retention 0 (automated snapshots off)", failCases["redshift.automatic-snapshots"], findings.Failed),
		c("redshift.automatic-snapshots", "redshift-backup-enabled", qRSBackup, "1-day retention, the least MinRetentionPeriod allows",
			func(f *fx) { warehouse(f).AutomatedSnapshotRetentionPeriod = awsv2.Int32(1) }, findings.Passed),

		// Redshift.4
		c("redshift.audit-logging", "redshift-audit-logging-enabled", qRSAudit, "audit logging to CloudWatch Logs", nil, findings.Passed),
		c("redshift.audit-logging", "redshift-audit-logging-enabled", qRSAudit, "audit logging off", failCases["redshift.audit-logging"], findings.Failed),
		c("redshift.audit-logging", "redshift-audit-logging-enabled", qRSAudit, "audit logging to an S3 bucket", func(f *fx) {
			f.setRes(acctW, region1, "redshift", "DescribeLoggingStatus", "warehouse", &redshift.DescribeLoggingStatusOutput{LoggingEnabled: awsv2.Bool(true),
				BucketName: awsv2.String("redshift-audit-" + acctW), LogDestinationType: rstypes.LogDestinationTypeS3})
		}, findings.Passed),

		// Redshift.6
		c("redshift.version-upgrade", "redshift-cluster-maintenancesettings-check", qRSUpgrade, "version upgrades allowed", nil, findings.Passed),
		c("redshift.version-upgrade", "redshift-cluster-maintenancesettings-check", qRSUpgrade, "version upgrades disallowed", failCases["redshift.version-upgrade"], findings.Failed),
		c("redshift.version-upgrade", "redshift-cluster-maintenancesettings-check",
			"Checks if Amazon Redshift clusters have the specified maintenance settings.", "a region without clusters", noClusters, findings.NotApplicable),

		// Redshift.7
		c("redshift.enhanced-vpc-routing", "redshift-enhanced-vpc-routing-enabled", qRSRouting, "enhancedVpcRouting true", nil, findings.Passed),
		c("redshift.enhanced-vpc-routing", "redshift-enhanced-vpc-routing-enabled", qRSRouting, "enhancedVpcRouting false", failCases["redshift.enhanced-vpc-routing"], findings.Failed),
		c("redshift.enhanced-vpc-routing", "redshift-enhanced-vpc-routing-enabled", qRSRouting, "enhancedVpcRouting absent",
			func(f *fx) { warehouse(f).EnhancedVpcRouting = nil }, findings.Failed),

		// Redshift.8
		c("redshift.default-admin-username", "redshift-default-admin-check", qRSAdmin, "a unique admin user name", nil, findings.Passed),
		c("redshift.default-admin-username", "redshift-default-admin-check", qRSAdmin, "admin user awsuser", failCases["redshift.default-admin-username"], findings.Failed),
		c("redshift.default-admin-username", "redshift-default-admin-check", qRSAdmin, "an admin user name that merely contains awsuser",
			func(f *fx) { warehouse(f).MasterUsername = awsv2.String("awsuser_etl") }, findings.Passed),

		// Redshift.9
		c("redshift.default-db-name", "redshift-default-db-name-check", qRSDBName, "database analytics", nil, findings.Passed),
		c("redshift.default-db-name", "redshift-default-db-name-check", qRSDBName, "database dev", failCases["redshift.default-db-name"], findings.Failed),
		c("redshift.default-db-name", "redshift-default-db-name-check", qRSDBName, "database development",
			func(f *fx) { warehouse(f).DBName = awsv2.String("development") }, findings.Passed),
	)
}
