package demo

import "fmt"

// The VPC networking plants (rules ec2.subnet-no-auto-public-ip,
// ec2.eip-attached, ec2.no-unrestricted-route-to-igw, ec2.nacl-in-use,
// ec2.tgw-no-auto-accept, ec2.vpn-tunnels-up, ec2.peering-routes-least-access). Their names start with
// "net-", which keeps them out of synthetic organizations.
var netPlants = map[string]plant{
	"net-subnet-public-ip": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		s := rr.vpcs[0].subnets[len(rr.vpcs[0].subnets)-1]
		rr.netState().publicSubnets[s] = true
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", home, a.Id, s), "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED")
	}},
	"net-eip-unattached": {fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		n := w.region(a, home).netState()
		n.unattachedEIP = "eipalloc-0" + randString(a.rng, hexDigits, 16)
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:elastic-ip/%s", home, a.Id, n.unattachedEIP), "EIP_ATTACHED")
	}},
	"net-igw-route": {fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		n := w.region(a, home).netState()
		n.igwTable, n.igwID = ec2ID(a.rng, "rtb"), ec2ID(a.rng, "igw")
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:route-table/%s", home, a.Id, n.igwTable), "NO_UNRESTRICTED_ROUTE_TO_IGW")
	}},
	"net-nacl-unused": {fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		n := rr.netState()
		n.spareNACL, n.spareVPC = ec2ID(a.rng, "acl"), rr.vpcs[0].id
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:network-acl/%s", home, a.Id, n.spareNACL), "VPC_NETWORK_ACL_UNUSED_CHECK")
	}},
	"net-tgw-auto-accept": {fn: func(w *world, a *acct) []violation {
		r := w.otherRegion(a)
		w.region(a, r).netState().autoAccept = true
		return v(a, r, fmt.Sprintf("arn:aws:ec2:%s:%s:transit-gateway/%s", r, a.Id, w.transitGatewayID(r)), "EC2_TRANSIT_GATEWAY_AUTO_VPC_ATTACH_DISABLED")
	}},
	"net-vpn-tunnel-down": {fn: func(w *world, a *acct) []violation {
		w.region(a, w.home).netState().vpnDown = true
		return v(a, w.home, fmt.Sprintf("arn:aws:ec2:%s:%s:vpn-connection/%s", w.home, a.Id, vpnConnectionID(w)), "VPC_VPN_2_TUNNELS_UP")
	}},
	"net-peering-wide-route": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		n := w.region(a, home).netState()
		n.peerTable, n.peerID = ec2ID(a.rng, "rtb"), ec2ID(a.rng, "pcx")
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:route-table/%s", home, a.Id, n.peerTable), "ec2.peering-routes-least-access")
	}},
	"net-firewall-no-logging": {fn: func(w *world, a *acct) []violation {
		w.region(a, w.home).netState().firewallNoLogging = true
		return v(a, w.home, firewallARN(a, w.home), "NETFW_LOGGING_ENABLED")
	}},
}

func init() {
	for name, p := range netPlants {
		plants[name] = p
	}
	kumoPlants = append(kumoPlants, []struct{ account, plant string }{
		{"loyalty-staging", "net-subnet-public-ip"},
		{"orders-dev", "net-eip-unattached"},
		{"sandbox-ben", "net-igw-route"},
		{"payments-staging", "net-nacl-unused"},
		{"network", "net-tgw-auto-accept"},
		{"network", "net-vpn-tunnel-down"},
		{"network", "net-firewall-no-logging"},
		{"orders-staging", "net-peering-wide-route"},
	}...)
}
