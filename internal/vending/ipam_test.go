package vending

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ipamPool makes, as the network team would in the management account,
// an IPAM operating in ap-northeast-1 with one private pool of
// 10.80.0.0/16 (VPCs /16 to /24) and returns the pool's id.
func ipamPool(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	ec := ec2.NewFromConfig(e.aws, func(o *ec2.Options) { o.Region = "ap-northeast-1" })
	ip, err := ec.CreateIpam(ctx, &ec2.CreateIpamInput{OperatingRegions: []ec2types.AddIpamOperatingRegion{{RegionName: aws.String("ap-northeast-1")}}})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := ec.CreateIpamPool(ctx, &ec2.CreateIpamPoolInput{IpamScopeId: ip.Ipam.PrivateDefaultScopeId, AddressFamily: ec2types.AddressFamilyIpv4,
		Locale: aws.String("ap-northeast-1"), AllocationMinNetmaskLength: aws.Int32(16), AllocationMaxNetmaskLength: aws.Int32(24)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(pool.IpamPool.IpamPoolId)
	if _, err := ec.ProvisionIpamPoolCidr(ctx, &ec2.ProvisionIpamPoolCidrInput{IpamPoolId: aws.String(id), Cidr: aws.String("10.80.0.0/16")}); err != nil {
		t.Fatal(err)
	}
	// A VPC of the management account took the pool's first /20.
	if v, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{Ipv4IpamPoolId: aws.String(id), Ipv4NetmaskLength: aws.Int32(20)}); err != nil || aws.ToString(v.Vpc.CidrBlock) != "10.80.0.0/20" {
		t.Fatalf("CreateVpc from the pool: %+v %v", v, err)
	}
	// The pool's rules hold: a /25 is below its maximum length.
	if _, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{Ipv4IpamPoolId: aws.String(id), Ipv4NetmaskLength: aws.Int32(25)}); err == nil {
		t.Fatal("CreateVpc /25 from a pool allowing /16-/24 succeeded")
	}
	return id
}

// TestVendFromIPAMPool: with standards.network.ipamPoolId the factory's
// VPC takes its CIDR from VPC IPAM (the next free /20 after the network
// team's own VPC), the store records it, a second run changes nothing,
// and the AWS CLI reads the pool's allocations back.
func TestVendFromIPAMPool(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pool := ipamPool(t, e)
	e.cfg.Standards.Network.Pool, e.cfg.Standards.Network.Reserved, e.cfg.Standards.Network.IPAMPoolID = "", nil, pool
	var waits int
	rep, err := Run(ctx, e.aws, e.st, e.cfg, testRequest, fastOptions(&waits))
	if err != nil {
		t.Fatal(err)
	}
	w := readWorld(t, e, rep.AccountID)
	for _, s := range []string{"vpc 10.80.16.0/20 ap-northeast-1", "subnets=6", "nat available"} {
		if !slices.Contains(w, s) {
			t.Errorf("world lacks %q:\n%s", s, strings.Join(w, "\n"))
		}
	}
	var cidr, recorded string
	if err := e.st.DB().QueryRowContext(ctx, `SELECT cidr, pool FROM vpc_allocations`).Scan(&cidr, &recorded); err != nil || cidr != "10.80.16.0/20" || recorded != pool {
		t.Errorf("store: %s from %s (%v)", cidr, recorded, err)
	}
	if _, err := Run(ctx, e.aws, e.st, e.cfg, testRequest, fastOptions(&waits)); err != nil {
		t.Fatal(err)
	}
	if w2 := readWorld(t, e, rep.AccountID); !slices.Equal(w, w2) {
		t.Errorf("second run changed the world:\n%s\n---\n%s", strings.Join(w, "\n"), strings.Join(w2, "\n"))
	}

	// The AWS CLI, a second client of the EC2 Query protocol, lists the
	// pool's two allocations: the management VPC and the vended one.
	if _, err := exec.LookPath("aws"); err != nil {
		t.Log("aws CLI not installed: second-client check skipped")
		return
	}
	creds := e.srv.AdminCredentials()
	cmd := exec.Command("aws", "--endpoint-url", e.srv.Endpoint, "--region", "ap-northeast-1", "--output", "json",
		"ec2", "get-ipam-pool-allocations", "--ipam-pool-id", pool)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_SESSION_TOKEN="+creds.SessionToken, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws ec2 get-ipam-pool-allocations: %v\n%s", err, b)
	}
	var out struct {
		IpamPoolAllocations []struct{ Cidr, ResourceOwner, ResourceType string }
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.IpamPoolAllocations) != 2 {
		t.Fatalf("allocations: %s %v", b, err)
	}
	got := out.IpamPoolAllocations[1]
	if got.Cidr != "10.80.16.0/20" || got.ResourceOwner != rep.AccountID || got.ResourceType != "vpc" {
		t.Errorf("vended VPC's allocation: %+v", got)
	}
}
