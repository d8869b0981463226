package awstest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2Questions asks moto and the local AWS the same filtered Describe*
// calls over the world motoWorld built.
func ec2Questions(check func(string, func(aws.Config) (any, error)), sgs *ec2.DescribeSecurityGroupsOutput, vpcs *ec2.DescribeVpcsOutput) {
	ctx := context.Background()
	var vpcID, webID string
	for _, v := range vpcs.Vpcs {
		if aws.ToString(v.CidrBlock) == "10.1.0.0/16" {
			vpcID = aws.ToString(v.VpcId)
		}
	}
	for _, g := range sgs.SecurityGroups {
		if aws.ToString(g.GroupName) == "web" {
			webID = aws.ToString(g.GroupId)
		}
	}
	f := func(name string, values ...string) ec2types.Filter {
		return ec2types.Filter{Name: aws.String(name), Values: values}
	}
	groupQs := map[string]*ec2.DescribeSecurityGroupsInput{
		"group-name":           {Filters: []ec2types.Filter{f("group-name", "web", "ssh")}},
		"vpc-id":               {Filters: []ec2types.Filter{f("vpc-id", vpcID)}},
		"tag:tier":             {Filters: []ec2types.Filter{f("tag:tier", "front", "data")}},
		"tag-key":              {Filters: []ec2types.Filter{f("tag-key", "tier")}},
		"tag-value":            {Filters: []ec2types.Filter{f("tag-value", "ops")}},
		"ip-permission.cidr":   {Filters: []ec2types.Filter{f("ip-permission.cidr", "0.0.0.0/0")}},
		"ip-permission.from":   {Filters: []ec2types.Filter{f("ip-permission.from-port", "22")}},
		"ip-permission.group":  {Filters: []ec2types.Filter{f("ip-permission.group-id", webID)}},
		"owner-id and vpc":     {Filters: []ec2types.Filter{f("owner-id", motoAccount), f("vpc-id", vpcID)}},
		"description wildcard": {Filters: []ec2types.Filter{f("description", "group *")}},
		"group-id list":        {GroupIds: []string{webID}},
		"group-id unknown":     {GroupIds: []string{"sg-0123456789abcdef0"}},
	}
	for name, in := range groupQs {
		check("DescribeSecurityGroups "+name, func(cfg aws.Config) (any, error) {
			out, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, in)
			if err != nil {
				return errorCode(err), nil
			}
			var ids []string
			for _, g := range out.SecurityGroups {
				ids = append(ids, aws.ToString(g.GroupId))
			}
			return sorted(ids), nil
		})
	}
	instQs := map[string][]ec2types.Filter{
		"running":           {f("instance-state-name", "running")},
		"stopped":           {f("instance-state-name", "stopped")},
		"tag:env":           {f("tag:env", "prod")},
		"instance-type":     {f("instance-type", "t3.micro")},
		"vpc-id and state":  {f("vpc-id", vpcID), f("instance-state-name", "running", "stopped")},
		"instance.group-id": {f("instance.group-id", webID)},
		"no match":          {f("instance-type", "m5.large")},
	}
	for name, filters := range instQs {
		check("DescribeInstances "+name, func(cfg aws.Config) (any, error) {
			out, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: filters})
			if err != nil {
				return errorCode(err), nil
			}
			var ids []string
			for _, r := range out.Reservations {
				for _, i := range r.Instances {
					ids = append(ids, aws.ToString(i.InstanceId))
				}
			}
			return sorted(ids), nil
		})
	}
	vpcQs := map[string][]ec2types.Filter{
		"is-default": {f("is-default", "true")},
		"cidr":       {f("cidr", "10.1.0.0/16")},
		"vpc-id":     {f("vpc-id", vpcID)},
	}
	for name, filters := range vpcQs {
		check("DescribeVpcs "+name, func(cfg aws.Config) (any, error) {
			out, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: filters})
			if err != nil {
				return errorCode(err), nil
			}
			var ids []string
			for _, v := range out.Vpcs {
				ids = append(ids, aws.ToString(v.VpcId))
			}
			return sorted(ids), nil
		})
	}
}
