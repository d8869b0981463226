package awstest

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ipamState is Amazon VPC IPAM: IPAMs with their private scope, pools
// with a locale (the Region whose VPCs may draw from them) and their
// provisioned CIDRs, and the allocations VPCs took. Pools are shared
// (as through AWS RAM) with every account of the server, so a member
// account's CreateVpc can name the network account's pool.
type ipamState struct {
	mu    sync.Mutex
	ipams []ec2types.Ipam
	pools []*ipamPool
}

type ipamPool struct {
	pool        ec2types.IpamPool
	provisioned []netip.Prefix
	allocs      []ec2types.IpamPoolAllocation
}

func (p *ipamPool) id() string { return aws.ToString(p.pool.IpamPoolId) }

func (st *ipamState) find(id string) *ipamPool {
	for _, p := range st.pools {
		if p.id() == id {
			return p
		}
	}
	return nil
}

// registerIPAM serves the IPAM calls an organization's network team
// makes to set a pool up (CreateIpam, CreateIpamPool,
// ProvisionIpamPoolCidr) and the reads (DescribeIpams,
// DescribeIpamPools, GetIpamPoolAllocations); CreateVpc draws from a
// pool through allocateFromIPAM.
func (s *Server) registerIPAM() {
	st := &s.ipam
	s.Register("ec2", "CreateIpam", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		id := s.newID("ipam")
		ip := ec2types.Ipam{IpamId: aws.String(id), OwnerId: aws.String(req.Account()), IpamRegion: aws.String(req.Region),
			IpamArn:               aws.String(fmt.Sprintf("arn:aws:ec2::%s:ipam/%s", req.Account(), id)),
			PrivateDefaultScopeId: aws.String(s.newID("ipam-scope")), PublicDefaultScopeId: aws.String(s.newID("ipam-scope")),
			State: ec2types.IpamStateCreateComplete, Description: aws.String(req.Param("Description"))}
		for i := 1; ; i++ {
			r := req.Param(fmt.Sprintf("OperatingRegion.%d.RegionName", i))
			if r == "" {
				break
			}
			ip.OperatingRegions = append(ip.OperatingRegions, ec2types.IpamOperatingRegion{RegionName: aws.String(r)})
		}
		if len(ip.OperatingRegions) == 0 {
			ip.OperatingRegions = []ec2types.IpamOperatingRegion{{RegionName: aws.String(req.Region)}}
		}
		st.ipams = append(st.ipams, ip)
		return &ec2.CreateIpamOutput{Ipam: &ip}, nil
	}))
	s.Register("ec2", "DescribeIpams", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		out := &ec2.DescribeIpamsOutput{Ipams: []ec2types.Ipam{}}
		for _, ip := range st.ipams {
			if aws.ToString(ip.OwnerId) == req.Account() {
				out.Ipams = append(out.Ipams, ip)
			}
		}
		return out, nil
	}))
	s.Register("ec2", "CreateIpamPool", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		scope := req.Param("IpamScopeId")
		var owner *ec2types.Ipam
		for k := range st.ipams {
			if aws.ToString(st.ipams[k].PrivateDefaultScopeId) == scope || aws.ToString(st.ipams[k].PublicDefaultScopeId) == scope {
				owner = &st.ipams[k]
			}
		}
		if owner == nil {
			return nil, Errorf("InvalidIpamScopeId.NotFound", "The scope ID '%s' does not exist", scope)
		}
		if af := req.Param("AddressFamily"); af != "ipv4" {
			return nil, Errorf("InvalidParameterValue", "AddressFamily %q is not supported here (ipv4 only)", af)
		}
		locale := req.Param("Locale")
		if locale != "" && !operates(owner, locale) {
			return nil, Errorf("InvalidParameterValue", "The locale %s is not an operating Region of the IPAM", locale)
		}
		id := s.newID("ipam-pool")
		p := ec2types.IpamPool{IpamPoolId: aws.String(id), IpamScopeArn: aws.String(fmt.Sprintf("arn:aws:ec2::%s:ipam-scope/%s", aws.ToString(owner.OwnerId), scope)), IpamArn: owner.IpamArn,
			IpamPoolArn: aws.String(fmt.Sprintf("arn:aws:ec2::%s:ipam-pool/%s", req.Account(), id)),
			OwnerId:     aws.String(req.Account()), IpamRegion: owner.IpamRegion, Locale: aws.String(locale),
			AddressFamily: ec2types.AddressFamilyIpv4, State: ec2types.IpamPoolStateCreateComplete,
			IpamScopeType: ec2types.IpamScopeTypePrivate, Description: aws.String(req.Param("Description"))}
		if v, ok := intParam(req, "AllocationMinNetmaskLength"); ok {
			p.AllocationMinNetmaskLength = aws.Int32(v)
		}
		if v, ok := intParam(req, "AllocationMaxNetmaskLength"); ok {
			p.AllocationMaxNetmaskLength = aws.Int32(v)
		}
		if v, ok := intParam(req, "AllocationDefaultNetmaskLength"); ok {
			p.AllocationDefaultNetmaskLength = aws.Int32(v)
		}
		st.pools = append(st.pools, &ipamPool{pool: p})
		return &ec2.CreateIpamPoolOutput{IpamPool: &p}, nil
	}))
	s.Register("ec2", "ProvisionIpamPoolCidr", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		p := st.find(req.Param("IpamPoolId"))
		if p == nil || aws.ToString(p.pool.OwnerId) != req.Account() {
			return nil, Errorf("InvalidIpamPoolId.NotFound", "The pool ID '%s' does not exist", req.Param("IpamPoolId"))
		}
		c, ok := parseCIDR(req.Param("Cidr"))
		if !ok {
			return nil, Errorf("InvalidParameterValue", "The CIDR '%s' is invalid.", req.Param("Cidr"))
		}
		for _, o := range p.provisioned {
			if o.Overlaps(c) {
				return nil, Errorf("InvalidParameterValue", "The CIDR %s overlaps %s, already provisioned to the pool.", c, o)
			}
		}
		p.provisioned = append(p.provisioned, c)
		return &ec2.ProvisionIpamPoolCidrOutput{IpamPoolCidr: &ec2types.IpamPoolCidr{Cidr: aws.String(c.String()),
			State: ec2types.IpamPoolCidrStateProvisioned}}, nil
	}))
	s.Register("ec2", "DescribeIpamPools", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		out := &ec2.DescribeIpamPoolsOutput{IpamPools: []ec2types.IpamPool{}}
		for _, p := range st.pools {
			out.IpamPools = append(out.IpamPools, p.pool) // shared with every account
		}
		return out, nil
	}))
	s.Register("ec2", "GetIpamPoolAllocations", HandlerFunc(func(_ context.Context, req *Request) (any, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		p := st.find(req.Param("IpamPoolId"))
		if p == nil {
			return nil, Errorf("InvalidIpamPoolId.NotFound", "The pool ID '%s' does not exist", req.Param("IpamPoolId"))
		}
		return &ec2.GetIpamPoolAllocationsOutput{IpamPoolAllocations: append([]ec2types.IpamPoolAllocation{}, p.allocs...)}, nil
	}))
}

