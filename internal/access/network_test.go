package access_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/access"
	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestNetworkLinks: peering connections and transit gateway attachments
// (shapes of the EC2 API Reference, DescribeVpcPeeringConnections and
// DescribeTransitGatewayAttachments) to an account outside the
// organization are reported with the CIDRs they expose; links between
// member accounts, and deleted or rejected ones, are not.
func TestNetworkLinks(t *testing.T) {
	dir := t.TempDir()
	o := &org.Organization{Id: "o-abcd123456", MasterAccountId: "111111111111",
		Roots:    []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "mgmt", ParentId: "r-ab12", Status: "ACTIVE"}, {Id: "222222222222", Name: "net", ParentId: "r-ab12", Status: "ACTIVE"}}}
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	f := snapshot.NewServiceFile("222222222222", "us-east-1", "ec2")
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	f.Set("DescribeVpcs", raw(`{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.1.0.0/16","CidrBlockAssociationSet":[{"CidrBlock":"10.1.0.0/16"}]}]}`))
	f.Set("DescribeVpcPeeringConnections", raw(`{"VpcPeeringConnections":[
	 {"VpcPeeringConnectionId":"pcx-out","Status":{"Code":"active"},
	  "RequesterVpcInfo":{"OwnerId":"222222222222","VpcId":"vpc-1","CidrBlock":"10.1.0.0/16","CidrBlockSet":[{"CidrBlock":"10.1.0.0/16"}]},
	  "AccepterVpcInfo":{"OwnerId":"999988887777","VpcId":"vpc-x","CidrBlock":"172.16.0.0/16"}},
	 {"VpcPeeringConnectionId":"pcx-in","Status":{"Code":"active"},
	  "RequesterVpcInfo":{"OwnerId":"222222222222","VpcId":"vpc-1","CidrBlock":"10.1.0.0/16"},
	  "AccepterVpcInfo":{"OwnerId":"111111111111","VpcId":"vpc-m","CidrBlock":"10.9.0.0/16"}},
	 {"VpcPeeringConnectionId":"pcx-gone","Status":{"Code":"deleted"},
	  "RequesterVpcInfo":{"OwnerId":"222222222222","VpcId":"vpc-1"},"AccepterVpcInfo":{"OwnerId":"999988887777","VpcId":"vpc-y"}}]}`))
	f.Set("DescribeTransitGatewayAttachments", raw(`{"TransitGatewayAttachments":[
	 {"TransitGatewayAttachmentId":"tgw-attach-1","TransitGatewayId":"tgw-partner","TransitGatewayOwnerId":"999988887777","ResourceOwnerId":"222222222222","ResourceType":"vpc","ResourceId":"vpc-1","State":"available"},
	 {"TransitGatewayAttachmentId":"tgw-attach-2","TransitGatewayId":"tgw-own","TransitGatewayOwnerId":"111111111111","ResourceOwnerId":"222222222222","ResourceType":"vpc","ResourceId":"vpc-1","State":"available"}]}`))
	if err := w.WriteService(f); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(&snapshot.Manifest{OrgID: o.Id, Source: "test", Coverage: []snapshot.Coverage{{Account: "222222222222", Regions: []string{"us-east-1"}, Services: []string{"ec2"}}}}); err != nil {
		t.Fatal(err)
	}
	src, err := orgsnap.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := access.External(src, authz.New())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Network) != 2 {
		t.Fatalf("links: %+v", res.Network)
	}
	p, a := res.Network[0], res.Network[1]
	if p.ID != "pcx-out" || p.Outside != "999988887777" || strings.Join(p.LocalCidrs, ",") != "10.1.0.0/16" || strings.Join(p.RemoteCidrs, ",") != "172.16.0.0/16" {
		t.Errorf("peering: %+v", p)
	}
	if a.ID != "tgw-attach-1" || a.Outside != "999988887777" || strings.Join(a.LocalCidrs, ",") != "10.1.0.0/16" {
		t.Errorf("attachment: %+v", a)
	}
	rep := res.Report(src.Snap)
	if len(rep.Findings) != 2 || rep.Findings[0].RuleID != access.RuleNetworkOuter || !strings.Contains(rep.Findings[0].Message, "10.1.0.0/16") {
		t.Errorf("findings: %+v", rep.Findings)
	}
}
