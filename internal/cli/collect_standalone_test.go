package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/orgrail/orgrail/internal/collect"
	"github.com/orgrail/orgrail/internal/config"
)

// TestStandaloneConfigToCollectOptions checks the no-Organizations mode:
// accounts come from the configuration and are reached from the jump
// account through its role chain.
func TestStandaloneConfigToCollectOptions(t *testing.T) {
	dir := t.TempDir()
	yaml := `organization:
  mode: standalone
  jumpAccount: jump
  roleChain:
    - account: jump
      role: OrgrailHub
    - role: OrgrailAudit
      externalId: x-123
accounts:
  - {name: jump,      id: "111111111111", owner: it-admin}
  - {name: security,  id: "222222222222", owner: security-team}
  - {name: project-a, id: "333333333333", owner: team-a, environment: prod, system: shop}
security:
  logArchiveAccount: security
  auditAccount: security
`
	if err := os.WriteFile(filepath.Join(dir, "org.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, diags, err := config.Load(dir)
	if err != nil || c == nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	var o collect.Options
	if err := standaloneOptions(c, &o); err != nil {
		t.Fatal(err)
	}
	if want := []string{"arn:aws:iam::111111111111:role/OrgrailHub"}; !reflect.DeepEqual(o.RoleChain, want) {
		t.Errorf("RoleChain = %v, want %v", o.RoleChain, want)
	}
	if o.RoleName != "OrgrailAudit" || o.ExternalID != "x-123" {
		t.Errorf("last hop: role %q external id %q", o.RoleName, o.ExternalID)
	}
	if len(o.Standalone) != 3 || o.Standalone[2].Id != "333333333333" || o.Standalone[2].Name != "project-a" {
		t.Errorf("accounts = %+v", o.Standalone)
	}
	// --role-chain on the command line wins over the configuration.
	o = collect.Options{RoleChain: []string{"arn:aws:iam::999999999999:role/Other"}}
	standaloneOptions(c, &o)
	if len(o.RoleChain) != 1 || o.RoleChain[0] != "arn:aws:iam::999999999999:role/Other" {
		t.Errorf("flag overridden: %v", o.RoleChain)
	}
}
