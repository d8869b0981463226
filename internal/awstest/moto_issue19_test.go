package awstest

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestInstanceTypesAndCLBPoliciesAgreeWithMoto checks the two reads
// issue #19 added against moto: DescribeInstanceTypes for the types of
// running instances (an m3.xlarge, which can be EBS-optimized, and an
// m5.large, optimized by default) and DescribeLoadBalancerPolicies of a
// Classic Load Balancer whose HTTPS listener uses an SSL negotiation
// policy copied from ELBSecurityPolicy-TLS-1-2-2017-01. moto's answers
// are stored as a snapshot; the local AWS serving it must give the SDK
// the same answers over the EC2 and ELB Query wires.
func TestInstanceTypesAndCLBPoliciesAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ec := ec2.NewFromConfig(mcfg)
	for _, typ := range []ec2types.InstanceType{ec2types.InstanceTypeM3Xlarge, ec2types.InstanceTypeM5Large} {
		_, err := ec.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: typ})
		must(err)
	}
	types := []ec2types.InstanceType{ec2types.InstanceTypeM3Xlarge, ec2types.InstanceTypeM5Large}

	lbc := elb.NewFromConfig(mcfg)
	_, err := lbc.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("legacy"), AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
		Listeners: []elbtypes.Listener{{Protocol: aws.String("HTTPS"), LoadBalancerPort: 443, InstanceProtocol: aws.String("HTTP"), InstancePort: aws.Int32(80),
			SSLCertificateId: aws.String("arn:aws:iam::" + motoAccount + ":server-certificate/legacy")}}})
	must(err)
	_, err = lbc.CreateLoadBalancerPolicy(ctx, &elb.CreateLoadBalancerPolicyInput{LoadBalancerName: aws.String("legacy"), PolicyName: aws.String("tls12"),
		PolicyTypeName: aws.String("SSLNegotiationPolicyType"), PolicyAttributes: []elbtypes.PolicyAttribute{
			{AttributeName: aws.String("Reference-Security-Policy"), AttributeValue: aws.String("ELBSecurityPolicy-TLS-1-2-2017-01")}}})
	must(err)
	_, err = lbc.SetLoadBalancerPoliciesOfListener(ctx, &elb.SetLoadBalancerPoliciesOfListenerInput{LoadBalancerName: aws.String("legacy"),
		LoadBalancerPort: 443, PolicyNames: []string{"tls12"}})
	must(err)

	type read struct {
		file, op, key string
		ask           func(aws.Config) (any, error)
	}
	reads := []read{
		{"ec2", "DescribeInstanceTypes", "", func(c aws.Config) (any, error) {
			return ec2.NewFromConfig(c).DescribeInstanceTypes(ctx, &ec2.DescribeInstanceTypesInput{InstanceTypes: types})
		}},
		{"elb", "DescribeLoadBalancerPolicies", "legacy", func(c aws.Config) (any, error) {
			return elb.NewFromConfig(c).DescribeLoadBalancerPolicies(ctx, &elb.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String("legacy")})
		}},
	}

	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	must(err)
	files := map[string]*snapshot.ServiceFile{"ec2": snapshot.NewServiceFile(motoAccount, "us-east-1", "ec2"), "elb": snapshot.NewServiceFile(motoAccount, "us-east-1", "elb")}
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		must(err)
		want[i] = wireView(t, out)
		if r.key == "" {
			must(files[r.file].Set(r.op, out))
		} else {
			must(files[r.file].SetResource(r.op, r.key, out))
		}
	}
	for i, sub := range map[int]string{0: `"EbsOptimizedSupport":"supported"`, 1: `"Reference-Security-Policy"`} {
		if !strings.Contains(want[i], sub) {
			t.Fatalf("%s: moto's answer lacks %s: %s", reads[i].op, sub, want[i])
		}
	}
	if !strings.Contains(want[0], `"EbsOptimizedSupport":"default"`) {
		t.Fatalf("DescribeInstanceTypes: moto's answer lacks the m5.large default: %s", want[0])
	}
	must(w.WriteService(files["ec2"]))
	must(w.WriteService(files["elb"]))
	must(w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"}))
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(lcfg)
		if err != nil {
			t.Errorf("%s: local AWS: %v", r.op, err)
			continue
		}
		if got := wireView(t, out); got != want[i] {
			t.Errorf("%s:\nmoto  %s\nlocal %s", r.op, want[i], got)
		}
	}
}
