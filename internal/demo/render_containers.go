package demo

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// containerRes is what one account runs on ECS, EFS, EKS and CodeBuild
// in one region.
type containerRes struct {
	clusters []*ecsCluster
	taskDefs []*ecsTaskDef
	fsystems []*fileSystem
	eks      []*eksCluster
	projects []*buildProject
}

// eksCluster is an EKS cluster and its Kubernetes version.
type eksCluster struct {
	name    string
	version string
	created time.Time
	// public leaves the Kubernetes API endpoint reachable from the internet.
	public bool
}

// buildProject is a CodeBuild project building from GitHub.
type buildProject struct {
	name       string
	privileged bool
	created    time.Time
}

// ecsCluster is an ECS cluster and its services.
type ecsCluster struct {
	name     string
	insights bool
	services []*ecsService
}

// ecsService is a Fargate service of a cluster.
type ecsService struct {
	name     string
	taskDef  string // family
	platform string // "LATEST" or a version
	publicIP bool
	created  time.Time
}

// ecsTaskDef is a task definition family; revision is the latest, the
// earlier ones are listed too.
type ecsTaskDef struct {
	family   string
	revision int32
	image    string
	// envCredentials passes an access key pair as environment variables.
	envCredentials bool
	registered     time.Time
}

// fileSystem is an EFS file system with one access point.
type fileSystem struct {
	name      string
	encrypted bool
	backups   bool
	kmsKey    string
	created   time.Time
}

// containerID derives a stable hexadecimal id (17 digits, as EFS uses)
// from parts, without drawing on the account's random source.
func containerID(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%017x", h.Sum64())[:17]
}

// baselineContainers gives a workload account its application's ECS
// cluster, service and task definition, and an encrypted EFS file
// system with automatic backups and a confined access point.
func baselineContainers(w *world, a *acct, home string, created time.Time) {
	rr := w.region(a, home)
	family := a.Name + "-api"
	rr.ctr.taskDefs = append(rr.ctr.taskDefs, &ecsTaskDef{family: family, revision: 7,
		image: fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s/%s-app:2026.11.1", a.Id, home, a.system, a.Name), registered: End.AddDate(0, 0, -12)})
	rr.ctr.clusters = append(rr.ctr.clusters, &ecsCluster{name: a.Name, insights: true,
		services: []*ecsService{{name: family, taskDef: family, platform: "LATEST", created: created}}})
	key := ""
	if len(rr.keys) > 0 {
		key = keyARN(a, home, rr.keys[0].id)
	}
	rr.ctr.fsystems = append(rr.ctr.fsystems, &fileSystem{name: a.Name + "-shared", encrypted: true, backups: true, kmsKey: key, created: created})
}

func efsID(a *acct, region, name string) string { return "fs-" + containerID(a.Id, region, name) }
func efsAPID(a *acct, region, name string) string {
	return "fsap-" + containerID(a.Id, region, name, "ap")
}
func efsARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:file-system/%s", region, a.Id, efsID(a, region, name))
}
func ecsClusterARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", region, a.Id, name)
}
func ecsTaskDefARN(a *acct, region, family string, rev int32) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:%d", region, a.Id, family, rev)
}

