package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func init() {
	ec2Extra = append(ec2Extra, collectEC2Compute)
	collectors["autoscaling"] = collectAutoScaling
}

// collectEC2Compute reads the compute side of EC2 the guardrails judge
// beyond instances and volumes: the account's own EBS snapshots and who
// may create volumes from them, and the default version of every launch
// template (one call: Versions=$Default without a template names them
// all).
func collectEC2Compute(j *job, c *ec2.Client) {
	snaps := once(j, "DescribeSnapshots", func(ctx context.Context) (*ec2.DescribeSnapshotsOutput, error) {
		p := ec2.NewDescribeSnapshotsPaginator(c, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
		return allPages(ctx, &ec2.DescribeSnapshotsOutput{}, p.HasMorePages, p.NextPage)
	})
	if snaps != nil {
		fanOut(j, snaps.Snapshots, func(s ec2types.Snapshot) {
			each(j, "DescribeSnapshotAttribute", aws.ToString(s.SnapshotId), func(ctx context.Context) (*ec2.DescribeSnapshotAttributeOutput, error) {
				return c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: s.SnapshotId,
					Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
			})
		})
	}
	once(j, "DescribeLaunchTemplates", func(ctx context.Context) (*ec2.DescribeLaunchTemplatesOutput, error) {
		p := ec2.NewDescribeLaunchTemplatesPaginator(c, &ec2.DescribeLaunchTemplatesInput{})
		return allPages(ctx, &ec2.DescribeLaunchTemplatesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeLaunchTemplateVersions", func(ctx context.Context) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
		p := ec2.NewDescribeLaunchTemplateVersionsPaginator(c, &ec2.DescribeLaunchTemplateVersionsInput{Versions: []string{"$Default"}})
		return allPages(ctx, &ec2.DescribeLaunchTemplateVersionsOutput{}, p.HasMorePages, p.NextPage)
	})
}

// collectAutoScaling reads the region's Auto Scaling groups and launch
// configurations (their user data is redacted when stored).
func collectAutoScaling(j *job) {
	c := autoscaling.NewFromConfig(j.cfg)
	once(j, "DescribeAutoScalingGroups", func(ctx context.Context) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
		p := autoscaling.NewDescribeAutoScalingGroupsPaginator(c, &autoscaling.DescribeAutoScalingGroupsInput{})
		return allPages(ctx, &autoscaling.DescribeAutoScalingGroupsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeLaunchConfigurations", func(ctx context.Context) (*autoscaling.DescribeLaunchConfigurationsOutput, error) {
		p := autoscaling.NewDescribeLaunchConfigurationsPaginator(c, &autoscaling.DescribeLaunchConfigurationsInput{})
		return allPages(ctx, &autoscaling.DescribeLaunchConfigurationsOutput{}, p.HasMorePages, p.NextPage)
	})
}
