package awstest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// motoAccount is moto's default account.
const motoAccount = "123456789012"

// startMoto runs moto_server, a second and independent AWS emulator, on
// a free loopback port for the test; the test is skipped without it.
func startMoto(t *testing.T) aws.Config {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Skipf("moto_server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 300 {
			t.Fatalf("moto_server did not answer on %s", endpoint)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

// motoWorld creates IAM and EC2 resources in moto and returns the
// unfiltered answers a collector would store.
func motoWorld(t *testing.T, ctx context.Context, cfg aws.Config) (*iam.GetAccountAuthorizationDetailsOutput, *ec2.DescribeSecurityGroupsOutput, *ec2.DescribeInstancesOutput, *ec2.DescribeVpcsOutput) {
	t.Helper()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ic := iam.NewFromConfig(cfg)
	trustDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for _, r := range []struct{ name, path string }{{"app", "/"}, {"batch", "/svc/"}, {"etl", "/svc/"}} {
		must(ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(trustDoc),
			Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String(r.name)}}}))
	}
	pol, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("ReadLogs"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}`)})
	must(pol, err)
	must(ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Unused"), Path: aws.String("/x/"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)}))
	must(ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("batch"), PolicyArn: pol.Policy.Arn}))
	must(ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("etl"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}))
	for _, u := range []string{"alice", "bob"} {
		must(ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}))
	}
	must(ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")}))
	must(ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("alice")}))
	must(ic.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: pol.Policy.Arn}))
	details, err := ic.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	must(details, err)

	ec := ec2.NewFromConfig(cfg)
	vpc, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	must(vpc, err)
	sub, err := ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.1.1.0/24")})
	must(sub, err)
	var sgIDs []string
	for i, name := range []string{"web", "ssh", "db"} {
		sg, err := ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("group " + name), VpcId: vpc.Vpc.VpcId,
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: []ec2types.Tag{{Key: aws.String("tier"), Value: aws.String([]string{"front", "ops", "data"}[i])}}}}})
		must(sg, err)
		sgIDs = append(sgIDs, aws.ToString(sg.GroupId))
	}
	must(ec.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sgIDs[1]), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	must(ec.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sgIDs[2]), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(sgIDs[0])}}}}}))
	run, err := ec.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(2), MaxCount: aws.Int32(2), InstanceType: ec2types.InstanceTypeT3Micro,
		SubnetId: sub.Subnet.SubnetId, SecurityGroupIds: []string{sgIDs[0]},
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}}})
	must(run, err)
	must(ec.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{aws.ToString(run.Instances[1].InstanceId)}}))
	sgs, err := ec.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	must(sgs, err)
	insts, err := ec.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	must(insts, err)
	vpcs, err := ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	must(vpcs, err)
	return details, sgs, insts, vpcs
}

// serveMotoWorld stores moto's answers as a one-account snapshot and
// serves it.
func serveMotoWorld(t *testing.T, details *iam.GetAccountAuthorizationDetailsOutput, sgs *ec2.DescribeSecurityGroupsOutput, insts *ec2.DescribeInstancesOutput, vpcs *ec2.DescribeVpcsOutput) *Server {
	t.Helper()
	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	f := snapshot.NewServiceFile(motoAccount, snapshot.Global, "iam")
	e := snapshot.NewServiceFile(motoAccount, "us-east-1", "ec2")
	for _, err := range []error{f.Set("GetAccountAuthorizationDetails", details), e.Set("DescribeSecurityGroups", sgs), e.Set("DescribeInstances", insts),
		e.Set("DescribeVpcs", vpcs), w.WriteService(f), w.WriteService(e), w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"})} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return startFixture(t, Options{SnapshotDir: dir})
}

// TestReadsAgreeWithMoto builds resources in moto, stores moto's
// unfiltered answers as a snapshot, and asks the same filtered and
// derived questions of moto and of the local AWS serving that snapshot:
// IAM reads derived from GetAccountAuthorizationDetails and EC2
// Describe* filters. Every answer must agree.
func TestReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	details, sgs, insts, vpcs := motoWorld(t, ctx, mcfg)
	srv := serveMotoWorld(t, details, sgs, insts, vpcs)
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	agree, total := 0, 0
	check := func(what string, ask func(aws.Config) (any, error)) {
		t.Helper()
		total++
		want, werr := ask(mcfg)
		got, gerr := ask(lcfg)
		if werr != nil || gerr != nil || !reflect.DeepEqual(want, got) {
			t.Errorf("%s: moto %v (%v), local %v (%v)", what, want, werr, got, gerr)
			return
		}
		agree++
	}
	iamQuestions(check)
	ec2Questions(check, sgs, vpcs)
	t.Logf("agreement with moto: %d/%d questions", agree, total)
}

func sorted(s []string) []string {
	if s == nil {
		s = []string{}
	}
	sort.Strings(s)
	return s
}

func unescaped(s *string) string {
	v, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		return aws.ToString(s)
	}
	return v
}

func iamQuestions(check func(string, func(aws.Config) (any, error))) {
	ctx := context.Background()
	names := func(in *iam.ListRolesInput) func(aws.Config) (any, error) {
		return func(cfg aws.Config) (any, error) {
			var out []string
			p := iam.NewListRolesPaginator(iam.NewFromConfig(cfg), in)
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				for _, r := range page.Roles {
					out = append(out, aws.ToString(r.RoleName)+" "+aws.ToString(r.Path)+" "+aws.ToString(r.Arn))
				}
			}
			return sorted(out), nil
		}
	}
	check("ListRoles", names(&iam.ListRolesInput{}))
	check("ListRoles PathPrefix", names(&iam.ListRolesInput{PathPrefix: aws.String("/svc/")}))
	check("GetRole", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("batch")})
		if err != nil {
			return nil, err
		}
		r := out.Role
		var tags []string
		for _, t := range r.Tags {
			tags = append(tags, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
		}
		return []string{aws.ToString(r.Arn), aws.ToString(r.RoleId), aws.ToString(r.Path), unescaped(r.AssumeRolePolicyDocument), fmt.Sprint(sorted(tags))}, nil
	})
	check("GetRole unknown", func(cfg aws.Config) (any, error) {
		_, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
		return errorCode(err), nil
	})
	check("ListUsers", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{})
		if err != nil {
			return nil, err
		}
		var names []string
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.UserName)+" "+aws.ToString(u.Arn)+" "+aws.ToString(u.UserId))
		}
		return sorted(names), nil
	})
	check("GetUser", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
		if err != nil {
			return nil, err
		}
		return aws.ToString(out.User.Arn), nil
	})
	check("ListAttachedRolePolicies", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("batch")})
		if err != nil {
			return nil, err
		}
		var arns []string
		for _, p := range out.AttachedPolicies {
			arns = append(arns, aws.ToString(p.PolicyArn))
		}
		return sorted(arns), nil
	})
	check("ListAttachedUserPolicies", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("bob")})
		if err != nil {
			return nil, err
		}
		var arns []string
		for _, p := range out.AttachedPolicies {
			arns = append(arns, aws.ToString(p.PolicyName))
		}
		return sorted(arns), nil
	})
	check("ListRolePolicies", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("etl")})
		if err != nil {
			return nil, err
		}
		return sorted(out.PolicyNames), nil
	})
	check("GetRolePolicy", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("etl"), PolicyName: aws.String("inline")})
		if err != nil {
			return nil, err
		}
		return unescaped(out.PolicyDocument), nil
	})
	check("ListGroupsForUser", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("alice")})
		if err != nil {
			return nil, err
		}
		var names []string
		for _, g := range out.Groups {
			names = append(names, aws.ToString(g.GroupName))
		}
		return sorted(names), nil
	})
	check("GetGroup", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("admins")})
		if err != nil {
			return nil, err
		}
		var names []string
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.UserName))
		}
		return sorted(names), nil
	})
	for _, in := range []*iam.ListPoliciesInput{{Scope: iamtypes.PolicyScopeTypeLocal}, {Scope: iamtypes.PolicyScopeTypeLocal, OnlyAttached: true},
		{Scope: iamtypes.PolicyScopeTypeLocal, PathPrefix: aws.String("/x/")}} {
		check(fmt.Sprintf("ListPolicies %s attached=%v path=%s", in.Scope, in.OnlyAttached, aws.ToString(in.PathPrefix)), func(cfg aws.Config) (any, error) {
			out, err := iam.NewFromConfig(cfg).ListPolicies(ctx, in)
			if err != nil {
				return nil, err
			}
			var names []string
			for _, p := range out.Policies {
				names = append(names, aws.ToString(p.PolicyName)+" "+aws.ToString(p.Arn))
			}
			return sorted(names), nil
		})
	}
	check("ListRoleTags", func(cfg aws.Config) (any, error) {
		out, err := iam.NewFromConfig(cfg).ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("app")})
		if err != nil {
			return nil, err
		}
		var tags []string
		for _, t := range out.Tags {
			tags = append(tags, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
		}
		return sorted(tags), nil
	})
}

func errorCode(err error) string {
	var ae interface{ ErrorCode() string }
	if err == nil {
		return ""
	}
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}
