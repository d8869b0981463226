package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qEC2Endpoint = "The rule is NON_COMPLIANT if an Amazon VPC doesn't have an Amazon VPC endpoint created for the service."
	qEIP         = "The rule is NON_COMPLIANT if the 'AssociationId' is null for the Elastic IP address."
	qSubnetIP    = "This rule is NON_COMPLIANT if subnets auto-assign public IPv4 or IPv6 addresses."
	qNACLUnused  = "The rule is NON_COMPLIANT if a network ACL is not associated with a subnet."
	qMultiENI    = "The rule is NON_COMPLIANT an Amazon EC2 instance use multiple network interfaces."
	qHighRisk    = "This control fails if any of the rules in a security group allow ingress traffic from '0.0.0.0/0' or '::/0' to those ports."
	qVPN         = "The rule is NON_COMPLIANT if one or both tunnels are in DOWN status."
	qSGENI       = "Checks if non-default security groups are attached to Elastic network interfaces (ENIs). The rule is NON_COMPLIANT if the security group is not associated with an ENI."
	qSGOwner     = "Security groups not owned by the calling account evaluate as NOT_APPLICABLE."
	qTGW         = "The rule is NON_COMPLIANT for a Transit Gateway if 'AutoAcceptSharedAttachments' is set to 'enable'."
	qIGW         = "The rule is NON_COMPLIANT if a route to an IGW has a destination CIDR block of '0.0.0.0/0' or '::/0' or if a destination CIDR block does not match the rule parameter."
)

func netOpenIngress(proto string, from, to int32, cidr string) ec2types.IpPermission {
	p := ec2types.IpPermission{IpProtocol: awsv2.String(proto), FromPort: awsv2.Int32(from), ToPort: awsv2.Int32(to)}
	if cidr == "::/0" {
		p.Ipv6Ranges = []ec2types.Ipv6Range{{CidrIpv6: awsv2.String(cidr)}}
	} else {
		p.IpRanges = []ec2types.IpRange{{CidrIp: awsv2.String(cidr)}}
	}
	return p
}

