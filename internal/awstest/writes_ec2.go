package awstest

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// registerEC2Writes adds the security-group rule revocations: the rules
// named in the request are removed from the group's stored
// DescribeSecurityGroups answer; rules the group does not have come back
// as UnknownIpPermissions, as AWS reports them.
func (s *Server) registerEC2Writes() {
	s.Register("ec2", "RevokeSecurityGroupIngress", HandlerFunc(s.revokeSG(false)))
	s.Register("ec2", "RevokeSecurityGroupEgress", HandlerFunc(s.revokeSG(true)))
}

func (s *Server) revokeSG(egress bool) func(context.Context, *Request) (any, error) {
	return func(_ context.Context, req *Request) (any, error) {
		id := req.Param("GroupId")
		if id == "" {
			return nil, Errorf("MissingParameter", "The request must contain the parameter GroupId")
		}
		perms := formPermissions(req.Form)
		var unknown []ec2types.IpPermission
		found := false
		err := modify(s, req.Account(), req.Region, "ec2", "DescribeSecurityGroups", "", func(out *ec2.DescribeSecurityGroupsOutput) error {
			for i := range out.SecurityGroups {
				g := &out.SecurityGroups[i]
				if aws.ToString(g.GroupId) != id {
					continue
				}
				found = true
				have := &g.IpPermissions
				if egress {
					have = &g.IpPermissionsEgress
				}
				*have, unknown = removeRules(*have, perms)
			}
			if !found {
				return Errorf("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if egress {
			return &ec2.RevokeSecurityGroupEgressOutput{Return: aws.Bool(true), UnknownIpPermissions: unknown}, nil
		}
		return &ec2.RevokeSecurityGroupIngressOutput{Return: aws.Bool(true), UnknownIpPermissions: unknown}, nil
	}
}

// formPermissions reads IpPermissions.N.* from an EC2 Query form.
func formPermissions(f url.Values) []ec2types.IpPermission {
	var out []ec2types.IpPermission
	for n := 1; ; n++ {
		p := fmt.Sprintf("IpPermissions.%d.", n)
		proto := f.Get(p + "IpProtocol")
		if proto == "" {
			return out
		}
		perm := ec2types.IpPermission{IpProtocol: aws.String(proto), FromPort: formInt(f, p+"FromPort"), ToPort: formInt(f, p+"ToPort")}
		for i := 1; f.Get(fmt.Sprintf("%sIpRanges.%d.CidrIp", p, i)) != ""; i++ {
			perm.IpRanges = append(perm.IpRanges, ec2types.IpRange{CidrIp: aws.String(f.Get(fmt.Sprintf("%sIpRanges.%d.CidrIp", p, i)))})
		}
		for i := 1; f.Get(fmt.Sprintf("%sIpv6Ranges.%d.CidrIpv6", p, i)) != ""; i++ {
			perm.Ipv6Ranges = append(perm.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String(f.Get(fmt.Sprintf("%sIpv6Ranges.%d.CidrIpv6", p, i)))})
		}
		for i := 1; f.Get(fmt.Sprintf("%sPrefixListIds.%d.PrefixListId", p, i)) != ""; i++ {
			perm.PrefixListIds = append(perm.PrefixListIds, ec2types.PrefixListId{PrefixListId: aws.String(f.Get(fmt.Sprintf("%sPrefixListIds.%d.PrefixListId", p, i)))})
		}
		for i := 1; f.Get(fmt.Sprintf("%sGroups.%d.GroupId", p, i)) != ""; i++ {
			perm.UserIdGroupPairs = append(perm.UserIdGroupPairs, ec2types.UserIdGroupPair{GroupId: aws.String(f.Get(fmt.Sprintf("%sGroups.%d.GroupId", p, i)))})
		}
		out = append(out, perm)
	}
}

func formInt(f url.Values, key string) *int32 {
	n, err := strconv.Atoi(f.Get(key))
	if err != nil {
		return nil
	}
	v := int32(n)
	return &v
}

// sgRule is one source of one permission: protocol, ports and a CIDR,
// IPv6 CIDR, prefix list or group.
type sgRule struct{ proto, from, to, kind, source string }

func sgRules(p ec2types.IpPermission) []sgRule {
	base := sgRule{proto: aws.ToString(p.IpProtocol)}
	if p.FromPort != nil {
		base.from = strconv.Itoa(int(*p.FromPort))
	}
	if p.ToPort != nil {
		base.to = strconv.Itoa(int(*p.ToPort))
	}
	var out []sgRule
	add := func(kind string, src *string) {
		r := base
		r.kind, r.source = kind, aws.ToString(src)
		out = append(out, r)
	}
	for _, r := range p.IpRanges {
		add("cidr", r.CidrIp)
	}
	for _, r := range p.Ipv6Ranges {
		add("cidr6", r.CidrIpv6)
	}
	for _, r := range p.PrefixListIds {
		add("pl", r.PrefixListId)
	}
	for _, r := range p.UserIdGroupPairs {
		add("sg", r.GroupId)
	}
	return out
}

// keepSources returns p with only the sources keep accepts, and
// whether any is left.
func keepSources(p ec2types.IpPermission, keep func(sgRule) bool) (ec2types.IpPermission, bool) {
	q := p
	q.IpRanges, q.Ipv6Ranges, q.PrefixListIds, q.UserIdGroupPairs = nil, nil, nil, nil
	for _, r := range p.IpRanges {
		if keep(sgRule{kind: "cidr", source: aws.ToString(r.CidrIp)}) {
			q.IpRanges = append(q.IpRanges, r)
		}
	}
	for _, r := range p.Ipv6Ranges {
		if keep(sgRule{kind: "cidr6", source: aws.ToString(r.CidrIpv6)}) {
			q.Ipv6Ranges = append(q.Ipv6Ranges, r)
		}
	}
	for _, r := range p.PrefixListIds {
		if keep(sgRule{kind: "pl", source: aws.ToString(r.PrefixListId)}) {
			q.PrefixListIds = append(q.PrefixListIds, r)
		}
	}
	for _, r := range p.UserIdGroupPairs {
		if keep(sgRule{kind: "sg", source: aws.ToString(r.GroupId)}) {
			q.UserIdGroupPairs = append(q.UserIdGroupPairs, r)
		}
	}
	return q, len(q.IpRanges)+len(q.Ipv6Ranges)+len(q.PrefixListIds)+len(q.UserIdGroupPairs) > 0
}

// removeRules drops every rule of del from have; it returns what is left
// and the permissions of del the group did not have.
func removeRules(have, del []ec2types.IpPermission) ([]ec2types.IpPermission, []ec2types.IpPermission) {
	drop, present := map[sgRule]bool{}, map[sgRule]bool{}
	for _, p := range del {
		for _, r := range sgRules(p) {
			drop[r] = true
		}
	}
	var kept []ec2types.IpPermission
	for _, p := range have {
		rules := sgRules(p)
		for _, r := range rules {
			present[r] = true
		}
		base := rules
		q, ok := keepSources(p, func(src sgRule) bool {
			if len(base) == 0 {
				return true
			}
			r := base[0]
			r.kind, r.source = src.kind, src.source
			return !drop[r]
		})
		if ok {
			kept = append(kept, q)
		}
	}
	var unknown []ec2types.IpPermission
	for _, p := range del {
		for _, r := range sgRules(p) {
			if !present[r] {
				unknown = append(unknown, p)
				break
			}
		}
	}
	return kept, unknown
}
