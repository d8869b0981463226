package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

const standaloneBaselineYAML = `organization:
  mode: standalone
  homeRegion: us-east-1
  jumpAccount: jump
  roleChain:
    - {account: jump, role: OrgrailHub}
    - {account: security, role: OrgrailSecurity}
    - {role: OrgrailMember}
accounts:
  - {name: jump, id: "111111111111", email: jump@example.com, owner: it}
  - {name: security, id: "222222222222", email: sec@example.com, owner: sec}
  - {name: project-a, id: "333333333333", email: a@example.com, owner: a}
standards:
  allowedRegions: [us-east-1]
security:
  logArchiveAccount: security
  auditAccount: security
  services: [securityhub]
baseline: {}
`

// TestStandaloneBaselinePlanApply runs `orgrail plan` and `orgrail
// apply --auto-approve` in standalone mode with the jump account's keys
// in the environment: the plan lists the self-managed StackSet and the
// Security Hub members; apply makes them through the role chain; a
// second plan has nothing to do.
func TestStandaloneBaselinePlanApply(t *testing.T) {
	ctx := context.Background()
	const jump, security, member = "111111111111", "222222222222", "333333333333"
	var accts []org.Account
	for _, id := range []string{jump, security, member} {
		accts = append(accts, org.Account{Id: id, Name: id, Status: org.StatusActive})
	}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: &org.Organization{Id: "o-unused000001", MasterAccountId: "999999999999", Accounts: accts}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, r := range []struct{ acct, role, trusted string }{
		{jump, "OrgrailHub", "arn:aws:iam::" + jump + ":root"},
		{security, "OrgrailSecurity", "arn:aws:iam::" + jump + ":role/OrgrailHub"},
		{jump, "OrgrailMember", "arn:aws:iam::" + security + ":role/OrgrailSecurity"},
		{security, "OrgrailMember", "arn:aws:iam::" + security + ":role/OrgrailSecurity"},
		{member, "OrgrailMember", "arn:aws:iam::" + security + ":role/OrgrailSecurity"},
	} {
		if err := srv.PutRole(r.acct, r.role, r.trusted); err != nil {
			t.Fatal(err)
		}
	}
	creds := srv.AccountCredentials(jump)
	setEndpointEnv(t, srv.Endpoint, creds.AccessKeyID, creds.SecretAccessKey, "us-east-1")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(standaloneBaselineYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	globals := []string{"--config", dir, "--state", filepath.Join(t.TempDir(), "state.db")}
	code, out, errOut := run(t, nil, append(append([]string{}, globals...), "plan")...)
	if code != ExitChanges || !strings.Contains(out, "orgrail-account-baseline") || !strings.Contains(out, "securityhub members of "+security) {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run(t, nil, append(append([]string{}, globals...), "apply", "--auto-approve")...)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	hm, err := securityhub.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(security))).ListMembers(ctx, &securityhub.ListMembersInput{})
	if err != nil || len(hm.Members) != 2 {
		t.Fatalf("members: %+v %v", hm, err)
	}
	for _, m := range hm.Members {
		if aws.ToString(m.MemberStatus) != "Enabled" {
			t.Errorf("member %+v", m)
		}
	}
	code, out, errOut = run(t, nil, append(append([]string{}, globals...), "plan", "--output", "json")...)
	if code != 0 || strings.Contains(out, `"baseline:`) {
		t.Fatalf("second plan: exit %d\n%s\n%s", code, out, errOut)
	}
}
