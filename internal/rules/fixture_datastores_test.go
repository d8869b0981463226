package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	daxtypes "github.com/aws/aws-sdk-go-v2/service/dax/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
)

// datastoreBaseline gives the region compliant data stores: a
// provisioned DynamoDB table "orders" (with a global secondary index
// "by-customer") whose reads and writes auto scale and which has point-
// in-time recovery; an encrypted DAX cluster "cache"; a Redis 5.0.6
// replication group "sessions" (two nodes, failover, encryption at rest
// and in transit, AUTH token, 7-day backups, custom subnet group).
func (f *fx) datastoreBaseline(a, r string) {
	f.set(a, r, "dynamodb", "ListTables", &dynamodb.ListTablesOutput{TableNames: []string{"orders"}})
	f.setRes(a, r, "dynamodb", "DescribeTable", "orders", &dynamodb.DescribeTableOutput{Table: &ddbtypes.TableDescription{
		TableName: awsv2.String("orders"), TableArn: awsv2.String("arn:aws:dynamodb:" + r + ":" + a + ":table/orders"),
		TableStatus:        ddbtypes.TableStatusActive,
		BillingModeSummary: &ddbtypes.BillingModeSummary{BillingMode: ddbtypes.BillingModeProvisioned},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndexDescription{{IndexName: awsv2.String("by-customer"),
			IndexArn: awsv2.String("arn:aws:dynamodb:" + r + ":" + a + ":table/orders/index/by-customer")}}}})
	f.setRes(a, r, "dynamodb", "DescribeContinuousBackups", "orders", &dynamodb.DescribeContinuousBackupsOutput{
		ContinuousBackupsDescription: &ddbtypes.ContinuousBackupsDescription{ContinuousBackupsStatus: ddbtypes.ContinuousBackupsStatusEnabled,
			PointInTimeRecoveryDescription: &ddbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: ddbtypes.PointInTimeRecoveryStatusEnabled}}})
	var targets []aastypes.ScalableTarget
	for _, res := range []string{"table/orders", "table/orders/index/by-customer"} {
		kind := "table"
		if res != "table/orders" {
			kind = "index"
		}
		for _, dim := range []string{"ReadCapacityUnits", "WriteCapacityUnits"} {
			targets = append(targets, aastypes.ScalableTarget{ServiceNamespace: aastypes.ServiceNamespaceDynamodb, ResourceId: awsv2.String(res),
				ScalableDimension: aastypes.ScalableDimension("dynamodb:" + kind + ":" + dim), MinCapacity: awsv2.Int32(5), MaxCapacity: awsv2.Int32(100),
				RoleARN: awsv2.String("arn:aws:iam::" + a + ":role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable")})
		}
	}
	f.set(a, r, "applicationautoscaling", "DescribeScalableTargets", &applicationautoscaling.DescribeScalableTargetsOutput{ScalableTargets: targets})
	f.set(a, r, "dax", "DescribeClusters", &dax.DescribeClustersOutput{Clusters: []daxtypes.Cluster{{ClusterName: awsv2.String("cache"),
		ClusterArn: awsv2.String("arn:aws:dax:" + r + ":" + a + ":cache/cache"), Status: awsv2.String("available"),
		SSEDescription: &daxtypes.SSEDescription{Status: daxtypes.SSEStatusEnabled}, ClusterEndpointEncryptionType: daxtypes.ClusterEndpointEncryptionTypeTls}}})

	node := func(id string) ectypes.CacheCluster {
		return ectypes.CacheCluster{CacheClusterId: awsv2.String(id), ARN: awsv2.String("arn:aws:elasticache:" + r + ":" + a + ":cluster:" + id),
			Engine: awsv2.String("redis"), EngineVersion: awsv2.String("5.0.6"), CacheClusterStatus: awsv2.String("available"),
			ReplicationGroupId: awsv2.String("sessions"), CacheSubnetGroupName: awsv2.String("app-cache"), AutoMinorVersionUpgrade: awsv2.Bool(true),
			SnapshotRetentionLimit: awsv2.Int32(7), AtRestEncryptionEnabled: awsv2.Bool(true), TransitEncryptionEnabled: awsv2.Bool(true), AuthTokenEnabled: awsv2.Bool(true)}
	}
	f.set(a, r, "elasticache", "DescribeCacheClusters", &elasticache.DescribeCacheClustersOutput{CacheClusters: []ectypes.CacheCluster{node("sessions-001"), node("sessions-002")}})
	f.set(a, r, "elasticache", "DescribeReplicationGroups", &elasticache.DescribeReplicationGroupsOutput{ReplicationGroups: []ectypes.ReplicationGroup{{
		ReplicationGroupId: awsv2.String("sessions"), ARN: awsv2.String("arn:aws:elasticache:" + r + ":" + a + ":replicationgroup:sessions"),
		Engine: awsv2.String("redis"), Status: awsv2.String("available"), MemberClusters: []string{"sessions-001", "sessions-002"},
		AutomaticFailover: ectypes.AutomaticFailoverStatusEnabled, MultiAZ: ectypes.MultiAZStatusEnabled, SnapshotRetentionLimit: awsv2.Int32(7),
		AtRestEncryptionEnabled: awsv2.Bool(true), TransitEncryptionEnabled: awsv2.Bool(true), AuthTokenEnabled: awsv2.Bool(true)}}})
	f.set(a, r, "elasticache", "DescribeCacheSubnetGroups", &elasticache.DescribeCacheSubnetGroupsOutput{CacheSubnetGroups: []ectypes.CacheSubnetGroup{{
		CacheSubnetGroupName: awsv2.String("app-cache"), VpcId: awsv2.String("vpc-app")}}})
}

