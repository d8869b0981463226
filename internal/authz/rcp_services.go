package authz

// RCPServices returns the service prefixes that resource control
// policies apply to, as listed in the AWS Organizations documentation
// ("Resource control policies (RCPs)", list of supported services).
func RCPServices() []string {
	return append([]string(nil), rcpServices...)
}

var rcpServices = []string{
	"s3", "sts", "kms", "sqs", "secretsmanager", "ecr", "aoss", "cognito-identity", "logs", "dynamodb",
}
