package demo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
)

// restAPI is an API Gateway REST API with one stage, prod.
type restAPI struct {
	name    string
	noWAF   bool // the stage has no web ACL
	created time.Time
}

// httpAPI is an API Gateway HTTP API with a $default stage and two
// routes.
type httpAPI struct {
	name      string
	openRoute bool // one route has authorization type NONE
	created   time.Time
}

// baselineAPIs gives a workload account's home region its REST API
// (stage prod: INFO execution logging, X-Ray, a client certificate for
// the backend, a regional web ACL) and a production account an HTTP API
// too (access logs, JWT-authorized routes).
func baselineAPIs(w *world, a *acct, home string, created time.Time) {
	rr := w.region(a, home)
	rr.an.rest = append(rr.an.rest, &restAPI{name: a.Name + "-api", created: created})
	if a.env == "prod" {
		rr.an.http = append(rr.an.http, &httpAPI{name: a.Name + "-events", created: created})
	}
}

func apiID(a *acct, name string) string { return stableHex(a, "apigw/"+name, 10) }

func restStageARN(region, id string) string {
	return fmt.Sprintf("arn:aws:apigateway:%s::/restapis/%s/stages/prod", region, id)
}

func httpRouteARN(region, id, route string) string {
	return fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s/routes/%s", region, id, route)
}

func renderAPIGateway(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "apigateway")
	apis := []apigwtypes.RestApi{}
	for _, api := range rr.an.rest {
		id := apiID(a, api.name)
		apis = append(apis, apigwtypes.RestApi{Id: aws.String(id), Name: aws.String(api.name), CreatedDate: ptime(api.created),
			ApiKeySource:          apigwtypes.ApiKeySourceTypeHeader,
			EndpointConfiguration: &apigwtypes.EndpointConfiguration{Types: []apigwtypes.EndpointType{apigwtypes.EndpointTypeRegional}},
			Tags:                  map[string]string{"Owner": a.owner}})
		st := apigwtypes.Stage{StageName: aws.String("prod"), DeploymentId: aws.String(stableHex(a, "dep/"+api.name, 6)),
			CreatedDate: ptime(api.created), LastUpdatedDate: ptime(api.created), TracingEnabled: true,
			ClientCertificateId: aws.String(stableHex(a, "cc/"+api.name, 6)),
			WebAclArn:           aws.String(fmt.Sprintf("arn:aws:wafv2:%s:%s:regional/webacl/%s-api-protection/%s", rr.region, a.Id, a.Name, stableHex(a, "acl/"+api.name, 16))),
			MethodSettings: map[string]apigwtypes.MethodSetting{
				"*/*": {LoggingLevel: aws.String("INFO"), MetricsEnabled: true, ThrottlingBurstLimit: 500, ThrottlingRateLimit: 1000}},
			AccessLogSettings: &apigwtypes.AccessLogSettings{DestinationArn: aws.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/apigateway/%s", rr.region, a.Id, api.name)),
				Format: aws.String(`{"requestId":"$context.requestId","status":"$context.status"}`)},
			Variables: map[string]string{"backendHost": a.Name + ".internal." + companyDomain}}
		if api.noWAF {
			st.WebAclArn = nil
		}
		f.res("GetStages", id, apigateway.GetStagesOutput{Item: []apigwtypes.Stage{st}})
	}
	f.put("GetRestApis", apigateway.GetRestApisOutput{Items: apis})
	return f
}

func renderAPIGatewayV2(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "apigatewayv2")
	apis := []apigwv2types.Api{}
	for _, api := range rr.an.http {
		id := apiID(a, api.name)
		apis = append(apis, apigwv2types.Api{ApiId: aws.String(id), Name: aws.String(api.name), ProtocolType: apigwv2types.ProtocolTypeHttp,
			ApiEndpoint: aws.String(fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", id, rr.region)), CreatedDate: ptime(api.created),
			RouteSelectionExpression: aws.String("$request.method $request.path"), Tags: map[string]string{"Owner": a.owner}})
		f.res("GetStages", id, apigatewayv2.GetStagesOutput{Items: []apigwv2types.Stage{{StageName: aws.String("$default"), AutoDeploy: aws.Bool(true),
			CreatedDate: ptime(api.created), LastUpdatedDate: ptime(api.created),
			AccessLogSettings: &apigwv2types.AccessLogSettings{DestinationArn: aws.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/apigateway/%s", rr.region, a.Id, api.name)),
				Format: aws.String(`{"requestId":"$context.requestId","status":"$context.status"}`)},
			DefaultRouteSettings: &apigwv2types.RouteSettings{ThrottlingBurstLimit: aws.Int32(500), ThrottlingRateLimit: aws.Float64(1000)}}}})
		auth := apigwv2types.AuthorizationTypeJwt
		if api.openRoute {
			auth = apigwv2types.AuthorizationTypeNone
		}
		jwt := stableHex(a, "jwt/"+api.name, 6)
		f.res("GetRoutes", id, apigatewayv2.GetRoutesOutput{Items: []apigwv2types.Route{
			{RouteId: aws.String(stableHex(a, "r1/"+api.name, 7)), RouteKey: aws.String("POST /events"), AuthorizationType: apigwv2types.AuthorizationTypeJwt,
				AuthorizerId: aws.String(jwt), Target: aws.String("integrations/" + stableHex(a, "int/"+api.name, 7))},
			{RouteId: aws.String(stableHex(a, "r2/"+api.name, 7)), RouteKey: aws.String("GET /events/{id}"), AuthorizationType: auth,
				Target: aws.String("integrations/" + stableHex(a, "int/"+api.name, 7))},
		}})
	}
	f.put("GetApis", apigatewayv2.GetApisOutput{Items: apis})
	return f
}

// openEventsRoute is the route a plant leaves without authorization.
func openEventsRoute(a *acct, api *httpAPI) string { return stableHex(a, "r2/"+api.name, 7) }
