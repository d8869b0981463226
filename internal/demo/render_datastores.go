package demo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	daxtypes "github.com/aws/aws-sdk-go-v2/service/dax/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
)

// dataStores are an account's DynamoDB tables, DAX clusters and
// ElastiCache replication groups in one region.
type dataStores struct {
	tables []*ddbTable
	dax    []*daxCluster
	caches []*cacheGroup
}

// ddbTable is a DynamoDB table; provisioned tables auto scale unless
// noScaling is set.
type ddbTable struct {
	name        string
	provisioned bool
	noScaling   bool
	pitr        bool
	created     time.Time
}

type daxCluster struct {
	name      string
	encrypted bool
}

// cacheGroup is a Redis OSS replication group of two nodes.
type cacheGroup struct {
	id        string
	version   string
	noTLS     bool
	created   time.Time
	subnetGrp string
}

// baselineDatastores gives a workload account an on-demand DynamoDB
// table with point-in-time recovery and an encrypted, replicated Redis
// replication group in its home region.
func baselineDatastores(w *world, a *acct, home string, created time.Time) {
	st := &w.region(a, home).stores
	st.tables = append(st.tables, &ddbTable{name: a.Name + "-idempotency", pitr: true, created: created})
	st.caches = append(st.caches, &cacheGroup{id: a.Name + "-cache", version: "7.1.0", created: created, subnetGrp: a.system + "-cache"})
}

func init() {
	plants["data-ddb-no-pitr"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		t := w.region(a, home).stores.tables[0]
		t.pitr = false
		return v(a, home, ddbTableARN(a, home, t.name), "DYNAMODB_PITR_ENABLED")
	}}
	plants["data-ddb-no-autoscaling"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		st := &w.region(a, home).stores
		t := &ddbTable{name: a.Name + "-reports", provisioned: true, noScaling: true, pitr: true, created: End.AddDate(0, -2, 0)}
		st.tables = append(st.tables, t)
		return v(a, home, ddbTableARN(a, home, t.name), "DYNAMODB_AUTOSCALING_ENABLED")
	}}
	plants["data-dax-unencrypted"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		st := &w.region(a, home).stores
		c := &daxCluster{name: a.system + "-dax"}
		st.dax = append(st.dax, c)
		return v(a, home, daxARN(a, home, c.name), "DAX_ENCRYPTION_ENABLED")
	}}
	plants["data-elasticache-no-tls"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		g := w.region(a, home).stores.caches[0]
		g.noTLS = true
		return v(a, home, cacheGroupARN(a, home, g.id), "ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT")
	}}
	kumoPlants = append(kumoPlants,
		struct{ account, plant string }{"orders-dev", "data-ddb-no-pitr"},
		struct{ account, plant string }{"payments-prod", "data-ddb-no-autoscaling"},
		struct{ account, plant string }{"payments-staging", "data-dax-unencrypted"},
		struct{ account, plant string }{"loyalty-prod", "data-elasticache-no-tls"})
}

func ddbTableARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, a.Id, name)
}

func daxARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:dax:%s:%s:cache/%s", region, a.Id, name)
}

func cacheGroupARN(a *acct, region, id string) string {
	return fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", region, a.Id, id)
}

