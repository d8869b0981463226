package collect

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
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
}

// configUnavailable names what AWS Config files cannot give; the
// manifest of a snapshot built from them lists it.
var configUnavailable = []string{
	"iam GetAccountSummary", "iam GetAccountPasswordPolicy", "iam GetCredentialReport",
	"iam ListVirtualMFADevices", "iam ListMFADevices", "iam ListAccessKeys", "iam GetAccessKeyLastUsed",
	"iam ListSAMLProviders", "iam ListOpenIDConnectProviders",
	"account GetAlternateContact", "account GetContactInformation", "ec2regions DescribeRegions", "macie2 GetMacieSession",
	"ec2 DescribeSecurityGroupRules", "ec2 GetEbsEncryptionByDefault", "ec2 DescribeInstances (reservation grouping)",
	"ec2 GetSnapshotBlockPublicAccessState", "ec2 GetImageBlockPublicAccessState",
	"cloudtrail GetTrailStatus", "cloudtrail GetEventSelectors",
	"config DescribeConfigurationRecorderStatus", "config DescribeDeliveryChannels", "config DescribeConfigRules",
	"config DescribeConfigurationAggregators",
	"guardduty GetAdministratorAccount", "guardduty ListOrganizationAdminAccounts",
	"securityhub (all)", "kms GetKeyPolicy", "kms GetKeyRotationStatus", "kms ListAliases",
	"rds DescribeDBSnapshotAttributes", "ssoadmin (all)", "organization structure (org.json lists the accounts found, without OUs or policies, unless --org-from is given)",
}
