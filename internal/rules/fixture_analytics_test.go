package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
)

// analyticsBaseline gives the region a compliant Redshift cluster
// "warehouse" (private, require_ssl in its parameter group, 7-day
// automated snapshots, audit logging, version upgrades, enhanced VPC
// routing, non-default admin and database names), a compliant
// OpenSearch domain "search", and the API Gateway baseline.
func (f *fx) analyticsBaseline(a, r string) {
	f.set(a, r, "redshift", "DescribeClusters", &redshift.DescribeClustersOutput{Clusters: []rstypes.Cluster{{
		ClusterIdentifier: awsv2.String("warehouse"), NodeType: awsv2.String("ra3.xlplus"), ClusterStatus: awsv2.String("available"),
		PubliclyAccessible: awsv2.Bool(false), Encrypted: awsv2.Bool(true), AutomatedSnapshotRetentionPeriod: awsv2.Int32(7),
		AllowVersionUpgrade: awsv2.Bool(true), EnhancedVpcRouting: awsv2.Bool(true), MasterUsername: awsv2.String("warehouse_admin"),
		DBName: awsv2.String("analytics"), VpcId: awsv2.String("vpc-0a1b2c3d"),
		ClusterParameterGroups: []rstypes.ClusterParameterGroupStatus{{ParameterGroupName: awsv2.String("secure-params"), ParameterApplyStatus: awsv2.String("in-sync")}}}}})
	f.setRes(a, r, "redshift", "DescribeClusterParameters", "secure-params", &redshift.DescribeClusterParametersOutput{Parameters: []rstypes.Parameter{
		{ParameterName: awsv2.String("enable_user_activity_logging"), ParameterValue: awsv2.String("true"), DataType: awsv2.String("boolean"), Source: awsv2.String("user")},
		{ParameterName: awsv2.String("require_ssl"), ParameterValue: awsv2.String("true"), DataType: awsv2.String("boolean"), Source: awsv2.String("user")}}})
	f.setRes(a, r, "redshift", "DescribeLoggingStatus", "warehouse", &redshift.DescribeLoggingStatusOutput{LoggingEnabled: awsv2.Bool(true),
		LogDestinationType: rstypes.LogDestinationTypeCloudwatch, LogExports: []string{"connectionlog", "userlog", "useractivitylog"}})

	logGroup := func(n string) *string {
		return awsv2.String("arn:aws:logs:" + r + ":" + a + ":log-group:/aws/opensearch/search/" + n)
	}
	f.set(a, r, "opensearch", "ListDomainNames", &opensearch.ListDomainNamesOutput{DomainNames: []ostypes.DomainInfo{{DomainName: awsv2.String("search"), EngineType: ostypes.EngineTypeOpenSearch}}})
	f.set(a, r, "opensearch", "DescribeDomains", &opensearch.DescribeDomainsOutput{DomainStatusList: []ostypes.DomainStatus{{
		DomainName: awsv2.String("search"), DomainId: awsv2.String(a + "/search"), ARN: awsv2.String("arn:aws:es:" + r + ":" + a + ":domain/search"),
		EngineVersion: awsv2.String("OpenSearch_2.13"),
		ClusterConfig: &ostypes.ClusterConfig{InstanceType: ostypes.OpenSearchPartitionInstanceTypeR6gLargeSearch, InstanceCount: awsv2.Int32(3),
			ZoneAwarenessEnabled: awsv2.Bool(true), DedicatedMasterEnabled: awsv2.Bool(true), DedicatedMasterCount: awsv2.Int32(3)},
		EncryptionAtRestOptions:     &ostypes.EncryptionAtRestOptions{Enabled: awsv2.Bool(true)},
		NodeToNodeEncryptionOptions: &ostypes.NodeToNodeEncryptionOptions{Enabled: awsv2.Bool(true)},
		VPCOptions:                  &ostypes.VPCDerivedInfo{VPCId: awsv2.String("vpc-0a1b2c3d"), SubnetIds: []string{"subnet-a", "subnet-b", "subnet-c"}},
		AdvancedSecurityOptions:     &ostypes.AdvancedSecurityOptions{Enabled: awsv2.Bool(true), InternalUserDatabaseEnabled: awsv2.Bool(false)},
		DomainEndpointOptions:       &ostypes.DomainEndpointOptions{EnforceHTTPS: awsv2.Bool(true), TLSSecurityPolicy: ostypes.TLSSecurityPolicyPolicyMinTls12201907},
		LogPublishingOptions: map[string]ostypes.LogPublishingOption{
			string(ostypes.LogTypeEsApplicationLogs): {Enabled: awsv2.Bool(true), CloudWatchLogsLogGroupArn: logGroup("error")},
			string(ostypes.LogTypeAuditLogs):         {Enabled: awsv2.Bool(true), CloudWatchLogsLogGroupArn: logGroup("audit")}},
	}}})
	f.apiGatewayBaseline(a, r)
}

// Accessors for the mutations of the cases.

func warehouse(f *fx) *rstypes.Cluster {
	return &op[redshift.DescribeClustersOutput](f, acctW, region1, "redshift", "DescribeClusters").Clusters[0]
}

func warehouseParams(f *fx) *redshift.DescribeClusterParametersOutput {
	return res[redshift.DescribeClusterParametersOutput](f, acctW, region1, "redshift", "DescribeClusterParameters", "secure-params")
}

func searchDomain(f *fx) *ostypes.DomainStatus {
	return &op[opensearch.DescribeDomainsOutput](f, acctW, region1, "opensearch", "DescribeDomains").DomainStatusList[0]
}
