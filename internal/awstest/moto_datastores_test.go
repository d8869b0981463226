package awstest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestDatastoreReadsAgreeWithMoto builds a provisioned DynamoDB table
// with point-in-time recovery and auto scaling, a DAX cluster and an
// ElastiCache Redis replication group in moto, stores moto's answers to
// the collector's reads (the dynamodb, applicationautoscaling, dax and
// elasticache files) as a snapshot, and asks moto and the local AWS
// serving that snapshot the same reads: the local server's JSON 1.0
// (DynamoDB), JSON 1.1 (Application Auto Scaling, DAX) and Query
// (ElastiCache) wire must give the SDK back what moto's gave.
func TestDatastoreReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ddb := dynamodb.NewFromConfig(mcfg)
	_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("orders"), BillingMode: ddbtypes.BillingModeProvisioned,
		KeySchema:             []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions:  []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		ProvisionedThroughput: &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}})
	must(err)
	_, err = ddb.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("orders"),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}})
	must(err)
	aas := applicationautoscaling.NewFromConfig(mcfg)
	for _, dim := range []aastypes.ScalableDimension{aastypes.ScalableDimensionDynamoDBTableReadCapacityUnits, aastypes.ScalableDimensionDynamoDBTableWriteCapacityUnits} {
		_, err = aas.RegisterScalableTarget(ctx, &applicationautoscaling.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceDynamodb,
			ResourceId: aws.String("table/orders"), ScalableDimension: dim, MinCapacity: aws.Int32(5), MaxCapacity: aws.Int32(100)})
		must(err)
	}
	_, err = dax.NewFromConfig(mcfg).CreateCluster(ctx, &dax.CreateClusterInput{ClusterName: aws.String("cache"), NodeType: aws.String("dax.t3.small"),
		ReplicationFactor: 1, IamRoleArn: aws.String("arn:aws:iam::" + motoAccount + ":role/dax")})
	must(err)
	ec := elasticache.NewFromConfig(mcfg)
	_, err = ec.CreateCacheSubnetGroup(ctx, &elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("app-cache"),
		CacheSubnetGroupDescription: aws.String("app"), SubnetIds: []string{"subnet-1234abcd"}})
	if err != nil {
		t.Logf("moto CreateCacheSubnetGroup: %v (the subnet group read is compared empty)", err)
	}
	_, err = ec.CreateReplicationGroup(ctx, &elasticache.CreateReplicationGroupInput{ReplicationGroupId: aws.String("sessions"),
		ReplicationGroupDescription: aws.String("sessions"), Engine: aws.String("redis"), CacheNodeType: aws.String("cache.t4g.small"),
		NumCacheClusters: aws.Int32(2), AutomaticFailoverEnabled: aws.Bool(true), TransitEncryptionEnabled: aws.Bool(true),
		AtRestEncryptionEnabled: aws.Bool(true), SnapshotRetentionLimit: aws.Int32(7)})
	must(err)
	_, err = ec.CreateCacheCluster(ctx, &elasticache.CreateCacheClusterInput{CacheClusterId: aws.String("scratch"), Engine: aws.String("redis"),
		CacheNodeType: aws.String("cache.t4g.small"), NumCacheNodes: aws.Int32(1)})
	must(err)

	type read struct {
		file, op, key string
		ask           func(aws.Config) (any, error)
	}
	reads := []read{
		{"dynamodb", "ListTables", "", func(c aws.Config) (any, error) {
			return dynamodb.NewFromConfig(c).ListTables(ctx, &dynamodb.ListTablesInput{})
		}},
		{"dynamodb", "DescribeTable", "orders", func(c aws.Config) (any, error) {
			return dynamodb.NewFromConfig(c).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
		}},
		{"dynamodb", "DescribeContinuousBackups", "orders", func(c aws.Config) (any, error) {
			return dynamodb.NewFromConfig(c).DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("orders")})
		}},
		{"applicationautoscaling", "DescribeScalableTargets", "", func(c aws.Config) (any, error) {
			return applicationautoscaling.NewFromConfig(c).DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceDynamodb})
		}},
		{"dax", "DescribeClusters", "", func(c aws.Config) (any, error) {
			return dax.NewFromConfig(c).DescribeClusters(ctx, &dax.DescribeClustersInput{})
		}},
		{"elasticache", "DescribeCacheClusters", "", func(c aws.Config) (any, error) {
			return elasticache.NewFromConfig(c).DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{})
		}},
		{"elasticache", "DescribeReplicationGroups", "", func(c aws.Config) (any, error) {
			return elasticache.NewFromConfig(c).DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{})
		}},
		{"elasticache", "DescribeCacheSubnetGroups", "", func(c aws.Config) (any, error) {
			return elasticache.NewFromConfig(c).DescribeCacheSubnetGroups(ctx, &elasticache.DescribeCacheSubnetGroupsInput{})
		}},
	}

	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	must(err)
	files := map[string]*snapshot.ServiceFile{}
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		must(err)
		want[i] = msView(t, out)
		f := files[r.file]
		if f == nil {
			f = snapshot.NewServiceFile(motoAccount, "us-east-1", r.file)
			files[r.file] = f
		}
		if r.key == "" {
			must(f.Set(r.op, out))
		} else {
			must(f.SetResource(r.op, r.key, out))
		}
	}
	for i, sub := range map[int]string{0: `"orders"`, 2: `"ENABLED"`, 3: `"table/orders"`, 4: `"cache"`, 5: `"scratch"`, 6: `"sessions"`} {
		if !strings.Contains(want[i], sub) {
			t.Fatalf("%s: moto's answer lacks %s: %s", reads[i].op, sub, want[i])
		}
	}
	for _, f := range files {
		must(w.WriteService(f))
	}
	must(w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"}))
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(lcfg)
		if err != nil {
			t.Errorf("%s: local AWS: %v", r.op, err)
			continue
		}
		if got := msView(t, out); got != want[i] {
			t.Errorf("%s:\nmoto  %s\nlocal %s", r.op, want[i], got)
		}
	}
}

// subMillis is the sub-millisecond part of a JSON timestamp: the local
// AWS writes Query timestamps to the millisecond, moto to the
// microsecond, and the SDK keeps what it reads.
var subMillis = regexp.MustCompile(`(T\d\d:\d\d:\d\d\.\d{3})\d+`)

// msView is wireView with timestamps cut to the millisecond.
func msView(t *testing.T, out any) string {
	return subMillis.ReplaceAllString(wireView(t, out), "$1")
}
