package awstest

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// MaxVPCsPerRegion is the default quota of VPCs per Region ("Amazon VPC
// quotas", Amazon VPC User Guide).
const MaxVPCsPerRegion = 5

// ec2Write registers an EC2 write that runs inside ec2Tx for the
// caller's account and the request's region.
func (s *Server) ec2Write(op string, fn func(n *netState, req *Request) (any, error)) {
	s.Register("ec2", op, HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		var out any
		err := s.ec2Tx(req.Account(), req.Region, func(n *netState) error {
			var err error
			out, err = fn(n, req)
			return err
		})
		return out, err
	}))
}

// registerVPCWrites serves the VPC writes an account factory needs, with
// the checks EC2 makes: CIDR ranges inside the VPC and without overlap,
// DependencyViolation while a VPC still has subnets or an attached
// gateway, one internet gateway per VPC, RouteAlreadyExists, idempotent
// ClientTokens.
func (s *Server) registerVPCWrites() {
	s.ec2Write("CreateVpc", s.createVpc)
	s.ec2Write("CreateSubnet", s.createSubnet)
	s.ec2Write("CreateInternetGateway", func(n *netState, req *Request) (any, error) {
		g := ec2types.InternetGateway{InternetGatewayId: aws.String(s.newID("igw")), OwnerId: aws.String(n.account),
			Attachments: []ec2types.InternetGatewayAttachment{}, Tags: tagSpecs(req, "internet-gateway")}
		n.igws.InternetGateways = append(n.igws.InternetGateways, g)
		return &ec2.CreateInternetGatewayOutput{InternetGateway: &g}, nil
	})
	s.ec2Write("AttachInternetGateway", attachIGW)
	s.ec2Write("DetachInternetGateway", detachIGW)
	s.ec2Write("DeleteInternetGateway", deleteIGW)
	s.ec2Write("AllocateAddress", func(n *netState, req *Request) (any, error) {
		k := len(n.addrs.Addresses) + 1
		a := ec2types.Address{AllocationId: aws.String(s.newID("eipalloc")), Domain: ec2types.DomainTypeVpc,
			PublicIp: aws.String(fmt.Sprintf("198.51.100.%d", k%250+1)), NetworkBorderGroup: aws.String(n.region), Tags: tagSpecs(req, "elastic-ip")}
		n.addrs.Addresses = append(n.addrs.Addresses, a)
		return &ec2.AllocateAddressOutput{AllocationId: a.AllocationId, PublicIp: a.PublicIp, Domain: a.Domain, NetworkBorderGroup: a.NetworkBorderGroup}, nil
	})
	s.ec2Write("CreateNatGateway", s.createNat)
	s.ec2Write("CreateRouteTable", func(n *netState, req *Request) (any, error) {
		vpc := n.vpc(req.Param("VpcId"))
		if vpc == nil {
			return nil, vpcNotFound(req.Param("VpcId"))
		}
		rt := s.newRouteTable(n, vpc, false)
		rt.Tags = tagSpecs(req, "route-table")
		n.rts.RouteTables = append(n.rts.RouteTables, rt)
		return &ec2.CreateRouteTableOutput{RouteTable: &rt}, nil
	})
	s.ec2Write("CreateRoute", createRoute)
	s.ec2Write("AssociateRouteTable", s.associateRouteTable)
	s.ec2Write("CreateFlowLogs", s.createFlowLogs)
	s.ec2Write("DeleteSubnet", deleteSubnet)
	s.ec2Write("DeleteVpc", deleteVpc)
	s.registerVPCReads()
	s.registerIPAM()
}

func vpcNotFound(id string) *APIError {
	return Errorf("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
}

func (s *Server) createVpc(n *netState, req *Request) (any, error) {
	if len(n.vpcs.Vpcs) >= MaxVPCsPerRegion {
		return nil, Errorf("VpcLimitExceeded", "The maximum number of VPCs has been reached.")
	}
	var v ec2types.Vpc
	if pool := req.Param("Ipv4IpamPoolId"); pool != "" {
		// The VPC's CIDR comes from the IPAM pool (ipam.go).
		bits, _ := intParam(req, "Ipv4NetmaskLength")
		id := s.newID("vpc")
		cidr, err := s.allocateFromIPAM(pool, int(bits), n.account, n.region, id)
		if err != nil {
			return nil, err
		}
		v = s.newVpc(n, cidr, false)
		v.VpcId = aws.String(id)
	} else {
		cidr, ok := parseCIDR(req.Param("CidrBlock"))
		if !ok || cidr.Bits() < 16 || cidr.Bits() > 28 {
			return nil, Errorf("InvalidVpc.Range", "The CIDR '%s' is invalid.", req.Param("CidrBlock"))
		}
		v = s.newVpc(n, cidr, false)
	}
	v.Tags = tagSpecs(req, "vpc")
	n.vpcs.Vpcs = append(n.vpcs.Vpcs, v)
	n.rts.RouteTables = append(n.rts.RouteTables, s.newRouteTable(n, &v, true))
	out := v
	out.State = ec2types.VpcStatePending
	return &ec2.CreateVpcOutput{Vpc: &out}, nil
}

func (s *Server) newVpc(n *netState, cidr netip.Prefix, isDefault bool) ec2types.Vpc {
	id := s.newID("vpc")
	return ec2types.Vpc{VpcId: aws.String(id), CidrBlock: aws.String(cidr.String()), State: ec2types.VpcStateAvailable,
		OwnerId: aws.String(n.account), IsDefault: aws.Bool(isDefault), InstanceTenancy: ec2types.TenancyDefault,
		DhcpOptionsId: aws.String("dopt-00000000000000001"),
		CidrBlockAssociationSet: []ec2types.VpcCidrBlockAssociation{{AssociationId: aws.String(s.newID("vpc-cidr-assoc")),
			CidrBlock: aws.String(cidr.String()), CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated}}}}
}

