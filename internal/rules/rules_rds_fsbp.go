package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeDBCluster = "AWS::RDS::DBCluster"

	readDBInstances = "rds:DescribeDBInstances"
	readDBClusters  = "rds:DescribeDBClusters"
	readEventSubs   = "rds:DescribeEventSubscriptions"
)

// The rest of Security Hub's RDS controls that DescribeDBInstances,
// DescribeDBClusters and DescribeEventSubscriptions answer: instance
// settings (RDS.6, 9, 17, 18, 23, 25), cluster settings (RDS.7, 12, 14,
// 15, 16, 24) and the event notification subscriptions (RDS.19–22).
func init() {
	inst := func(id, title string, sev severity.Level, sh, cfg, csf, rationale, remediation string, check func(*Ctx) error, reads ...string) *Rule {
		return &Rule{ID: id, Title: title, Severity: sev, Scope: ScopeRegion, ResourceType: typeDB, Services: []string{"rds"},
			Rationale: rationale, Remediation: remediation, Reads: append([]string{readDBInstances}, reads...),
			Mappings: findings.Mappings{ConfigRule: cfg, SecurityHub: sh, NistCsf: csf}, check: check}
	}
	cluster := func(id, title string, sev severity.Level, sh, cfg, csf, rationale, remediation string, check func(*Ctx) error) *Rule {
		return &Rule{ID: id, Title: title, Severity: sev, Scope: ScopeRegion, ResourceType: typeDBCluster, Services: []string{"rds"},
			Rationale: rationale, Remediation: remediation, Reads: []string{readDBClusters},
			Mappings: findings.Mappings{ConfigRule: cfg, SecurityHub: sh, NistCsf: csf}, check: check}
	}
	events := func(id, title, sh string, need eventNeed) *Rule {
		reads := []string{readEventSubs, readDBClusters}
		if need.sourceType != "db-cluster" {
			reads = append(reads, readDBInstances)
		}
		return &Rule{ID: id, Title: title, Severity: severity.Low, Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"rds"},
			Rationale: "RDS event notifications tell the on-call team through SNS when a " + need.what + " fails, is changed or goes into maintenance, instead of someone noticing later.",
			Remediation: fmt.Sprintf("Create an RDS event subscription with source type %s for all sources, the categories %s (or all categories), sending to an SNS topic someone reads.",
				need.sourceType, strings.Join(need.categories, ", ")),
			Reads:    reads,
			Mappings: findings.Mappings{SecurityHub: sh, NistCsf: "DE.CM"},
			check:    func(c *Ctx) error { return checkEventSubscription(c, need) }}
	}
	register(
		inst("rds.enhanced-monitoring", "RDS instances have Enhanced Monitoring enabled", severity.Low, "RDS.6", "RDS_ENHANCED_MONITORING_ENABLED", "DE.CM",
			"Enhanced Monitoring reports the operating-system metrics of the instance (processes, memory, file system), which the hypervisor-level CloudWatch metrics miss.",
			"Modify the instance with --monitoring-interval 60 (or 1, 5, 10, 15, 30) and --monitoring-role-arn of a role trusted by monitoring.rds.amazonaws.com.",
			checkRDSEnhancedMonitoring),
		inst("rds.logging-enabled", "RDS instances export their database logs to CloudWatch Logs", severity.Medium, "RDS.9", "RDS_LOGGING_ENABLED", "DE.CM",
			"Database logs (errors, audit, slow and general queries) are the record of who did what in the database; exported to CloudWatch Logs they outlive the instance and can be searched and alarmed on.",
			"Modify the instance (or its Aurora cluster) with --cloudwatch-logs-export-configuration EnableLogTypes=<the engine's log types>; MySQL and MariaDB also need general_log and slow_query_log in a custom parameter group.",
			checkRDSLogging, readDBClusters),
		inst("rds.instance-copy-tags-to-snapshots", "RDS instances copy their tags to snapshots", severity.Low, "RDS.17", "", "ID.AM",
			"Snapshots that inherit the instance's tags keep their owner, cost center and data classification, so they are inventoried and governed like the database.",
			"Modify the instance with --copy-tags-to-snapshot.",
			checkRDSInstanceCopyTags),
		inst("rds.instance-in-vpc", "RDS instances are deployed in a VPC", severity.High, "RDS.18", "", "PR.IR",
			"Inside a VPC an instance sits behind security groups, network ACLs and private subnets; outside one none of those controls apply.",
			"Move the instance into a DB subnet group of a VPC (modify it with --db-subnet-group-name, or restore a snapshot into the VPC).",
			checkRDSInVPC),
		inst("rds.no-default-port", "RDS instances do not listen on their engine's default port", severity.Low, "RDS.23", "", "PR.IR",
			"Scanners try the well-known database ports first; a non-default port keeps an exposed instance out of the cheapest sweeps.",
			"Modify the instance with --db-port-number set to a non-default port, then update the security groups and connection strings.",
			checkRDSDefaultPort),
		inst("rds.instance-custom-admin", "RDS instances use a custom administrator username", severity.Medium, "RDS.25", "RDS_INSTANCE_DEFAULT_ADMIN_CHECK", "PR.AA",
			"Default administrator names (admin, postgres) are public knowledge: an attacker only has to guess the password.",
			"The master username cannot be changed: create a new instance (or restore a snapshot) with a custom --master-username and move the data.",
			checkRDSInstanceAdmin),

		cluster("rds.cluster-deletion-protection", "RDS DB clusters have deletion protection enabled", severity.Low, "RDS.7", "RDS_CLUSTER_DELETION_PROTECTION_ENABLED", "PR.DS",
			"Deletion protection stops a mistaken or malicious DeleteDBCluster until someone turns it off on purpose.",
			"Modify the cluster with --deletion-protection.",
			checkRDSClusterDeletionProtection),
		cluster("rds.cluster-iam-authentication", "RDS DB clusters have IAM database authentication enabled", severity.Medium, "RDS.12", "RDS_CLUSTER_IAM_AUTHENTICATION_ENABLED", "PR.AA",
			"IAM database authentication replaces long-lived database passwords with short-lived tokens tied to IAM identities.",
			"Modify the cluster with --enable-iam-database-authentication and grant rds-db:connect to the roles that need it.",
			checkRDSClusterIAMAuth),
		cluster("rds.aurora-mysql-backtracking", "Aurora MySQL clusters have backtracking enabled", severity.Medium, "RDS.14", "AURORA_MYSQL_BACKTRACKING_ENABLED", "RC.RP",
			"Backtracking rewinds an Aurora MySQL cluster to a point in time in minutes, without restoring a snapshot into a new cluster.",
			"Backtracking cannot be turned on for an existing cluster: clone or restore the cluster with --backtrack-window (seconds, up to 72 hours) and switch to it.",
			checkAuroraBacktracking),
		cluster("rds.cluster-multi-az", "RDS DB clusters span multiple Availability Zones", severity.Medium, "RDS.15", "RDS_CLUSTER_MULTI_AZ_ENABLED", "PR.IR",
			"A cluster with instances in one zone only has nowhere to fail over when that zone fails.",
			"Add a reader instance in another Availability Zone to the cluster (aws rds create-db-instance --db-cluster-identifier ... --availability-zone ...).",
			checkRDSClusterMultiAZ),
		cluster("rds.cluster-copy-tags-to-snapshots", "RDS DB clusters copy their tags to snapshots", severity.Low, "RDS.16", "", "ID.AM",
			"Cluster snapshots that inherit the cluster's tags keep their owner, cost center and data classification, so they are inventoried and governed like the database.",
			"Modify the cluster with --copy-tags-to-snapshot.",
			checkRDSClusterCopyTags),
		cluster("rds.cluster-custom-admin", "RDS DB clusters use a custom administrator username", severity.Medium, "RDS.24", "RDS_CLUSTER_DEFAULT_ADMIN_CHECK", "PR.AA",
			"Default administrator names (admin, postgres) are public knowledge: an attacker only has to guess the password.",
			"The master username cannot be changed: create a new cluster (or restore a snapshot) with a custom --master-username and move the data.",
			checkRDSClusterAdmin),

		events("rds.cluster-event-subscription", "An RDS event subscription covers critical DB cluster events", "RDS.19",
			eventNeed{sourceType: "db-cluster", what: "DB cluster", categories: []string{"failure", "maintenance"}}),
		events("rds.instance-event-subscription", "An RDS event subscription covers critical DB instance events", "RDS.20",
			eventNeed{sourceType: "db-instance", what: "DB instance", categories: []string{"configuration change", "failure", "maintenance"}}),
		events("rds.parameter-group-event-subscription", "An RDS event subscription covers critical DB parameter group events", "RDS.21",
			eventNeed{sourceType: "db-parameter-group", what: "DB parameter group", categories: []string{"configuration change"}}),
		events("rds.security-group-event-subscription", "An RDS event subscription covers critical DB security group events", "RDS.22",
			eventNeed{sourceType: "db-security-group", what: "DB security group", categories: []string{"configuration change", "failure"}}),
	)
}

