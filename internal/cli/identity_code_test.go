package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/identity"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// identitySeed is the identity store the identity example names.
var identitySeed = awstest.IdentityCenterSeed{
	InstanceArn: "arn:aws:sso:::instance/ssoins-72230c1f5d9e4b21", IdentityStoreID: "d-9067a1b2c3", Name: "Example",
	Users: []awstest.SeedUser{{ID: "u-akiko", UserName: "akiko.sato", DisplayName: "Akiko Sato"}, {ID: "u-ben", UserName: "ben.okafor", DisplayName: "Ben Okafor"}},
	Groups: []awstest.SeedGroup{{ID: "g-auditors", DisplayName: "Auditors", Members: []string{"u-ben"}},
		{ID: "g-paydev", DisplayName: "Payments Developers", Members: []string{"u-akiko"}},
		{ID: "g-platform", DisplayName: "Platform", Members: []string{"u-akiko"}}},
}

// startEmptyOrg starts the local AWS with an organization as
// CreateOrganization leaves it and the seeded Identity Center, and
// points the standard AWS environment variables at it.
func startEmptyOrg(t *testing.T) *awstest.Server {
	t.Helper()
	o := &org.Organization{Id: "o-exampleorg01", Arn: "arn:aws:organizations::111111111111:organization/o-exampleorg01",
		MasterAccountId: "111111111111", FeatureSet: "ALL", MasterAccountEmail: "aws+management@example.com",
		Roots: []org.Root{{Id: "r-ab12", Name: "Root", Arn: "arn:aws:organizations::111111111111:root/o-exampleorg01/r-ab12"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE",
			ParentId: "r-ab12", JoinedMethod: "INVITED"}}}
	srv, err := awstest.Start(context.Background(), awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: o}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	// The example's catalog uploads its templates to this bucket.
	srv.PutObject("111111111111", "example-catalog-templates", "README", []byte("catalog templates"))
	if err := srv.SeedIdentityCenter("111111111111", "us-east-1", identitySeed); err != nil {
		t.Fatal(err)
	}
	// apply polls asynchronous requests a second apart: answer the first
	// description with the final status (the write still answers
	// IN_PROGRESS, so the request is polled).
	srv.SetSSOPending(0)
	creds := srv.AdminCredentials()
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": srv.Endpoint, "AWS_ACCESS_KEY_ID": creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": creds.SecretAccessKey, "AWS_SESSION_TOKEN": creds.SessionToken, "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": ""} {
		t.Setenv(k, v)
	}
	return srv
}