func renderECS(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "ecs")
	arns := []string{}
	clusters := []ecstypes.Cluster{}
	latest := map[string]int32{}
	for _, td := range rr.ctr.taskDefs {
		latest[td.family] = td.revision
	}
	for _, c := range rr.ctr.clusters {
		arn := ecsClusterARN(a, rr.region, c.name)
		arns = append(arns, arn)
		insights := "disabled"
		if c.insights {
			insights = "enabled"
		}
		clusters = append(clusters, ecstypes.Cluster{ClusterArn: aws.String(arn), ClusterName: aws.String(c.name), Status: aws.String("ACTIVE"),
			ActiveServicesCount: int32(len(c.services)), RunningTasksCount: int32(2 * len(c.services)),
			Settings: []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String(insights)}}})
		svcARNs := []string{}
		svcs := []ecstypes.Service{}
		for _, s := range c.services {
			sarn := fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", rr.region, a.Id, c.name, s.name)
			svcARNs = append(svcARNs, sarn)
			assign := ecstypes.AssignPublicIpDisabled
			if s.publicIP {
				assign = ecstypes.AssignPublicIpEnabled
			}
			net := &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{AssignPublicIp: assign}}
			if len(rr.vpcs) > 0 {
				net.AwsvpcConfiguration.Subnets = rr.vpcs[0].subnets
			}
			svcs = append(svcs, ecstypes.Service{ServiceArn: aws.String(sarn), ServiceName: aws.String(s.name), ClusterArn: aws.String(arn),
				Status: aws.String("ACTIVE"), DesiredCount: 2, RunningCount: 2, LaunchType: ecstypes.LaunchTypeFargate,
				PlatformVersion: aws.String(s.platform), PlatformFamily: aws.String("Linux"), CreatedAt: ptime(s.created),
				TaskDefinition:       aws.String(ecsTaskDefARN(a, rr.region, s.taskDef, latest[s.taskDef])),
				NetworkConfiguration: net, SchedulingStrategy: ecstypes.SchedulingStrategyReplica})
		}
		f.res("ListServices", arn, ecs.ListServicesOutput{ServiceArns: svcARNs})
		if len(svcs) > 0 {
			f.res("DescribeServices", arn, ecs.DescribeServicesOutput{Services: svcs, Failures: []ecstypes.Failure{}})
		}
	}
	f.put("ListClusters", ecs.ListClustersOutput{ClusterArns: arns})
	if len(clusters) > 0 {
		f.put("DescribeClusters", ecs.DescribeClustersOutput{Clusters: clusters, Failures: []ecstypes.Failure{}})
	}
	tds := []string{}
	for _, td := range rr.ctr.taskDefs {
		for r := int32(1); r <= td.revision; r++ {
			tds = append(tds, ecsTaskDefARN(a, rr.region, td.family, r))
		}
		arn := ecsTaskDefARN(a, rr.region, td.family, td.revision)
		env := []ecstypes.KeyValuePair{{Name: aws.String("LOG_LEVEL"), Value: aws.String("info")},
			{Name: aws.String("AWS_REGION"), Value: aws.String(rr.region)}}
		if td.envCredentials {
			// Values are redacted when the file is written, as collect does.
			env = append(env, ecstypes.KeyValuePair{Name: aws.String("AWS_ACCESS_KEY_ID"), Value: aws.String("AKIA" + containerID(a.Id, td.family)[:16])},
				ecstypes.KeyValuePair{Name: aws.String("AWS_SECRET_ACCESS_KEY"), Value: aws.String("demo-secret-" + containerID(a.Id, td.family, "s"))})
		}
		f.res("DescribeTaskDefinition", arn, ecs.DescribeTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{
			TaskDefinitionArn: aws.String(arn), Family: aws.String(td.family), Revision: td.revision, Status: ecstypes.TaskDefinitionStatusActive,
			NetworkMode: ecstypes.NetworkModeAwsvpc, RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
			Cpu: aws.String("512"), Memory: aws.String("1024"), RegisteredAt: ptime(td.registered),
			TaskRoleArn:      aws.String(w.roleARN(a, a.system+"-app")),
			ExecutionRoleArn: aws.String(w.roleARN(a, a.system+"-app")),
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(td.image), Essential: aws.Bool(true),
				User: aws.String("10001"), Privileged: aws.Bool(false), ReadonlyRootFilesystem: aws.Bool(true),
				PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8443), Protocol: ecstypes.TransportProtocolTcp}},
				Environment:  env,
				Secrets: []ecstypes.Secret{{Name: aws.String("DB_PASSWORD"),
					ValueFrom: aws.String(secretARN(a, rr.region, a.Name+"/db-credentials"))}}}}}})
	}
	f.put("ListTaskDefinitions", ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: tds})
	return f
}

