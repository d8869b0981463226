package collect

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// listKind maps an AWS Config resource type whose items are the elements
// of one list in one snapshot operation's output.
type listKind struct {
	ResourceType string
	Service      string
	Op           string
	List         string // the output's list field
	Global       bool
	New          func() any
	ID           func(any) string
}

// listKinds are the resource types converted generically.
var listKinds = []listKind{
	{"AWS::EC2::SecurityGroup", "ec2", "DescribeSecurityGroups", "SecurityGroups", false,
		func() any { return &ec2types.SecurityGroup{} }, func(v any) string { return aws.ToString(v.(*ec2types.SecurityGroup).GroupId) }},
	{"AWS::EC2::VPC", "ec2", "DescribeVpcs", "Vpcs", false,
		func() any { return &ec2types.Vpc{} }, func(v any) string { return aws.ToString(v.(*ec2types.Vpc).VpcId) }},
	{"AWS::EC2::NetworkAcl", "ec2", "DescribeNetworkAcls", "NetworkAcls", false,
		func() any { return &ec2types.NetworkAcl{} }, func(v any) string { return aws.ToString(v.(*ec2types.NetworkAcl).NetworkAclId) }},
	{"AWS::EC2::FlowLog", "ec2", "DescribeFlowLogs", "FlowLogs", false,
		func() any { return &ec2types.FlowLog{} }, func(v any) string { return aws.ToString(v.(*ec2types.FlowLog).FlowLogId) }},
	{"AWS::EC2::VPCEndpoint", "ec2", "DescribeVpcEndpoints", "VpcEndpoints", false,
		func() any { return &ec2types.VpcEndpoint{} }, func(v any) string { return aws.ToString(v.(*ec2types.VpcEndpoint).VpcEndpointId) }},
	{"AWS::CloudTrail::Trail", "cloudtrail", "DescribeTrails", "TrailList", false,
		func() any { return &cttypes.Trail{} }, func(v any) string { return aws.ToString(v.(*cttypes.Trail).TrailARN) }},
	{"AWS::Config::ConfigurationRecorder", "config", "DescribeConfigurationRecorders", "ConfigurationRecorders", false,
		func() any { return &cfgtypes.ConfigurationRecorder{} }, func(v any) string { return aws.ToString(v.(*cfgtypes.ConfigurationRecorder).Name) }},
	{"AWS::RDS::DBInstance", "rds", "DescribeDBInstances", "DBInstances", false,
		func() any { return &rdstypes.DBInstance{} }, func(v any) string { return aws.ToString(v.(*rdstypes.DBInstance).DBInstanceIdentifier) }},
	{"AWS::RDS::DBSnapshot", "rds", "DescribeDBSnapshots", "DBSnapshots", false,
		func() any { return &rdstypes.DBSnapshot{} }, func(v any) string { return aws.ToString(v.(*rdstypes.DBSnapshot).DBSnapshotIdentifier) }},
	{"AWS::Lambda::Function", "lambda", "ListFunctions", "Functions", false,
		func() any { return &lambdatypes.FunctionConfiguration{} }, func(v any) string { return aws.ToString(v.(*lambdatypes.FunctionConfiguration).FunctionName) }},
	{"AWS::SecretsManager::Secret", "secretsmanager", "ListSecrets", "SecretList", false,
		func() any { return &smtypes.SecretListEntry{} }, func(v any) string { return aws.ToString(v.(*smtypes.SecretListEntry).ARN) }},
	{"AWS::AccessAnalyzer::Analyzer", "accessanalyzer", "ListAnalyzers", "Analyzers", false,
		func() any { return &aatypes.AnalyzerSummary{} }, func(v any) string { return aws.ToString(v.(*aatypes.AnalyzerSummary).Arn) }},
	{"AWS::IAM::User", "iam", "GetAccountAuthorizationDetails", "UserDetailList", true,
		func() any { return &iamtypes.UserDetail{} }, func(v any) string { return aws.ToString(v.(*iamtypes.UserDetail).UserId) }},
	{"AWS::IAM::Role", "iam", "GetAccountAuthorizationDetails", "RoleDetailList", true,
		func() any { return &iamtypes.RoleDetail{} }, func(v any) string { return aws.ToString(v.(*iamtypes.RoleDetail).RoleId) }},
	{"AWS::IAM::Group", "iam", "GetAccountAuthorizationDetails", "GroupDetailList", true,
		func() any { return &iamtypes.GroupDetail{} }, func(v any) string { return aws.ToString(v.(*iamtypes.GroupDetail).GroupId) }},
	{"AWS::IAM::Policy", "iam", "GetAccountAuthorizationDetails", "Policies", true,
		func() any { return &iamtypes.ManagedPolicyDetail{} }, func(v any) string { return aws.ToString(v.(*iamtypes.ManagedPolicyDetail).PolicyId) }},
	// Types whose Config schema (awslabs/aws-config-resource-schema) is
	// the API's shape; configschema_test.go checks the members rules read.
	{"AWS::EC2::Volume", "ec2", "DescribeVolumes", "Volumes", false,
		func() any { return &ec2types.Volume{} }, func(v any) string { return aws.ToString(v.(*ec2types.Volume).VolumeId) }},
	{"AWS::EC2::Subnet", "ec2", "DescribeSubnets", "Subnets", false,
		func() any { return &ec2types.Subnet{} }, func(v any) string { return aws.ToString(v.(*ec2types.Subnet).SubnetId) }},
	{"AWS::EC2::RouteTable", "ec2", "DescribeRouteTables", "RouteTables", false,
		func() any { return &ec2types.RouteTable{} }, func(v any) string { return aws.ToString(v.(*ec2types.RouteTable).RouteTableId) }},
	{"AWS::RDS::DBCluster", "rds", "DescribeDBClusters", "DBClusters", false,
		func() any { return &rdstypes.DBCluster{} }, func(v any) string { return aws.ToString(v.(*rdstypes.DBCluster).DBClusterIdentifier) }},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer", "elbv2", "DescribeLoadBalancers", "LoadBalancers", false,
		func() any { return &elbv2types.LoadBalancer{} }, func(v any) string { return aws.ToString(v.(*elbv2types.LoadBalancer).LoadBalancerArn) }},
	{"AWS::ElasticLoadBalancing::LoadBalancer", "elb", "DescribeLoadBalancers", "LoadBalancerDescriptions", false,
		func() any { return &elbtypes.LoadBalancerDescription{} }, func(v any) string { return aws.ToString(v.(*elbtypes.LoadBalancerDescription).LoadBalancerName) }},
	{"AWS::AutoScaling::AutoScalingGroup", "autoscaling", "DescribeAutoScalingGroups", "AutoScalingGroups", false,
		func() any { return &astypes.AutoScalingGroup{} }, func(v any) string { return aws.ToString(v.(*astypes.AutoScalingGroup).AutoScalingGroupName) }},
	{"AWS::AutoScaling::LaunchConfiguration", "autoscaling", "DescribeLaunchConfigurations", "LaunchConfigurations", false,
		func() any { return &astypes.LaunchConfiguration{} }, func(v any) string { return aws.ToString(v.(*astypes.LaunchConfiguration).LaunchConfigurationName) }},
	{"AWS::Redshift::Cluster", "redshift", "DescribeClusters", "Clusters", false,
		func() any { return &rstypes.Cluster{} }, func(v any) string { return aws.ToString(v.(*rstypes.Cluster).ClusterIdentifier) }},
	{"AWS::EC2::EIP", "ec2", "DescribeAddresses", "Addresses", false,
		func() any { return &ec2types.Address{} }, func(v any) string {
			a := v.(*ec2types.Address)
			return aws.ToString(a.AllocationId) + aws.ToString(a.PublicIp)
		}},
	{"AWS::EC2::NetworkInterface", "ec2", "DescribeNetworkInterfaces", "NetworkInterfaces", false,
		func() any { return &ec2types.NetworkInterface{} }, func(v any) string { return aws.ToString(v.(*ec2types.NetworkInterface).NetworkInterfaceId) }},
	{"AWS::EC2::VPNConnection", "ec2", "DescribeVpnConnections", "VpnConnections", false,
		func() any { return &ec2types.VpnConnection{} }, func(v any) string { return aws.ToString(v.(*ec2types.VpnConnection).VpnConnectionId) }},
	{"AWS::RDS::EventSubscription", "rds", "DescribeEventSubscriptions", "EventSubscriptionsList", false,
		func() any { return &rdstypes.EventSubscription{} }, func(v any) string { return aws.ToString(v.(*rdstypes.EventSubscription).CustSubscriptionId) }},
	{"AWS::CloudWatch::Alarm", "cloudwatch", "DescribeAlarms", "MetricAlarms", false,
		func() any { return &cwtypes.MetricAlarm{} }, func(v any) string { return aws.ToString(v.(*cwtypes.MetricAlarm).AlarmName) }},
}

