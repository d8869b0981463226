package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2netBaseline gives the region compliant VPC networking: the VPC's
// one subnet (no public addresses on launch) under the VPC's NACL, a
// route table whose default route goes to the transit gateway, the web
// instance's network interface (security group sg-0app) holding an
// Elastic IP, an interface endpoint for the EC2 API, a transit gateway
// that does not accept shared attachments automatically and a VPN
// connection with both tunnels UP. The route table also sends one peer
// subnet (10.1.2.0/24) over the peering connection pcx-0001 to vpc-0peer
// (10.1.0.0/16 and 10.2.0.0/16).
func (f *fx) ec2netBaseline(a, r string) {
	vpc, subnet, eni, tgw := "vpc-0001", "subnet-0001", "eni-0001", "tgw-0001"
	f.set(a, r, "ec2", "DescribeSubnets", &ec2.DescribeSubnetsOutput{Subnets: []ec2types.Subnet{{SubnetId: awsv2.String(subnet), VpcId: awsv2.String(vpc),
		SubnetArn: awsv2.String("arn:aws:ec2:" + r + ":" + a + ":subnet/" + subnet), CidrBlock: awsv2.String("10.0.1.0/24"),
		MapPublicIpOnLaunch: awsv2.Bool(false), AssignIpv6AddressOnCreation: awsv2.Bool(false), OwnerId: awsv2.String(a)}}})
	acls := op[ec2.DescribeNetworkAclsOutput](f, a, r, "ec2", "DescribeNetworkAcls")
	acls.NetworkAcls[0].Associations = []ec2types.NetworkAclAssociation{{NetworkAclAssociationId: awsv2.String("aclassoc-0001"),
		NetworkAclId: acls.NetworkAcls[0].NetworkAclId, SubnetId: awsv2.String(subnet)}}
	f.set(a, r, "ec2", "DescribeRouteTables", &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{{RouteTableId: awsv2.String("rtb-0001"),
		VpcId: awsv2.String(vpc), OwnerId: awsv2.String(a),
		Associations: []ec2types.RouteTableAssociation{{Main: awsv2.Bool(true), RouteTableId: awsv2.String("rtb-0001")}},
		Routes: []ec2types.Route{{DestinationCidrBlock: awsv2.String("10.0.0.0/16"), GatewayId: awsv2.String("local"), State: ec2types.RouteStateActive},
			{DestinationCidrBlock: awsv2.String("0.0.0.0/0"), TransitGatewayId: awsv2.String(tgw), State: ec2types.RouteStateActive},
			{DestinationCidrBlock: awsv2.String("10.1.2.0/24"), VpcPeeringConnectionId: awsv2.String("pcx-0001"), State: ec2types.RouteStateActive}}}}})
	f.set(a, r, "ec2", "DescribeVpcPeeringConnections", &ec2.DescribeVpcPeeringConnectionsOutput{VpcPeeringConnections: []ec2types.VpcPeeringConnection{{
		VpcPeeringConnectionId: awsv2.String("pcx-0001"), Status: &ec2types.VpcPeeringConnectionStateReason{Code: ec2types.VpcPeeringConnectionStateReasonCodeActive},
		RequesterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: awsv2.String(vpc), OwnerId: awsv2.String(a), CidrBlock: awsv2.String("10.0.0.0/16"),
			CidrBlockSet: []ec2types.CidrBlock{{CidrBlock: awsv2.String("10.0.0.0/16")}}},
		AccepterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: awsv2.String("vpc-0peer"), OwnerId: awsv2.String(acctM), CidrBlock: awsv2.String("10.1.0.0/16"),
			CidrBlockSet: []ec2types.CidrBlock{{CidrBlock: awsv2.String("10.1.0.0/16")}, {CidrBlock: awsv2.String("10.2.0.0/16")}}}}}})
	f.set(a, r, "ec2", "DescribeNetworkInterfaces", &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: []ec2types.NetworkInterface{{
		NetworkInterfaceId: awsv2.String(eni), SubnetId: awsv2.String(subnet), VpcId: awsv2.String(vpc), OwnerId: awsv2.String(a),
		Status: ec2types.NetworkInterfaceStatusInUse, InterfaceType: ec2types.NetworkInterfaceTypeInterface,
		Attachment: &ec2types.NetworkInterfaceAttachment{InstanceId: awsv2.String("i-0001"), DeviceIndex: awsv2.Int32(0), Status: ec2types.AttachmentStatusAttached},
		Groups:     []ec2types.GroupIdentifier{{GroupId: awsv2.String("sg-0app"), GroupName: awsv2.String("web")}}}}})
	inst := &op[ec2.DescribeInstancesOutput](f, a, r, "ec2", "DescribeInstances").Reservations[0].Instances[0]
	inst.NetworkInterfaces = []ec2types.InstanceNetworkInterface{{NetworkInterfaceId: awsv2.String(eni), SubnetId: awsv2.String(subnet),
		Attachment: &ec2types.InstanceNetworkInterfaceAttachment{DeviceIndex: awsv2.Int32(0)}}}
	f.set(a, r, "ec2", "DescribeAddresses", &ec2.DescribeAddressesOutput{Addresses: []ec2types.Address{{AllocationId: awsv2.String("eipalloc-0001"),
		PublicIp: awsv2.String("198.51.100.7"), Domain: ec2types.DomainTypeVpc, AssociationId: awsv2.String("eipassoc-0001"),
		NetworkInterfaceId: awsv2.String(eni), InstanceId: awsv2.String("i-0001")}}})
	f.set(a, r, "ec2", "DescribeVpcEndpoints", &ec2.DescribeVpcEndpointsOutput{VpcEndpoints: []ec2types.VpcEndpoint{{VpcEndpointId: awsv2.String("vpce-0ec2"),
		VpcId: awsv2.String(vpc), ServiceName: awsv2.String("com.amazonaws." + r + ".ec2"), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		State: ec2types.StateAvailable}}})
	f.set(a, r, "ec2", "DescribeTransitGateways", &ec2.DescribeTransitGatewaysOutput{TransitGateways: []ec2types.TransitGateway{{
		TransitGatewayId: awsv2.String(tgw), TransitGatewayArn: awsv2.String("arn:aws:ec2:" + r + ":" + a + ":transit-gateway/" + tgw),
		OwnerId: awsv2.String(a), State: ec2types.TransitGatewayStateAvailable,
		Options: &ec2types.TransitGatewayOptions{AutoAcceptSharedAttachments: ec2types.AutoAcceptSharedAttachmentsValueDisable}}}})
	f.set(a, r, "ec2", "DescribeVpnConnections", &ec2.DescribeVpnConnectionsOutput{VpnConnections: []ec2types.VpnConnection{{
		VpnConnectionId: awsv2.String("vpn-0001"), State: ec2types.VpnStateAvailable, TransitGatewayId: awsv2.String(tgw),
		VgwTelemetry: []ec2types.VgwTelemetry{{OutsideIpAddress: awsv2.String("203.0.113.10"), Status: ec2types.TelemetryStatusUp},
			{OutsideIpAddress: awsv2.String("203.0.113.11"), Status: ec2types.TelemetryStatusUp}}}}})
}

