package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Network is the standard VPC that `orgrail account create` builds in a
// new account: its CIDR comes from Pool (never overlapping Reserved nor
// an earlier allocation), it spans standards.azCount Availability Zones
// with one subnet per tier in each, and sends its flow logs to the Log
// Archive bucket.
type Network struct {
	Pool         string    `yaml:"pool" json:"pool,omitempty" doc:"IPv4 CIDR from which each new account's VPC CIDR is allocated, e.g. 10.64.0.0/12."`
	IPAMPoolID   string    `yaml:"ipamPoolId" json:"ipamPoolId,omitempty" pattern:"^ipam-pool-[0-9a-f]+$" doc:"Amazon VPC IPAM pool each new VPC's CIDR is allocated from instead of pool: IPAM allocates without overlap across the organization. The pool must be in the VPC's region and shared with the accounts (AWS RAM)."`
	VPCPrefixLen int       `yaml:"vpcPrefixLength" json:"vpcPrefixLength,omitempty" min:"16" max:"28" doc:"Prefix length of each VPC taken from the pool (16-28); default 20."`
	Reserved     []string  `yaml:"reserved" json:"reserved,omitempty" doc:"CIDRs of the pool already used elsewhere (on-premises, existing VPCs); never allocated."`
	Region       string    `yaml:"region" json:"region,omitempty" enum:"@regions" doc:"Region of the standard VPC; default organization.homeRegion."`
	Tiers        []string  `yaml:"tiers" json:"tiers,omitempty" enum:"public|private" doc:"Subnet tiers, one subnet of each per Availability Zone; default [public, private]."`
	NAT          string    `yaml:"nat" json:"nat,omitempty" enum:"none|single|per-az" doc:"NAT gateways for the private tier: none, single (one, in the first zone; the default) or per-az (one per zone)."`
	FlowLogs     FlowLogs  `yaml:"flowLogs" json:"flowLogs,omitempty" doc:"VPC flow logs to the Log Archive bucket."`
	Pos          Positions `yaml:"-" json:"-"`
}

// FlowLogs says where a standard VPC's flow logs go.
type FlowLogs struct {
	Bucket      string    `yaml:"bucket" json:"bucket,omitempty" doc:"Log Archive bucket receiving the flow logs (name or arn:aws:s3:::name)."`
	Prefix      string    `yaml:"prefix" json:"prefix,omitempty" doc:"Key prefix in the bucket; default vpc-flow-logs; / for the bucket's root."`
	TrafficType string    `yaml:"trafficType" json:"trafficType,omitempty" enum:"ALL|ACCEPT|REJECT" doc:"Traffic recorded; default ALL."`
	Pos         Positions `yaml:"-" json:"-"`
}

// AlternateContact is one alternate contact of an account (Account
// Management PutAlternateContact).
type AlternateContact struct {
	Type  string    `yaml:"type" json:"type" required:"true" enum:"BILLING|OPERATIONS|SECURITY" doc:"BILLING, OPERATIONS or SECURITY."`
	Name  string    `yaml:"name" json:"name" required:"true" doc:"Contact name."`
	Email string    `yaml:"email" json:"email" required:"true" doc:"Contact email address."`
	Phone string    `yaml:"phone" json:"phone" required:"true" doc:"Contact phone number."`
	Title string    `yaml:"title" json:"title" required:"true" doc:"Contact title, e.g. Security team."`
	Pos   Positions `yaml:"-" json:"-"`
}

// Network defaults.
const (
	DefaultVPCPrefixLen  = 20
	DefaultFlowLogPrefix = "vpc-flow-logs"
	NATNone              = "none"
	NATSingle            = "single"
	NATPerAZ             = "per-az"
	TierPublic           = "public"
	TierPrivate          = "private"
)

// Configured reports whether the configuration asks for a standard VPC.
func (n Network) Configured() bool { return n.Pool != "" || n.IPAMPoolID != "" }

// UsesIPAM reports whether VPC CIDRs come from a VPC IPAM pool.
func (n Network) UsesIPAM() bool { return n.IPAMPoolID != "" }

// PrefixLen returns the VPC prefix length, with its default.
func (n Network) PrefixLen() int {
	if n.VPCPrefixLen == 0 {
		return DefaultVPCPrefixLen
	}
	return n.VPCPrefixLen
}

// TierList returns the subnet tiers, with their default.
func (n Network) TierList() []string {
	if len(n.Tiers) == 0 {
		return []string{TierPublic, TierPrivate}
	}
	return n.Tiers
}

// NATMode returns the NAT choice, with its default; none when there is
// no public tier to hold a NAT gateway or no private tier to use one.
func (n Network) NATMode() string {
	t := n.TierList()
	if !slices.Contains(t, TierPublic) || !slices.Contains(t, TierPrivate) {
		return NATNone
	}
	if n.NAT == "" {
		return NATSingle
	}
	return n.NAT
}

// BucketARN returns the flow-log destination: the bucket's ARN and
// prefix.
func (f FlowLogs) BucketARN() string {
	if f.Bucket == "" {
		return ""
	}
	b := f.Bucket
	if !strings.HasPrefix(b, "arn:") {
		b = "arn:aws:s3:::" + b
	}
	p := f.Prefix
	switch p {
	case "":
		p = DefaultFlowLogPrefix
	case "/":
		return b // the bucket's root
	}
	return b + "/" + strings.Trim(p, "/") + "/"
}

