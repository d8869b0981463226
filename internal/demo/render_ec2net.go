package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// netRes is what the VPC networking plants change in one account and
// region; nil is the clean baseline.
type netRes struct {
	publicSubnets map[string]bool // subnet ids that map public IPs on launch
	unattachedEIP string          // allocation id of an address associated with nothing
	igwTable      string          // route table id of a public table routing 0.0.0.0/0 to an internet gateway
	igwID         string
	spareNACL     string // a network ACL associated with no subnet
	spareVPC      string // its VPC
	autoAccept    bool   // the transit gateway accepts shared attachments automatically
	vpnDown       bool   // one tunnel of the VPN connection is DOWN
	// firewallNoLogging leaves the Network Firewall without logging.
	firewallNoLogging bool
	// peerTable is a subnet route table that sends 10.0.0.0/8, wider
	// than the whole peer VPC, over the peering connection peerID to a
	// VPC of the network account (CIS 5.5).
	peerTable, peerID string
}

// peerVPC is the network account's VPC that a planted peering connection
// reaches, and its CIDR block.
func (w *world) peerVPC() (id, cidr string) {
	return netID("vpc", w.orgID+"/shared-services"), "10.254.0.0/16"
}

func (rr *regionRes) netState() *netRes {
	if rr.net == nil {
		rr.net = &netRes{publicSubnets: map[string]bool{}}
	}
	return rr.net
}

// netRand is the random stream of an account's and region's VPC
// networking ids, apart from renderEC2's so its ids stay as they were.
func netRand(w *world, a *acct, region string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(region))
	return newRand(w.opt.Seed^0xec2e7, uint64(a.index)<<32^h.Sum64())
}

// netID derives a stable EC2-style id from a name, for resources other
// accounts refer to (the network account's transit gateway).
func netID(prefix, name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	return fmt.Sprintf("%s-0%016x", prefix, h.Sum64())
}

// transitGatewayID is the network account's transit gateway in a region:
// every VPC's default route goes to it (egress through the network
// account, no internet gateway in the workload VPCs).
func (w *world) transitGatewayID(region string) string { return netID("tgw", w.orgID+"/"+region) }

func (w *world) networkAccount() *acct {
	for _, a := range w.accounts {
		if a.kind == kindNetwork {
			return a
		}
	}
	return nil
}

// ec2netEndpoints returns the interface endpoint for the EC2 API every
// VPC has (EC2.10), with its network interfaces in the VPC's subnets.
func ec2netEndpoints(w *world, a *acct, rr *regionRes) []ec2types.VpcEndpoint {
	out := []ec2types.VpcEndpoint{}
	for _, v := range rr.vpcs {
		out = append(out, ec2types.VpcEndpoint{VpcEndpointId: aws.String(netID("vpce", a.Id+"/"+v.id+"/ec2")), VpcId: aws.String(v.id),
			VpcEndpointType: ec2types.VpcEndpointTypeInterface, ServiceName: aws.String("com.amazonaws." + rr.region + ".ec2"),
			State: ec2types.StateAvailable, OwnerId: aws.String(a.Id), PrivateDnsEnabled: aws.Bool(true),
			SubnetIds: v.subnets, NetworkInterfaceIds: endpointENIs(a, v), RouteTableIds: []string{},
			Groups:            []ec2types.SecurityGroupIdentifier{{GroupId: aws.String(defaultSG(rr, v.id)), GroupName: aws.String("default")}},
			CreationTimestamp: ptime(a.JoinedTimestamp.Add(27 * 3600e9)), Tags: []ec2types.Tag{}})
	}
	return out
}

func endpointENIs(a *acct, v *vpc) []string {
	out := make([]string, len(v.subnets))
	for i, s := range v.subnets {
		out[i] = netID("eni", a.Id+"/"+s+"/ec2-endpoint")
	}
	return out
}

func defaultSG(rr *regionRes, vpcID string) string {
	for _, g := range rr.sgs {
		if g.isDef && g.vpcID == vpcID {
			return g.id
		}
	}
	return ""
}

