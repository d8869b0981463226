package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

func init() { collectors["ec2"] = collectEC2 }

func collectEC2(j *job) {
	c := ec2.NewFromConfig(j.cfg)
	once(j, "DescribeSecurityGroups", func(ctx context.Context) (*ec2.DescribeSecurityGroupsOutput, error) {
		out := &ec2.DescribeSecurityGroupsOutput{}
		p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			mergePage(out, pg)
		}
		return out, nil
	})
	once(j, "DescribeSecurityGroupRules", func(ctx context.Context) (*ec2.DescribeSecurityGroupRulesOutput, error) {
		out := &ec2.DescribeSecurityGroupRulesOutput{}
		p := ec2.NewDescribeSecurityGroupRulesPaginator(c, &ec2.DescribeSecurityGroupRulesInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			mergePage(out, pg)
		}
		return out, nil
	})
	once(j, "DescribeNetworkAcls", func(ctx context.Context) (*ec2.DescribeNetworkAclsOutput, error) {
		out := &ec2.DescribeNetworkAclsOutput{}
		p := ec2.NewDescribeNetworkAclsPaginator(c, &ec2.DescribeNetworkAclsInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			mergePage(out, pg)
		}
		return out, nil
	})
	once(j, "DescribeVpcs", func(ctx context.Context) (*ec2.DescribeVpcsOutput, error) {
		out := &ec2.DescribeVpcsOutput{}
		p := ec2.NewDescribeVpcsPaginator(c, &ec2.DescribeVpcsInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			mergePage(out, pg)
		}
		return out, nil
	})
	once(j, "DescribeFlowLogs", func(ctx context.Context) (*ec2.DescribeFlowLogsOutput, error) {
		out := &ec2.DescribeFlowLogsOutput{}
		p := ec2.NewDescribeFlowLogsPaginator(c, &ec2.DescribeFlowLogsInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			mergePage(out, pg)
		}
		return out, nil
	})
	once(j, "DescribeVpcEndpoints", func(ctx context.Context) (*ec2.DescribeVpcEndpointsOutput, error) {
		out := &ec2.DescribeVpcEndpointsOutput{}
		p := ec2.NewDescribeVpcEndpointsPaginator(c, &ec2.DescribeVpcEndpointsInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			mergePage(out, pg)
		}
		return out, nil
	})
	once(j, "GetEbsEncryptionByDefault", func(ctx context.Context) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
		return c.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	})
	once(j, "DescribeInstances", func(ctx context.Context) (*ec2.DescribeInstancesOutput, error) {
		out := &ec2.DescribeInstancesOutput{}
		p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			mergePage(out, pg)
		}
		return out, nil
	})
	once(j, "GetSnapshotBlockPublicAccessState", func(ctx context.Context) (*ec2.GetSnapshotBlockPublicAccessStateOutput, error) {
		return c.GetSnapshotBlockPublicAccessState(ctx, &ec2.GetSnapshotBlockPublicAccessStateInput{})
	})
	once(j, "GetImageBlockPublicAccessState", func(ctx context.Context) (*ec2.GetImageBlockPublicAccessStateOutput, error) {
		return c.GetImageBlockPublicAccessState(ctx, &ec2.GetImageBlockPublicAccessStateInput{})
	})
}
