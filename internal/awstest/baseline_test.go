package awstest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aat "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cft "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cst "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/inspector2"
	i2t "github.com/aws/aws-sdk-go-v2/service/inspector2/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	sht "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

// TestStackSetsServiceManaged creates a service-managed StackSet through
// the SDK (Query protocol), deploys it to an OU with automatic
// deployment, and checks that an account moved into the OU afterwards
// gets its instances, as AWS's automatic deployment does.
func TestStackSetsServiceManaged(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	mgmt := srv.Config(ctx, srv.AdminCredentials())
	cf := cloudformation.NewFromConfig(mgmt)
	in := &cloudformation.CreateStackSetInput{StackSetName: aws.String("base"), TemplateBody: aws.String(`{"Parameters":{"A":{"Type":"String"}},"Resources":{"Topic":{"Type":"AWS::SNS::Topic","Properties":{"TopicName":{"Fn::Sub":"t-${A}"}}}}}`),
		PermissionModel: cft.PermissionModelsServiceManaged, AutoDeployment: &cft.AutoDeployment{Enabled: aws.Bool(true), RetainStacksOnAccountRemoval: aws.Bool(true)},
		Parameters: []cft.Parameter{{ParameterKey: aws.String("A"), ParameterValue: aws.String("1")}}}
	_, err := cf.CreateStackSet(ctx, in)
	wantCode(t, err, "ValidationError") // trusted access for StackSets is off
	if _, err := organizations.NewFromConfig(mgmt).EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{
		ServicePrincipal: aws.String("member.org.stacksets.cloudformation.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.CreateStackSet(ctx, in); err != nil {
		t.Fatal(err)
	}
	_, err = cf.CreateStackSet(ctx, in)
	wantCode(t, err, "NameAlreadyExistsException")
	op, err := cf.CreateStackInstances(ctx, &cloudformation.CreateStackInstancesInput{StackSetName: aws.String("base"),
		DeploymentTargets: &cft.DeploymentTargets{OrganizationalUnitIds: []string{"r-ab12"}}, Regions: []string{"us-east-1", "eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := cf.DescribeStackSetOperation(ctx, &cloudformation.DescribeStackSetOperationInput{StackSetName: aws.String("base"), OperationId: op.OperationId})
	if err != nil || got.StackSetOperation.Status != cft.StackSetOperationStatusSucceeded {
		t.Fatalf("operation: %+v %v", got, err)
	}
	count := func() int {
		out, err := cf.ListStackInstances(ctx, &cloudformation.ListStackInstancesInput{StackSetName: aws.String("base")})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.Summaries {
			if aws.ToString(s.Account) == mgmtAcct {
				t.Error("the management account got an instance of a service-managed StackSet")
			}
		}
		return len(out.Summaries)
	}
	if n := count(); n != 4 { // security and workload, two regions
		t.Fatalf("%d instances, want 4", n)
	}
	ss, err := cf.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: aws.String("base")})
	if err != nil || aws.ToString(ss.StackSet.Parameters[0].ParameterValue) != "1" || ss.StackSet.OrganizationalUnitIds[0] != "r-ab12" {
		t.Fatalf("describe: %+v %v", ss, err)
	}
	if _, err := cf.UpdateStackSet(ctx, &cloudformation.UpdateStackSetInput{StackSetName: aws.String("base"), TemplateBody: aws.String(`{"Resources":{"X":{}}}`)}); err == nil {
		t.Fatal("a template whose resource has no Type was accepted")
	}
	_, err = cf.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: aws.String("nope")})
	wantCode(t, err, "StackSetNotFoundException")
}

