package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

func demoSnapshotDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, demo.SnapshotDir)
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func profileNames(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "[profile ") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(l, "[profile "), "]"))
		}
	}
	sort.Strings(out)
	return out
}

// TestProfilesIdentityCenter writes the demo organization's profiles into
// a config file that already has the user's own settings, for one person
// and then for everyone, and checks that only the orgrail block changes.
func TestProfilesIdentityCenter(t *testing.T) {
	snap := demoSnapshotDir(t)
	cfg := filepath.Join(t.TempDir(), "config")
	mine := "[default]\nregion = eu-west-1\n# my comment, kept\n\n[profile personal]\nregion = us-west-2\n"
	if err := os.WriteFile(cfg, []byte(mine), 0o640); err != nil {
		t.Fatal(err)
	}
	// akiko.sato is in the admin and engineer groups: AdministratorAccess
	// and ReadOnly in each of the 16 active accounts, no SecurityAudit.
	code, _, stderr := runCLI(t, "profiles", "--snapshot", snap, "--config-file", cfg, "--user", "akiko.sato", "--config", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(cfg)
	text := string(b)
	if !strings.HasPrefix(text, mine) {
		t.Fatalf("the user's settings were not kept byte for byte:\n%s", text)
	}
	if st, _ := os.Stat(cfg); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	names := profileNames(text)
	var admin, ro, audit int
	for _, n := range names {
		switch {
		case strings.HasSuffix(n, "-AdministratorAccess"):
			admin++
		case strings.HasSuffix(n, "-ReadOnly"):
			ro++
		case strings.HasSuffix(n, "-SecurityAudit"):
			audit++
		}
	}
	if admin != 16 || ro != 16 || audit != 0 {
		t.Errorf("akiko.sato: %d admin, %d read-only, %d audit profiles; want 16, 16, 0\n%v", admin, ro, audit, names)
	}
	for _, want := range []string{"[sso-session kumo-foods]", "sso_start_url = https://d-9067c3a1f2.awsapps.com/start", "sso_region = us-east-1",
		"[profile payments-prod-AdministratorAccess]\nsso_session = kumo-foods\nsso_account_id = "} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	// The contractor holds AdministratorAccess in payments-prod only,
	// assigned to the user directly.
	cfg2 := filepath.Join(t.TempDir(), "config")
	if code, _, stderr := runCLI(t, "profiles", "--snapshot", snap, "--config-file", cfg2, "--user", "dan.contractor", "--config", t.TempDir()); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b2, _ := os.ReadFile(cfg2)
	if got := profileNames(string(b2)); len(got) != 1 || got[0] != "payments-prod-AdministratorAccess" {
		t.Errorf("dan.contractor's profiles = %v", got)
	}
	if st, _ := os.Stat(cfg2); st.Mode().Perm() != 0o600 {
		t.Errorf("new config file mode %v, want 0600", st.Mode().Perm())
	}
	// Everyone's profiles, then akiko again: without --prune the others
	// are kept as stale, with --prune they go; a second identical run
	// changes nothing.
	if code, _, stderr := runCLI(t, "profiles", "--snapshot", snap, "--config-file", cfg, "--config", t.TempDir()); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ = os.ReadFile(cfg)
	if n := len(profileNames(string(b))); n != 3*16+1 {
		t.Errorf("every account × permission set: %d profiles, want %d", n, 3*16+1)
	}
	_, _, stderr = runCLI(t, "profiles", "--snapshot", snap, "--config-file", cfg, "--user", "akiko.sato", "--config", t.TempDir())
	b, _ = os.ReadFile(cfg)
	if n := len(profileNames(string(b))); n != 3*16+1 || !strings.Contains(stderr, "kept 16 no longer granted") {
		t.Errorf("without --prune: %d profiles, stderr %q", n, stderr)
	}
	code, diff, _ := runCLI(t, "profiles", "--snapshot", snap, "--config-file", cfg, "--user", "akiko.sato", "--prune", "--dry-run", "--config", t.TempDir())
	if code != 0 || !strings.Contains(diff, "-[profile audit-SecurityAudit]") || strings.Contains(diff, "-[profile personal]") {
		t.Errorf("--dry-run --prune diff (exit %d):\n%s", code, diff)
	}
	if after, _ := os.ReadFile(cfg); !bytes.Equal(after, b) {
		t.Error("--dry-run wrote the file")
	}
	runCLI(t, "profiles", "--snapshot", snap, "--config-file", cfg, "--user", "akiko.sato", "--prune", "--config", t.TempDir())
	b, _ = os.ReadFile(cfg)
	if n := len(profileNames(string(b))); n != 2*16+1 || !strings.HasPrefix(string(b), mine) {
		t.Errorf("after --prune: %d profiles\n%s", n, b)
	}
	if code, diff, _ := runCLI(t, "profiles", "--snapshot", snap, "--config-file", cfg, "--user", "akiko.sato", "--prune", "--dry-run", "--config", t.TempDir()); code != 0 || diff != "" {
		t.Errorf("second run is not a no-op: %q", diff)
	}
	if code, _, stderr := runCLI(t, "profiles", "--snapshot", snap, "--config-file", cfg, "--user", "nobody", "--config", t.TempDir()); code != ExitUsage || !strings.Contains(stderr, "no such user") {
		t.Errorf("unknown user: exit %d %s", code, stderr)
	}
	checkWithAWSCLI(t, cfg, "payments-prod-ReadOnly", "sso_role_name", "ReadOnly")
}

// checkWithAWSCLI has the AWS CLI, an independent reader of the config
// format, list the profiles and read one setting back.
func checkWithAWSCLI(t *testing.T, cfg, profile, key, want string) {
	t.Helper()
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Log("aws CLI not installed: the independent read of the file is skipped")
		return
	}
	env := []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "AWS_CONFIG_FILE=" + cfg}
	cmd := exec.Command(awsBin, "configure", "list-profiles")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	switch {
	case err != nil && strings.Contains(string(out), "Invalid choice"):
		t.Log("this AWS CLI (v1) has no `configure list-profiles`; reading settings back only")
	case err != nil:
		t.Fatalf("aws configure list-profiles: %v\n%s", err, out)
	default:
		b, _ := os.ReadFile(cfg)
		listed := strings.Fields(string(out))
		sort.Strings(listed)
		want2 := append(profileNames(string(b)), "default")
		sort.Strings(want2)
		if strings.Join(listed, " ") != strings.Join(want2, " ") {
			t.Errorf("aws configure list-profiles = %v, want %v", listed, want2)
		}
	}
	cmd = exec.Command(awsBin, "configure", "get", key, "--profile", profile)
	cmd.Env = env
	out, err = cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != want {
		t.Errorf("aws configure get %s --profile %s = %q (%v), want %q", key, profile, out, err, want)
	}
}

