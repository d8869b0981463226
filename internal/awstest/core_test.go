package awstest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func TestCallerIdentityAndAssumeRole(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	admin := sts.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	id, err := admin.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != mgmtAcct || aws.ToString(id.Arn) != "arn:aws:iam::111111111111:root" {
		t.Fatalf("admin identity = %s %s", aws.ToString(id.Account), aws.ToString(id.Arn))
	}
	cases := []struct {
		name, role string
		creds      aws.Credentials
		ok         bool
	}{
		{"management root trusted", "arn:aws:iam::333333333333:role/OrgrailAudit", srv.AdminCredentials(), true},
		{"org-wide role from member", "arn:aws:iam::333333333333:role/OrgWide", srv.AccountCredentials(securityAcct), true},
		{"org-wide role from outside", "arn:aws:iam::333333333333:role/OrgWide", srv.AccountCredentials(outsideAcct), false},
		{"role trusting another principal", "arn:aws:iam::333333333333:role/Locked", srv.AdminCredentials(), false},
		{"unknown role", "arn:aws:iam::333333333333:role/Nope", srv.AdminCredentials(), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := sts.NewFromConfig(srv.Config(ctx, tc.creds))
			out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tc.role), RoleSessionName: aws.String("test")})
			if !tc.ok {
				var ae smithy.APIError
				if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
					t.Fatalf("want AccessDenied, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The session's calls are answered as the role's account.
			cfg := srv.Config(ctx, aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken})
			who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := "arn:aws:sts::333333333333:assumed-role/" + tc.role[len("arn:aws:iam::333333333333:role/"):] + "/test"
			if aws.ToString(who.Account) != workAcct || aws.ToString(who.Arn) != want {
				t.Fatalf("session identity = %s %s, want %s", aws.ToString(who.Account), aws.ToString(who.Arn), want)
			}
		})
	}
}

func TestStscredsProviderChain(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	base := srv.Config(ctx, srv.AdminCredentials())
	cfg := base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), "arn:aws:iam::222222222222:role/OrgrailAudit"))
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Account) != securityAcct {
		t.Fatalf("account = %s", aws.ToString(who.Account))
	}
	if n := len(srv.Calls("sts", "AssumeRole")); n != 1 {
		t.Fatalf("AssumeRole calls = %d", n)
	}
}

func TestUnknownKeyAndBadSignature(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	c := organizations.NewFromConfig(srv.Config(ctx, aws.Credentials{AccessKeyID: "AKIANOPE", SecretAccessKey: "x"}))
	_, err := c.ListRoots(ctx, nil)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnrecognizedClientException" {
		t.Fatalf("unknown key: %v", err)
	}
	bad := srv.AdminCredentials()
	bad.SecretAccessKey = "wrong"
	_, err = organizations.NewFromConfig(srv.Config(ctx, bad)).ListRoots(ctx, nil)
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidSignatureException" {
		t.Fatalf("bad signature: %v", err)
	}
}

func TestOrganizationsReads(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{SnapshotDir: writeFixture(t, 12), PageSize: 4})
	c := organizations.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	var ids []string
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range out.Accounts {
			ids = append(ids, aws.ToString(a.Id))
			if a.JoinedTimestamp == nil || !a.JoinedTimestamp.Equal(fixtureTime) {
				t.Fatalf("JoinedTimestamp = %v", a.JoinedTimestamp)
			}
		}
	}
	if len(ids) != 15 || pages != 4 {
		t.Fatalf("accounts = %d in %d pages", len(ids), pages)
	}
	org, err := c.DescribeOrganization(ctx, nil)
	if err != nil || aws.ToString(org.Organization.Id) != "o-abc123" {
		t.Fatalf("DescribeOrganization: %v %v", org, err)
	}
	pols, err := c.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: aws.String("ou-ab12-workload"), Filter: ot.PolicyTypeServiceControlPolicy})
	if err != nil || len(pols.Policies) != 1 || aws.ToString(pols.Policies[0].Name) != "DenyLeave" {
		t.Fatalf("ListPoliciesForTarget: %+v %v", pols, err)
	}
	pol, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("p-denyleave")})
	if err != nil || aws.ToString(pol.Policy.Content) == "" {
		t.Fatalf("DescribePolicy: %v", err)
	}
	parents, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(workAcct)})
	if err != nil || aws.ToString(parents.Parents[0].Id) != "ou-ab12-workload" || parents.Parents[0].Type != ot.ParentTypeOrganizationalUnit {
		t.Fatalf("ListParents: %+v %v", parents, err)
	}
	tags, err := c.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(workAcct)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "workload" {
		t.Fatalf("ListTagsForResource: %+v %v", tags, err)
	}
	_, err = c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("000000000000")})
	var nf *ot.AccountNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("DescribeAccount unknown: %v", err)
	}
	// A member account may describe the organization but not list it.
	member := organizations.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	if _, err := member.DescribeOrganization(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var ad *ot.AccessDeniedException
	if _, err := member.ListAccounts(ctx, nil); !errors.As(err, &ad) {
		t.Fatalf("member ListAccounts: %v", err)
	}
	// The delegated administrator may.
	if _, err := organizations.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(securityAcct))).ListAccounts(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestUnknownOperation(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	c := organizations.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	_, err := c.ListHandshakesForAccount(ctx, nil)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnknownOperationException" {
		t.Fatalf("want UnknownOperationException, got %v", err)
	}
}

func TestHandlerPanicIsInternalFailure(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	srv.Register("organizations", "ListRoots", HandlerFunc(func(context.Context, *Request) (any, error) { panic("boom") }))
	_, err := organizations.NewFromConfig(srv.Config(ctx, srv.AdminCredentials())).ListRoots(ctx, nil)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InternalFailure" {
		t.Fatalf("want InternalFailure, got %v", err)
	}
}

// TestObserve: Options.Observe sees every logged call, with the account
// that answered it, even when the log keeps only the last entry.
func TestObserve(t *testing.T) {
	ctx := context.Background()
	var (
		mu   sync.Mutex
		seen []LogEntry
	)
	srv := startFixture(t, Options{LogLimit: 1, Observe: func(e LogEntry) {
		mu.Lock()
		seen = append(seen, e)
		mu.Unlock()
	}})
	c := sts.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	for range 3 {
		if _, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 {
		t.Fatalf("observed %d calls, want 3", len(seen))
	}
	for _, e := range seen {
		if e.Service != "sts" || e.Operation != "GetCallerIdentity" || e.Account != mgmtAcct || e.Status != 200 {
			t.Fatalf("observed %+v", e)
		}
	}
}
