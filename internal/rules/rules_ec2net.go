package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// The VPC networking rules: subnets, route tables, network interfaces,
// Elastic IPs, transit gateways, VPN connections and the use of security
// groups and network ACLs (collect/services_ec2net.go reads the data).

func init() {
	ec2Reads := func(ops ...string) []string {
		out := make([]string, len(ops))
		for i, o := range ops {
			out[i] = "ec2:" + o
		}
		return out
	}
	register(
		&Rule{ID: "ec2.vpc-endpoint-for-ec2", Title: "VPCs have an interface endpoint for the Amazon EC2 API", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::VPC", Services: []string{"ec2"}, Reads: ec2Reads("DescribeVpcs", "DescribeVpcEndpoints"),
			Rationale:   "Without an EC2 endpoint, calls to the EC2 API from inside the VPC leave through the internet path; an endpoint keeps them on the AWS network and lets an endpoint policy narrow them.",
			Remediation: "Create an interface VPC endpoint for com.amazonaws.<region>.ec2 in the VPC (aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface).",
			Mappings:    findings.Mappings{ConfigRule: "SERVICE_VPC_ENDPOINT_ENABLED", SecurityHub: "EC2.10", NistCsf: "PR.IR"},
			check:       checkEC2Endpoint},
		&Rule{ID: "ec2.eip-attached", Title: "Elastic IP addresses are attached", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::EIP", Services: []string{"ec2"}, Reads: ec2Reads("DescribeAddresses"),
			Rationale:   "An unattached Elastic IP is a public address nobody watches: it costs money and, re-attached by mistake, exposes whatever it lands on.",
			Remediation: "Release the address (aws ec2 release-address) or associate it with the instance or network interface that needs it.",
			Mappings:    findings.Mappings{ConfigRule: "EIP_ATTACHED", SecurityHub: "EC2.12", NistCsf: "ID.AM"},
			check:       checkEIPAttached},
		&Rule{ID: "ec2.subnet-no-auto-public-ip", Title: "Subnets do not assign public IP addresses automatically", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Subnet", Services: []string{"ec2"}, Reads: ec2Reads("DescribeSubnets"),
			Rationale:   "A subnet that maps public addresses on launch puts every instance started in it on the internet, whether or not its owner meant to.",
			Remediation: "Turn off auto-assign of public IPv4 and IPv6 addresses (aws ec2 modify-subnet-attribute --no-map-public-ip-on-launch --no-assign-ipv6-address-on-creation).",
			Mappings: findings.Mappings{ConfigRule: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", SecurityHub: "EC2.15", NistCsf: "PR.IR",
				ControlTower: "AWS-GR_SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED"},
			check: checkSubnetPublicIP},
		&Rule{ID: "ec2.nacl-in-use", Title: "Network ACLs are associated with a subnet", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::NetworkAcl", Services: []string{"ec2"}, Reads: ec2Reads("DescribeNetworkAcls"),
			Rationale:   "Unused network ACLs clutter the inventory and may be attached later with rules nobody reviewed.",
			Remediation: "Delete the network ACL (aws ec2 delete-network-acl) or associate it with the subnets it was made for.",
			Mappings:    findings.Mappings{ConfigRule: "VPC_NETWORK_ACL_UNUSED_CHECK", SecurityHub: "EC2.16", NistCsf: "ID.AM"},
			check:       checkNACLInUse},
		&Rule{ID: "ec2.instance-single-eni", Title: "EC2 instances use one network interface", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: typeInstance, Services: []string{"ec2"}, Reads: ec2Reads("DescribeInstances"),
			Rationale:   "An instance with several interfaces can bridge subnets and security boundaries that were meant to stay apart.",
			Remediation: "Detach the secondary network interfaces (aws ec2 detach-network-interface) unless the design needs them.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_INSTANCE_MULTIPLE_ENI_CHECK", SecurityHub: "EC2.17", NistCsf: "PR.IR"},
			check:       checkSingleENI},
		&Rule{ID: "ec2.sg-high-risk-ports-restricted", Title: "Security groups do not open high-risk ports to anywhere", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: typeSG, Services: []string{"ec2"}, Reads: ec2Reads("DescribeSecurityGroups"),
			Rationale:   "File transfer, remote administration, mail and database ports open to 0.0.0.0/0 or ::/0 are what scanners probe first.",
			Remediation: "Remove ingress rules from 0.0.0.0/0 and ::/0 for ports " + portList(highRiskPorts) + ".",
			Mappings:    findings.Mappings{SecurityHub: "EC2.19", NistCsf: "PR.IR"},
			check:       checkSGHighRisk},
		&Rule{ID: "ec2.vpn-tunnels-up", Title: "Both tunnels of Site-to-Site VPN connections are up", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::VPNConnection", Services: []string{"ec2"}, Reads: ec2Reads("DescribeVpnConnections"),
			Rationale:   "A VPN connection running on one tunnel has no redundancy left: the next maintenance of the other endpoint cuts the link.",
			Remediation: "Bring the DOWN tunnel up on the customer gateway (check its IKE and IPsec settings against the connection's configuration).",
			Mappings:    findings.Mappings{ConfigRule: "VPC_VPN_2_TUNNELS_UP", SecurityHub: "EC2.20", NistCsf: "PR.IR"},
			check:       checkVPNTunnels},
		&Rule{ID: "ec2.sg-in-use", Title: "Security groups are attached to a network interface", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeSG, Services: []string{"ec2"}, Reads: ec2Reads("DescribeSecurityGroups", "DescribeNetworkInterfaces"),
			Rationale:   "Unused security groups pile up, and one attached later by mistake brings rules nobody has looked at for a while.",
			Remediation: "Delete the security group (aws ec2 delete-security-group) or attach it where it is meant to be used.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_SECURITY_GROUP_ATTACHED_TO_ENI_PERIODIC", SecurityHub: "EC2.22", NistCsf: "ID.AM"},
			check:       checkSGInUse},
		&Rule{ID: "ec2.tgw-no-auto-accept", Title: "Transit gateways do not accept shared attachments automatically", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::TransitGateway", Services: []string{"ec2"}, Reads: ec2Reads("DescribeTransitGateways"),
			Rationale:   "With automatic acceptance, any account the transit gateway is shared with can attach a VPC and join the routing domain without review.",
			Remediation: "Set AutoAcceptSharedAttachments to disable (aws ec2 modify-transit-gateway --options AutoAcceptSharedAttachments=disable).",
			Mappings:    findings.Mappings{ConfigRule: "EC2_TRANSIT_GATEWAY_AUTO_VPC_ATTACH_DISABLED", SecurityHub: "EC2.23", NistCsf: "PR.IR"},
			check:       checkTGWAutoAccept},
		&Rule{ID: "ec2.no-unrestricted-route-to-igw", Title: "Route tables have no default route to an internet gateway", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::RouteTable", Services: []string{"ec2"}, Reads: ec2Reads("DescribeRouteTables"),
			Rationale:   "A 0.0.0.0/0 or ::/0 route to an internet gateway makes the subnets behind the table public; egress should go through a NAT gateway, a firewall or the network account.",
			Remediation: "Replace the route to the internet gateway with one to a NAT gateway or the transit gateway, or keep public subnets in a dedicated, reviewed route table.",
			Mappings: findings.Mappings{ConfigRule: "NO_UNRESTRICTED_ROUTE_TO_IGW", NistCsf: "PR.IR",
				ControlTower: "AWS-GR_NO_UNRESTRICTED_ROUTE_TO_IGW"},
			check: checkRouteToIGW},
	)
}

