package awstest

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// netState is the VPC networking of one account and region: the stored
// answers of the Describe* reads that the VPC writes change together.
// It is loaded, changed and stored under writeMu (ec2Tx), so a write
// that touches several kinds of resource (CreateVpc adds the main route
// table) is seen whole or not at all.
type netState struct {
	account, region string

	vpcs    ec2.DescribeVpcsOutput
	subnets ec2.DescribeSubnetsOutput
	igws    ec2.DescribeInternetGatewaysOutput
	rts     ec2.DescribeRouteTablesOutput
	nats    ec2.DescribeNatGatewaysOutput
	addrs   ec2.DescribeAddressesOutput
	flows   ec2.DescribeFlowLogsOutput
}

type netPart struct {
	op string
	v  any
}

func (n *netState) parts() []netPart {
	return []netPart{
		{"DescribeVpcs", &n.vpcs}, {"DescribeSubnets", &n.subnets}, {"DescribeInternetGateways", &n.igws},
		{"DescribeRouteTables", &n.rts}, {"DescribeNatGateways", &n.nats}, {"DescribeAddresses", &n.addrs},
		{"DescribeFlowLogs", &n.flows},
	}
}

// ec2Tx loads the networking of an account and region, lets fn change
// it, and stores it when fn succeeds.
func (s *Server) ec2Tx(account, region string, fn func(*netState) error) error {
	writeMu.Lock()
	defer writeMu.Unlock()
	n := &netState{account: account, region: region}
	for _, p := range n.parts() {
		raw, _, _, err := s.lookup(account, region, "ec2", p.op, "")
		if err != nil {
			return err
		}
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, p.v); err != nil {
				return fmt.Errorf("stored ec2 %s: %w", p.op, err)
			}
		}
	}
	if err := fn(n); err != nil {
		return err
	}
	for _, p := range n.parts() {
		if err := s.SetOutput(account, region, "ec2", p.op, "", p.v); err != nil {
			return err
		}
	}
	return nil
}

// newID returns a resource id of the form prefix-<17 hex digits>.
func (s *Server) newID(prefix string) string {
	return fmt.Sprintf("%s-%017x", prefix, 0x1000+s.orgState.next())
}

func (n *netState) vpc(id string) *ec2types.Vpc {
	for i := range n.vpcs.Vpcs {
		if aws.ToString(n.vpcs.Vpcs[i].VpcId) == id {
			return &n.vpcs.Vpcs[i]
		}
	}
	return nil
}

func (n *netState) subnet(id string) *ec2types.Subnet {
	for i := range n.subnets.Subnets {
		if aws.ToString(n.subnets.Subnets[i].SubnetId) == id {
			return &n.subnets.Subnets[i]
		}
	}
	return nil
}

func (n *netState) igw(id string) *ec2types.InternetGateway {
	for i := range n.igws.InternetGateways {
		if aws.ToString(n.igws.InternetGateways[i].InternetGatewayId) == id {
			return &n.igws.InternetGateways[i]
		}
	}
	return nil
}

func (n *netState) routeTable(id string) *ec2types.RouteTable {
	for i := range n.rts.RouteTables {
		if aws.ToString(n.rts.RouteTables[i].RouteTableId) == id {
			return &n.rts.RouteTables[i]
		}
	}
	return nil
}

func (n *netState) nat(id string) *ec2types.NatGateway {
	for i := range n.nats.NatGateways {
		if aws.ToString(n.nats.NatGateways[i].NatGatewayId) == id {
			return &n.nats.NatGateways[i]
		}
	}
	return nil
}

func (n *netState) address(id string) *ec2types.Address {
	for i := range n.addrs.Addresses {
		if aws.ToString(n.addrs.Addresses[i].AllocationId) == id {
			return &n.addrs.Addresses[i]
		}
	}
	return nil
}

// attachedIGW returns the internet gateway attached to a VPC, or nil.
func (n *netState) attachedIGW(vpcID string) *ec2types.InternetGateway {
	for i := range n.igws.InternetGateways {
		for _, a := range n.igws.InternetGateways[i].Attachments {
			if aws.ToString(a.VpcId) == vpcID {
				return &n.igws.InternetGateways[i]
			}
		}
	}
	return nil
}

// tagSpecs reads TagSpecification.N.{ResourceType,Tag.M.Key,Tag.M.Value}
// and returns the tags for one resource type.
func tagSpecs(req *Request, resourceType string) []ec2types.Tag {
	var out []ec2types.Tag
	for i := 1; ; i++ {
		p := "TagSpecification." + strconv.Itoa(i) + "."
		rt := req.Form.Get(p + "ResourceType")
		if rt == "" {
			return out
		}
		if rt != resourceType {
			continue
		}
		for j := 1; ; j++ {
			q := p + "Tag." + strconv.Itoa(j) + "."
			k := req.Form.Get(q + "Key")
			if k == "" {
				break
			}
			out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(req.Form.Get(q + "Value"))})
		}
	}
}

// parseCIDR reads an IPv4 CIDR block in canonical form (the network
// address, no host bits), as EC2 requires.
func parseCIDR(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, false
	}
	return p, true
}

// cidrContains reports whether outer holds all of inner.
func cidrContains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// zones are the Availability Zones the local AWS has in a region: six
// in us-east-1, three elsewhere.
func zones(region string) []string {
	n := 3
	if region == "us-east-1" {
		n = 6
	}
	out := make([]string, n)
	for i := range out {
		out[i] = region + string(rune('a'+i))
	}
	return out
}

func zoneID(region, zone string) string {
	return fmt.Sprintf("%s-az%c", region, zone[len(zone)-1]-'a'+'1')
}
