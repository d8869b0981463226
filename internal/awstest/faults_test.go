package awstest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	ot "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func TestFaultThrottleCodes(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	cfg := srv.Config(ctx, srv.AccountCredentials(workAcct))
	cases := []struct {
		service, code string
		call          func() error
	}{
		{"iam", "Throttling", func() error { _, err := iam.NewFromConfig(cfg).GetAccountAuthorizationDetails(ctx, nil); return err }},
		{"ec2", "RequestLimitExceeded", func() error { _, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, nil); return err }},
		{"s3", "SlowDown", func() error {
			_, err := s3Client(srv, srv.AccountCredentials(workAcct), true).ListBuckets(ctx, nil)
			return err
		}},
		{"organizations", "TooManyRequestsException", func() error {
			_, err := organizations.NewFromConfig(srv.Config(ctx, srv.AdminCredentials())).ListRoots(ctx, nil)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.service, func(t *testing.T) {
			remove := srv.Faults.Add(Fault{Service: tc.service, Kind: Throttle, Rate: 0, Burst: 1})
			defer remove()
			if err := tc.call(); err != nil {
				t.Fatalf("first call within the burst: %v", err)
			}
			err := tc.call()
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
				t.Fatalf("want %s, got %v", tc.code, err)
			}
			if tc.service == "organizations" {
				var tm *ot.TooManyRequestsException
				if !errors.As(err, &tm) {
					t.Fatalf("not the SDK's typed error: %T", err)
				}
			}
		})
	}
}

func TestFaultsRetriedAndScoped(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	work := iam.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	mgmt := iam.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))

	// A 500 once is retried by the SDK.
	srv.Faults.Add(Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Account: workAcct, Kind: ServerError, Times: 1})
	if _, err := work.GetAccountAuthorizationDetails(ctx, nil); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls("iam", "GetAccountAuthorizationDetails")
	if len(calls) != 2 || calls[0].Status != 500 || calls[1].Status != 200 || calls[0].Caller != "arn:aws:iam::333333333333:root" {
		t.Fatalf("log = %+v", calls)
	}
	// A reset connection once is retried too.
	srv.ResetLog()
	srv.Faults.Add(Fault{Service: "iam", Kind: Reset, Times: 1})
	if _, err := work.GetAccountAuthorizationDetails(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if calls := srv.Calls("iam", ""); len(calls) != 2 || calls[0].ErrorCode != "ConnectionReset" {
		t.Fatalf("log after reset = %+v", calls)
	}
	// Deny for one account only.
	srv.Faults.Add(Fault{Service: "iam", Account: workAcct, Kind: Deny})
	var ae smithy.APIError
	if _, err := work.GetAccountAuthorizationDetails(ctx, nil); !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("denied account: %v", err)
	}
	if _, err := mgmt.GetAccountAuthorizationDetails(ctx, nil); err != nil {
		t.Fatalf("other account: %v", err)
	}
	srv.Faults.Clear()
	// Latency still answers.
	srv.Faults.Add(Fault{Service: "iam", Kind: Latency, Latency: 5 * time.Millisecond})
	if _, err := mgmt.GetAccountAuthorizationDetails(ctx, nil); err != nil {
		t.Fatal(err)
	}
	srv.Faults.Clear()
	// A timeout holds the call until the client gives up.
	srv.Faults.Add(Fault{Service: "iam", Kind: Timeout})
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := mgmt.GetAccountAuthorizationDetails(tctx, nil); err == nil {
		t.Fatal("timeout fault answered")
	}
	srv.Faults.Clear()
}

func TestFaultUnassumableRole(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	c := sts.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	role := "arn:aws:iam::333333333333:role/OrgrailAudit"
	remove := srv.Faults.Add(Fault{Kind: Unassumable, Role: role})
	var ae smithy.APIError
	if _, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("s")}); !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("unassumable: %v", err)
	}
	remove()
	if _, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
}

// TestFaultIndex checks the index against the rules of a linear scan:
// the first fault added that fires wins (a latency fault lets later ones
// fire too), wildcards match, removed faults stop matching.
func TestFaultIndex(t *testing.T) {
	f := newFaults()
	req := func(svc, acct, region, op string) *Request {
		return &Request{Service: svc, Operation: op, Region: region, Caller: &Identity{Account: acct}}
	}
	for i := 0; i < 1000; i++ {
		f.Add(Fault{Kind: Deny, Service: "ec2", Account: fmt.Sprintf("%012d", i), Region: "eu-west-1", Code: fmt.Sprint(i)})
	}
	f.Add(Fault{Kind: Latency, Latency: time.Millisecond})
	if a := f.match(req("ec2", "000000000007", "eu-west-1", "DescribeVpcs")); a == nil || a.Code != "7" {
		t.Fatalf("account 7 eu-west-1: %+v", a)
	}
	if a := f.match(req("ec2", "000000000007", "us-east-1", "DescribeVpcs")); a == nil || a.Kind != Latency {
		t.Fatalf("account 7 us-east-1: want the latency fault only, got %+v", a)
	}
	rmOp := f.Add(Fault{Kind: ServerError, Operation: "DescribeVpcs", Code: "op"})
	if a := f.match(req("ec2", "000000000007", "eu-west-1", "DescribeVpcs")); a == nil || a.Code != "7" {
		t.Fatalf("the earlier fault must win: %+v", a)
	}
	if a := f.match(req("iam", "000000000007", "", "DescribeVpcs")); a == nil || a.Code != "op" {
		t.Fatalf("operation-only fault: %+v", a)
	}
	rmOp()
	if a := f.match(req("iam", "000000000007", "", "DescribeVpcs")); a == nil || a.Kind != Latency {
		t.Fatalf("after removal: %+v", a)
	}
	rm := f.Add(Fault{Kind: Unassumable, Account: "000000000042"})
	if !f.unassumable("000000000042", "arn:aws:iam::000000000042:role/X") || f.unassumable("000000000041", "") {
		t.Fatal("unassumable")
	}
	rm()
	if f.unassumable("000000000042", "arn:aws:iam::000000000042:role/X") {
		t.Fatal("unassumable after removal")
	}
	f.Clear()
	if a := f.match(req("ec2", "000000000007", "eu-west-1", "DescribeVpcs")); a != nil {
		t.Fatalf("after Clear: %+v", a)
	}
}
