package access

import (
	"fmt"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Network resource types, as AWS Config spells them.
const (
	TypePeering      = "AWS::EC2::VPCPeeringConnection"
	TypeTGWAttach    = "AWS::EC2::TransitGatewayAttachment"
	RuleNetworkOuter = "access.external-network"
)

// NetworkLink is a VPC peering connection or transit gateway
// attachment between an account of the organization and one outside it.
type NetworkLink struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Account      string `json:"account"`
	Region       string `json:"region"`
	State        string `json:"state"`
	// Outside is the account outside the organization.
	Outside string `json:"outside"`
	// LocalVpc and LocalCidrs are the organization's side: what the
	// outside account can reach.
	LocalVpc    string   `json:"localVpc,omitempty"`
	LocalCidrs  []string `json:"localCidrs,omitempty"`
	RemoteVpc   string   `json:"remoteVpc,omitempty"`
	RemoteCidrs []string `json:"remoteCidrs,omitempty"`
	// TransitGateway is the transit gateway of an attachment.
	TransitGateway string `json:"transitGateway,omitempty"`
}

type vpcInfo struct {
	OwnerId, VpcId, Region, CidrBlock *string
	CidrBlockSet                      []struct{ CidrBlock *string }
	Ipv6CidrBlockSet                  []struct{ Ipv6CidrBlock *string }
}

func (v *vpcInfo) cidrs() []string {
	var out []string
	if v == nil {
		return nil
	}
	for _, c := range v.CidrBlockSet {
		if c.CidrBlock != nil {
			out = append(out, *c.CidrBlock)
		}
	}
	if len(out) == 0 && v.CidrBlock != nil {
		out = append(out, *v.CidrBlock)
	}
	for _, c := range v.Ipv6CidrBlockSet {
		if c.Ipv6CidrBlock != nil {
			out = append(out, *c.Ipv6CidrBlock)
		}
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// NetworkLinks lists the VPC peering connections and transit gateway
// attachments (not deleted or rejected) that join an account of the
// organization to an account outside it, with the CIDRs each side
// exposes. Snapshots collected before these calls were in the catalog
// have none.
func NetworkLinks(src *orgsnap.Source) ([]NetworkLink, error) {
	snap := src.Snap
	in := func(a string) bool { return a == "" || snap.Org.Account(a) != nil }
	var out []NetworkLink
	for _, acct := range snap.Org.AccountIDs() {
		for _, region := range snap.Regions(acct) {
			f := service(snap, acct, region, "ec2")
			if f == nil {
				continue
			}
			links, err := regionLinks(f, acct, region, in)
			if err != nil {
				return nil, err
			}
			out = append(out, links...)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account+out[i].ID < out[j].Account+out[j].ID })
	return out, nil
}

func closed(state string) bool {
	switch strings.ToLower(state) {
	case "deleted", "deleting", "rejected", "failed", "expired":
		return true
	}
	return false
}

func regionLinks(f *snapshot.ServiceFile, acct, region string, in func(string) bool) ([]NetworkLink, error) {
	var out []NetworkLink
	var pcx struct {
		VpcPeeringConnections []struct {
			VpcPeeringConnectionId *string
			AccepterVpcInfo        *vpcInfo
			RequesterVpcInfo       *vpcInfo
			Status                 *struct{ Code string }
		}
	}
	if _, err := f.Get("DescribeVpcPeeringConnections", &pcx); err != nil {
		return nil, err
	}
	for _, p := range pcx.VpcPeeringConnections {
		state := ""
		if p.Status != nil {
			state = p.Status.Code
		}
		if closed(state) || p.AccepterVpcInfo == nil || p.RequesterVpcInfo == nil {
			continue
		}
		local, remote := p.RequesterVpcInfo, p.AccepterVpcInfo
		if str(local.OwnerId) != acct {
			local, remote = remote, local
		}
		if in(str(remote.OwnerId)) {
			continue
		}
		out = append(out, NetworkLink{ResourceType: TypePeering, ID: str(p.VpcPeeringConnectionId), Account: acct, Region: region,
			State: state, Outside: str(remote.OwnerId), LocalVpc: str(local.VpcId), LocalCidrs: local.cidrs(),
			RemoteVpc: str(remote.VpcId), RemoteCidrs: remote.cidrs()})
	}
	var tga struct {
		TransitGatewayAttachments []struct {
			TransitGatewayAttachmentId, TransitGatewayId, TransitGatewayOwnerId *string
			ResourceOwnerId, ResourceType, ResourceId                           *string
			State                                                               string
		}
	}
	if _, err := f.Get("DescribeTransitGatewayAttachments", &tga); err != nil {
		return nil, err
	}
	var vpcs struct {
		Vpcs []struct {
			VpcId                   *string
			CidrBlock               *string
			CidrBlockAssociationSet []struct{ CidrBlock *string }
		}
	}
	if _, err := f.Get("DescribeVpcs", &vpcs); err != nil {
		return nil, err
	}
	for _, a := range tga.TransitGatewayAttachments {
		tgwOwner, resOwner := str(a.TransitGatewayOwnerId), str(a.ResourceOwnerId)
		if closed(a.State) || (in(tgwOwner) && in(resOwner)) {
			continue
		}
		outside := tgwOwner
		if in(tgwOwner) {
			outside = resOwner
		}
		l := NetworkLink{ResourceType: TypeTGWAttach, ID: str(a.TransitGatewayAttachmentId), Account: acct, Region: region,
			State: a.State, Outside: outside, TransitGateway: str(a.TransitGatewayId)}
		if str(a.ResourceType) == "vpc" && resOwner == acct {
			l.LocalVpc = str(a.ResourceId)
			for _, v := range vpcs.Vpcs {
				if str(v.VpcId) != l.LocalVpc {
					continue
				}
				for _, c := range v.CidrBlockAssociationSet {
					l.LocalCidrs = append(l.LocalCidrs, str(c.CidrBlock))
				}
				if len(l.LocalCidrs) == 0 && v.CidrBlock != nil {
					l.LocalCidrs = []string{*v.CidrBlock}
				}
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// Message describes a link for its finding.
func (l *NetworkLink) Message() string {
	switch l.ResourceType {
	case TypePeering:
		return fmt.Sprintf("VPC peering %s (%s) joins %s [%s] to account %s outside the organization (%s [%s])",
			l.ID, l.State, l.LocalVpc, strings.Join(l.LocalCidrs, ", "), l.Outside, l.RemoteVpc, strings.Join(l.RemoteCidrs, ", "))
	}
	s := fmt.Sprintf("transit gateway attachment %s (%s) to %s joins account %s outside the organization", l.ID, l.State, l.TransitGateway, l.Outside)
	if l.LocalVpc != "" {
		s += fmt.Sprintf("; exposes %s [%s]", l.LocalVpc, strings.Join(l.LocalCidrs, ", "))
	}
	return s
}
