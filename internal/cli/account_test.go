package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
	"github.com/orgrail/orgrail/internal/vending"
)

const accountTestConfig = `organization:
  managementAccount: management
  homeRegion: us-east-1
standards:
  requiredTags: [Owner, Environment, CostCenter]
  azCount: 2
  network:
    pool: 10.80.0.0/16
    vpcPrefixLength: 22
    nat: none
    flowLogs: {bucket: org-log-archive, prefix: flows}
ous:
  - path: Sandbox
accounts:
  - {name: management, id: "111111111111", email: aws+management@example.com, ou: Root, owner: platform-team, environment: shared, system: governance}
`

// startAccountEnv starts a local AWS with an empty organization and an
// OU Sandbox, points the SDK environment at it, and writes the
// configuration and state paths the commands use.
func startAccountEnv(t *testing.T) (*awstest.Server, []string) {
	t.Helper()
	ctx := context.Background()
	o := &org.Organization{Id: "o-exampleorg01", Arn: "arn:aws:organizations::111111111111:organization/o-exampleorg01",
		MasterAccountId: "111111111111", FeatureSet: "ALL", MasterAccountEmail: "aws+management@example.com",
		Roots:    []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: "111111111111", Name: "management", Email: "aws+management@example.com", Status: "ACTIVE", ParentId: "r-ab12"}}}
	srv, err := awstest.Start(ctx, awstest.Options{Snapshot: &snapshot.Snapshot{Dir: t.TempDir(), Org: o}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if _, err := organizations.NewFromConfig(srv.Config(ctx, srv.AdminCredentials())).CreateOrganizationalUnit(ctx,
		&organizations.CreateOrganizationalUnitInput{ParentId: aws.String("r-ab12"), Name: aws.String("Sandbox")}); err != nil {
		t.Fatal(err)
	}
	creds := srv.AdminCredentials()
	setEndpointEnv(t, srv.Endpoint, creds.AccessKeyID, creds.SecretAccessKey, "us-east-1")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lz.yaml"), []byte(accountTestConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, []string{"--config", dir, "--state", filepath.Join(t.TempDir(), "state.db")}
}

func TestAccountCreateAndList(t *testing.T) {
	_, globals := startAccountEnv(t)
	create := append(append([]string{}, globals...), "account", "create", "--name", "team-sandbox", "--email", "aws+team-sandbox@example.com",
		"--ou", "Sandbox", "--owner", "team-a", "--env", "sandbox", "--tag", "CostCenter=CC-1", "--output", "json")

	// A required tag missing: refused, exit 2, nothing made.
	code, _, errOut := run(t, nil, append(append([]string{}, globals...), "account", "create", "--name", "x", "--email", "aws+x@example.com",
		"--ou", "Sandbox", "--owner", "team-a", "--env", "sandbox")...)
	if code != ExitUsage || !strings.Contains(errOut, "CostCenter") {
		t.Fatalf("missing tag: exit %d, %s", code, errOut)
	}

	// The baseline is not in this build: the account is made, the
	// baseline step stays pending and the command exits 3.
	code, out, errOut := run(t, nil, create...)
	if code != ExitPartial {
		t.Fatalf("account create: exit %d\n%s\n%s", code, out, errOut)
	}
	var rep vending.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	if rep.AccountID == "" || rep.VPC == nil || rep.VPC.CIDR != "10.80.0.0/22" || len(rep.VPC.Subnets) != 4 || rep.VPC.NAT != "none" ||
		rep.VPC.FlowLogs != "arn:aws:s3:::org-log-archive/flows/" || len(rep.Pending) != 1 || rep.Pending[0] != "baseline" || len(rep.NeedsPerson) == 0 {
		t.Fatalf("report: %+v", rep)
	}

	// Again: every step found done.
	code, out, _ = run(t, nil, create...)
	var rep2 vending.Report
	if code != ExitPartial || json.Unmarshal([]byte(out), &rep2) != nil || rep2.AccountID != rep.AccountID || rep2.VPC.ID != rep.VPC.ID {
		t.Fatalf("second create: exit %d %s", code, out)
	}

	code, out, errOut = run(t, nil, append(append([]string{}, globals...), "account", "list", "--output", "json")...)
	var rows []vending.Listed
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 2 {
		t.Fatalf("account list: exit %d %s %s", code, out, errOut)
	}
	for _, r := range rows {
		switch r.Name {
		case "team-sandbox":
			if r.OU != "Sandbox" || r.Owner != "team-a" || r.Env != "sandbox" || r.Baseline != vending.BaselinePending || r.Vended != "running" {
				t.Errorf("vended account listed as %+v", r)
			}
		case "management":
			if r.Owner != "platform-team" || r.System != "governance" || r.Baseline != vending.BaselineUnknown {
				t.Errorf("management listed as %+v", r)
			}
		}
	}
	code, out, _ = run(t, nil, append(append([]string{}, globals...), "account", "list", "--output", "table")...)
	if code != 0 || !strings.Contains(out, "BASELINE") || !strings.Contains(out, "team-sandbox") {
		t.Fatalf("account list table: %d\n%s", code, out)
	}
}