func operates(ip *ec2types.Ipam, region string) bool {
	for _, r := range ip.OperatingRegions {
		if aws.ToString(r.RegionName) == region {
			return true
		}
	}
	return false
}

func intParam(req *Request, name string) (int32, bool) {
	v := req.Param(name)
	if v == "" {
		return 0, false
	}
	var n int32
	_, err := fmt.Sscan(v, &n)
	return n, err == nil
}

// allocateFromIPAM takes the lowest free block of the netmask length
// from the pool's provisioned CIDRs for a VPC of account in region, as
// CreateVpc with Ipv4IpamPoolId does: the pool's locale must be the
// VPC's Region and the length within the pool's allocation rules.
func (s *Server) allocateFromIPAM(poolID string, bits int, account, region, vpcID string) (netip.Prefix, error) {
	st := &s.ipam
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.find(poolID)
	if p == nil {
		return netip.Prefix{}, Errorf("InvalidIpamPoolId.NotFound", "The pool ID '%s' does not exist", poolID)
	}
	if l := aws.ToString(p.pool.Locale); l != "" && l != region {
		return netip.Prefix{}, Errorf("InvalidParameterValue", "The IPAM pool %s has locale %s, not %s.", poolID, l, region)
	}
	if bits == 0 && p.pool.AllocationDefaultNetmaskLength != nil {
		bits = int(*p.pool.AllocationDefaultNetmaskLength)
	}
	if bits < 16 || bits > 28 {
		return netip.Prefix{}, Errorf("InvalidParameterValue", "Ipv4NetmaskLength %d is invalid: a VPC is /16 to /28.", bits)
	}
	if m := p.pool.AllocationMinNetmaskLength; m != nil && bits < int(*m) {
		return netip.Prefix{}, Errorf("InvalidParameterValue", "Ipv4NetmaskLength /%d is below the pool's minimum /%d.", bits, *m)
	}
	if m := p.pool.AllocationMaxNetmaskLength; m != nil && bits > int(*m) {
		return netip.Prefix{}, Errorf("InvalidParameterValue", "Ipv4NetmaskLength /%d is above the pool's maximum /%d.", bits, *m)
	}
	var used []netip.Prefix
	for _, a := range p.allocs {
		if c, ok := parseCIDR(aws.ToString(a.Cidr)); ok {
			used = append(used, c)
		}
	}
	prov := append([]netip.Prefix{}, p.provisioned...)
	sort.Slice(prov, func(i, j int) bool { return prov[i].Addr().Less(prov[j].Addr()) })
	for _, c := range prov {
		if bits < c.Bits() {
			continue
		}
		step := uint32(1) << (32 - bits)
		start := c.Addr().As4()
		base := uint32(start[0])<<24 | uint32(start[1])<<16 | uint32(start[2])<<8 | uint32(start[3])
		n := uint32(1) << (bits - c.Bits())
		for k := uint32(0); k < n; k++ {
			a := base + k*step
			cand := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), bits)
			free := true
			for _, u := range used {
				if u.Overlaps(cand) {
					free = false
					break
				}
			}
			if free {
				p.allocs = append(p.allocs, ec2types.IpamPoolAllocation{Cidr: aws.String(cand.String()),
					IpamPoolAllocationId: aws.String(s.newID("ipam-pool-alloc")), ResourceId: aws.String(vpcID),
					ResourceType: ec2types.IpamPoolAllocationResourceTypeVpc, ResourceOwner: aws.String(account),
					ResourceRegion: aws.String(region)})
				return cand, nil
			}
		}
	}
	return netip.Prefix{}, Errorf("InsufficientCidrBlocks", "The IPAM pool %s has no free /%d left.", poolID, bits)
}