// TestSecurityServiceAdmins designates the Audit account for the four
// services through their own APIs, then turns on auto-enable from it;
// another account may not.
func TestSecurityServiceAdmins(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	mgmt := srv.Config(ctx, srv.AdminCredentials())
	audit := srv.Config(ctx, srv.AccountCredentials(securityAcct))
	work := srv.Config(ctx, srv.AccountCredentials(workAcct))
	if _, err := inspector2.NewFromConfig(work).EnableDelegatedAdminAccount(ctx, &inspector2.EnableDelegatedAdminAccountInput{DelegatedAdminAccountId: aws.String(securityAcct)}); err == nil {
		t.Fatal("a member account designated an administrator")
	}
	if _, err := guardduty.NewFromConfig(mgmt).EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(securityAcct)}); err != nil {
		t.Fatal(err)
	}
	if _, err := securityhub.NewFromConfig(mgmt).EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(securityAcct)}); err != nil {
		t.Fatal(err)
	}
	if _, err := inspector2.NewFromConfig(mgmt).EnableDelegatedAdminAccount(ctx, &inspector2.EnableDelegatedAdminAccountInput{DelegatedAdminAccountId: aws.String(securityAcct)}); err != nil {
		t.Fatal(err)
	}
	if _, err := macie2.NewFromConfig(mgmt).EnableOrganizationAdminAccount(ctx, &macie2.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(securityAcct)}); err != nil {
		t.Fatal(err)
	}
	gd, err := guardduty.NewFromConfig(mgmt).ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
	if err != nil || len(gd.AdminAccounts) != 1 || aws.ToString(gd.AdminAccounts[0].AdminAccountId) != securityAcct {
		t.Fatalf("guardduty admins: %+v %v", gd, err)
	}
	in2, err := inspector2.NewFromConfig(mgmt).ListDelegatedAdminAccounts(ctx, &inspector2.ListDelegatedAdminAccountsInput{})
	if err != nil || len(in2.DelegatedAdminAccounts) != 1 || in2.DelegatedAdminAccounts[0].Status != i2t.DelegatedAdminStatusEnabled {
		t.Fatalf("inspector admins: %+v %v", in2, err)
	}
	od, err := organizations.NewFromConfig(mgmt).ListDelegatedServicesForAccount(ctx, &organizations.ListDelegatedServicesForAccountInput{AccountId: aws.String(securityAcct)})
	if err != nil || len(od.DelegatedServices) < 4 {
		t.Fatalf("Organizations does not show the delegations: %+v %v", od, err)
	}
	_, err = macie2.NewFromConfig(work).UpdateOrganizationConfiguration(ctx, &macie2.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true)})
	wantCode(t, err, "BadRequestException")
	if _, err := macie2.NewFromConfig(audit).UpdateOrganizationConfiguration(ctx, &macie2.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := inspector2.NewFromConfig(audit).UpdateOrganizationConfiguration(ctx, &inspector2.UpdateOrganizationConfigurationInput{AutoEnable: &i2t.AutoEnable{Ec2: aws.Bool(true), Ecr: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	mc, err := macie2.NewFromConfig(audit).DescribeOrganizationConfiguration(ctx, &macie2.DescribeOrganizationConfigurationInput{})
	ic, err2 := inspector2.NewFromConfig(audit).DescribeOrganizationConfiguration(ctx, &inspector2.DescribeOrganizationConfigurationInput{})
	if err != nil || err2 != nil || !aws.ToBool(mc.AutoEnable) || !aws.ToBool(ic.AutoEnable.Ec2) {
		t.Fatalf("organization configuration: %+v %+v %v %v", mc, ic, err, err2)
	}
	sh, err := securityhub.NewFromConfig(audit).DescribeOrganizationConfiguration(ctx, &securityhub.DescribeOrganizationConfigurationInput{})
	if err != nil || aws.ToBool(sh.AutoEnable) {
		t.Fatalf("security hub auto-enable before it was set: %+v %v", sh, err)
	}
	// Central configuration: a policy is associated only once it is on.
	hub := securityhub.NewFromConfig(audit)
	pol, err := hub.CreateConfigurationPolicy(ctx, &securityhub.CreateConfigurationPolicyInput{Name: aws.String("p"),
		ConfigurationPolicy: &sht.PolicyMemberSecurityHub{Value: sht.SecurityHubPolicy{ServiceEnabled: aws.Bool(true),
			EnabledStandardIdentifiers: []string{"arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"}}}})
	if err != nil {
		t.Fatal(err)
	}
	assoc := &securityhub.StartConfigurationPolicyAssociationInput{ConfigurationPolicyIdentifier: pol.Id, Target: &sht.TargetMemberRootId{Value: "r-ab12"}}
	_, err = hub.StartConfigurationPolicyAssociation(ctx, assoc)
	wantCode(t, err, "AccessDeniedException")
	if _, err := hub.UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(false),
		OrganizationConfiguration: &sht.OrganizationConfiguration{ConfigurationType: sht.OrganizationConfigurationConfigurationTypeCentral}}); err != nil {
		t.Fatal(err)
	}
	if out, err := hub.StartConfigurationPolicyAssociation(ctx, assoc); err != nil || out.TargetType != sht.TargetTypeRoot {
		t.Fatalf("association: %+v %v", out, err)
	}
	list, err := hub.ListConfigurationPolicies(ctx, &securityhub.ListConfigurationPoliciesInput{})
	if err != nil || len(list.ConfigurationPolicySummaries) != 1 || aws.ToString(list.ConfigurationPolicySummaries[0].Name) != "p" {
		t.Fatalf("policies: %+v %v", list, err)
	}
}

// TestAggregatorAndAnalyzer needs the delegated administrator for
// organization-wide Config aggregators and analyzers.
func TestAggregatorAndAnalyzer(t *testing.T) {
	ctx := context.Background()
	srv := startFixture(t, Options{})
	work := srv.Config(ctx, srv.AccountCredentials(workAcct))
	src := &cst.OrganizationAggregationSource{RoleArn: aws.String("arn:aws:iam::333333333333:role/agg"), AllAwsRegions: true}
	_, err := configservice.NewFromConfig(work).PutConfigurationAggregator(ctx, &configservice.PutConfigurationAggregatorInput{
		ConfigurationAggregatorName: aws.String("org"), OrganizationAggregationSource: src})
	wantCode(t, err, "OrganizationAccessDeniedException")
	_, err = accessanalyzer.NewFromConfig(work).CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: aat.TypeOrganization})
	wantCode(t, err, "AccessDeniedException")
	mgmt := srv.Config(ctx, srv.AdminCredentials())
	for _, p := range []string{"config.amazonaws.com", "access-analyzer.amazonaws.com"} {
		if _, err := organizations.NewFromConfig(mgmt).RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
			AccountId: aws.String(workAcct), ServicePrincipal: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := configservice.NewFromConfig(work).PutConfigurationAggregator(ctx, &configservice.PutConfigurationAggregatorInput{
		ConfigurationAggregatorName: aws.String("org"), OrganizationAggregationSource: src}); err != nil {
		t.Fatal(err)
	}
	aggs, err := configservice.NewFromConfig(work).DescribeConfigurationAggregators(ctx, &configservice.DescribeConfigurationAggregatorsInput{})
	if err != nil || len(aggs.ConfigurationAggregators) != 1 || !aggs.ConfigurationAggregators[0].OrganizationAggregationSource.AllAwsRegions {
		t.Fatalf("aggregators: %+v %v", aggs, err)
	}
	aa := accessanalyzer.NewFromConfig(work)
	if _, err := aa.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: aat.TypeOrganization}); err != nil {
		t.Fatal(err)
	}
	_, err = aa.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: aat.TypeOrganization})
	wantCode(t, err, "ConflictException")
}

