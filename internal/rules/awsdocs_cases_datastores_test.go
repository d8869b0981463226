package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	daxtypes "github.com/aws/aws-sdk-go-v2/service/dax/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qDDBScale     = "The rule is NON_COMPLIANT if either mode is used without auto scaling enabled"
	qDDBScaleWhat = "Checks if Amazon DynamoDB tables or global secondary indexes can process read/write capacity using on-demand mode or provisioned mode with auto scaling enabled."
	qDDBPITR      = "The rule is NON_COMPLIANT if PITR is not enabled for DynamoDB tables."
	qDAX          = "The rule is NON_COMPLIANT if a DAX cluster is not encrypted."

	qEC1      = "The control fails if the SnapshotRetentionLimit for the Redis cluster is less than 1."
	qEC2      = "This control fails if ElastiCache for Redis cache clusters do not have minor version upgrades automatically applied."
	qEC3      = "This control fails if automatic failover isn't enabled for a Redis replication group."
	qEC4      = "This control fails if an ElastiCache for Redis replication group isn't encrypted at rest."
	qEC5      = "This control fails if an ElastiCache for Redis replication group isn't encrypted in transit."
	qEC6      = "The control fails for an ElastiCache for Redis replication group if the Redis version of its nodes is below 6.0 and AuthToken isn't in use."
	qEC6Scope = "Since RBAC is not supported for Redis versions earlier than 6.0, this control only evaluates versions which can't use the RBAC feature."
	qEC7      = "The control fails for an ElastiCache cluster if CacheSubnetGroupName has the value default."
)

