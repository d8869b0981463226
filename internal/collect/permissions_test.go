package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// iamPrefix is each catalog service's IAM action prefix.
var iamPrefix = map[string]string{
	"iam": "iam", "account": "account", "ec2regions": "ec2", "s3": "s3", "s3control": "s3", "ec2": "ec2",
	"cloudtrail": "cloudtrail", "config": "config", "guardduty": "guardduty", "securityhub": "securityhub",
	"accessanalyzer": "access-analyzer", "kms": "kms", "rds": "rds", "lambda": "lambda", "sqs": "sqs",
	"sns": "sns", "secretsmanager": "secretsmanager", "ssoadmin": "sso", "identitystore": "identitystore",
	"ecr": "ecr", "logs": "logs", "cloudwatch": "cloudwatch", "s3accesspoints": "s3", "elbv2": "elasticloadbalancing", "elb": "elasticloadbalancing", "acm": "acm", "dms": "dms", "autoscaling": "autoscaling",
	"ecs": "ecs", "efs": "elasticfilesystem", "eks": "eks", "codebuild": "codebuild",
	"redshift": "redshift", "opensearch": "es", "apigateway": "apigateway", "apigatewayv2": "apigateway",
	"dynamodb": "dynamodb", "applicationautoscaling": "application-autoscaling", "dax": "dax", "elasticache": "elasticache",
	"ssm": "ssm", "cloudformation": "cloudformation",
	"kinesis": "kinesis", "emr": "elasticmapreduce", "sagemaker": "sagemaker", "elasticbeanstalk": "elasticbeanstalk",
	"cloudfront": "cloudfront", "wafv2": "wafv2", "wafv2cloudfront": "wafv2", "waf": "waf", "wafregional": "waf-regional",
	"networkfirewall": "network-firewall", "backup": "backup", "macie2": "macie2",
}

// iamAction names the IAM actions whose names differ from the API
// operation's.
var iamAction = map[string]string{
	"s3.ListBuckets":                        "s3:ListAllMyBuckets",
	"s3.GetBucketEncryption":                "s3:GetEncryptionConfiguration",
	"s3.GetPublicAccessBlock":               "s3:GetBucketPublicAccessBlock",
	"s3control.GetPublicAccessBlock":        "s3:GetAccountPublicAccessBlock",
	"iam.GetCredentialReport":               "iam:GenerateCredentialReport", // also GetCredentialReport, checked below
	"ec2regions.DescribeRegions":            "ec2:DescribeRegions",
	"guardduty.GetAdministratorAccount":     "guardduty:GetAdministratorAccount",
	"s3.GetBucketLifecycleConfiguration":    "s3:GetLifecycleConfiguration",
	"s3.GetBucketReplication":               "s3:GetReplicationConfiguration",
	"s3.GetBucketNotificationConfiguration": "s3:GetBucketNotification",
	// API Gateway authorizes reads as GET on the resource's path.
	"apigateway.GetRestApis": "apigateway:GET", "apigateway.GetStages": "apigateway:GET",
	"apigatewayv2.GetApis": "apigateway:GET", "apigatewayv2.GetStages": "apigateway:GET", "apigatewayv2.GetRoutes": "apigateway:GET",
}

// TestPermissionsDocListsEveryOperation keeps docs/permissions.md in
// step with the operations the collector calls (snapshot.Catalog, plus
// the ones called along the way) and checks that it grants nothing
// wider than named actions.
func TestPermissionsDocListsEveryOperation(t *testing.T) {
	doc := readRepoFile(t, "docs/permissions.md")
	want := []string{"iam:GetCredentialReport", "sts:AssumeRole", "organizations:DescribeOrganization",
		"organizations:ListDelegatedServicesForAccount", "organizations:ListAWSServiceAccessForOrganization"}
	for _, svc := range snapshot.Catalog {
		prefix, ok := iamPrefix[svc.Name]
		if !ok {
			t.Errorf("service %s: no IAM prefix known; add it here and to docs/permissions.md", svc.Name)
			continue
		}
		for _, op := range svc.Operations {
			a, ok := iamAction[svc.Name+"."+op.Name]
			if !ok {
				a = prefix + ":" + op.Name
			}
			want = append(want, a)
		}
	}
	for _, a := range want {
		if !strings.Contains(doc, `"`+a+`"`) {
			t.Errorf("docs/permissions.md does not grant %s", a)
		}
	}
	for _, bad := range []string{`"*:*"`, `:*"`, `"*"` + "\n      ],\n      \"Resource\"", "GetSecretValue\","} {
		if strings.Contains(doc, bad) {
			t.Errorf("docs/permissions.md grants a wildcard or a secret: %q", bad)
		}
	}
}

// readRepoFile reads a file relative to the repository root (the
// directory holding go.mod).
func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