// TestStackSetsReadByAWSCLI reads a StackSet made through the SDK with
// the AWS CLI, a second, independent client of the same wire protocol.
func TestStackSetsReadByAWSCLI(t *testing.T) {
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed")
	}
	ctx := context.Background()
	srv := startFixture(t, Options{})
	mgmt := srv.Config(ctx, srv.AdminCredentials())
	if _, err := organizations.NewFromConfig(mgmt).EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{
		ServicePrincipal: aws.String("member.org.stacksets.cloudformation.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	cf := cloudformation.NewFromConfig(mgmt)
	if _, err := cf.CreateStackSet(ctx, &cloudformation.CreateStackSetInput{StackSetName: aws.String("cli"), TemplateBody: aws.String(`{"Parameters":{"A":{"Type":"String"}},"Resources":{"Topic":{"Type":"AWS::SNS::Topic","Properties":{"TopicName":{"Fn::Sub":"t-${A}"}}}}}`),
		PermissionModel: cft.PermissionModelsServiceManaged, AutoDeployment: &cft.AutoDeployment{Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.CreateStackInstances(ctx, &cloudformation.CreateStackInstancesInput{StackSetName: aws.String("cli"),
		DeploymentTargets: &cft.DeploymentTargets{OrganizationalUnitIds: []string{"ou-ab12-workload"}}, Regions: []string{srv.Region}}); err != nil {
		t.Fatal(err)
	}
	creds := srv.AdminCredentials()
	cmd := exec.Command(bin, "cloudformation", "list-stack-instances", "--stack-set-name", "cli", "--endpoint-url", srv.Endpoint,
		"--region", srv.Region, "--output", "text", "--query", "Summaries[].Account")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_SESSION_TOKEN="+creds.SessionToken, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != workAcct {
		t.Fatalf("aws cloudformation list-stack-instances: %v\n%s", err, out)
	}
}