// renderEC2Net adds the VPC networking reads to the region's ec2 file:
// subnets, route tables, network interfaces, Elastic IPs, the network
// account's transit gateway and VPN connection.
func renderEC2Net(w *world, a *acct, rr *regionRes, f *file) {
	r := netRand(w, a, rr.region)
	n := rr.net
	if n == nil {
		n = &netRes{}
	}
	subnets, tables, enis := []ec2types.Subnet{}, []ec2types.RouteTable{}, []ec2types.NetworkInterface{}
	tgw := w.transitGatewayID(rr.region)
	for _, v := range rr.vpcs {
		prefix := strings.TrimSuffix(v.cidr, ".0.0/16")
		for i, s := range v.subnets {
			az := rr.region + string(rune('a'+i))
			subnets = append(subnets, ec2types.Subnet{SubnetId: aws.String(s), VpcId: aws.String(v.id), State: ec2types.SubnetStateAvailable,
				SubnetArn: aws.String(fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", rr.region, a.Id, s)), OwnerId: aws.String(a.Id),
				CidrBlock: aws.String(fmt.Sprintf("%s.%d.0/24", prefix, i+1)), AvailabilityZone: aws.String(az),
				AvailableIpAddressCount: aws.Int32(245), DefaultForAz: aws.Bool(false), MapPublicIpOnLaunch: aws.Bool(n.publicSubnets[s]),
				AssignIpv6AddressOnCreation: aws.Bool(false), Ipv6CidrBlockAssociationSet: []ec2types.SubnetIpv6CidrBlockAssociation{},
				Tags: ec2Tags(map[string]string{"Name": fmt.Sprintf("%s-private-%s", a.Name, az)})})
			enis = append(enis, ec2types.NetworkInterface{NetworkInterfaceId: aws.String(netID("eni", a.Id+"/"+s+"/ec2-endpoint")),
				SubnetId: aws.String(s), VpcId: aws.String(v.id), AvailabilityZone: aws.String(az), OwnerId: aws.String(a.Id),
				InterfaceType: ec2types.NetworkInterfaceTypeVpcEndpoint, Status: ec2types.NetworkInterfaceStatusInUse,
				Description: aws.String("VPC Endpoint Interface " + netID("vpce", a.Id+"/"+v.id+"/ec2")), RequesterManaged: aws.Bool(true),
				RequesterId: aws.String("727180483921"), PrivateIpAddress: aws.String(fmt.Sprintf("%s.%d.%d", prefix, i+1, 200+r.IntN(50))),
				Groups: []ec2types.GroupIdentifier{{GroupId: aws.String(defaultSG(rr, v.id)), GroupName: aws.String("default")}}, TagSet: []ec2types.Tag{}})
		}
		// The main route table: the VPC itself, everything else to the
		// network account's transit gateway.
		tables = append(tables, ec2types.RouteTable{RouteTableId: aws.String(ec2ID(r, "rtb")), VpcId: aws.String(v.id), OwnerId: aws.String(a.Id),
			Associations: []ec2types.RouteTableAssociation{{Main: aws.Bool(true), RouteTableAssociationId: aws.String(ec2ID(r, "rtbassoc")),
				AssociationState: &ec2types.RouteTableAssociationState{State: ec2types.RouteTableAssociationStateCodeAssociated}}},
			Routes: []ec2types.Route{{DestinationCidrBlock: aws.String(v.cidr), GatewayId: aws.String("local"), Origin: ec2types.RouteOriginCreateRouteTable, State: ec2types.RouteStateActive},
				{DestinationCidrBlock: aws.String("0.0.0.0/0"), TransitGatewayId: aws.String(tgw), Origin: ec2types.RouteOriginCreateRoute, State: ec2types.RouteStateActive}},
			PropagatingVgws: []ec2types.PropagatingVgw{}, Tags: ec2Tags(map[string]string{"Name": a.Name + "-main"})})
		if n.igwTable != "" && v == rr.vpcs[0] {
			tables = append(tables, ec2types.RouteTable{RouteTableId: aws.String(n.igwTable), VpcId: aws.String(v.id), OwnerId: aws.String(a.Id),
				Associations: []ec2types.RouteTableAssociation{{Main: aws.Bool(false), SubnetId: aws.String(v.subnets[len(v.subnets)-1]),
					RouteTableId: aws.String(n.igwTable), RouteTableAssociationId: aws.String(ec2ID(r, "rtbassoc")),
					AssociationState: &ec2types.RouteTableAssociationState{State: ec2types.RouteTableAssociationStateCodeAssociated}}},
				Routes: []ec2types.Route{{DestinationCidrBlock: aws.String(v.cidr), GatewayId: aws.String("local"), Origin: ec2types.RouteOriginCreateRouteTable, State: ec2types.RouteStateActive},
					{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(n.igwID), Origin: ec2types.RouteOriginCreateRoute, State: ec2types.RouteStateActive}},
				PropagatingVgws: []ec2types.PropagatingVgw{}, Tags: ec2Tags(map[string]string{"Name": a.Name + "-public"})})
		}
	}
	for _, in := range rr.instances {
		enis = append(enis, ec2types.NetworkInterface{NetworkInterfaceId: aws.String(instanceENI(in)), SubnetId: aws.String(in.subnet),
			VpcId: aws.String(in.vpcID), AvailabilityZone: aws.String(rr.region + "a"), OwnerId: aws.String(a.Id),
			InterfaceType: ec2types.NetworkInterfaceTypeInterface, Status: ec2types.NetworkInterfaceStatusInUse, PrivateIpAddress: aws.String(in.privateIP),
			Attachment: &ec2types.NetworkInterfaceAttachment{AttachmentId: aws.String(ec2ID(r, "eni-attach")), InstanceId: aws.String(in.id),
				InstanceOwnerId: aws.String(a.Id), DeviceIndex: aws.Int32(0), Status: ec2types.AttachmentStatusAttached, DeleteOnTermination: aws.Bool(true)},
			Groups: []ec2types.GroupIdentifier{{GroupId: aws.String(in.sgID), GroupName: aws.String(sgName(rr, in.sgID))}}, TagSet: []ec2types.Tag{}})
	}
	// The managed interfaces that keep the RDS and Lambda security
	// groups in use.
	for _, g := range rr.sgs {
		var desc, requester string
		var typ ec2types.NetworkInterfaceType = ec2types.NetworkInterfaceTypeInterface
		switch {
		case g.name == a.system+"-db" && len(rr.dbs) > 0:
			desc, requester = "RDSNetworkInterface", "amazon-rds"
		case g.name == a.system+"-app" && len(rr.functions) > 0:
			desc, requester, typ = "AWS Lambda VPC ENI-"+rr.functions[0].name, "AROAKUMOLAMBDAVPCENI:"+rr.functions[0].name, ec2types.NetworkInterfaceTypeLambda
		default:
			continue
		}
		v := rr.vpcs[0]
		enis = append(enis, ec2types.NetworkInterface{NetworkInterfaceId: aws.String(netID("eni", a.Id+"/"+g.id)), SubnetId: aws.String(v.subnets[0]),
			VpcId: aws.String(v.id), AvailabilityZone: aws.String(rr.region + "a"), OwnerId: aws.String(a.Id), InterfaceType: typ,
			Status: ec2types.NetworkInterfaceStatusInUse, Description: aws.String(desc), RequesterManaged: aws.Bool(true), RequesterId: aws.String(requester),
			Groups: []ec2types.GroupIdentifier{{GroupId: aws.String(g.id), GroupName: aws.String(g.name)}}, TagSet: []ec2types.Tag{}})
	}
	peerings := []ec2types.VpcPeeringConnection{}
	if n.peerTable != "" {
		v := rr.vpcs[0]
		peerVPC, peerCIDR := w.peerVPC()
		tables = append(tables, ec2types.RouteTable{RouteTableId: aws.String(n.peerTable), VpcId: aws.String(v.id), OwnerId: aws.String(a.Id),
			Associations: []ec2types.RouteTableAssociation{{Main: aws.Bool(false), SubnetId: aws.String(v.subnets[0]),
				RouteTableId: aws.String(n.peerTable), RouteTableAssociationId: aws.String(ec2ID(r, "rtbassoc")),
				AssociationState: &ec2types.RouteTableAssociationState{State: ec2types.RouteTableAssociationStateCodeAssociated}}},
			Routes: []ec2types.Route{{DestinationCidrBlock: aws.String(v.cidr), GatewayId: aws.String("local"), Origin: ec2types.RouteOriginCreateRouteTable, State: ec2types.RouteStateActive},
				{DestinationCidrBlock: aws.String("0.0.0.0/0"), TransitGatewayId: aws.String(tgw), Origin: ec2types.RouteOriginCreateRoute, State: ec2types.RouteStateActive},
				{DestinationCidrBlock: aws.String("10.0.0.0/8"), VpcPeeringConnectionId: aws.String(n.peerID), Origin: ec2types.RouteOriginCreateRoute, State: ec2types.RouteStateActive}},
			PropagatingVgws: []ec2types.PropagatingVgw{}, Tags: ec2Tags(map[string]string{"Name": a.Name + "-shared-services"})})
		net := w.networkAccount()
		peerings = append(peerings, ec2types.VpcPeeringConnection{VpcPeeringConnectionId: aws.String(n.peerID),
			Status: &ec2types.VpcPeeringConnectionStateReason{Code: ec2types.VpcPeeringConnectionStateReasonCodeActive, Message: aws.String("Active")},
			RequesterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String(v.id), OwnerId: aws.String(a.Id), Region: aws.String(rr.region),
				CidrBlock: aws.String(v.cidr), CidrBlockSet: []ec2types.CidrBlock{{CidrBlock: aws.String(v.cidr)}}},
			AccepterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String(peerVPC), OwnerId: aws.String(net.Id), Region: aws.String(rr.region),
				CidrBlock: aws.String(peerCIDR), CidrBlockSet: []ec2types.CidrBlock{{CidrBlock: aws.String(peerCIDR)}}},
			Tags: ec2Tags(map[string]string{"Name": a.Name + "-to-shared-services"})})
	}
	f.put("DescribeVpcPeeringConnections", ec2.DescribeVpcPeeringConnectionsOutput{VpcPeeringConnections: peerings})
	f.put("DescribeSubnets", ec2.DescribeSubnetsOutput{Subnets: subnets})
	f.put("DescribeRouteTables", ec2.DescribeRouteTablesOutput{RouteTables: tables})
	f.put("DescribeNetworkInterfaces", ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: enis})

	addrs := []ec2types.Address{}
	if n.unattachedEIP != "" {
		addrs = append(addrs, ec2types.Address{AllocationId: aws.String(n.unattachedEIP), Domain: ec2types.DomainTypeVpc,
			PublicIp: aws.String(fmt.Sprintf("198.51.100.%d", 10+a.index%200)), PublicIpv4Pool: aws.String("amazon"),
			NetworkBorderGroup: aws.String(rr.region), Tags: ec2Tags(map[string]string{"Name": a.Name + "-spare"})})
	}
	f.put("DescribeAddresses", ec2.DescribeAddressesOutput{Addresses: addrs})

	tgws, vpns := []ec2types.TransitGateway{}, []ec2types.VpnConnection{}
	if a.kind == kindNetwork && len(rr.vpcs) > 0 {
		auto := ec2types.AutoAcceptSharedAttachmentsValueDisable
		if n.autoAccept {
			auto = ec2types.AutoAcceptSharedAttachmentsValueEnable
		}
		tgws = append(tgws, ec2types.TransitGateway{TransitGatewayId: aws.String(tgw),
			TransitGatewayArn: aws.String(fmt.Sprintf("arn:aws:ec2:%s:%s:transit-gateway/%s", rr.region, a.Id, tgw)),
			OwnerId:           aws.String(a.Id), State: ec2types.TransitGatewayStateAvailable, Description: aws.String("kumo hub"),
			CreationTime: ptime(a.JoinedTimestamp.Add(26 * 3600e9)), Tags: ec2Tags(map[string]string{"Name": "kumo-hub-" + rr.region}),
			Options: &ec2types.TransitGatewayOptions{AmazonSideAsn: aws.Int64(64512), AutoAcceptSharedAttachments: auto,
				DefaultRouteTableAssociation: ec2types.DefaultRouteTableAssociationValueEnable, DefaultRouteTablePropagation: ec2types.DefaultRouteTablePropagationValueEnable,
				DnsSupport: ec2types.DnsSupportValueEnable, VpnEcmpSupport: ec2types.VpnEcmpSupportValueEnable,
				AssociationDefaultRouteTableId: aws.String(netID("tgw-rtb", w.orgID+"/"+rr.region))}})
		if rr.region == w.home {
			down := ec2types.TelemetryStatusUp
			if n.vpnDown {
				down = ec2types.TelemetryStatusDown
			}
			vpns = append(vpns, ec2types.VpnConnection{VpnConnectionId: aws.String(vpnConnectionID(w)), State: ec2types.VpnStateAvailable,
				Type: ec2types.GatewayTypeIpsec1, CustomerGatewayId: aws.String(netID("cgw", w.orgID+"/tokyo-office")), TransitGatewayId: aws.String(tgw),
				Category: aws.String("VPN"), Options: &ec2types.VpnConnectionOptions{StaticRoutesOnly: aws.Bool(false),
					TunnelOptions: []ec2types.TunnelOption{{OutsideIpAddress: aws.String("52.95.1.10")}, {OutsideIpAddress: aws.String("52.95.2.10")}}},
				VgwTelemetry: []ec2types.VgwTelemetry{{OutsideIpAddress: aws.String("52.95.1.10"), Status: ec2types.TelemetryStatusUp, AcceptedRouteCount: aws.Int32(3),
					LastStatusChange: ptime(End.AddDate(0, 0, -12)), StatusMessage: aws.String("3 BGP ROUTES")},
					{OutsideIpAddress: aws.String("52.95.2.10"), Status: down, AcceptedRouteCount: aws.Int32(3),
						LastStatusChange: ptime(End.AddDate(0, 0, -2)), StatusMessage: aws.String("")}},
				Tags: ec2Tags(map[string]string{"Name": "kumo-tokyo-office"})})
		}
	}
	f.put("DescribeTransitGateways", ec2.DescribeTransitGatewaysOutput{TransitGateways: tgws})
	f.put("DescribeVpnConnections", ec2.DescribeVpnConnectionsOutput{VpnConnections: vpns})
}

