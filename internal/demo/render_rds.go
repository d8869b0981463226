package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dms "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice"
	dmstypes "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// dbPort is the port the demo's databases listen on: not an engine's
// default (Security Hub RDS.23).
const dbPort = 5433

// dbCluster is an Aurora DB cluster; its member instances are databases
// whose cluster field names it.
type dbCluster struct {
	id                 string
	engine             string
	port               int32
	kmsKey             string
	vpcID              string
	admin              string
	deletionProtection bool
	created            time.Time
	tags               map[string]string
}

// eventSub is an RDS event notification subscription.
type eventSub struct {
	name       string
	sourceType string
	categories []string
	topic      string
}

// baselineEventSubs are the subscriptions the platform team deploys in a
// workload account's home region: the critical events of Security Hub
// RDS.19–22, sent to the account's alerts topic.
func baselineEventSubs(a *acct) []*eventSub {
	topic := a.Name + "-alerts"
	return []*eventSub{
		{name: "kumo-rds-clusters", sourceType: "db-cluster", categories: []string{"failure", "maintenance"}, topic: topic},
		{name: "kumo-rds-instances", sourceType: "db-instance", categories: []string{"configuration change", "failure", "maintenance"}, topic: topic},
		{name: "kumo-rds-parameter-groups", sourceType: "db-parameter-group", categories: []string{"configuration change"}, topic: topic},
		{name: "kumo-rds-security-groups", sourceType: "db-security-group", categories: []string{"configuration change", "failure"}, topic: topic},
	}
}

func engineVersion(engine string) string {
	if engine == "aurora-mysql" {
		return "8.0.mysql_aurora.3.08.0"
	}
	return "16.4"
}

func clusterARN(a *acct, region, id string) string {
	return fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, a.Id, id)
}

func renderRDSClusters(f *file, a *acct, rr *regionRes) {
	clusters := []rdstypes.DBCluster{}
	for _, c := range rr.dbClusters {
		members := []rdstypes.DBClusterMember{}
		for _, d := range rr.dbs {
			if d.cluster == c.id {
				members = append(members, rdstypes.DBClusterMember{DBInstanceIdentifier: aws.String(d.id), IsClusterWriter: aws.Bool(len(members) == 0),
					DBClusterParameterGroupStatus: aws.String("in-sync"), PromotionTier: aws.Int32(1)})
			}
		}
		clusters = append(clusters, rdstypes.DBCluster{DBClusterIdentifier: aws.String(c.id), DBClusterArn: aws.String(clusterARN(a, rr.region, c.id)),
			Engine: aws.String(c.engine), EngineVersion: aws.String(engineVersion(c.engine)), EngineMode: aws.String("provisioned"),
			Status: aws.String("available"), MultiAZ: aws.Bool(len(members) > 1), DeletionProtection: aws.Bool(c.deletionProtection),
			IAMDatabaseAuthenticationEnabled: aws.Bool(true), BacktrackWindow: aws.Int64(24 * 3600), CopyTagsToSnapshot: aws.Bool(true),
			MasterUsername: aws.String(c.admin), Port: aws.Int32(c.port), BackupRetentionPeriod: aws.Int32(7),
			EnabledCloudwatchLogsExports: []string{"audit", "error", "general", "slowquery"},
			StorageEncrypted:             aws.Bool(true), KmsKeyId: aws.String(keyARN(a, rr.region, c.kmsKey)),
			AvailabilityZones: []string{rr.region + "a", rr.region + "c", rr.region + "d"}, DBClusterMembers: members,
			DBSubnetGroup: aws.String(a.system + "-db"), ClusterCreateTime: ptime(c.created), AutoMinorVersionUpgrade: aws.Bool(true),
			Endpoint:       aws.String(fmt.Sprintf("%s.cluster-c9kumo0demo.%s.rds.amazonaws.com", c.id, rr.region)),
			ReaderEndpoint: aws.String(fmt.Sprintf("%s.cluster-ro-c9kumo0demo.%s.rds.amazonaws.com", c.id, rr.region)),
			TagList:        rdsTags(c.tags)})
	}
	f.put("DescribeDBClusters", rds.DescribeDBClustersOutput{DBClusters: clusters})
	subs := []rdstypes.EventSubscription{}
	for _, s := range rr.eventSubs {
		subs = append(subs, rdstypes.EventSubscription{CustSubscriptionId: aws.String(s.name), CustomerAwsId: aws.String(a.Id),
			EventSubscriptionArn: aws.String(fmt.Sprintf("arn:aws:rds:%s:%s:es:%s", rr.region, a.Id, s.name)),
			SnsTopicArn:          aws.String(fmt.Sprintf("arn:aws:sns:%s:%s:%s", rr.region, a.Id, s.topic)),
			SourceType:           aws.String(s.sourceType), EventCategoriesList: s.categories, SourceIdsList: []string{},
			Enabled: aws.Bool(true), Status: aws.String("active"), SubscriptionCreationTime: aws.String(End.AddDate(0, -8, 0).Format("Mon Jan 02 15:04:05 UTC 2006"))})
	}
	f.put("DescribeEventSubscriptions", rds.DescribeEventSubscriptionsOutput{EventSubscriptionsList: subs})
}

