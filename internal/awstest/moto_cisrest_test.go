package awstest

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestPeeringAndMacieReadsAgreeWithMoto builds two peered VPCs (a route
// to a peer subnet over the peering connection) and an enabled Macie
// session in moto, stores moto's answers to DescribeVpcPeeringConnections,
// DescribeRouteTables and GetMacieSession as a snapshot, and asks moto
// and the local AWS the same reads: the EC2 query wire (peer VPC CIDR
// blocks, the route's VpcPeeringConnectionId) and Macie's REST-JSON
// session must reach the SDK as moto's did. (Moto answers a never
// enabled Macie with ResourceNotFoundException where AWS answers
// AccessDeniedException "Macie is not enabled.", so that case is the
// local AWS's own: TestDemoSnapshotRoundTrip and the collector tests.)
func TestPeeringAndMacieReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ec := ec2.NewFromConfig(mcfg)
	a, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.10.0.0/16")})
	must(err)
	b, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16")})
	must(err)
	pcx, err := ec.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: a.Vpc.VpcId, PeerVpcId: b.Vpc.VpcId})
	must(err)
	pcxID := pcx.VpcPeeringConnection.VpcPeeringConnectionId
	_, err = ec.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: pcxID})
	must(err)
	rt, err := ec.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: a.Vpc.VpcId})
	must(err)
	_, err = ec.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("10.20.3.0/24"),
		VpcPeeringConnectionId: pcxID})
	must(err)
	_, err = macie2.NewFromConfig(mcfg).EnableMacie(ctx, &macie2.EnableMacieInput{Status: m2types.MacieStatusEnabled})
	must(err)

	const region = "us-east-1"
	reads := []struct {
		file, op string
		ask      func(aws.Config) (any, error)
	}{
		{"ec2", "DescribeVpcPeeringConnections", func(c aws.Config) (any, error) {
			return ec2.NewFromConfig(c).DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{})
		}},
		{"ec2", "DescribeRouteTables", func(c aws.Config) (any, error) {
			return ec2.NewFromConfig(c).DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{
				Filters: []ec2types.Filter{{Name: aws.String("route-table-id"), Values: []string{aws.ToString(rt.RouteTable.RouteTableId)}}}})
		}},
		{"macie2", "GetMacieSession", func(c aws.Config) (any, error) {
			out, err := macie2.NewFromConfig(c).GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
			if err == nil {
				// Moto writes microseconds, AWS and the local AWS milliseconds.
				out.CreatedAt, out.UpdatedAt = millis(out.CreatedAt), millis(out.UpdatedAt)
			}
			return out, err
		}},
	}
	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	must(err)
	files := map[string]*snapshot.ServiceFile{}
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		must(err)
		want[i] = wireView(t, out)
		if files[r.file] == nil {
			files[r.file] = snapshot.NewServiceFile(motoAccount, region, r.file)
		}
		must(files[r.file].Set(r.op, out))
	}
	for i, sub := range map[int]string{0: "10.20.0.0/16", 1: aws.ToString(pcxID), 2: "ENABLED"} {
		if !strings.Contains(want[i], sub) {
			t.Fatalf("%s: moto's answer lacks %s: %s", reads[i].op, sub, want[i])
		}
	}
	for _, f := range files {
		must(w.WriteService(f))
	}
	must(w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"}))
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(lcfg)
		if err != nil {
			t.Errorf("%s %s: local AWS: %v", r.file, r.op, err)
			continue
		}
		if got := wireView(t, out); got != want[i] {
			t.Errorf("%s %s:\nmoto  %s\nlocal %s", r.file, r.op, want[i], got)
		}
	}
}

func millis(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	m := t.Truncate(time.Millisecond)
	return &m
}
