package vending

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// TestVendThroughControlTower: with organization.controlTower
// .accountFactory the account comes from Control Tower's Account
// Factory product (ProvisionProduct, DescribeRecord), lands in its OU
// without a MoveAccount, is reached through AWSControlTowerExecution
// for the rest of the vending, and a second run provisions nothing
// again. The AWS CLI reads the provisioned product back.
func TestVendThroughControlTower(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.srv.EnableControlTower("ap-northeast-1")
	e.cfg.Organization.ControlTower.AccountFactory = true
	var waits int
	rep, err := Run(ctx, e.aws, e.st, e.cfg, testRequest, fastOptions(&waits))
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, s := range rep.Steps {
		status[s.Step] = s.Status
	}
	if status["account"] != StatusDone || status["ou"] != StatusAlready || status["contacts"] != StatusDone || status["vpc"] != StatusDone {
		t.Errorf("steps: %v", status)
	}
	w := readWorld(t, e, rep.AccountID)
	for _, s := range []string{"ou=Workloads/Prod", "contact SECURITY=Security Team <security@example.com>", "subnets=6"} {
		if !slices.Contains(w, s) {
			t.Errorf("world lacks %q:\n%s", s, strings.Join(w, "\n"))
		}
	}
	acct, err := organizations.NewFromConfig(e.aws).DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(rep.AccountID)})
	if err != nil || aws.ToString(acct.Account.Email) != testRequest.Email {
		t.Fatalf("DescribeAccount: %+v %v", acct, err)
	}
	rep2, err := Run(ctx, e.aws, e.st, e.cfg, testRequest, fastOptions(&waits))
	if err != nil || rep2.AccountID != rep.AccountID {
		t.Fatalf("second run: %v %v", rep2, err)
	}
	for _, s := range rep2.Steps {
		if s.Status != StatusAlready && s.Status != StatusPending {
			t.Errorf("second run: %s %s", s.Step, s.Status)
		}
	}

	if _, err := exec.LookPath("aws"); err != nil {
		t.Log("aws CLI not installed: second-client check skipped")
		return
	}
	creds := e.srv.AdminCredentials()
	cmd := exec.Command("aws", "--endpoint-url", e.srv.Endpoint, "--region", "ap-northeast-1", "--output", "json",
		"servicecatalog", "describe-provisioned-product", "--name", testRequest.Name)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_SESSION_TOKEN="+creds.SessionToken, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws servicecatalog describe-provisioned-product: %v\n%s", err, b)
	}
	var out struct {
		ProvisionedProductDetail struct{ Name, Status string }
	}
	if err := json.Unmarshal(b, &out); err != nil || out.ProvisionedProductDetail.Name != testRequest.Name || out.ProvisionedProductDetail.Status != "AVAILABLE" {
		t.Fatalf("provisioned product: %s %v", b, err)
	}
}

// TestControlTowerFactoryMissing: without the product the error says
// what to check, and nothing is created.
func TestControlTowerFactoryMissing(t *testing.T) {
	e := newEnv(t)
	e.cfg.Organization.ControlTower.AccountFactory = true
	var waits int
	_, err := Run(context.Background(), e.aws, e.st, e.cfg, testRequest, fastOptions(&waits))
	if err == nil || !strings.Contains(err.Error(), "AWS Control Tower Account Factory") {
		t.Fatalf("want a missing-product error, got %v", err)
	}
	if n := len(e.srv.Organization().Accounts); n != 1 {
		t.Errorf("%d accounts after a failed vend", n)
	}
}
