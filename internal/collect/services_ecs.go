package collect

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func init() {
	collectors["ecs"] = collectECS
}

// ecsClusterBatch and ecsServiceBatch are the most names DescribeClusters
// and DescribeServices accept per call.
const (
	ecsClusterBatch = 100
	ecsServiceBatch = 10
)

// collectECS reads the region's clusters (with their settings), each
// cluster's services, and the latest ACTIVE revision of every task
// definition family. Container environment variable values are redacted
// when the file is written (snapshot.RedactJSON); their names are kept.
func collectECS(j *job) {
	c := ecs.NewFromConfig(j.cfg)
	cl := once(j, "ListClusters", func(ctx context.Context) (*ecs.ListClustersOutput, error) {
		p := ecs.NewListClustersPaginator(c, &ecs.ListClustersInput{})
		return allPages(ctx, &ecs.ListClustersOutput{}, p.HasMorePages, p.NextPage)
	})
	if cl != nil && len(cl.ClusterArns) > 0 {
		once(j, "DescribeClusters", func(ctx context.Context) (*ecs.DescribeClustersOutput, error) {
			out := &ecs.DescribeClustersOutput{Clusters: []ecstypes.Cluster{}, Failures: []ecstypes.Failure{}}
			for _, b := range containerBatches(cl.ClusterArns, ecsClusterBatch) {
				pg, err := c.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: b, Include: []ecstypes.ClusterField{ecstypes.ClusterFieldSettings, ecstypes.ClusterFieldConfigurations}})
				if err != nil {
					return nil, err
				}
				out.Clusters = append(out.Clusters, pg.Clusters...)
				out.Failures = append(out.Failures, pg.Failures...)
			}
			return out, nil
		})
		fanOut(j, cl.ClusterArns, func(arn string) {
			ls := each(j, "ListServices", arn, func(ctx context.Context) (*ecs.ListServicesOutput, error) {
				p := ecs.NewListServicesPaginator(c, &ecs.ListServicesInput{Cluster: aws.String(arn)})
				return allPages(ctx, &ecs.ListServicesOutput{}, p.HasMorePages, p.NextPage)
			})
			if ls == nil || len(ls.ServiceArns) == 0 {
				return
			}
			each(j, "DescribeServices", arn, func(ctx context.Context) (*ecs.DescribeServicesOutput, error) {
				out := &ecs.DescribeServicesOutput{Services: []ecstypes.Service{}, Failures: []ecstypes.Failure{}}
				for _, b := range containerBatches(ls.ServiceArns, ecsServiceBatch) {
					pg, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(arn), Services: b})
					if err != nil {
						return nil, err
					}
					out.Services = append(out.Services, pg.Services...)
					out.Failures = append(out.Failures, pg.Failures...)
				}
				return out, nil
			})
		})
	}
	tds := once(j, "ListTaskDefinitions", func(ctx context.Context) (*ecs.ListTaskDefinitionsOutput, error) {
		p := ecs.NewListTaskDefinitionsPaginator(c, &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusActive})
		return allPages(ctx, &ecs.ListTaskDefinitionsOutput{}, p.HasMorePages, p.NextPage)
	})
	if tds == nil {
		return
	}
	fanOut(j, latestTaskDefinitions(tds.TaskDefinitionArns), func(arn string) {
		each(j, "DescribeTaskDefinition", arn, func(ctx context.Context) (*ecs.DescribeTaskDefinitionOutput, error) {
			return c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
		})
	})
}

// latestTaskDefinitions keeps, of task definition ARNs
// (…:task-definition/family:revision), the highest revision of each
// family, in the order the families first appear.
func latestTaskDefinitions(arns []string) []string {
	best := map[string]int{}
	idx := map[string]int{}
	var out []string
	for _, a := range arns {
		fam, rev := taskDefinitionFamily(a)
		if fam == "" {
			continue
		}
		i, seen := idx[fam]
		if !seen {
			idx[fam], best[fam] = len(out), rev
			out = append(out, a)
			continue
		}
		if rev > best[fam] {
			best[fam], out[i] = rev, a
		}
	}
	return out
}

// taskDefinitionFamily splits a task definition ARN into its family and
// revision ("" when the ARN has no revision).
func taskDefinitionFamily(arn string) (string, int) {
	s := arn
	if i := strings.LastIndex(s, "task-definition/"); i >= 0 {
		s = s[i+len("task-definition/"):]
	}
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return "", 0
	}
	rev, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return "", 0
	}
	return s[:i], rev
}

// containerBatches cuts list into slices of at most n.
func containerBatches[T any](list []T, n int) [][]T {
	var out [][]T
	for len(list) > n {
		out = append(out, list[:n])
		list = list[n:]
	}
	if len(list) > 0 {
		out = append(out, list)
	}
	return out
}