// judgedStatuses are the instance states AWS Config's RDS rules evaluate;
// an instance in any other state (creating, stopped, deleting) is
// NOT_APPLICABLE.
var judgedStatuses = []string{"available", "backing-up", "storage-optimization", "storage-full"}

func judgedStatus(db *rdstypes.DBInstance) bool {
	s := strings.ToLower(aws(db.DBInstanceStatus))
	return s == "" || slices.Contains(judgedStatuses, s)
}

// inAuroraCluster says whether the instance is a member of a cluster
// whose engine keeps storage-level settings on the cluster.
func inAuroraCluster(db *rdstypes.DBInstance) bool {
	return db.DBClusterIdentifier != nil && clusterEngine(aws(db.Engine))
}

func checkRDSEnhancedMonitoring(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		iv := int32(0)
		if db.MonitoringInterval != nil {
			iv = *db.MonitoringInterval
		}
		c.Check(iv > 0, arn, fmt.Sprintf("%s collects Enhanced Monitoring metrics every %d s", id, iv),
			id+" has Enhanced Monitoring off (monitoring interval 0)")
	})
}

// requiredLogs are the log types Security Hub's RDS.9 expects each
// engine to export to CloudWatch Logs.
func requiredLogs(engine string) []string {
	e := strings.ToLower(engine)
	switch {
	case strings.HasPrefix(e, "custom-"):
		return nil
	case strings.HasPrefix(e, "oracle"):
		return []string{"alert", "audit", "listener", "trace"}
	case e == "postgres", e == "aurora-postgresql":
		return []string{"postgresql", "upgrade"}
	case e == "mysql", e == "mariadb", e == "aurora", e == "aurora-mysql":
		return []string{"audit", "error", "general", "slowquery"}
	case strings.HasPrefix(e, "sqlserver"):
		return []string{"agent", "error"}
	}
	return nil
}

