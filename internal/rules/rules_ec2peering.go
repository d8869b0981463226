package rules

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(&Rule{ID: "ec2.peering-routes-least-access", Title: "Routes over VPC peering connections reach specific subnets, not the whole peer VPC", Severity: severity.Medium,
		Scope: ScopeRegion, ResourceType: "AWS::EC2::RouteTable", Services: []string{"ec2"},
		Reads:       []string{"ec2:DescribeRouteTables", "ec2:DescribeVpcPeeringConnections"},
		Rationale:   "A peering route to 0.0.0.0/0, ::/0 or the peer VPC's whole CIDR makes every host of the peer reachable; routes to the subnets the peering is for keep a breach on one side from spreading to the other.",
		Remediation: "Replace the broad route with routes to the peer subnets (or hosts) that need to be reached: aws ec2 delete-route, then aws ec2 create-route --destination-cidr-block <subnet CIDR> --vpc-peering-connection-id <pcx>.",
		Mappings:    findings.Mappings{CIS: "5.5", NistCsf: "PR.IR"},
		check:       checkPeeringRoutes})
}

// peerCIDRs returns, per peering connection id, the CIDR blocks of the
// VPC on the other side of vpc (IPv4 and IPv6).
func peerCIDRs(out *ec2.DescribeVpcPeeringConnectionsOutput) map[string]map[string][]string {
	m := map[string]map[string][]string{} // pcx -> this side's VPC -> the other side's CIDRs
	blocks := func(v *ec2types.VpcPeeringConnectionVpcInfo) []string {
		if v == nil {
			return nil
		}
		set := map[string]bool{}
		if c := aws(v.CidrBlock); c != "" {
			set[c] = true
		}
		for _, b := range v.CidrBlockSet {
			if c := aws(b.CidrBlock); c != "" {
				set[c] = true
			}
		}
		for _, b := range v.Ipv6CidrBlockSet {
			if c := aws(b.Ipv6CidrBlock); c != "" {
				set[c] = true
			}
		}
		var s []string
		for c := range set {
			s = append(s, c)
		}
		sort.Strings(s)
		return s
	}
	for _, p := range out.VpcPeeringConnections {
		id := aws(p.VpcPeeringConnectionId)
		if id == "" || p.AccepterVpcInfo == nil || p.RequesterVpcInfo == nil {
			continue
		}
		req, acc := aws(p.RequesterVpcInfo.VpcId), aws(p.AccepterVpcInfo.VpcId)
		m[id] = map[string][]string{req: blocks(p.AccepterVpcInfo), acc: blocks(p.RequesterVpcInfo)}
	}
	return m
}

// covers reports whether the prefix dst contains the whole of block.
func covers(dst, block string) bool {
	d, err1 := netip.ParsePrefix(dst)
	b, err2 := netip.ParsePrefix(block)
	if err1 != nil || err2 != nil || d.Addr().Is4() != b.Addr().Is4() {
		return false
	}
	return d.Bits() <= b.Bits() && d.Contains(b.Masked().Addr())
}

// peeringTarget is the peering connection a route sends traffic to
// (the CIS audit looks for a GatewayId pointing to pcx-…; the API names
// it VpcPeeringConnectionId).
func peeringTarget(r ec2types.Route) string {
	if id := aws(r.VpcPeeringConnectionId); id != "" {
		return id
	}
	if gw := aws(r.GatewayId); strings.HasPrefix(gw, "pcx-") {
		return gw
	}
	return ""
}

func checkPeeringRoutes(c *Ctx) error {
	rts, err := ec2Out[ec2.DescribeRouteTablesOutput](c, "DescribeRouteTables")
	if err != nil {
		return err
	}
	pcxOut, err := ec2Out[ec2.DescribeVpcPeeringConnectionsOutput](c, "DescribeVpcPeeringConnections")
	if err != nil {
		return err
	}
	peers := peerCIDRs(pcxOut)
	judged := 0
	for _, t := range rts.RouteTables {
		id, vpc := aws(t.RouteTableId), aws(t.VpcId)
		arn := c.arn("ec2", c.Region, c.Account.Id, "route-table/"+id)
		var bad, ok []string
		// covered[pcx][block]: a route of this table over pcx covers the peer block.
		covered := map[string]map[string]bool{}
		for _, r := range t.Routes {
			pcx := peeringTarget(r)
			if pcx == "" {
				continue
			}
			for _, dst := range []string{aws(r.DestinationCidrBlock), aws(r.DestinationIpv6CidrBlock)} {
				if dst == "" {
					continue
				}
				if dst == "0.0.0.0/0" || dst == "::/0" {
					bad = append(bad, dst+" → "+pcx)
					continue
				}
				ok = append(ok, dst+" → "+pcx)
				for _, b := range peers[pcx][vpc] {
					if covers(dst, b) {
						if covered[pcx] == nil {
							covered[pcx] = map[string]bool{}
						}
						covered[pcx][b] = true
					}
				}
			}
			if aws(r.DestinationPrefixListId) != "" {
				ok = append(ok, aws(r.DestinationPrefixListId)+" → "+pcx)
			}
		}
		if len(bad) == 0 && len(ok) == 0 {
			continue
		}
		judged++
		var whole []string
		for _, pcx := range sortedKeys(covered) {
			all := peers[pcx][vpc]
			if len(all) > 0 && len(covered[pcx]) == len(all) {
				whole = append(whole, "the whole peer VPC ("+strings.Join(all, ", ")+") → "+pcx)
			}
		}
		bad = append(bad, whole...)
		c.Check(len(bad) == 0, arn, "route table "+id+" routes only specific peer ranges: "+strings.Join(ok, ", "),
			"route table "+id+" of "+vpc+" routes "+strings.Join(bad, ", "))
	}
	if judged == 0 {
		c.NA("", "no route table in %s routes over a VPC peering connection", c.Region)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}
