package awstest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// registerVPCReads serves the VPC reads that are not part of a snapshot
// (subnets, internet gateways, route tables, NAT gateways, Elastic IPs)
// from what the writes stored, with EC2's id lists and filters, and the
// Availability Zones of a Region.
func (s *Server) registerVPCReads() {
	for _, op := range []string{"DescribeSubnets", "DescribeInternetGateways", "DescribeRouteTables", "DescribeNatGateways", "DescribeAddresses"} {
		s.Register("ec2", op, HandlerFunc(s.storedNetRead))
	}
	s.Register("ec2", "DescribeAvailabilityZones", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		out := &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: []ec2types.AvailabilityZone{}}
		for _, z := range zones(req.Region) {
			out.AvailabilityZones = append(out.AvailabilityZones, ec2types.AvailabilityZone{ZoneName: aws.String(z), ZoneId: aws.String(zoneID(req.Region, z)),
				RegionName: aws.String(req.Region), State: ec2types.AvailabilityZoneStateAvailable, ZoneType: aws.String("availability-zone"),
				OptInStatus: ec2types.AvailabilityZoneOptInStatusOptInNotRequired, GroupName: aws.String(req.Region)})
		}
		var err *APIError
		out.AvailabilityZones, err = keep(out.AvailabilityZones, ec2Filters(req), azFields, func(ec2types.AvailabilityZone) []ec2types.Tag { return nil })
		return out, nilIfNone(err)
	}))
}

func (s *Server) storedNetRead(_ context.Context, req *Request) (any, error) {
	raw, _, _, err := s.lookup(req.Account(), req.Region, "ec2", req.Operation, "")
	if err != nil {
		return nil, err
	}
	sp := s.spec(req.Service, req.Operation)
	if sp == nil {
		return nil, fmt.Errorf("no spec for ec2 %s", req.Operation)
	}
	v := sp.New()
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, fmt.Errorf("stored ec2 %s: %w", req.Operation, err)
		}
	}
	out, err := filterNet(req, v)
	if err != nil {
		return nil, err
	}
	return s.paginate(req, out)
}

// filterNet applies id lists and filters to the stored VPC reads; the
// values are freshly decoded, so they are changed in place.
func filterNet(req *Request, out any) (any, error) {
	f := ec2Filters(req)
	var err *APIError
	switch o := out.(type) {
	case *ec2.DescribeSubnetsOutput:
		if o.Subnets, err = byID(o.Subnets, formList(req, "SubnetId"), func(x ec2types.Subnet) string { return aws.ToString(x.SubnetId) }, "InvalidSubnetID.NotFound", "subnet ID"); err == nil {
			o.Subnets, err = keep(o.Subnets, f, subnetFields, func(x ec2types.Subnet) []ec2types.Tag { return x.Tags })
		}
	case *ec2.DescribeInternetGatewaysOutput:
		if o.InternetGateways, err = byID(o.InternetGateways, formList(req, "InternetGatewayId"), func(x ec2types.InternetGateway) string { return aws.ToString(x.InternetGatewayId) }, "InvalidInternetGatewayID.NotFound", "internetGateway ID"); err == nil {
			o.InternetGateways, err = keep(o.InternetGateways, f, igwFields, func(x ec2types.InternetGateway) []ec2types.Tag { return x.Tags })
		}
	case *ec2.DescribeRouteTablesOutput:
		if o.RouteTables, err = byID(o.RouteTables, formList(req, "RouteTableId"), func(x ec2types.RouteTable) string { return aws.ToString(x.RouteTableId) }, "InvalidRouteTableID.NotFound", "routeTable ID"); err == nil {
			o.RouteTables, err = keep(o.RouteTables, f, routeTableFields, func(x ec2types.RouteTable) []ec2types.Tag { return x.Tags })
		}
	case *ec2.DescribeNatGatewaysOutput:
		if o.NatGateways, err = byID(o.NatGateways, formList(req, "NatGatewayId"), func(x ec2types.NatGateway) string { return aws.ToString(x.NatGatewayId) }, "NatGatewayNotFound", "NAT gateway"); err == nil {
			o.NatGateways, err = keep(o.NatGateways, f, natFields, func(x ec2types.NatGateway) []ec2types.Tag { return x.Tags })
		}
		for i := range o.NatGateways {
			o.NatGateways[i].Tags = withoutLocalTags(o.NatGateways[i].Tags)
		}
	case *ec2.DescribeAddressesOutput:
		if o.Addresses, err = byID(o.Addresses, formList(req, "AllocationId"), func(x ec2types.Address) string { return aws.ToString(x.AllocationId) }, "InvalidAllocationID.NotFound", "allocation ID"); err == nil {
			o.Addresses, err = keep(o.Addresses, f, addressFields, func(x ec2types.Address) []ec2types.Tag { return x.Tags })
		}
	}
	return out, nilIfNone(err)
}