func checkRDSLogging(c *Ctx) error {
	clusters, cerr := get[rds.DescribeDBClustersOutput](c.v, c.Region, "rds", "DescribeDBClusters")
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		need := requiredLogs(aws(db.Engine))
		switch {
		case need == nil:
			c.NA(arn, "%s runs %s, for which RDS.9 names no log types", id, aws(db.Engine))
			return
		case !judgedStatus(db):
			c.NA(arn, "%s is %s", id, aws(db.DBInstanceStatus))
			return
		}
		have := slices.Clone(db.EnabledCloudwatchLogsExports)
		if inAuroraCluster(db) {
			// Aurora exports logs from the cluster, not the instance.
			if cerr != nil {
				c.Err(arn, cerr)
				return
			}
			if cl := findCluster(clusters, aws(db.DBClusterIdentifier)); cl != nil {
				have = append(have, cl.EnabledCloudwatchLogsExports...)
			}
		}
		var missing []string
		for _, l := range need {
			if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, l) }) {
				missing = append(missing, l)
			}
		}
		c.Check(len(missing) == 0, arn, id+" exports "+strings.Join(need, ", ")+" logs to CloudWatch Logs",
			id+" does not export "+strings.Join(missing, ", ")+" logs to CloudWatch Logs")
	})
}

func findCluster(out *rds.DescribeDBClustersOutput, id string) *rdstypes.DBCluster {
	if out == nil {
		return nil
	}
	for i := range out.DBClusters {
		if aws(out.DBClusters[i].DBClusterIdentifier) == id {
			return &out.DBClusters[i]
		}
	}
	return nil
}

func checkRDSInstanceCopyTags(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		if inAuroraCluster(db) {
			c.NA(arn, "%s belongs to cluster %s, which decides whether snapshots get its tags", id, aws(db.DBClusterIdentifier))
			return
		}
		on := db.CopyTagsToSnapshot != nil && *db.CopyTagsToSnapshot
		c.Check(on, arn, id+" copies its tags to snapshots", id+" does not copy its tags to snapshots")
	})
}

func checkRDSInVPC(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		vpc := ""
		if db.DBSubnetGroup != nil {
			vpc = aws(db.DBSubnetGroup.VpcId)
		}
		c.Check(vpc != "", arn, id+" is in "+vpc, id+" has no DB subnet group in a VPC (EC2-Classic)")
	})
}

