package awstest

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// createNat makes a NAT gateway in a subnet. A public NAT gateway needs
// an Elastic IP allocation not used elsewhere. A ClientToken seen before
// answers the gateway it made.
func (s *Server) createNat(n *netState, req *Request) (any, error) {
	token := req.Param("ClientToken")
	for i := range n.nats.NatGateways {
		if g := n.nats.NatGateways[i]; token != "" && tagValue(g.Tags, clientTokenTag) == token {
			g.Tags = withoutLocalTags(g.Tags)
			return &ec2.CreateNatGatewayOutput{NatGateway: &g, ClientToken: aws.String(token)}, nil
		}
	}
	sub := n.subnet(req.Param("SubnetId"))
	if sub == nil {
		return nil, Errorf("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", req.Param("SubnetId"))
	}
	conn := ec2types.ConnectivityType(req.Param("ConnectivityType"))
	if conn == "" {
		conn = ec2types.ConnectivityTypePublic
	}
	g := ec2types.NatGateway{NatGatewayId: aws.String(s.newID("nat")), SubnetId: sub.SubnetId, VpcId: sub.VpcId,
		State: ec2types.NatGatewayStateAvailable, ConnectivityType: conn, CreateTime: aws.Time(time.Now().UTC()),
		Tags: tagSpecs(req, "natgateway")}
	if conn == ec2types.ConnectivityTypePublic {
		alloc := req.Param("AllocationId")
		if alloc == "" {
			return nil, Errorf("MissingParameter", "The request must contain the parameter AllocationId")
		}
		a := n.address(alloc)
		if a == nil {
			return nil, Errorf("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", alloc)
		}
		if a.AssociationId != nil {
			return nil, Errorf("Resource.AlreadyAssociated", "Elastic IP address [%s] is already associated", alloc)
		}
		a.AssociationId = aws.String(s.newID("eipassoc"))
		g.NatGatewayAddresses = []ec2types.NatGatewayAddress{{AllocationId: a.AllocationId, PublicIp: a.PublicIp, IsPrimary: aws.Bool(true)}}
	}
	stored := g
	if token != "" {
		stored.Tags = append(append([]ec2types.Tag{}, g.Tags...), ec2types.Tag{Key: aws.String(clientTokenTag), Value: aws.String(token)})
	}
	n.nats.NatGateways = append(n.nats.NatGateways, stored)
	g.State = ec2types.NatGatewayStatePending
	return &ec2.CreateNatGatewayOutput{NatGateway: &g, ClientToken: aws.String(token)}, nil
}

// clientTokenTag keeps a request's ClientToken with what it made (the
// local AWS's bookkeeping; reads leave it out).
const clientTokenTag = "awstest:client-token"

// withoutLocalTags drops the local AWS's bookkeeping tags.
func withoutLocalTags(tags []ec2types.Tag) []ec2types.Tag {
	out := make([]ec2types.Tag, 0, len(tags))
	for _, t := range tags {
		if aws.ToString(t.Key) != clientTokenTag {
			out = append(out, t)
		}
	}
	return out
}