func instanceENI(in *instance) string { return "eni-0" + in.id[3:19] }

func vpnConnectionID(w *world) string { return netID("vpn", w.orgID+"/tokyo-office") }

func sgName(rr *regionRes, id string) string {
	for _, g := range rr.sgs {
		if g.id == id {
			return g.name
		}
	}
	return ""
}

// spareNACL is a planted network ACL associated with no subnet.
func spareNACL(a *acct, vpcID, id string) ec2types.NetworkAcl {
	return ec2types.NetworkAcl{NetworkAclId: aws.String(id), VpcId: aws.String(vpcID), IsDefault: aws.Bool(false), OwnerId: aws.String(a.Id),
		Associations: []ec2types.NetworkAclAssociation{}, Tags: ec2Tags(map[string]string{"Name": a.Name + "-old-dmz"}),
		Entries: []ec2types.NetworkAclEntry{
			{RuleNumber: aws.Int32(32767), Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionDeny, Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0")},
			{RuleNumber: aws.Int32(32767), Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionDeny, Egress: aws.Bool(true), CidrBlock: aws.String("0.0.0.0/0")}}}
}

// ec2netNACLs returns the planted unused network ACL, if any.
func ec2netNACLs(a *acct, rr *regionRes) []ec2types.NetworkAcl {
	if rr.net == nil || rr.net.spareNACL == "" {
		return nil
	}
	return []ec2types.NetworkAcl{spareNACL(a, rr.net.spareVPC, rr.net.spareNACL)}
}