func renderEFS(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "efs")
	fss := []efstypes.FileSystemDescription{}
	aps := []efstypes.AccessPointDescription{}
	for _, fs := range rr.ctr.fsystems {
		id := efsID(a, rr.region, fs.name)
		d := efstypes.FileSystemDescription{FileSystemId: aws.String(id), FileSystemArn: aws.String(efsARN(a, rr.region, fs.name)),
			Name: aws.String(fs.name), OwnerId: aws.String(a.Id), CreationToken: aws.String(fs.name), CreationTime: ptime(fs.created),
			LifeCycleState: efstypes.LifeCycleStateAvailable, NumberOfMountTargets: 1, PerformanceMode: efstypes.PerformanceModeGeneralPurpose,
			ThroughputMode: efstypes.ThroughputModeElastic, Encrypted: aws.Bool(fs.encrypted),
			SizeInBytes: &efstypes.FileSystemSize{Value: 48 << 30},
			Tags:        []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String(fs.name)}, {Key: aws.String("Owner"), Value: aws.String(a.owner)}}}
		if fs.encrypted && fs.kmsKey != "" {
			d.KmsKeyId = aws.String(fs.kmsKey)
		}
		fss = append(fss, d)
		status := efstypes.StatusDisabled
		if fs.backups {
			status = efstypes.StatusEnabled
		}
		f.res("DescribeBackupPolicy", id, efs.DescribeBackupPolicyOutput{BackupPolicy: &efstypes.BackupPolicy{Status: status}})
		mt := efstypes.MountTargetDescription{MountTargetId: aws.String("fsmt-" + containerID(a.Id, rr.region, fs.name, "mt")), FileSystemId: aws.String(id),
			LifeCycleState: efstypes.LifeCycleStateAvailable, OwnerId: aws.String(a.Id), AvailabilityZoneName: aws.String(rr.region + "a")}
		if len(rr.vpcs) > 0 {
			mt.VpcId = aws.String(rr.vpcs[0].id)
			if len(rr.vpcs[0].subnets) > 0 {
				mt.SubnetId = aws.String(rr.vpcs[0].subnets[0])
			}
		}
		f.res("DescribeMountTargets", id, efs.DescribeMountTargetsOutput{MountTargets: []efstypes.MountTargetDescription{mt}})
		apID := efsAPID(a, rr.region, fs.name)
		aps = append(aps, efstypes.AccessPointDescription{AccessPointId: aws.String(apID), FileSystemId: aws.String(id),
			AccessPointArn: aws.String(fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:access-point/%s", rr.region, a.Id, apID)),
			Name:           aws.String(fs.name + "-app"), OwnerId: aws.String(a.Id), LifeCycleState: efstypes.LifeCycleStateAvailable,
			PosixUser:     &efstypes.PosixUser{Uid: aws.Int64(10001), Gid: aws.Int64(10001)},
			RootDirectory: &efstypes.RootDirectory{Path: aws.String("/app")}})
	}
	f.put("DescribeFileSystems", efs.DescribeFileSystemsOutput{FileSystems: fss})
	f.put("DescribeAccessPoints", efs.DescribeAccessPointsOutput{AccessPoints: aps})
	return f
}

func renderEKS(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "eks")
	names := []string{}
	for _, c := range rr.ctr.eks {
		names = append(names, c.name)
		f.res("DescribeCluster", c.name, eks.DescribeClusterOutput{Cluster: &ekstypes.Cluster{Name: aws.String(c.name),
			Arn:     aws.String(fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", rr.region, a.Id, c.name)),
			Version: aws.String(c.version), Status: ekstypes.ClusterStatusActive, CreatedAt: ptime(c.created),
			RoleArn: aws.String(w.roleARN(a, a.system+"-app")), PlatformVersion: aws.String("eks.20"),
			ResourcesVpcConfig: eksVPCConfig(rr, c)}})
	}
	f.put("ListClusters", eks.ListClustersOutput{Clusters: names})
	return f
}

