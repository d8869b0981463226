package cli

import (
	"testing"
)

// TestCatalogLocalAWS plans and applies the example landing zone with
// its catalog section on the local AWS through the CLI. The first apply
// makes the OUs and accounts (the shares to them wait, with a warning),
// the second the shares and the members' imports and principals; then
// the live plan has nothing to do, and a plan from a snapshot says the
// catalog is left out.
func TestCatalogLocalAWS(t *testing.T) {
	srv := startEmptyOrg(t)
	srv.PutObject("111111111111", "example-catalog-templates", "README", []byte("catalog templates"))
	dir := exampleConfig(t, "../../examples/landing-zone")
	state := t.TempDir() + "/state.db"
	code, keys := planKeys(t, "--config", dir)
	if code != ExitChanges || !containsAll(keys, "catalog:portfolio:approved-compute", "catalog:product:hardened-ec2",
		"catalog:launch:approved-compute/hardened-ec2") {
		t.Fatalf("first plan: exit %d, %v", code, keys)
	}
	for round := 1; round <= 2; round++ {
		if code, out, errOut := runCLI(t, "--state", state, "--config", dir, "apply", "--auto-approve"); code != 0 {
			t.Fatalf("apply %d: exit %d\n%s\n%s", round, code, out, errOut)
		}
	}
	if code, keys := planKeys(t, "--config", dir); code != 0 {
		t.Fatalf("plan after apply: exit %d, %v", code, keys)
	}
	if n := len(srv.Calls("servicecatalog", "AcceptPortfolioShare")); n < 5 {
		t.Errorf("%d members accepted the share", n)
	}
	for _, c := range srv.Calls("servicecatalog", "CreateProduct") {
		if c.Account != "111111111111" {
			t.Errorf("product made in %s, not the management account", c.Account)
		}
	}
}
