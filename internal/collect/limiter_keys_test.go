package collect

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	dms "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/waf"
	"github.com/aws/aws-sdk-go-v2/service/wafregional"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
)

// TestRateKeysAreServiceIDs: every per-service rate is keyed the way the
// limiter looks it up (serviceKey of the SDK's ServiceID), so no
// service silently falls back to the default rate. CloudWatch Logs'
// ServiceID is "CloudWatch Logs", for instance, not "logs".
func TestRateKeysAreServiceIDs(t *testing.T) {
	for _, id := range []string{accessanalyzer.ServiceID, acm.ServiceID, cloudtrail.ServiceID, cloudwatch.ServiceID,
		cloudwatchlogs.ServiceID, configservice.ServiceID, ec2.ServiceID, ecr.ServiceID, elasticloadbalancing.ServiceID,
		elasticloadbalancingv2.ServiceID, dms.ServiceID, guardduty.ServiceID, iam.ServiceID, kms.ServiceID, lambda.ServiceID, rds.ServiceID,
		s3.ServiceID, secretsmanager.ServiceID, securityhub.ServiceID, sns.ServiceID, sqs.ServiceID,
		redshift.ServiceID, opensearch.ServiceID, apigateway.ServiceID, apigatewayv2.ServiceID,
		cloudfront.ServiceID, waf.ServiceID, wafregional.ServiceID, wafv2.ServiceID, networkfirewall.ServiceID,
		backup.ServiceID, macie2.ServiceID} {
		if _, ok := DefaultRates[serviceKey(id)]; !ok {
			t.Errorf("no rate for %q (key %q): it would get the default rate", id, serviceKey(id))
		}
	}
}
