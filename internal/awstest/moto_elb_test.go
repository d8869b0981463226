package awstest

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestELBv2AndACMReadsAgreeWithMoto builds an Application Load Balancer
// (attributes, a redirecting HTTP listener) and a certificate in moto,
// stores moto's answers to the collector's reads as a snapshot, and asks
// moto and the local AWS serving that snapshot the same reads through
// the SDK: the local server's Query (ELBv2) and JSON (ACM) wire must give
// the SDK back what moto's gave.
func TestELBv2AndACMReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ec := ec2.NewFromConfig(mcfg)
	vpc, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.2.0.0/16")})
	must(err)
	var subnets []string
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		s, err := ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String([]string{"10.2.1.0/24", "10.2.2.0/24"}[i]), AvailabilityZone: aws.String(az)})
		must(err)
		subnets = append(subnets, aws.ToString(s.Subnet.SubnetId))
	}
	ec2lb := elbv2.NewFromConfig(mcfg)
	lb, err := ec2lb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: subnets, Type: elbv2types.LoadBalancerTypeEnumApplication})
	must(err)
	lbArn := lb.LoadBalancers[0].LoadBalancerArn
	_, err = ec2lb.ModifyLoadBalancerAttributes(ctx, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: lbArn, Attributes: []elbv2types.LoadBalancerAttribute{
		{Key: aws.String("deletion_protection.enabled"), Value: aws.String("true")},
		{Key: aws.String("routing.http.drop_invalid_header_fields.enabled"), Value: aws.String("true")}}})
	must(err)
	_, err = ec2lb.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lbArn, Port: aws.Int32(80), Protocol: elbv2types.ProtocolEnumHttp,
		DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumRedirect, RedirectConfig: &elbv2types.RedirectActionConfig{
			Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: elbv2types.RedirectActionStatusCodeEnumHttp301}}}})
	must(err)
	cert, err := acm.NewFromConfig(mcfg).RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String("www.example.com")})
	must(err)

	// The collector's reads, asked of a configuration.
	type read struct {
		op  string
		key string
		ask func(aws.Config) (any, error)
	}
	allTypes := &acmtypes.Filters{KeyTypes: acmtypes.KeyAlgorithm("").Values()}
	reads := []read{
		{"DescribeLoadBalancers", "", func(c aws.Config) (any, error) {
			return elbv2.NewFromConfig(c).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
		}},
		{"DescribeLoadBalancerAttributes", aws.ToString(lbArn), func(c aws.Config) (any, error) {
			return elbv2.NewFromConfig(c).DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lbArn})
		}},
		{"DescribeListeners", aws.ToString(lbArn), func(c aws.Config) (any, error) {
			return elbv2.NewFromConfig(c).DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lbArn})
		}},
		{"ListCertificates", "", func(c aws.Config) (any, error) {
			return acm.NewFromConfig(c).ListCertificates(ctx, &acm.ListCertificatesInput{Includes: allTypes})
		}},
		{"DescribeCertificate", aws.ToString(cert.CertificateArn), func(c aws.Config) (any, error) {
			return acm.NewFromConfig(c).DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: cert.CertificateArn})
		}},
	}

	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	must(err)
	files := map[string]*snapshot.ServiceFile{"elbv2": snapshot.NewServiceFile(motoAccount, "us-east-1", "elbv2"), "acm": snapshot.NewServiceFile(motoAccount, "us-east-1", "acm")}
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		must(err)
		want[i] = wireView(t, out)
		f := files["elbv2"]
		if r.op == "ListCertificates" || r.op == "DescribeCertificate" {
			f = files["acm"]
		}
		if r.key == "" {
			must(f.Set(r.op, out))
		} else {
			must(f.SetResource(r.op, r.key, out))
		}
	}
	for i, sub := range map[int]string{0: `"web"`, 2: `"HTTPS"`, 4: `"www.example.com"`} {
		if !strings.Contains(want[i], sub) {
			t.Fatalf("%s: moto's answer lacks %s: %s", reads[i].op, sub, want[i])
		}
	}
	must(w.WriteService(files["elbv2"]))
	must(w.WriteService(files["acm"]))
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

// wireView is an SDK output as JSON without its result metadata, lists
// of attributes sorted, for comparing two servers' answers.
func wireView(t *testing.T, out any) string {
	t.Helper()
	if a, ok := out.(*elbv2.DescribeLoadBalancerAttributesOutput); ok {
		sort.Slice(a.Attributes, func(i, j int) bool { return aws.ToString(a.Attributes[i].Key) < aws.ToString(a.Attributes[j].Key) })
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "ResultMetadata")
	b, _ = json.Marshal(m)
	return string(b)
}