func init() {
	noEC2Endpoint := func(f *fx) {
		op[ec2.DescribeVpcEndpointsOutput](f, acctW, region1, "ec2", "DescribeVpcEndpoints").VpcEndpoints[0].ServiceName =
			awsv2.String("com.amazonaws." + region1 + ".s3")
	}
	unattached := func(f *fx) {
		a := netAddress(f)
		a.AssociationId, a.InstanceId, a.NetworkInterfaceId = nil, nil, nil
	}
	mapPublic := func(f *fx) { netSubnet(f).MapPublicIpOnLaunch = awsv2.Bool(true) }
	naclUnused := func(f *fx) { netNACL(f).Associations = nil }
	twoENIs := func(f *fx) {
		i := netInstance(f)
		i.NetworkInterfaces = append(i.NetworkInterfaces, ec2types.InstanceNetworkInterface{NetworkInterfaceId: awsv2.String("eni-0002"),
			Attachment: &ec2types.InstanceNetworkInterfaceAttachment{DeviceIndex: awsv2.Int32(1)}})
	}
	rdpOpen := func(f *fx) {
		g := netWebSG(f)
		g.IpPermissions = append(g.IpPermissions, netOpenIngress("tcp", 3389, 3389, "0.0.0.0/0"))
	}
	tunnelDown := func(f *fx) { netVPN(f).VgwTelemetry[1].Status = ec2types.TelemetryStatusDown }
	sgUnused := func(f *fx) { netENIs(f).NetworkInterfaces = nil }
	autoAccept := func(f *fx) {
		netTGW(f).Options.AutoAcceptSharedAttachments = ec2types.AutoAcceptSharedAttachmentsValueEnable
	}
	igwDefault := func(f *fx) {
		netRoutes(f).Routes[1] = ec2types.Route{DestinationCidrBlock: awsv2.String("0.0.0.0/0"), GatewayId: awsv2.String("igw-0001"), State: ec2types.RouteStateActive}
	}
	failCases["ec2.vpc-endpoint-for-ec2"] = noEC2Endpoint
	failCases["ec2.eip-attached"] = unattached
	failCases["ec2.subnet-no-auto-public-ip"] = mapPublic
	failCases["ec2.nacl-in-use"] = naclUnused
	failCases["ec2.instance-single-eni"] = twoENIs
	failCases["ec2.sg-high-risk-ports-restricted"] = rdpOpen
	failCases["ec2.vpn-tunnels-up"] = tunnelDown
	failCases["ec2.sg-in-use"] = sgUnused
	failCases["ec2.tgw-no-auto-accept"] = autoAccept
	failCases["ec2.no-unrestricted-route-to-igw"] = igwDefault

	sgw := "security-group/sg-0app"
	addDocCases(
		// EC2.10
		docCase{Rule: "ec2.vpc-endpoint-for-ec2", Source: cfgDoc("service-vpc-endpoint-enabled"), Quote: qEC2Endpoint, Name: "an interface endpoint for com.amazonaws.<region>.ec2",
			Resource: "vpc/vpc-0001", Want: findings.Passed},
		docCase{Rule: "ec2.vpc-endpoint-for-ec2", Source: cfgDoc("service-vpc-endpoint-enabled"), Quote: qEC2Endpoint, Name: "only an S3 endpoint",
			Mutate: noEC2Endpoint, Resource: "vpc/vpc-0001", Want: findings.Failed},
		docCase{Rule: "ec2.vpc-endpoint-for-ec2", Source: cfgDoc("service-vpc-endpoint-enabled"), Quote: qEC2Endpoint, Name: "the EC2 endpoint is in another VPC",
			Mutate: func(f *fx) {
				op[ec2.DescribeVpcEndpointsOutput](f, acctW, region1, "ec2", "DescribeVpcEndpoints").VpcEndpoints[0].VpcId = awsv2.String("vpc-0other")
			}, Resource: "vpc/vpc-0001", Want: findings.Failed},

		// EC2.12
		docCase{Rule: "ec2.eip-attached", Source: cfgDoc("eip-attached"), Quote: qEIP, Name: "an address associated with a network interface",
			Resource: "elastic-ip/eipalloc-0001", Want: findings.Passed},
		docCase{Rule: "ec2.eip-attached", Source: cfgDoc("eip-attached"), Quote: qEIP, Name: "an address with no association",
			Mutate: unattached, Resource: "elastic-ip/eipalloc-0001", Want: findings.Failed},
		docCase{Rule: "ec2.eip-attached", Source: cfgDoc("eip-attached"), Quote: "Checks if all Elastic IP addresses that are allocated to an AWS account are attached to EC2 instances or in-use elastic network interfaces.",
			Name: "no Elastic IP addresses allocated", Mutate: func(f *fx) {
				netAddress(f)
				op[ec2.DescribeAddressesOutput](f, acctW, region1, "ec2", "DescribeAddresses").Addresses = nil
			},
			Want: findings.NotApplicable},

		// EC2.15
		docCase{Rule: "ec2.subnet-no-auto-public-ip", Source: cfgDoc("subnet-auto-assign-public-ip-disabled"), Quote: qSubnetIP, Name: "no auto-assign",
			Resource: "subnet/subnet-0001", Want: findings.Passed},
		docCase{Rule: "ec2.subnet-no-auto-public-ip", Source: cfgDoc("subnet-auto-assign-public-ip-disabled"), Quote: qSubnetIP, Name: "MapPublicIpOnLaunch true",
			Mutate: mapPublic, Resource: "subnet/subnet-0001", Want: findings.Failed},
		docCase{Rule: "ec2.subnet-no-auto-public-ip", Source: cfgDoc("subnet-auto-assign-public-ip-disabled"), Quote: qSubnetIP, Name: "IPv6 addresses assigned on creation",
			Mutate: func(f *fx) { netSubnet(f).AssignIpv6AddressOnCreation = awsv2.Bool(true) }, Resource: "subnet/subnet-0001", Want: findings.Failed},

		// EC2.16
		docCase{Rule: "ec2.nacl-in-use", Source: cfgDoc("vpc-network-acl-unused-check"), Quote: qNACLUnused, Name: "associated with the subnet",
			Resource: "network-acl/acl-0001", Want: findings.Passed},
		docCase{Rule: "ec2.nacl-in-use", Source: cfgDoc("vpc-network-acl-unused-check"), Quote: qNACLUnused, Name: "no subnet association",
			Mutate: naclUnused, Resource: "network-acl/acl-0001", Want: findings.Failed},
		docCase{Rule: "ec2.nacl-in-use", Source: cfgDoc("vpc-network-acl-unused-check"), Quote: "The rule is COMPLIANT if each network ACL is associated with a subnet.",
			Name: "a region without network ACLs", Mutate: func(f *fx) {
				netNACL(f)
				op[ec2.DescribeNetworkAclsOutput](f, acctW, region1, "ec2", "DescribeNetworkAcls").NetworkAcls = nil
			},
			Want: findings.NotApplicable},

		// EC2.17
		docCase{Rule: "ec2.instance-single-eni", Source: cfgDoc("ec2-instance-multiple-eni-check"), Quote: qMultiENI, Name: "one network interface",
			Resource: "instance/i-0001", Want: findings.Passed},
		docCase{Rule: "ec2.instance-single-eni", Source: cfgDoc("ec2-instance-multiple-eni-check"), Quote: qMultiENI, Name: "a secondary network interface",
			Mutate: twoENIs, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "ec2.instance-single-eni", Source: cfgDoc("ec2-instance-multiple-eni-check"), Quote: "Checks if Amazon Elastic Compute Cloud (Amazon EC2) uses multiple Elastic Network Interfaces (ENIs) or Elastic Fabric Adapters (EFAs).",
			Name: "an EFA beside the primary interface", Mutate: func(f *fx) {
				twoENIs(f)
				netInstance(f).NetworkInterfaces[1].InterfaceType = awsv2.String("efa")
			}, Resource: "instance/i-0001", Want: findings.Failed},

		// EC2.19
		docCase{Rule: "ec2.sg-high-risk-ports-restricted", Source: shDoc("ec2-controls"), Quote: qHighRisk, Name: "only 443 from 0.0.0.0/0, SSH from 10.0.0.0/8",
			Resource: sgw, Want: findings.Passed},
		docCase{Rule: "ec2.sg-high-risk-ports-restricted", Source: shDoc("ec2-controls"), Quote: qHighRisk, Name: "RDP (3389) from 0.0.0.0/0",
			Mutate: rdpOpen, Resource: sgw, Want: findings.Failed},
		docCase{Rule: "ec2.sg-high-risk-ports-restricted", Source: shDoc("ec2-controls"), Quote: qHighRisk, Name: "PostgreSQL (5432) from ::/0",
			Mutate: func(f *fx) {
				g := netWebSG(f)
				g.IpPermissions = append(g.IpPermissions, netOpenIngress("tcp", 5432, 5432, "::/0"))
			}, Resource: sgw, Want: findings.Failed},
		docCase{Rule: "ec2.sg-high-risk-ports-restricted", Source: shDoc("ec2-controls"), Quote: qHighRisk, Name: "8443 from 0.0.0.0/0 is not a high-risk port",
			Mutate: func(f *fx) {
				g := netWebSG(f)
				g.IpPermissions = append(g.IpPermissions, netOpenIngress("tcp", 8443, 8443, "0.0.0.0/0"))
			}, Resource: sgw, Want: findings.Passed},

		// EC2.20
		docCase{Rule: "ec2.vpn-tunnels-up", Source: cfgDoc("vpc-vpn-2-tunnels-up"), Quote: qVPN, Name: "both tunnels UP",
			Resource: "vpn-connection/vpn-0001", Want: findings.Passed},
		docCase{Rule: "ec2.vpn-tunnels-up", Source: cfgDoc("vpc-vpn-2-tunnels-up"), Quote: qVPN, Name: "one tunnel DOWN",
			Mutate: tunnelDown, Resource: "vpn-connection/vpn-0001", Want: findings.Failed},
		docCase{Rule: "ec2.vpn-tunnels-up", Source: cfgDoc("vpc-vpn-2-tunnels-up"), Quote: qVPN, Name: "both tunnels DOWN",
			Mutate: func(f *fx) {
				for i := range netVPN(f).VgwTelemetry {
					netVPN(f).VgwTelemetry[i].Status = ec2types.TelemetryStatusDown
				}
			}, Resource: "vpn-connection/vpn-0001", Want: findings.Failed},

		// EC2.22
		docCase{Rule: "ec2.sg-in-use", Source: cfgDoc("ec2-security-group-attached-to-eni-periodic"), Quote: qSGENI, Name: "attached to the instance's interface",
			Resource: sgw, Want: findings.Passed},
		docCase{Rule: "ec2.sg-in-use", Source: cfgDoc("ec2-security-group-attached-to-eni-periodic"), Quote: qSGENI, Name: "attached to no interface",
			Mutate: sgUnused, Resource: sgw, Want: findings.Failed},
		docCase{Rule: "ec2.sg-in-use", Source: cfgDoc("ec2-security-group-attached-to-eni-periodic"), Quote: qSGENI, Name: "the default security group, unattached",
			Resource: "security-group/sg-0def", Want: findings.NotApplicable},
		docCase{Rule: "ec2.sg-in-use", Source: cfgDoc("ec2-security-group-attached-to-eni-periodic"), Quote: qSGOwner, Name: "a group another account owns",
			Mutate: func(f *fx) { sgUnused(f); netWebSG(f).OwnerId = awsv2.String(acctM) }, Resource: sgw, Want: findings.NotApplicable},

		// EC2.23
		docCase{Rule: "ec2.tgw-no-auto-accept", Source: cfgDoc("ec2-transit-gateway-auto-vpc-attach-disabled"), Quote: qTGW, Name: "AutoAcceptSharedAttachments disable",
			Resource: "transit-gateway/tgw-0001", Want: findings.Passed},
		docCase{Rule: "ec2.tgw-no-auto-accept", Source: cfgDoc("ec2-transit-gateway-auto-vpc-attach-disabled"), Quote: qTGW, Name: "AutoAcceptSharedAttachments enable",
			Mutate: autoAccept, Resource: "transit-gateway/tgw-0001", Want: findings.Failed},
		docCase{Rule: "ec2.tgw-no-auto-accept", Source: cfgDoc("ec2-transit-gateway-auto-vpc-attach-disabled"), Quote: qTGW, Name: "a region without transit gateways",
			Mutate: func(f *fx) {
				netTGW(f)
				op[ec2.DescribeTransitGatewaysOutput](f, acctW, region1, "ec2", "DescribeTransitGateways").TransitGateways = nil
			}, Want: findings.NotApplicable},

		// NO_UNRESTRICTED_ROUTE_TO_IGW
		docCase{Rule: "ec2.no-unrestricted-route-to-igw", Source: cfgDoc("no-unrestricted-route-to-igw"), Quote: qIGW, Name: "default route to the transit gateway",
			Resource: "route-table/rtb-0001", Want: findings.Passed},
		docCase{Rule: "ec2.no-unrestricted-route-to-igw", Source: cfgDoc("no-unrestricted-route-to-igw"), Quote: qIGW, Name: "0.0.0.0/0 to an internet gateway",
			Mutate: igwDefault, Resource: "route-table/rtb-0001", Want: findings.Failed},
		docCase{Rule: "ec2.no-unrestricted-route-to-igw", Source: cfgDoc("no-unrestricted-route-to-igw"), Quote: qIGW, Name: "::/0 to an internet gateway",
			Mutate: func(f *fx) {
				t := netRoutes(f)
				t.Routes = append(t.Routes, ec2types.Route{DestinationIpv6CidrBlock: awsv2.String("::/0"), GatewayId: awsv2.String("igw-0001")})
			}, Resource: "route-table/rtb-0001", Want: findings.Failed},
		docCase{Rule: "ec2.no-unrestricted-route-to-igw", Source: cfgDoc("no-unrestricted-route-to-igw"), Quote: qIGW, Name: "a narrow route to an internet gateway",
			Mutate: func(f *fx) {
				t := netRoutes(f)
				t.Routes = append(t.Routes, ec2types.Route{DestinationCidrBlock: awsv2.String("192.0.2.0/24"), GatewayId: awsv2.String("igw-0001")})
			}, Resource: "route-table/rtb-0001", Want: findings.Passed},
	)
}
