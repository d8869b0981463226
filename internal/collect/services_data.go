package collect

import (
	"context"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func init() {
	collectors["kms"] = collectKMS
	collectors["rds"] = collectRDS
	collectors["lambda"] = collectLambda
	collectors["sqs"] = collectSQS
	collectors["sns"] = collectSNS
	collectors["secretsmanager"] = collectSecrets
	collectors["ecr"] = collectECR
	collectors["logs"] = collectLogs
	collectors["cloudwatch"] = collectCloudWatch
}

func collectKMS(j *job) {
	c := kms.NewFromConfig(j.cfg)
	keys := once(j, "ListKeys", func(ctx context.Context) (*kms.ListKeysOutput, error) {
		p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{})
		return allPages(ctx, &kms.ListKeysOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "ListAliases", func(ctx context.Context) (*kms.ListAliasesOutput, error) {
		p := kms.NewListAliasesPaginator(c, &kms.ListAliasesInput{})
		return allPages(ctx, &kms.ListAliasesOutput{}, p.HasMorePages, p.NextPage)
	})
	if keys == nil {
		return
	}
	fanOut(j, keys.Keys, func(k kmstypes.KeyListEntry) {
		id := aws.ToString(k.KeyId)
		d := each(j, "DescribeKey", id, func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
			return c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
		})
		each(j, "GetKeyPolicy", id, func(ctx context.Context) (*kms.GetKeyPolicyOutput, error) {
			return c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: k.KeyId, PolicyName: aws.String("default")})
		})
		if d != nil && d.KeyMetadata != nil && d.KeyMetadata.KeyManager == kmstypes.KeyManagerTypeCustomer {
			each(j, "GetKeyRotationStatus", id, func(ctx context.Context) (*kms.GetKeyRotationStatusOutput, error) {
				return c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
			})
		}
	})
}

func collectRDS(j *job) {
	c := rds.NewFromConfig(j.cfg)
	once(j, "DescribeDBInstances", func(ctx context.Context) (*rds.DescribeDBInstancesOutput, error) {
		p := rds.NewDescribeDBInstancesPaginator(c, &rds.DescribeDBInstancesInput{})
		return allPages(ctx, &rds.DescribeDBInstancesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeDBClusters", func(ctx context.Context) (*rds.DescribeDBClustersOutput, error) {
		p := rds.NewDescribeDBClustersPaginator(c, &rds.DescribeDBClustersInput{})
		return allPages(ctx, &rds.DescribeDBClustersOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeEventSubscriptions", func(ctx context.Context) (*rds.DescribeEventSubscriptionsOutput, error) {
		p := rds.NewDescribeEventSubscriptionsPaginator(c, &rds.DescribeEventSubscriptionsInput{})
		return allPages(ctx, &rds.DescribeEventSubscriptionsOutput{}, p.HasMorePages, p.NextPage)
	})
	snaps := once(j, "DescribeDBSnapshots", func(ctx context.Context) (*rds.DescribeDBSnapshotsOutput, error) {
		p := rds.NewDescribeDBSnapshotsPaginator(c, &rds.DescribeDBSnapshotsInput{SnapshotType: aws.String("manual")})
		return allPages(ctx, &rds.DescribeDBSnapshotsOutput{}, p.HasMorePages, p.NextPage)
	})
	if snaps == nil {
		return
	}
	fanOut(j, snaps.DBSnapshots, func(s rdstypes.DBSnapshot) {
		each(j, "DescribeDBSnapshotAttributes", aws.ToString(s.DBSnapshotIdentifier), func(ctx context.Context) (*rds.DescribeDBSnapshotAttributesOutput, error) {
			return c.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: s.DBSnapshotIdentifier})
		})
	})
}

func collectLambda(j *job) {
	c := lambda.NewFromConfig(j.cfg)
	fns := once(j, "ListFunctions", func(ctx context.Context) (*lambda.ListFunctionsOutput, error) {
		p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{})
		return allPages(ctx, &lambda.ListFunctionsOutput{}, p.HasMorePages, p.NextPage)
	})
	if fns == nil {
		return
	}
	fanOut(j, fns.Functions, func(f lambdatypes.FunctionConfiguration) {
		each(j, "GetPolicy", aws.ToString(f.FunctionName), func(ctx context.Context) (*lambda.GetPolicyOutput, error) {
			return c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: f.FunctionName})
		})
	})
}

