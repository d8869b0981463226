package demo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
)

// analyticsRes is what one account has in one region of the analytics
// services: Redshift clusters, OpenSearch Service domains and API
// Gateway APIs.
type analyticsRes struct {
	clusters []*warehouse
	domains  []*searchDomain
	rest     []*restAPI
	http     []*httpAPI
}

// warehouse is a provisioned Redshift cluster with its own parameter
// group.
type warehouse struct {
	id      string
	public  bool
	created time.Time
}

// searchDomain is an OpenSearch Service domain.
type searchDomain struct {
	name    string
	public  bool // a public endpoint instead of VPC access
	created time.Time
}

// baselineAnalytics gives a production workload account's home region
// its analytics estate: a private, TLS-only Redshift cluster with audit
// logging and a three-zone OpenSearch Service domain in the VPC.
func baselineAnalytics(w *world, a *acct, home string, created time.Time) {
	if a.env != "prod" {
		return
	}
	rr := w.region(a, home)
	rr.an.clusters = append(rr.an.clusters, &warehouse{id: a.Name + "-dwh", created: created})
	rr.an.domains = append(rr.an.domains, &searchDomain{name: a.Name + "-search", created: created})
}

func redshiftClusterARN(a *acct, region, id string) string {
	return fmt.Sprintf("arn:aws:redshift:%s:%s:cluster:%s", region, a.Id, id)
}

func openSearchDomainARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:es:%s:%s:domain/%s", region, a.Id, name)
}

func renderRedshift(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "redshift")
	cs := []rstypes.Cluster{}
	for _, c := range rr.an.clusters {
		group := c.id + "-params"
		vpc := ""
		if len(rr.vpcs) > 0 {
			vpc = rr.vpcs[0].id
		}
		cs = append(cs, rstypes.Cluster{ClusterIdentifier: aws.String(c.id), NodeType: aws.String("ra3.xlplus"), NumberOfNodes: aws.Int32(2),
			ClusterStatus: aws.String("available"), ClusterAvailabilityStatus: aws.String("Available"),
			MasterUsername: aws.String("dwh_admin"), DBName: aws.String("analytics"), ClusterCreateTime: ptime(c.created),
			Endpoint:           &rstypes.Endpoint{Address: aws.String(fmt.Sprintf("%s.%s.%s.redshift.amazonaws.com", c.id, stableHex(a, "rs/"+c.id, 12), rr.region)), Port: aws.Int32(5439)},
			PubliclyAccessible: aws.Bool(c.public), Encrypted: aws.Bool(true), EnhancedVpcRouting: aws.Bool(true), AllowVersionUpgrade: aws.Bool(true),
			AutomatedSnapshotRetentionPeriod: aws.Int32(7), ManualSnapshotRetentionPeriod: aws.Int32(-1),
			PreferredMaintenanceWindow: aws.String("sun:17:00-sun:17:30"), ClusterVersion: aws.String("1.0"), VpcId: aws.String(vpc),
			ClusterSubnetGroupName: aws.String(c.id + "-subnets"), AvailabilityZone: aws.String(rr.region + "a"),
			ClusterNamespaceArn:    aws.String(fmt.Sprintf("arn:aws:redshift:%s:%s:namespace:%s", rr.region, a.Id, stableHex(a, "ns/"+c.id, 16))),
			ClusterParameterGroups: []rstypes.ClusterParameterGroupStatus{{ParameterGroupName: aws.String(group), ParameterApplyStatus: aws.String("in-sync")}},
			Tags:                   []rstypes.Tag{{Key: aws.String("Owner"), Value: aws.String(a.owner)}}})
		f.res("DescribeClusterParameters", group, redshift.DescribeClusterParametersOutput{Parameters: []rstypes.Parameter{
			{ParameterName: aws.String("enable_user_activity_logging"), ParameterValue: aws.String("true"), DataType: aws.String("boolean"),
				Source: aws.String("user"), ApplyType: rstypes.ParameterApplyTypeStatic, IsModifiable: aws.Bool(true), AllowedValues: aws.String("true,false")},
			{ParameterName: aws.String("require_ssl"), ParameterValue: aws.String("true"), DataType: aws.String("boolean"),
				Source: aws.String("user"), ApplyType: rstypes.ParameterApplyTypeStatic, IsModifiable: aws.Bool(true), AllowedValues: aws.String("true,false")},
			{ParameterName: aws.String("search_path"), ParameterValue: aws.String("$user, public"), DataType: aws.String("string"),
				Source: aws.String("engine-default"), ApplyType: rstypes.ParameterApplyTypeStatic, IsModifiable: aws.Bool(true)},
		}})
		f.res("DescribeLoggingStatus", c.id, redshift.DescribeLoggingStatusOutput{LoggingEnabled: aws.Bool(true),
			LogDestinationType: rstypes.LogDestinationTypeCloudwatch, LogExports: []string{"connectionlog", "userlog", "useractivitylog"},
			LastSuccessfulDeliveryTime: ptime(End.Add(-time.Hour))})
	}
	f.put("DescribeClusters", redshift.DescribeClustersOutput{Clusters: cs})
	return f
}