func renderCodeBuild(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "codebuild")
	names := []string{}
	projects := []cbtypes.Project{}
	for _, p := range rr.ctr.projects {
		names = append(names, p.name)
		projects = append(projects, cbtypes.Project{Name: aws.String(p.name),
			Arn:     aws.String(fmt.Sprintf("arn:aws:codebuild:%s:%s:project/%s", rr.region, a.Id, p.name)),
			Source:  &cbtypes.ProjectSource{Type: cbtypes.SourceTypeGithub, Location: aws.String("https://github.com/kumo-foods/" + p.name + ".git")},
			Created: ptime(p.created), ServiceRole: aws.String(w.roleARN(a, a.system+"-app")),
			Environment: &cbtypes.ProjectEnvironment{Type: cbtypes.EnvironmentTypeLinuxContainer, Image: aws.String("aws/codebuild/standard:7.0"),
				ComputeType: cbtypes.ComputeTypeBuildGeneral1Small, PrivilegedMode: aws.Bool(p.privileged),
				EnvironmentVariables: []cbtypes.EnvironmentVariable{{Name: aws.String("STAGE"), Value: aws.String(a.Name), Type: cbtypes.EnvironmentVariableTypePlaintext}}},
			LogsConfig: &cbtypes.LogsConfig{CloudWatchLogs: &cbtypes.CloudWatchLogsConfig{Status: cbtypes.LogsConfigStatusTypeEnabled},
				S3Logs: &cbtypes.S3LogsConfig{Status: cbtypes.LogsConfigStatusTypeDisabled}}})
	}
	f.put("ListProjects", codebuild.ListProjectsOutput{Projects: names})
	if len(projects) > 0 {
		f.put("BatchGetProjects", codebuild.BatchGetProjectsOutput{Projects: projects, ProjectsNotFound: []string{}})
	}
	return f
}

func init() {
	plants["ecs-env-credentials"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		td := w.region(a, home).ctr.taskDefs[0]
		td.envCredentials = true
		return v(a, home, ecsTaskDefARN(a, home, td.family, td.revision), "ECS_NO_ENVIRONMENT_SECRETS")
	}}
	plants["efs-unencrypted"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		fs := &fileSystem{name: a.Name + "-scratch", backups: true, created: End.AddDate(0, -2, 0)}
		rr.ctr.fsystems = append(rr.ctr.fsystems, fs)
		return v(a, home, efsARN(a, home, fs.name), "EFS_ENCRYPTED_CHECK")
	}}
	plants["eks-unsupported-version"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		c := &eksCluster{name: a.Name + "-batch", version: "1.29", created: End.AddDate(-2, -3, 0)}
		w.region(a, home).ctr.eks = append(w.region(a, home).ctr.eks, c)
		return v(a, home, fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", home, a.Id, c.name), "EKS_CLUSTER_SUPPORTED_VERSION")
	}}
	plants["codebuild-privileged"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		p := &buildProject{name: a.Name + "-images", privileged: true, created: End.AddDate(0, -7, 0)}
		w.region(a, home).ctr.projects = append(w.region(a, home).ctr.projects, p)
		return v(a, home, fmt.Sprintf("arn:aws:codebuild:%s:%s:project/%s", home, a.Id, p.name), "CODEBUILD_PROJECT_ENVIRONMENT_PRIVILEGED_CHECK")
	}}
	keptOutOfSynthetic["eks-unsupported-version"] = true
	keptOutOfSynthetic["codebuild-privileged"] = true
	keptOutOfSynthetic["ecs-env-credentials"] = true // synthetic organizations stay as they were
	keptOutOfSynthetic["efs-unencrypted"] = true
	kumoPlants = append(kumoPlants,
		struct{ account, plant string }{"payments-dev", "ecs-env-credentials"},
		struct{ account, plant string }{"loyalty-staging", "efs-unencrypted"},
		struct{ account, plant string }{"orders-staging", "eks-unsupported-version"},
		struct{ account, plant string }{"loyalty-dev", "codebuild-privileged"},
	)
}
