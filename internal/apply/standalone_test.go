package apply

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

const (
	saJump     = "111111111111"
	saSecurity = "222222222222"
	saMemberA  = "333333333333"
	saMemberB  = "444444444444"
)

const standaloneYAML = `organization:
  mode: standalone
  homeRegion: ap-northeast-1
  jumpAccount: jump
  roleChain:
    - {account: jump, role: OrgrailHub}
    - {account: security, role: OrgrailSecurity}
    - {role: OrgrailMember}
accounts:
  - {name: jump, id: "111111111111", email: jump@example.com, owner: it}
  - {name: security, id: "222222222222", email: sec@example.com, owner: sec}
  - {name: project-a, id: "333333333333", email: a@example.com, owner: a}
  - {name: project-b, id: "444444444444", email: b@example.com, owner: b}
standards:
  allowedRegions: [ap-northeast-1, us-east-1]
security:
  logArchiveAccount: security
  auditAccount: security
  services: [guardduty, securityhub]
baseline: {}
`

// seedStandaloneRoles makes the role chain jump → security → member of
// standaloneYAML in the local AWS.
func seedStandaloneRoles(t *testing.T, srv *awstest.Server) {
	t.Helper()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(srv.PutRole(saJump, "OrgrailHub", "arn:aws:iam::"+saJump+":root"))
	must(srv.PutRole(saSecurity, "OrgrailSecurity", "arn:aws:iam::"+saJump+":role/OrgrailHub"))
	for _, id := range []string{saJump, saSecurity, saMemberA, saMemberB} {
		must(srv.PutRole(id, "OrgrailMember", "arn:aws:iam::"+saSecurity+":role/OrgrailSecurity"))
	}
}

// TestApplyStandaloneBaseline applies the baseline without AWS
// Organizations, from the jump account's credentials through the role
// chain jump → security → member: a self-managed StackSet administered
// from the security account reaching every listed account and region,
// and GuardDuty and Security Hub members of the security account by
// invitation, accepted in each member. Planning again finds nothing.
func TestApplyStandaloneBaseline(t *testing.T) {
	ctx := context.Background()
	var accts []org.Account
	for _, id := range []string{saJump, saSecurity, saMemberA, saMemberB} {
		accts = append(accts, org.Account{Id: id, Name: id, Status: org.StatusActive})
	}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: &org.Organization{Id: "o-unused000001", MasterAccountId: "999999999999", Accounts: accts}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	seedStandaloneRoles(t, srv)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(standaloneYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags, err := config.Load(dir)
	if err != nil || diags.Max().Reaches(severity.High) {
		t.Fatalf("config: %v %v", err, diags)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	jump := srv.Config(ctx, srv.AccountCredentials(saJump))
	jump.Region = "ap-northeast-1"

	planNow := func() *plan.Plan {
		t.Helper()
		s, _ := baseline.Resolve(cfg, StandaloneOrg(cfg))
		o, err := ChainOptions(cfg)
		if err != nil {
			t.Fatal(err)
		}
		b := baselineAWSFor(t, jump, o)
		bs, err := b.Read(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		p, pd := plan.NewWithBaseline(cfg, StandaloneOrg(cfg), bs, plan.Options{})
		for _, d := range pd {
			if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
				t.Fatalf("plan: %v", d)
			}
		}
		return p
	}
	p := planNow()
	want := map[string]bool{"baseline:stackset:" + baseline.StackSetAccount: true, "baseline:service-members:guardduty": true, "baseline:service-members:securityhub": true}
	if len(p.Changes) != len(want) {
		t.Fatalf("plan: %v %v", keysOf(p), p.Diagnostics)
	}
	for _, ch := range p.Changes {
		if !want[ch.Key] {
			t.Fatalf("unexpected change %s in %v", ch.Key, keysOf(p))
		}
	}
	rep, err := Run(ctx, jump, st, p, Options{PollEvery: 1})
	if err != nil || rep.Failed != 0 {
		t.Fatalf("apply: %v %+v", err, rep)
	}
	if again := planNow(); !again.Empty() {
		t.Fatalf("plan after apply: %v", keysOf(again))
	}
	// Read back with each account's own credentials.
	sec := srv.Config(ctx, srv.AccountCredentials(saSecurity))
	for _, region := range []string{"ap-northeast-1", "us-east-1"} {
		c := sec.Copy()
		c.Region = region
		gd := guardduty.NewFromConfig(c)
		dets, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
		if err != nil || len(dets.DetectorIds) == 0 {
			t.Fatalf("%s detectors: %v %v", region, dets, err)
		}
		ms, err := gd.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: aws.String(dets.DetectorIds[0])})
		if err != nil || len(ms.Members) != 3 {
			t.Fatalf("%s GuardDuty members: %+v %v", region, ms, err)
		}
		for _, m := range ms.Members {
			if aws.ToString(m.RelationshipStatus) != "Enabled" || aws.ToString(m.Email) == "" {
				t.Errorf("%s GuardDuty member %+v", region, m)
			}
		}
		hm, err := securityhub.NewFromConfig(c).ListMembers(ctx, &securityhub.ListMembersInput{})
		if err != nil || len(hm.Members) != 3 {
			t.Fatalf("%s Security Hub members: %+v %v", region, hm, err)
		}
	}
	sc := sec.Copy()
	sc.Region = "ap-northeast-1"
	inst, err := cloudformation.NewFromConfig(sc).ListStackInstances(ctx, &cloudformation.ListStackInstancesInput{StackSetName: aws.String(baseline.StackSetAccount)})
	if err != nil || len(inst.Summaries) != 8 {
		t.Fatalf("stack instances: %+v %v", inst, err)
	}
	d, err := cloudformation.NewFromConfig(sc).DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: aws.String(baseline.StackSetAccount)})
	if err != nil || string(d.StackSet.PermissionModel) != "SELF_MANAGED" {
		t.Fatalf("stack set: %+v %v", d, err)
	}
}

// baselineAWSFor reaches accounts as apply does in standalone mode.
func baselineAWSFor(t *testing.T, start aws.Config, o collect.Options) *baseline.AWS {
	t.Helper()
	creds, err := collect.NewCredentials(context.Background(), start, o)
	if err != nil {
		t.Fatal(err)
	}
	return &baseline.AWS{Management: start, Poll: 1, For: func(account string) aws.Config { return creds.For(creds.Partition(), account) }}
}
