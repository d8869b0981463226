package awstest

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/smithy-go"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// writeServicesFixture adds one account's data for the remaining
// services to a fixture snapshot.
func writeServicesFixture(t testing.TB, w *snapshot.Writer, acct string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	r := "us-east-1"
	file := func(region, svc string, fill func(f *snapshot.ServiceFile)) {
		f := snapshot.NewServiceFile(acct, region, svc)
		fill(f)
		must(w.WriteService(f))
	}
	file(r, "config", func(f *snapshot.ServiceFile) {
		must(f.Set("DescribeConfigurationRecorders", &configservice.DescribeConfigurationRecordersOutput{ConfigurationRecorders: []cfgtypes.ConfigurationRecorder{{Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::" + acct + ":role/config"),
			RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}}}}))
		must(f.Set("DescribeConfigurationRecorderStatus", &configservice.DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: []cfgtypes.ConfigurationRecorderStatus{{Name: aws.String("default"), Recording: false}}}))
	})
	file(r, "securityhub", func(f *snapshot.ServiceFile) { f.SetError("DescribeHub", "InvalidAccessException") })
	file(r, "accessanalyzer", func(f *snapshot.ServiceFile) {
		must(f.Set("ListAnalyzers", &accessanalyzer.ListAnalyzersOutput{Analyzers: []aatypes.AnalyzerSummary{{Name: aws.String("org"), Arn: aws.String("arn:aws:access-analyzer:us-east-1:" + acct + ":analyzer/org"),
			Type: aatypes.TypeOrganization, Status: aatypes.AnalyzerStatusActive, CreatedAt: aws.Time(fixtureTime), Tags: map[string]string{"a": "b"}}}}))
	})
	file(r, "rds", func(f *snapshot.ServiceFile) {
		must(f.Set("DescribeDBInstances", &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{{DBInstanceIdentifier: aws.String("db1"), PubliclyAccessible: aws.Bool(true), StorageEncrypted: aws.Bool(false),
			VpcSecurityGroups: []rdstypes.VpcSecurityGroupMembership{{VpcSecurityGroupId: aws.String("sg-1"), Status: aws.String("active")}}, InstanceCreateTime: aws.Time(fixtureTime)}}}))
		must(f.SetResource("DescribeDBSnapshotAttributes", "snap1", &rds.DescribeDBSnapshotAttributesOutput{DBSnapshotAttributesResult: &rdstypes.DBSnapshotAttributesResult{DBSnapshotIdentifier: aws.String("snap1"),
			DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{{AttributeName: aws.String("restore"), AttributeValues: []string{"all"}}}}}))
	})
	file(r, "lambda", func(f *snapshot.ServiceFile) {
		must(f.Set("ListFunctions", &lambda.ListFunctionsOutput{Functions: []lambdatypes.FunctionConfiguration{{FunctionName: aws.String("fn1"), Runtime: lambdatypes.RuntimePython312, Timeout: aws.Int32(30)}, {FunctionName: aws.String("fn2")}, {FunctionName: aws.String("fn3")}}}))
		must(f.SetResource("GetPolicy", "fn1", &lambda.GetPolicyOutput{Policy: aws.String(`{"Statement":[]}`), RevisionId: aws.String("rev1")}))
	})
	file(r, "sqs", func(f *snapshot.ServiceFile) {
		q := "https://sqs.us-east-1.amazonaws.com/" + acct + "/q1"
		must(f.Set("ListQueues", &sqs.ListQueuesOutput{QueueUrls: []string{q}}))
		must(f.SetResource("GetQueueAttributes", q, &sqs.GetQueueAttributesOutput{Attributes: map[string]string{"Policy": "{}", "KmsMasterKeyId": "alias/aws/sqs"}}))
	})
	file(r, "sns", func(f *snapshot.ServiceFile) {
		topic := "arn:aws:sns:us-east-1:" + acct + ":t1"
		must(f.Set("ListTopics", &sns.ListTopicsOutput{Topics: []snstypes.Topic{{TopicArn: aws.String(topic)}}}))
		must(f.SetResource("GetTopicAttributes", topic, &sns.GetTopicAttributesOutput{Attributes: map[string]string{"Policy": "{}", "TopicArn": topic}}))
	})
	file(r, "secretsmanager", func(f *snapshot.ServiceFile) {
		must(f.Set("ListSecrets", &secretsmanager.ListSecretsOutput{SecretList: []smtypes.SecretListEntry{{Name: aws.String("s1"), ARN: aws.String("arn:aws:secretsmanager:us-east-1:" + acct + ":secret:s1"), LastChangedDate: aws.Time(fixtureTime)}}}))
	})
	file(r, "ssoadmin", func(f *snapshot.ServiceFile) {
		must(f.Set("ListInstances", &ssoadmin.ListInstancesOutput{Instances: []ssotypes.InstanceMetadata{{InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-1"), IdentityStoreId: aws.String("d-1"), CreatedDate: aws.Time(fixtureTime)}}}))
		must(f.SetResource("ListPermissionSets", "arn:aws:sso:::instance/ssoins-1", &ssoadmin.ListPermissionSetsOutput{PermissionSets: []string{"arn:aws:sso:::permissionSet/ssoins-1/ps-1"}}))
	})
	file(snapshot.Global, "account", func(f *snapshot.ServiceFile) {
		must(f.SetResource("GetAlternateContact", "SECURITY", &account.GetAlternateContactOutput{AlternateContact: &acctypes.AlternateContact{AlternateContactType: acctypes.AlternateContactTypeSecurity, EmailAddress: aws.String("sec@example.com"), Name: aws.String("Sec")}}))
		f.SetResourceError("GetAlternateContact", "BILLING", "ResourceNotFoundException")
	})
	file(snapshot.Global, "s3control", func(f *snapshot.ServiceFile) {
		must(f.Set("GetPublicAccessBlock", &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true)}}))
	})
}

func TestOtherServices(t *testing.T) {
	ctx := context.Background()
	dir := writeFixture(t, 0)
	w := &snapshot.Writer{Dir: dir}
	writeServicesFixture(t, w, workAcct)
	srv := startFixture(t, Options{SnapshotDir: dir})
	cfg := srv.Config(ctx, srv.AccountCredentials(workAcct))
	var ae smithy.APIError

	recs, err := configservice.NewFromConfig(cfg).DescribeConfigurationRecorders(ctx, nil)
	if err != nil || len(recs.ConfigurationRecorders) != 1 || !recs.ConfigurationRecorders[0].RecordingGroup.AllSupported {
		t.Fatalf("DescribeConfigurationRecorders: %+v %v", recs, err)
	}
	_, err = securityhub.NewFromConfig(cfg).DescribeHub(ctx, nil)
	var ia *shtypes.InvalidAccessException
	if !errors.As(err, &ia) {
		t.Fatalf("DescribeHub: want InvalidAccessException, got %v", err)
	}
	an, err := accessanalyzer.NewFromConfig(cfg).ListAnalyzers(ctx, nil)
	if err != nil || len(an.Analyzers) != 1 || an.Analyzers[0].Type != aatypes.TypeOrganization || !an.Analyzers[0].CreatedAt.Equal(fixtureTime) || an.Analyzers[0].Tags["a"] != "b" {
		t.Fatalf("ListAnalyzers: %+v %v", an, err)
	}
	rc := rds.NewFromConfig(cfg)
	dbs, err := rc.DescribeDBInstances(ctx, nil)
	if err != nil || len(dbs.DBInstances) != 1 || !aws.ToBool(dbs.DBInstances[0].PubliclyAccessible) || len(dbs.DBInstances[0].VpcSecurityGroups) != 1 || !dbs.DBInstances[0].InstanceCreateTime.Equal(fixtureTime) {
		t.Fatalf("DescribeDBInstances: %+v %v", dbs, err)
	}
	attrs, err := rc.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String("snap1")})
	if err != nil || attrs.DBSnapshotAttributesResult.DBSnapshotAttributes[0].AttributeValues[0] != "all" {
		t.Fatalf("DescribeDBSnapshotAttributes: %+v %v", attrs, err)
	}
	var snf *rdstypes.DBSnapshotNotFoundFault
	if _, err := rc.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String("nope")}); !errors.As(err, &snf) {
		t.Fatalf("unknown DB snapshot: %v", err)
	}
	lc := lambda.NewFromConfig(cfg)
	var fns []string
	lp := lambda.NewListFunctionsPaginator(lc, &lambda.ListFunctionsInput{MaxItems: aws.Int32(2)})
	for lp.HasMorePages() {
		out, err := lp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range out.Functions {
			fns = append(fns, aws.ToString(f.FunctionName))
		}
	}
	if len(fns) != 3 {
		t.Fatalf("ListFunctions = %v", fns)
	}
	pol, err := lc.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("fn1")})
	if err != nil || aws.ToString(pol.RevisionId) != "rev1" {
		t.Fatalf("GetPolicy: %+v %v", pol, err)
	}
	var rnf *lambdatypes.ResourceNotFoundException
	if _, err := lc.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("fn2")}); !errors.As(err, &rnf) {
		t.Fatalf("GetPolicy without policy: %v", err)
	}
	qc := sqs.NewFromConfig(cfg)
	qs, err := qc.ListQueues(ctx, nil)
	if err != nil || len(qs.QueueUrls) != 1 {
		t.Fatalf("ListQueues: %+v %v", qs, err)
	}
	qa, err := qc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(qs.QueueUrls[0])})
	if err != nil || qa.Attributes["KmsMasterKeyId"] != "alias/aws/sqs" {
		t.Fatalf("GetQueueAttributes: %+v %v", qa, err)
	}
	nc := sns.NewFromConfig(cfg)
	ts, err := nc.ListTopics(ctx, nil)
	if err != nil || len(ts.Topics) != 1 {
		t.Fatalf("ListTopics: %+v %v", ts, err)
	}
	ta, err := nc.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: ts.Topics[0].TopicArn})
	if err != nil || ta.Attributes["Policy"] != "{}" {
		t.Fatalf("GetTopicAttributes: %+v %v", ta, err)
	}
	sec, err := secretsmanager.NewFromConfig(cfg).ListSecrets(ctx, nil)
	if err != nil || len(sec.SecretList) != 1 || !sec.SecretList[0].LastChangedDate.Equal(fixtureTime) {
		t.Fatalf("ListSecrets: %+v %v", sec, err)
	}
	sso := ssoadmin.NewFromConfig(cfg)
	inst, err := sso.ListInstances(ctx, nil)
	if err != nil || len(inst.Instances) != 1 || !inst.Instances[0].CreatedDate.Equal(fixtureTime) {
		t.Fatalf("ListInstances: %+v %v", inst, err)
	}
	ps, err := sso.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst.Instances[0].InstanceArn})
	if err != nil || len(ps.PermissionSets) != 1 {
		t.Fatalf("ListPermissionSets: %+v %v", ps, err)
	}
	ac := account.NewFromConfig(cfg)
	contact, err := ac.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeSecurity})
	if err != nil || aws.ToString(contact.AlternateContact.EmailAddress) != "sec@example.com" {
		t.Fatalf("GetAlternateContact: %+v %v", contact, err)
	}
	var anf *acctypes.ResourceNotFoundException
	if _, err := ac.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeBilling}); !errors.As(err, &anf) {
		t.Fatalf("GetAlternateContact BILLING: %v", err)
	}
	sc := s3control.NewFromConfig(cfg)
	pab, err := sc.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(workAcct)})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) {
		t.Fatalf("s3control GetPublicAccessBlock: %+v %v", pab, err)
	}
	if _, err := sc.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(mgmtAcct)}); !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("s3control other account: %v", err)
	}
}