// configUnavailable names what AWS Config files cannot give; the
// manifest of a snapshot built from them lists it. An entry is
// "service Op" or "service (all)", then why in parentheses where the
// reason is not that Config records no such resource type.
// TestConfigUnavailableComplete checks it against the catalog.
var configUnavailable = []string{
	"iam GetAccountSummary", "iam GetAccountPasswordPolicy", "iam GetCredentialReport",
	"iam ListVirtualMFADevices", "iam ListMFADevices", "iam ListAccessKeys", "iam GetAccessKeyLastUsed",
	"iam ListSAMLProviders", "iam ListOpenIDConnectProviders",
	"iam ListServerCertificates (AWS::IAM::ServerCertificate is recorded in CloudFormation's shape; not converted)",
	"iam GetPolicy (AWS managed policies are not recorded)", "iam GetPolicyVersion (AWS managed policies are not recorded)",
	"account GetAlternateContact", "account GetContactInformation", "ec2regions DescribeRegions", "macie2 GetMacieSession",
	"s3 GetBucketLifecycleConfiguration (Config's BucketLifecycleConfiguration supplement has its own shape; not converted)",
	"s3 GetBucketReplication (Config's BucketReplicationConfiguration supplement has its own shape; not converted)",
	"s3 GetBucketNotificationConfiguration (Config's BucketNotificationConfiguration supplement has its own shape; not converted)",
	"s3control ListMultiRegionAccessPoints (AWS::S3::MultiRegionAccessPoint is recorded in CloudFormation's shape; not converted)",
	"s3control GetMultiRegionAccessPointPolicy", "s3accesspoints (all) (AWS::S3::AccessPoint is recorded in CloudFormation's shape; not converted)",
	"ec2 DescribeSecurityGroupRules", "ec2 GetEbsEncryptionByDefault", "ec2 DescribeInstances (reservation grouping)",
	"ec2 GetSnapshotBlockPublicAccessState", "ec2 GetImageBlockPublicAccessState",
	"ec2 DescribeSnapshots (EBS snapshots are not a Config resource type)", "ec2 DescribeSnapshotAttribute",
	"ec2 DescribeLaunchTemplates (AWS::EC2::LaunchTemplate is recorded in CloudFormation's shape; not converted)",
	"ec2 DescribeLaunchTemplateVersions (AWS::EC2::LaunchTemplate is recorded in CloudFormation's shape; not converted)",
	"ec2 DescribeTransitGateways (AWS::EC2::TransitGateway is recorded in CloudFormation's shape; not converted)",
	"ec2 DescribeTransitGatewayAttachments (AWS::EC2::TransitGatewayAttachment is recorded in CloudFormation's shape; not converted)",
	"ec2 DescribeVpcPeeringConnections (Config records a peering's status as a string where the API has an object; not converted)",
	"cloudtrail GetTrailStatus", "cloudtrail GetEventSelectors",
	"config DescribeConfigurationRecorderStatus", "config DescribeDeliveryChannels", "config DescribeConfigRules",
	"config DescribeConfigurationAggregators",
	"guardduty GetAdministratorAccount", "guardduty ListOrganizationAdminAccounts",
	"securityhub (all)", "kms GetKeyPolicy", "kms GetKeyRotationStatus", "kms ListAliases",
	"rds DescribeDBSnapshotAttributes",
	"elbv2 DescribeLoadBalancerAttributes (not recorded by Config)", "elbv2 DescribeListeners (AWS::ElasticLoadBalancingV2::Listener is recorded in CloudFormation's shape; not converted)",
	"elb DescribeLoadBalancerAttributes (not recorded by Config)", "elb DescribeLoadBalancerPolicies (not recorded by Config)",
	"ec2 DescribeInstanceTypes (instance type facts are not resources Config records)",
	"redshift DescribeClusterParameters (parameter values are not recorded by Config)",
	"applicationautoscaling (all)", "dax (all)", "logs (all)", "emr (all)",
	"elasticache (all) (AWS::ElastiCache types are absent from the AWS Config resource schema; not converted)",
	"ecr (all) (recorded in CloudFormation's shape; not converted)", "kinesis (all) (recorded in CloudFormation's shape; not converted)",
	"sagemaker (all) (recorded in CloudFormation's shape; not converted)", "ecs (all) (recorded in CloudFormation's shape; not converted)",
	"efs (all) (recorded in CloudFormation's shape; not converted)", "eks (all) (recorded in CloudFormation's shape; not converted)",
	"dms (all) (recorded in CloudFormation's shape; not converted)", "ssm (all) (recorded in CloudFormation's shape or as inventory; not converted)",
	"codebuild (all) (Config's project differs from the API's: vpcConfig.subnets are objects; not converted)",
	"cloudfront (all) (not converted yet)",
	"apigateway (all) (not converted yet)", "apigatewayv2 (all) (not converted yet)", "elasticbeanstalk (all) (not converted yet)",
	"networkfirewall DescribeLoggingConfiguration (not recorded by Config)", "cloudformation (all) (not converted yet)",
	"wafv2 (all) (not converted yet)", "wafv2cloudfront (all) (not converted yet)", "waf (all) (not converted yet)", "wafregional (all) (not converted yet)",
	"identitystore (all)", "ssoadmin (all)",
	"backup (all) (not converted yet)",
	"organization structure (org.json lists the accounts found, without OUs or policies, unless --org-from is given)",
}