// ec2Out reads one of the region's EC2 outputs.
func ec2Out[T any](c *Ctx, op string) (*T, error) { return get[T](c.v, c.Region, "ec2", op) }

func checkEC2Endpoint(c *Ctx) error {
	vpcs, err := ec2Out[ec2.DescribeVpcsOutput](c, "DescribeVpcs")
	if err != nil {
		return err
	}
	eps, err := ec2Out[ec2.DescribeVpcEndpointsOutput](c, "DescribeVpcEndpoints")
	if err != nil {
		return err
	}
	has := map[string]string{}
	for _, e := range eps.VpcEndpoints {
		if endpointGone(e.State) || !isEC2Service(aws(e.ServiceName)) {
			continue
		}
		has[aws(e.VpcId)] = aws(e.VpcEndpointId)
	}
	if len(vpcs.Vpcs) == 0 {
		c.NA("", "no VPCs in %s", c.Region)
	}
	for _, v := range vpcs.Vpcs {
		id := aws(v.VpcId)
		arn := c.arn("ec2", c.Region, c.Account.Id, "vpc/"+id)
		if ep := has[id]; ep != "" {
			c.Pass(arn, "VPC %s has the EC2 endpoint %s", id, ep)
		} else {
			c.Fail(arn, "VPC %s has no VPC endpoint for the Amazon EC2 service", id)
		}
	}
	return nil
}

// isEC2Service reports the EC2 API's endpoint service: com.amazonaws.
// <region>.ec2, its FIPS variant, or the short name.
func isEC2Service(name string) bool {
	return name == "ec2" || strings.HasSuffix(name, ".ec2") || strings.HasSuffix(name, ".ec2-fips")
}

func endpointGone(s ec2types.State) bool {
	switch strings.ToLower(string(s)) {
	case "deleted", "deleting", "failed", "rejected", "expired":
		return true
	}
	return false
}