// Accessors of the fixture's VPC networking, for the cases.
func netSubnet(f *fx) *ec2types.Subnet {
	return &op[ec2.DescribeSubnetsOutput](f, acctW, region1, "ec2", "DescribeSubnets").Subnets[0]
}

func netRoutes(f *fx) *ec2types.RouteTable {
	return &op[ec2.DescribeRouteTablesOutput](f, acctW, region1, "ec2", "DescribeRouteTables").RouteTables[0]
}

func netAddress(f *fx) *ec2types.Address {
	return &op[ec2.DescribeAddressesOutput](f, acctW, region1, "ec2", "DescribeAddresses").Addresses[0]
}

func netTGW(f *fx) *ec2types.TransitGateway {
	return &op[ec2.DescribeTransitGatewaysOutput](f, acctW, region1, "ec2", "DescribeTransitGateways").TransitGateways[0]
}

func netVPN(f *fx) *ec2types.VpnConnection {
	return &op[ec2.DescribeVpnConnectionsOutput](f, acctW, region1, "ec2", "DescribeVpnConnections").VpnConnections[0]
}

func netNACL(f *fx) *ec2types.NetworkAcl {
	return &op[ec2.DescribeNetworkAclsOutput](f, acctW, region1, "ec2", "DescribeNetworkAcls").NetworkAcls[0]
}

func netInstance(f *fx) *ec2types.Instance {
	return &op[ec2.DescribeInstancesOutput](f, acctW, region1, "ec2", "DescribeInstances").Reservations[0].Instances[0]
}

func netWebSG(f *fx) *ec2types.SecurityGroup {
	return &op[ec2.DescribeSecurityGroupsOutput](f, acctW, region1, "ec2", "DescribeSecurityGroups").SecurityGroups[1]
}

func netENIs(f *fx) *ec2.DescribeNetworkInterfacesOutput {
	return op[ec2.DescribeNetworkInterfacesOutput](f, acctW, region1, "ec2", "DescribeNetworkInterfaces")
}