// defaultPort returns the port an engine listens on unless told
// otherwise, or 0 for engines RDS.23 does not judge.
func defaultPort(engine string) int32 {
	e := strings.TrimPrefix(strings.ToLower(engine), "custom-")
	switch {
	case e == "mysql", e == "mariadb", e == "aurora", e == "aurora-mysql":
		return 3306
	case e == "postgres", e == "aurora-postgresql":
		return 5432
	case strings.HasPrefix(e, "oracle"):
		return 1521
	case strings.HasPrefix(e, "sqlserver"):
		return 1433
	case strings.HasPrefix(e, "db2"):
		return 50000
	}
	return 0
}

func checkRDSDefaultPort(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		def := defaultPort(aws(db.Engine))
		var port int32
		if db.Endpoint != nil && db.Endpoint.Port != nil {
			port = *db.Endpoint.Port
		} else if db.DbInstancePort != nil {
			port = *db.DbInstancePort
		}
		switch {
		case def == 0:
			c.NA(arn, "%s runs %s, which has no default port RDS.23 judges", id, aws(db.Engine))
		case port == 0:
			c.NA(arn, "%s has no endpoint yet (%s)", id, aws(db.DBInstanceStatus))
		default:
			c.Check(port != def, arn, fmt.Sprintf("%s listens on %d, not %s's default %d", id, port, aws(db.Engine), def),
				fmt.Sprintf("%s listens on %s's default port %d", id, aws(db.Engine), def))
		}
	})
}

// defaultAdmins are the administrator usernames RDS_INSTANCE_DEFAULT_ADMIN_CHECK
// and RDS_CLUSTER_DEFAULT_ADMIN_CHECK treat as defaults.
var defaultAdmins = []string{"admin", "postgres"}

// adminJudged says whether RDS.24/RDS.25 apply to the engine (not
// Neptune, not DocumentDB).
func adminJudged(engine string) bool {
	e := strings.ToLower(engine)
	return e != "neptune" && e != "docdb"
}

func judgeAdmin(c *Ctx, arn, id, engine, user string) {
	switch {
	case !adminJudged(engine):
		c.NA(arn, "%s runs %s, which RDS.24 and RDS.25 do not judge", id, engine)
	case user == "":
		c.Err(arn, fmt.Errorf("no MasterUsername for %s", id))
	default:
		c.Check(!slices.Contains(defaultAdmins, strings.ToLower(user)), arn, id+"'s administrator is "+user,
			id+" keeps the default administrator username "+user)
	}
}

func checkRDSInstanceAdmin(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		judgeAdmin(c, arn, id, aws(db.Engine), aws(db.MasterUsername))
	})
}

// eachCluster calls fn for every DB cluster of the region with its ARN.
func eachCluster(c *Ctx, fn func(cl *rdstypes.DBCluster, arn, id, engine string)) error {
	out, err := get[rds.DescribeDBClustersOutput](c.v, c.Region, "rds", "DescribeDBClusters")
	if err != nil {
		return err
	}
	if len(out.DBClusters) == 0 {
		c.NA("", "no DB clusters in %s", c.Region)
	}
	for i := range out.DBClusters {
		cl := &out.DBClusters[i]
		id := aws(cl.DBClusterIdentifier)
		fn(cl, nonEmpty(aws(cl.DBClusterArn), c.arn("rds", c.Region, c.accountID(), "cluster:"+id)), id, strings.ToLower(aws(cl.Engine)))
	}
	return nil
}

func checkRDSClusterDeletionProtection(c *Ctx) error {
	return eachCluster(c, func(cl *rdstypes.DBCluster, arn, id, _ string) {
		on := cl.DeletionProtection != nil && *cl.DeletionProtection
		c.Check(on, arn, "cluster "+id+" has deletion protection", "cluster "+id+" has no deletion protection")
	})
}

func checkRDSClusterIAMAuth(c *Ctx) error {
	return eachCluster(c, func(cl *rdstypes.DBCluster, arn, id, engine string) {
		if engine == "docdb" {
			c.NA(arn, "cluster %s runs DocumentDB, which has no IAM database authentication", id)
			return
		}
		on := cl.IAMDatabaseAuthenticationEnabled != nil && *cl.IAMDatabaseAuthenticationEnabled
		c.Check(on, arn, "cluster "+id+" accepts IAM database authentication", "cluster "+id+" does not have IAM database authentication enabled")
	})
}