func checkEIPAttached(c *Ctx) error {
	out, err := ec2Out[ec2.DescribeAddressesOutput](c, "DescribeAddresses")
	if err != nil {
		return err
	}
	if len(out.Addresses) == 0 {
		c.NA("", "no Elastic IP addresses in %s", c.Region)
	}
	for _, a := range out.Addresses {
		id := nonEmpty(aws(a.AllocationId), aws(a.PublicIp))
		arn := c.arn("ec2", c.Region, c.Account.Id, "elastic-ip/"+id)
		c.Check(aws(a.AssociationId) != "", arn, "Elastic IP "+aws(a.PublicIp)+" is associated ("+nonEmpty(aws(a.InstanceId), aws(a.NetworkInterfaceId))+")",
			"Elastic IP "+aws(a.PublicIp)+" ("+id+") is not associated with an instance or network interface")
	}
	return nil
}

func checkSubnetPublicIP(c *Ctx) error {
	out, err := ec2Out[ec2.DescribeSubnetsOutput](c, "DescribeSubnets")
	if err != nil {
		return err
	}
	if len(out.Subnets) == 0 {
		c.NA("", "no subnets in %s", c.Region)
	}
	for _, s := range out.Subnets {
		id := aws(s.SubnetId)
		arn := nonEmpty(aws(s.SubnetArn), c.arn("ec2", c.Region, c.Account.Id, "subnet/"+id))
		var auto []string
		if boolv(s.MapPublicIpOnLaunch) {
			auto = append(auto, "public IPv4")
		}
		if boolv(s.AssignIpv6AddressOnCreation) {
			auto = append(auto, "IPv6")
		}
		c.Check(len(auto) == 0, arn, "subnet "+id+" assigns no public address on launch",
			"subnet "+id+" of "+aws(s.VpcId)+" assigns "+strings.Join(auto, " and ")+" addresses on launch")
	}
	return nil
}

func checkNACLInUse(c *Ctx) error {
	out, err := ec2Out[ec2.DescribeNetworkAclsOutput](c, "DescribeNetworkAcls")
	if err != nil {
		return err
	}
	if len(out.NetworkAcls) == 0 {
		c.NA("", "no network ACLs in %s", c.Region)
	}
	for _, n := range out.NetworkAcls {
		id := aws(n.NetworkAclId)
		arn := c.arn("ec2", c.Region, c.Account.Id, "network-acl/"+id)
		c.Check(len(n.Associations) > 0, arn, fmt.Sprintf("network ACL %s is associated with %d subnets", id, len(n.Associations)),
			"network ACL "+id+" of "+aws(n.VpcId)+" is associated with no subnet")
	}
	return nil
}

func checkSingleENI(c *Ctx) error {
	return eachInstance(c, func(i ec2types.Instance, arn string) {
		n := len(i.NetworkInterfaces)
		c.Check(n <= 1, arn, "instance "+aws(i.InstanceId)+" uses one network interface",
			fmt.Sprintf("instance %s uses %d network interfaces", aws(i.InstanceId), n))
	})
}

// highRiskPorts are the ports Security Hub's EC2.19 judges (its custom
// rule vpc-sg-restricted-common-ports).
var highRiskPorts = []int32{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389,
	4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

func portList(ps []int32) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ", ")
}

// admitsPort reports whether a permission admits TCP or UDP traffic to
// port (all protocols do).
func admitsPort(p ec2types.IpPermission, port int32) bool {
	switch aws(p.IpProtocol) {
	case "-1", "all":
		return true
	case "tcp", "6", "udp", "17":
		if p.FromPort == nil || p.ToPort == nil || *p.FromPort == -1 {
			return true
		}
		return *p.FromPort <= port && port <= *p.ToPort
	}
	return false
}

func checkSGHighRisk(c *Ctx) error {
	sgs, err := securityGroups(c)
	if err != nil {
		return err
	}
	for _, g := range sgs {
		open := map[int32]bool{}
		for _, p := range g.IpPermissions {
			if len(openSources(p)) == 0 {
				continue
			}
			for _, port := range highRiskPorts {
				if admitsPort(p, port) {
					open[port] = true
				}
			}
		}
		var ports []int32
		for p := range open {
			ports = append(ports, p)
		}
		sort.Slice(ports, func(i, j int) bool { return ports[i] < ports[j] })
		c.Check(len(ports) == 0, sgArn(c, g), "no high-risk port open to anywhere",
			fmt.Sprintf("%s (%s) allows high-risk ports %s from 0.0.0.0/0 or ::/0", aws(g.GroupId), aws(g.GroupName), portList(ports)))
	}
	return nil
}

