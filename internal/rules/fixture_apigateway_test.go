package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
)

// apiGatewayBaseline gives the region a compliant REST API "orders"
// (stage prod: INFO logging for every method, X-Ray, a client
// certificate, a web ACL, an encrypted cache on one method), an HTTP API
// "events" (stage $default with access logs, a JWT-authorized route) and
// a WebSocket API "chat" (stage prod logging ERROR, access logs, an
// IAM-authorized $connect route).
func (f *fx) apiGatewayBaseline(a, r string) {
	f.set(a, r, "apigateway", "GetRestApis", &apigateway.GetRestApisOutput{Items: []apigwtypes.RestApi{{Id: awsv2.String("a1b2c3d4e5"), Name: awsv2.String("orders")}}})
	f.setRes(a, r, "apigateway", "GetStages", "a1b2c3d4e5", &apigateway.GetStagesOutput{Item: []apigwtypes.Stage{{
		StageName: awsv2.String("prod"), DeploymentId: awsv2.String("dep123"), TracingEnabled: true,
		ClientCertificateId: awsv2.String("cert7x"), WebAclArn: awsv2.String("arn:aws:wafv2:" + r + ":" + a + ":regional/webacl/api/0f1e2d3c"),
		CacheClusterEnabled: true, CacheClusterSize: apigwtypes.CacheClusterSizeSize0Point5Gb,
		MethodSettings: map[string]apigwtypes.MethodSetting{
			"*/*":        {LoggingLevel: awsv2.String("INFO"), MetricsEnabled: true},
			"orders/GET": {LoggingLevel: awsv2.String("ERROR"), CachingEnabled: true, CacheDataEncrypted: true, CacheTtlInSeconds: 300},
		}}}})

	f.set(a, r, "apigatewayv2", "GetApis", &apigatewayv2.GetApisOutput{Items: []apigwv2types.Api{
		{ApiId: awsv2.String("h1t2t3p4"), Name: awsv2.String("events"), ProtocolType: apigwv2types.ProtocolTypeHttp},
		{ApiId: awsv2.String("w5s6k7t8"), Name: awsv2.String("chat"), ProtocolType: apigwv2types.ProtocolTypeWebsocket}}})
	logs := func(n string) *apigwv2types.AccessLogSettings {
		return &apigwv2types.AccessLogSettings{DestinationArn: awsv2.String("arn:aws:logs:" + r + ":" + a + ":log-group:/apigw/" + n), Format: awsv2.String("$context.requestId")}
	}
	f.setRes(a, r, "apigatewayv2", "GetStages", "h1t2t3p4", &apigatewayv2.GetStagesOutput{Items: []apigwv2types.Stage{{
		StageName: awsv2.String("$default"), AutoDeploy: awsv2.Bool(true), AccessLogSettings: logs("events")}}})
	f.setRes(a, r, "apigatewayv2", "GetStages", "w5s6k7t8", &apigatewayv2.GetStagesOutput{Items: []apigwv2types.Stage{{
		StageName: awsv2.String("prod"), AccessLogSettings: logs("chat"),
		DefaultRouteSettings: &apigwv2types.RouteSettings{LoggingLevel: apigwv2types.LoggingLevelError}}}})
	f.setRes(a, r, "apigatewayv2", "GetRoutes", "h1t2t3p4", &apigatewayv2.GetRoutesOutput{Items: []apigwv2types.Route{{
		RouteId: awsv2.String("rt01"), RouteKey: awsv2.String("POST /events"), AuthorizationType: apigwv2types.AuthorizationTypeJwt, AuthorizerId: awsv2.String("jwt1")}}})
	f.setRes(a, r, "apigatewayv2", "GetRoutes", "w5s6k7t8", &apigatewayv2.GetRoutesOutput{Items: []apigwv2types.Route{{
		RouteId: awsv2.String("rt02"), RouteKey: awsv2.String("$connect"), AuthorizationType: apigwv2types.AuthorizationTypeAwsIam}}})
}

// Accessors for the mutations of the cases.

func restStage(f *fx) *apigwtypes.Stage {
	return &res[apigateway.GetStagesOutput](f, acctW, region1, "apigateway", "GetStages", "a1b2c3d4e5").Item[0]
}

func v2Stage(f *fx, api string) *apigwv2types.Stage {
	return &res[apigatewayv2.GetStagesOutput](f, acctW, region1, "apigatewayv2", "GetStages", api).Items[0]
}

func v2Route(f *fx, api string) *apigwv2types.Route {
	return &res[apigatewayv2.GetRoutesOutput](f, acctW, region1, "apigatewayv2", "GetRoutes", api).Items[0]
}
