package vending

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

const testConfig = `organization:
  mode: organizations
  managementAccount: management
  homeRegion: ap-northeast-1
standards:
  requiredTags: [Owner, Environment, CostCenter]
  azCount: 3
  network:
    pool: 10.64.0.0/12
    vpcPrefixLength: 20
    reserved: [10.64.0.0/20]
    nat: single
    flowLogs: {bucket: org-log-archive}
  alternateContacts:
    - {type: SECURITY, name: Security Team, email: security@example.com, phone: "+81-3-0000-0000", title: CSIRT}
ous:
  - path: Workloads
  - path: Workloads/Prod
accounts:
  - {name: management, id: "111111111111", email: aws+management@example.com, ou: Root}
`

// emptyOrg is an organization as CreateOrganization leaves it.
func emptyOrg() *org.Organization {
	return &org.Organization{Id: "o-exampleorg01", Arn: "arn:aws:organizations::111111111111:organization/o-exampleorg01",
		MasterAccountId: "111111111111", FeatureSet: "ALL", MasterAccountEmail: "aws+management@example.com",
		Roots: []org.Root{{Id: "r-ab12", Name: "Root", Arn: "arn:aws:organizations::111111111111:root/o-exampleorg01/r-ab12"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE",
			ParentId: "r-ab12", JoinedMethod: "INVITED"}}}
}

type env struct {
	srv *awstest.Server
	st  *store.Store
	cfg *config.Config
	aws aws.Config
}

// newEnv starts a local AWS holding an empty organization with the OUs
// Workloads/Prod, a fresh store and the test configuration.
func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: emptyOrg()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(testConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	c, diags, err := config.Load(dir)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatalf("config: %v %v", err, diags)
	}
	e := &env{srv: srv, st: st, cfg: c, aws: srv.Config(ctx, srv.AdminCredentials())}
	oc := organizations.NewFromConfig(e.aws)
	parent := "r-ab12"
	for _, name := range []string{"Workloads", "Prod"} {
		out, err := oc.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(parent), Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		parent = aws.ToString(out.OrganizationalUnit.Id)
	}
	return e
}

var testRequest = Request{Name: "payments-prod", Email: "aws+payments-prod@example.com", OU: "Workloads/Prod",
	Owner: "payments-team", Env: "prod", System: "payments", Tags: map[string]string{"CostCenter": "CC-280"}}

// fastOptions poll and back off without waiting on the wall clock; the
// counter says how many waits a run asked for.
func fastOptions(waits *int) Options {
	return Options{PollEvery: time.Millisecond, PollMax: 4 * time.Millisecond, Backoff: time.Millisecond,
		Sleep: func(ctx context.Context, d time.Duration) error {
			*waits++
			// Yield to the local AWS's own clock (CreateAccountDelay)
			// by a short real wait; nothing asserts on its length.
			return sleep(ctx, d)
		}}
}

func TestVendOneAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var waits int
	rep, err := Run(ctx, e.aws, e.st, e.cfg, testRequest, fastOptions(&waits))
	if err != nil {
		t.Fatal(err)
	}
	if rep.AccountID == "" || rep.Complete || !slices.Equal(rep.Pending, []string{"baseline"}) {
		t.Fatalf("report: account %q complete %v pending %v", rep.AccountID, rep.Complete, rep.Pending)
	}
	w := readWorld(t, e, rep.AccountID)
	want := []string{
		"ou=Workloads/Prod",
		"tags=CostCenter=CC-280,Environment=prod,Owner=payments-team,System=payments",
		"contact SECURITY=Security Team <security@example.com>",
		// 10.64.0.0/20 is reserved: the first free /20 of the pool.
		"vpc 10.64.16.0/20 ap-northeast-1",
	}
	for _, s := range want {
		if !slices.Contains(w, s) {
			t.Errorf("world lacks %q:\n%s", s, strings.Join(w, "\n"))
		}
	}
	for _, s := range []string{"subnets=6", "igw attached", "nat available", "eips=1", "flow-logs arn:aws:s3:::org-log-archive/vpc-flow-logs/ ALL",
		"rt public 0.0.0.0/0->igw assoc=3", "rt private 0.0.0.0/0->nat assoc=3", "default-vpcs=0 in 17 regions (all regions: 1 internet gateways, 6 subnets)"} {
		if !slices.Contains(w, s) {
			t.Errorf("world lacks %q:\n%s", s, strings.Join(w, "\n"))
		}
	}
	// Running the same request again changes nothing and reports every
	// step already done.
	rep2, err := Run(ctx, e.aws, e.st, e.cfg, testRequest, fastOptions(&waits))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep2.Steps {
		if s.Status != StatusAlready && s.Status != StatusPending {
			t.Errorf("second run: %s %s", s.Step, s.Status)
		}
	}
	if w2 := readWorld(t, e, rep.AccountID); !slices.Equal(w, w2) {
		t.Errorf("second run changed the world:\n%s\n---\n%s", strings.Join(w, "\n"), strings.Join(w2, "\n"))
	}
}

func TestRefusesMissingRequiredTag(t *testing.T) {
	e := newEnv(t)
	req := testRequest
	req.Tags = nil // CostCenter is required
	_, err := Run(context.Background(), e.aws, e.st, e.cfg, req, Options{})
	if !IsRequestError(err) || !strings.Contains(err.Error(), "CostCenter") {
		t.Fatalf("err = %v", err)
	}
	out, err := organizations.NewFromConfig(e.aws).ListAccounts(context.Background(), &organizations.ListAccountsInput{})
	if err != nil || len(out.Accounts) != 1 {
		t.Fatalf("accounts after a refused request: %d %v", len(out.Accounts), err)
	}
	for _, bad := range []Request{{Name: "x", Email: "not-an-email", OU: "Workloads/Prod", Owner: "o", Env: "e", Tags: map[string]string{"CostCenter": "c"}},
		{Name: "x", Email: "a@example.com", OU: "Nowhere", Owner: "o", Env: "e", Tags: map[string]string{"CostCenter": "c"}}} {
		if _, err := Check(e.cfg, bad); !IsRequestError(err) {
			t.Errorf("Check(%+v) = %v", bad, err)
		}
	}
}

