package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// Fixture names of the container and file services.
const (
	fxEFSID = "fs-0123456789abcdef0"
	fxAPID  = "fsap-0123456789abcdef0"
)

func fxCluster(a, r string) string { return "arn:aws:ecs:" + r + ":" + a + ":cluster/apps" }
func fxTaskDef(a, r string, rev string) string {
	return "arn:aws:ecs:" + r + ":" + a + ":task-definition/web:" + rev
}

// containersBaseline gives the region a compliant ECS cluster "apps"
// (Container Insights on) with a Fargate service "web" on the latest
// platform without public IPs, the task definition family "web" (an old
// revision 1 and the latest, 2: awsvpc, a non-root container with a
// read-only root file system and no credentials in its environment), an
// encrypted EFS file system with automatic backups and an access point
// confined to /app with a POSIX user.
func (f *fx) containersBaseline(a, r string) {
	cl := fxCluster(a, r)
	f.set(a, r, "ecs", "ListClusters", &ecs.ListClustersOutput{ClusterArns: []string{cl}})
	f.set(a, r, "ecs", "DescribeClusters", &ecs.DescribeClustersOutput{Clusters: []ecstypes.Cluster{{ClusterArn: awsv2.String(cl), ClusterName: awsv2.String("apps"),
		Status: awsv2.String("ACTIVE"), Settings: []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: awsv2.String("enabled")}}}}})
	svc := "arn:aws:ecs:" + r + ":" + a + ":service/apps/web"
	f.setRes(a, r, "ecs", "ListServices", cl, &ecs.ListServicesOutput{ServiceArns: []string{svc}})
	f.setRes(a, r, "ecs", "DescribeServices", cl, &ecs.DescribeServicesOutput{Services: []ecstypes.Service{{ServiceArn: awsv2.String(svc), ServiceName: awsv2.String("web"),
		ClusterArn: awsv2.String(cl), LaunchType: ecstypes.LaunchTypeFargate, PlatformVersion: awsv2.String("LATEST"), PlatformFamily: awsv2.String("Linux"),
		TaskDefinition: awsv2.String(fxTaskDef(a, r, "2")),
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: []string{"subnet-0a1b2c3d"}, AssignPublicIp: ecstypes.AssignPublicIpDisabled}}}}})
	f.set(a, r, "ecs", "ListTaskDefinitions", &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: []string{fxTaskDef(a, r, "1"), fxTaskDef(a, r, "2")}})
	f.setRes(a, r, "ecs", "DescribeTaskDefinition", fxTaskDef(a, r, "2"), &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{
		TaskDefinitionArn: awsv2.String(fxTaskDef(a, r, "2")), Family: awsv2.String("web"), Revision: 2, Status: ecstypes.TaskDefinitionStatusActive,
		NetworkMode: ecstypes.NetworkModeAwsvpc, RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: awsv2.String("app"), Image: awsv2.String(a + ".dkr.ecr." + r + ".amazonaws.com/app:1.4.2"),
			User: awsv2.String("1000"), Privileged: awsv2.Bool(false), ReadonlyRootFilesystem: awsv2.Bool(true),
			Environment: []ecstypes.KeyValuePair{{Name: awsv2.String("LOG_LEVEL"), Value: awsv2.String("info")}},
			Secrets:     []ecstypes.Secret{{Name: awsv2.String("DB_PASSWORD"), ValueFrom: awsv2.String("arn:aws:secretsmanager:" + r + ":" + a + ":secret:db-AbCdEf")}}}}}})

	fsArn := "arn:aws:elasticfilesystem:" + r + ":" + a + ":file-system/" + fxEFSID
	f.set(a, r, "efs", "DescribeFileSystems", &efs.DescribeFileSystemsOutput{FileSystems: []efstypes.FileSystemDescription{{
		FileSystemId: awsv2.String(fxEFSID), FileSystemArn: awsv2.String(fsArn), Encrypted: awsv2.Bool(true),
		KmsKeyId: awsv2.String("arn:aws:kms:" + r + ":" + a + ":key/key-" + a), LifeCycleState: efstypes.LifeCycleStateAvailable, OwnerId: awsv2.String(a)}}})
	f.setRes(a, r, "efs", "DescribeBackupPolicy", fxEFSID, &efs.DescribeBackupPolicyOutput{BackupPolicy: &efstypes.BackupPolicy{Status: efstypes.StatusEnabled}})
	f.setRes(a, r, "efs", "DescribeMountTargets", fxEFSID, &efs.DescribeMountTargetsOutput{MountTargets: []efstypes.MountTargetDescription{{
		MountTargetId: awsv2.String("fsmt-0123456789abcdef0"), FileSystemId: awsv2.String(fxEFSID), SubnetId: awsv2.String("subnet-0a1b2c3d"),
		LifeCycleState: efstypes.LifeCycleStateAvailable}}})
	f.set(a, r, "efs", "DescribeAccessPoints", &efs.DescribeAccessPointsOutput{AccessPoints: []efstypes.AccessPointDescription{{
		AccessPointId: awsv2.String(fxAPID), AccessPointArn: awsv2.String("arn:aws:elasticfilesystem:" + r + ":" + a + ":access-point/" + fxAPID),
		FileSystemId: awsv2.String(fxEFSID), RootDirectory: &efstypes.RootDirectory{Path: awsv2.String("/app")},
		PosixUser: &efstypes.PosixUser{Uid: awsv2.Int64(1000), Gid: awsv2.Int64(1000)}, LifeCycleState: efstypes.LifeCycleStateAvailable}}})

	f.set(a, r, "eks", "ListClusters", &eks.ListClustersOutput{Clusters: []string{"platform"}})
	f.setRes(a, r, "eks", "DescribeCluster", "platform", &eks.DescribeClusterOutput{Cluster: &ekstypes.Cluster{Name: awsv2.String("platform"),
		Arn: awsv2.String("arn:aws:eks:" + r + ":" + a + ":cluster/platform"), Version: awsv2.String("1.33"), Status: ekstypes.ClusterStatusActive}})
	f.set(a, r, "codebuild", "ListProjects", &codebuild.ListProjectsOutput{Projects: []string{"build"}})
	f.set(a, r, "codebuild", "BatchGetProjects", &codebuild.BatchGetProjectsOutput{Projects: []cbtypes.Project{{Name: awsv2.String("build"),
		Arn:    awsv2.String("arn:aws:codebuild:" + r + ":" + a + ":project/build"),
		Source: &cbtypes.ProjectSource{Type: cbtypes.SourceTypeBitbucket, Location: awsv2.String("https://bitbucket.org/acme/app.git")},
		Environment: &cbtypes.ProjectEnvironment{Type: cbtypes.EnvironmentTypeLinuxContainer, Image: awsv2.String("aws/codebuild/standard:7.0"),
			ComputeType: cbtypes.ComputeTypeBuildGeneral1Small, PrivilegedMode: awsv2.Bool(false),
			EnvironmentVariables: []cbtypes.EnvironmentVariable{{Name: awsv2.String("LOG_LEVEL"), Value: awsv2.String("info"), Type: cbtypes.EnvironmentVariableTypePlaintext},
				{Name: awsv2.String("DB_PASSWORD"), Value: awsv2.String("<redacted by orgrail>"), Type: cbtypes.EnvironmentVariableTypeSecretsManager}}},
		LogsConfig: &cbtypes.LogsConfig{CloudWatchLogs: &cbtypes.CloudWatchLogsConfig{Status: cbtypes.LogsConfigStatusTypeEnabled},
			S3Logs: &cbtypes.S3LogsConfig{Status: cbtypes.LogsConfigStatusTypeEnabled, Location: awsv2.String("build-logs-" + a + "/build")}}}}})
}

