package rules

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeAPIGatewayStage   = "AWS::ApiGateway::Stage"
	typeAPIGatewayV2Stage = "AWS::ApiGatewayV2::Stage"
	typeAPIGatewayV2Route = "AWS::ApiGatewayV2::Route"
	// restStageSettings is the method settings key of a REST stage's
	// defaults (every resource, every method).
	restStageSettings = "*/*"
)

func init() {
	rest := []string{"apigateway:GetRestApis", "apigateway:GetStages"}
	register(
		&Rule{ID: "apigateway.execution-logging", Title: "API Gateway REST and WebSocket stages have execution logging", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAPIGatewayStage, Services: []string{"apigateway", "apigatewayv2"},
			Reads:       []string{"apigateway:GetRestApis", "apigateway:GetStages", "apigatewayv2:GetApis", "apigatewayv2:GetStages"},
			Rationale:   "Without execution logs, failed authorizations, integration errors and throttling of an API leave no trace to investigate.",
			Remediation: "Set the stage's logging level to ERROR or INFO for every method (REST: the */* method settings; WebSocket: the default route settings), with a CloudWatch Logs role set for API Gateway in the account.",
			Mappings:    findings.Mappings{ConfigRule: "API_GW_EXECUTION_LOGGING_ENABLED", SecurityHub: "APIGateway.1", NistCsf: "DE.CM"},
			check:       checkAPIGWExecutionLogging},
		&Rule{ID: "apigateway.backend-certificate", Title: "API Gateway REST stages present a client certificate to the backend", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAPIGatewayStage, Services: []string{"apigateway"}, Reads: rest,
			Rationale:   "Without a client certificate the backend cannot tell requests from API Gateway apart from anyone else's.",
			Remediation: "Generate a client certificate in API Gateway, set it on the stage, and have the HTTP backend verify it.",
			Mappings:    findings.Mappings{ConfigRule: "API_GW_SSL_ENABLED", SecurityHub: "APIGateway.2", NistCsf: "PR.AA"},
			check:       checkAPIGWClientCert},
		&Rule{ID: "apigateway.xray-tracing", Title: "API Gateway REST stages have X-Ray tracing", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: typeAPIGatewayStage, Services: []string{"apigateway"}, Reads: rest,
			Rationale:   "Without tracing, the latency and errors of a request cannot be followed from the API into the services it calls.",
			Remediation: "Turn on X-Ray tracing for the stage (tracingEnabled).",
			Mappings:    findings.Mappings{ConfigRule: "API_GW_XRAY_ENABLED", SecurityHub: "APIGateway.3", NistCsf: "DE.CM"},
			check:       checkAPIGWXRay},
		&Rule{ID: "apigateway.waf", Title: "API Gateway REST stages are protected by an AWS WAF web ACL", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAPIGatewayStage, Services: []string{"apigateway"}, Reads: rest,
			Rationale:   "A stage without a web ACL meets injection attempts, bad bots and request floods unfiltered.",
			Remediation: "Associate an AWS WAF web ACL with the stage (aws wafv2 associate-web-acl).",
			Mappings:    findings.Mappings{ConfigRule: "API_GW_ASSOCIATED_WITH_WAF", SecurityHub: "APIGateway.4", NistCsf: "PR.IR"},
			check:       checkAPIGWWAF},
		&Rule{ID: "apigateway.cache-encrypted", Title: "API Gateway REST stages encrypt their cache data", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAPIGatewayStage, Services: []string{"apigateway"}, Reads: rest,
			Rationale:   "Cached responses can hold personal or secret data; unencrypted, they sit in clear on the cache cluster.",
			Remediation: "Turn on cache data encryption for every method that caches (the stage's method settings, cacheDataEncrypted).",
			Mappings:    findings.Mappings{SecurityHub: "APIGateway.5", NistCsf: "PR.DS"},
			check:       checkAPIGWCacheEncrypted},
		&Rule{ID: "apigateway.route-authorization", Title: "API Gateway v2 routes require authorization", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAPIGatewayV2Route, Services: []string{"apigatewayv2"},
			Reads:       []string{"apigatewayv2:GetApis", "apigatewayv2:GetRoutes"},
			Rationale:   "A route without an authorization type lets anyone who knows the endpoint call the integration behind it.",
			Remediation: "Attach an authorizer to the route: IAM (AWS_IAM), a JWT authorizer, or a Lambda authorizer (CUSTOM).",
			Mappings:    findings.Mappings{ConfigRule: "API_GWV2_AUTHORIZATION_TYPE_CONFIGURED", SecurityHub: "APIGateway.8", NistCsf: "PR.AA"},
			check:       checkAPIGWV2RouteAuth},
		&Rule{ID: "apigateway.v2-access-logging", Title: "API Gateway v2 stages have access logging", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAPIGatewayV2Stage, Services: []string{"apigatewayv2"},
			Reads:       []string{"apigatewayv2:GetApis", "apigatewayv2:GetStages"},
			Rationale:   "Access logs record who called the API, from where and with what result; without them misuse goes unseen.",
			Remediation: "Set the stage's access log settings: a CloudWatch Logs log group (DestinationArn) and a log format.",
			Mappings:    findings.Mappings{ConfigRule: "API_GWV2_ACCESS_LOGS_ENABLED", SecurityHub: "APIGateway.9", NistCsf: "DE.CM"},
			check:       checkAPIGWV2AccessLogs},
	)
}

