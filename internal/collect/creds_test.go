package collect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/orgrail/orgrail/internal/awstest"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestRoleChain reaches every account of the demo through a chain of two
// roles, as a security team does: management → the audit account's
// OrganizationAccountAccessRole → the audit account's KumoSecurityAudit,
// then KumoSecurityAudit in each account (trusted only by the audit
// account). Each role is assumed once; every account is read by its
// KumoSecurityAudit session.
func TestRoleChain(t *testing.T) {
	t.Parallel()
	srv, want := demoServer(t)
	var audit string
	for _, a := range want.Org.Accounts {
		if a.Name == "audit" {
			audit = a.Id
		}
	}
	if audit == "" {
		t.Fatal("the demo has no audit account")
	}
	chain := []string{
		"arn:aws:iam::" + audit + ":role/OrganizationAccountAccessRole",
		"arn:aws:iam::" + audit + ":role/KumoSecurityAudit",
	}
	res := collectFrom(t, srv, Options{RoleChain: chain, RoleName: "KumoSecurityAudit",
		Regions: []string{"us-east-1"}, Services: []string{"ec2regions", "s3control"}})
	if res.Partial() {
		t.Fatalf("gaps: %+v", res.Manifest.Gaps)
	}
	active := 0
	for _, a := range want.Org.Accounts {
		if a.Status == org.StatusActive {
			active++
		}
	}
	if got := len(srv.Calls("sts", "AssumeRole")); got != len(chain)+active {
		t.Errorf("AssumeRole called %d times, want %d (each role once)", got, len(chain)+active)
	}
	for _, e := range srv.Calls("s3control", "GetPublicAccessBlock") {
		if !strings.Contains(e.Caller, ":assumed-role/KumoSecurityAudit/") || !strings.HasSuffix(e.Caller, "/orgrail-collect") {
			t.Errorf("account %s read by %s", e.Account, e.Caller)
		}
	}
}

// TestGovCloudPartition collects an organization in aws-us-gov: role
// ARNs, caller ARNs and the manifest carry the partition.
func TestGovCloudPartition(t *testing.T) {
	t.Parallel()
	const mgmt, member = "111111111111", "222222222222"
	dir := t.TempDir()
	o := &org.Organization{Id: "o-gov1234567", Arn: "arn:aws-us-gov:organizations::" + mgmt + ":organization/o-gov1234567",
		FeatureSet: "ALL", MasterAccountId: mgmt, MasterAccountArn: "arn:aws-us-gov:organizations::" + mgmt + ":account/o-gov1234567/" + mgmt,
		MasterAccountEmail: "gov@example.com", Roots: []org.Root{{Id: "r-gov1", Arn: "arn:aws-us-gov:organizations::" + mgmt + ":root/o-gov1234567/r-gov1", Name: "Root"}}}
	for _, id := range []string{mgmt, member} {
		o.Accounts = append(o.Accounts, org.Account{Id: id, Arn: "arn:aws-us-gov:organizations::" + mgmt + ":account/o-gov1234567/" + id,
			Name: "acct-" + id, Email: id + "@example.com", Status: org.StatusActive, State: "ACTIVE", JoinedMethod: "CREATED",
			JoinedTimestamp: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), ParentId: "r-gov1"})
	}
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	regions := &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{
		{RegionName: aws.String("us-gov-east-1"), OptInStatus: aws.String("opt-in-not-required")},
		{RegionName: aws.String("us-gov-west-1"), OptInStatus: aws.String("opt-in-not-required")},
	}}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws-us-gov:iam::` + mgmt + `:root"},"Action":"sts:AssumeRole"}]}`
	for _, id := range []string{mgmt, member} {
		files := []*snapshot.ServiceFile{
			snapshot.NewServiceFile(id, snapshot.Global, "ec2regions"),
			snapshot.NewServiceFile(id, snapshot.Global, "iam"),
			snapshot.NewServiceFile(id, "us-gov-west-1", "kms"),
		}
		must(t, files[0].Set("DescribeRegions", regions))
		must(t, files[1].Set("GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: []iamtypes.RoleDetail{{
			RoleName: aws.String("OrganizationAccountAccessRole"), Arn: aws.String("arn:aws-us-gov:iam::" + id + ":role/OrganizationAccountAccessRole"),
			AssumeRolePolicyDocument: aws.String(trust),
		}}}))
		must(t, files[2].Set("ListKeys", &kms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{}}))
		for _, f := range files {
			must(t, w.WriteService(f))
		}
	}
	must(t, w.Commit(&snapshot.Manifest{OrgID: o.Id, Source: "generate", Partition: "aws-us-gov", CollectedAt: time.Now().UTC()}))
	snap, err := snapshot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awstest.Start(context.Background(), awstest.Options{Snapshot: snap, Region: "us-gov-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	res := collectFrom(t, srv, Options{RoleARNTemplate: "arn:aws-us-gov:iam::{account}:role/OrganizationAccountAccessRole",
		Regions: []string{"us-gov-west-1"}, Services: []string{"ec2regions", "kms"}})
	if res.Partial() {
		t.Fatalf("gaps: %+v", res.Manifest.Gaps)
	}
	if res.Manifest.Partition != "aws-us-gov" {
		t.Errorf("partition %q", res.Manifest.Partition)
	}
	calls := srv.Calls("kms", "ListKeys")
	if len(calls) != 2 {
		t.Fatalf("%d ListKeys calls", len(calls))
	}
	for _, e := range calls {
		if want := "arn:aws-us-gov:sts::" + e.Account + ":assumed-role/OrganizationAccountAccessRole/orgrail-collect"; e.Caller != want {
			t.Errorf("caller %s, want %s", e.Caller, want)
		}
	}
	if res.Manifest.Coverage[0].Regions[0] != "us-gov-west-1" {
		t.Errorf("coverage %+v", res.Manifest.Coverage)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
