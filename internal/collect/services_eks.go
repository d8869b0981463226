package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

func init() {
	collectors["eks"] = collectEKS
}

// collectEKS reads the region's EKS clusters and their configuration
// (Kubernetes version, support type, endpoint access, logging, secrets
// encryption). The cluster's certificate authority data is public (it
// verifies the API server) and is kept.
func collectEKS(j *job) {
	c := eks.NewFromConfig(j.cfg)
	cl := once(j, "ListClusters", func(ctx context.Context) (*eks.ListClustersOutput, error) {
		p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{})
		return allPages(ctx, &eks.ListClustersOutput{}, p.HasMorePages, p.NextPage)
	})
	if cl == nil {
		return
	}
	fanOut(j, cl.Clusters, func(name string) {
		each(j, "DescribeCluster", name, func(ctx context.Context) (*eks.DescribeClusterOutput, error) {
			return c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
		})
	})
}
