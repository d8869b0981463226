package baseline_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgrail/orgrail/internal/apply/motoenv"
	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
)

// TestMotoStandaloneRoles deploys identity.roles the standalone way —
// IAM calls in each member account, reached through the role chain
// (jump → security's OrgrailHub → the member's OrgrailAudit) with the
// collector's credentials — against moto, and reads them back through
// IAM: created once, nothing to do the second time, a changed trust
// and inline policy updated in place.
func TestMotoStandaloneRoles(t *testing.T) {
	if testing.Short() {
		t.Skip("moto_server takes a while to start")
	}
	// moto knows AWS managed policies only when asked (the server
	// inherits the environment).
	t.Setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
	m := motoenv.Start(t)
	ctx := context.Background()
	y := `organization:
  mode: standalone
  jumpAccount: jump
  roleChain:
    - {account: security, role: OrgrailHub}
    - role: OrgrailAudit
accounts:
  - {name: jump,     id: "123456789012", owner: it}
  - {name: security, id: "222222222222", owner: security}
  - {name: app-prod, id: "333333333333", owner: app}
  - {name: app-dev,  id: "444444444444", owner: app}
security: {logArchiveAccount: security, auditAccount: security}
identity:
  roles:
    - name: SecurityAudit
      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      trust: {role: OrgrailHub, mfa: true}
    - name: Deployer
      managedPolicies: [arn:aws:iam::aws:policy/PowerUserAccess]
`
	c, diags := config.Parse("standalone.yaml", []byte(y))
	if diags.Max().Reaches(3) {
		t.Fatal(diags)
	}
	if got := c.RoleTargets(); strings.Join(got, ",") != "app-dev,app-prod" {
		t.Fatalf("targets %v", got)
	}
	c.Identity.Roles[1].InlineContent = []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`)
	creds, err := collect.NewCredentials(ctx, m.SDKConfig(), collect.Options{RoleChain: []string{"arn:aws:iam::222222222222:role/OrgrailHub"}, RoleName: "OrgrailAudit"})
	if err != nil {
		t.Fatal(err)
	}
	forAcct := func(a string) aws.Config { return creds.For("aws", a) }
	accounts := []string{"333333333333", "444444444444"}
	roles := baseline.ResolveRoles(c, "aws", "222222222222")
	if dry, err := baseline.DeployRoles(ctx, roles, accounts, forAcct, true); err != nil || len(dry) != 4 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	done, err := baseline.DeployRoles(ctx, roles, accounts, forAcct, false)
	if err != nil || len(done) != 4 || done[0].Actions[0] != "create" {
		t.Fatalf("first deploy: %+v %v", done, err)
	}
	if again, err := baseline.DeployRoles(ctx, roles, accounts, forAcct, false); err != nil || len(again) != 0 {
		t.Fatalf("second deploy: %+v %v", again, err)
	}
	for _, a := range accounts {
		r, err := iam.NewFromConfig(forAcct(a)).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("SecurityAudit")})
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		doc, _ := url.QueryUnescape(aws.ToString(r.Role.AssumeRolePolicyDocument))
		if !strings.Contains(doc, "arn:aws:iam::222222222222:role/OrgrailHub") || !strings.Contains(doc, "aws:MultiFactorAuthPresent") {
			t.Errorf("%s: trust %s", a, doc)
		}
	}
	c.Identity.Roles[0].Trust.MFA = false
	c.Identity.Roles[1].InlineContent = nil
	roles = baseline.ResolveRoles(c, "aws", "222222222222")
	changed, err := baseline.DeployRoles(ctx, roles, accounts[:1], forAcct, false)
	if err != nil || len(changed) != 2 || strings.Join(changed[0].Actions, ",") != "trust" || strings.Join(changed[1].Actions, ",") != "delete inline" {
		t.Fatalf("update: %+v %v", changed, err)
	}

	// The command: the configuration as now changed, where app-dev
	// still has the old trust and inline policy.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(strings.Replace(y, "mfa: true", "mfa: false", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "state.db")
	r := m.Orgrail(t, state, "baseline", "roles", "--config", dir, "--dry-run", "--output", "json")
	var listed []baseline.RoleChange
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &listed) != nil || len(listed) != 2 || listed[0].Account != "444444444444" {
		t.Fatalf("baseline roles --dry-run: exit %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	if r = m.Orgrail(t, state, "baseline", "roles", "--config", dir, "--output", "json"); r.Code != 0 {
		t.Fatalf("baseline roles: exit %d %s", r.Code, r.Stderr)
	}
	if r = m.Orgrail(t, state, "baseline", "roles", "--config", dir, "--output", "json"); r.Code != 0 || strings.TrimSpace(r.Stdout) != "[]" {
		t.Fatalf("baseline roles again: exit %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
}