func checkVPNTunnels(c *Ctx) error {
	out, err := ec2Out[ec2.DescribeVpnConnectionsOutput](c, "DescribeVpnConnections")
	if err != nil {
		return err
	}
	n := 0
	for _, v := range out.VpnConnections {
		id := aws(v.VpnConnectionId)
		arn := c.arn("ec2", c.Region, c.Account.Id, "vpn-connection/"+id)
		if v.State == ec2types.VpnStateDeleted || v.State == ec2types.VpnStateDeleting {
			continue
		}
		n++
		var down []string
		for _, t := range v.VgwTelemetry {
			if t.Status != ec2types.TelemetryStatusUp {
				down = append(down, nonEmpty(aws(t.OutsideIpAddress), "?")+" "+nonEmpty(string(t.Status), "no status"))
			}
		}
		switch {
		case len(down) > 0:
			c.Fail(arn, "VPN connection %s has tunnels not UP: %s", id, strings.Join(down, ", "))
		case len(v.VgwTelemetry) < 2:
			c.Fail(arn, "VPN connection %s reports %d tunnel(s), not two UP", id, len(v.VgwTelemetry))
		default:
			c.Pass(arn, "both tunnels of VPN connection %s are UP", id)
		}
	}
	if n == 0 {
		c.NA("", "no Site-to-Site VPN connections in %s", c.Region)
	}
	return nil
}

func checkSGInUse(c *Ctx) error {
	sgs, err := securityGroups(c)
	if err != nil {
		return err
	}
	enis, err := ec2Out[ec2.DescribeNetworkInterfacesOutput](c, "DescribeNetworkInterfaces")
	if err != nil {
		return err
	}
	used := map[string]string{}
	for _, e := range enis.NetworkInterfaces {
		for _, g := range e.Groups {
			used[aws(g.GroupId)] = aws(e.NetworkInterfaceId)
		}
	}
	for _, g := range sgs {
		id, arn := aws(g.GroupId), sgArn(c, g)
		switch {
		case aws(g.GroupName) == "default":
			c.NA(arn, "%s is a default security group", id)
		case aws(g.OwnerId) != "" && aws(g.OwnerId) != c.Account.Id:
			c.NA(arn, "%s is owned by %s", id, aws(g.OwnerId))
		case used[id] != "":
			c.Pass(arn, "%s (%s) is attached to %s", id, aws(g.GroupName), used[id])
		default:
			c.Fail(arn, "%s (%s) is attached to no network interface", id, aws(g.GroupName))
		}
	}
	return nil
}

func checkTGWAutoAccept(c *Ctx) error {
	out, err := ec2Out[ec2.DescribeTransitGatewaysOutput](c, "DescribeTransitGateways")
	if err != nil {
		return err
	}
	n := 0
	for _, t := range out.TransitGateways {
		if t.State == ec2types.TransitGatewayStateDeleted || t.State == ec2types.TransitGatewayStateDeleting {
			continue
		}
		if aws(t.OwnerId) != "" && aws(t.OwnerId) != c.Account.Id {
			continue // a transit gateway shared with the account: its owner's to judge
		}
		n++
		id := aws(t.TransitGatewayId)
		arn := nonEmpty(aws(t.TransitGatewayArn), c.arn("ec2", c.Region, c.Account.Id, "transit-gateway/"+id))
		auto := t.Options != nil && t.Options.AutoAcceptSharedAttachments == ec2types.AutoAcceptSharedAttachmentsValueEnable
		c.Check(!auto, arn, "transit gateway "+id+" does not accept shared attachments automatically",
			"transit gateway "+id+" accepts shared VPC attachments automatically (AutoAcceptSharedAttachments=enable)")
	}
	if n == 0 {
		c.NA("", "no transit gateways owned in %s", c.Region)
	}
	return nil
}

func checkRouteToIGW(c *Ctx) error {
	out, err := ec2Out[ec2.DescribeRouteTablesOutput](c, "DescribeRouteTables")
	if err != nil {
		return err
	}
	if len(out.RouteTables) == 0 {
		c.NA("", "no route tables in %s", c.Region)
	}
	for _, t := range out.RouteTables {
		id := aws(t.RouteTableId)
		arn := c.arn("ec2", c.Region, c.Account.Id, "route-table/"+id)
		var bad []string
		for _, r := range t.Routes {
			gw := aws(r.GatewayId)
			if !strings.HasPrefix(gw, "igw-") {
				continue
			}
			if d := aws(r.DestinationCidrBlock); d == "0.0.0.0/0" {
				bad = append(bad, d+" → "+gw)
			}
			if d := aws(r.DestinationIpv6CidrBlock); d == "::/0" {
				bad = append(bad, d+" → "+gw)
			}
		}
		c.Check(len(bad) == 0, arn, "route table "+id+" has no default route to an internet gateway",
			"route table "+id+" of "+aws(t.VpcId)+" routes "+strings.Join(bad, ", "))
	}
	return nil
}
