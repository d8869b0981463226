package vending

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/config"
)

// withBaseline loads the test configuration with a baseline: section
// whose account baseline StackSet targets the OU given.
func withBaseline(t *testing.T, target string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	extra := "baseline:\n  targets: [" + target + "]\n  securityContact: {name: Security Team, email: security@example.com, phone: \"+81-3-0000-0000\"}\n"
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(testConfig+extra), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBaselineStep runs the baseline step through internal/baseline: an
// OU outside the baseline's targets leaves it pending (and says why);
// inside them, the account is collected and baseline.Verify decides.
// Nothing deployed the baseline in this organization (no StackSet was
// applied), so the account lacks its settings: the step must fail and
// name the checks, not pass. TestLandingZoneWalkthrough (internal/cli)
// is the passing case, with the StackSets deployed by the local AWS.
func TestBaselineStep(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var waits int
	opts := fastOptions(&waits)
	opts.Attempts = 2
	c := withBaseline(t, "Sandbox")
	opts.Baseline = BaselineHook(c, e.aws, testRequest.OU)
	rep, err := Run(ctx, e.aws, e.st, c, testRequest, opts)
	if err != nil || len(rep.Pending) != 1 || !strings.Contains(rep.NeedsPerson[0], "not under a baseline target") {
		t.Fatalf("OU outside the targets: %v pending %v needs %v", err, rep.Pending, rep.NeedsPerson)
	}
	c = withBaseline(t, "Workloads")
	opts.Baseline = BaselineHook(c, e.aws, testRequest.OU)
	rep, err = Run(ctx, e.aws, e.st, c, testRequest, opts)
	if err == nil || rep.Complete {
		t.Fatalf("baseline verified on an account without it: %+v", rep.Steps[len(rep.Steps)-1])
	}
	last := rep.Steps[len(rep.Steps)-1]
	if last.Step != "baseline" || last.Status != StatusFailed || !strings.Contains(last.Error, "password-policy") {
		t.Fatalf("baseline step: %+v", last)
	}
	if rep.VPC == nil {
		t.Fatal("the VPC was not built before the baseline check")
	}
}
