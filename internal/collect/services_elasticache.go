package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/elasticache"
)

func init() {
	collectors["elasticache"] = collectElastiCache
}

// collectElastiCache reads the region's cache clusters (engine and
// version, backups, minor version upgrades, subnet group), replication
// groups (failover, encryption, AUTH) and cache subnet groups.
func collectElastiCache(j *job) {
	c := elasticache.NewFromConfig(j.cfg)
	once(j, "DescribeCacheClusters", func(ctx context.Context) (*elasticache.DescribeCacheClustersOutput, error) {
		p := elasticache.NewDescribeCacheClustersPaginator(c, &elasticache.DescribeCacheClustersInput{})
		return allPages(ctx, &elasticache.DescribeCacheClustersOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeReplicationGroups", func(ctx context.Context) (*elasticache.DescribeReplicationGroupsOutput, error) {
		p := elasticache.NewDescribeReplicationGroupsPaginator(c, &elasticache.DescribeReplicationGroupsInput{})
		return allPages(ctx, &elasticache.DescribeReplicationGroupsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeCacheSubnetGroups", func(ctx context.Context) (*elasticache.DescribeCacheSubnetGroupsOutput, error) {
		p := elasticache.NewDescribeCacheSubnetGroupsPaginator(c, &elasticache.DescribeCacheSubnetGroupsInput{})
		return allPages(ctx, &elasticache.DescribeCacheSubnetGroupsOutput{}, p.HasMorePages, p.NextPage)
	})
}