// renderDatastores writes the dynamodb, applicationautoscaling, dax and
// elasticache files of one account and region.
func renderDatastores(w *world, a *acct, rr *regionRes) []*file {
	st := &rr.stores
	ddb := newFile(a, rr.region, "dynamodb")
	names := []string{}
	targets := []aastypes.ScalableTarget{}
	for _, t := range st.tables {
		names = append(names, t.name)
		mode := ddbtypes.BillingModePayPerRequest
		var tp *ddbtypes.ProvisionedThroughputDescription
		if t.provisioned {
			mode = ddbtypes.BillingModeProvisioned
			tp = &ddbtypes.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(10), WriteCapacityUnits: aws.Int64(5), NumberOfDecreasesToday: aws.Int64(0)}
		} else {
			tp = &ddbtypes.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(0), WriteCapacityUnits: aws.Int64(0), NumberOfDecreasesToday: aws.Int64(0)}
		}
		arn := ddbTableARN(a, rr.region, t.name)
		ddb.res("DescribeTable", t.name, dynamodb.DescribeTableOutput{Table: &ddbtypes.TableDescription{
			TableName: aws.String(t.name), TableArn: aws.String(arn), TableStatus: ddbtypes.TableStatusActive,
			CreationDateTime: ptime(t.created), ItemCount: aws.Int64(0), TableSizeBytes: aws.Int64(0),
			KeySchema:             []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
			AttributeDefinitions:  []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			BillingModeSummary:    &ddbtypes.BillingModeSummary{BillingMode: mode, LastUpdateToPayPerRequestDateTime: nil},
			ProvisionedThroughput: tp, DeletionProtectionEnabled: aws.Bool(true)}})
		pitr := ddbtypes.PointInTimeRecoveryStatusDisabled
		var pd *ddbtypes.PointInTimeRecoveryDescription
		if t.pitr {
			pitr = ddbtypes.PointInTimeRecoveryStatusEnabled
			pd = &ddbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: pitr, RecoveryPeriodInDays: aws.Int32(35),
				EarliestRestorableDateTime: ptime(End.AddDate(0, 0, -35)), LatestRestorableDateTime: ptime(End.Add(-5 * time.Minute))}
		} else {
			pd = &ddbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: pitr}
		}
		ddb.res("DescribeContinuousBackups", t.name, dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: &ddbtypes.ContinuousBackupsDescription{
			ContinuousBackupsStatus: ddbtypes.ContinuousBackupsStatusEnabled, PointInTimeRecoveryDescription: pd}})
		if t.provisioned && !t.noScaling {
			for _, dim := range []string{"ReadCapacityUnits", "WriteCapacityUnits"} {
				targets = append(targets, aastypes.ScalableTarget{ServiceNamespace: aastypes.ServiceNamespaceDynamodb,
					ResourceId: aws.String("table/" + t.name), ScalableDimension: aastypes.ScalableDimension("dynamodb:table:" + dim),
					MinCapacity: aws.Int32(5), MaxCapacity: aws.Int32(200), CreationTime: ptime(t.created),
					RoleARN: aws.String("arn:aws:iam::" + a.Id + ":role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable")})
			}
		}
	}
	ddb.put("ListTables", dynamodb.ListTablesOutput{TableNames: names})

	aas := newFile(a, rr.region, "applicationautoscaling")
	aas.put("DescribeScalableTargets", applicationautoscaling.DescribeScalableTargetsOutput{ScalableTargets: targets})

	dx := newFile(a, rr.region, "dax")
	clusters := []daxtypes.Cluster{}
	for _, c := range st.dax {
		sse := daxtypes.SSEStatusDisabled
		if c.encrypted {
			sse = daxtypes.SSEStatusEnabled
		}
		clusters = append(clusters, daxtypes.Cluster{ClusterName: aws.String(c.name), ClusterArn: aws.String(daxARN(a, rr.region, c.name)),
			Status: aws.String("available"), NodeType: aws.String("dax.t3.small"), TotalNodes: aws.Int32(1), ActiveNodes: aws.Int32(1),
			SubnetGroup: aws.String("default"), SSEDescription: &daxtypes.SSEDescription{Status: sse},
			ClusterEndpointEncryptionType: daxtypes.ClusterEndpointEncryptionTypeNone,
			IamRoleArn:                    aws.String("arn:aws:iam::" + a.Id + ":role/" + c.name + "-access")})
	}
	dx.put("DescribeClusters", dax.DescribeClustersOutput{Clusters: clusters})

	ec := newFile(a, rr.region, "elasticache")
	nodes := []ectypes.CacheCluster{}
	groups := []ectypes.ReplicationGroup{}
	subnets := []ectypes.CacheSubnetGroup{}
	seenSubnet := map[string]bool{}
	for _, g := range st.caches {
		tls := !g.noTLS
		var members []string
		for i, az := range []string{"a", "b"} {
			id := fmt.Sprintf("%s-%03d", g.id, i+1)
			members = append(members, id)
			nodes = append(nodes, ectypes.CacheCluster{CacheClusterId: aws.String(id), ARN: aws.String(fmt.Sprintf("arn:aws:elasticache:%s:%s:cluster:%s", rr.region, a.Id, id)),
				Engine: aws.String("redis"), EngineVersion: aws.String(g.version), CacheNodeType: aws.String("cache.t4g.small"), NumCacheNodes: aws.Int32(1),
				CacheClusterStatus: aws.String("available"), CacheClusterCreateTime: ptime(g.created), PreferredAvailabilityZone: aws.String(rr.region + az),
				ReplicationGroupId: aws.String(g.id), CacheSubnetGroupName: aws.String(g.subnetGrp), AutoMinorVersionUpgrade: aws.Bool(true),
				SnapshotRetentionLimit: aws.Int32(7), SnapshotWindow: aws.String("17:00-18:00"),
				AtRestEncryptionEnabled: aws.Bool(true), TransitEncryptionEnabled: aws.Bool(tls), AuthTokenEnabled: aws.Bool(false)})
		}
		groups = append(groups, ectypes.ReplicationGroup{ReplicationGroupId: aws.String(g.id), ARN: aws.String(cacheGroupARN(a, rr.region, g.id)),
			Description: aws.String("session cache"), Engine: aws.String("redis"), Status: aws.String("available"), MemberClusters: members,
			AutomaticFailover: ectypes.AutomaticFailoverStatusEnabled, MultiAZ: ectypes.MultiAZStatusEnabled, ClusterEnabled: aws.Bool(false),
			CacheNodeType: aws.String("cache.t4g.small"), SnapshotRetentionLimit: aws.Int32(7), SnapshotWindow: aws.String("17:00-18:00"),
			AtRestEncryptionEnabled: aws.Bool(true), TransitEncryptionEnabled: aws.Bool(tls), AuthTokenEnabled: aws.Bool(false),
			AutoMinorVersionUpgrade: aws.Bool(true), ReplicationGroupCreateTime: ptime(g.created)})
		if !seenSubnet[g.subnetGrp] {
			seenSubnet[g.subnetGrp] = true
			sg := ectypes.CacheSubnetGroup{CacheSubnetGroupName: aws.String(g.subnetGrp), CacheSubnetGroupDescription: aws.String("private subnets of the " + a.system + " cache"),
				ARN: aws.String(fmt.Sprintf("arn:aws:elasticache:%s:%s:subnetgroup:%s", rr.region, a.Id, g.subnetGrp))}
			if len(rr.vpcs) > 0 {
				sg.VpcId = aws.String(rr.vpcs[0].id)
				for _, s := range rr.vpcs[0].subnets {
					sg.Subnets = append(sg.Subnets, ectypes.Subnet{SubnetIdentifier: aws.String(s)})
				}
			}
			subnets = append(subnets, sg)
		}
	}
	ec.put("DescribeCacheClusters", elasticache.DescribeCacheClustersOutput{CacheClusters: nodes})
	ec.put("DescribeReplicationGroups", elasticache.DescribeReplicationGroupsOutput{ReplicationGroups: groups})
	ec.put("DescribeCacheSubnetGroups", elasticache.DescribeCacheSubnetGroupsOutput{CacheSubnetGroups: subnets})
	return []*file{ddb, aas, dx, ec}
}
