package vending

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/config"
)

// route is the default route of a route table: through an internet
// gateway or a NAT gateway (or none).
type route struct{ igw, nat string }

// routeTable makes (or finds) the route table of part, gives it its
// default route and associates the subnets with it, all in one step.
func (n *net) routeTable(ctx context.Context, part, name string, rt route, subnets []string) error {
	_, err := n.r.do(ctx, part, func(ctx context.Context) (outcome, error) {
		out, err := n.ec.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: n.partFilters(part)})
		if err != nil {
			return outcome{}, fmt.Errorf("DescribeRouteTables: %w", err)
		}
		found := len(out.RouteTables) > 0
		var t ec2types.RouteTable
		if found {
			t = out.RouteTables[0]
		} else {
			err = n.r.retry(ctx, func() error {
				made, err := n.ec.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: n.vpc.VpcId, TagSpecifications: n.tagSpec(ec2types.ResourceTypeRouteTable, part, name)})
				if err == nil {
					t = *made.RouteTable
				}
				return err
			})
			if err != nil {
				return outcome{}, fmt.Errorf("CreateRouteTable: %w", err)
			}
		}
		id := aws.ToString(t.RouteTableId)
		if err := n.defaultRoute(ctx, t, rt); err != nil {
			return outcome{id: id}, err
		}
		if err := n.associate(ctx, t, subnets); err != nil {
			return outcome{id: id}, err
		}
		return outcome{id: id, detail: strings.Join(subnets, ","), found: found}, nil
	})
	return err
}

func (n *net) defaultRoute(ctx context.Context, t ec2types.RouteTable, rt route) error {
	if rt.igw == "" && rt.nat == "" {
		return nil
	}
	for _, r := range t.Routes {
		if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" {
			return nil
		}
	}
	in := &ec2.CreateRouteInput{RouteTableId: t.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0")}
	if rt.igw != "" {
		in.GatewayId = aws.String(rt.igw)
	} else {
		in.NatGatewayId = aws.String(rt.nat)
	}
	err := n.r.retry(ctx, func() error {
		_, err := n.ec.CreateRoute(ctx, in)
		if errorCode(err) == "RouteAlreadyExists" {
			return nil // made by a run that stopped before recording it
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("CreateRoute 0.0.0.0/0 in %s: %w", aws.ToString(t.RouteTableId), err)
	}
	return nil
}

func (n *net) associate(ctx context.Context, t ec2types.RouteTable, subnets []string) error {
	have := map[string]bool{}
	for _, a := range t.Associations {
		have[aws.ToString(a.SubnetId)] = true
	}
	for _, s := range subnets {
		if have[s] {
			continue
		}
		err := n.r.retry(ctx, func() error {
			_, err := n.ec.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: t.RouteTableId, SubnetId: aws.String(s)})
			if errorCode(err) == "Resource.AlreadyAssociated" && n.associatedWith(ctx, s) == aws.ToString(t.RouteTableId) {
				return nil
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("AssociateRouteTable %s with %s: %w", s, aws.ToString(t.RouteTableId), err)
		}
	}
	return nil
}

// associatedWith returns the route table a subnet is explicitly
// associated with, or "".
func (n *net) associatedWith(ctx context.Context, subnet string) string {
	out, err := n.ec.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{subnet}}}})
	if err != nil || len(out.RouteTables) == 0 {
		return ""
	}
	return aws.ToString(out.RouteTables[0].RouteTableId)
}

func (n *net) tierSubnets(tier string, azs ...string) []string {
	var out []string
	for _, az := range azs {
		if id := n.subnet[tier+"/"+az]; id != "" {
			out = append(out, id)
		}
	}
	return out
}

func (n *net) publicRoutes(ctx context.Context) error {
	if !n.hasTier(config.TierPublic) {
		return nil
	}
	return n.routeTable(ctx, "rt/public", "public", route{igw: n.igw}, n.tierSubnets(config.TierPublic, n.azs...))
}

// natZones are the zones that get a NAT gateway.
func (n *net) natZones() []string {
	switch n.std.NATMode() {
	case config.NATSingle:
		return n.azs[:1]
	case config.NATPerAZ:
		return n.azs
	}
	return nil
}

// makeNATs makes a public NAT gateway with its Elastic IP in the public
// subnet of each NAT zone and waits until it is available.
func (n *net) makeNATs(ctx context.Context) error {
	for _, az := range n.natZones() {
		part := "nat/" + az
		id, err := n.r.do(ctx, part, func(ctx context.Context) (outcome, error) { return n.makeNAT(ctx, part, az) })
		if err != nil {
			return err
		}
		n.nats[az] = id
	}
	return nil
}

func (n *net) makeNAT(ctx context.Context, part, az string) (outcome, error) {
	out, err := n.ec.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: append(n.partFilters(part),
		ec2types.Filter{Name: aws.String("state"), Values: []string{"pending", "available"}})})
	if err != nil {
		return outcome{}, fmt.Errorf("DescribeNatGateways: %w", err)
	}
	if len(out.NatGateways) > 0 {
		id := aws.ToString(out.NatGateways[0].NatGatewayId)
		return outcome{id: id, found: true}, n.waitNAT(ctx, id)
	}
	alloc, err := n.elasticIP(ctx, "eip/"+az, "nat-"+az)
	if err != nil {
		return outcome{}, err
	}
	var id string
	err = n.r.retry(ctx, func() error {
		made, err := n.ec.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(n.subnet[config.TierPublic+"/"+az]),
			AllocationId: aws.String(alloc), ClientToken: aws.String(n.token(part)), ConnectivityType: ec2types.ConnectivityTypePublic,
			TagSpecifications: n.tagSpec(ec2types.ResourceTypeNatgateway, part, "nat-"+az)})
		if err == nil {
			id = aws.ToString(made.NatGateway.NatGatewayId)
		}
		return err
	})
	if err != nil {
		return outcome{}, fmt.Errorf("CreateNatGateway in %s: %w", az, err)
	}
	return outcome{id: id, detail: alloc}, n.waitNAT(ctx, id)
}

