package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/severity"
)

// identityExample is the example landing zone with
// examples/identity-center beside it.
func identityExample(t *testing.T) string {
	t.Helper()
	dir := copyDir(t, "../../examples/landing-zone")
	src := "../../examples/identity-center"
	for _, f := range []string{"identity.yaml", "identity/developer-deny.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func emptyCenter() *identity.Center {
	return &identity.Center{InstanceArn: "arn:aws:sso:::instance/ssoins-1", IdentityStoreID: "d-1", Directory: true,
		Groups:  []identity.Group{{ID: "g-a", DisplayName: "Auditors"}, {ID: "g-d", DisplayName: "Payments Developers"}, {ID: "g-p", DisplayName: "Platform"}},
		Members: map[string][]string{}}
}

// TestPlanIdentityOnEmptyOrganization: the Identity Center changes come
// after the organization's, in phase order, each depending only on
// earlier changes; assignments to accounts still to be created wait for
// them; the inline policy is linted and shown as a diff.
func TestPlanIdentityOnEmptyOrganization(t *testing.T) {
	c := loadExample(t, identityExample(t))
	p, diags := NewFull(c, emptyOrg(), emptyCenter(), Options{})
	for _, d := range diags {
		if d.Severity.Reaches(severity.High) && d.Code != CodeLint {
			t.Fatalf("plan: %v", d)
		}
	}
	pos := map[string]int{}
	lastOrg, firstIDC := -1, len(p.Changes)
	counts := map[Kind]int{}
	for i, ch := range p.Changes {
		pos[ch.Key] = i
		counts[ch.Kind]++
		for _, d := range ch.DependsOn {
			if j, ok := pos[d]; !ok || j >= i {
				t.Errorf("%s depends on %s, which does not come first", ch.Key, d)
			}
		}
		if IsIdentity(ch.Kind) {
			firstIDC = min(firstIDC, i)
		} else {
			lastOrg = i
		}
	}
	if lastOrg > firstIDC {
		t.Errorf("organization change at %d after the first identity change at %d", lastOrg, firstIDC)
	}
	if counts[KindPermissionSet] != 3 || counts[KindAccountAssign] != 13 || counts[KindPSManaged] != 4 || counts[KindPSInline] != 1 ||
		counts[KindPSCustomer] != 1 || counts[KindPSBoundary] != 1 || counts[KindPSProvision] != 0 {
		t.Fatalf("change counts: %v", counts)
	}
	as := p.Change("assignment:Developer/GROUP:Payments Developers@payments-dev")
	if as == nil || as.Ref.AccountID != "" || !containsAll(as.DependsOn, "account:payments-dev", "permission-set:Developer", "permission-set-inline:Developer") {
		t.Fatalf("assignment to a new account: %+v", as)
	}
	var out strings.Builder
	if err := Render(&out, p, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"+ create permission set Developer", "sessionDuration: PT8H", `"NoIAMUsers"`, "+ create assignment Developer → group Payments Developers in payments-dev",
		"boundary: none → arn:aws:iam::aws:policy/PowerUserAccess"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("rendered plan lacks %q", want)
		}
	}
}

// TestPlanIdentityWithoutInstance: an identity section for an
// organization without Identity Center is refused; plan.New (drift)
// leaves the section alone.
func TestPlanIdentityWithoutInstance(t *testing.T) {
	c := loadExample(t, identityExample(t))
	if _, diags := NewFull(c, emptyOrg(), nil, Options{}); !strings.Contains(diags.Error(), "no IAM Identity Center instance") {
		t.Errorf("diagnostics: %v", diags)
	}
	p, _ := New(c, emptyOrg(), Options{})
	for _, ch := range p.Changes {
		if IsIdentity(ch.Kind) {
			t.Fatalf("New planned %s", ch.Key)
		}
	}
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		ok := false
		for _, h := range have {
			ok = ok || h == w
		}
		if !ok {
			return false
		}
	}
	return true
}
