package snapshot

// Operation is one AWS API call whose output a service file keeps.
type Operation struct {
	// Name is the API operation, as in the SDK (ListUsers).
	Name string
	// PerResource is empty for a call made once per account and region;
	// otherwise it names the key the call is made for (the bucket name,
	// the trail ARN, ...) and the output is stored under PerResource.
	PerResource string
	// Input describes the request parameters orgrail sends, when any
	// matter (for example IncludeShadowTrails=true).
	Input string
	// Benign lists AWS error codes that are information, not failures
	// (NoSuchEntity for an unset password policy): they go to Errors.
	Benign []string
}

// Service is one service file kind.
type Service struct {
	// Name is the file name stem and the --services name.
	Name string
	// Global services are collected once per account, into Global.
	Global bool
	// Doc says what the file is for.
	Doc        string
	Operations []Operation
}

// Catalog lists every service file orgrail reads, in --services order.
// The collector calls these operations, the demo generator writes them,
// the local AWS test server answers them from a snapshot, and
// docs/snapshot.md documents them. Outputs use aws-sdk-go-v2 shapes:
// `json.Unmarshal` a stored output into the SDK's XxxOutput type.
var Catalog = []Service{
	{Name: "iam", Global: true, Doc: "IAM: account summary, password policy, credential report, users, groups, roles, policies, MFA, identity providers. Policy documents are URL-encoded as the IAM API returns them.", Operations: []Operation{
		{Name: "GetAccountSummary"},
		{Name: "GetAccountPasswordPolicy", Benign: []string{"NoSuchEntity"}},
		{Name: "GetCredentialReport", Input: "after GenerateCredentialReport completes; Content is the CSV (base64 in JSON)"},
		{Name: "GetAccountAuthorizationDetails", Input: "Filter=User,Role,Group,LocalManagedPolicy; all pages merged: UserDetailList, GroupDetailList, RoleDetailList (trust policies, inline and attached policies, boundaries, instance profiles), Policies"},
		{Name: "ListVirtualMFADevices"},
		{Name: "ListSAMLProviders"},
		{Name: "ListOpenIDConnectProviders"},
		{Name: "ListMFADevices", PerResource: "user name"},
		{Name: "ListAccessKeys", PerResource: "user name"},
		{Name: "GetAccessKeyLastUsed", PerResource: "access key id"},
		// AWS-managed policy documents live in the pseudo-account "aws".
		{Name: "GetPolicy", PerResource: "policy ARN (pseudo-account aws only)"},
		{Name: "GetPolicyVersion", PerResource: "policy ARN, default version (pseudo-account aws only)"},
	}},
	{Name: "account", Global: true, Doc: "Account: alternate contacts and region opt-in status.", Operations: []Operation{
		{Name: "GetAlternateContact", PerResource: "contact type: SECURITY, BILLING, OPERATIONS", Benign: []string{"ResourceNotFoundException"}},
	}},
	{Name: "ec2regions", Global: true, Doc: "EC2 DescribeRegions with AllRegions=true: which regions the account has enabled (OptInStatus).", Operations: []Operation{
		{Name: "DescribeRegions", Input: "AllRegions=true"},
	}},
	{Name: "s3", Global: true, Doc: "S3: buckets and their configuration (bucket-level calls are made in the bucket's region).", Operations: []Operation{
		{Name: "ListBuckets"},
		{Name: "GetBucketLocation", PerResource: "bucket name"},
		{Name: "GetBucketPolicy", PerResource: "bucket name", Benign: []string{"NoSuchBucketPolicy"}},
		{Name: "GetBucketPolicyStatus", PerResource: "bucket name", Benign: []string{"NoSuchBucketPolicy"}},
		{Name: "GetBucketAcl", PerResource: "bucket name"},
		{Name: "GetBucketEncryption", PerResource: "bucket name", Benign: []string{"ServerSideEncryptionConfigurationNotFoundError"}},
		{Name: "GetBucketVersioning", PerResource: "bucket name"},
		{Name: "GetBucketLogging", PerResource: "bucket name"},
		{Name: "GetBucketOwnershipControls", PerResource: "bucket name", Benign: []string{"OwnershipControlsNotFoundError"}},
		{Name: "GetPublicAccessBlock", PerResource: "bucket name", Benign: []string{"NoSuchPublicAccessBlockConfiguration"}},
		{Name: "GetBucketTagging", PerResource: "bucket name", Benign: []string{"NoSuchTagSet"}},
	}},
	{Name: "s3control", Global: true, Doc: "S3 Control: the account-level public access block; multi-region access points and their policies.", Operations: []Operation{
		{Name: "GetPublicAccessBlock", Input: "AccountId=<account>", Benign: []string{"NoSuchPublicAccessBlockConfiguration"}},
		{Name: "ListMultiRegionAccessPoints", Input: "AccountId=<account>; control plane in us-west-2"},
		{Name: "GetMultiRegionAccessPointPolicy", PerResource: "multi-region access point name", Input: "AccountId=<account>; control plane in us-west-2", Benign: []string{"NoSuchMultiRegionAccessPointPolicy"}},
	}},
	{Name: "s3accesspoints", Doc: "S3 Control: the account's access points in the region (network origin, bucket, block public access), their policies and policy status.", Operations: []Operation{
		{Name: "ListAccessPoints", Input: "AccountId=<account>"},
		{Name: "GetAccessPoint", PerResource: "access point name", Input: "AccountId=<account>"},
		{Name: "GetAccessPointPolicy", PerResource: "access point name", Input: "AccountId=<account>", Benign: []string{"NoSuchAccessPointPolicy"}},
		{Name: "GetAccessPointPolicyStatus", PerResource: "access point name", Input: "AccountId=<account>", Benign: []string{"NoSuchAccessPointPolicy"}},
	}},
	{Name: "ec2", Doc: "EC2 and VPC: security groups, NACLs, VPCs, flow logs, endpoints, peering connections, transit gateway attachments, EBS default encryption, EBS volumes, instances' metadata options, snapshot and AMI block public access.", Operations: []Operation{
		{Name: "DescribeSecurityGroups"},
		{Name: "DescribeSecurityGroupRules"},
		{Name: "DescribeNetworkAcls"},
		{Name: "DescribeVpcs"},
		{Name: "DescribeFlowLogs"},
		{Name: "DescribeVpcEndpoints"},
		{Name: "DescribeVpcPeeringConnections"},
		{Name: "DescribeTransitGatewayAttachments"},
		{Name: "GetEbsEncryptionByDefault"},
		{Name: "DescribeInstances"},
		{Name: "DescribeVolumes"},
		{Name: "GetSnapshotBlockPublicAccessState"},
		{Name: "GetImageBlockPublicAccessState"},
		// VPC networking (collect/services_ec2net.go).
		{Name: "DescribeSubnets"},
		{Name: "DescribeRouteTables"},
		{Name: "DescribeNetworkInterfaces"},
		{Name: "DescribeAddresses"},
		{Name: "DescribeTransitGateways"},
		{Name: "DescribeVpnConnections"},
	}},
	{Name: "cloudtrail", Doc: "CloudTrail: trails (shadow trails included), status and event selectors.", Operations: []Operation{
		{Name: "DescribeTrails", Input: "includeShadowTrails=true"},
		{Name: "GetTrailStatus", PerResource: "trail ARN"},
		{Name: "GetEventSelectors", PerResource: "trail ARN"},
	}},
	{Name: "config", Doc: "AWS Config: recorders and their status, delivery channels, rules, aggregators.", Operations: []Operation{
		{Name: "DescribeConfigurationRecorders"},
		{Name: "DescribeConfigurationRecorderStatus"},
		{Name: "DescribeDeliveryChannels"},
		{Name: "DescribeConfigRules"},
		{Name: "DescribeConfigurationAggregators"},
	}},
	{Name: "guardduty", Doc: "GuardDuty: detectors, their settings and administrator; the organization's delegated administrator.", Operations: []Operation{
		{Name: "ListDetectors"},
		{Name: "GetDetector", PerResource: "detector id"},
		{Name: "GetAdministratorAccount", PerResource: "detector id"},
		{Name: "ListOrganizationAdminAccounts", Input: "management account only", Benign: []string{"BadRequestException"}},
	}},
	{Name: "securityhub", Doc: "Security Hub: hub, enabled standards, administrator.", Operations: []Operation{
		{Name: "DescribeHub", Benign: []string{"InvalidAccessException", "ResourceNotFoundException"}},
		{Name: "GetEnabledStandards", Benign: []string{"InvalidAccessException"}},
		{Name: "GetAdministratorAccount", Benign: []string{"InvalidAccessException"}},
		{Name: "ListOrganizationAdminAccounts", Input: "management account only", Benign: []string{"InvalidAccessException"}},
	}},
	{Name: "accessanalyzer", Doc: "IAM Access Analyzer: analyzers (account and organization).", Operations: []Operation{
		{Name: "ListAnalyzers"},
	}},
	{Name: "kms", Doc: "KMS: keys, key policies, rotation, aliases.", Operations: []Operation{
		{Name: "ListKeys"},
		{Name: "ListAliases"},
		{Name: "DescribeKey", PerResource: "key id"},
		{Name: "GetKeyPolicy", PerResource: "key id", Input: "PolicyName=default"},
		{Name: "GetKeyRotationStatus", PerResource: "key id (customer-managed keys only)"},
	}},
	{Name: "rds", Doc: "RDS: instances, DB clusters (Aurora, Multi-AZ, Neptune, DocumentDB), event notification subscriptions and manual snapshots' public restore attribute.", Operations: []Operation{
		{Name: "DescribeDBInstances"},
		{Name: "DescribeDBClusters"},
		{Name: "DescribeEventSubscriptions"},
		{Name: "DescribeDBSnapshots", Input: "SnapshotType=manual"},
		{Name: "DescribeDBSnapshotAttributes", PerResource: "DB snapshot identifier"},
	}},
	{Name: "lambda", Doc: "Lambda: functions and their resource policies.", Operations: []Operation{
		{Name: "ListFunctions"},
		{Name: "GetPolicy", PerResource: "function name", Benign: []string{"ResourceNotFoundException"}},
	}},
	{Name: "sqs", Doc: "SQS: queues and their attributes (Policy, encryption).", Operations: []Operation{
		{Name: "ListQueues"},
		{Name: "GetQueueAttributes", PerResource: "queue URL", Input: "AttributeNames=All"},
	}},
	{Name: "sns", Doc: "SNS: topics and their attributes (Policy, KmsMasterKeyId).", Operations: []Operation{
		{Name: "ListTopics"},
		{Name: "GetTopicAttributes", PerResource: "topic ARN"},
	}},
	{Name: "secretsmanager", Doc: "Secrets Manager: secrets' metadata and resource policies. Secret values are never collected.", Operations: []Operation{
		{Name: "ListSecrets"},
		{Name: "GetResourcePolicy", PerResource: "secret ARN"},
	}},
	{Name: "ecr", Doc: "ECR: private repositories (scanning, tag mutability, encryption), the registry scanning configuration, repository policies and lifecycle policies.", Operations: []Operation{
		{Name: "DescribeRepositories"},
		{Name: "GetRegistryScanningConfiguration"},
		{Name: "GetRepositoryPolicy", PerResource: "repository name", Benign: []string{"RepositoryPolicyNotFoundException"}},
		{Name: "GetLifecyclePolicy", PerResource: "repository name", Benign: []string{"LifecyclePolicyNotFoundException"}},
	}},
	{Name: "elbv2", Doc: "Elastic Load Balancing v2: Application, Network and Gateway Load Balancers, their attributes (deletion protection, access logs, header handling, desync mitigation) and listeners.", Operations: []Operation{
		{Name: "DescribeLoadBalancers"},
		{Name: "DescribeLoadBalancerAttributes", PerResource: "load balancer ARN", Benign: []string{"LoadBalancerNotFound"}},
		{Name: "DescribeListeners", PerResource: "load balancer ARN", Benign: []string{"LoadBalancerNotFound"}},
	}},
	{Name: "elb", Doc: "Classic Load Balancers: listeners (protocols, certificates), zones and attributes (access logs, connection draining, cross-zone balancing, desync mitigation).", Operations: []Operation{
		{Name: "DescribeLoadBalancers"},
		{Name: "DescribeLoadBalancerAttributes", PerResource: "load balancer name", Benign: []string{"LoadBalancerNotFound"}},
	}},
	{Name: "acm", Doc: "AWS Certificate Manager: certificates of every key type and their details (expiry, renewal eligibility, key algorithm); never the certificate bodies or private keys.", Operations: []Operation{
		{Name: "ListCertificates", Input: "Includes.KeyTypes = every key type (ACM lists only RSA_2048 certificates otherwise)"},
		{Name: "DescribeCertificate", PerResource: "certificate ARN", Benign: []string{"ResourceNotFoundException"}},
	}},
	{Name: "logs", Doc: "CloudWatch Logs: metric filters (the CIS section 4 filters on a trail's log group) and log groups (retention, KMS key; no log events).", Operations: []Operation{
		{Name: "DescribeMetricFilters"},
		{Name: "DescribeLogGroups"},
	}},
	{Name: "cloudwatch", Doc: "CloudWatch: metric alarms (name, metric, actions; not their history).", Operations: []Operation{
		{Name: "DescribeAlarms", Input: "AlarmTypes=MetricAlarm"},
	}},
	{Name: "ssoadmin", Doc: "IAM Identity Center: instances, permission sets, their policies and account assignments (collected in the Identity Center home region of the management or delegated administrator account).", Operations: []Operation{
		{Name: "ListInstances"},
		{Name: "ListPermissionSets", PerResource: "instance ARN"},
		{Name: "DescribePermissionSet", PerResource: "permission set ARN"},
		{Name: "GetInlinePolicyForPermissionSet", PerResource: "permission set ARN"},
		{Name: "ListManagedPoliciesInPermissionSet", PerResource: "permission set ARN"},
		{Name: "ListAccountsForProvisionedPermissionSet", PerResource: "permission set ARN"},
		{Name: "ListAccountAssignments", PerResource: "permission set ARN + \"|\" + account id"},
		{Name: "ListCustomerManagedPolicyReferencesInPermissionSet", PerResource: "permission set ARN"},
		{Name: "GetPermissionsBoundaryForPermissionSet", PerResource: "permission set ARN", Benign: []string{"ResourceNotFoundException"}},
		{Name: "ListTagsForResource", PerResource: "permission set ARN"},
	}},
	{Name: "identitystore", Doc: "IAM Identity Center identity store: users, groups and group memberships (names and ids only; no credentials), read beside the Identity Center instance.", Operations: []Operation{
		{Name: "ListUsers", PerResource: "identity store id"},
		{Name: "ListGroups", PerResource: "identity store id"},
		{Name: "ListGroupMemberships", PerResource: "identity store id + \"|\" + group id"},
	}},
	{Name: "dms", Doc: "AWS Database Migration Service: replication instances (public accessibility, network placement).", Operations: []Operation{
		{Name: "DescribeReplicationInstances"},
	}},
}

// LookupService returns the catalog entry for a service name.
func LookupService(name string) (Service, bool) {
	for _, s := range Catalog {
		if s.Name == name {
			return s, true
		}
	}
	return Service{}, false
}

// ServiceNames returns every catalog service name, in catalog order.
func ServiceNames() []string {
	out := make([]string, len(Catalog))
	for i, s := range Catalog {
		out[i] = s.Name
	}
	return out
}
