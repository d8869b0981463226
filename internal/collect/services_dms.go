package collect

import (
	"context"

	dms "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice"
)

func init() {
	collectors["dms"] = collectDMS
}

// collectDMS reads the AWS DMS replication instances of the region
// (their network placement and settings; no endpoint credentials).
func collectDMS(j *job) {
	c := dms.NewFromConfig(j.cfg)
	once(j, "DescribeReplicationInstances", func(ctx context.Context) (*dms.DescribeReplicationInstancesOutput, error) {
		p := dms.NewDescribeReplicationInstancesPaginator(c, &dms.DescribeReplicationInstancesInput{})
		return allPages(ctx, &dms.DescribeReplicationInstancesOutput{}, p.HasMorePages, p.NextPage)
	})
}
