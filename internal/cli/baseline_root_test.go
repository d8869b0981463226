package cli

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/baseline"
)

// TestBaselineRootReport reports a member with root credentials (exit
// 1), then, after they are removed through the baseline's root session,
// the same member without any (exit 0).
func TestBaselineRootReport(t *testing.T) {
	srv, globals := startAccountEnv(t)
	ctx := context.Background()
	mgmt := srv.Config(ctx, srv.AdminCredentials())
	oc := organizations.NewFromConfig(mgmt)
	made, err := oc.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("member"), Email: aws.String("aws+member@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	member := ""
	for i := 0; member == "" && i < 10000; i++ {
		st, err := oc.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: made.CreateAccountStatus.Id})
		if err != nil {
			t.Fatal(err)
		}
		member = aws.ToString(st.CreateAccountStatus.AccountId)
	}
	srv.SetRootCredentials(member, awstest.RootCredentials{LoginProfile: true, AccessKeys: []string{"AKIAROOT"}})
	args := append(append([]string{}, globals...), "baseline", "root-report", "--output", "json")
	code, _, errOut := run(t, nil, args...)
	if code != ExitPartial { // each account's AssumeRoot is refused
		t.Fatalf("without root sessions: exit %d (%s)", code, errOut)
	}
	if _, err := oc.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(baseline.IAMPrincipal)}); err != nil {
		t.Fatal(err)
	}
	b := &baseline.AWS{Management: mgmt}
	if err := b.Apply(ctx, &baseline.Step{Kind: baseline.KindRootFeatures, Regions: []string{"us-east-1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(mgmt).ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, nil, args...)
	var reps []baseline.RootReport
	if code != ExitFail || json.Unmarshal([]byte(out), &reps) != nil || len(reps) != 1 || reps[0].Account != member || reps[0].Remaining != "password, 1 access key" {
		t.Fatalf("before: exit %d %s %s", code, out, errOut)
	}
	if err := b.Apply(ctx, &baseline.Step{Kind: baseline.KindRootCredentials, Account: member, Regions: []string{"us-east-1"}}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, nil, args...)
	if code != 0 || json.Unmarshal([]byte(out), &reps) != nil || len(reps) != 1 || reps[0].Remaining != "none" {
		t.Fatalf("after: exit %d %s %s", code, out, errOut)
	}
}
