package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qAGWLog   = "The rule is NON_COMPLIANT if logging is not enabled, or if loggingLevel is neither ERROR nor INFO."
	qAGWSSL   = "The rule is NON_COMPLIANT if the REST API stage does not have an associated SSL certificate."
	qAGWXRay  = "The rule is COMPLIANT if X-Ray tracing is enabled and NON_COMPLIANT otherwise."
	qAGWWAF   = "The rule is NON_COMPLIANT if an AWS WAF Web ACL is not used or if a used AWS Web ACL does not match what is listed in the rule parameter."
	qAGWCache = "The control fails if any method in an API Gateway REST API stage is configured to cache and the cache is not encrypted."
	qAGWAuth  = "This rule is NON_COMPLIANT if the authorization type is NONE."
	qAGWV2Log = "The rule is NON_COMPLIANT if 'accessLogSettings' is not present in Stage configuration."
)

func init() {
	failCases["apigateway.execution-logging"] = func(f *fx) { delete(restStage(f).MethodSettings, "*/*") }
	failCases["apigateway.backend-certificate"] = func(f *fx) { restStage(f).ClientCertificateId = nil }
	failCases["apigateway.xray-tracing"] = func(f *fx) { restStage(f).TracingEnabled = false }
	failCases["apigateway.waf"] = func(f *fx) { restStage(f).WebAclArn = nil }
	failCases["apigateway.cache-encrypted"] = func(f *fx) {
		m := restStage(f).MethodSettings["orders/GET"]
		m.CacheDataEncrypted = false
		restStage(f).MethodSettings["orders/GET"] = m
	}
	failCases["apigateway.route-authorization"] = func(f *fx) { v2Route(f, "h1t2t3p4").AuthorizationType = apigwv2types.AuthorizationTypeNone }
	failCases["apigateway.v2-access-logging"] = func(f *fx) { v2Stage(f, "h1t2t3p4").AccessLogSettings = nil }

	const rest = "/restapis/a1b2c3d4e5/stages/prod"
	noRest := func(f *fx) {
		op[apigateway.GetRestApisOutput](f, acctW, region1, "apigateway", "GetRestApis").Items = []apigwtypes.RestApi{}
	}
	c := func(rule, src, quote, name, resource string, mutate func(*fx), want findings.Status) docCase {
		return docCase{Rule: rule, Source: src, Quote: quote, Name: name, Mutate: mutate, Resource: resource, Want: want}
	}
	logDoc, cacheDoc := cfgDoc("api-gw-execution-logging-enabled"), shDoc("apigateway-controls")
	addDocCases(
		// APIGateway.1
		c("apigateway.execution-logging", logDoc, qAGWLog, "REST stage logging INFO", rest, nil, findings.Passed),
		c("apigateway.execution-logging", logDoc, qAGWLog, "REST stage logging OFF", rest, func(f *fx) {
			restStage(f).MethodSettings["*/*"] = apigwtypes.MethodSetting{LoggingLevel: awsv2.String("OFF")}
		}, findings.Failed),
		c("apigateway.execution-logging", logDoc, qAGWLog, "REST stage logging INFO but one method OFF", rest, func(f *fx) {
			restStage(f).MethodSettings["orders/POST"] = apigwtypes.MethodSetting{LoggingLevel: awsv2.String("OFF")}
		}, findings.Failed),
		c("apigateway.execution-logging", logDoc, qAGWLog, "WebSocket stage logging ERROR", "/apis/w5s6k7t8/stages/prod", nil, findings.Passed),
		c("apigateway.execution-logging", logDoc, qAGWLog, "WebSocket stage without logging", "/apis/w5s6k7t8/stages/prod",
			func(f *fx) { v2Stage(f, "w5s6k7t8").DefaultRouteSettings = nil }, findings.Failed),

		// APIGateway.2
		c("apigateway.backend-certificate", cfgDoc("api-gw-ssl-enabled"), qAGWSSL, "a client certificate on the stage", rest, nil, findings.Passed),
		c("apigateway.backend-certificate", cfgDoc("api-gw-ssl-enabled"), qAGWSSL, "no client certificate", rest, failCases["apigateway.backend-certificate"], findings.Failed),
		c("apigateway.backend-certificate", cfgDoc("api-gw-ssl-enabled"),
			"Checks if a REST API stage uses an SSL certificate.", "a region without REST APIs", "", noRest, findings.NotApplicable),

		// APIGateway.3
		c("apigateway.xray-tracing", cfgDoc("api-gw-xray-enabled"), qAGWXRay, "tracing enabled", rest, nil, findings.Passed),
		c("apigateway.xray-tracing", cfgDoc("api-gw-xray-enabled"), qAGWXRay, "tracing disabled", rest, failCases["apigateway.xray-tracing"], findings.Failed),
		c("apigateway.xray-tracing", cfgDoc("api-gw-xray-enabled"), qAGWXRay, "tracing disabled on a second stage", "/restapis/a1b2c3d4e5/stages/dev", func(f *fx) {
			out := res[apigateway.GetStagesOutput](f, acctW, region1, "apigateway", "GetStages", "a1b2c3d4e5")
			out.Item = append(out.Item, apigwtypes.Stage{StageName: awsv2.String("dev")})
		}, findings.Failed),

		// APIGateway.4
		c("apigateway.waf", cfgDoc("api-gw-associated-with-waf"), qAGWWAF, "a web ACL on the stage", rest, nil, findings.Passed),
		c("apigateway.waf", cfgDoc("api-gw-associated-with-waf"), qAGWWAF, "no web ACL", rest, failCases["apigateway.waf"], findings.Failed),
		c("apigateway.waf", cfgDoc("api-gw-associated-with-waf"),
			"Checks if an Amazon API Gateway API stage is using an AWS WAF web access control list (web ACL).", "a region without REST APIs", "", noRest, findings.NotApplicable),

		// APIGateway.5
		c("apigateway.cache-encrypted", cacheDoc, qAGWCache, "the caching method encrypts", rest, nil, findings.Passed),
		c("apigateway.cache-encrypted", cacheDoc, qAGWCache, "the caching method does not encrypt", rest, failCases["apigateway.cache-encrypted"], findings.Failed),
		c("apigateway.cache-encrypted", cacheDoc, qAGWCache, "no method caches", rest, func(f *fx) {
			restStage(f).MethodSettings["orders/GET"] = apigwtypes.MethodSetting{LoggingLevel: awsv2.String("ERROR")}
		}, findings.Passed),

		// APIGateway.8
		c("apigateway.route-authorization", cfgDoc("api-gwv2-authorization-type-configured"), qAGWAuth, "a JWT-authorized route", "/apis/h1t2t3p4/routes/rt01", nil, findings.Passed),
		c("apigateway.route-authorization", cfgDoc("api-gwv2-authorization-type-configured"), qAGWAuth, "authorization type NONE", "/apis/h1t2t3p4/routes/rt01",
			failCases["apigateway.route-authorization"], findings.Failed),
		c("apigateway.route-authorization", cfgDoc("api-gwv2-authorization-type-configured"), qAGWAuth, "an IAM-authorized WebSocket route", "/apis/w5s6k7t8/routes/rt02", nil, findings.Passed),

		// APIGateway.9
		c("apigateway.v2-access-logging", cfgDoc("api-gwv2-access-logs-enabled"), qAGWV2Log, "access logs on the HTTP stage", "/apis/h1t2t3p4/stages/$default", nil, findings.Passed),
		c("apigateway.v2-access-logging", cfgDoc("api-gwv2-access-logs-enabled"), qAGWV2Log, "no access log settings", "/apis/h1t2t3p4/stages/$default",
			failCases["apigateway.v2-access-logging"], findings.Failed),
		c("apigateway.v2-access-logging", cfgDoc("api-gwv2-access-logs-enabled"),
			"Checks if Amazon API Gateway V2 stages have access logging enabled.", "a region without HTTP or WebSocket APIs", "", func(f *fx) {
				op[apigatewayv2.GetApisOutput](f, acctW, region1, "apigatewayv2", "GetApis").Items = nil
			}, findings.NotApplicable),
	)
}
