package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/store"
)

// remediateEnv serves the demo organization on the local AWS and
// returns the environment that points the SDK at it with the
// management account's keys.
func remediateEnv(t *testing.T) (*awstest.Server, string, map[string]string) {
	t.Helper()
	dir := auditDemo(t)
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(context.Background(), awstest.Options{Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	creds := srv.AdminCredentials()
	env := map[string]string{"AWS_ENDPOINT_URL": srv.Endpoint, "AWS_ACCESS_KEY_ID": creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": creds.SecretAccessKey, "AWS_SESSION_TOKEN": creds.SessionToken, "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "ORGRAIL_STATE": filepath.Join(t.TempDir(), "state.db")}
	return srv, dir, env
}

// writeCalls counts the calls that change something.
func writeCalls(srv *awstest.Server) []string {
	var out []string
	for _, e := range srv.Log() {
		op := e.Operation
		if strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "List") || e.Service == "sts" {
			continue
		}
		out = append(out, e.Service+":"+op)
	}
	return out
}

// TestRemediateGuardsCallNothing: without --yes (stdin not a terminal),
// over --max-changes, or without credentials, remediate --apply exits 2
// and the local AWS receives no change.
func TestRemediateGuardsCallNothing(t *testing.T) {
	srv, dir, env := remediateEnv(t)
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no --yes", env, []string{"--apply"}, "--yes"},
		{"over --max-changes", env, []string{"--apply", "--yes", "--max-changes", "3"}, "--max-changes 3"},
		{"no credentials", map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_EC2_METADATA_DISABLED": "true"},
			[]string{"--apply", "--yes"}, "GetCallerIdentity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv.ResetLog()
			code, _, errOut := run(t, c.env, append([]string{"remediate", "--snapshot", dir}, c.args...)...)
			if code != ExitUsage || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, want 2 and %q: %s", code, c.want, errOut)
			}
			if w := writeCalls(srv); len(w) != 0 {
				t.Fatalf("calls made: %v", w)
			}
		})
	}
	if len(srv.Log()) != 0 && len(writeCalls(srv)) != 0 {
		t.Fatal("changes reached the server")
	}
}

// TestRemediateChecksLiveState: an account added to org.json that the
// live organization does not have is skipped, a default security group
// whose ingress rules were revoked since the snapshot is not revoked
// again, the rest is applied, and the store holds the started record
// (caller ARN, plan digest) and every step's result.
func TestRemediateChecksLiveState(t *testing.T) {
	srv, dir, env := remediateEnv(t)
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const sgAccount, ghost = "782512803675", "999999999999"
	addGhostAccount(t, dir, snap, sgAccount, ghost)

	// Revoke the default group's ingress rules live, as someone did after the snapshot.
	ec2c := ec2.NewFromConfig(srv.Config(context.Background(), srv.AccountCredentials(sgAccount)), func(o *ec2.Options) { o.Region = "us-east-1" })
	groups, err := ec2c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	revoked := ""
	for _, g := range groups.SecurityGroups {
		if aws.ToString(g.GroupName) == "default" && len(g.IpPermissions) > 0 {
			revoked = aws.ToString(g.GroupId)
			if _, err := ec2c.RevokeSecurityGroupIngress(context.Background(), &ec2.RevokeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: g.IpPermissions}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if revoked == "" {
		t.Fatal("the demo has no default group with ingress rules")
	}
	srv.ResetLog()
	code, out, errOut := run(t, env, "remediate", "--snapshot", dir, "--account", sgAccount+","+ghost,
		"--rule", "ec2.default-sg-closed,ec2.ebs-default-encryption", "--apply", "--yes", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(errOut, "account "+ghost+" is not a member") {
		t.Errorf("the ghost account is not reported as skipped: %s", errOut)
	}
	if !strings.Contains(errOut, "already revoked") {
		t.Errorf("the revoked rules are not reported: %s", errOut)
	}
	for _, e := range srv.Log() {
		if e.Operation == "RevokeSecurityGroupIngress" {
			t.Errorf("ingress revoked again: %+v", e)
		}
		if e.Account == ghost {
			t.Errorf("a call reached the ghost account: %+v", e)
		}
	}
	w := writeCalls(srv)
	if len(w) == 0 || !strings.Contains(strings.Join(w, " "), "RevokeSecurityGroupEgress") {
		t.Errorf("the egress revocation was not made: %v", w)
	}
	checkJournal(t, env["ORGRAIL_STATE"], len(w))
}

// addGhostAccount copies one account's data under a new id and adds it
// to org.json, as an edited snapshot would.
func addGhostAccount(t *testing.T, dir string, snap *snapshot.Snapshot, from, ghost string) {
	t.Helper()
	root := filepath.Join(dir, "snapshot")
	if err := os.CopyFS(filepath.Join(root, "accounts", ghost), os.DirFS(filepath.Join(root, "accounts", from))); err != nil {
		t.Fatal(err)
	}
	o := *snap.Org
	var src org.Account
	for _, a := range o.Accounts {
		if a.Id == from {
			src = a
		}
	}
	src.Id, src.Name, src.Arn = ghost, "ghost", strings.ReplaceAll(src.Arn, from, ghost)
	o.Accounts = append(append([]org.Account(nil), o.Accounts...), src)
	b, err := json.MarshalIndent(&o, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "org.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	m := snap.Manifest
	for _, c := range m.Coverage {
		if c.Account == from {
			c.Account = ghost
			m.Coverage = append(m.Coverage, c)
			break
		}
	}
	b, err = json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "manifest.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// checkJournal reads the remediation run back from the store.
func checkJournal(t *testing.T, path string, calls int) {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var id int64
	var status string
	var caller, digest sql.NullString
	if err := s.DB().QueryRow(`SELECT id, status, caller, plan_digest FROM runs WHERE kind = 'remediate'`).Scan(&id, &status, &caller, &digest); err != nil {
		t.Fatal(err)
	}
	if status != "ok" || !strings.HasPrefix(caller.String, "arn:aws:") || len(digest.String) != 64 {
		t.Errorf("run %d: status %s caller %q digest %q", id, status, caller.String, digest.String)
	}
	var ok, planned int
	if err := s.DB().QueryRow(`SELECT count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE status = 'planned')
		FROM remediation_steps WHERE run_id = ?`, id).Scan(&ok, &planned); err != nil {
		t.Fatal(err)
	}
	if ok != calls || planned != 0 {
		t.Errorf("steps: %d ok, %d planned; %d calls made", ok, planned, calls)
	}
}
