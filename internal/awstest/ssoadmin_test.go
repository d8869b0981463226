package awstest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	st "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/smithy-go"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestSSOAdminWrites checks the sso-admin writes against what the
// sso-admin API reference documents: CreatePermissionSet answers
// ConflictException for a name taken in the instance and
// ValidationException for a SessionDuration outside 1-12 hours;
// attaching an attached managed policy is a ConflictException;
// CreateAccountAssignment is asynchronous (its status starts
// IN_PROGRESS and ends SUCCEEDED, or FAILED for a principal the identity
// store lacks); a changed permission set is listed under
// LATEST_PERMISSION_SET_NOT_PROVISIONED until ProvisionPermissionSet.
func TestSSOAdminWrites(t *testing.T) {
	srv := startFixture(t, Options{})
	inst := "arn:aws:sso:::instance/ssoins-2222222222222222"
	if err := srv.SeedIdentityCenter(mgmtAcct, "us-east-1", IdentityCenterSeed{InstanceArn: inst, IdentityStoreID: "d-2",
		Groups: []SeedGroup{{ID: "g-1", DisplayName: "Admins"}}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := ssoadmin.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	out, err := c.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: aws.String(inst), Name: aws.String("Admin"), SessionDuration: aws.String("PT2H")})
	if err != nil {
		t.Fatal(err)
	}
	ps := out.PermissionSet.PermissionSetArn
	if _, err := c.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: aws.String(inst), Name: aws.String("Admin")}); apiCode(err) != "ConflictException" {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := c.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: aws.String(inst), Name: aws.String("Long"), SessionDuration: aws.String("PT13H")}); apiCode(err) != "ValidationException" {
		t.Errorf("13-hour session: %v", err)
	}
	attach := &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: aws.String(inst), PermissionSetArn: ps, ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}
	if _, err := c.AttachManagedPolicyToPermissionSet(ctx, attach); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachManagedPolicyToPermissionSet(ctx, attach); apiCode(err) != "ConflictException" {
		t.Errorf("attaching twice: %v", err)
	}
	statuses := func(principal string) []st.StatusValues {
		a, err := c.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: aws.String(inst), PermissionSetArn: ps,
			PrincipalType: st.PrincipalTypeGroup, PrincipalId: aws.String(principal), TargetType: st.TargetTypeAwsAccount, TargetId: aws.String(mgmtAcct)})
		if err != nil {
			t.Fatal(err)
		}
		got := []st.StatusValues{a.AccountAssignmentCreationStatus.Status}
		for range 2 {
			d, err := c.DescribeAccountAssignmentCreationStatus(ctx, &ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: aws.String(inst),
				AccountAssignmentCreationRequestId: a.AccountAssignmentCreationStatus.RequestId})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, d.AccountAssignmentCreationStatus.Status)
		}
		return got
	}
	if got := statuses("g-1"); !slices.Equal(got, []st.StatusValues{"IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"}) {
		t.Errorf("assignment statuses: %v", got)
	}
	if got := statuses("g-unknown"); got[2] != st.StatusValuesFailed {
		t.Errorf("unknown principal statuses: %v", got)
	}
	outdated := func() []string {
		l, err := c.ListAccountsForProvisionedPermissionSet(ctx, &ssoadmin.ListAccountsForProvisionedPermissionSetInput{InstanceArn: aws.String(inst), PermissionSetArn: ps,
			ProvisioningStatus: st.ProvisioningStatusLatestPermissionSetNotProvisioned})
		if err != nil {
			t.Fatal(err)
		}
		return l.AccountIds
	}
	if _, err := c.UpdatePermissionSet(ctx, &ssoadmin.UpdatePermissionSetInput{InstanceArn: aws.String(inst), PermissionSetArn: ps, SessionDuration: aws.String("PT4H")}); err != nil {
		t.Fatal(err)
	}
	if got := outdated(); !slices.Equal(got, []string{mgmtAcct}) {
		t.Errorf("outdated after update: %v", got)
	}
	if _, err := c.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{InstanceArn: aws.String(inst), PermissionSetArn: ps, TargetType: st.ProvisionTargetTypeAllProvisionedAccounts}); err != nil {
		t.Fatal(err)
	}
	if got := outdated(); len(got) != 0 {
		t.Errorf("outdated after provisioning: %v", got)
	}
	checkSSOWithAWSCLI(t, srv, inst)
}

// checkSSOWithAWSCLI has the AWS CLI (botocore's own JSON protocol
// client) create and describe a permission set against the server.
func checkSSOWithAWSCLI(t *testing.T, srv *Server, inst string) {
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Log("aws CLI not installed: the independent client check is skipped")
		return
	}
	creds := srv.AdminCredentials()
	env := append(os.Environ(), "AWS_ENDPOINT_URL="+srv.Endpoint, "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	run := func(v any, args ...string) {
		cmd := exec.Command(bin, append(args, "--output", "json")...)
		cmd.Env = env
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws %v: %v", args, err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, b)
		}
	}
	var created struct {
		PermissionSet struct{ Name, PermissionSetArn, SessionDuration string }
	}
	run(&created, "sso-admin", "create-permission-set", "--instance-arn", inst, "--name", "FromCLI", "--session-duration", "PT3H",
		"--tags", "Key=Owner,Value=cli")
	var tags struct{ Tags []struct{ Key, Value string } }
	run(&tags, "sso-admin", "list-tags-for-resource", "--instance-arn", inst, "--resource-arn", created.PermissionSet.PermissionSetArn)
	if created.PermissionSet.SessionDuration != "PT3H" || len(tags.Tags) != 1 || tags.Tags[0].Value != "cli" {
		t.Errorf("AWS CLI read back %+v, tags %+v", created, tags)
	}
}
