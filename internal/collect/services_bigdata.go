package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk/types"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
)

func init() {
	collectors["kinesis"] = collectKinesis
	collectors["emr"] = collectEMR
	collectors["sagemaker"] = collectSageMaker
	collectors["elasticbeanstalk"] = collectBeanstalk
}

// collectKinesis reads the region's data streams and their summaries
// (encryption, retention); never records.
func collectKinesis(j *job) {
	c := kinesis.NewFromConfig(j.cfg)
	ls := once(j, "ListStreams", func(ctx context.Context) (*kinesis.ListStreamsOutput, error) {
		p := kinesis.NewListStreamsPaginator(c, &kinesis.ListStreamsInput{})
		return allPages(ctx, &kinesis.ListStreamsOutput{}, p.HasMorePages, p.NextPage)
	})
	if ls == nil {
		return
	}
	fanOut(j, ls.StreamNames, func(name string) {
		each(j, "DescribeStreamSummary", name, func(ctx context.Context) (*kinesis.DescribeStreamSummaryOutput, error) {
			return c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		})
	})
}

// emrActiveStates are the cluster states ListClusters is asked for:
// terminated clusters stay listed for two months and have no nodes.
var emrActiveStates = []emrtypes.ClusterState{emrtypes.ClusterStateStarting, emrtypes.ClusterStateBootstrapping,
	emrtypes.ClusterStateRunning, emrtypes.ClusterStateWaiting}

// collectEMR reads the region's active clusters, their descriptions
// and primary (master) nodes, and the account's block public access
// configuration.
func collectEMR(j *job) {
	c := emr.NewFromConfig(j.cfg)
	once(j, "GetBlockPublicAccessConfiguration", func(ctx context.Context) (*emr.GetBlockPublicAccessConfigurationOutput, error) {
		return c.GetBlockPublicAccessConfiguration(ctx, &emr.GetBlockPublicAccessConfigurationInput{})
	})
	ls := once(j, "ListClusters", func(ctx context.Context) (*emr.ListClustersOutput, error) {
		p := emr.NewListClustersPaginator(c, &emr.ListClustersInput{ClusterStates: emrActiveStates})
		return allPages(ctx, &emr.ListClustersOutput{}, p.HasMorePages, p.NextPage)
	})
	if ls == nil {
		return
	}
	fanOut(j, ls.Clusters, func(s emrtypes.ClusterSummary) {
		id := aws.ToString(s.Id)
		d := each(j, "DescribeCluster", id, func(ctx context.Context) (*emr.DescribeClusterOutput, error) {
			return c.DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: s.Id})
		})
		if d == nil || d.Cluster == nil {
			return
		}
		in := &emr.ListInstancesInput{ClusterId: s.Id, InstanceGroupTypes: []emrtypes.InstanceGroupType{emrtypes.InstanceGroupTypeMaster}}
		if d.Cluster.InstanceCollectionType == emrtypes.InstanceCollectionTypeInstanceFleet {
			in = &emr.ListInstancesInput{ClusterId: s.Id, InstanceFleetType: emrtypes.InstanceFleetTypeMaster}
		}
		each(j, "ListInstances", id, func(ctx context.Context) (*emr.ListInstancesOutput, error) {
			p := emr.NewListInstancesPaginator(c, in)
			return allPages(ctx, &emr.ListInstancesOutput{}, p.HasMorePages, p.NextPage)
		})
	})
}

// collectSageMaker reads the region's notebook instances and their
// descriptions (network access, VPC, root access).
func collectSageMaker(j *job) {
	c := sagemaker.NewFromConfig(j.cfg)
	ls := once(j, "ListNotebookInstances", func(ctx context.Context) (*sagemaker.ListNotebookInstancesOutput, error) {
		p := sagemaker.NewListNotebookInstancesPaginator(c, &sagemaker.ListNotebookInstancesInput{})
		return allPages(ctx, &sagemaker.ListNotebookInstancesOutput{}, p.HasMorePages, p.NextPage)
	})
	if ls == nil {
		return
	}
	fanOut(j, ls.NotebookInstances, func(n smtypes.NotebookInstanceSummary) {
		name := aws.ToString(n.NotebookInstanceName)
		each(j, "DescribeNotebookInstance", name, func(ctx context.Context) (*sagemaker.DescribeNotebookInstanceOutput, error) {
			return c.DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: n.NotebookInstanceName})
		})
	})
}

// collectBeanstalk reads the region's Elastic Beanstalk environments
// and their configuration settings. Environment properties and other
// secret-like option values are redacted when the file is written
// (snapshot.RedactJSON).
func collectBeanstalk(j *job) {
	c := elasticbeanstalk.NewFromConfig(j.cfg)
	envs := once(j, "DescribeEnvironments", func(ctx context.Context) (*elasticbeanstalk.DescribeEnvironmentsOutput, error) {
		return tokenPages(ctx, &elasticbeanstalk.DescribeEnvironmentsOutput{}, func(ctx context.Context, tok *string) (*elasticbeanstalk.DescribeEnvironmentsOutput, *string, error) {
			out, err := c.DescribeEnvironments(ctx, &elasticbeanstalk.DescribeEnvironmentsInput{NextToken: tok, IncludeDeleted: aws.Bool(false)})
			if err != nil {
				return nil, nil, err
			}
			return out, out.NextToken, nil
		})
	})
	if envs == nil {
		return
	}
	fanOut(j, envs.Environments, func(e ebtypes.EnvironmentDescription) {
		each(j, "DescribeConfigurationSettings", aws.ToString(e.ApplicationName)+"|"+aws.ToString(e.EnvironmentName),
			func(ctx context.Context) (*elasticbeanstalk.DescribeConfigurationSettingsOutput, error) {
				return c.DescribeConfigurationSettings(ctx, &elasticbeanstalk.DescribeConfigurationSettingsInput{
					ApplicationName: e.ApplicationName, EnvironmentName: e.EnvironmentName})
			})
	})
}
