package awstest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

func wantErrCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}

// TestVPCWrites checks the VPC writes through the SDK against what the
// Amazon VPC User Guide and the EC2 API Reference say: "The allowed block
// size is between a /16 netmask (65,536 IP addresses) and /28 netmask (16
// IP addresses)"; a subnet's CIDR is a subset of the VPC's and does not
// overlap another subnet's; "You can't delete a VPC until you've deleted
// ... subnets ... and detached ... internet gateways" (DependencyViolation);
// a VPC has one internet gateway; CreateRoute refuses a destination the
// table already routes (RouteAlreadyExists); ClientToken makes
// CreateNatGateway idempotent.
func TestVPCWrites(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{SnapshotDir: writeFixture(t, 0)})
	ec := ec2.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	tag := []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpc, Tags: []ec2types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}}
	_, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
	wantErrCode(t, "a /8 VPC", err, "InvalidVpc.Range")
	v, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"), TagSpecifications: tag})
	if err != nil {
		t.Fatal(err)
	}
	vpc := v.Vpc.VpcId
	_, err = ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.1.0.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	wantErrCode(t, "a subnet outside the VPC", err, "InvalidSubnet.Range")
	sub, err := ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.0.0.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	if err != nil || aws.ToInt32(sub.Subnet.AvailableIpAddressCount) != 251 {
		t.Fatalf("CreateSubnet: %+v %v", sub, err) // AWS keeps 5 addresses of each subnet
	}
	_, err = ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.0.0.128/25"), AvailabilityZone: aws.String("us-east-1b")})
	wantErrCode(t, "an overlapping subnet", err, "InvalidSubnet.Conflict")
	igw, err := ec.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: vpc}); err != nil {
		t.Fatal(err)
	}
	igw2, _ := ec.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	_, err = ec.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw2.InternetGateway.InternetGatewayId, VpcId: vpc})
	wantErrCode(t, "a second internet gateway", err, "Resource.AlreadyAssociated")
	_, err = ec.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc})
	wantErrCode(t, "DeleteVpc with subnets", err, "DependencyViolation")
	_, err = ec.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId})
	wantErrCode(t, "DeleteInternetGateway while attached", err, "DependencyViolation")

	rt, err := ec.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpc})
	if err != nil {
		t.Fatal(err)
	}
	route := &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGateway.InternetGatewayId}
	if _, err := ec.CreateRoute(ctx, route); err != nil {
		t.Fatal(err)
	}
	_, err = ec.CreateRoute(ctx, route)
	wantErrCode(t, "the same route again", err, "RouteAlreadyExists")
	if _, err := ec.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: sub.Subnet.SubnetId}); err != nil {
		t.Fatal(err)
	}
	eip, err := ec.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
	if err != nil {
		t.Fatal(err)
	}
	nat := &ec2.CreateNatGatewayInput{SubnetId: sub.Subnet.SubnetId, AllocationId: eip.AllocationId, ClientToken: aws.String("tok-1")}
	n1, err := ec.CreateNatGateway(ctx, nat)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := ec.CreateNatGateway(ctx, nat)
	if err != nil || aws.ToString(n2.NatGateway.NatGatewayId) != aws.ToString(n1.NatGateway.NatGatewayId) {
		t.Fatalf("ClientToken not idempotent: %v %v", n2, err)
	}
	fl := &ec2.CreateFlowLogsInput{ResourceIds: []string{aws.ToString(vpc)}, ResourceType: ec2types.FlowLogsResourceTypeVpc, TrafficType: ec2types.TrafficTypeAll,
		LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::logs/vpc/")}
	if out, err := ec.CreateFlowLogs(ctx, fl); err != nil || len(out.FlowLogIds) != 1 {
		t.Fatalf("CreateFlowLogs: %v %v", out, err)
	}
	if out, err := ec.CreateFlowLogs(ctx, fl); err != nil || len(out.Unsuccessful) != 1 || aws.ToString(out.Unsuccessful[0].Error.Code) != "FlowLogAlreadyExists" {
		t.Fatalf("CreateFlowLogs again: %+v %v", out, err)
	}
	got, err := ec.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("association.subnet-id"), Values: []string{aws.ToString(sub.Subnet.SubnetId)}}}})
	if err != nil || len(got.RouteTables) != 1 || aws.ToString(got.RouteTables[0].RouteTableId) != aws.ToString(rt.RouteTable.RouteTableId) {
		t.Fatalf("DescribeRouteTables by association: %+v %v", got, err)
	}
	checkVPCWithCLI(t, srv, aws.ToString(vpc))
}

// checkVPCWithCLI reads the VPC back with the AWS CLI, a second client
// of the EC2 Query protocol.
func checkVPCWithCLI(t *testing.T, srv *Server, vpc string) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Log("aws CLI not installed: second-client check skipped")
		return
	}
	creds := srv.AccountCredentials(workAcct)
	cmd := exec.Command("aws", "--endpoint-url", srv.Endpoint, "--region", "us-east-1", "--output", "json",
		"ec2", "describe-subnets", "--filters", "Name=vpc-id,Values="+vpc)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_SESSION_TOKEN=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	b, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("aws ec2 describe-subnets: %v\n%s", err, stderr)
	}
	var out struct {
		Subnets []struct{ SubnetId, CidrBlock, VpcId string }
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.Subnets) != 1 || out.Subnets[0].CidrBlock != "10.0.0.0/24" || out.Subnets[0].VpcId != vpc {
		t.Fatalf("aws ec2 describe-subnets: %s %v", b, err)
	}
}
