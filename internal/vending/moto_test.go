package vending

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgrail/orgrail/internal/apply/motoenv"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/store"
)

const motoConfig = `organization:
  homeRegion: us-east-1
standards:
  requiredTags: [Owner, Environment]
  azCount: 2
  network:
    pool: 10.90.0.0/16
    vpcPrefixLength: 20
    nat: single
    # moto looks the destination up as a bucket name, so no key prefix.
    flowLogs: {bucket: org-log-archive, prefix: /}
  alternateContacts:
    - {type: SECURITY, name: Security Team, email: security@example.com, phone: "+81-3-0000-0000", title: CSIRT}
ous:
  - path: Workloads
  - path: Workloads/Prod
`

// TestVendOnMoto vends an account on moto, a second and independent AWS,
// and reads the result back with the AWS CLI, a second client: the
// account in its OU with its tags and security contact, the standard VPC
// with its subnets, NAT gateway and flow logs, and no default VPC left
// in the Regions checked.
func TestVendOnMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("moto is slow")
	}
	m := motoenv.Start(t)
	ctx := context.Background()
	base := m.SDKConfig()
	oc := organizations.NewFromConfig(base)
	if _, err := oc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: ot.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	roots, err := oc.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	parent := aws.ToString(roots.Roots[0].Id)
	for _, name := range []string{"Workloads", "Prod"} {
		out, err := oc.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(parent), Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		parent = aws.ToString(out.OrganizationalUnit.Id)
	}
	if _, err := s3.NewFromConfig(base, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("org-log-archive")}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(motoConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	c, diags, err := config.Load(dir)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatalf("config: %v %v", err, diags)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	req := Request{Name: "shop-prod", Email: "aws+shop-prod@example.com", OU: "Workloads/Prod", Owner: "shop-team", Env: "prod"}
	opts := Options{PollEvery: time.Millisecond, Backoff: time.Millisecond}
	rep, err := Run(ctx, base, st, c, req, opts)
	if err != nil {
		t.Fatalf("vending on moto: %v", err)
	}
	if rep.VPC == nil || rep.VPC.CIDR != "10.90.0.0/20" {
		t.Fatalf("report VPC: %+v", rep.VPC)
	}
	// Again: nothing new.
	rep2, err := Run(ctx, base, st, c, req, opts)
	if err != nil || rep2.VPC.ID != rep.VPC.ID {
		t.Fatalf("second run on moto: %v", err)
	}
	checkMotoWithCLI(t, m, base, rep.AccountID, parent)
}

func checkMotoWithCLI(t *testing.T, m *motoenv.Moto, base aws.Config, id, prodOU string) {
	t.Helper()
	var parents struct{ Parents []struct{ Id string } }
	var tags struct{ Tags []struct{ Key, Value string } }
	m.CLIAll(t, []motoenv.Call{
		{Out: &parents, Args: []string{"organizations", "list-parents", "--child-id", id}},
		{Out: &tags, Args: []string{"organizations", "list-tags-for-resource", "--resource-id", id}},
	})
	if len(parents.Parents) != 1 || parents.Parents[0].Id != prodOU {
		t.Errorf("parents of %s: %+v, want %s", id, parents, prodOU)
	}
	got := map[string]string{}
	for _, tg := range tags.Tags {
		got[tg.Key] = tg.Value
	}
	if got["Owner"] != "shop-team" || got["Environment"] != "prod" {
		t.Errorf("tags: %v", got)
	}
	member := assumedEnv(t, base, id)
	var contact struct {
		AlternateContact struct{ Name, EmailAddress string }
	}
	memberCLI(t, member, &contact, "account", "get-alternate-contact", "--alternate-contact-type", "SECURITY")
	if contact.AlternateContact.EmailAddress != "security@example.com" {
		t.Errorf("security contact: %+v", contact)
	}
	var vpcs struct {
		Vpcs []struct{ VpcId, CidrBlock string }
	}
	memberCLI(t, member, &vpcs, "ec2", "describe-vpcs", "--filters", "Name=tag:"+TagVending+",Values=shop-prod")
	if len(vpcs.Vpcs) != 1 || vpcs.Vpcs[0].CidrBlock != "10.90.0.0/20" {
		t.Fatalf("standard VPC read by the AWS CLI: %+v", vpcs)
	}
	vpc := vpcs.Vpcs[0].VpcId
	var subnets struct {
		Subnets []struct{ CidrBlock, AvailabilityZone string }
	}
	memberCLI(t, member, &subnets, "ec2", "describe-subnets", "--filters", "Name=vpc-id,Values="+vpc)
	if len(subnets.Subnets) != 4 {
		t.Errorf("subnets: %+v", subnets)
	}
	var nats struct{ NatGateways []struct{ State string } }
	memberCLI(t, member, &nats, "ec2", "describe-nat-gateways", "--filter", "Name=vpc-id,Values="+vpc)
	if len(nats.NatGateways) != 1 {
		t.Errorf("NAT gateways: %+v", nats)
	}
	var flows struct {
		FlowLogs []struct{ LogDestination, TrafficType string }
	}
	memberCLI(t, member, &flows, "ec2", "describe-flow-logs", "--filter", "Name=resource-id,Values="+vpc)
	if len(flows.FlowLogs) != 1 || flows.FlowLogs[0].LogDestination != "arn:aws:s3:::org-log-archive" || flows.FlowLogs[0].TrafficType != "ALL" {
		t.Errorf("flow logs: %+v", flows)
	}
	for _, region := range []string{"us-east-1", "eu-west-1", "ap-northeast-1"} {
		var def struct{ Vpcs []struct{ VpcId string } }
		memberCLI(t, member, &def, "ec2", "describe-vpcs", "--region", region, "--filters", "Name=is-default,Values=true")
		if len(def.Vpcs) != 0 {
			t.Errorf("default VPC left in %s: %+v", region, def)
		}
	}
}

// assumedEnv assumes OrganizationAccountAccessRole in the account and
// returns the environment for AWS CLI calls as that role.
func assumedEnv(t *testing.T, base aws.Config, id string) []string {
	t.Helper()
	out, err := sts.NewFromConfig(base).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + id + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("check")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ENDPOINT_URL="+aws.ToString(base.BaseEndpoint), "AWS_ACCESS_KEY_ID="+aws.ToString(c.AccessKeyId),
		"AWS_SECRET_ACCESS_KEY="+aws.ToString(c.SecretAccessKey), "AWS_SESSION_TOKEN="+aws.ToString(c.SessionToken),
		"AWS_DEFAULT_REGION=us-east-1", "AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
}

func memberCLI(t *testing.T, env []string, out any, args ...string) {
	t.Helper()
	cmd := exec.Command("aws", append(args, "--output", "json")...)
	cmd.Env = env
	b, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("aws %v: %v\n%s", args, err, stderr)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("aws %v: %v\n%s", args, err, b)
	}
}
