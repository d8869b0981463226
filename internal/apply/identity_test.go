package apply

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/plan"
	"github.com/orgrail/orgrail/internal/severity"
)

// identityEnv is the example landing zone with examples/identity-center
// beside it, on an empty local organization with a seeded Identity
// Center.
func identityEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	for _, src := range []string{"../../examples/landing-zone", "../../examples/identity-center"} {
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil && !errors.Is(err, os.ErrExist) {
			t.Fatal(err)
		}
	}
	e := newEnv(t, dir)
	seed := awstest.IdentityCenterSeed{InstanceArn: "arn:aws:sso:::instance/ssoins-0000000000000001", IdentityStoreID: "d-0000000001",
		Groups: []awstest.SeedGroup{{ID: "g-1", DisplayName: "Auditors"}, {ID: "g-2", DisplayName: "Payments Developers"}, {ID: "g-3", DisplayName: "Platform"}}}
	if err := e.srv.SeedIdentityCenter(e.srv.ManagementAccount(), e.srv.Region, seed); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) center(t *testing.T) *identity.Center {
	t.Helper()
	ctx := context.Background()
	c, err := identity.Read(ctx, e.srv.Config(ctx, e.srv.AdminCredentials()), e.srv.ManagementAccount())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) planFull(t *testing.T) *plan.Plan {
	t.Helper()
	p, diags := plan.NewFull(e.cfg, e.read(t), e.center(t), plan.Options{})
	for _, d := range diags {
		if d.Severity.Reaches(severity.High) && d.Code != plan.CodeLint {
			t.Fatalf("plan: %v", d)
		}
	}
	return p
}

// TestApplyIdentityResumes interrupts apply at journal writes inside the
// Identity Center steps, applies again until done, and checks that the
// instance ends as configured, with no permission set created twice and
// every step found done or done once.
func TestApplyIdentityResumes(t *testing.T) {
	stops := []struct {
		marker string
		n      int
	}{{"permission set", 1}, {"permission set", 4}, {"managed policy", 2}, {"inline policy", 1}, {"assignment", 1}, {"assignment", 7}}
	for _, stop := range stops {
		stopAt := stop.marker + " #" + string(rune('0'+stop.n))
		e := identityEnv(t)
		p := e.planFull(t)
		seen, runs := 0, 0
		for {
			runs++
			if runs > 5 {
				t.Fatalf("stop at %s: not done after 5 runs", stopAt)
			}
			ctx, cancel := context.WithCancel(context.Background())
			_, err := e.apply(ctx, p, Options{Progress: cancelAfter{marker: stop.marker, n: stop.n, seen: &seen, cancel: cancel}})
			cancel()
			if err == nil {
				break
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("stop at %s, run %d: %v", stopAt, runs, err)
			}
		}
		if runs < 2 {
			t.Fatalf("stop at %s: never interrupted", stopAt)
		}
		if again := e.planFull(t); !again.Empty() {
			t.Fatalf("stop at %s: plan after apply: %v", stopAt, keysOf(again))
		}
		c := e.center(t)
		if len(c.PermissionSets) != 3 || len(c.Assignments) != 13 {
			t.Fatalf("stop at %s: %d permission sets, %d assignments", stopAt, len(c.PermissionSets), len(c.Assignments))
		}
		if n := len(e.srv.Calls("ssoadmin", "CreatePermissionSet")); n != 3 {
			t.Errorf("stop at %s: CreatePermissionSet called %d times", stopAt, n)
		}
	}
}

// TestPlanIdentityRefusals: an unknown group fails the plan at its
// position; permission sets the configuration does not declare are
// deleted only under manage: exclusive and with --allow-delete, after
// their assignments.
func TestPlanIdentityRefusals(t *testing.T) {
	e := identityEnv(t)
	if _, err := e.apply(context.Background(), e.planFull(t), Options{}); err != nil {
		t.Fatal(err)
	}
	cur, idc := e.read(t), e.center(t)

	bad := *e.cfg
	bad.Identity.Assignments = append([]config.AccountAssignment{{PermissionSet: "ReadOnly", Groups: []string{"Auditers"}, OUs: []string{"Workloads/Prod"}}}, bad.Identity.Assignments...)
	if _, diags := plan.NewFull(&bad, cur, idc, plan.Options{}); !hasDiag(diags, plan.CodeNotPossible, `group "Auditers" is not in the identity store`) {
		t.Errorf("unknown group: %v", diags)
	}

	fewer := *e.cfg
	fewer.Identity.PermissionSets = fewer.Identity.PermissionSets[1:] // AdministratorAccess undeclared
	fewer.Identity.Assignments = fewer.Identity.Assignments[:2]
	if p, _ := plan.NewFull(&fewer, cur, idc, plan.Options{AllowDelete: true}); !p.Empty() {
		t.Errorf("without manage: exclusive an undeclared permission set is left alone: %v", keysOf(p))
	}
	fewer.Identity.Manage = config.ManageExclusive
	p, diags := plan.NewFull(&fewer, cur, idc, plan.Options{})
	if !p.Empty() || !hasDiag(diags, plan.CodeNeedsFlag, "deleting permission set AdministratorAccess") {
		t.Errorf("without --allow-delete: %v %v", keysOf(p), diags)
	}
	p, _ = plan.NewFull(&fewer, cur, idc, plan.Options{AllowDelete: true})
	keys := keysOf(p)
	if len(keys) != 5 || keys[4] != "permission-set-delete:AdministratorAccess" {
		t.Fatalf("exclusive with --allow-delete: %v", keys)
	}
	if _, err := e.apply(context.Background(), p, Options{}); err != nil {
		t.Fatal(err)
	}
	if c := e.center(t); len(c.PermissionSets) != 2 || len(c.Assignments) != 9 {
		t.Fatalf("after deleting: %d permission sets, %d assignments", len(c.PermissionSets), len(c.Assignments))
	}
}

func hasDiag(ds diag.List, code, text string) bool {
	for _, d := range ds {
		if d.Code == code && strings.Contains(d.Message, text) {
			return true
		}
	}
	return false
}

// cancelAfter is a progress writer that cancels the apply once n steps
// whose line contains marker have been reported.
type cancelAfter struct {
	marker string
	n      int
	seen   *int
	cancel context.CancelFunc
}

func (c cancelAfter) Write(b []byte) (int, error) {
	if strings.Contains(string(b), c.marker) {
		*c.seen++
		if *c.seen == c.n {
			c.cancel()
		}
	}
	return len(b), nil
}
