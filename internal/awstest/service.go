package awstest

import "strings"

// Protocol is an AWS wire protocol family.
type Protocol int

// The protocols the server speaks.
const (
	AWSJSON10 Protocol = iota + 1
	AWSJSON11
	Query
	EC2Query
	RESTJSON
	RESTXML
)

// String names the protocol as Smithy does.
func (p Protocol) String() string {
	switch p {
	case AWSJSON10:
		return "awsJson1_0"
	case AWSJSON11:
		return "awsJson1_1"
	case Query:
		return "awsQuery"
	case EC2Query:
		return "ec2Query"
	case RESTJSON:
		return "restJson1"
	case RESTXML:
		return "restXml"
	}
	return "unknown"
}

// serviceDef describes one AWS service the server answers.
type serviceDef struct {
	// Name is the server's name for the service (the SDK package name).
	Name string
	// SigningName is the SigV4 credential scope service.
	SigningName string
	Protocol    Protocol
	// Global services answer from the snapshot's "global" region.
	Global bool
	// XMLNS is the namespace of Query and EC2 responses.
	XMLNS string
	// Throttle is the service's throttling error code.
	Throttle string
	// NotFound is the service's generic not-found error code.
	NotFound string
}

// services lists every service the server can answer. The signing
// names and protocols are the SDK clients' own.
var services = []*serviceDef{
	{Name: "organizations", SigningName: "organizations", Protocol: AWSJSON11, Global: true, Throttle: "TooManyRequestsException", NotFound: "TargetNotFoundException"},
	{Name: "sts", SigningName: "sts", Protocol: Query, Global: true, XMLNS: "https://sts.amazonaws.com/doc/2011-06-15/", Throttle: "Throttling"},
	{Name: "iam", SigningName: "iam", Protocol: Query, Global: true, XMLNS: "https://iam.amazonaws.com/doc/2010-05-08/", Throttle: "Throttling", NotFound: "NoSuchEntity"},
	{Name: "ec2", SigningName: "ec2", Protocol: EC2Query, XMLNS: "http://ec2.amazonaws.com/doc/2016-11-15/", Throttle: "RequestLimitExceeded", NotFound: "InvalidParameterValue"},
	{Name: "rds", SigningName: "rds", Protocol: Query, XMLNS: "http://rds.amazonaws.com/doc/2014-10-31/", Throttle: "Throttling", NotFound: "DBSnapshotNotFound"},
	{Name: "sns", SigningName: "sns", Protocol: Query, XMLNS: "http://sns.amazonaws.com/doc/2010-03-31/", Throttle: "Throttling", NotFound: "NotFound"},
	{Name: "s3", SigningName: "s3", Protocol: RESTXML, Global: true, Throttle: "SlowDown", NotFound: "NoSuchBucket"},
	{Name: "s3control", SigningName: "s3", Protocol: RESTXML, Global: true, Throttle: "SlowDown", NotFound: "NoSuchPublicAccessBlockConfiguration"},
	{Name: "cloudtrail", SigningName: "cloudtrail", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "TrailNotFoundException"},
	{Name: "configservice", SigningName: "config", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "NoSuchConfigurationRecorderException"},
	{Name: "kms", SigningName: "kms", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "NotFoundException"},
	{Name: "ssoadmin", SigningName: "sso", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "secretsmanager", SigningName: "secretsmanager", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "cloudwatchlogs", SigningName: "logs", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "cloudwatch", SigningName: "monitoring", Protocol: Query, XMLNS: "http://monitoring.amazonaws.com/doc/2010-08-01/", Throttle: "Throttling", NotFound: "ResourceNotFound"},
	{Name: "elasticloadbalancingv2", SigningName: "elasticloadbalancing", Protocol: Query, XMLNS: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", Throttle: "Throttling", NotFound: "LoadBalancerNotFound"},
	{Name: "elasticloadbalancing", SigningName: "elasticloadbalancing", Protocol: Query, XMLNS: "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/", Throttle: "Throttling", NotFound: "LoadBalancerNotFound"},
	{Name: "acm", SigningName: "acm", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "ecr", SigningName: "ecr", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "RepositoryNotFoundException"},
	{Name: "identitystore", SigningName: "identitystore", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "dynamodb", SigningName: "dynamodb", Protocol: AWSJSON10, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "sqs", SigningName: "sqs", Protocol: AWSJSON10, Throttle: "ThrottlingException", NotFound: "QueueDoesNotExist"},
	{Name: "guardduty", SigningName: "guardduty", Protocol: RESTJSON, Throttle: "ThrottlingException", NotFound: "BadRequestException"},
	{Name: "securityhub", SigningName: "securityhub", Protocol: RESTJSON, Throttle: "TooManyRequestsException", NotFound: "ResourceNotFoundException"},
	{Name: "accessanalyzer", SigningName: "access-analyzer", Protocol: RESTJSON, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "lambda", SigningName: "lambda", Protocol: RESTJSON, Throttle: "TooManyRequestsException", NotFound: "ResourceNotFoundException"},
	{Name: "account", SigningName: "account", Protocol: RESTJSON, Global: true, Throttle: "TooManyRequestsException", NotFound: "ResourceNotFoundException"},
	{Name: "cloudformation", SigningName: "cloudformation", Protocol: Query, XMLNS: "http://cloudformation.amazonaws.com/doc/2010-05-15/", Throttle: "Throttling", NotFound: "StackSetNotFoundException"},
	{Name: "inspector2", SigningName: "inspector2", Protocol: RESTJSON, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "servicecatalog", SigningName: "servicecatalog", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "ssm", SigningName: "ssm", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "InvalidDocument"},
	{Name: "databasemigrationservice", SigningName: "dms", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundFault"},
	{Name: "macie2", SigningName: "macie2", Protocol: RESTJSON, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "redshift", SigningName: "redshift", Protocol: Query, XMLNS: "http://redshift.amazonaws.com/doc/2012-12-01/", Throttle: "Throttling", NotFound: "ClusterNotFound"},
	{Name: "opensearch", SigningName: "es", Protocol: RESTJSON, Throttle: "LimitExceededException", NotFound: "ResourceNotFoundException"},
	{Name: "apigateway", SigningName: "apigateway", Protocol: RESTJSON, Throttle: "TooManyRequestsException", NotFound: "NotFoundException"},
	{Name: "apigatewayv2", SigningName: "apigateway", Protocol: RESTJSON, Throttle: "TooManyRequestsException", NotFound: "NotFoundException"},
	{Name: "autoscaling", SigningName: "autoscaling", Protocol: Query, XMLNS: "http://autoscaling.amazonaws.com/doc/2011-01-01/", Throttle: "Throttling", NotFound: "ValidationError"},
	{Name: "applicationautoscaling", SigningName: "application-autoscaling", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ObjectNotFoundException"},
	{Name: "dax", SigningName: "dax", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ClusterNotFoundFault"},
	{Name: "elasticache", SigningName: "elasticache", Protocol: Query, XMLNS: "http://elasticache.amazonaws.com/doc/2015-02-02/", Throttle: "Throttling", NotFound: "CacheClusterNotFound"},
	{Name: "kinesis", SigningName: "kinesis", Protocol: AWSJSON11, Throttle: "LimitExceededException", NotFound: "ResourceNotFoundException"},
	{Name: "emr", SigningName: "elasticmapreduce", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "InvalidRequestException"},
	{Name: "sagemaker", SigningName: "sagemaker", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ValidationException"},
	{Name: "elasticbeanstalk", SigningName: "elasticbeanstalk", Protocol: Query, XMLNS: "http://elasticbeanstalk.amazonaws.com/docs/2010-12-01/", Throttle: "Throttling", NotFound: "InvalidParameterValue"},
	{Name: "ecs", SigningName: "ecs", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ClusterNotFoundException"},
	{Name: "efs", SigningName: "elasticfilesystem", Protocol: RESTJSON, Throttle: "ThrottlingException", NotFound: "FileSystemNotFound"},
	{Name: "eks", SigningName: "eks", Protocol: RESTJSON, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "codebuild", SigningName: "codebuild", Protocol: AWSJSON11, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "cloudfront", SigningName: "cloudfront", Protocol: RESTXML, Global: true, Throttle: "Throttling", NotFound: "NoSuchDistribution"},
	{Name: "wafv2", SigningName: "wafv2", Protocol: AWSJSON11, Throttle: "WAFLimitsExceededException", NotFound: "WAFNonexistentItemException"},
	{Name: "waf", SigningName: "waf", Protocol: AWSJSON11, Global: true, Throttle: "WAFLimitsExceededException", NotFound: "WAFNonexistentItemException"},
	{Name: "wafregional", SigningName: "waf-regional", Protocol: AWSJSON11, Throttle: "WAFLimitsExceededException", NotFound: "WAFNonexistentItemException"},
	{Name: "networkfirewall", SigningName: "network-firewall", Protocol: AWSJSON10, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
	{Name: "backup", SigningName: "backup", Protocol: RESTJSON, Throttle: "ThrottlingException", NotFound: "ResourceNotFoundException"},
}

var (
	servicesByName    = map[string]*serviceDef{}
	servicesBySigning = map[string]*serviceDef{}
)

func init() {
	for _, s := range services {
		servicesByName[s.Name] = s
		if _, dup := servicesBySigning[s.SigningName]; !dup {
			servicesBySigning[s.SigningName] = s
		}
	}
}

// snapshotServiceName maps a server service and operation to the
// snapshot's service file name (the catalog's naming).
func snapshotServiceName(svc, op string) string {
	switch {
	case svc == "ec2" && op == "DescribeRegions":
		return "ec2regions"
	case svc == "configservice":
		return "config"
	case svc == "cloudwatchlogs":
		return "logs"
	case svc == "s3control" && strings.Contains(op, "AccessPoint") && !strings.Contains(op, "MultiRegion"):
		return "s3accesspoints"
	case svc == "elasticloadbalancingv2":
		return "elbv2"
	case svc == "elasticloadbalancing":
		return "elb"
	case svc == "databasemigrationservice":
		return "dms"
	}
	return svc
}

// scopedServiceName is snapshotServiceName for a request: AWS WAF's
// CLOUDFRONT scope (a Scope parameter, or a web ACL ARN in the global
// namespace) answers from the global wafv2cloudfront file.
func scopedServiceName(req *Request) string {
	file := snapshotServiceName(req.Service, req.Operation)
	if file == "wafv2" && (req.Param("Scope") == "CLOUDFRONT" || strings.Contains(req.Param("ARN"), ":global/") ||
		strings.Contains(req.Param("ResourceArn"), ":global/")) {
		return "wafv2cloudfront"
	}
	return file
}

// lookupService finds the service of a request from its SigV4 scope,
// telling S3 Control from S3 by its path and Classic Load Balancing
// from ELBv2 (both sign as elasticloadbalancing) by the API version and
// API Gateway v2 from REST APIs (both sign as apigateway) by the /v2/
// path.
func lookupService(signingName, path string, body []byte) *serviceDef {
	if signingName == "s3" && strings.HasPrefix(path, "/v20180820/") {
		return servicesByName["s3control"]
	}
	if signingName == "elasticloadbalancing" && strings.Contains(string(body), "Version=2012-06-01") {
		return servicesByName["elasticloadbalancing"]
	}
	if signingName == "apigateway" && strings.HasPrefix(path, "/v2/") {
		return servicesByName["apigatewayv2"]
	}
	return servicesBySigning[signingName]
}