// restStageARN is the ARN of a REST API stage.
func (c *Ctx) restStageARN(apiID, stage string) string {
	return c.arn("apigateway", c.Region, "", "/restapis/"+apiID+"/stages/"+stage)
}

// v2ARN is the ARN of an HTTP or WebSocket API's sub-resource.
func (c *Ctx) v2ARN(apiID, kind, id string) string {
	return c.arn("apigateway", c.Region, "", "/apis/"+apiID+"/"+kind+"/"+id)
}

// eachRestStage runs fn on every stage of every REST API of the region;
// it reports whether the region has any stage.
func eachRestStage(c *Ctx, fn func(arn, api string, s *apigwtypes.Stage)) (bool, error) {
	apis, err := get[apigateway.GetRestApisOutput](c.v, c.Region, "apigateway", "GetRestApis")
	if err != nil {
		return false, err
	}
	seen := false
	for _, a := range apis.Items {
		id := aws(a.Id)
		st, err := getRes[apigateway.GetStagesOutput](c.v, c.Region, "apigateway", "GetStages", id)
		if err != nil {
			if _, ok := benign(err); ok {
				continue // the API was deleted between the reads
			}
			c.Err(c.arn("apigateway", c.Region, "", "/restapis/"+id), err)
			seen = true
			continue
		}
		for i := range st.Item {
			s := &st.Item[i]
			seen = true
			fn(c.restStageARN(id, aws(s.StageName)), nonEmpty(aws(a.Name), id), s)
		}
	}
	return seen, nil
}

// restStages is eachRestStage with NOT_APPLICABLE for a region without
// REST API stages.
func restStages(c *Ctx, fn func(arn, api string, s *apigwtypes.Stage)) error {
	seen, err := eachRestStage(c, fn)
	if err == nil && !seen {
		c.NA("", "no API Gateway REST API stages in %s", c.Region)
	}
	return err
}

// eachV2API runs fn on every HTTP and WebSocket API of the region.
func eachV2API(c *Ctx, fn func(a *apigwv2types.Api)) error {
	apis, err := get[apigatewayv2.GetApisOutput](c.v, c.Region, "apigatewayv2", "GetApis")
	if err != nil {
		return err
	}
	for i := range apis.Items {
		fn(&apis.Items[i])
	}
	return nil
}

// v2Stages returns an API's stages, or reports an error finding and nil.
func v2Stages(c *Ctx, a *apigwv2types.Api) []apigwv2types.Stage {
	id := aws(a.ApiId)
	st, err := getRes[apigatewayv2.GetStagesOutput](c.v, c.Region, "apigatewayv2", "GetStages", id)
	if err != nil {
		if _, ok := benign(err); !ok {
			c.Err(c.arn("apigateway", c.Region, "", "/apis/"+id), err)
		}
		return nil
	}
	return st.Items
}

// okLevel reports whether a logging level is one the Config rule
// accepts (ERROR or INFO).
func okLevel(level string) bool { return level == "ERROR" || level == "INFO" }

func checkAPIGWExecutionLogging(c *Ctx) error {
	seen, err := eachRestStage(c, func(arn, api string, s *apigwtypes.Stage) {
		name := api + "/" + aws(s.StageName)
		def, ok := s.MethodSettings[restStageSettings]
		if !ok || !okLevel(aws(def.LoggingLevel)) {
			level := "OFF"
			if ok {
				level = nonEmpty(aws(def.LoggingLevel), "OFF")
			}
			c.Fail(arn, "REST stage %s logs at level %s for its methods", name, level)
			return
		}
		keys := make([]string, 0, len(s.MethodSettings))
		for k := range s.MethodSettings {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if l := aws(s.MethodSettings[k].LoggingLevel); !okLevel(l) {
				c.Fail(arn, "REST stage %s: method %s logs at level %s", name, k, nonEmpty(l, "OFF"))
				return
			}
		}
		c.Pass(arn, "REST stage %s logs every method at ERROR or INFO", name)
	})
	if err != nil {
		return err
	}
	err = eachV2API(c, func(a *apigwv2types.Api) {
		if a.ProtocolType != apigwv2types.ProtocolTypeWebsocket {
			return // HTTP APIs have access logs only (APIGateway.9)
		}
		for _, s := range v2Stages(c, a) {
			seen = true
			arn := c.v2ARN(aws(a.ApiId), "stages", aws(s.StageName))
			name := aws(a.Name) + "/" + aws(s.StageName)
			level := ""
			if s.DefaultRouteSettings != nil {
				level = string(s.DefaultRouteSettings.LoggingLevel)
			}
			if !okLevel(level) {
				c.Fail(arn, "WebSocket stage %s logs at level %s by default", name, nonEmpty(level, "OFF"))
				continue
			}
			bad := ""
			for route, rs := range s.RouteSettings {
				if !okLevel(string(rs.LoggingLevel)) && (bad == "" || route < bad) {
					bad = route
				}
			}
			if bad != "" {
				c.Fail(arn, "WebSocket stage %s: route %s logs at level %s", name, bad, nonEmpty(string(s.RouteSettings[bad].LoggingLevel), "OFF"))
				continue
			}
			c.Pass(arn, "WebSocket stage %s logs every route at ERROR or INFO", name)
		}
	})
	if err == nil && !seen {
		c.NA("", "no API Gateway REST or WebSocket stages in %s", c.Region)
	}
	return err
}