func renderOpenSearch(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "opensearch")
	names := []ostypes.DomainInfo{}
	ds := []ostypes.DomainStatus{}
	for _, d := range rr.an.domains {
		names = append(names, ostypes.DomainInfo{DomainName: aws.String(d.name), EngineType: ostypes.EngineTypeOpenSearch})
		logGroup := func(kind string) *string {
			return aws.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/aws/opensearch/%s/%s", rr.region, a.Id, d.name, kind))
		}
		st := ostypes.DomainStatus{DomainName: aws.String(d.name), DomainId: aws.String(a.Id + "/" + d.name), ARN: aws.String(openSearchDomainARN(a, rr.region, d.name)),
			EngineVersion: aws.String("OpenSearch_2.13"), Created: aws.Bool(true), Deleted: aws.Bool(false), Processing: aws.Bool(false),
			ClusterConfig: &ostypes.ClusterConfig{InstanceType: ostypes.OpenSearchPartitionInstanceTypeR6gLargeSearch, InstanceCount: aws.Int32(3),
				ZoneAwarenessEnabled: aws.Bool(true), ZoneAwarenessConfig: &ostypes.ZoneAwarenessConfig{AvailabilityZoneCount: aws.Int32(3)},
				DedicatedMasterEnabled: aws.Bool(true), DedicatedMasterType: ostypes.OpenSearchPartitionInstanceTypeM6gLargeSearch, DedicatedMasterCount: aws.Int32(3)},
			EBSOptions:                  &ostypes.EBSOptions{EBSEnabled: aws.Bool(true), VolumeType: ostypes.VolumeTypeGp3, VolumeSize: aws.Int32(100)},
			EncryptionAtRestOptions:     &ostypes.EncryptionAtRestOptions{Enabled: aws.Bool(true), KmsKeyId: aws.String(fmt.Sprintf("arn:aws:kms:%s:%s:alias/aws/es", rr.region, a.Id))},
			NodeToNodeEncryptionOptions: &ostypes.NodeToNodeEncryptionOptions{Enabled: aws.Bool(true)},
			AdvancedSecurityOptions:     &ostypes.AdvancedSecurityOptions{Enabled: aws.Bool(true), InternalUserDatabaseEnabled: aws.Bool(false)},
			DomainEndpointOptions:       &ostypes.DomainEndpointOptions{EnforceHTTPS: aws.Bool(true), TLSSecurityPolicy: ostypes.TLSSecurityPolicyPolicyMinTls12201907},
			LogPublishingOptions: map[string]ostypes.LogPublishingOption{
				string(ostypes.LogTypeEsApplicationLogs): {Enabled: aws.Bool(true), CloudWatchLogsLogGroupArn: logGroup("error")},
				string(ostypes.LogTypeAuditLogs):         {Enabled: aws.Bool(true), CloudWatchLogsLogGroupArn: logGroup("audit")}},
		}
		host := fmt.Sprintf("%s-%s.%s.es.amazonaws.com", d.name, stableHex(a, "os/"+d.name, 16), rr.region)
		if d.public || len(rr.vpcs) == 0 {
			st.Endpoint = aws.String("search-" + host)
		} else {
			v := rr.vpcs[0]
			st.Endpoints = map[string]string{"vpc": "vpc-" + host}
			st.VPCOptions = &ostypes.VPCDerivedInfo{VPCId: aws.String(v.id), AvailabilityZones: []string{rr.region + "a", rr.region + "b", rr.region + "c"},
				SubnetIds: []string{"subnet-" + stableHex(a, "oss-a/"+d.name, 16), "subnet-" + stableHex(a, "oss-b/"+d.name, 16), "subnet-" + stableHex(a, "oss-c/"+d.name, 16)}}
		}
		ds = append(ds, st)
	}
	f.put("ListDomainNames", opensearch.ListDomainNamesOutput{DomainNames: names})
	f.put("DescribeDomains", opensearch.DescribeDomainsOutput{DomainStatusList: ds})
	return f
}
