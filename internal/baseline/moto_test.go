package baseline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3t "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgrail/orgrail/internal/apply/motoenv"
	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
)

// TestMotoBaseline applies the baseline steps moto implements (a
// service-managed StackSet with automatic deployment, the organization
// trail, the GuardDuty and Inspector delegated administrators, the
// organization Config aggregator) against moto, a
// second, independent AWS, and reads them back: each step's Observe is
// its Result. moto lacks GuardDuty's UpdateOrganizationConfiguration and Security
// Hub's ListOrganizationAdminAccounts, and
// checks a trail's bucket in the caller's own account, so auto-enable is
// left out and the bucket is made in the management account; moto
// really creates the stacks of a StackSet but not custom resources, so
// the StackSet carries a one-topic template, and its DescribeStackSet
// leaves out automatic deployment and the OUs.
func TestMotoBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("moto_server takes a while to start")
	}
	m := motoenv.Start(t)
	orgID, mgmt := m.CreateOrganization(t)
	ctx := context.Background()
	cfg := m.SDKConfig()
	oc := organizations.NewFromConfig(cfg)
	roots, err := oc.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	o := &org.Organization{Id: orgID, MasterAccountId: mgmt, Roots: []org.Root{{Id: root, Name: "Root"}},
		Accounts: []org.Account{{Id: mgmt, Name: "management", ParentId: root, Status: org.StatusActive}}}
	ids := map[string]string{}
	for _, name := range []string{"log-archive", "audit"} {
		out, err := oc.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = aws.ToString(out.CreateAccountStatus.AccountId)
		o.Accounts = append(o.Accounts, org.Account{Id: ids[name], Name: name, Email: name + "@example.com", ParentId: root, Status: org.StatusActive})
	}
	if err := o.Index(); err != nil {
		t.Fatal(err)
	}
	y := fmt.Sprintf(`organization: {homeRegion: us-east-1}
accounts:
  - {name: management, id: "%s", email: m@example.com, ou: Root}
  - {name: log-archive, id: "%s", email: log-archive@example.com, ou: Root}
  - {name: audit, id: "%s", email: audit@example.com, ou: Root}
security: {logArchiveAccount: log-archive, auditAccount: audit, services: [cloudtrail, config, guardduty, inspector]}
baseline: {}
identity:
  roles:
    - name: SecurityAudit
      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      trust: {mfa: true, sourceIdentity: ["*@example.com"]}
`, mgmt, ids["log-archive"], ids["audit"])
	c, diags := config.Parse("moto.yaml", []byte(y))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	s, _ := baseline.Resolve(c, o)
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.BucketName),
		CreateBucketConfiguration: &s3t.CreateBucketConfiguration{}}); err != nil {
		t.Fatal(err)
	}
	b := &baseline.AWS{Management: cfg, Poll: 10 * time.Millisecond, For: func(account string) aws.Config {
		c := cfg.Copy()
		c.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), "arn:aws:iam::"+account+":role/OrganizationAccountAccessRole"))
		return c
	}}
	steps, err := baseline.Desired(s)
	if err != nil {
		t.Fatal(err)
	}
	var applied []baseline.Step
	for _, st := range steps {
		switch {
		case st.Kind == baseline.KindStackSet && st.Name == baseline.StackSetAccount:
			spec := *st.StackSet
			spec.Template = baseline.Template{Name: spec.Template.Name, Body: rolesOnly(t, spec.Template.Body)}
			st.StackSet, st.Result = &spec, spec.State().Fingerprint()
			fallthrough
		case st.Kind == baseline.KindTrail, st.Kind == baseline.KindAggregator,
			st.Kind == baseline.KindAdmin:
			if err := b.Apply(ctx, &st); err != nil {
				t.Fatalf("%s: %v", st.Key, err)
			}
			applied = append(applied, st)
		}
	}
	state, err := b.Read(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range applied {
		if ss := applied[i].StackSet; ss != nil {
			// moto's DescribeStackSet leaves out AutoDeployment and
			// OrganizationalUnitIds: compare template and regions.
			got := state.StackSets[ss.Template.Name]
			if got.Hash != ss.Template.Hash() || len(got.Regions) != 1 || got.Regions[0] != "us-east-1" {
				t.Errorf("%s: moto reads back %+v", applied[i].Key, got)
			}
			continue
		}
		if got := baseline.Observe(&applied[i], state); got != applied[i].Result {
			t.Errorf("%s: moto reads back %s, want %s (state %+v)", applied[i].Key, got, applied[i].Result, state)
		}
	}
	if len(applied) != 5 {
		t.Errorf("%d steps applied", len(applied))
	}
	// The cross-account role, made by moto's stacks in every account but
	// the Audit account, read back through IAM in each.
	for name, id := range map[string]string{"management": mgmt, "log-archive": ids["log-archive"], "audit": ids["audit"]} {
		r, err := iam.NewFromConfig(b.For(id)).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("SecurityAudit")})
		if name == "audit" {
			if err == nil {
				t.Errorf("the Audit account got the role it is trusted by")
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		doc, _ := url.QueryUnescape(aws.ToString(r.Role.AssumeRolePolicyDocument))
		if !strings.Contains(doc, "arn:aws:iam::"+ids["audit"]+":root") || !strings.Contains(doc, "aws:MultiFactorAuthPresent") || !strings.Contains(doc, "sts:SetSourceIdentity") {
			t.Errorf("%s: trust policy %s", name, doc)
		}
	}
}

// rolesOnly cuts the account template down to what moto's stacks make:
// the cross-account roles with the parameters and conditions they use,
// and a topic (moto does not run the custom resources).
func rolesOnly(t *testing.T, body []byte) []byte {
	t.Helper()
	var full struct {
		Parameters, Conditions, Resources map[string]json.RawMessage
	}
	if err := json.Unmarshal(body, &full); err != nil {
		t.Fatal(err)
	}
	res := map[string]json.RawMessage{"T": json.RawMessage(`{"Type":"AWS::SNS::Topic"}`)}
	for k, v := range full.Resources {
		if strings.HasPrefix(k, "CrossAccountRole") {
			res[k] = v
		}
	}
	if len(res) != 2 {
		t.Fatalf("the account template has %d cross-account roles", len(res)-1)
	}
	out, _ := json.Marshal(map[string]any{
		"Parameters": map[string]any{"HomeRegion": full.Parameters["HomeRegion"], "AuditAccountId": full.Parameters["AuditAccountId"]},
		"Conditions": map[string]any{"IsHomeRegion": full.Conditions["IsHomeRegion"], "CrossAccountRoles": full.Conditions["CrossAccountRoles"]},
		"Resources":  res})
	return out
}
