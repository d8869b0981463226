package vending

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// enabledRegions returns the Regions enabled in the new account
// (DescribeRegions without AllRegions answers only those; an answer
// that still lists a not-opted-in Region is filtered too).
func (r *run) enabledRegions(ctx context.Context, mc aws.Config) ([]string, error) {
	var out *ec2.DescribeRegionsOutput
	err := r.retry(ctx, func() error {
		var err error
		out, err = ec2.NewFromConfig(mc).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("DescribeRegions: %w", err)
	}
	var regions []string
	for _, reg := range out.Regions {
		if aws.ToString(reg.OptInStatus) != "not-opted-in" {
			regions = append(regions, aws.ToString(reg.RegionName))
		}
	}
	slices.Sort(regions)
	return regions, nil
}

// defaultVPCs deletes the default VPC of every enabled Region, with
// what keeps EC2 from deleting it: its subnets and internet gateway.
func (r *run) defaultVPCs(ctx context.Context) error {
	mc, err := r.memberConfig(ctx)
	if err != nil {
		return err
	}
	regions, err := r.enabledRegions(ctx, mc)
	if err != nil {
		return err
	}
	r.rep.Regions = regions
	for _, region := range regions {
		ec := ec2.NewFromConfig(mc, func(o *ec2.Options) { o.Region = region })
		key := "default-vpc/" + region
		if _, err := r.do(ctx, key, func(ctx context.Context) (outcome, error) { return r.deleteDefaultVPC(ctx, ec, key, region) }); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) deleteDefaultVPC(ctx context.Context, ec *ec2.Client, key, region string) (outcome, error) {
	if prev := r.steps[key]; prev.status == stepStarted && strings.HasPrefix(prev.objectID, "igw-") {
		// An earlier run detached this gateway and stopped before
		// deleting it: nothing else would find it now.
		_, err := ec.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(prev.objectID)})
		if c := errorCode(err); err != nil && c != "InvalidInternetGatewayID.NotFound" && c != "DependencyViolation" {
			return outcome{}, fmt.Errorf("DeleteInternetGateway %s: %w", prev.objectID, err)
		}
	}
	out, err := ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil {
		return outcome{}, fmt.Errorf("DescribeVpcs in %s: %w", region, err)
	}
	if len(out.Vpcs) == 0 {
		return outcome{detail: "none", found: true}, nil
	}
	var ids []string
	for _, v := range out.Vpcs {
		id := aws.ToString(v.VpcId)
		if err := r.deleteVPC(ctx, ec, key, id); err != nil {
			return outcome{id: id}, fmt.Errorf("deleting the default VPC %s in %s: %w", id, region, err)
		}
		ids = append(ids, id)
	}
	return outcome{id: ids[0], detail: "deleted"}, nil
}

func (r *run) deleteVPC(ctx context.Context, ec *ec2.Client, key, id string) error {
	byVPC := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{id}}}
	subs, err := ec.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: byVPC})
	if err != nil {
		return fmt.Errorf("DescribeSubnets: %w", err)
	}
	for _, s := range subs.Subnets {
		if _, err := ec.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: s.SubnetId}); err != nil && errorCode(err) != "InvalidSubnetID.NotFound" {
			return fmt.Errorf("DeleteSubnet %s: %w", aws.ToString(s.SubnetId), err)
		}
	}
	igws, err := ec.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{id}}}})
	if err != nil {
		return fmt.Errorf("DescribeInternetGateways: %w", err)
	}
	for _, g := range igws.InternetGateways {
		if err := r.j.set(ctx, key, entry{status: stepStarted, objectID: aws.ToString(g.InternetGatewayId)}); err != nil {
			return err
		}
		if _, err := ec.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: g.InternetGatewayId, VpcId: aws.String(id)}); err != nil && errorCode(err) != "Gateway.NotAttached" {
			return fmt.Errorf("DetachInternetGateway %s: %w", aws.ToString(g.InternetGatewayId), err)
		}
		if _, err := ec.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: g.InternetGatewayId}); err != nil && errorCode(err) != "InvalidInternetGatewayID.NotFound" {
			return fmt.Errorf("DeleteInternetGateway %s: %w", aws.ToString(g.InternetGatewayId), err)
		}
	}
	// EC2 may still see a dependency it has just removed: retried.
	return r.retry(ctx, func() error {
		_, err := ec.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)})
		if errorCode(err) == "InvalidVpcID.NotFound" {
			return nil
		}
		return err
	})
}
