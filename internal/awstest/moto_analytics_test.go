package awstest

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// motoRead is one of the collector's reads: the service file and
// operation it is stored under, its per-resource key, and the call.
type motoRead struct {
	file, op, key string
	ask           func(context.Context, aws.Config) (any, error)
	wantSub       string // a value moto's answer must hold
}

// agreeWithMoto asks moto the reads, stores moto's answers as a
// one-account snapshot, and asks the local AWS serving it the same
// reads: both must give the SDK the same outputs.
func agreeWithMoto(t *testing.T, ctx context.Context, mcfg aws.Config, reads []motoRead) {
	t.Helper()
	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*snapshot.ServiceFile{}
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(ctx, mcfg)
		if err != nil {
			t.Fatalf("%s %s: moto: %v", r.file, r.op, err)
		}
		want[i] = comparable(t, wireView(t, out), true)
		if r.wantSub != "" && !strings.Contains(want[i], r.wantSub) {
			t.Fatalf("%s %s: moto's answer lacks %s: %s", r.file, r.op, r.wantSub, want[i])
		}
		f := files[r.file]
		if f == nil {
			f = snapshot.NewServiceFile(motoAccount, "us-east-1", r.file)
			files[r.file] = f
		}
		if r.key == "" {
			err = f.Set(r.op, out)
		} else {
			err = f.SetResource(r.op, r.key, out)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		if err := w.WriteService(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"}); err != nil {
		t.Fatal(err)
	}
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(ctx, lcfg)
		if err != nil {
			t.Errorf("%s %s: local AWS: %v", r.file, r.op, err)
			continue
		}
		if got := comparable(t, wireView(t, out), false); got != want[i] {
			t.Errorf("%s %s:\nmoto  %s\nlocal %s", r.file, r.op, want[i], got)
		}
	}
}

var analyticsSubMillis = regexp.MustCompile(`(\.\d{3})\d*Z"`)

// comparable is a wire view with timestamps cut to milliseconds (the
// precision AWS's wire formats carry; moto keeps microseconds) and, for
// moto's answer, the redaction every stored output goes through applied.
func comparable(t *testing.T, view string, redact bool) string {
	t.Helper()
	b := []byte(analyticsSubMillis.ReplaceAllString(view, `$1Z"`))
	if redact {
		r, _, err := snapshot.RedactJSON(b)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	return string(b)
}

// TestRedshiftAndOpenSearchReadsAgreeWithMoto builds a Redshift cluster
// with a custom parameter group (require_ssl on) and audit logging, and
// an OpenSearch Service domain, in moto; the collector's reads of them
// (DescribeClusters, DescribeClusterParameters, DescribeLoggingStatus,
// ListDomainNames, DescribeDomains with the listed names) must come back
// the same from the local AWS serving moto's stored answers.
func TestRedshiftAndOpenSearchReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	rs := redshift.NewFromConfig(mcfg)
	must(rs.CreateClusterParameterGroup(ctx, &redshift.CreateClusterParameterGroupInput{ParameterGroupName: aws.String("secure"),
		ParameterGroupFamily: aws.String("redshift-1.0"), Description: aws.String("TLS only")}))
	must(rs.CreateCluster(ctx, &redshift.CreateClusterInput{ClusterIdentifier: aws.String("dwh"), NodeType: aws.String("ra3.xlplus"),
		MasterUsername: aws.String("dwh_admin"), MasterUserPassword: aws.String("Passw0rd-not-a-secret"), DBName: aws.String("analytics"),
		ClusterParameterGroupName: aws.String("secure"), PubliclyAccessible: aws.Bool(false), EnhancedVpcRouting: aws.Bool(true)}))
	must(rs.EnableLogging(ctx, &redshift.EnableLoggingInput{ClusterIdentifier: aws.String("dwh"), BucketName: aws.String("audit-logs")}))
	osc := opensearch.NewFromConfig(mcfg)
	must(osc.CreateDomain(ctx, &opensearch.CreateDomainInput{DomainName: aws.String("search"), EngineVersion: aws.String("OpenSearch_2.13"),
		ClusterConfig:               &ostypes.ClusterConfig{InstanceCount: aws.Int32(3), ZoneAwarenessEnabled: aws.Bool(true)},
		EncryptionAtRestOptions:     &ostypes.EncryptionAtRestOptions{Enabled: aws.Bool(true)},
		NodeToNodeEncryptionOptions: &ostypes.NodeToNodeEncryptionOptions{Enabled: aws.Bool(true)},
		DomainEndpointOptions:       &ostypes.DomainEndpointOptions{EnforceHTTPS: aws.Bool(true), TLSSecurityPolicy: ostypes.TLSSecurityPolicyPolicyMinTls12201907}}))
	must(osc.CreateDomain(ctx, &opensearch.CreateDomainInput{DomainName: aws.String("legacy"), EngineVersion: aws.String("Elasticsearch_7.10")}))

	reads := []motoRead{
		{"redshift", "DescribeClusters", "", func(ctx context.Context, c aws.Config) (any, error) {
			return redshift.NewFromConfig(c).DescribeClusters(ctx, &redshift.DescribeClustersInput{})
		}, `"dwh"`},
		{"redshift", "DescribeClusterParameters", "secure", func(ctx context.Context, c aws.Config) (any, error) {
			return redshift.NewFromConfig(c).DescribeClusterParameters(ctx, &redshift.DescribeClusterParametersInput{ParameterGroupName: aws.String("secure")})
		}, ""},
		{"redshift", "DescribeLoggingStatus", "dwh", func(ctx context.Context, c aws.Config) (any, error) {
			return redshift.NewFromConfig(c).DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String("dwh")})
		}, `"audit-logs"`},
		{"opensearch", "ListDomainNames", "", func(ctx context.Context, c aws.Config) (any, error) {
			return opensearch.NewFromConfig(c).ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
		}, `"legacy"`},
		{"opensearch", "DescribeDomains", "", func(ctx context.Context, c aws.Config) (any, error) {
			return opensearch.NewFromConfig(c).DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: []string{"legacy", "search"}})
		}, `"Policy-Min-TLS-1-2-2019-07"`},
	}
	agreeWithMoto(t, ctx, mcfg, reads)
}