// The RDS plants of Security Hub's cluster, event and administrator
// controls; kept out of synthetic organizations.
func init() {
	plants["rds-aurora-unprotected"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		db := rr.dbs[0]
		c := &dbCluster{id: a.Name + "-ledger", engine: "aurora-mysql", port: 3307, kmsKey: db.kmsKey, vpcID: db.vpcID, admin: "kumo_admin",
			created: db.created.AddDate(0, 2, 0), tags: w.tags(a, a.Name+"-ledger")}
		rr.dbClusters = append(rr.dbClusters, c)
		for i := 1; i <= 2; i++ {
			rr.dbs = append(rr.dbs, &database{id: fmt.Sprintf("%s-%d", c.id, i), encrypted: true, engine: c.engine, kmsKey: c.kmsKey,
				created: c.created, tags: c.tags, port: c.port, vpcID: c.vpcID, admin: c.admin, cluster: c.id})
		}
		return v(a, home, clusterARN(a, home, c.id), "RDS_CLUSTER_DELETION_PROTECTION_ENABLED")
	}}
	plants["rds-no-instance-events"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		keep := rr.eventSubs[:0]
		for _, s := range rr.eventSubs {
			if s.sourceType != "db-instance" {
				keep = append(keep, s)
			}
		}
		rr.eventSubs = keep
		return v(a, home, a.Arn, "rds.instance-event-subscription")
	}}
	plants["rds-default-admin"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		db := w.region(a, home).dbs[0]
		db.admin = "postgres"
		return v(a, home, dbARN(a, home, db.id), "RDS_INSTANCE_DEFAULT_ADMIN_CHECK")
	}}
	for _, n := range []string{"rds-aurora-unprotected", "rds-no-instance-events", "rds-default-admin"} {
		keptOutOfSynthetic[n] = true
	}
	kumoPlants = append(kumoPlants,
		struct{ account, plant string }{"payments-prod", "rds-aurora-unprotected"},
		struct{ account, plant string }{"orders-dev", "rds-no-instance-events"},
		struct{ account, plant string }{"loyalty-staging", "rds-default-admin"})
}

// keptOutOfSynthetic names plants synthetic organizations do not draw,
// so that they stay as they were.
var keptOutOfSynthetic = map[string]bool{}

// replicationInstance is an AWS DMS replication instance.
type replicationInstance struct {
	id      string
	public  bool
	vpcID   string
	created time.Time
}

func renderDMS(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "dms")
	list := []dmstypes.ReplicationInstance{}
	for _, r := range rr.dmsRepl {
		ri := dmstypes.ReplicationInstance{ReplicationInstanceIdentifier: aws.String(r.id),
			ReplicationInstanceArn:   aws.String(fmt.Sprintf("arn:aws:dms:%s:%s:rep:%s", rr.region, a.Id, strings.ToUpper(r.id))),
			ReplicationInstanceClass: aws.String("dms.t3.medium"), ReplicationInstanceStatus: aws.String("available"),
			EngineVersion: aws.String("3.5.3"), AllocatedStorage: 50, AvailabilityZone: aws.String(rr.region + "a"),
			InstanceCreateTime: ptime(r.created), PubliclyAccessible: r.public, AutoMinorVersionUpgrade: true, MultiAZ: false,
			ReplicationSubnetGroup: &dmstypes.ReplicationSubnetGroup{ReplicationSubnetGroupIdentifier: aws.String(a.system + "-dms"),
				VpcId: aws.String(r.vpcID), SubnetGroupStatus: aws.String("Complete")},
			ReplicationInstancePrivateIpAddresses: []string{"10.0.12.34"}, ReplicationInstancePublicIpAddresses: []string{}}
		if r.public {
			ri.ReplicationInstancePublicIpAddresses = []string{"203.0.113.45"}
		}
		list = append(list, ri)
	}
	f.put("DescribeReplicationInstances", dms.DescribeReplicationInstancesOutput{ReplicationInstances: list})
	return f
}

func init() {
	plants["dms-public"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		r := &replicationInstance{id: a.Name + "-migration", public: true, vpcID: rr.dbs[0].vpcID, created: End.AddDate(0, 0, -20)}
		rr.dmsRepl = append(rr.dmsRepl, r)
		arn := fmt.Sprintf("arn:aws:dms:%s:%s:rep:%s", home, a.Id, strings.ToUpper(r.id))
		return v(a, home, arn, "DMS_REPLICATION_NOT_PUBLIC")
	}}
	keptOutOfSynthetic["dms-public"] = true
	kumoPlants = append(kumoPlants, struct{ account, plant string }{"orders-staging", "dms-public"})
}
