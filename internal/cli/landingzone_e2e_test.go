package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/vending"
)

// walkthroughBaseline is the baseline section docs/landing-zone-walkthrough.md
// adds beside examples/landing-zone.
const walkthroughBaseline = `baseline:
  targets: [Workloads]
  securityContact: {name: Security Team, email: security@example.com, phone: "+81-3-0000-0000"}
`

// baselineRules are the audit rules the baseline makes pass in every
// account it reaches (docs/landing-zone-walkthrough.md lists them).
var baselineRules = []string{
	"account.security-contact",
	"iam.password-policy-reuse", "iam.password-policy-strong", "iam.password-policy-length-14", "iam.password-policy-expiry",
	"s3.account-public-access-block",
	"ec2.ebs-default-encryption",
	"config.recorder-enabled",
	"guardduty.enabled",
	"securityhub.enabled",
	"cloudtrail.enabled", "cloudtrail.multi-region-enabled",
	"lz.cross-account-role-trust",
}

// orgTrailRules judge the trails an account owns: for the vended account
// they are NOT_APPLICABLE, and PASSED in the management account, which
// owns the organization trail.
var orgTrailRules = []string{"cloudtrail.kms-encryption", "cloudtrail.log-file-validation"}

// TestLandingZoneWalkthrough is issue 15's done-when on the local AWS,
// from the CLI, with exactly the commands of
// docs/landing-zone-walkthrough.md: on an empty organization, plan and
// apply examples/landing-zone (with the walk-through's baseline
// section) twice — the organization, then the baseline once Log Archive
// and Audit exist —, vend a workload account, collect it, and audit:
// every baseline rule is PASSED for the vended account, and
// `orgrail baseline verify` passes. The StackSets' stacks are really
// deployed by the local AWS (the account settings by the template's
// Lambda custom resource, run with python3 and boto3).
func TestLandingZoneWalkthrough(t *testing.T) {
	if err := awstest.LambdaRuntimeAvailable(); err != nil {
		t.Skipf("the local AWS cannot run the baseline's custom resource here: %v", err)
	}
	startWalkthroughOrg(t)
	dir := t.TempDir()
	copyTree(t, "../../examples/landing-zone", dir)
	if err := os.WriteFile(filepath.Join(dir, "baseline.yaml"), []byte(walkthroughBaseline), 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "state.db")

	// 1. The organization: OUs, accounts (Log Archive and Audit among
	// them), policies; the baseline waits for the two accounts.
	if code, keys := planKeys(t, "--config", dir); code != ExitChanges || !containsAll(keys, "account:log-archive", "account:audit") {
		t.Fatalf("first plan: exit %d, %v", code, keys)
	}
	if code, out, errOut := runCLI(t, "--state", state, "--config", dir, "apply", "--auto-approve"); code != 0 {
		t.Fatalf("apply (organization): exit %d\n%s\n%s", code, out, errOut)
	}
	// 2. The baseline.
	code, keys := planKeys(t, "--config", dir)
	if code != ExitChanges || !containsAll(keys, "baseline:stackset:orgrail-account-baseline", "baseline:stackset:orgrail-log-archive", "baseline:stackset:orgrail-audit") {
		t.Fatalf("baseline plan: exit %d, %v", code, keys)
	}
	if code, out, errOut := runCLI(t, "--state", state, "--config", dir, "apply", "--auto-approve"); code != 0 {
		t.Fatalf("apply (baseline): exit %d\n%s\n%s", code, out, errOut)
	}
	if code, keys := planKeys(t, "--config", dir); code != 0 {
		t.Fatalf("plan after the baseline: exit %d, %v", code, keys)
	}

	// 3. Vend a workload account.
	code, out, errOut := runCLI(t, "--state", state, "--config", dir, "account", "create", "--name", "orders-prod", "--email", "aws+orders-prod@example.com",
		"--ou", "Workloads/Prod", "--owner", "commerce-team", "--env", "prod", "--system", "orders", "--tag", "CostCenter=CC-270", "--output", "json")
	var rep vending.Report
	if json.Unmarshal([]byte(out), &rep) != nil || rep.AccountID == "" {
		t.Fatalf("account create: exit %d\n%s\n%s", code, out, errOut)
	}
	if code != 0 || len(rep.Pending) != 0 {
		t.Fatalf("account create: exit %d, pending %v\n%s\n%s", code, rep.Pending, out, errOut)
	}

	// 4. Collect and audit it.
	snap := t.TempDir()
	if code, out, errOut := runCLI(t, "collect", "--out", snap, "--accounts", "111111111111,"+rep.AccountID, "--regions", "ap-northeast-1,ap-northeast-3,us-east-1",
		"--output", "json"); code != 0 {
		t.Fatalf("collect: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "audit", "--config", dir, "--snapshot", snapDir(snap), "--fail-on", "none", "--output", "json")
	if code != 0 {
		t.Fatalf("audit: exit %d\n%s", code, errOut)
	}
	var doc struct{ Findings []findings.Finding }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("audit output: %v\n%.2000s", err, out)
	}
	seen := map[string]int{}
	for _, f := range doc.Findings {
		if containsAll(orgTrailRules, f.RuleID) {
			if want := map[bool]findings.Status{true: findings.Passed, false: findings.NotApplicable}[f.Account == "111111111111"]; f.Status != want &&
				(f.Account == "111111111111" || f.Account == rep.AccountID) {
				t.Errorf("%s in %s: %s, want %s (%s)", f.RuleID, f.Account, f.Status, want, f.Message)
			}
			seen[f.RuleID]++
			continue
		}
		if f.Account != rep.AccountID || !containsAll(baselineRules, f.RuleID) {
			continue
		}
		seen[f.RuleID]++
		if f.Status != findings.Passed {
			t.Errorf("%s %s: %s (%s)", f.RuleID, f.Region, f.Status, f.Message)
		}
	}
	for _, id := range append(baselineRules, orgTrailRules...) {
		if seen[id] == 0 {
			t.Errorf("no %s finding for the vended account", id)
		}
	}
	if code, out, errOut := runCLI(t, "baseline", "verify", "--config", dir, "--snapshot", snapDir(snap), "--account", rep.AccountID); code != 0 {
		t.Errorf("baseline verify: exit %d\n%s\n%s", code, out, errOut)
	}
}

// startWalkthroughOrg starts the local AWS with an organization as
// CreateOrganization leaves it (the management account alone) and
// points the standard AWS environment variables at it.
func startWalkthroughOrg(t *testing.T) *awstest.Server {
	t.Helper()
	o := &org.Organization{Id: "o-exampleorg01", Arn: "arn:aws:organizations::111111111111:organization/o-exampleorg01",
		MasterAccountId: "111111111111", FeatureSet: "ALL", MasterAccountEmail: "aws+management@example.com",
		Roots: []org.Root{{Id: "r-ab12", Name: "Root", Arn: "arn:aws:organizations::111111111111:root/o-exampleorg01/r-ab12"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE",
			ParentId: "r-ab12", JoinedMethod: "INVITED"}}}
	srv, err := awstest.Start(context.Background(), awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: o}, Region: "ap-northeast-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	// catalog.yaml's templateBucket exists in the management account, as
	// the walk-through asks (apply uploads the product templates there).
	srv.PutObject("111111111111", "example-catalog-templates", "README", []byte("catalog templates"))
	// The management account's enabled regions (new accounts get the same).
	regions := []map[string]string{}
	for _, r := range []string{"ap-northeast-1", "ap-northeast-3", "us-east-1"} {
		regions = append(regions, map[string]string{"RegionName": r, "OptInStatus": "opt-in-not-required"})
	}
	if err := srv.SetOutput("111111111111", snapshot.Global, "ec2regions", "DescribeRegions", "", map[string]any{"Regions": regions}); err != nil {
		t.Fatal(err)
	}
	creds := srv.AdminCredentials()
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": srv.Endpoint, "AWS_ACCESS_KEY_ID": creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": creds.SecretAccessKey, "AWS_SESSION_TOKEN": creds.SessionToken, "AWS_REGION": "ap-northeast-1",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": ""} {
		t.Setenv(k, v)
	}
	return srv
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