// Traffic returns the traffic type, with its default.
func (f FlowLogs) Traffic() string {
	if f.TrafficType == "" {
		return "ALL"
	}
	return f.TrafficType
}

// SubnetBits is how many bits a subnet adds to the VPC prefix so that
// every tier of every zone gets one subnet of equal size.
func SubnetBits(tiers, azs int) int {
	bits := 0
	for 1<<bits < tiers*azs {
		bits++
	}
	return bits
}

func validateNetwork(c *Config, r *reporter) {
	n := &c.Standards.Network
	bad := func(key, hint, format string, a ...any) {
		r.add(n.Pos.Of(key), CodeBadNetwork, hint, "standards.network."+format, a...)
	}
	if !n.Configured() {
		if len(n.Pos) > 1 { // a network block without a pool
			bad("pool", "write the CIDR VPCs are allocated from, e.g. 10.64.0.0/12, or an ipamPoolId", "pool is missing")
		}
		return
	}
	if n.UsesIPAM() {
		if n.Pool != "" {
			bad("ipamPoolId", "keep one of the two: IPAM allocates the CIDRs itself", "ipamPoolId and pool are both set")
		}
		if n.PrefixLen() < 16 || n.PrefixLen() > 28 {
			bad("vpcPrefixLength", "a VPC is /16 to /28", "vpcPrefixLength %d is out of range", n.VPCPrefixLen)
		}
	} else if !validatePool(n, bad) {
		return
	}
	validateTiers(n, c.Standards.AZCount, bad)
	if n.Region != "" && !ValidRegion(n.Region) {
		bad("region", "see docs/config.md for region names", "region %q is not an AWS region", n.Region)
	}
	if n.FlowLogs.Bucket == "" {
		bad("flowLogs", "name the Log Archive bucket: flowLogs: {bucket: ...}", "flowLogs.bucket is missing")
	}
	if t := n.FlowLogs.TrafficType; t != "" && t != "ALL" && t != "ACCEPT" && t != "REJECT" {
		bad("flowLogs", "write ALL, ACCEPT or REJECT", "flowLogs.trafficType %q is not ALL, ACCEPT or REJECT", t)
	}
}

func validateTiers(n *Network, azCount int, bad func(key, hint, format string, a ...any)) {
	for i, t := range n.Tiers {
		if t != TierPublic && t != TierPrivate || slices.Index(n.Tiers, t) != i {
			bad(fmt.Sprintf("tiers[%d]", i), "write public and/or private, once each", "tiers: %q is not a tier or is listed twice", t)
		}
	}
	if n.NAT != "" && n.NAT != NATNone && n.NAT != NATSingle && n.NAT != NATPerAZ {
		bad("nat", "write none, single or per-az", "nat %q is not none, single or per-az", n.NAT)
	}
	if azCount == 0 {
		azCount = 1
	}
	if n.PrefixLen()+SubnetBits(len(n.TierList()), azCount) > 28 {
		bad("vpcPrefixLength", "make the VPCs larger or use fewer zones", "%d subnets do not fit a /%d VPC (a subnet is at most /28)",
			len(n.TierList())*azCount, n.PrefixLen())
	}
}

// validateStandardContacts checks standards.alternateContacts: known
// types, each at most once.
func validateStandardContacts(c *Config, r *reporter) {
	seen := map[string]bool{}
	for i, ct := range c.Standards.AlternateContacts {
		where := fmt.Sprintf("alternateContacts[%d]", i)
		switch ct.Type {
		case "BILLING", "OPERATIONS", "SECURITY":
		default:
			r.add(c.Standards.Pos.Of(where), CodeBadStdContact, "write BILLING, OPERATIONS or SECURITY",
				"standards.%s: type %q is not an alternate contact type", where, ct.Type)
			continue
		}
		if seen[ct.Type] {
			r.add(c.Standards.Pos.Of(where), CodeBadStdContact, "an account has one contact of each type",
				"standards.%s: a second %s contact", where, ct.Type)
		}
		seen[ct.Type] = true
	}
}

// validatePool checks pool, vpcPrefixLength and reserved; false when the
// pool itself is unreadable.
func validatePool(n *Network, bad func(key, hint, format string, a ...any)) bool {
	pool, err := netip.ParsePrefix(n.Pool)
	if err != nil || !pool.Addr().Is4() || pool.Masked() != pool {
		bad("pool", "write an IPv4 network in CIDR form, e.g. 10.64.0.0/12", "pool %q is not an IPv4 CIDR block", n.Pool)
		return false
	}
	if n.Pos.Has("vpcPrefixLength") && (n.VPCPrefixLen < 16 || n.VPCPrefixLen > 28) {
		bad("vpcPrefixLength", "a VPC is /16 to /28", "vpcPrefixLength %d is out of range", n.VPCPrefixLen)
	} else if n.PrefixLen() < pool.Bits() {
		bad("vpcPrefixLength", "make the VPCs smaller than the pool", "vpcPrefixLength /%d is larger than the pool %s", n.PrefixLen(), n.Pool)
	}
	for i, s := range n.Reserved {
		p, err := netip.ParsePrefix(s)
		if err != nil || !p.Addr().Is4() {
			bad(fmt.Sprintf("reserved[%d]", i), "write an IPv4 CIDR block", "reserved %q is not an IPv4 CIDR block", s)
		}
	}
	return true
}
