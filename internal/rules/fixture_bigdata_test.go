package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk/types"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	sgmtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
)

// bigdataBaseline gives the region a KMS-encrypted Kinesis stream
// "events", a running EMR cluster "etl" whose primary node is private
// (with block public access on, port 22 allowed), a SageMaker notebook
// instance "lab" in a VPC subnet without direct internet or root
// access, and an Elastic Beanstalk environment "web-prod" with enhanced
// health and managed platform updates.
func (f *fx) bigdataBaseline(a, r string) {
	f.set(a, r, "kinesis", "ListStreams", &kinesis.ListStreamsOutput{StreamNames: []string{"events"}, HasMoreStreams: awsv2.Bool(false)})
	f.setRes(a, r, "kinesis", "DescribeStreamSummary", "events", &kinesis.DescribeStreamSummaryOutput{StreamDescriptionSummary: &kintypes.StreamDescriptionSummary{
		StreamName: awsv2.String("events"), StreamARN: awsv2.String("arn:aws:kinesis:" + r + ":" + a + ":stream/events"), StreamStatus: kintypes.StreamStatusActive,
		EncryptionType: kintypes.EncryptionTypeKms, KeyId: awsv2.String("alias/aws/kinesis"), RetentionPeriodHours: awsv2.Int32(24), OpenShardCount: awsv2.Int32(1)}})

	f.set(a, r, "emr", "GetBlockPublicAccessConfiguration", &emr.GetBlockPublicAccessConfigurationOutput{BlockPublicAccessConfiguration: &emrtypes.BlockPublicAccessConfiguration{
		BlockPublicSecurityGroupRules: awsv2.Bool(true), PermittedPublicSecurityGroupRuleRanges: []emrtypes.PortRange{{MinRange: awsv2.Int32(22), MaxRange: awsv2.Int32(22)}}}})
	f.set(a, r, "emr", "ListClusters", &emr.ListClustersOutput{Clusters: []emrtypes.ClusterSummary{{Id: awsv2.String("j-ETL"), Name: awsv2.String("etl"),
		ClusterArn: awsv2.String("arn:aws:elasticmapreduce:" + r + ":" + a + ":cluster/j-ETL"), Status: &emrtypes.ClusterStatus{State: emrtypes.ClusterStateWaiting}}}})
	f.setRes(a, r, "emr", "DescribeCluster", "j-ETL", &emr.DescribeClusterOutput{Cluster: &emrtypes.Cluster{Id: awsv2.String("j-ETL"), Name: awsv2.String("etl"),
		InstanceCollectionType: emrtypes.InstanceCollectionTypeInstanceGroup, Status: &emrtypes.ClusterStatus{State: emrtypes.ClusterStateWaiting}}})
	f.setRes(a, r, "emr", "ListInstances", "j-ETL", &emr.ListInstancesOutput{Instances: []emrtypes.Instance{{Id: awsv2.String("ci-1"),
		Ec2InstanceId: awsv2.String("i-0etl"), PrivateIpAddress: awsv2.String("10.0.1.10")}}})

	f.set(a, r, "sagemaker", "ListNotebookInstances", &sagemaker.ListNotebookInstancesOutput{NotebookInstances: []sgmtypes.NotebookInstanceSummary{{
		NotebookInstanceName: awsv2.String("lab"), NotebookInstanceArn: awsv2.String("arn:aws:sagemaker:" + r + ":" + a + ":notebook-instance/lab"),
		NotebookInstanceStatus: sgmtypes.NotebookInstanceStatusInService}}})
	f.setRes(a, r, "sagemaker", "DescribeNotebookInstance", "lab", &sagemaker.DescribeNotebookInstanceOutput{NotebookInstanceName: awsv2.String("lab"),
		NotebookInstanceArn: awsv2.String("arn:aws:sagemaker:" + r + ":" + a + ":notebook-instance/lab"), SubnetId: awsv2.String("subnet-lab"),
		SecurityGroups: []string{"sg-lab"}, DirectInternetAccess: sgmtypes.DirectInternetAccessDisabled, RootAccess: sgmtypes.RootAccessDisabled})

	f.set(a, r, "elasticbeanstalk", "DescribeEnvironments", &elasticbeanstalk.DescribeEnvironmentsOutput{Environments: []ebtypes.EnvironmentDescription{{
		ApplicationName: awsv2.String("web"), EnvironmentName: awsv2.String("web-prod"), EnvironmentId: awsv2.String("e-web"),
		EnvironmentArn: awsv2.String("arn:aws:elasticbeanstalk:" + r + ":" + a + ":environment/web/web-prod"), Status: ebtypes.EnvironmentStatusReady}}})
	f.setRes(a, r, "elasticbeanstalk", "DescribeConfigurationSettings", "web|web-prod", &elasticbeanstalk.DescribeConfigurationSettingsOutput{
		ConfigurationSettings: []ebtypes.ConfigurationSettingsDescription{{ApplicationName: awsv2.String("web"), EnvironmentName: awsv2.String("web-prod"),
			OptionSettings: []ebtypes.ConfigurationOptionSetting{
				ebOption("aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced"),
				ebOption("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "true"),
				ebOption("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel", "minor"),
			}}}})
}

func ebOption(ns, name, value string) ebtypes.ConfigurationOptionSetting {
	return ebtypes.ConfigurationOptionSetting{Namespace: awsv2.String(ns), OptionName: awsv2.String(name), Value: awsv2.String(value)}
}

// Accessors of the baseline's resources in acctW, region1.

func eventsStream(f *fx) *kintypes.StreamDescriptionSummary {
	return res[kinesis.DescribeStreamSummaryOutput](f, acctW, region1, "kinesis", "DescribeStreamSummary", "events").StreamDescriptionSummary
}

func etlMaster(f *fx) *emrtypes.Instance {
	return &res[emr.ListInstancesOutput](f, acctW, region1, "emr", "ListInstances", "j-ETL").Instances[0]
}

func etlSummary(f *fx) *emrtypes.ClusterSummary {
	return &op[emr.ListClustersOutput](f, acctW, region1, "emr", "ListClusters").Clusters[0]
}

func emrBPA(f *fx) *emrtypes.BlockPublicAccessConfiguration {
	return op[emr.GetBlockPublicAccessConfigurationOutput](f, acctW, region1, "emr", "GetBlockPublicAccessConfiguration").BlockPublicAccessConfiguration
}

func labNotebook(f *fx) *sagemaker.DescribeNotebookInstanceOutput {
	return res[sagemaker.DescribeNotebookInstanceOutput](f, acctW, region1, "sagemaker", "DescribeNotebookInstance", "lab")
}

// setEBOption sets (or adds) an option of web-prod's configuration.
func setEBOption(f *fx, ns, name, value string) {
	cs := &res[elasticbeanstalk.DescribeConfigurationSettingsOutput](f, acctW, region1, "elasticbeanstalk", "DescribeConfigurationSettings", "web|web-prod").ConfigurationSettings[0]
	for i, o := range cs.OptionSettings {
		if awsv2.ToString(o.Namespace) == ns && awsv2.ToString(o.OptionName) == name {
			cs.OptionSettings[i].Value = awsv2.String(value)
			return
		}
	}
	cs.OptionSettings = append(cs.OptionSettings, ebOption(ns, name, value))
}

type sagemakerList = sagemaker.ListNotebookInstancesOutput

func ebEnv(f *fx) *ebtypes.EnvironmentDescription {
	return &op[elasticbeanstalk.DescribeEnvironmentsOutput](f, acctW, region1, "elasticbeanstalk", "DescribeEnvironments").Environments[0]
}