// readWorld describes, without ids, what the account looks like to an
// independent reader (SDK calls of its own): OU, tags, contacts, the
// standard VPC and its parts, and the default VPCs left.
func readWorld(t testing.TB, e *env, id string) []string {
	t.Helper()
	ctx := context.Background()
	oc := organizations.NewFromConfig(e.aws)
	var w []string
	accts, err := oc.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range accts.Accounts {
		if aws.ToString(a.Email) == testRequest.Email {
			n++
		}
	}
	w = append(w, fmt.Sprintf("accounts with the email=%d", n))
	par, err := oc.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	ou, err := oc.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: par.Parents[0].Id})
	if err == nil {
		up, _ := oc.ListParents(ctx, &organizations.ListParentsInput{ChildId: par.Parents[0].Id})
		top, _ := oc.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: up.Parents[0].Id})
		w = append(w, "ou="+aws.ToString(top.OrganizationalUnit.Name)+"/"+aws.ToString(ou.OrganizationalUnit.Name))
	}
	tags, err := oc.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	var tl []string
	for _, tg := range tags.Tags {
		tl = append(tl, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	sort.Strings(tl)
	w = append(w, "tags="+strings.Join(tl, ","))
	mc := e.srv.Config(ctx, e.srv.AccountCredentials(id))
	ct, err := account.NewFromConfig(mc).GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accttypes.AlternateContactTypeSecurity})
	if err == nil {
		w = append(w, fmt.Sprintf("contact SECURITY=%s <%s>", aws.ToString(ct.AlternateContact.Name), aws.ToString(ct.AlternateContact.EmailAddress)))
	}
	return append(w, readNetwork(t, mc)...)
}

func readNetwork(t testing.TB, mc aws.Config) []string {
	t.Helper()
	ctx := context.Background()
	ec := ec2.NewFromConfig(mc, func(o *ec2.Options) { o.Region = "ap-northeast-1" })
	var w []string
	vpcs, err := ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"false"}}}})
	if err != nil {
		t.Fatal(err)
	}
	w = append(w, fmt.Sprintf("vpcs=%d", len(vpcs.Vpcs)))
	for _, v := range vpcs.Vpcs {
		w = append(w, "vpc "+aws.ToString(v.CidrBlock)+" ap-northeast-1")
	}
	subs, _ := ec.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	w = append(w, fmt.Sprintf("subnets=%d", len(subs.Subnets)))
	for _, s := range subs.Subnets {
		w = append(w, "subnet "+aws.ToString(s.CidrBlock)+" "+aws.ToString(s.AvailabilityZone))
	}
	igws, _ := ec.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{})
	for _, g := range igws.InternetGateways {
		st := "detached"
		if len(g.Attachments) > 0 {
			st = "attached"
		}
		w = append(w, "igw "+st)
	}
	nats, _ := ec.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{})
	for _, g := range nats.NatGateways {
		w = append(w, "nat "+string(g.State))
	}
	eips, _ := ec.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	w = append(w, fmt.Sprintf("eips=%d", len(eips.Addresses)))
	rts, _ := ec.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{})
	for _, rt := range rts.RouteTables {
		w = append(w, routeLine(rt))
	}
	fls, _ := ec.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{})
	for _, f := range fls.FlowLogs {
		w = append(w, "flow-logs "+aws.ToString(f.LogDestination)+" "+string(f.TrafficType))
	}
	w = append(w, defaultVPCsLeft(t, mc))
	sort.Strings(w)
	return w
}

func routeLine(rt ec2types.RouteTable) string {
	name, assoc := "main", 0
	for _, tg := range rt.Tags {
		if aws.ToString(tg.Key) == TagPart {
			name = strings.TrimPrefix(aws.ToString(tg.Value), "rt/")
		}
	}
	for _, a := range rt.Associations {
		if a.SubnetId != nil {
			assoc++
		}
	}
	var routes []string
	for _, r := range rt.Routes {
		switch {
		case r.NatGatewayId != nil:
			routes = append(routes, aws.ToString(r.DestinationCidrBlock)+"->nat")
		case strings.HasPrefix(aws.ToString(r.GatewayId), "igw-"):
			routes = append(routes, aws.ToString(r.DestinationCidrBlock)+"->igw")
		}
	}
	return fmt.Sprintf("rt %s %s assoc=%d", name, strings.Join(routes, ","), assoc)
}

func defaultVPCsLeft(t testing.TB, mc aws.Config) string {
	t.Helper()
	ctx := context.Background()
	regions, err := ec2.NewFromConfig(mc).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	left, igws, subnets := 0, 0, 0
	for _, r := range regions.Regions {
		ec := ec2.NewFromConfig(mc, func(o *ec2.Options) { o.Region = aws.ToString(r.RegionName) })
		out, err := ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
		if err != nil {
			t.Fatal(err)
		}
		left += len(out.Vpcs)
		g, err := ec.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := ec.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
		if err != nil {
			t.Fatal(err)
		}
		igws, subnets = igws+len(g.InternetGateways), subnets+len(s.Subnets)
	}
	return fmt.Sprintf("default-vpcs=%d in %d regions (all regions: %d internet gateways, %d subnets)", left, len(regions.Regions), igws, subnets)
}

var errKilled = errors.New("killed")