// elasticIP finds or allocates the tagged Elastic IP of part.
func (n *net) elasticIP(ctx context.Context, part, name string) (string, error) {
	out, err := n.ec.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: n.partFilters(part)})
	if err != nil {
		return "", fmt.Errorf("DescribeAddresses: %w", err)
	}
	if len(out.Addresses) > 0 {
		return aws.ToString(out.Addresses[0].AllocationId), nil
	}
	made, err := n.ec.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc,
		TagSpecifications: n.tagSpec(ec2types.ResourceTypeElasticIp, part, name)})
	if err != nil {
		return "", fmt.Errorf("AllocateAddress: %w", err)
	}
	return aws.ToString(made.AllocationId), nil
}

// waitNAT polls a NAT gateway until it is available.
func (n *net) waitNAT(ctx context.Context, id string) error {
	wait := n.r.opts.PollEvery
	for {
		var out *ec2.DescribeNatGatewaysOutput
		err := n.r.retry(ctx, func() error {
			var err error
			out, err = n.ec.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
			return err
		})
		if err != nil {
			return fmt.Errorf("DescribeNatGateways %s: %w", id, err)
		}
		if len(out.NatGateways) == 1 {
			switch g := out.NatGateways[0]; g.State {
			case ec2types.NatGatewayStateAvailable:
				return nil
			case ec2types.NatGatewayStateFailed, ec2types.NatGatewayStateDeleted, ec2types.NatGatewayStateDeleting:
				return fmt.Errorf("NAT gateway %s is %s: %s", id, g.State, aws.ToString(g.FailureMessage))
			}
		}
		if err := n.r.opts.Sleep(ctx, wait); err != nil {
			return err
		}
		n.r.rep.Waits++
		wait = min(wait*2, n.r.opts.PollMax)
	}
}

// privateRoutes gives the private subnets a route table: one per zone
// with per-az NAT, else one for all, with the default route through the
// zone's (or the single) NAT gateway when there is one.
func (n *net) privateRoutes(ctx context.Context) error {
	if !n.hasTier(config.TierPrivate) {
		return nil
	}
	if n.std.NATMode() == config.NATPerAZ {
		for _, az := range n.azs {
			if err := n.routeTable(ctx, "rt/private/"+az, "private-"+az, route{nat: n.nats[az]}, n.tierSubnets(config.TierPrivate, az)); err != nil {
				return err
			}
		}
		return nil
	}
	var rt route
	if z := n.natZones(); len(z) > 0 {
		rt.nat = n.nats[z[0]]
	}
	return n.routeTable(ctx, "rt/private", "private", rt, n.tierSubnets(config.TierPrivate, n.azs...))
}

// flowLogs sends the VPC's flow logs to the Log Archive bucket.
func (n *net) flowLogs(ctx context.Context) error {
	dest := n.std.FlowLogs.BucketARN()
	_, err := n.r.do(ctx, "flow-logs", func(ctx context.Context) (outcome, error) {
		vpcID := aws.ToString(n.vpc.VpcId)
		out, err := n.ec.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{vpcID}}}})
		if err != nil {
			return outcome{}, fmt.Errorf("DescribeFlowLogs: %w", err)
		}
		for _, f := range out.FlowLogs {
			if aws.ToString(f.LogDestination) == dest {
				return outcome{id: aws.ToString(f.FlowLogId), detail: dest, found: true}, nil
			}
		}
		made, err := n.ec.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{vpcID}, ResourceType: ec2types.FlowLogsResourceTypeVpc,
			TrafficType: ec2types.TrafficType(n.std.FlowLogs.Traffic()), LogDestinationType: ec2types.LogDestinationTypeS3,
			LogDestination: aws.String(dest), ClientToken: aws.String(n.token("flow-logs")),
			TagSpecifications: n.tagSpec(ec2types.ResourceTypeVpcFlowLog, "flow-logs", "flow-logs")})
		if err != nil {
			return outcome{}, fmt.Errorf("CreateFlowLogs to %s: %w", dest, err)
		}
		for _, u := range made.Unsuccessful {
			if u.Error != nil && aws.ToString(u.Error.Code) != "FlowLogAlreadyExists" {
				return outcome{}, fmt.Errorf("CreateFlowLogs to %s: %s: %s", dest, aws.ToString(u.Error.Code), aws.ToString(u.Error.Message))
			}
		}
		id := ""
		if len(made.FlowLogIds) > 0 {
			id = made.FlowLogIds[0]
		}
		return outcome{id: id, detail: dest}, nil
	})
	return err
}

// report fills the VPC part of the report.
func (n *net) report() {
	v := &VPCReport{ID: aws.ToString(n.vpc.VpcId), Region: n.region, CIDR: aws.ToString(n.vpc.CidrBlock), AZs: n.azs,
		InternetGateway: n.igw, NAT: n.std.NATMode(), FlowLogs: n.std.FlowLogs.BucketARN()}
	for ti, tier := range n.std.TierList() {
		for ai, az := range n.azs {
			cidr, _ := n.subnetCIDR(ti*len(n.azs) + ai)
			v.Subnets = append(v.Subnets, SubnetReport{Tier: tier, AZ: az, ID: n.subnet[tier+"/"+az], CIDR: cidr})
		}
	}
	for _, az := range n.natZones() {
		v.NATGateways = append(v.NATGateways, n.nats[az])
	}
	n.r.rep.VPC = v
}
