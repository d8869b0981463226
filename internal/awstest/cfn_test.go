package awstest

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cft "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/orgrail/orgrail/internal/baseline"
	"github.com/orgrail/orgrail/internal/config"
)

// deployStackSet creates a service-managed StackSet of body and deploys
// it to the OUs in regions, returning the operation's status.
func deployStackSet(t *testing.T, srv *Server, name, body string, params map[string]string, ous, regions []string) *cft.StackSetOperation {
	t.Helper()
	ctx := context.Background()
	mgmt := srv.Config(ctx, srv.AdminCredentials())
	if _, err := organizations.NewFromConfig(mgmt).EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{
		ServicePrincipal: aws.String("member.org.stacksets.cloudformation.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	cf := cloudformation.NewFromConfig(mgmt)
	var ps []cft.Parameter
	for k, v := range params {
		ps = append(ps, cft.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)})
	}
	if _, err := cf.CreateStackSet(ctx, &cloudformation.CreateStackSetInput{StackSetName: aws.String(name), TemplateBody: aws.String(body), Parameters: ps,
		PermissionModel: cft.PermissionModelsServiceManaged, Capabilities: []cft.Capability{cft.CapabilityCapabilityNamedIam},
		AutoDeployment: &cft.AutoDeployment{Enabled: aws.Bool(true), RetainStacksOnAccountRemoval: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	op, err := cf.CreateStackInstances(ctx, &cloudformation.CreateStackInstancesInput{StackSetName: aws.String(name),
		DeploymentTargets: &cft.DeploymentTargets{OrganizationalUnitIds: ous}, Regions: regions})
	if err != nil {
		t.Fatal(err)
	}
	got, err := cf.DescribeStackSetOperation(ctx, &cloudformation.DescribeStackSetOperationInput{StackSetName: aws.String(name), OperationId: op.OperationId})
	if err != nil {
		t.Fatal(err)
	}
	return got.StackSetOperation
}

// TestStackSetDeploysAccountBaseline deploys orgrail's account baseline
// template (IAM roles, a Lambda-backed custom resource whose inline
// Python code runs with boto3 against the server, Config, EventBridge
// rules) to the Workloads OU in two regions, and reads every setting
// back through the SDK and the AWS CLI.
func TestStackSetDeploysAccountBaseline(t *testing.T) {
	if err := LambdaRuntimeAvailable(); err != nil {
		t.Skipf("no Lambda runtime for custom resources: %v", err)
	}
	ctx := context.Background()
	srv := startFixture(t, Options{})
	s := &baseline.Settings{HomeRegion: "us-east-1", Regions: []string{"us-east-1", "eu-west-1"}, AuditID: securityAcct, AuditRole: "OrgrailAuditReadOnly",
		BreakGlassRole: "OrgrailBreakGlass", MinLength: 16, MaxAgeDays: 90, Reuse: 24, Events: true, BusName: "orgrail-security",
		Services: []string{"config"}, BucketName: "logs-bucket",
		Contact: config.SecurityContact{Name: "Security Team", Title: "Security", Email: "security@example.com", Phone: "+81-3-0000-0000"}}
	tmpl, err := baseline.AccountTemplate(s)
	if err != nil {
		t.Fatal(err)
	}
	op := deployStackSet(t, srv, tmpl.Name, string(tmpl.Body), tmpl.Parameters, []string{"ou-ab12-workload"}, s.Regions)
	if op.Status != cft.StackSetOperationStatusSucceeded {
		t.Fatalf("operation %s: %s", op.Status, aws.ToString(op.StatusReason))
	}
	work := srv.Config(ctx, srv.AccountCredentials(workAcct))
	pw, err := iam.NewFromConfig(work).GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if err != nil || aws.ToInt32(pw.PasswordPolicy.MinimumPasswordLength) != 16 || aws.ToInt32(pw.PasswordPolicy.PasswordReusePrevention) != 24 {
		t.Fatalf("password policy: %+v %v", pw, err)
	}
	pab, err := s3control.NewFromConfig(work).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(workAcct)})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) || !aws.ToBool(pab.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		t.Fatalf("account public access block: %+v %v", pab, err)
	}
	contact, err := account.NewFromConfig(work).GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: "SECURITY"})
	if err != nil || aws.ToString(contact.AlternateContact.EmailAddress) != "security@example.com" {
		t.Fatalf("security contact: %+v %v", contact, err)
	}
	for _, r := range s.Regions {
		rc := work.Copy()
		rc.Region = r
		ebs, err := ec2.NewFromConfig(rc).GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
		if err != nil || !aws.ToBool(ebs.EbsEncryptionByDefault) {
			t.Errorf("%s: EBS default encryption: %+v %v", r, ebs, err)
		}
		md, err := ec2.NewFromConfig(rc).GetInstanceMetadataDefaults(ctx, &ec2.GetInstanceMetadataDefaultsInput{})
		if err != nil || md.AccountLevel.HttpTokens != "required" || aws.ToInt32(md.AccountLevel.HttpPutResponseHopLimit) != 2 {
			t.Errorf("%s: IMDS defaults: %+v %v", r, md, err)
		}
		st, err := configservice.NewFromConfig(rc).DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
		if err != nil || len(st.ConfigurationRecordersStatus) != 1 || !st.ConfigurationRecordersStatus[0].Recording {
			t.Errorf("%s: Config recorder: %+v %v", r, st, err)
		}
		raw, _, _, _ := srv.lookup(workAcct, r, "events", "ListRules", "")
		rules := decodeAs[eventsRules](raw)
		want := 4 // security groups, GuardDuty, Security Hub, Config everywhere
		if r == s.HomeRegion {
			want = 6 // and IAM and root activity in the home region
		}
		if len(rules.Rules) != want || rules.Rules[0].Targets[0].Arn != s.BusArn() {
			t.Errorf("%s: %d forwarding rules, want %d: %+v", r, len(rules.Rules), want, rules.Rules)
		}
	}
	role, err := iam.NewFromConfig(work).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("OrgrailAuditReadOnly")})
	if err != nil {
		t.Fatal(err)
	}
	if trust, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument)); !strings.Contains(trust, "arn:aws:iam::"+securityAcct+":root") {
		t.Errorf("audit role trust: %s", trust)
	}
	// The Audit account itself does not forward to its own bus.
	raw, _, _, _ := srv.lookup(securityAcct, "us-east-1", "events", "ListRules", "")
	if n := len(decodeAs[eventsRules](raw).Rules); n != 0 {
		t.Errorf("the Audit account (not a target) has %d rules", n)
	}

	// Automatic deployment: an account moved into the OU gets the stack.
	if _, err := organizations.NewFromConfig(srv.Config(ctx, srv.AdminCredentials())).MoveAccount(ctx, &organizations.MoveAccountInput{
		AccountId: aws.String(securityAcct), SourceParentId: aws.String("ou-ab12-security"), DestinationParentId: aws.String("ou-ab12-workload")}); err != nil {
		t.Fatal(err)
	}
	sec := srv.Config(ctx, srv.AccountCredentials(securityAcct))
	if pw, err := iam.NewFromConfig(sec).GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}); err != nil || aws.ToInt32(pw.PasswordPolicy.MinimumPasswordLength) != 16 {
		t.Fatalf("moved account's password policy: %+v %v", pw, err)
	}

	// The AWS CLI, a second client, reads the instances and a setting.
	if _, err := exec.LookPath("aws"); err == nil {
		out := awsCLI(t, srv, "cloudformation", "list-stack-instances", "--stack-set-name", tmpl.Name, "--region", "us-east-1",
			"--query", "Summaries[].StackInstanceStatus.DetailedStatus", "--output", "text")
		if strings.Count(out, "SUCCEEDED") != 4 { // two accounts, two regions
			t.Errorf("AWS CLI instances: %q", out)
		}
	}
}