func checkAPIGWClientCert(c *Ctx) error {
	return restStages(c, func(arn, api string, s *apigwtypes.Stage) {
		name := api + "/" + aws(s.StageName)
		c.Check(aws(s.ClientCertificateId) != "", arn, "REST stage "+name+" presents a client certificate to its backend",
			"REST stage "+name+" has no client certificate")
	})
}

func checkAPIGWXRay(c *Ctx) error {
	return restStages(c, func(arn, api string, s *apigwtypes.Stage) {
		name := api + "/" + aws(s.StageName)
		c.Check(s.TracingEnabled, arn, "REST stage "+name+" has X-Ray tracing", "REST stage "+name+" has no X-Ray tracing")
	})
}

func checkAPIGWWAF(c *Ctx) error {
	return restStages(c, func(arn, api string, s *apigwtypes.Stage) {
		name := api + "/" + aws(s.StageName)
		c.Check(aws(s.WebAclArn) != "", arn, "REST stage "+name+" is associated with web ACL "+aws(s.WebAclArn),
			"REST stage "+name+" is not associated with an AWS WAF web ACL")
	})
}

func checkAPIGWCacheEncrypted(c *Ctx) error {
	return restStages(c, func(arn, api string, s *apigwtypes.Stage) {
		name := api + "/" + aws(s.StageName)
		keys := make([]string, 0, len(s.MethodSettings))
		for k := range s.MethodSettings {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		caching := 0
		for _, k := range keys {
			m := s.MethodSettings[k]
			if !m.CachingEnabled {
				continue
			}
			caching++
			if !m.CacheDataEncrypted {
				c.Fail(arn, "REST stage %s: method %s caches without encrypting the cache data", name, k)
				return
			}
		}
		if caching == 0 {
			c.Pass(arn, "REST stage %s caches no method", name)
			return
		}
		c.Pass(arn, "REST stage %s encrypts the cache data of its %d caching method settings", name, caching)
	})
}

func checkAPIGWV2RouteAuth(c *Ctx) error {
	seen := false
	err := eachV2API(c, func(a *apigwv2types.Api) {
		id := aws(a.ApiId)
		rs, err := getRes[apigatewayv2.GetRoutesOutput](c.v, c.Region, "apigatewayv2", "GetRoutes", id)
		if err != nil {
			if _, ok := benign(err); !ok {
				seen = true
				c.Err(c.arn("apigateway", c.Region, "", "/apis/"+id), err)
			}
			return
		}
		for _, r := range rs.Items {
			seen = true
			arn := c.v2ARN(id, "routes", aws(r.RouteId))
			t := r.AuthorizationType
			c.Check(t != "" && t != apigwv2types.AuthorizationTypeNone, arn,
				"route "+aws(r.RouteKey)+" of API "+aws(a.Name)+" requires "+string(t)+" authorization",
				"route "+aws(r.RouteKey)+" of API "+aws(a.Name)+" has authorization type "+nonEmpty(string(t), "NONE"))
		}
	})
	if err == nil && !seen {
		c.NA("", "no API Gateway v2 routes in %s", c.Region)
	}
	return err
}

func checkAPIGWV2AccessLogs(c *Ctx) error {
	seen := false
	err := eachV2API(c, func(a *apigwv2types.Api) {
		for _, s := range v2Stages(c, a) {
			seen = true
			arn := c.v2ARN(aws(a.ApiId), "stages", aws(s.StageName))
			name := aws(a.Name) + "/" + aws(s.StageName)
			on := s.AccessLogSettings != nil && aws(s.AccessLogSettings.DestinationArn) != ""
			c.Check(on, arn, "stage "+name+" writes access logs", "stage "+name+" has no access log settings")
		}
	})
	if err == nil && !seen {
		c.NA("", "no API Gateway v2 stages in %s", c.Region)
	}
	return err
}
