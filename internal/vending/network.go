package vending

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/config"
)

// Tag keys the factory puts on what it builds, to find it again.
const (
	TagVending = "orgrail:vending" // the account name
	TagPart    = "orgrail:part"    // which part of the standard VPC
)

// net is the standard VPC being built in one account and Region.
type net struct {
	r      *run
	ec     *ec2.Client
	region string
	std    config.Network
	azs    []string
	vpc    *ec2types.Vpc
	subnet map[string]string // tier/az -> subnet id
	nats   map[string]string // az -> NAT gateway id
	igw    string
}

// netRegion is where the standard VPC goes: standards.network.region,
// else organization.homeRegion, else the configuration's Region.
func (r *run) netRegion() string {
	switch {
	case r.cfg.Standards.Network.Region != "":
		return r.cfg.Standards.Network.Region
	case r.cfg.Organization.HomeRegion != "":
		return r.cfg.Organization.HomeRegion
	}
	return r.base.Region
}

// network builds the standard VPC of standards.network.
func (r *run) network(ctx context.Context) error {
	std := r.cfg.Standards.Network
	if !std.Configured() {
		r.rep.needs("standard VPC: standards.network is not configured, so no VPC was built")
		return nil
	}
	mc, err := r.memberConfig(ctx)
	if err != nil {
		return err
	}
	region := r.netRegion()
	n := &net{r: r, region: region, std: std, subnet: map[string]string{}, nats: map[string]string{},
		ec: ec2.NewFromConfig(mc, func(o *ec2.Options) { o.Region = region })}
	if err := n.zones(ctx); err != nil {
		return err
	}
	for _, step := range []func(context.Context) error{n.makeVPC, n.makeSubnets, n.makeIGW, n.publicRoutes, n.makeNATs, n.privateRoutes, n.flowLogs} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	n.report()
	return nil
}

// zones picks the first standards.azCount Availability Zones of the Region.
func (n *net) zones(ctx context.Context) error {
	want := max(n.r.cfg.Standards.AZCount, 1)
	out, err := n.ec.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{
		Filters: []ec2types.Filter{{Name: aws.String("state"), Values: []string{"available"}}}})
	if err != nil {
		return fmt.Errorf("DescribeAvailabilityZones in %s: %w", n.region, err)
	}
	for _, z := range out.AvailabilityZones {
		if t := aws.ToString(z.ZoneType); t == "" || t == "availability-zone" {
			n.azs = append(n.azs, aws.ToString(z.ZoneName))
		}
	}
	slices.Sort(n.azs)
	if len(n.azs) < want {
		return fmt.Errorf("%s has %d Availability Zones, standards.azCount asks for %d", n.region, len(n.azs), want)
	}
	n.azs = n.azs[:want]
	return nil
}

// partFilters select what the factory tagged with part for this account.
func (n *net) partFilters(part string) []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String("tag:" + TagVending), Values: []string{n.r.req.Name}},
		{Name: aws.String("tag:" + TagPart), Values: []string{part}}}
}

// tagSpec tags a new resource with its part, a Name, and the account's tags.
func (n *net) tagSpec(rt ec2types.ResourceType, part, name string) []ec2types.TagSpecification {
	tags := []ec2types.Tag{{Key: aws.String(TagVending), Value: aws.String(n.r.req.Name)}, {Key: aws.String(TagPart), Value: aws.String(part)},
		{Key: aws.String("Name"), Value: aws.String(n.r.req.Name + "-" + name)}}
	for _, t := range orgTags(n.r.tags) {
		if aws.ToString(t.Key) != "Name" {
			tags = append(tags, ec2types.Tag{Key: t.Key, Value: t.Value})
		}
	}
	return []ec2types.TagSpecification{{ResourceType: rt, Tags: tags}}
}

// token is a ClientToken derived from the account and part, so a
// request sent again after a crash is recognised by EC2.
func (n *net) token(part string) string {
	h := sha256.Sum256([]byte(n.r.req.Key() + "/" + part))
	return "orgrail-" + hex.EncodeToString(h[:12])
}