func collectSQS(j *job) {
	c := sqs.NewFromConfig(j.cfg)
	qs := once(j, "ListQueues", func(ctx context.Context) (*sqs.ListQueuesOutput, error) {
		p := sqs.NewListQueuesPaginator(c, &sqs.ListQueuesInput{})
		return allPages(ctx, &sqs.ListQueuesOutput{}, p.HasMorePages, p.NextPage)
	})
	if qs == nil {
		return
	}
	fanOut(j, qs.QueueUrls, func(u string) {
		each(j, "GetQueueAttributes", u, func(ctx context.Context) (*sqs.GetQueueAttributesOutput, error) {
			return c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &u, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
		})
	})
}

func collectSNS(j *job) {
	c := sns.NewFromConfig(j.cfg)
	ts := once(j, "ListTopics", func(ctx context.Context) (*sns.ListTopicsOutput, error) {
		p := sns.NewListTopicsPaginator(c, &sns.ListTopicsInput{})
		return allPages(ctx, &sns.ListTopicsOutput{}, p.HasMorePages, p.NextPage)
	})
	if ts == nil {
		return
	}
	fanOut(j, ts.Topics, func(t snstypes.Topic) {
		each(j, "GetTopicAttributes", aws.ToString(t.TopicArn), func(ctx context.Context) (*sns.GetTopicAttributesOutput, error) {
			return c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: t.TopicArn})
		})
	})
}

// collectSecrets reads secrets' metadata and resource policies. It never
// calls GetSecretValue: secret values are not collected.
func collectSecrets(j *job) {
	c := secretsmanager.NewFromConfig(j.cfg)
	ss := once(j, "ListSecrets", func(ctx context.Context) (*secretsmanager.ListSecretsOutput, error) {
		p := secretsmanager.NewListSecretsPaginator(c, &secretsmanager.ListSecretsInput{})
		return allPages(ctx, &secretsmanager.ListSecretsOutput{}, p.HasMorePages, p.NextPage)
	})
	if ss == nil {
		return
	}
	fanOut(j, ss.SecretList, func(s smtypes.SecretListEntry) {
		each(j, "GetResourcePolicy", aws.ToString(s.ARN), func(ctx context.Context) (*secretsmanager.GetResourcePolicyOutput, error) {
			return c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: s.ARN})
		})
	})
}

// collectECR reads private repositories with their repository and
// lifecycle policies (no image contents).
func collectECR(j *job) {
	c := ecr.NewFromConfig(j.cfg)
	rs := once(j, "DescribeRepositories", func(ctx context.Context) (*ecr.DescribeRepositoriesOutput, error) {
		p := ecr.NewDescribeRepositoriesPaginator(c, &ecr.DescribeRepositoriesInput{})
		return allPages(ctx, &ecr.DescribeRepositoriesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "GetRegistryScanningConfiguration", func(ctx context.Context) (*ecr.GetRegistryScanningConfigurationOutput, error) {
		return c.GetRegistryScanningConfiguration(ctx, &ecr.GetRegistryScanningConfigurationInput{})
	})
	if rs == nil {
		return
	}
	fanOut(j, rs.Repositories, func(r ecrtypes.Repository) {
		name := aws.ToString(r.RepositoryName)
		each(j, "GetRepositoryPolicy", name, func(ctx context.Context) (*ecr.GetRepositoryPolicyOutput, error) {
			return c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: r.RepositoryName, RegistryId: r.RegistryId})
		})
		each(j, "GetLifecyclePolicy", name, func(ctx context.Context) (*ecr.GetLifecyclePolicyOutput, error) {
			return c.GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: r.RepositoryName, RegistryId: r.RegistryId})
		})
	})
}

// collectLogs reads the region's CloudWatch Logs metric filters (the
// filter patterns and the metrics they publish) and log groups
// (retention and KMS key); no log events.
func collectLogs(j *job) {
	c := cloudwatchlogs.NewFromConfig(j.cfg)
	once(j, "DescribeMetricFilters", func(ctx context.Context) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
		p := cloudwatchlogs.NewDescribeMetricFiltersPaginator(c, &cloudwatchlogs.DescribeMetricFiltersInput{})
		return allPages(ctx, &cloudwatchlogs.DescribeMetricFiltersOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeLogGroups", func(ctx context.Context) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
		p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{})
		return allPages(ctx, &cloudwatchlogs.DescribeLogGroupsOutput{}, p.HasMorePages, p.NextPage)
	})
}

// collectCloudWatch reads the region's metric alarms with their actions.
func collectCloudWatch(j *job) {
	c := cloudwatch.NewFromConfig(j.cfg)
	once(j, "DescribeAlarms", func(ctx context.Context) (*cloudwatch.DescribeAlarmsOutput, error) {
		p := cloudwatch.NewDescribeAlarmsPaginator(c, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}})
		return allPages(ctx, &cloudwatch.DescribeAlarmsOutput{}, p.HasMorePages, p.NextPage)
	})
}
