package collect

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// motoEC2Net runs moto_server, an AWS emulator orgrail's authors did not
// write, on a free loopback port; the test is skipped without it.
func motoEC2Net(t *testing.T) aws.Config {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Skipf("moto_server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 300 {
			t.Fatalf("moto_server did not answer on %s", endpoint)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

// TestEC2NetworkCollectAgainstMoto builds VPC networking in moto with the
// AWS SDK — a subnet that maps public IPs, a route table with a default
// route to an internet gateway, an unused network ACL, an Elastic IP
// associated with nothing and one associated with a network interface,
// a security group on that interface and one on nothing, a transit
// gateway that accepts shared attachments automatically and a VPN
// connection — collects the ec2 service from moto, and audits the
// snapshot: each planted problem fails its rule, the compliant
// resources pass, and no VPN key reaches the disk.
func TestEC2NetworkCollectAgainstMoto(t *testing.T) {
	ctx := t.Context()
	cfg := motoEC2Net(t)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := organizations.NewFromConfig(cfg).CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	must("CreateOrganization", err)
	e := ec2.NewFromConfig(cfg)
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.7.0.0/16")})
	must("CreateVpc", err)
	vpcID := vpc.Vpc.VpcId
	pub, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String("10.7.1.0/24")})
	must("CreateSubnet", err)
	priv, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String("10.7.2.0/24")})
	must("CreateSubnet", err)
	_, err = e.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: pub.Subnet.SubnetId, MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
	must("ModifySubnetAttribute", err)
	igw, err := e.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	must("CreateInternetGateway", err)
	_, err = e.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: vpcID})
	must("AttachInternetGateway", err)
	rt, err := e.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpcID})
	must("CreateRouteTable", err)
	_, err = e.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"),
		GatewayId: igw.InternetGateway.InternetGatewayId})
	must("CreateRoute", err)
	_, err = e.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: pub.Subnet.SubnetId})
	must("AssociateRouteTable", err)
	acl, err := e.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: vpcID})
	must("CreateNetworkAcl", err)
	used, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("app"), Description: aws.String("app"), VpcId: vpcID})
	must("CreateSecurityGroup", err)
	unused, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("leftover"), Description: aws.String("leftover"), VpcId: vpcID})
	must("CreateSecurityGroup", err)
	eni, err := e.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: priv.Subnet.SubnetId, Groups: []string{aws.ToString(used.GroupId)}})
	must("CreateNetworkInterface", err)
	spare, err := e.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	must("AllocateAddress", err)
	inUse, err := e.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	must("AllocateAddress", err)
	_, err = e.AssociateAddress(ctx, &ec2.AssociateAddressInput{AllocationId: inUse.AllocationId, NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId})
	must("AssociateAddress", err)
	tgw, err := e.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{Options: &ec2types.TransitGatewayRequestOptions{
		AutoAcceptSharedAttachments: ec2types.AutoAcceptSharedAttachmentsValueEnable}})
	must("CreateTransitGateway", err)
	cgw, err := e.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{BgpAsn: aws.Int32(65000), PublicIp: aws.String("203.0.113.9"), Type: ec2types.GatewayTypeIpsec1})
	must("CreateCustomerGateway", err)
	vgw, err := e.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1})
	must("CreateVpnGateway", err)
	vpn, err := e.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{CustomerGatewayId: cgw.CustomerGateway.CustomerGatewayId, Type: aws.String("ipsec.1"),
		VpnGatewayId: vgw.VpnGateway.VpnGatewayId})
	must("CreateVpnConnection", err)

	res, err := Run(ctx, cfg, Options{Out: t.TempDir(), Accounts: []string{motoAccountID}, Regions: []string{"us-east-1"}, Services: []string{"ec2"}})
	must("collect", err)
	for _, g := range res.Manifest.Gaps {
		if strings.Contains(strings.Join([]string{"DescribeSubnets", "DescribeRouteTables", "DescribeNetworkInterfaces", "DescribeAddresses",
			"DescribeTransitGateways", "DescribeVpnConnections"}, " "), g.Operation) {
			t.Errorf("gap in a VPC networking read: %+v", g)
		}
	}
	for _, s := range []string{"pre_shared_key", "<vpn_connection"} {
		assertNowhere(t, res.Dir, s)
	}
	snap, err := snapshot.Open(res.Dir)
	must("open", err)
	f, err := snap.Service(motoAccountID, "us-east-1", "ec2")
	must("ec2 file", err)
	var vpns ec2.DescribeVpnConnectionsOutput
	if ok, err := f.Get("DescribeVpnConnections", &vpns); !ok || err != nil || len(vpns.VpnConnections) != 1 {
		t.Fatalf("DescribeVpnConnections: stored %v, %v, %d connections", ok, err, len(vpns.VpnConnections))
	}
	if c := aws.ToString(vpns.VpnConnections[0].CustomerGatewayConfiguration); c != "" && c != snapshot.Redacted {
		t.Errorf("customer gateway configuration stored: %.80s", c)
	} else {
		t.Logf("customer gateway configuration stored as %q", c)
	}

	audit, err := rules.Audit(snap, rules.Options{})
	must("audit", err)
	status := func(rule, resource string) findings.Status {
		var st findings.Status = "NONE"
		for _, x := range audit.Report.Findings {
			if x.RuleID == rule && x.Account == motoAccountID && strings.Contains(x.ResourceArn, resource) {
				if st == "NONE" || x.Status == findings.Failed {
					st = x.Status
				}
			}
		}
		return st
	}
	for _, c := range []struct {
		rule, resource string
		want           findings.Status
	}{
		{"ec2.subnet-no-auto-public-ip", "subnet/" + aws.ToString(pub.Subnet.SubnetId), findings.Failed},
		{"ec2.subnet-no-auto-public-ip", "subnet/" + aws.ToString(priv.Subnet.SubnetId), findings.Passed},
		{"ec2.no-unrestricted-route-to-igw", "route-table/" + aws.ToString(rt.RouteTable.RouteTableId), findings.Failed},
		{"ec2.nacl-in-use", "network-acl/" + aws.ToString(acl.NetworkAcl.NetworkAclId), findings.Failed},
		{"ec2.eip-attached", "elastic-ip/" + aws.ToString(spare.AllocationId), findings.Failed},
		{"ec2.eip-attached", "elastic-ip/" + aws.ToString(inUse.AllocationId), findings.Passed},
		{"ec2.sg-in-use", "security-group/" + aws.ToString(used.GroupId), findings.Passed},
		{"ec2.sg-in-use", "security-group/" + aws.ToString(unused.GroupId), findings.Failed},
		{"ec2.tgw-no-auto-accept", aws.ToString(tgw.TransitGateway.TransitGatewayId), findings.Failed},
		{"ec2.vpc-endpoint-for-ec2", "vpc/" + aws.ToString(vpcID), findings.Failed},
	} {
		if got := status(c.rule, c.resource); got != c.want {
			t.Errorf("%s on %s: %s, want %s", c.rule, c.resource, got, c.want)
		}
	}
	// moto reports no tunnel telemetry for a new VPN connection: the
	// rule must judge it (FAILED, not two tunnels UP), not error.
	if got := status("ec2.vpn-tunnels-up", aws.ToString(vpn.VpnConnection.VpnConnectionId)); got != findings.Failed && got != findings.Passed {
		t.Errorf("ec2.vpn-tunnels-up: %s", got)
	}
}

// motoAccountID is moto's default account, the organization's
// management account.
const motoAccountID = "123456789012"