func (n *net) makeVPC(ctx context.Context) error {
	_, err := n.r.do(ctx, "vpc", func(ctx context.Context) (outcome, error) {
		out, err := n.ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: n.partFilters("vpc")})
		if err != nil {
			return outcome{}, fmt.Errorf("DescribeVpcs: %w", err)
		}
		if len(out.Vpcs) > 0 {
			v := out.Vpcs[0]
			n.vpc = &v
			if err := n.r.recordCIDR(ctx, aws.ToString(v.CidrBlock)); err != nil {
				return outcome{}, err
			}
			return outcome{id: aws.ToString(v.VpcId), detail: aws.ToString(v.CidrBlock), found: true}, nil
		}
		if std := n.r.cfg.Standards.Network; std.UsesIPAM() {
			// IPAM allocates the CIDR; the VPC's tags find it again
			// after a crash, and the store records what IPAM gave.
			made, err := n.ec.CreateVpc(ctx, &ec2.CreateVpcInput{Ipv4IpamPoolId: aws.String(std.IPAMPoolID),
				Ipv4NetmaskLength: aws.Int32(int32(std.PrefixLen())), TagSpecifications: n.tagSpec(ec2types.ResourceTypeVpc, "vpc", "vpc")})
			if err != nil {
				return outcome{}, fmt.Errorf("CreateVpc from IPAM pool %s (/%d): %w", std.IPAMPoolID, std.PrefixLen(), err)
			}
			n.vpc = made.Vpc
			cidr := aws.ToString(made.Vpc.CidrBlock)
			if err := n.r.recordCIDR(ctx, cidr); err != nil {
				return outcome{}, err
			}
			return outcome{id: aws.ToString(made.Vpc.VpcId), detail: cidr + " from " + std.IPAMPoolID}, nil
		}
		cidr, err := n.r.allocate(ctx)
		if err != nil {
			return outcome{}, err
		}
		made, err := n.ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr), TagSpecifications: n.tagSpec(ec2types.ResourceTypeVpc, "vpc", "vpc")})
		if err != nil {
			return outcome{}, fmt.Errorf("CreateVpc %s: %w", cidr, err)
		}
		n.vpc = made.Vpc
		return outcome{id: aws.ToString(made.Vpc.VpcId), detail: cidr}, nil
	})
	if err != nil || n.vpc != nil {
		return err
	}
	return n.r.retry(ctx, func() error { // journaled earlier: read it back
		out, err := n.ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{n.r.steps["vpc"].objectID}})
		if err == nil && len(out.Vpcs) > 0 {
			n.vpc = &out.Vpcs[0]
		} else if err == nil {
			err = fmt.Errorf("the VPC %s of the journal is gone", n.r.steps["vpc"].objectID)
		}
		return err
	})
}

// subnetCIDR is the CIDR of subnet k: the VPC split into equal blocks,
// one per tier and zone (tier-major).
func (n *net) subnetCIDR(k int) (string, error) {
	vpc, err := netip.ParsePrefix(aws.ToString(n.vpc.CidrBlock))
	if err != nil {
		return "", fmt.Errorf("VPC CIDR %q: %w", aws.ToString(n.vpc.CidrBlock), err)
	}
	bits := vpc.Bits() + config.SubnetBits(len(n.std.TierList()), len(n.azs))
	a := vpc.Addr().As4()
	base := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	base += uint32(k) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)})
	return netip.PrefixFrom(addr, bits).String(), nil
}

func (n *net) makeSubnets(ctx context.Context) error {
	for ti, tier := range n.std.TierList() {
		for ai, az := range n.azs {
			part := "subnet/" + tier + "/" + az
			cidr, err := n.subnetCIDR(ti*len(n.azs) + ai)
			if err != nil {
				return err
			}
			id, err := n.r.do(ctx, part, func(ctx context.Context) (outcome, error) {
				out, err := n.ec.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: n.partFilters(part)})
				if err != nil {
					return outcome{}, fmt.Errorf("DescribeSubnets: %w", err)
				}
				if len(out.Subnets) > 0 {
					return outcome{id: aws.ToString(out.Subnets[0].SubnetId), detail: cidr, found: true}, nil
				}
				var made *ec2.CreateSubnetOutput
				err = n.r.retry(ctx, func() error {
					made, err = n.ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: n.vpc.VpcId, CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(az),
						TagSpecifications: n.tagSpec(ec2types.ResourceTypeSubnet, part, tier+"-"+az)})
					return err
				})
				if err != nil {
					return outcome{}, fmt.Errorf("CreateSubnet %s in %s: %w", cidr, az, err)
				}
				return outcome{id: aws.ToString(made.Subnet.SubnetId), detail: cidr}, nil
			})
			if err != nil {
				return err
			}
			n.subnet[tier+"/"+az] = id
		}
	}
	return nil
}

func (n *net) hasTier(t string) bool { return slices.Contains(n.std.TierList(), t) }

// makeIGW attaches an internet gateway when there is a public tier.
func (n *net) makeIGW(ctx context.Context) error {
	if !n.hasTier(config.TierPublic) {
		return nil
	}
	id, err := n.r.do(ctx, "igw", func(ctx context.Context) (outcome, error) {
		vpcID := aws.ToString(n.vpc.VpcId)
		att, err := n.ec.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{vpcID}}}})
		if err != nil {
			return outcome{}, fmt.Errorf("DescribeInternetGateways: %w", err)
		}
		if len(att.InternetGateways) > 0 {
			return outcome{id: aws.ToString(att.InternetGateways[0].InternetGatewayId), found: true}, nil
		}
		tagged, err := n.ec.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: n.partFilters("igw")})
		if err != nil {
			return outcome{}, fmt.Errorf("DescribeInternetGateways: %w", err)
		}
		var id string
		if len(tagged.InternetGateways) > 0 {
			id = aws.ToString(tagged.InternetGateways[0].InternetGatewayId)
		} else {
			made, err := n.ec.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{TagSpecifications: n.tagSpec(ec2types.ResourceTypeInternetGateway, "igw", "igw")})
			if err != nil {
				return outcome{}, fmt.Errorf("CreateInternetGateway: %w", err)
			}
			id = aws.ToString(made.InternetGateway.InternetGatewayId)
		}
		err = n.r.retry(ctx, func() error {
			_, err := n.ec.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(id), VpcId: n.vpc.VpcId})
			return err
		})
		if err != nil {
			return outcome{id: id}, fmt.Errorf("AttachInternetGateway %s: %w", id, err)
		}
		return outcome{id: id}, nil
	})
	n.igw = id
	return err
}
