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
		{Name: "ListServerCertificates", Input: "all pages; metadata only (name, ARN, expiration), never the certificate body"},
		// AWS-managed policy documents live in the pseudo-account "aws".
		{Name: "GetPolicy", PerResource: "policy ARN (pseudo-account aws only)"},
		{Name: "GetPolicyVersion", PerResource: "policy ARN, default version (pseudo-account aws only)"},
	}},
	{Name: "account", Global: true, Doc: "Account: alternate contacts, the primary contact information and region opt-in status.", Operations: []Operation{
		{Name: "GetAlternateContact", PerResource: "contact type: SECURITY, BILLING, OPERATIONS", Benign: []string{"ResourceNotFoundException"}},
		{Name: "GetContactInformation", Input: "the account's own primary contact (no AccountId)", Benign: []string{"ResourceNotFoundException"}},
	}},
	{Name: "ec2regions", Global: true, Doc: "EC2 DescribeRegions with AllRegions=true: which regions the account has enabled (OptInStatus).", Operations: []Operation{
		{Name: "DescribeRegions", Input: "AllRegions=true"},
	}},
	{Name: "s3", Global: true, Doc: "S3: buckets and their configuration, lifecycle, replication and event notifications (bucket-level calls are made in the bucket's region).", Operations: []Operation{
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
		{Name: "GetBucketLifecycleConfiguration", PerResource: "bucket name", Benign: []string{"NoSuchLifecycleConfiguration"}},
		{Name: "GetBucketReplication", PerResource: "bucket name", Benign: []string{"ReplicationConfigurationNotFoundError"}},
		{Name: "GetBucketNotificationConfiguration", PerResource: "bucket name"},
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
		// Compute (services_ec2compute.go): own EBS snapshots and their
		// createVolumePermission, launch templates' default versions.
		{Name: "DescribeSnapshots", Input: "OwnerIds=self"},
		{Name: "DescribeSnapshotAttribute", PerResource: "snapshot id", Input: "Attribute=createVolumePermission", Benign: []string{"InvalidSnapshot.NotFound"}},
		{Name: "DescribeLaunchTemplates"},
		{Name: "DescribeLaunchTemplateVersions", Input: "Versions=$Default (the default version of every launch template)"},
		// VPC networking (collect/services_ec2net.go).
		{Name: "DescribeSubnets"},
		{Name: "DescribeRouteTables"},
		{Name: "DescribeNetworkInterfaces"},
		{Name: "DescribeAddresses"},
		{Name: "DescribeTransitGateways"},
		{Name: "DescribeVpnConnections"},
		// Instance type facts (collect/services_ec2types.go): whether each
		// type the region's instances run can be EBS-optimized.
		{Name: "DescribeInstanceTypes", Input: "InstanceTypes=the distinct types of the region's instances, 100 per call (no call, an empty answer, without instances)"},
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
	{Name: "elb", Doc: "Classic Load Balancers: listeners (protocols, certificates), zones, attributes (access logs, connection draining, cross-zone balancing, desync mitigation) and policies (the SSL negotiation policies of the listeners).", Operations: []Operation{
		{Name: "DescribeLoadBalancers"},
		{Name: "DescribeLoadBalancerAttributes", PerResource: "load balancer name", Benign: []string{"LoadBalancerNotFound"}},
		{Name: "DescribeLoadBalancerPolicies", PerResource: "load balancer name", Benign: []string{"LoadBalancerNotFound"}},
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
	{Name: "autoscaling", Doc: "EC2 Auto Scaling: groups (zones, load balancers and health checks, launch template or configuration, instance types) and launch configurations (metadata options, public IP; user data redacted).", Operations: []Operation{
		{Name: "DescribeAutoScalingGroups"},
		{Name: "DescribeLaunchConfigurations"},
	}},
	{Name: "dynamodb", Doc: "DynamoDB: tables (billing mode, global secondary indexes, encryption) and their continuous backups (point-in-time recovery); never items.", Operations: []Operation{
		{Name: "ListTables"},
		{Name: "DescribeTable", PerResource: "table name", Benign: []string{"ResourceNotFoundException"}},
		{Name: "DescribeContinuousBackups", PerResource: "table name", Benign: []string{"TableNotFoundException"}},
	}},
	{Name: "applicationautoscaling", Doc: "Application Auto Scaling: the scalable targets of the DynamoDB namespace (which tables and global secondary indexes scale their read and write capacity).", Operations: []Operation{
		{Name: "DescribeScalableTargets", Input: "ServiceNamespace=dynamodb"},
	}},
	{Name: "dax", Doc: "DynamoDB Accelerator: clusters (encryption at rest, endpoint encryption, subnet group).", Operations: []Operation{
		{Name: "DescribeClusters"},
	}},
	{Name: "elasticache", Doc: "ElastiCache: cache clusters (engine and version, automatic backups, minor version upgrades, subnet group), replication groups (automatic failover, encryption at rest and in transit, AUTH) and cache subnet groups; never AUTH tokens.", Operations: []Operation{
		{Name: "DescribeCacheClusters"},
		{Name: "DescribeReplicationGroups"},
		{Name: "DescribeCacheSubnetGroups"},
	}},
	{Name: "kinesis", Doc: "Kinesis Data Streams: streams and their summaries (encryption, retention); never records.", Operations: []Operation{
		{Name: "ListStreams"},
		{Name: "DescribeStreamSummary", PerResource: "stream name", Benign: []string{"ResourceNotFoundException"}},
	}},
	{Name: "emr", Doc: "Amazon EMR: active clusters, their descriptions and primary (master) nodes' addresses, and the region's block public access configuration.", Operations: []Operation{
		{Name: "GetBlockPublicAccessConfiguration"},
		{Name: "ListClusters", Input: "ClusterStates=STARTING,BOOTSTRAPPING,RUNNING,WAITING"},
		{Name: "DescribeCluster", PerResource: "cluster id", Benign: []string{"InvalidRequestException"}},
		{Name: "ListInstances", PerResource: "cluster id", Input: "InstanceGroupTypes=MASTER (InstanceFleetType=MASTER for instance fleets)", Benign: []string{"InvalidRequestException"}},
	}},
	{Name: "sagemaker", Doc: "SageMaker: notebook instances and their descriptions (direct internet access, subnet, root access); never notebooks' contents.", Operations: []Operation{
		{Name: "ListNotebookInstances"},
		{Name: "DescribeNotebookInstance", PerResource: "notebook instance name", Benign: []string{"ValidationException"}},
	}},
	{Name: "elasticbeanstalk", Doc: "Elastic Beanstalk: environments and their configuration settings (health reporting, managed platform updates); environment properties and other secret-like option values are redacted.", Operations: []Operation{
		{Name: "DescribeEnvironments", Input: "IncludeDeleted=false"},
		{Name: "DescribeConfigurationSettings", PerResource: "application name + \"|\" + environment name", Benign: []string{"InvalidParameterValue"}},
	}},
	{Name: "ecs", Doc: "Amazon ECS: clusters (settings such as Container Insights), each cluster's services (launch type, platform version, public IP assignment) and the latest ACTIVE revision of every task definition family (network and PID modes, container definitions). Container environment variable values are redacted; their names are kept.", Operations: []Operation{
		{Name: "ListClusters"},
		{Name: "DescribeClusters", Input: "Clusters = every listed cluster, 100 per call; Include=SETTINGS,CONFIGURATIONS; batches merged; not called without clusters"},
		{Name: "ListServices", PerResource: "cluster ARN", Benign: []string{"ClusterNotFoundException"}},
		{Name: "DescribeServices", PerResource: "cluster ARN", Input: "Services = the cluster's listed services, 10 per call; batches merged; not called for a cluster without services", Benign: []string{"ClusterNotFoundException"}},
		{Name: "ListTaskDefinitions", Input: "Status=ACTIVE"},
		{Name: "DescribeTaskDefinition", PerResource: "task definition ARN (the highest ACTIVE revision of each family)"},
	}},
	{Name: "efs", Doc: "Amazon EFS: file systems (encryption, KMS key), access points (root directory, POSIX user), and each file system's mount targets and automatic backup policy. No file data.", Operations: []Operation{
		{Name: "DescribeFileSystems"},
		{Name: "DescribeAccessPoints"},
		{Name: "DescribeMountTargets", PerResource: "file system id", Benign: []string{"FileSystemNotFound"}},
		{Name: "DescribeBackupPolicy", PerResource: "file system id", Benign: []string{"PolicyNotFound", "FileSystemNotFound"}},
	}},
	{Name: "eks", Doc: "Amazon EKS: clusters and their configuration (Kubernetes version, support type, endpoint access, control plane logging, secrets encryption).", Operations: []Operation{
		{Name: "ListClusters"},
		{Name: "DescribeCluster", PerResource: "cluster name", Benign: []string{"ResourceNotFoundException"}},
	}},
	{Name: "codebuild", Doc: "AWS CodeBuild: build projects (source location and authentication, environment, logs configuration). Environment variable values are redacted (names and types kept), and so are credentials embedded in a source URL.", Operations: []Operation{
		{Name: "ListProjects"},
		{Name: "BatchGetProjects", Input: "Names = every listed project, 100 per call; batches merged; not called without projects"},
	}},
	{Name: "cloudfront", Global: true, Doc: "CloudFront: distributions and their configuration (origins and origin groups, cache behaviors' viewer protocol, default root object, standard logging, web ACL, viewer certificate); read in us-east-1, where the CloudFront API is served.", Operations: []Operation{
		{Name: "ListDistributions", Input: "all pages merged into DistributionList.Items"},
		{Name: "GetDistributionConfig", PerResource: "distribution id", Benign: []string{"NoSuchDistribution"}},
	}},
	{Name: "wafv2", Doc: "AWS WAF (v2): the region's web ACLs of scope REGIONAL, their rules and logging configuration.", Operations: []Operation{
		{Name: "ListWebACLs", Input: "Scope=REGIONAL; all pages merged"},
		{Name: "GetWebACL", PerResource: "web ACL id", Input: "Name, Scope, Id", Benign: []string{"WAFNonexistentItemException"}},
		{Name: "GetLoggingConfiguration", PerResource: "web ACL ARN", Benign: []string{"WAFNonexistentItemException"}},
	}},
	{Name: "wafv2cloudfront", Global: true, Doc: "AWS WAF (v2): the account's web ACLs of scope CLOUDFRONT (read in us-east-1), their rules and logging configuration.", Operations: []Operation{
		{Name: "ListWebACLs", Input: "Scope=CLOUDFRONT, in us-east-1; all pages merged"},
		{Name: "GetWebACL", PerResource: "web ACL id", Input: "Name, Scope, Id", Benign: []string{"WAFNonexistentItemException"}},
		{Name: "GetLoggingConfiguration", PerResource: "web ACL ARN", Benign: []string{"WAFNonexistentItemException"}},
	}},
	{Name: "waf", Global: true, Doc: "AWS WAF Classic (global, for CloudFront): web ACLs with their logging configuration, rules and their conditions, rule groups and their rules.", Operations: []Operation{
		{Name: "ListWebACLs", Input: "all pages merged"},
		{Name: "ListRules", Input: "all pages merged"},
		{Name: "ListRuleGroups", Input: "all pages merged"},
		{Name: "GetWebACL", PerResource: "web ACL id", Benign: []string{"WAFNonexistentItemException"}},
		{Name: "GetLoggingConfiguration", PerResource: "web ACL id", Input: "ResourceArn=the web ACL's ARN", Benign: []string{"WAFNonexistentItemException"}},
		{Name: "GetRule", PerResource: "rule id", Benign: []string{"WAFNonexistentItemException"}},
		{Name: "ListActivatedRulesInRuleGroup", PerResource: "rule group id", Input: "all pages merged", Benign: []string{"WAFNonexistentItemException"}},
	}},
	{Name: "wafregional", Doc: "AWS WAF Classic Regional: the region's web ACLs, rules and their conditions, rule groups and their rules. A region without an AWS WAF Classic endpoint (it is retired and absent from the newer regions) gets empty lists.", Operations: []Operation{
		{Name: "ListWebACLs", Input: "all pages merged"},
		{Name: "ListRules", Input: "all pages merged"},
		{Name: "ListRuleGroups", Input: "all pages merged"},
		{Name: "GetWebACL", PerResource: "web ACL id", Benign: []string{"WAFNonexistentItemException"}},
		{Name: "GetRule", PerResource: "rule id", Benign: []string{"WAFNonexistentItemException"}},
		{Name: "ListActivatedRulesInRuleGroup", PerResource: "rule group id", Input: "all pages merged", Benign: []string{"WAFNonexistentItemException"}},
	}},
	{Name: "redshift", Doc: "Amazon Redshift: provisioned clusters (public access, encryption, snapshots, maintenance, enhanced VPC routing, admin user and database names), the parameters of their parameter groups (values other than require_ssl, use_fips_ssl and enable_user_activity_logging are redacted) and their audit logging status.", Operations: []Operation{
		{Name: "DescribeClusters"},
		{Name: "DescribeClusterParameters", PerResource: "parameter group name", Benign: []string{"ClusterParameterGroupNotFound"}},
		{Name: "DescribeLoggingStatus", PerResource: "cluster identifier", Benign: []string{"ClusterNotFound"}},
	}},
	{Name: "opensearch", Doc: "Amazon OpenSearch Service: domains of both engines (OpenSearch and Elasticsearch) and their configuration (encryption, VPC, logging, cluster and node layout, fine-grained access control, endpoint TLS).", Operations: []Operation{
		{Name: "ListDomainNames"},
		{Name: "DescribeDomains", Input: "DomainNames = the listed domains, five per call; the outputs merged"},
	}},
	{Name: "apigateway", Doc: "API Gateway REST APIs and their stages (method settings, X-Ray tracing, client certificate, web ACL, cache). Stage variable values are redacted; API keys are never read.", Operations: []Operation{
		{Name: "GetRestApis"},
		{Name: "GetStages", PerResource: "REST API id", Benign: []string{"NotFoundException"}},
	}},
	{Name: "apigatewayv2", Doc: "API Gateway HTTP and WebSocket APIs, their stages (access logging, default route settings) and routes (authorization type). Stage variable values are redacted.", Operations: []Operation{
		{Name: "GetApis"},
		{Name: "GetStages", PerResource: "API id", Benign: []string{"NotFoundException"}},
		{Name: "GetRoutes", PerResource: "API id", Benign: []string{"NotFoundException"}},
	}},
	{Name: "ssm", Doc: "Systems Manager: managed instances, resource compliance summaries (patch and association), the account's own documents and their sharing permissions (not their content).", Operations: []Operation{
		{Name: "DescribeInstanceInformation"},
		{Name: "ListResourceComplianceSummaries"},
		{Name: "ListDocuments", Input: "Filters Owner=Self"},
		{Name: "DescribeDocumentPermission", PerResource: "document name", Input: "PermissionType=Share", Benign: []string{"InvalidDocument"}},
	}},
	{Name: "cloudformation", Doc: "CloudFormation: stacks (status, notification ARNs, tags; not their templates or parameter values).", Operations: []Operation{
		{Name: "DescribeStacks"},
	}},
	{Name: "dms", Doc: "AWS Database Migration Service: replication instances (public accessibility, network placement).", Operations: []Operation{
		{Name: "DescribeReplicationInstances"},
	}},
	{Name: "networkfirewall", Doc: "AWS Network Firewall: firewalls (subnets, protection settings) and their logging configuration, firewall policies (default actions, rule group references) and the account's stateless rule groups.", Operations: []Operation{
		{Name: "ListFirewalls"},
		{Name: "DescribeFirewall", PerResource: "firewall ARN", Benign: []string{"ResourceNotFoundException"}},
		{Name: "DescribeLoggingConfiguration", PerResource: "firewall ARN", Benign: []string{"ResourceNotFoundException"}},
		{Name: "ListFirewallPolicies"},
		{Name: "DescribeFirewallPolicy", PerResource: "firewall policy ARN", Benign: []string{"ResourceNotFoundException"}},
		{Name: "ListRuleGroups", Input: "Type=STATELESS"},
		{Name: "DescribeRuleGroup", PerResource: "rule group ARN", Input: "Type=STATELESS", Benign: []string{"ResourceNotFoundException"}},
	}},
	{Name: "backup", Doc: "AWS Backup: the region's backup plans (including plans an organization's backup policy created in the account), their rules, and each plan's resource assignments (resource ARNs, exclusions, tag conditions); no recovery points.", Operations: []Operation{
		{Name: "ListBackupPlans", Input: "all pages merged"},
		{Name: "GetBackupPlan", PerResource: "backup plan id", Benign: []string{"ResourceNotFoundException"}},
		{Name: "ListBackupSelections", PerResource: "backup plan id", Input: "all pages merged", Benign: []string{"ResourceNotFoundException"}},
		{Name: "GetBackupSelection", PerResource: "backup plan id + \"|\" + selection id", Benign: []string{"ResourceNotFoundException"}},
	}},
	{Name: "macie2", Doc: "Amazon Macie: the account's Macie session in the region (status, finding publishing frequency); never findings or sensitive data.", Operations: []Operation{
		// Macie answers AccessDeniedException "Macie is not enabled." where
		// it is off; the collector records that answer and nothing else
		// under the code (a missing permission stays a gap).
		{Name: "GetMacieSession", Input: "AccessDeniedException is benign only with the message \"Macie is not enabled\"", Benign: []string{"AccessDeniedException"}},
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
