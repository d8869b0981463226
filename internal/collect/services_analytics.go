package collect

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
)

func init() {
	collectors["redshift"] = collectRedshift
	collectors["opensearch"] = collectOpenSearch
	collectors["apigateway"] = collectAPIGateway
	collectors["apigatewayv2"] = collectAPIGatewayV2
}

// collectRedshift reads the region's provisioned clusters, the
// parameters of the parameter groups they use (once per group) and each
// cluster's audit logging status.
func collectRedshift(j *job) {
	c := redshift.NewFromConfig(j.cfg)
	cs := once(j, "DescribeClusters", func(ctx context.Context) (*redshift.DescribeClustersOutput, error) {
		p := redshift.NewDescribeClustersPaginator(c, &redshift.DescribeClustersInput{})
		return allPages(ctx, &redshift.DescribeClustersOutput{}, p.HasMorePages, p.NextPage)
	})
	if cs == nil {
		return
	}
	seen := map[string]bool{}
	var groups []string
	for _, cl := range cs.Clusters {
		for _, g := range cl.ClusterParameterGroups {
			if n := aws.ToString(g.ParameterGroupName); n != "" && !seen[n] {
				seen[n] = true
				groups = append(groups, n)
			}
		}
	}
	sort.Strings(groups)
	fanOut(j, groups, func(g string) {
		each(j, "DescribeClusterParameters", g, func(ctx context.Context) (*redshift.DescribeClusterParametersOutput, error) {
			p := redshift.NewDescribeClusterParametersPaginator(c, &redshift.DescribeClusterParametersInput{ParameterGroupName: aws.String(g)})
			return allPages(ctx, &redshift.DescribeClusterParametersOutput{}, p.HasMorePages, p.NextPage)
		})
	})
	fanOut(j, cs.Clusters, func(cl rstypes.Cluster) {
		each(j, "DescribeLoggingStatus", aws.ToString(cl.ClusterIdentifier), func(ctx context.Context) (*redshift.DescribeLoggingStatusOutput, error) {
			return c.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: cl.ClusterIdentifier})
		})
	})
}

// describeDomainsBatch is how many domains one DescribeDomains call
// may name.
const describeDomainsBatch = 5

// collectOpenSearch reads the region's OpenSearch Service domains of
// both engines (OpenSearch and Elasticsearch) and their configuration,
// five domains per DescribeDomains call, merged into one output.
func collectOpenSearch(j *job) {
	c := opensearch.NewFromConfig(j.cfg)
	names := once(j, "ListDomainNames", func(ctx context.Context) (*opensearch.ListDomainNamesOutput, error) {
		return c.ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
	})
	if names == nil {
		return
	}
	var all []string
	for _, d := range names.DomainNames {
		if n := aws.ToString(d.DomainName); n != "" {
			all = append(all, n)
		}
	}
	sort.Strings(all)
	once(j, "DescribeDomains", func(ctx context.Context) (*opensearch.DescribeDomainsOutput, error) {
		out := &opensearch.DescribeDomainsOutput{DomainStatusList: []ostypes.DomainStatus{}}
		seen := map[string]bool{}
		for i := 0; i < len(all); i += describeDomainsBatch {
			batch := all[i:min(i+describeDomainsBatch, len(all))]
			pg, err := c.DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: batch})
			if err != nil {
				return nil, err
			}
			for _, d := range pg.DomainStatusList {
				if n := aws.ToString(d.DomainName); !seen[n] {
					seen[n] = true
					out.DomainStatusList = append(out.DomainStatusList, d)
				}
			}
		}
		return out, nil
	})
}

// collectAPIGateway reads the region's REST APIs and their stages
// (method settings, tracing, client certificate, web ACL, cache). Stage
// variables are redacted when stored.
func collectAPIGateway(j *job) {
	c := apigateway.NewFromConfig(j.cfg)
	apis := once(j, "GetRestApis", func(ctx context.Context) (*apigateway.GetRestApisOutput, error) {
		p := apigateway.NewGetRestApisPaginator(c, &apigateway.GetRestApisInput{})
		return allPages(ctx, &apigateway.GetRestApisOutput{}, p.HasMorePages, p.NextPage)
	})
	if apis == nil {
		return
	}
	fanOut(j, apis.Items, func(a apigwtypes.RestApi) {
		each(j, "GetStages", aws.ToString(a.Id), func(ctx context.Context) (*apigateway.GetStagesOutput, error) {
			return c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: a.Id})
		})
	})
}

// collectAPIGatewayV2 reads the region's HTTP and WebSocket APIs, their
// stages (access logging, default route settings) and routes
// (authorization type). Stage variables are redacted when stored.
func collectAPIGatewayV2(j *job) {
	c := apigatewayv2.NewFromConfig(j.cfg)
	apis := once(j, "GetApis", func(ctx context.Context) (*apigatewayv2.GetApisOutput, error) {
		out := &apigatewayv2.GetApisOutput{Items: []apigwv2types.Api{}}
		in := &apigatewayv2.GetApisInput{}
		for {
			pg, err := c.GetApis(ctx, in)
			if err != nil {
				return nil, err
			}
			out.Items = append(out.Items, pg.Items...)
			if aws.ToString(pg.NextToken) == "" {
				return out, nil
			}
			in.NextToken = pg.NextToken
		}
	})
	if apis == nil {
		return
	}
	fanOut(j, apis.Items, func(a apigwv2types.Api) {
		id := aws.ToString(a.ApiId)
		each(j, "GetStages", id, func(ctx context.Context) (*apigatewayv2.GetStagesOutput, error) {
			out := &apigatewayv2.GetStagesOutput{Items: []apigwv2types.Stage{}}
			in := &apigatewayv2.GetStagesInput{ApiId: a.ApiId}
			for {
				pg, err := c.GetStages(ctx, in)
				if err != nil {
					return nil, err
				}
				out.Items = append(out.Items, pg.Items...)
				if aws.ToString(pg.NextToken) == "" {
					return out, nil
				}
				in.NextToken = pg.NextToken
			}
		})
		each(j, "GetRoutes", id, func(ctx context.Context) (*apigatewayv2.GetRoutesOutput, error) {
			out := &apigatewayv2.GetRoutesOutput{Items: []apigwv2types.Route{}}
			in := &apigatewayv2.GetRoutesInput{ApiId: a.ApiId}
			for {
				pg, err := c.GetRoutes(ctx, in)
				if err != nil {
					return nil, err
				}
				out.Items = append(out.Items, pg.Items...)
				if aws.ToString(pg.NextToken) == "" {
					return out, nil
				}
				in.NextToken = pg.NextToken
			}
		})
	})
}
