package awstest

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	sgmtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestBigDataReadsAgreeWithMoto builds an encrypted Kinesis stream, a
// running EMR cluster, a SageMaker notebook instance and an Elastic
// Beanstalk environment in moto, stores moto's answers to the
// collector's reads as a snapshot, and asks moto and the local AWS
// serving that snapshot the same reads: the local server's JSON 1.1
// (Kinesis, EMR, SageMaker) and Query (Elastic Beanstalk) wire must give
// the SDK back what moto's gave. (moto has no Elastic Beanstalk
// DescribeConfigurationSettings; the demo round trip covers it.)
func TestBigDataReadsAgreeWithMoto(t *testing.T) {
	ctx := t.Context()
	mcfg := startMoto(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	kc := kinesis.NewFromConfig(mcfg)
	_, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("events"), ShardCount: aws.Int32(1)})
	must(err)
	_, err = kc.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("events"),
		EncryptionType: kintypes.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")})
	must(err)
	ec := emr.NewFromConfig(mcfg)
	jf, err := ec.RunJobFlow(ctx, &emr.RunJobFlowInput{Name: aws.String("etl"), ReleaseLabel: aws.String("emr-7.2.0"),
		JobFlowRole: aws.String("EMR_EC2_DefaultRole"), ServiceRole: aws.String("EMR_DefaultRole"),
		Instances: &emrtypes.JobFlowInstancesConfig{MasterInstanceType: aws.String("m5.xlarge"), SlaveInstanceType: aws.String("m5.xlarge"),
			InstanceCount: aws.Int32(2), KeepJobFlowAliveWhenNoSteps: aws.Bool(true)}})
	must(err)
	sm := sagemaker.NewFromConfig(mcfg)
	_, err = sm.CreateNotebookInstance(ctx, &sagemaker.CreateNotebookInstanceInput{NotebookInstanceName: aws.String("lab"),
		InstanceType: sgmtypes.InstanceTypeMlT3Medium, RoleArn: aws.String("arn:aws:iam::" + motoAccount + ":role/lab"),
		SubnetId: aws.String("subnet-1234abcd"), SecurityGroupIds: []string{"sg-1234abcd"},
		DirectInternetAccess: sgmtypes.DirectInternetAccessDisabled, RootAccess: sgmtypes.RootAccessDisabled})
	must(err)
	eb := elasticbeanstalk.NewFromConfig(mcfg)
	_, err = eb.CreateApplication(ctx, &elasticbeanstalk.CreateApplicationInput{ApplicationName: aws.String("web")})
	must(err)
	_, err = eb.CreateEnvironment(ctx, &elasticbeanstalk.CreateEnvironmentInput{ApplicationName: aws.String("web"), EnvironmentName: aws.String("web-prod"),
		SolutionStackName: aws.String("64bit Amazon Linux 2023 v4.3.0 running Python 3.11")})
	must(err)

	type read struct {
		file, op, key string
		ask           func(aws.Config) (any, error)
	}
	active := []emrtypes.ClusterState{emrtypes.ClusterStateStarting, emrtypes.ClusterStateBootstrapping, emrtypes.ClusterStateRunning, emrtypes.ClusterStateWaiting}
	reads := []read{
		{"kinesis", "ListStreams", "", func(c aws.Config) (any, error) {
			return kinesis.NewFromConfig(c).ListStreams(ctx, &kinesis.ListStreamsInput{})
		}},
		{"kinesis", "DescribeStreamSummary", "events", func(c aws.Config) (any, error) {
			return kinesis.NewFromConfig(c).DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("events")})
		}},
		{"emr", "GetBlockPublicAccessConfiguration", "", func(c aws.Config) (any, error) {
			return emr.NewFromConfig(c).GetBlockPublicAccessConfiguration(ctx, &emr.GetBlockPublicAccessConfigurationInput{})
		}},
		{"emr", "ListClusters", "", func(c aws.Config) (any, error) {
			return emr.NewFromConfig(c).ListClusters(ctx, &emr.ListClustersInput{ClusterStates: active})
		}},
		{"emr", "DescribeCluster", aws.ToString(jf.JobFlowId), func(c aws.Config) (any, error) {
			return emr.NewFromConfig(c).DescribeCluster(ctx, &emr.DescribeClusterInput{ClusterId: jf.JobFlowId})
		}},
		{"emr", "ListInstances", aws.ToString(jf.JobFlowId), func(c aws.Config) (any, error) {
			return emr.NewFromConfig(c).ListInstances(ctx, &emr.ListInstancesInput{ClusterId: jf.JobFlowId, InstanceGroupTypes: []emrtypes.InstanceGroupType{emrtypes.InstanceGroupTypeMaster}})
		}},
		{"sagemaker", "ListNotebookInstances", "", func(c aws.Config) (any, error) {
			return sagemaker.NewFromConfig(c).ListNotebookInstances(ctx, &sagemaker.ListNotebookInstancesInput{})
		}},
		{"sagemaker", "DescribeNotebookInstance", "lab", func(c aws.Config) (any, error) {
			return sagemaker.NewFromConfig(c).DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String("lab")})
		}},
		{"elasticbeanstalk", "DescribeEnvironments", "", func(c aws.Config) (any, error) {
			return elasticbeanstalk.NewFromConfig(c).DescribeEnvironments(ctx, &elasticbeanstalk.DescribeEnvironmentsInput{IncludeDeleted: aws.Bool(false)})
		}},
	}

	o := &org.Organization{Id: "o-moto", Arn: "arn:aws:organizations::" + motoAccount + ":organization/o-moto", FeatureSet: "ALL", MasterAccountId: motoAccount,
		Roots:    []org.Root{{Id: "r-moto", Name: "Root", Arn: "arn:aws:organizations::" + motoAccount + ":root/o-moto/r-moto"}},
		Accounts: []org.Account{{Id: motoAccount, Name: "moto", Status: org.StatusActive, ParentId: "r-moto", JoinedTimestamp: fixtureTime}}}
	dir := t.TempDir()
	w, err := snapshot.Create(dir, o)
	must(err)
	files := map[string]*snapshot.ServiceFile{}
	want := make([]string, len(reads))
	for i, r := range reads {
		out, err := r.ask(mcfg)
		must(err)
		want[i] = msView(t, out)
		f := files[r.file]
		if f == nil {
			f = snapshot.NewServiceFile(motoAccount, "us-east-1", r.file)
			files[r.file] = f
		}
		if r.key == "" {
			must(f.Set(r.op, out))
		} else {
			must(f.SetResource(r.op, r.key, out))
		}
	}
	for i, sub := range map[int]string{0: `"events"`, 1: `"KMS"`, 3: `"etl"`, 7: `"Disabled"`, 8: `"web-prod"`} {
		if !strings.Contains(want[i], sub) {
			t.Fatalf("%s: moto's answer lacks %s: %s", reads[i].op, sub, want[i])
		}
	}
	for _, f := range files {
		must(w.WriteService(f))
	}
	must(w.Commit(&snapshot.Manifest{OrgID: "o-moto", Source: "moto"}))
	srv := startFixture(t, Options{SnapshotDir: dir})
	lcfg := srv.Config(ctx, srv.AccountCredentials(motoAccount))
	for i, r := range reads {
		out, err := r.ask(lcfg)
		if err != nil {
			t.Errorf("%s: local AWS: %v", r.op, err)
			continue
		}
		if got := msView(t, out); got != want[i] {
			t.Errorf("%s:\nmoto  %s\nlocal %s", r.op, want[i], got)
		}
	}
}