// TestAPIGatewayReadsAgreeWithMoto builds a REST API with a stage
// (tracing, a stage variable) and an HTTP API with a stage (access logs)
// and two routes (one JWT-authorized, one open) in moto; the collector's
// reads (GetRestApis, GetStages per REST API, GetApis, GetStages and
// GetRoutes per HTTP API) must come back the same from the local AWS
// serving moto's stored answers, stage variables redacted.
func TestAPIGatewayReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	gw := apigateway.NewFromConfig(mcfg)
	api, err := gw.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("orders")})
	must(api, err)
	res, err := gw.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: api.Id})
	must(res, err)
	root := res.Items[0].Id
	must(gw.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: root, HttpMethod: aws.String("GET"), AuthorizationType: aws.String("NONE")}))
	must(gw.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: root, HttpMethod: aws.String("GET"),
		Type: apigwtypes.IntegrationTypeHttp, IntegrationHttpMethod: aws.String("GET"), Uri: aws.String("https://backend.example.com/")}))
	dep, err := gw.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id})
	must(dep, err)
	must(gw.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: api.Id, DeploymentId: dep.Id, StageName: aws.String("prod"),
		TracingEnabled: true, Variables: map[string]string{"backendToken": "PLANTED-STAGE-SECRET"}}))
	v2 := apigatewayv2.NewFromConfig(mcfg)
	h, err := v2.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("events"), ProtocolType: apigwv2types.ProtocolTypeHttp})
	must(h, err)
	must(v2.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: h.ApiId, StageName: aws.String("$default"),
		AccessLogSettings: &apigwv2types.AccessLogSettings{DestinationArn: aws.String("arn:aws:logs:us-east-1:" + motoAccount + ":log-group:/apigw/events"), Format: aws.String("$context.requestId")}}))
	must(v2.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: h.ApiId, RouteKey: aws.String("POST /events"), AuthorizationType: apigwv2types.AuthorizationTypeJwt, AuthorizerId: aws.String("jwt1")}))
	must(v2.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: h.ApiId, RouteKey: aws.String("GET /events"), AuthorizationType: apigwv2types.AuthorizationTypeNone}))

	reads := []motoRead{
		{"apigateway", "GetRestApis", "", func(ctx context.Context, c aws.Config) (any, error) {
			return apigateway.NewFromConfig(c).GetRestApis(ctx, &apigateway.GetRestApisInput{})
		}, `"orders"`},
		{"apigateway", "GetStages", aws.ToString(api.Id), func(ctx context.Context, c aws.Config) (any, error) {
			return apigateway.NewFromConfig(c).GetStages(ctx, &apigateway.GetStagesInput{RestApiId: api.Id})
		}, `"TracingEnabled":true`},
		{"apigatewayv2", "GetApis", "", func(ctx context.Context, c aws.Config) (any, error) {
			return apigatewayv2.NewFromConfig(c).GetApis(ctx, &apigatewayv2.GetApisInput{})
		}, `"events"`},
		{"apigatewayv2", "GetStages", aws.ToString(h.ApiId), func(ctx context.Context, c aws.Config) (any, error) {
			return apigatewayv2.NewFromConfig(c).GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: h.ApiId})
		}, `/apigw/events`},
		{"apigatewayv2", "GetRoutes", aws.ToString(h.ApiId), func(ctx context.Context, c aws.Config) (any, error) {
			return apigatewayv2.NewFromConfig(c).GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: h.ApiId})
		}, `"NONE"`},
	}
	agreeWithMoto(t, ctx, mcfg, reads)
}