func checkAuroraBacktracking(c *Ctx) error {
	return eachCluster(c, func(cl *rdstypes.DBCluster, arn, id, engine string) {
		if engine != "aurora-mysql" && engine != "aurora" {
			c.NA(arn, "cluster %s runs %s; backtracking is an Aurora MySQL feature", id, engine)
			return
		}
		var w int64
		if cl.BacktrackWindow != nil {
			w = *cl.BacktrackWindow
		}
		c.Check(w > 0, arn, fmt.Sprintf("cluster %s can backtrack %d hours", id, w/3600),
			"cluster "+id+" has backtracking disabled (window 0)")
	})
}

func checkRDSClusterMultiAZ(c *Ctx) error {
	return eachCluster(c, func(cl *rdstypes.DBCluster, arn, id, engine string) {
		switch {
		case engine == "docdb" || engine == "neptune":
			c.NA(arn, "cluster %s runs %s, which RDS_CLUSTER_MULTI_AZ_ENABLED does not evaluate", id, engine)
		case cl.MultiAZ == nil:
			c.Err(arn, fmt.Errorf("DescribeDBClusters gives no MultiAZ for %s", id))
		default:
			c.Check(*cl.MultiAZ, arn, "cluster "+id+" has instances in several Availability Zones",
				"cluster "+id+" has all its instances in one Availability Zone")
		}
	})
}

func checkRDSClusterCopyTags(c *Ctx) error {
	return eachCluster(c, func(cl *rdstypes.DBCluster, arn, id, _ string) {
		on := cl.CopyTagsToSnapshot != nil && *cl.CopyTagsToSnapshot
		c.Check(on, arn, "cluster "+id+" copies its tags to snapshots", "cluster "+id+" does not copy its tags to snapshots")
	})
}

func checkRDSClusterAdmin(c *Ctx) error {
	return eachCluster(c, func(cl *rdstypes.DBCluster, arn, id, engine string) {
		judgeAdmin(c, arn, "cluster "+id, engine, aws(cl.MasterUsername))
	})
}

// eventNeed is what one of RDS.19–22 asks of an event subscription: its
// source type and the categories it must include.
type eventNeed struct {
	sourceType, what string
	categories       []string
}

// covers says whether an enabled subscription notifies every source of
// the type about the needed categories: no source id list (all
// sources), and no category list (all categories) or one that holds
// them all. A subscription without a source type covers every source
// type, as CreateEventSubscription documents.
func (n eventNeed) covers(s *rdstypes.EventSubscription) bool {
	if s.Enabled == nil || !*s.Enabled || len(s.SourceIdsList) > 0 {
		return false
	}
	if st := aws(s.SourceType); st != "" && !strings.EqualFold(st, n.sourceType) {
		return false
	}
	if len(s.EventCategoriesList) == 0 {
		return true
	}
	for _, want := range n.categories {
		if !slices.ContainsFunc(s.EventCategoriesList, func(h string) bool { return strings.EqualFold(h, want) }) {
			return false
		}
	}
	return true
}

func checkEventSubscription(c *Ctx, n eventNeed) error {
	clusters, err := get[rds.DescribeDBClustersOutput](c.v, c.Region, "rds", "DescribeDBClusters")
	if err != nil {
		return err
	}
	databases := len(clusters.DBClusters)
	if n.sourceType != "db-cluster" {
		dbs, err := get[rds.DescribeDBInstancesOutput](c.v, c.Region, "rds", "DescribeDBInstances")
		if err != nil {
			return err
		}
		databases += len(dbs.DBInstances)
	}
	if databases == 0 {
		kind := "DB instances or clusters"
		if n.sourceType == "db-cluster" {
			kind = "DB clusters"
		}
		c.NA("", "no %s in %s", kind, c.Region)
		return nil
	}
	subs, err := get[rds.DescribeEventSubscriptionsOutput](c.v, c.Region, "rds", "DescribeEventSubscriptions")
	if err != nil {
		return err
	}
	for i := range subs.EventSubscriptionsList {
		s := &subs.EventSubscriptionsList[i]
		if n.covers(s) {
			c.Pass("", "event subscription %s notifies %s about %s events of every %s", aws(s.CustSubscriptionId), aws(s.SnsTopicArn),
				strings.Join(n.categories, ", "), n.what)
			return nil
		}
	}
	c.Fail("", "no enabled RDS event subscription covers %s events of every %s in %s", strings.Join(n.categories, ", "), n.what, c.Region)
	return nil
}