// Accessors for the cases' mutations (the workload account, region1).

func fxTask(f *fx) *ecstypes.TaskDefinition {
	return res[ecs.DescribeTaskDefinitionOutput](f, acctW, region1, "ecs", "DescribeTaskDefinition", fxTaskDef(acctW, region1, "2")).TaskDefinition
}

func fxContainer(f *fx) *ecstypes.ContainerDefinition { return &fxTask(f).ContainerDefinitions[0] }

func fxService(f *fx) *ecstypes.Service {
	return &res[ecs.DescribeServicesOutput](f, acctW, region1, "ecs", "DescribeServices", fxCluster(acctW, region1)).Services[0]
}

func fxECSCluster(f *fx) *ecstypes.Cluster {
	return &op[ecs.DescribeClustersOutput](f, acctW, region1, "ecs", "DescribeClusters").Clusters[0]
}

func fxFileSystem(f *fx) *efstypes.FileSystemDescription {
	return &op[efs.DescribeFileSystemsOutput](f, acctW, region1, "efs", "DescribeFileSystems").FileSystems[0]
}

func fxAccessPoint(f *fx) *efstypes.AccessPointDescription {
	return &op[efs.DescribeAccessPointsOutput](f, acctW, region1, "efs", "DescribeAccessPoints").AccessPoints[0]
}
