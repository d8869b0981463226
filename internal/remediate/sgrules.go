package remediate

import (
	"errors"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// code returns the AWS error code of err, or "".
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// ruleKey names one security-group rule: a protocol, a port range and
// one source (IPv4 or IPv6 range, prefix list or group).
type ruleKey struct{ proto, ports, kind, source string }

func portKey(p ec2types.IpPermission) string {
	from, to := "", ""
	if p.FromPort != nil {
		from = strconv.Itoa(int(*p.FromPort))
	}
	if p.ToPort != nil {
		to = strconv.Itoa(int(*p.ToPort))
	}
	return from + "-" + to
}

// eachRule calls fn for every rule of a permission; fn returns whether
// to keep it, and eachRule returns the permission with the kept rules.
func eachRule(p ec2types.IpPermission, fn func(ruleKey) bool) ec2types.IpPermission {
	k := ruleKey{proto: aws.ToString(p.IpProtocol), ports: portKey(p)}
	at := func(kind, src string) ruleKey { r := k; r.kind, r.source = kind, src; return r }
	q := p
	q.IpRanges, q.Ipv6Ranges, q.PrefixListIds, q.UserIdGroupPairs = nil, nil, nil, nil
	for _, r := range p.IpRanges {
		if fn(at("ipv4", aws.ToString(r.CidrIp))) {
			q.IpRanges = append(q.IpRanges, r)
		}
	}
	for _, r := range p.Ipv6Ranges {
		if fn(at("ipv6", aws.ToString(r.CidrIpv6))) {
			q.Ipv6Ranges = append(q.Ipv6Ranges, r)
		}
	}
	for _, r := range p.PrefixListIds {
		if fn(at("prefix-list", aws.ToString(r.PrefixListId))) {
			q.PrefixListIds = append(q.PrefixListIds, r)
		}
	}
	for _, r := range p.UserIdGroupPairs {
		if fn(at("group", aws.ToString(r.UserId)+"/"+aws.ToString(r.GroupId))) {
			q.UserIdGroupPairs = append(q.UserIdGroupPairs, r)
		}
	}
	return q
}

func ruleCount(p ec2types.IpPermission) int {
	return len(p.IpRanges) + len(p.Ipv6Ranges) + len(p.PrefixListIds) + len(p.UserIdGroupPairs)
}

func countRules(ps []ec2types.IpPermission) int {
	n := 0
	for _, p := range ps {
		n += ruleCount(p)
	}
	return n
}

// intersectRules keeps the planned rules the live group still has. It
// returns them, how many rules were planned, and how many live rules
// the plan does not name.
func intersectRules(planned, live []ec2types.IpPermission) (keep []ec2types.IpPermission, plannedN, extra int) {
	have, want := map[ruleKey]bool{}, map[ruleKey]bool{}
	for _, p := range live {
		eachRule(p, func(k ruleKey) bool { have[groupless(k)] = true; return true })
	}
	for _, p := range planned {
		plannedN += ruleCount(p)
		q := eachRule(p, func(k ruleKey) bool { want[groupless(k)] = true; return have[groupless(k)] })
		if ruleCount(q) > 0 {
			keep = append(keep, q)
		}
	}
	for k := range have {
		if !want[k] {
			extra++
		}
	}
	return keep, plannedN, extra
}

// groupless drops the owner account of a group source, which
// DescribeSecurityGroups reports and the planned rule may not.
func groupless(k ruleKey) ruleKey {
	if k.kind == "group" {
		for i := len(k.source) - 1; i >= 0; i-- {
			if k.source[i] == '/' {
				k.source = k.source[i+1:]
				break
			}
		}
	}
	return k
}