var subnetFields = fields[ec2types.Subnet]{
	"subnet-id":         func(x ec2types.Subnet) []string { return str(x.SubnetId) },
	"vpc-id":            func(x ec2types.Subnet) []string { return str(x.VpcId) },
	"cidr-block":        func(x ec2types.Subnet) []string { return str(x.CidrBlock) },
	"availability-zone": func(x ec2types.Subnet) []string { return str(x.AvailabilityZone) },
	"default-for-az":    func(x ec2types.Subnet) []string { return boolStr(x.DefaultForAz) },
	"state":             func(x ec2types.Subnet) []string { return []string{string(x.State)} },
	"owner-id":          func(x ec2types.Subnet) []string { return str(x.OwnerId) },
}

var igwFields = fields[ec2types.InternetGateway]{
	"internet-gateway-id": func(x ec2types.InternetGateway) []string { return str(x.InternetGatewayId) },
	"owner-id":            func(x ec2types.InternetGateway) []string { return str(x.OwnerId) },
	"attachment.vpc-id": func(x ec2types.InternetGateway) []string {
		var out []string
		for _, a := range x.Attachments {
			out = append(out, aws.ToString(a.VpcId))
		}
		return out
	},
	"attachment.state": func(x ec2types.InternetGateway) []string {
		var out []string
		for _, a := range x.Attachments {
			out = append(out, string(a.State))
		}
		return out
	},
}

var routeTableFields = fields[ec2types.RouteTable]{
	"route-table-id": func(x ec2types.RouteTable) []string { return str(x.RouteTableId) },
	"vpc-id":         func(x ec2types.RouteTable) []string { return str(x.VpcId) },
	"owner-id":       func(x ec2types.RouteTable) []string { return str(x.OwnerId) },
	"association.main": func(x ec2types.RouteTable) []string {
		return []string{fmt.Sprint(isMain(x))}
	},
	"association.subnet-id": func(x ec2types.RouteTable) []string {
		var out []string
		for _, a := range x.Associations {
			out = append(out, str(a.SubnetId)...)
		}
		return out
	},
	"association.route-table-association-id": func(x ec2types.RouteTable) []string {
		var out []string
		for _, a := range x.Associations {
			out = append(out, str(a.RouteTableAssociationId)...)
		}
		return out
	},
}

var natFields = fields[ec2types.NatGateway]{
	"nat-gateway-id": func(x ec2types.NatGateway) []string { return str(x.NatGatewayId) },
	"vpc-id":         func(x ec2types.NatGateway) []string { return str(x.VpcId) },
	"subnet-id":      func(x ec2types.NatGateway) []string { return str(x.SubnetId) },
	"state":          func(x ec2types.NatGateway) []string { return []string{string(x.State)} },
}

var addressFields = fields[ec2types.Address]{
	"allocation-id":  func(x ec2types.Address) []string { return str(x.AllocationId) },
	"public-ip":      func(x ec2types.Address) []string { return str(x.PublicIp) },
	"domain":         func(x ec2types.Address) []string { return []string{string(x.Domain)} },
	"association-id": func(x ec2types.Address) []string { return str(x.AssociationId) },
}

var azFields = fields[ec2types.AvailabilityZone]{
	"zone-name":   func(x ec2types.AvailabilityZone) []string { return str(x.ZoneName) },
	"zone-id":     func(x ec2types.AvailabilityZone) []string { return str(x.ZoneId) },
	"region-name": func(x ec2types.AvailabilityZone) []string { return str(x.RegionName) },
	"state":       func(x ec2types.AvailabilityZone) []string { return []string{string(x.State)} },
}