func tagValue(tags []ec2types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func createRoute(n *netState, req *Request) (any, error) {
	rt := n.routeTable(req.Param("RouteTableId"))
	if rt == nil {
		return nil, Errorf("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist", req.Param("RouteTableId"))
	}
	dst := req.Param("DestinationCidrBlock")
	if _, ok := parseCIDR(dst); !ok {
		return nil, Errorf("InvalidParameterValue", "Value (%s) for parameter destinationCidrBlock is invalid.", dst)
	}
	r := ec2types.Route{DestinationCidrBlock: aws.String(dst), Origin: ec2types.RouteOriginCreateRoute, State: ec2types.RouteStateActive}
	switch gw, nat := req.Param("GatewayId"), req.Param("NatGatewayId"); {
	case gw != "":
		g := n.igw(gw)
		if g == nil {
			return nil, Errorf("InvalidGatewayID.NotFound", "The gateway ID '%s' does not exist", gw)
		}
		if len(g.Attachments) == 0 || aws.ToString(g.Attachments[0].VpcId) != aws.ToString(rt.VpcId) {
			return nil, Errorf("InvalidParameterValue", "route table %s and network gateway %s belong to different networks", aws.ToString(rt.RouteTableId), gw)
		}
		r.GatewayId = aws.String(gw)
	case nat != "":
		if n.nat(nat) == nil {
			return nil, Errorf("InvalidNatGatewayID.NotFound", "The natGateway ID '%s' does not exist", nat)
		}
		r.NatGatewayId = aws.String(nat)
	default:
		return nil, Errorf("MissingParameter", "The request must contain exactly one of gatewayId, natGatewayId, ...")
	}
	for _, o := range rt.Routes {
		if aws.ToString(o.DestinationCidrBlock) == dst {
			return nil, Errorf("RouteAlreadyExists", "The route identified by %s already exists.", dst)
		}
	}
	rt.Routes = append(rt.Routes, r)
	return &ec2.CreateRouteOutput{Return: aws.Bool(true)}, nil
}

// associateRouteTable associates a subnet with a route table of its
// VPC. A subnet has at most one explicit association.
func (s *Server) associateRouteTable(n *netState, req *Request) (any, error) {
	rt := n.routeTable(req.Param("RouteTableId"))
	if rt == nil {
		return nil, Errorf("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist", req.Param("RouteTableId"))
	}
	sub := n.subnet(req.Param("SubnetId"))
	if sub == nil {
		return nil, Errorf("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", req.Param("SubnetId"))
	}
	if aws.ToString(sub.VpcId) != aws.ToString(rt.VpcId) {
		return nil, Errorf("InvalidParameterValue", "Route table %s and subnet %s belong to different networks", aws.ToString(rt.RouteTableId), aws.ToString(sub.SubnetId))
	}
	for _, o := range n.rts.RouteTables {
		for _, a := range o.Associations {
			if aws.ToString(a.SubnetId) == aws.ToString(sub.SubnetId) {
				return nil, Errorf("Resource.AlreadyAssociated", "the specified association for route table %s conflicts with an existing association", aws.ToString(rt.RouteTableId))
			}
		}
	}
	id := s.newID("rtbassoc")
	st := &ec2types.RouteTableAssociationState{State: ec2types.RouteTableAssociationStateCodeAssociated}
	rt.Associations = append(rt.Associations, ec2types.RouteTableAssociation{Main: aws.Bool(false), RouteTableAssociationId: aws.String(id),
		RouteTableId: rt.RouteTableId, SubnetId: sub.SubnetId, AssociationState: st})
	return &ec2.AssociateRouteTableOutput{AssociationId: aws.String(id), AssociationState: st}, nil
}

// createFlowLogs turns on flow logs for VPCs, subnets or interfaces. A
// resource that already has a flow log to the same destination with the
// same traffic type is reported Unsuccessful (FlowLogAlreadyExists).
func (s *Server) createFlowLogs(n *netState, req *Request) (any, error) {
	ids := formList(req, "ResourceId")
	if len(ids) == 0 {
		return nil, Errorf("MissingParameter", "The request must contain the parameter ResourceId")
	}
	traffic := ec2types.TrafficType(req.Param("TrafficType"))
	if traffic == "" && req.Param("LogFormat") == "" {
		traffic = ec2types.TrafficTypeAll
	}
	dtype := ec2types.LogDestinationType(req.Param("LogDestinationType"))
	if dtype == "" {
		dtype = ec2types.LogDestinationTypeCloudWatchLogs
	}
	dest := req.Param("LogDestination")
	if dtype == ec2types.LogDestinationTypeS3 && (len(dest) < 13 || dest[:13] != "arn:aws:s3:::") {
		return nil, Errorf("InvalidParameter", "LogDestination %q is not an S3 bucket ARN", dest)
	}
	out := &ec2.CreateFlowLogsOutput{ClientToken: aws.String(req.Param("ClientToken")), FlowLogIds: []string{}}
	for _, id := range ids {
		if n.vpc(id) == nil && n.subnet(id) == nil {
			out.Unsuccessful = append(out.Unsuccessful, unsuccessful(id, "InvalidVpcID.NotFound", "The vpc ID '"+id+"' does not exist"))
			continue
		}
		if dup := n.flowLogFor(id, dest, traffic); dup != "" {
			out.Unsuccessful = append(out.Unsuccessful, unsuccessful(id, "FlowLogAlreadyExists", "This flow log already exists: "+dup))
			continue
		}
		fl := ec2types.FlowLog{FlowLogId: aws.String(s.newID("fl")), ResourceId: aws.String(id), TrafficType: traffic,
			LogDestinationType: dtype, LogDestination: aws.String(dest), LogGroupName: nilIfEmpty(req.Param("LogGroupName")),
			DeliverLogsStatus: aws.String("SUCCESS"), FlowLogStatus: aws.String("ACTIVE"), CreationTime: aws.Time(time.Now().UTC()),
			MaxAggregationInterval: aws.Int32(int32(req.IntParam("MaxAggregationInterval", 600))), Tags: tagSpecs(req, "vpc-flow-log")}
		if f := req.Param("LogFormat"); f != "" {
			fl.LogFormat = aws.String(f)
		}
		n.flows.FlowLogs = append(n.flows.FlowLogs, fl)
		out.FlowLogIds = append(out.FlowLogIds, aws.ToString(fl.FlowLogId))
	}
	return out, nil
}

func (n *netState) flowLogFor(resource, dest string, traffic ec2types.TrafficType) string {
	for _, f := range n.flows.FlowLogs {
		if aws.ToString(f.ResourceId) == resource && aws.ToString(f.LogDestination) == dest && f.TrafficType == traffic {
			return aws.ToString(f.FlowLogId)
		}
	}
	return ""
}

func unsuccessful(id, code, msg string) ec2types.UnsuccessfulItem {
	return ec2types.UnsuccessfulItem{ResourceId: aws.String(id), Error: &ec2types.UnsuccessfulItemError{Code: aws.String(code), Message: aws.String(msg)}}
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// seedDefaultVPC gives an account the default VPC AWS makes in every
// Region it enables: 172.31.0.0/16, one /20 default subnet per
// Availability Zone, an attached internet gateway and a main route
// table with the route to it.
func (s *Server) seedDefaultVPC(account, region string) error {
	return s.ec2Tx(account, region, func(n *netState) error {
		for _, v := range n.vpcs.Vpcs {
			if aws.ToBool(v.IsDefault) {
				return nil
			}
		}
		cidr, _ := parseCIDR("172.31.0.0/16")
		v := s.newVpc(n, cidr, true)
		n.vpcs.Vpcs = append(n.vpcs.Vpcs, v)
		rt := s.newRouteTable(n, &v, true)
		igw := ec2types.InternetGateway{InternetGatewayId: aws.String(s.newID("igw")), OwnerId: aws.String(account),
			Attachments: []ec2types.InternetGatewayAttachment{{VpcId: v.VpcId, State: ec2types.AttachmentStatusAttached}}}
		n.igws.InternetGateways = append(n.igws.InternetGateways, igw)
		rt.Routes = append(rt.Routes, ec2types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGatewayId,
			Origin: ec2types.RouteOriginCreateRoute, State: ec2types.RouteStateActive})
		n.rts.RouteTables = append(n.rts.RouteTables, rt)
		for i, az := range zones(region) {
			sub, _ := parseCIDR("172.31." + strconv.Itoa(16*i) + ".0/20")
			n.subnets.Subnets = append(n.subnets.Subnets, s.newSubnet(n, &v, sub, az, true))
		}
		return nil
	})
}
