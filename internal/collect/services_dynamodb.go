package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func init() {
	collectors["dynamodb"] = collectDynamoDB
	collectors["applicationautoscaling"] = collectAppAutoScaling
	collectors["dax"] = collectDAX
}

// collectDynamoDB reads the region's tables: their descriptions
// (billing mode, indexes, encryption) and continuous backups (point-in-
// time recovery). No items.
func collectDynamoDB(j *job) {
	c := dynamodb.NewFromConfig(j.cfg)
	ts := once(j, "ListTables", func(ctx context.Context) (*dynamodb.ListTablesOutput, error) {
		p := dynamodb.NewListTablesPaginator(c, &dynamodb.ListTablesInput{})
		return allPages(ctx, &dynamodb.ListTablesOutput{}, p.HasMorePages, p.NextPage)
	})
	if ts == nil {
		return
	}
	fanOut(j, ts.TableNames, func(name string) {
		each(j, "DescribeTable", name, func(ctx context.Context) (*dynamodb.DescribeTableOutput, error) {
			return c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		})
		each(j, "DescribeContinuousBackups", name, func(ctx context.Context) (*dynamodb.DescribeContinuousBackupsOutput, error) {
			return c.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(name)})
		})
	})
}

// collectAppAutoScaling reads the scalable targets of the DynamoDB
// namespace (which tables and indexes scale their capacity).
func collectAppAutoScaling(j *job) {
	c := applicationautoscaling.NewFromConfig(j.cfg)
	once(j, "DescribeScalableTargets", func(ctx context.Context) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
		p := applicationautoscaling.NewDescribeScalableTargetsPaginator(c, &applicationautoscaling.DescribeScalableTargetsInput{
			ServiceNamespace: aastypes.ServiceNamespaceDynamodb})
		return allPages(ctx, &applicationautoscaling.DescribeScalableTargetsOutput{}, p.HasMorePages, p.NextPage)
	})
}

// collectDAX reads the region's DynamoDB Accelerator clusters.
func collectDAX(j *job) {
	c := dax.NewFromConfig(j.cfg)
	once(j, "DescribeClusters", func(ctx context.Context) (*dax.DescribeClustersOutput, error) {
		return tokenPages(ctx, &dax.DescribeClustersOutput{}, func(ctx context.Context, tok *string) (*dax.DescribeClustersOutput, *string, error) {
			out, err := c.DescribeClusters(ctx, &dax.DescribeClustersInput{NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out, out.NextToken, nil
		})
	})
}

// tokenPages pages an operation the SDK has no paginator for, following
// its NextToken, and merges the pages like allPages.
func tokenPages[O any](ctx context.Context, out *O, call func(context.Context, *string) (*O, *string, error)) (*O, error) {
	var tok *string
	for {
		pg, next, err := call(ctx, tok)
		if err != nil {
			return nil, err
		}
		mergePage(out, pg)
		if next == nil || *next == "" || (tok != nil && *next == *tok) {
			return out, nil
		}
		tok = next
	}
}
