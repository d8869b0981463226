package awstest

import (
	"errors"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// TestIAMReadsFromDetails: the roles and users of the fixture's
// GetAccountAuthorizationDetails answer ListRoles (paginated), GetRole,
// ListUsers, GetUser and ListPolicies; an unknown name is NoSuchEntity.
func TestIAMReadsFromDetails(t *testing.T) {
	srv := startFixture(t, Options{PageSize: 2})
	ctx := t.Context()
	c := iam.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	var names []string
	pages := 0
	p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Roles {
			names = append(names, aws.ToString(r.RoleName))
			if r.Tags != nil || r.RoleLastUsed != nil {
				t.Errorf("ListRoles returned tags or last use for %s", aws.ToString(r.RoleName))
			}
		}
	}
	sort.Strings(names)
	if len(names) != 3 || names[0] != "Locked" || pages != 2 {
		t.Fatalf("ListRoles = %v in %d pages", names, pages)
	}
	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("OrgrailAudit")})
	if err != nil || aws.ToString(role.Role.Arn) != "arn:aws:iam::"+workAcct+":role/OrgrailAudit" || aws.ToString(role.Role.AssumeRolePolicyDocument) == "" {
		t.Fatalf("GetRole = %+v, %v", role, err)
	}
	var nse *iamtypes.NoSuchEntityException
	if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Nope")}); !errors.As(err, &nse) {
		t.Fatalf("GetRole unknown: %v", err)
	}
	users, err := c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(10)})
	if err != nil || len(users.Users) != 2 {
		t.Fatalf("ListUsers = %+v, %v", users, err)
	}
	u, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob-" + workAcct)})
	if err != nil || aws.ToString(u.User.UserName) != "bob-"+workAcct {
		t.Fatalf("GetUser = %+v, %v", u, err)
	}
	root, err := c.GetUser(ctx, &iam.GetUserInput{})
	if err != nil || aws.ToString(root.User.Arn) != "arn:aws:iam::"+workAcct+":root" {
		t.Fatalf("GetUser of the root key = %+v, %v", root, err)
	}
	local, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
	if err != nil || len(local.Policies) != 1 || aws.ToString(local.Policies[0].PolicyName) != "Local" {
		t.Fatalf("ListPolicies Local = %+v, %v", local, err)
	}
	attached, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("OrgWide")})
	if err != nil || len(attached.AttachedPolicies) != 0 {
		t.Fatalf("ListAttachedRolePolicies = %+v, %v", attached, err)
	}
	// A gap stored for the details is every derived read's answer.
	srv.SetError(workAcct, "global", "iam", "GetAccountAuthorizationDetails", "", "AccessDenied")
	var ae smithy.APIError
	if _, err := c.ListRoles(ctx, nil); !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("ListRoles after a gap: %v", err)
	}
}

// TestEC2Filters: Describe* honour Filters (AND across filters, OR across
// values, * and ? wildcards, tag:KEY, tag-key) and id lists; an unknown
// filter name is InvalidParameterValue, an unknown group id
// InvalidGroup.NotFound, as EC2 answers.
func TestEC2Filters(t *testing.T) {
	srv := startFixture(t, Options{})
	ctx := t.Context()
	c := ec2.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct)))
	f := func(name string, values ...string) ec2types.Filter {
		return ec2types.Filter{Name: aws.String(name), Values: values}
	}
	groups := func(in *ec2.DescribeSecurityGroupsInput) []string {
		t.Helper()
		out, err := c.DescribeSecurityGroups(ctx, in)
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		var names []string
		for _, g := range out.SecurityGroups {
			names = append(names, aws.ToString(g.GroupName))
		}
		sort.Strings(names)
		return names
	}
	for _, c := range []struct {
		name string
		in   *ec2.DescribeSecurityGroupsInput
		want int
	}{
		{"group-name", &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("group-name", "g1", "g3")}}, 2},
		{"wildcard", &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("group-name", "g*")}}, 5},
		{"and", &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("group-name", "g*"), f("tag:Name", "g2")}}, 1},
		{"vpc-id none", &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("vpc-id", "vpc-2")}}, 0},
		{"owner-id", &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("owner-id", workAcct)}}, 5},
		{"tag-key", &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("tag-key", "Name")}}, 5},
		{"ip-permission", &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("ip-permission.cidr", "0.0.0.0/0"), f("ip-permission.from-port", "22")}}, 5},
		{"group-id list", &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-" + workAcct + "-4"}}, 1},
	} {
		if got := groups(c.in); len(got) != c.want {
			t.Errorf("%s: %v, want %d", c.name, got, c.want)
		}
	}
	var ae smithy.APIError
	if _, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("nonsense", "x")}}); !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValue" {
		t.Errorf("unknown filter: %v", err)
	}
	if _, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-nope"}}); !errors.As(err, &ae) || ae.ErrorCode() != "InvalidGroup.NotFound" {
		t.Errorf("unknown group id: %v", err)
	}
	for state, want := range map[string]int{"running": 1, "stopped": 0} {
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{f("instance-state-name", state)}})
		if err != nil || len(out.Reservations) != want {
			t.Errorf("instance-state-name %s: %+v %v", state, out, err)
		}
	}
}
