package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

func init() { collectors["ec2"] = collectEC2 }

// ec2Extra are further EC2 reads, each in its own services_ec2*.go
// file, made after the ones below in the same job (the same ec2 file).
var ec2Extra []func(*job, *ec2.Client)

func collectEC2(j *job) {
	c := ec2.NewFromConfig(j.cfg)
	once(j, "DescribeSecurityGroups", func(ctx context.Context) (*ec2.DescribeSecurityGroupsOutput, error) {
		p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{})
		return allPages(ctx, &ec2.DescribeSecurityGroupsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeSecurityGroupRules", func(ctx context.Context) (*ec2.DescribeSecurityGroupRulesOutput, error) {
		p := ec2.NewDescribeSecurityGroupRulesPaginator(c, &ec2.DescribeSecurityGroupRulesInput{})
		return allPages(ctx, &ec2.DescribeSecurityGroupRulesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeNetworkAcls", func(ctx context.Context) (*ec2.DescribeNetworkAclsOutput, error) {
		p := ec2.NewDescribeNetworkAclsPaginator(c, &ec2.DescribeNetworkAclsInput{})
		return allPages(ctx, &ec2.DescribeNetworkAclsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeVpcs", func(ctx context.Context) (*ec2.DescribeVpcsOutput, error) {
		p := ec2.NewDescribeVpcsPaginator(c, &ec2.DescribeVpcsInput{})
		return allPages(ctx, &ec2.DescribeVpcsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeFlowLogs", func(ctx context.Context) (*ec2.DescribeFlowLogsOutput, error) {
		p := ec2.NewDescribeFlowLogsPaginator(c, &ec2.DescribeFlowLogsInput{})
		return allPages(ctx, &ec2.DescribeFlowLogsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeVpcEndpoints", func(ctx context.Context) (*ec2.DescribeVpcEndpointsOutput, error) {
		p := ec2.NewDescribeVpcEndpointsPaginator(c, &ec2.DescribeVpcEndpointsInput{})
		return allPages(ctx, &ec2.DescribeVpcEndpointsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeVpcPeeringConnections", func(ctx context.Context) (*ec2.DescribeVpcPeeringConnectionsOutput, error) {
		p := ec2.NewDescribeVpcPeeringConnectionsPaginator(c, &ec2.DescribeVpcPeeringConnectionsInput{})
		return allPages(ctx, &ec2.DescribeVpcPeeringConnectionsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeTransitGatewayAttachments", func(ctx context.Context) (*ec2.DescribeTransitGatewayAttachmentsOutput, error) {
		p := ec2.NewDescribeTransitGatewayAttachmentsPaginator(c, &ec2.DescribeTransitGatewayAttachmentsInput{})
		return allPages(ctx, &ec2.DescribeTransitGatewayAttachmentsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "GetEbsEncryptionByDefault", func(ctx context.Context) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
		return c.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	})
	instances := once(j, "DescribeInstances", func(ctx context.Context) (*ec2.DescribeInstancesOutput, error) {
		p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{})
		return allPages(ctx, &ec2.DescribeInstancesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeVolumes", func(ctx context.Context) (*ec2.DescribeVolumesOutput, error) {
		p := ec2.NewDescribeVolumesPaginator(c, &ec2.DescribeVolumesInput{})
		return allPages(ctx, &ec2.DescribeVolumesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "GetSnapshotBlockPublicAccessState", func(ctx context.Context) (*ec2.GetSnapshotBlockPublicAccessStateOutput, error) {
		return c.GetSnapshotBlockPublicAccessState(ctx, &ec2.GetSnapshotBlockPublicAccessStateInput{})
	})
	once(j, "GetImageBlockPublicAccessState", func(ctx context.Context) (*ec2.GetImageBlockPublicAccessStateOutput, error) {
		return c.GetImageBlockPublicAccessState(ctx, &ec2.GetImageBlockPublicAccessStateInput{})
	})
	for _, fn := range ec2Extra {
		fn(j, c)
	}
	collectEC2Net(j, c)                   // services_ec2net.go
	collectInstanceTypes(j, c, instances) // services_ec2types.go
}