// chainSnapshot is a standalone organization: jump (111…), security
// (222…) and two members; the security account's OrgrailHub role trusts
// the jump account, each member's OrgrailAudit role trusts OrgrailHub.
func chainSnapshot(t *testing.T, mfaOnMember string) string {
	t.Helper()
	joined := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ids := map[string]string{"jump": "111111111111", "security": "222222222222", "app-prod": "333333333333", "app-dev": "444444444444"}
	o := &org.Organization{Id: "o-chain", FeatureSet: "ALL", MasterAccountId: "111111111111",
		Roots: []org.Root{{Id: "r-ch01", Name: "Root"}}}
	for name, id := range ids {
		o.Accounts = append(o.Accounts, org.Account{Id: id, Name: name, Status: "ACTIVE", ParentId: "r-ch01", JoinedTimestamp: joined})
	}
	sort.Slice(o.Accounts, func(i, j int) bool { return o.Accounts[i].Id < o.Accounts[j].Id })
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	trust := func(principal string, mfa bool) string {
		st := map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": principal}, "Action": "sts:AssumeRole"}
		if mfa {
			st["Condition"] = map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}
		}
		b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{st}})
		return string(b)
	}
	roles := map[string][]iamtypes.RoleDetail{}
	role := func(account, name, doc string) {
		roles[account] = append(roles[account], iamtypes.RoleDetail{RoleName: aws.String(name), Arn: aws.String("arn:aws:iam::" + account + ":role/" + name),
			CreateDate: aws.Time(joined), AssumeRolePolicyDocument: aws.String(doc)})
	}
	role(ids["security"], "OrgrailHub", trust("arn:aws:iam::111111111111:root", false))
	for _, m := range []string{"app-prod", "app-dev"} {
		role(ids[m], "OrgrailAudit", trust("arn:aws:iam::222222222222:role/OrgrailHub", m == mfaOnMember))
		// The cross-account role of identity.roles (chainRoles), as the
		// configuration renders its trust.
		role(ids[m], "SecurityAudit", string((&config.CrossAccountRole{Trust: config.RoleTrust{Role: "OrgrailHub"}}).TrustPolicy("aws", ids["security"])))
	}
	for account, list := range roles {
		f := snapshot.NewServiceFile(account, snapshot.Global, "iam")
		if err := f.Set("GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: list}); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, w, f)
	}
	if err := w.Commit(&snapshot.Manifest{OrgID: "o-chain", Source: "test"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// chainRoles is an identity.roles section for chainConfig: the
// SecurityAudit role, assumed from the security account's OrgrailHub.
func chainRoles(mfa bool) string {
	return fmt.Sprintf(`security:
  auditAccount: security
identity:
  roles:
    - name: SecurityAudit
      managedPolicies: [arn:aws:iam::aws:policy/SecurityAudit]
      trust: {role: OrgrailHub, mfa: %t}
`, mfa)
}

func chainConfig(t *testing.T, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	yaml := `organization:
  mode: standalone
  jumpAccount: jump
  roleChain:
    - account: security
      role: OrgrailHub
    - role: OrgrailAudit
accounts:
  - {name: jump,     id: "111111111111", owner: it}
  - {name: security, id: "222222222222", owner: security}
  - {name: app-prod, id: "333333333333", owner: app}
  - {name: app-dev,  id: "444444444444", owner: app}
` + strings.Join(extra, "")
	if err := os.WriteFile(filepath.Join(dir, "org.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestProfilesRoleChainMFA checks mfa_serial where, and only where, the
// role's trust policy asks for MFA.
func TestProfilesRoleChainMFA(t *testing.T) {
	snap, lz := chainSnapshot(t, "app-prod"), chainConfig(t)
	cfg := filepath.Join(t.TempDir(), "config")
	if code, _, stderr := runCLI(t, "profiles", "--config", lz, "--snapshot", snap, "--config-file", cfg); code != ExitUsage || !strings.Contains(stderr, "requires MFA") {
		t.Fatalf("MFA without --user: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "profiles", "--config", lz, "--snapshot", snap, "--config-file", cfg, "--user", "yuki", "--source-profile", "jump-user"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(cfg)
	text := string(b)
	for _, want := range []string{
		"[profile security-OrgrailHub]\nrole_arn = arn:aws:iam::222222222222:role/OrgrailHub\nsource_profile = jump-user\n",
		"[profile app-prod-OrgrailAudit]\nrole_arn = arn:aws:iam::333333333333:role/OrgrailAudit\nsource_profile = security-OrgrailHub\nmfa_serial = arn:aws:iam::111111111111:mfa/yuki\n",
		"[profile app-dev-OrgrailAudit]\nrole_arn = arn:aws:iam::444444444444:role/OrgrailAudit\nsource_profile = security-OrgrailHub\n# <<<",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing\n%s\nin\n%s", want, text)
		}
	}
}

// TestProfilesRoleChainWithAWSCLI has the AWS CLI use a generated
// chained profile against the local AWS: jump credentials → OrgrailHub
// in security → OrgrailAudit in a member, every hop an sts:AssumeRole
// the local AWS checks against the trust policies.
func TestProfilesRoleChainWithAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("the AWS CLI takes seconds per call; skipped with -short")
	}
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed (apt-get install awscli)")
	}
	snap, lz := chainSnapshot(t, ""), chainConfig(t, chainRoles(false))
	ready := runDevServer(t, snap)
	home := t.TempDir()
	cfg := filepath.Join(home, "config")
	creds := filepath.Join(home, "credentials")
	if err := os.WriteFile(creds, []byte("[jump]\naws_access_key_id = "+ready.AccessKeyID+"\naws_secret_access_key = "+ready.SecretAccessKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "profiles", "--config", lz, "--snapshot", snap, "--config-file", cfg, "--source-profile", "jump", "--region", "us-east-1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cmd := exec.Command(awsBin, "sts", "get-caller-identity", "--profile", "app-dev-OrgrailAudit", "--output", "json")
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_CONFIG_FILE=" + cfg, "AWS_SHARED_CREDENTIALS_FILE=" + creds,
		"AWS_ENDPOINT_URL=" + ready.Endpoint, "AWS_MAX_ATTEMPTS=1", "AWS_EC2_METADATA_DISABLED=true"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws sts get-caller-identity through the chain: %v\n%s", err, out)
	}
	var id struct{ Account, Arn string }
	if err := json.Unmarshal(out, &id); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if id.Account != "444444444444" || !strings.Contains(id.Arn, ":assumed-role/OrgrailAudit/") {
		t.Errorf("caller through the chain = %+v", id)
	}
	// The cross-account role of identity.roles, through the security
	// account's hop: its trust (only OrgrailHub of security) is checked.
	cmd = exec.Command(awsBin, "sts", "get-caller-identity", "--profile", "app-prod-SecurityAudit", "--output", "json")
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_CONFIG_FILE=" + cfg, "AWS_SHARED_CREDENTIALS_FILE=" + creds,
		"AWS_ENDPOINT_URL=" + ready.Endpoint, "AWS_MAX_ATTEMPTS=1", "AWS_EC2_METADATA_DISABLED=true"}
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws sts get-caller-identity through the security hop: %v\n%s", err, out)
	}
	id.Account, id.Arn = "", ""
	if err := json.Unmarshal(out, &id); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if id.Account != "333333333333" || !strings.Contains(id.Arn, ":assumed-role/SecurityAudit/") {
		t.Errorf("caller through the security hop = %+v", id)
	}
}

// TestProfilesCrossAccountRoles: the roles of identity.roles get one
// profile per member account, sourced from the chain's hop in the
// security account, with mfa_serial exactly when their trust requires
// MFA; a trust naming another role than the chain's is refused.
func TestProfilesCrossAccountRoles(t *testing.T) {
	snap := chainSnapshot(t, "")
	for _, mfa := range []bool{false, true} {
		lz := chainConfig(t, chainRoles(mfa))
		cfg := filepath.Join(t.TempDir(), "config")
		if code, _, stderr := runCLI(t, "profiles", "--config", lz, "--snapshot", snap, "--config-file", cfg, "--user", "yuki", "--source-profile", "jump-user"); code != 0 {
			t.Fatalf("mfa %t: exit %d: %s", mfa, code, stderr)
		}
		b, _ := os.ReadFile(cfg)
		text := string(b)
		for _, m := range []struct{ name, id string }{{"app-prod", "333333333333"}, {"app-dev", "444444444444"}} {
			want := "[profile " + m.name + "-SecurityAudit]\nrole_arn = arn:aws:iam::" + m.id + ":role/SecurityAudit\nsource_profile = security-OrgrailHub\n"
			if mfa {
				want += "mfa_serial = arn:aws:iam::111111111111:mfa/yuki\n"
			}
			if !strings.Contains(text, want) || (!mfa && strings.Contains(text, "mfa_serial")) {
				t.Errorf("mfa %t: missing\n%s\nin\n%s", mfa, want, text)
			}
		}
		if strings.Contains(text, "[profile security-SecurityAudit]") || strings.Contains(text, "[profile jump-SecurityAudit]") {
			t.Errorf("the role is made in neither the security nor the jump account:\n%s", text)
		}
	}
	lz := chainConfig(t, strings.Replace(chainRoles(false), "role: OrgrailHub", "role: Responders", 1))
	if code, _, stderr := runCLI(t, "profiles", "--config", lz, "--snapshot", snap, "--config-file", filepath.Join(t.TempDir(), "c")); code != ExitUsage || !strings.Contains(stderr, "trusts only role Responders") {
		t.Errorf("a trust the chain does not reach: exit %d %s", code, stderr)
	}
}