// Accessors of the baseline's data stores in acctW, region1.

func ordersTable(f *fx) *ddbtypes.TableDescription {
	return res[dynamodb.DescribeTableOutput](f, acctW, region1, "dynamodb", "DescribeTable", "orders").Table
}

func ordersBackups(f *fx) *ddbtypes.PointInTimeRecoveryDescription {
	return res[dynamodb.DescribeContinuousBackupsOutput](f, acctW, region1, "dynamodb", "DescribeContinuousBackups", "orders").
		ContinuousBackupsDescription.PointInTimeRecoveryDescription
}

func scalableTargets(f *fx) *applicationautoscaling.DescribeScalableTargetsOutput {
	return op[applicationautoscaling.DescribeScalableTargetsOutput](f, acctW, region1, "applicationautoscaling", "DescribeScalableTargets")
}

func daxCluster(f *fx) *daxtypes.Cluster {
	return &op[dax.DescribeClustersOutput](f, acctW, region1, "dax", "DescribeClusters").Clusters[0]
}

func sessionsGroup(f *fx) *ectypes.ReplicationGroup {
	return &op[elasticache.DescribeReplicationGroupsOutput](f, acctW, region1, "elasticache", "DescribeReplicationGroups").ReplicationGroups[0]
}

func cacheNodes(f *fx) []ectypes.CacheCluster {
	return op[elasticache.DescribeCacheClustersOutput](f, acctW, region1, "elasticache", "DescribeCacheClusters").CacheClusters
}

// addCacheCluster adds a standalone cache cluster to acctW, region1.
func addCacheCluster(f *fx, cl ectypes.CacheCluster) {
	out := op[elasticache.DescribeCacheClustersOutput](f, acctW, region1, "elasticache", "DescribeCacheClusters")
	if cl.ARN == nil {
		cl.ARN = awsv2.String("arn:aws:elasticache:" + region1 + ":" + acctW + ":cluster:" + awsv2.ToString(cl.CacheClusterId))
	}
	out.CacheClusters = append(out.CacheClusters, cl)
}