// TestStackSetUnsupportedType: a resource type the local AWS does not
// make fails the instance with a reason naming it, as CloudFormation
// fails on a type it does not recognize; nothing is skipped silently.
func TestStackSetUnsupportedType(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	body := `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "r-${AWS::Region}"
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
`
	op := deployStackSet(t, srv, "unsupported", body, nil, []string{"ou-ab12-workload"}, []string{"us-east-1"})
	if op.Status != cft.StackSetOperationStatusFailed || !strings.Contains(aws.ToString(op.StatusReason), "Unrecognized resource types: [AWS::EC2::VPC]") {
		t.Fatalf("operation %s: %s", op.Status, aws.ToString(op.StatusReason))
	}
	cf := cloudformation.NewFromConfig(srv.Config(ctx, srv.AdminCredentials()))
	in, err := cf.DescribeStackInstance(ctx, &cloudformation.DescribeStackInstanceInput{StackSetName: aws.String("unsupported"),
		StackInstanceAccount: aws.String(workAcct), StackInstanceRegion: aws.String("us-east-1")})
	if err != nil || in.StackInstance.Status != cft.StackInstanceStatusOutdated || in.StackInstance.StackInstanceStatus.DetailedStatus != cft.StackInstanceDetailedStatusFailed ||
		!strings.Contains(aws.ToString(in.StackInstance.StatusReason), "AWS::EC2::VPC") {
		t.Fatalf("instance: %+v %v", in, err)
	}
	if _, err := iam.NewFromConfig(srv.Config(ctx, srv.AccountCredentials(workAcct))).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r-us-east-1")}); err == nil {
		t.Error("a stack with an unrecognized type made some of its resources")
	}
	// A template referencing an undefined parameter fails with its name.
	body = `{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{"TopicName":{"Ref":"Missing"}}}}}`
	op = deployStackSet(t, srv, "badref", body, nil, []string{"ou-ab12-workload"}, []string{"us-east-1"})
	if op.Status != cft.StackSetOperationStatusFailed || !strings.Contains(aws.ToString(op.StatusReason), "Missing") {
		t.Fatalf("bad Ref: %s %s", op.Status, aws.ToString(op.StatusReason))
	}
}

// awsCLI runs the AWS CLI against the server as the management
// account's administrator and returns its output.
func awsCLI(t *testing.T, srv *Server, args ...string) string {
	t.Helper()
	creds := srv.AdminCredentials()
	cmd := exec.Command("aws", append(args, "--endpoint-url", srv.Endpoint)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_SESSION_TOKEN="+creds.SessionToken, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws %v: %v\n%s", args, err, out)
	}
	return string(out)
}
