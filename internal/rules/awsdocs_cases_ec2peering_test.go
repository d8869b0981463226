package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// CIS AWS Foundations v3.0.0 5.5 (Level 2, manual in the benchmark) asks
// to "Review routing tables of peered VPCs for whether they route all
// subnets of each VPC and whether that is necessary to accomplish the
// intended purposes for peering the VPCs", listing the route tables and
// checking whether a route pointing to a peering connection (pcx-…) has a
// DestinationCidrBlock "as specific as desired". The cases cite the two
// pages of the VPC Peering guide the benchmark references: routes to an
// entire peer VPC, and routes restricted to part of it.
const (
	peerPartialDoc = "https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html"
	peerFullDoc    = "https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-full-access.html"
	qPeerPartial   = "You can configure route tables for a VPC peering connection to restrict access to a subnet CIDR block, a specific CIDR block (if the VPC has multiple CIDR blocks), or a specific resource in the peer VPC."
	qPeerFull      = "You can configure VPC peering connections so that your route tables have access to the entire CIDR block of the peer VPC."
)

func peeringRoute(f *fx, dst string) {
	t := netRoutes(f)
	r := ec2types.Route{VpcPeeringConnectionId: awsv2.String("pcx-0001"), State: ec2types.RouteStateActive}
	if dst == "::/0" {
		r.DestinationIpv6CidrBlock = awsv2.String(dst)
	} else {
		r.DestinationCidrBlock = awsv2.String(dst)
	}
	t.Routes = append(t.Routes, r)
}

func init() {
	defaultOverPeering := func(f *fx) { peeringRoute(f, "0.0.0.0/0") }
	failCases["ec2.peering-routes-least-access"] = defaultOverPeering
	rt := "route-table/rtb-0001"
	rule := "ec2.peering-routes-least-access"
	addDocCases(
		docCase{Rule: rule, Source: peerPartialDoc, Quote: qPeerPartial, Name: "one peer subnet (10.1.2.0/24) over pcx-0001",
			Resource: rt, Want: findings.Passed},
		docCase{Rule: rule, Source: peerPartialDoc, Quote: qPeerPartial, Name: "one of the peer VPC's two CIDR blocks (10.1.0.0/16)",
			Mutate: func(f *fx) { peeringRoute(f, "10.1.0.0/16") }, Resource: rt, Want: findings.Passed},
		docCase{Rule: rule, Source: peerFullDoc, Quote: qPeerFull, Name: "both CIDR blocks of the peer VPC, one route each",
			Mutate: func(f *fx) { peeringRoute(f, "10.1.0.0/16"); peeringRoute(f, "10.2.0.0/16") }, Resource: rt, Want: findings.Failed},
		docCase{Rule: rule, Source: peerFullDoc, Quote: qPeerFull, Name: "10.0.0.0/8, wider than the whole peer VPC",
			Mutate: func(f *fx) { peeringRoute(f, "10.0.0.0/8") }, Resource: rt, Want: findings.Failed},
		docCase{Rule: rule, Source: peerFullDoc, Quote: qPeerFull, Name: "0.0.0.0/0 over the peering connection",
			Mutate: defaultOverPeering, Resource: rt, Want: findings.Failed},
		docCase{Rule: rule, Source: peerFullDoc, Quote: qPeerFull, Name: "::/0 over the peering connection",
			Mutate: func(f *fx) { peeringRoute(f, "::/0") }, Resource: rt, Want: findings.Failed},
		docCase{Rule: rule, Source: peerPartialDoc, Quote: qPeerPartial, Name: "no route over a peering connection",
			Mutate: func(f *fx) { netRoutes(f).Routes = netRoutes(f).Routes[:2] }, Want: findings.NotApplicable},
	)
}
