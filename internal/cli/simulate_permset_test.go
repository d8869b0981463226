package cli

import (
	"strings"
	"testing"
)

// TestSimulatePermissionSet asks "can this permission set in this
// account do X" of the demo organization: ReadOnly may not delete a
// bucket in payments-prod, AdministratorAccess may; an unknown
// permission set or account is a usage error.
func TestSimulatePermissionSet(t *testing.T) {
	snap := demoSnapshotDir(t)
	base := []string{"policy", "simulate", "--snapshot", snap, "--account", "payments-prod", "--action", "s3:DeleteBucket",
		"--resource", "arn:aws:s3:::some-bucket", "--context", "aws:SecureTransport=true", "--context", "aws:RequestedRegion=ap-northeast-1", "--output", "json"}
	for _, c := range []struct{ ps, want string }{{"ReadOnly", `"ImplicitlyDenied"`}, {"AdministratorAccess", `"Allowed"`}} {
		code, out, stderr := runCLI(t, append(base, "--permission-set", c.ps)...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%s: exit %d, %s %s; want %s", c.ps, code, out, stderr, c.want)
		}
	}
	if code, _, stderr := runCLI(t, append(base, "--permission-set", "Nope")...); code != ExitUsage || !strings.Contains(stderr, "no Identity Center role") {
		t.Errorf("unknown permission set: exit %d %s", code, stderr)
	}
	bad := append([]string{}, base...)
	bad[4] = "no-such-account"
	if code, _, _ := runCLI(t, append(bad, "--permission-set", "ReadOnly")...); code != ExitUsage {
		t.Errorf("unknown account: exit %d", code)
	}
}