func init() {
	ecDoc := shDoc("elasticache-controls")
	dropTargets := func(f *fx, resource string) {
		st := scalableTargets(f)
		kept := st.ScalableTargets[:0]
		for _, t := range st.ScalableTargets {
			if awsv2.ToString(t.ResourceId) != resource {
				kept = append(kept, t)
			}
		}
		st.ScalableTargets = kept
	}
	setVersion := func(f *fx, v string) {
		for i := range cacheNodes(f) {
			cacheNodes(f)[i].EngineVersion = awsv2.String(v)
		}
	}
	addDocCases(
		// DynamoDB.1
		docCase{Rule: "dynamodb.autoscaling", Source: cfgDoc("dynamodb-autoscaling-enabled"), Quote: qDDBScaleWhat, Name: "provisioned, table and index auto scale",
			Resource: "table/orders", Want: findings.Passed},
		docCase{Rule: "dynamodb.autoscaling", Source: cfgDoc("dynamodb-autoscaling-enabled"), Quote: qDDBScaleWhat, Name: "on-demand capacity",
			Mutate: func(f *fx) {
				ordersTable(f).BillingModeSummary = &ddbtypes.BillingModeSummary{BillingMode: ddbtypes.BillingModePayPerRequest}
				scalableTargets(f).ScalableTargets = nil
			}, Resource: "table/orders", Want: findings.Passed},
		docCase{Rule: "dynamodb.autoscaling", Source: cfgDoc("dynamodb-autoscaling-enabled"), Quote: qDDBScale, Name: "provisioned without auto scaling",
			Mutate: func(f *fx) { scalableTargets(f).ScalableTargets = nil }, Resource: "table/orders", Want: findings.Failed},
		docCase{Rule: "dynamodb.autoscaling", Source: cfgDoc("dynamodb-autoscaling-enabled"), Quote: qDDBScaleWhat, Name: "a global secondary index without auto scaling",
			Mutate: func(f *fx) { dropTargets(f, "table/orders/index/by-customer") }, Resource: "table/orders", Want: findings.Failed},

		// DynamoDB.2
		docCase{Rule: "dynamodb.pitr-enabled", Source: cfgDoc("dynamodb-pitr-enabled"), Quote: qDDBPITR, Name: "PITR enabled",
			Resource: "table/orders", Want: findings.Passed},
		docCase{Rule: "dynamodb.pitr-enabled", Source: cfgDoc("dynamodb-pitr-enabled"), Quote: qDDBPITR, Name: "PITR disabled",
			Mutate:   func(f *fx) { ordersBackups(f).PointInTimeRecoveryStatus = ddbtypes.PointInTimeRecoveryStatusDisabled },
			Resource: "table/orders", Want: findings.Failed},
		docCase{Rule: "dynamodb.pitr-enabled", Source: cfgDoc("dynamodb-pitr-enabled"), Quote: qDDBPITR, Name: "a region without tables",
			Mutate: func(f *fx) {
				op[dynamodb.ListTablesOutput](f, acctW, region1, "dynamodb", "ListTables").TableNames = nil
			}, Want: findings.NotApplicable},

		// DynamoDB.3
		docCase{Rule: "dax.encryption-at-rest", Source: cfgDoc("dax-encryption-enabled"), Quote: qDAX, Name: "SSE enabled",
			Resource: "cache/cache", Want: findings.Passed},
		docCase{Rule: "dax.encryption-at-rest", Source: cfgDoc("dax-encryption-enabled"), Quote: qDAX, Name: "SSE disabled",
			Mutate: func(f *fx) {
				daxCluster(f).SSEDescription = &daxtypes.SSEDescription{Status: daxtypes.SSEStatusDisabled}
			},
			Resource: "cache/cache", Want: findings.Failed},
		docCase{Rule: "dax.encryption-at-rest", Source: cfgDoc("dax-encryption-enabled"), Quote: qDAX, Name: "no SSE description",
			Mutate: func(f *fx) { daxCluster(f).SSEDescription = nil }, Resource: "cache/cache", Want: findings.Failed},
		docCase{Rule: "dax.encryption-at-rest", Source: cfgDoc("dax-encryption-enabled"), Quote: qDAX, Name: "a region without DAX clusters",
			Mutate: func(f *fx) {
				op[dax.DescribeClustersOutput](f, acctW, region1, "dax", "DescribeClusters").Clusters = nil
			}, Want: findings.NotApplicable},

		// ElastiCache.1
		docCase{Rule: "elasticache.automatic-backups", Source: ecDoc, Quote: qEC1, Name: "replication group keeps 7 days",
			Resource: "replicationgroup:sessions", Want: findings.Passed},
		docCase{Rule: "elasticache.automatic-backups", Source: ecDoc, Quote: qEC1, Name: "replication group keeps none",
			Mutate: func(f *fx) { sessionsGroup(f).SnapshotRetentionLimit = awsv2.Int32(0) }, Resource: "replicationgroup:sessions", Want: findings.Failed},
		docCase{Rule: "elasticache.automatic-backups", Source: ecDoc, Quote: qEC1, Name: "standalone Redis cluster keeps none",
			Mutate: func(f *fx) {
				addCacheCluster(f, ectypes.CacheCluster{CacheClusterId: awsv2.String("scratch"), Engine: awsv2.String("redis"), EngineVersion: awsv2.String("7.1"),
					SnapshotRetentionLimit: awsv2.Int32(0), CacheSubnetGroupName: awsv2.String("app-cache"), AutoMinorVersionUpgrade: awsv2.Bool(true)})
			}, Resource: "cluster:scratch", Want: findings.Failed},
		docCase{Rule: "elasticache.automatic-backups", Source: ecDoc, Quote: qEC1, Name: "Memcached cluster only",
			Mutate: func(f *fx) {
				op[elasticache.DescribeReplicationGroupsOutput](f, acctW, region1, "elasticache", "DescribeReplicationGroups").ReplicationGroups = nil
				op[elasticache.DescribeCacheClustersOutput](f, acctW, region1, "elasticache", "DescribeCacheClusters").CacheClusters = []ectypes.CacheCluster{{
					CacheClusterId: awsv2.String("mc"), Engine: awsv2.String("memcached"), CacheSubnetGroupName: awsv2.String("app-cache")}}
			}, Want: findings.NotApplicable},

		// ElastiCache.2
		docCase{Rule: "elasticache.auto-minor-version-upgrade", Source: ecDoc, Quote: qEC2, Name: "AutoMinorVersionUpgrade true",
			Resource: "cluster:sessions-001", Want: findings.Passed},
		docCase{Rule: "elasticache.auto-minor-version-upgrade", Source: ecDoc, Quote: qEC2, Name: "AutoMinorVersionUpgrade false",
			Mutate: func(f *fx) { cacheNodes(f)[0].AutoMinorVersionUpgrade = awsv2.Bool(false) }, Resource: "cluster:sessions-001", Want: findings.Failed},
		docCase{Rule: "elasticache.auto-minor-version-upgrade", Source: ecDoc, Quote: qEC2, Name: "a Memcached cluster is not a Redis cluster",
			Mutate: func(f *fx) {
				op[elasticache.DescribeCacheClustersOutput](f, acctW, region1, "elasticache", "DescribeCacheClusters").CacheClusters = []ectypes.CacheCluster{{
					CacheClusterId: awsv2.String("mc"), Engine: awsv2.String("memcached"), AutoMinorVersionUpgrade: awsv2.Bool(false), CacheSubnetGroupName: awsv2.String("app-cache")}}
			}, Want: findings.NotApplicable},

		// ElastiCache.3
		docCase{Rule: "elasticache.automatic-failover", Source: ecDoc, Quote: qEC3, Name: "enabled", Resource: "replicationgroup:sessions", Want: findings.Passed},
		docCase{Rule: "elasticache.automatic-failover", Source: ecDoc, Quote: qEC3, Name: "disabled",
			Mutate: func(f *fx) { sessionsGroup(f).AutomaticFailover = ectypes.AutomaticFailoverStatusDisabled }, Resource: "replicationgroup:sessions", Want: findings.Failed},
		docCase{Rule: "elasticache.automatic-failover", Source: ecDoc, Quote: qEC3, Name: "no replication groups",
			Mutate: func(f *fx) {
				op[elasticache.DescribeReplicationGroupsOutput](f, acctW, region1, "elasticache", "DescribeReplicationGroups").ReplicationGroups = nil
			}, Want: findings.NotApplicable},

		// ElastiCache.4
		docCase{Rule: "elasticache.encrypted-at-rest", Source: ecDoc, Quote: qEC4, Name: "encrypted", Resource: "replicationgroup:sessions", Want: findings.Passed},
		docCase{Rule: "elasticache.encrypted-at-rest", Source: ecDoc, Quote: qEC4, Name: "not encrypted",
			Mutate: func(f *fx) { sessionsGroup(f).AtRestEncryptionEnabled = awsv2.Bool(false) }, Resource: "replicationgroup:sessions", Want: findings.Failed},
		docCase{Rule: "elasticache.encrypted-at-rest", Source: ecDoc, Quote: qEC4, Name: "the setting absent",
			Mutate: func(f *fx) { sessionsGroup(f).AtRestEncryptionEnabled = nil }, Resource: "replicationgroup:sessions", Want: findings.Failed},

		// ElastiCache.5
		docCase{Rule: "elasticache.encrypted-in-transit", Source: ecDoc, Quote: qEC5, Name: "TLS", Resource: "replicationgroup:sessions", Want: findings.Passed},
		docCase{Rule: "elasticache.encrypted-in-transit", Source: ecDoc, Quote: qEC5, Name: "no TLS",
			Mutate: func(f *fx) { sessionsGroup(f).TransitEncryptionEnabled = awsv2.Bool(false) }, Resource: "replicationgroup:sessions", Want: findings.Failed},
		docCase{Rule: "elasticache.encrypted-in-transit", Source: ecDoc, Quote: qEC5, Name: "the setting absent",
			Mutate: func(f *fx) { sessionsGroup(f).TransitEncryptionEnabled = nil }, Resource: "replicationgroup:sessions", Want: findings.Failed},

		// ElastiCache.6
		docCase{Rule: "elasticache.redis-auth", Source: ecDoc, Quote: qEC6, Name: "Redis 5.0.6 with an AUTH token", Resource: "replicationgroup:sessions", Want: findings.Passed},
		docCase{Rule: "elasticache.redis-auth", Source: ecDoc, Quote: qEC6, Name: "Redis 5.0.6 without an AUTH token",
			Mutate: func(f *fx) { sessionsGroup(f).AuthTokenEnabled = awsv2.Bool(false) }, Resource: "replicationgroup:sessions", Want: findings.Failed},
		docCase{Rule: "elasticache.redis-auth", Source: ecDoc, Quote: qEC6Scope, Name: "Redis 7.1 without an AUTH token",
			Mutate: func(f *fx) {
				sessionsGroup(f).AuthTokenEnabled = awsv2.Bool(false)
				setVersion(f, "7.1")
			}, Resource: "replicationgroup:sessions", Want: findings.NotApplicable},

		// ElastiCache.7
		docCase{Rule: "elasticache.custom-subnet-group", Source: ecDoc, Quote: qEC7, Name: "custom subnet group", Resource: "cluster:sessions-001", Want: findings.Passed},
		docCase{Rule: "elasticache.custom-subnet-group", Source: ecDoc, Quote: qEC7, Name: "default subnet group",
			Mutate: func(f *fx) { cacheNodes(f)[0].CacheSubnetGroupName = awsv2.String("default") }, Resource: "cluster:sessions-001", Want: findings.Failed},
		docCase{Rule: "elasticache.custom-subnet-group", Source: ecDoc, Quote: qEC7, Name: "a Memcached cluster in the default subnet group",
			Mutate: func(f *fx) {
				addCacheCluster(f, ectypes.CacheCluster{CacheClusterId: awsv2.String("mc"), Engine: awsv2.String("memcached"), CacheSubnetGroupName: awsv2.String("default")})
			}, Resource: "cluster:mc", Want: findings.Failed},
	)

	failCases["dynamodb.autoscaling"] = func(f *fx) { scalableTargets(f).ScalableTargets = nil }
	failCases["dynamodb.pitr-enabled"] = func(f *fx) { ordersBackups(f).PointInTimeRecoveryStatus = ddbtypes.PointInTimeRecoveryStatusDisabled }
	failCases["dax.encryption-at-rest"] = func(f *fx) { daxCluster(f).SSEDescription = nil }
	failCases["elasticache.automatic-backups"] = func(f *fx) { sessionsGroup(f).SnapshotRetentionLimit = awsv2.Int32(0) }
	failCases["elasticache.auto-minor-version-upgrade"] = func(f *fx) { cacheNodes(f)[1].AutoMinorVersionUpgrade = awsv2.Bool(false) }
	failCases["elasticache.automatic-failover"] = func(f *fx) { sessionsGroup(f).AutomaticFailover = ectypes.AutomaticFailoverStatusDisabled }
	failCases["elasticache.encrypted-at-rest"] = func(f *fx) { sessionsGroup(f).AtRestEncryptionEnabled = awsv2.Bool(false) }
	failCases["elasticache.encrypted-in-transit"] = func(f *fx) { sessionsGroup(f).TransitEncryptionEnabled = awsv2.Bool(false) }
	failCases["elasticache.redis-auth"] = func(f *fx) { sessionsGroup(f).AuthTokenEnabled = nil }
	failCases["elasticache.custom-subnet-group"] = func(f *fx) { cacheNodes(f)[0].CacheSubnetGroupName = awsv2.String("default") }

	for _, id := range []string{"ELASTICACHE_AUTO_MINOR_VERSION_UPGRADE_CHECK", "ELASTICACHE_REPL_GRP_AUTO_FAILOVER_ENABLED",
		"ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST", "ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT", "ELASTICACHE_REPL_GRP_REDIS_AUTH_ENABLED",
		"ELASTICACHE_SUBNET_GROUP_CHECK"} {
		// docs.aws.amazon.com/config/latest/developerguide/<name>.html
		// gives these identifiers; the conformance packs of the shared
		// data do not use them.
		knownOutsidePacks[id] = true
	}
}