// identityConfig is examples/landing-zone (without its policies, which
// other tests cover) with examples/identity-center beside it, in a
// temporary directory.
func identityConfig(t *testing.T) string {
	t.Helper()
	dir := exampleConfig(t, "../../examples/landing-zone", "../../examples/identity-center")
	// The catalog section is tested by TestCatalogLocalAWS.
	if err := os.Remove(filepath.Join(dir, "catalog.yaml")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// exampleConfig copies example directories, without their policies.
func exampleConfig(t *testing.T, srcs ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, src := range srcs {
		err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if rel == "policies.yaml" || strings.HasPrefix(rel, "policies"+string(filepath.Separator)) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// planKeys runs plan and returns its exit code and change keys.
func planKeys(t *testing.T, args ...string) (int, []string) {
	t.Helper()
	code, out, errOut := runCLI(t, append([]string{"plan", "--output", "json"}, args...)...)
	if code != 0 && code != ExitChanges {
		t.Fatalf("plan %v: exit %d\n%s", args, code, errOut)
	}
	var p struct{ Changes []struct{ Key string } }
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan output: %v\n%s", err, out)
	}
	var keys []string
	for _, c := range p.Changes {
		keys = append(keys, c.Key)
	}
	return code, keys
}

// TestIdentityAsCodeLocalAWS is issue 16's done-when on the local AWS: a
// configuration with three permission sets and assignments to two OUs
// is applied, read back by collect, planned again with no change (live
// and from the snapshot), and `orgrail profiles` writes a config the AWS
// CLI reads. Then an account moves to another OU and a permission set
// changes: the assignments follow the account and the permission set is
// provisioned again.
func TestIdentityAsCodeLocalAWS(t *testing.T) {
	srv := startEmptyOrg(t)
	dir := identityConfig(t)
	state := filepath.Join(t.TempDir(), "state.db")
	code, keys := planKeys(t, "--config", dir)
	if code != ExitChanges || !containsAll(keys, "permission-set:Developer", "permission-set-inline:Developer",
		"permission-set-boundary:Developer", "permission-set-customer:Developer@/orgrail/DeveloperExtras",
		"assignment:ReadOnly/GROUP:Auditors@payments-dev", "assignment:AdministratorAccess/GROUP:Platform@network") {
		t.Fatalf("first plan: exit %d, %v", code, keys)
	}
	if code, out, errOut := runCLI(t, "--state", state, "--config", dir, "apply", "--auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, keys := planKeys(t, "--config", dir); code != 0 {
		t.Fatalf("plan after apply: exit %d, %v", code, keys)
	}
	if n := len(srv.Calls("ssoadmin", "DescribeAccountAssignmentCreationStatus")); n < 13 {
		t.Errorf("%d creation status calls for 13 assignments: the async requests were not polled to completion", n)
	}

	snap := t.TempDir()
	// The account's enabled regions, which collect asks EC2 for first.
	if err := srv.SetOutput("111111111111", snapshot.Global, "ec2regions", "DescribeRegions", "",
		map[string]any{"Regions": []map[string]string{{"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"}}}); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, "collect", "--out", snap, "--regions", "us-east-1", "--services", "ssoadmin,identitystore",
		"--accounts", "111111111111", "--output", "json"); code != 0 {
		t.Fatalf("collect: exit %d\n%s\n%s", code, out, errOut)
	}
	c := loadCenter(t, snapDir(snap))
	if len(c.PermissionSets) != 3 || len(c.Assignments) != 13 {
		t.Fatalf("collected %d permission sets, %d assignments; want 3 and 13", len(c.PermissionSets), len(c.Assignments))
	}
	dev := c.PermissionSetByName("Developer")
	if dev.SessionDuration != "PT8H" || !strings.Contains(dev.InlinePolicy, "NoIAMUsers") || dev.Boundary.String() != "arn:aws:iam::aws:policy/PowerUserAccess" ||
		len(dev.CustomerPolicies) != 1 || dev.CustomerPolicies[0].String() != "/orgrail/DeveloperExtras" || dev.Tags["Owner"] != "payments" ||
		dev.RelayState != "https://console.aws.amazon.com/cloudwatch/home" {
		t.Fatalf("Developer read back as %+v", dev)
	}
	if code, keys := planKeys(t, "--config", dir, "--snapshot", snapDir(snap)); code != 0 {
		t.Fatalf("plan from the collected snapshot: exit %d, %v", code, keys)
	}

	// import writes an identity section that plans to nothing.
	imported := filepath.Join(t.TempDir(), "imported")
	if code, _, errOut := runCLI(t, "import", "--snapshot", snapDir(snap), "--out", imported); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	if code, keys := planKeys(t, "--config", imported, "--snapshot", snapDir(snap)); code != 0 {
		t.Fatalf("plan of the imported configuration: exit %d, %v", code, keys)
	}
	if code, keys := planKeys(t, "--config", imported); code != 0 {
		t.Fatalf("live plan of the imported configuration: exit %d, %v", code, keys)
	}

	cfgFile := filepath.Join(t.TempDir(), "config")
	if code, _, errOut := runCLI(t, "profiles", "--snapshot", snapDir(snap), "--config-file", cfgFile, "--user", "akiko.sato"); code != 0 {
		t.Fatalf("profiles: exit %d\n%s", code, errOut)
	}
	b, _ := os.ReadFile(cfgFile)
	if names := profileNames(string(b)); !containsAll(names, "payments-dev-Developer", "network-AdministratorAccess", "catalog-prod-AdministratorAccess") || containsAll(names, "payments-prod-ReadOnly") {
		t.Fatalf("akiko's profiles: %v", names)
	}
	checkWithAWSCLI(t, cfgFile, "payments-dev-Developer", "sso_role_name", "Developer")

	// catalog-dev moves to Workloads/Prod; ReadOnly's session shortens.
	edit(t, filepath.Join(dir, "accounts.yaml"), "  - name: catalog-dev\n    email: aws+catalog-dev@example.com\n    ou: Workloads/Dev", "  - name: catalog-dev\n    email: aws+catalog-dev@example.com\n    ou: Workloads/Prod")
	edit(t, filepath.Join(dir, "identity.yaml"), "sessionDuration: PT4H", "sessionDuration: PT2H")
	code, keys = planKeys(t, "--config", dir)
	if code != ExitChanges || !containsAll(keys, "account-move:catalog-dev", "assignment:AdministratorAccess/GROUP:Platform@catalog-dev",
		"assignment:Developer/GROUP:Payments Developers@catalog-dev:delete", "permission-set:ReadOnly", "permission-set-provision:ReadOnly") ||
		containsAll(keys, "assignment:ReadOnly/GROUP:Auditors@catalog-dev") {
		t.Fatalf("plan after the move: exit %d, %v", code, keys)
	}
	if code, out, errOut := runCLI(t, "--state", state, "--config", dir, "apply", "--auto-approve"); code != 0 {
		t.Fatalf("second apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, keys := planKeys(t, "--config", dir); code != 0 {
		t.Fatalf("plan after the second apply: exit %d, %v", code, keys)
	}
	if n := len(srv.Calls("ssoadmin", "ProvisionPermissionSet")); n != 1 {
		t.Errorf("ProvisionPermissionSet called %d times, want 1 (ReadOnly)", n)
	}
}

func loadCenter(t *testing.T, dir string) *identity.Center {
	t.Helper()
	s, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := identity.Load(s)
	if err != nil || c == nil {
		t.Fatalf("identity.Load: %v %v", c, err)
	}
	return c
}

// snapDir is the snapshot directory collect --out DIR wrote.
func snapDir(out string) string {
	if _, err := os.Stat(filepath.Join(out, "snapshot", "manifest.json")); err == nil {
		return filepath.Join(out, "snapshot")
	}
	return out
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}