// newRouteTable returns a route table of the VPC with its local route;
// main marks the VPC's main route table.
func (s *Server) newRouteTable(n *netState, vpc *ec2types.Vpc, main bool) ec2types.RouteTable {
	id := s.newID("rtb")
	rt := ec2types.RouteTable{RouteTableId: aws.String(id), VpcId: vpc.VpcId, OwnerId: aws.String(n.account),
		Routes: []ec2types.Route{{DestinationCidrBlock: vpc.CidrBlock, GatewayId: aws.String("local"),
			Origin: ec2types.RouteOriginCreateRouteTable, State: ec2types.RouteStateActive}},
		Associations: []ec2types.RouteTableAssociation{}, PropagatingVgws: []ec2types.PropagatingVgw{}, Tags: []ec2types.Tag{}}
	if main {
		rt.Associations = append(rt.Associations, ec2types.RouteTableAssociation{Main: aws.Bool(true), RouteTableId: aws.String(id),
			RouteTableAssociationId: aws.String(s.newID("rtbassoc")), AssociationState: &ec2types.RouteTableAssociationState{State: ec2types.RouteTableAssociationStateCodeAssociated}})
	}
	return rt
}

func (s *Server) createSubnet(n *netState, req *Request) (any, error) {
	vpc := n.vpc(req.Param("VpcId"))
	if vpc == nil {
		return nil, vpcNotFound(req.Param("VpcId"))
	}
	cidr, ok := parseCIDR(req.Param("CidrBlock"))
	vpcCIDR, _ := parseCIDR(aws.ToString(vpc.CidrBlock))
	if !ok || cidr.Bits() > 28 || !cidrContains(vpcCIDR, cidr) {
		return nil, Errorf("InvalidSubnet.Range", "The CIDR '%s' is invalid.", req.Param("CidrBlock"))
	}
	for _, o := range n.subnets.Subnets {
		if aws.ToString(o.VpcId) != aws.ToString(vpc.VpcId) {
			continue
		}
		if oc, _ := parseCIDR(aws.ToString(o.CidrBlock)); oc.Overlaps(cidr) {
			return nil, Errorf("InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	az := req.Param("AvailabilityZone")
	if az == "" {
		az = zones(n.region)[len(n.subnets.Subnets)%len(zones(n.region))]
	}
	if !slices.Contains(zones(n.region), az) {
		return nil, Errorf("InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %v.", az, zones(n.region))
	}
	sub := s.newSubnet(n, vpc, cidr, az, false)
	sub.Tags = tagSpecs(req, "subnet")
	n.subnets.Subnets = append(n.subnets.Subnets, sub)
	return &ec2.CreateSubnetOutput{Subnet: &sub}, nil
}

func (s *Server) newSubnet(n *netState, vpc *ec2types.Vpc, cidr netip.Prefix, az string, isDefault bool) ec2types.Subnet {
	id := s.newID("subnet")
	return ec2types.Subnet{SubnetId: aws.String(id), VpcId: vpc.VpcId, CidrBlock: aws.String(cidr.String()),
		AvailabilityZone: aws.String(az), AvailabilityZoneId: aws.String(zoneID(n.region, az)), State: ec2types.SubnetStateAvailable,
		AvailableIpAddressCount: aws.Int32(int32(1)<<(32-cidr.Bits()) - 5), DefaultForAz: aws.Bool(isDefault),
		MapPublicIpOnLaunch: aws.Bool(isDefault), OwnerId: aws.String(n.account),
		SubnetArn: aws.String(fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", n.region, n.account, id))}
}

func attachIGW(n *netState, req *Request) (any, error) {
	g := n.igw(req.Param("InternetGatewayId"))
	if g == nil {
		return nil, Errorf("InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist", req.Param("InternetGatewayId"))
	}
	vpc := n.vpc(req.Param("VpcId"))
	if vpc == nil {
		return nil, vpcNotFound(req.Param("VpcId"))
	}
	if len(g.Attachments) > 0 {
		return nil, Errorf("Resource.AlreadyAssociated", "resource %s is already attached to network %s", aws.ToString(g.InternetGatewayId), aws.ToString(g.Attachments[0].VpcId))
	}
	if o := n.attachedIGW(aws.ToString(vpc.VpcId)); o != nil {
		return nil, Errorf("Resource.AlreadyAssociated", "network %s already has an internet gateway attached", aws.ToString(vpc.VpcId))
	}
	g.Attachments = []ec2types.InternetGatewayAttachment{{VpcId: vpc.VpcId, State: ec2types.AttachmentStatusAttached}}
	return &ec2.AttachInternetGatewayOutput{}, nil
}

func detachIGW(n *netState, req *Request) (any, error) {
	g := n.igw(req.Param("InternetGatewayId"))
	if g == nil {
		return nil, Errorf("InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist", req.Param("InternetGatewayId"))
	}
	if len(g.Attachments) == 0 || aws.ToString(g.Attachments[0].VpcId) != req.Param("VpcId") {
		return nil, Errorf("Gateway.NotAttached", "resource %s is not attached to network %s", aws.ToString(g.InternetGatewayId), req.Param("VpcId"))
	}
	g.Attachments = []ec2types.InternetGatewayAttachment{}
	return &ec2.DetachInternetGatewayOutput{}, nil
}

func deleteIGW(n *netState, req *Request) (any, error) {
	id := req.Param("InternetGatewayId")
	g := n.igw(id)
	if g == nil {
		return nil, Errorf("InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist", id)
	}
	if len(g.Attachments) > 0 {
		return nil, Errorf("DependencyViolation", "The internetGateway '%s' has dependencies and cannot be deleted.", id)
	}
	n.igws.InternetGateways = slices.DeleteFunc(n.igws.InternetGateways, func(x ec2types.InternetGateway) bool { return aws.ToString(x.InternetGatewayId) == id })
	return &ec2.DeleteInternetGatewayOutput{}, nil
}

func deleteSubnet(n *netState, req *Request) (any, error) {
	id := req.Param("SubnetId")
	if n.subnet(id) == nil {
		return nil, Errorf("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
	}
	for _, g := range n.nats.NatGateways {
		if aws.ToString(g.SubnetId) == id && g.State != ec2types.NatGatewayStateDeleted {
			return nil, Errorf("DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted.", id)
		}
	}
	n.subnets.Subnets = slices.DeleteFunc(n.subnets.Subnets, func(x ec2types.Subnet) bool { return aws.ToString(x.SubnetId) == id })
	for i := range n.rts.RouteTables {
		rt := &n.rts.RouteTables[i]
		rt.Associations = slices.DeleteFunc(rt.Associations, func(a ec2types.RouteTableAssociation) bool { return aws.ToString(a.SubnetId) == id })
	}
	return &ec2.DeleteSubnetOutput{}, nil
}

// deleteVpc removes a VPC that has no subnets, no attached internet
// gateway and no route table but its main one; the main route table and
// the VPC's flow logs go with it.
func deleteVpc(n *netState, req *Request) (any, error) {
	id := req.Param("VpcId")
	if n.vpc(id) == nil {
		return nil, vpcNotFound(id)
	}
	dep := func() error {
		return Errorf("DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", id)
	}
	for _, sn := range n.subnets.Subnets {
		if aws.ToString(sn.VpcId) == id {
			return nil, dep()
		}
	}
	if n.attachedIGW(id) != nil {
		return nil, dep()
	}
	for _, rt := range n.rts.RouteTables {
		if aws.ToString(rt.VpcId) == id && !isMain(rt) {
			return nil, dep()
		}
	}
	n.rts.RouteTables = slices.DeleteFunc(n.rts.RouteTables, func(x ec2types.RouteTable) bool { return aws.ToString(x.VpcId) == id })
	n.flows.FlowLogs = slices.DeleteFunc(n.flows.FlowLogs, func(x ec2types.FlowLog) bool { return aws.ToString(x.ResourceId) == id })
	n.vpcs.Vpcs = slices.DeleteFunc(n.vpcs.Vpcs, func(x ec2types.Vpc) bool { return aws.ToString(x.VpcId) == id })
	return &ec2.DeleteVpcOutput{}, nil
}

func isMain(rt ec2types.RouteTable) bool {
	for _, a := range rt.Associations {
		if aws.ToBool(a.Main) {
			return true
		}
	}
	return false
}
