package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	dms "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice"
	dmstypes "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// rdsBaseline completes the region's RDS data so that every RDS rule
// passes: db1 (postgres) gets Enhanced Monitoring, log exports, tag
// copying, a VPC subnet group, port 5433 and a custom administrator;
// an Aurora MySQL cluster "aurora1" is protected, Multi-AZ, IAM-enabled
// and backtracks 24 hours; four event subscriptions cover the critical
// cluster, instance, parameter group and security group events.
func (f *fx) rdsBaseline(a, r string) {
	dbs := op[rds.DescribeDBInstancesOutput](f, a, r, "rds", "DescribeDBInstances")
	for i := range dbs.DBInstances {
		d := &dbs.DBInstances[i]
		d.MonitoringInterval, d.CopyTagsToSnapshot = awsv2.Int32(60), awsv2.Bool(true)
		d.EnabledCloudwatchLogsExports = []string{"postgresql", "upgrade"}
		d.DBSubnetGroup = &rdstypes.DBSubnetGroup{DBSubnetGroupName: awsv2.String("db"), VpcId: awsv2.String("vpc-0a1b2c3d")}
		d.Endpoint = &rdstypes.Endpoint{Address: awsv2.String("db1.example." + r + ".rds.amazonaws.com"), Port: awsv2.Int32(5433)}
		d.MasterUsername = awsv2.String("dbowner")
	}
	f.set(a, r, "rds", "DescribeDBClusters", &rds.DescribeDBClustersOutput{DBClusters: []rdstypes.DBCluster{{
		DBClusterIdentifier: awsv2.String("aurora1"), DBClusterArn: awsv2.String("arn:aws:rds:" + r + ":" + a + ":cluster:aurora1"),
		Engine: awsv2.String("aurora-mysql"), Status: awsv2.String("available"), DeletionProtection: awsv2.Bool(true),
		IAMDatabaseAuthenticationEnabled: awsv2.Bool(true), BacktrackWindow: awsv2.Int64(86400), MultiAZ: awsv2.Bool(true),
		CopyTagsToSnapshot: awsv2.Bool(true), MasterUsername: awsv2.String("dbowner"), Port: awsv2.Int32(3307),
		EnabledCloudwatchLogsExports: []string{"audit", "error", "general", "slowquery"}}}})
	sub := func(name, source string, cats ...string) rdstypes.EventSubscription {
		return rdstypes.EventSubscription{CustSubscriptionId: awsv2.String(name), Enabled: awsv2.Bool(true), Status: awsv2.String("active"),
			SourceType: awsv2.String(source), EventCategoriesList: cats, SnsTopicArn: awsv2.String("arn:aws:sns:" + r + ":" + a + ":alerts"),
			EventSubscriptionArn: awsv2.String("arn:aws:rds:" + r + ":" + a + ":es:" + name)}
	}
	f.set(a, r, "rds", "DescribeEventSubscriptions", &rds.DescribeEventSubscriptionsOutput{EventSubscriptionsList: []rdstypes.EventSubscription{
		sub("clusters", "db-cluster", "failure", "maintenance"),
		sub("instances", "db-instance", "configuration change", "failure", "maintenance"),
		sub("parameter-groups", "db-parameter-group", "configuration change"),
		sub("security-groups", "db-security-group", "configuration change", "failure"),
	}})
	f.dmsBaseline(a, r)
}

// aurora1 is the clean fixture's Aurora cluster in acctW's home region.
func aurora1(f *fx) *rdstypes.DBCluster {
	return &op[rds.DescribeDBClustersOutput](f, acctW, region1, "rds", "DescribeDBClusters").DBClusters[0]
}

// eventSub returns acctW's subscription of a source type.
func eventSub(f *fx, source string) *rdstypes.EventSubscription {
	out := op[rds.DescribeEventSubscriptionsOutput](f, acctW, region1, "rds", "DescribeEventSubscriptions")
	for i := range out.EventSubscriptionsList {
		if aws(out.EventSubscriptionsList[i].SourceType) == source {
			return &out.EventSubscriptionsList[i]
		}
	}
	panic("no subscription for " + source)
}

// dropEventSub removes acctW's subscription of a source type.
func dropEventSub(f *fx, source string) {
	out := op[rds.DescribeEventSubscriptionsOutput](f, acctW, region1, "rds", "DescribeEventSubscriptions")
	var keep []rdstypes.EventSubscription
	for _, s := range out.EventSubscriptionsList {
		if aws(s.SourceType) != source {
			keep = append(keep, s)
		}
	}
	out.EventSubscriptionsList = keep
}

// dmsBaseline gives the region a private DMS replication instance.
func (f *fx) dmsBaseline(a, r string) {
	f.set(a, r, "dms", "DescribeReplicationInstances", &dms.DescribeReplicationInstancesOutput{ReplicationInstances: []dmstypes.ReplicationInstance{{
		ReplicationInstanceIdentifier: awsv2.String("migrate1"), ReplicationInstanceArn: awsv2.String("arn:aws:dms:" + r + ":" + a + ":rep:MIGRATE1"),
		ReplicationInstanceClass: awsv2.String("dms.t3.medium"), ReplicationInstanceStatus: awsv2.String("available"), PubliclyAccessible: false}}})
}

// migrate1 is the clean fixture's replication instance in acctW's home region.
func migrate1(f *fx) *dmstypes.ReplicationInstance {
	return &op[dms.DescribeReplicationInstancesOutput](f, acctW, region1, "dms", "DescribeReplicationInstances").ReplicationInstances[0]
}
