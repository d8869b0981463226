package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qECSHost     = "The rule is NON_COMPLIANT if the latest active revision of a task definition has privileged=false (or is null) AND user=root (or is null)."
	qECSHostNet  = "If the network mode is not set to host,"
	qECSPublic   = "This control checks whether Amazon ECS services are configured to automatically assign public IP addresses. This control fails if AssignPublicIP is ENABLED."
	qECSPid      = "The rule is NON_COMPLIANT if the pidMode parameter is set to 'host'."
	qECSPriv     = "The control fails if the privileged parameter in the container definition is set to true."
	qECSReadonly = "The rule is NON_COMPLIANT if the readonlyRootFilesystem parameter in the container definition of ECSTaskDefinitions is set to 'false'."
	qECSSecrets  = "The rule is NON_COMPLIANT if 1 or more environment variable key matches a key listed in the 'secretKeys' parameter (excluding environmental variables from other locations such as Amazon S3)."
	qECSFargate  = "The rule is NON_COMPLIANT if PlatformVersion for the Fargate launch type is not set to LATEST, or if neither latestLinuxVersion nor latestWindowsVersion are provided as parameters."
	qECSInsights = "This control checks if ECS clusters use Container Insights. This control fails if Container Insights are not set up for a cluster."
	qEFSEnc      = "The rule is NON_COMPLIANT if the encrypted key is set to false on DescribeFileSystems or if the KmsKeyId key on DescribeFileSystems does not match the KmsKeyId parameter."
	qEFSBackup   = "The rule is NON_COMPLIANT if EFS file systems are not included in the backup plans."
	qEFSRoot     = "The rule is NON_COMPLIANT if the value of 'Path' is set to '/' (default root directory of the file system)."
	qEFSUser     = "The rule is NON_COMPLIANT if 'PosixUser' is not defined or if parameters are provided and there is no match in the corresponding parameter."
	qLatestOnly  = "This rule only evaluates the latest active revision of an Amazon ECS task definition."
)

func init() {
	knownOutsidePacks["ECS_SERVICE_ASSIGN_PUBLIC_IP_DISABLED"] = true // docs.aws.amazon.com/config/latest/developerguide/ecs-service-assign-public-ip-disabled.html

	hostMode := func(f *fx) {
		fxTask(f).NetworkMode = ecstypes.NetworkModeHost
		fxContainer(f).User = nil
	}
	failCases["ecs.task-definition-host-mode-user"] = hostMode
	failCases["ecs.task-definition-pid-mode"] = func(f *fx) { fxTask(f).PidMode = ecstypes.PidModeHost }
	failCases["ecs.containers-nonprivileged"] = func(f *fx) { fxContainer(f).Privileged = awsv2.Bool(true) }
	failCases["ecs.containers-readonly-root"] = func(f *fx) { fxContainer(f).ReadonlyRootFilesystem = awsv2.Bool(false) }
	failCases["ecs.no-environment-secrets"] = func(f *fx) {
		fxContainer(f).Environment = append(fxContainer(f).Environment, ecstypes.KeyValuePair{Name: awsv2.String("AWS_SECRET_ACCESS_KEY"), Value: awsv2.String("<redacted by orgrail>")})
	}
	failCases["ecs.service-no-public-ip"] = func(f *fx) {
		fxService(f).NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp = ecstypes.AssignPublicIpEnabled
	}
	failCases["ecs.fargate-latest-platform"] = func(f *fx) { fxService(f).PlatformVersion = awsv2.String("1.3.0") }
	failCases["ecs.container-insights"] = func(f *fx) { fxECSCluster(f).Settings[0].Value = awsv2.String("disabled") }
	failCases["efs.encrypted"] = func(f *fx) { fxFileSystem(f).Encrypted = awsv2.Bool(false) }
	failCases["efs.in-backup-plan"] = func(f *fx) {
		f.setResErr(acctW, region1, "efs", "DescribeBackupPolicy", fxEFSID, "PolicyNotFound")
	}
	failCases["efs.access-point-root-directory"] = func(f *fx) { fxAccessPoint(f).RootDirectory.Path = awsv2.String("/") }
	failCases["efs.access-point-user-identity"] = func(f *fx) { fxAccessPoint(f).PosixUser = nil }

	td := "task-definition/web:2"
	addDocCases(
		// ECS.1
		docCase{Rule: "ecs.task-definition-host-mode-user", Source: cfgDoc("ecs-task-definition-user-for-host-mode-check"), Quote: qECSHost,
			Name: "host mode, not privileged, no user", Mutate: hostMode, Resource: td, Want: findings.Failed},
		docCase{Rule: "ecs.task-definition-host-mode-user", Source: cfgDoc("ecs-task-definition-user-for-host-mode-check"), Quote: qECSHost,
			Name: "host mode with user root", Mutate: func(f *fx) { hostMode(f); fxContainer(f).User = awsv2.String("root") }, Resource: td, Want: findings.Failed},
		docCase{Rule: "ecs.task-definition-host-mode-user", Source: cfgDoc("ecs-task-definition-user-for-host-mode-check"),
			Quote: "If the latest active revision of a task definition has a user that is not the root.",
			Name:  "host mode with a non-root user", Mutate: func(f *fx) { hostMode(f); fxContainer(f).User = awsv2.String("1000:1000") }, Resource: td, Want: findings.Passed},
		docCase{Rule: "ecs.task-definition-host-mode-user", Source: cfgDoc("ecs-task-definition-user-for-host-mode-check"),
			Quote: "If the latest active revision of a task definition has privileged=true,",
			Name:  "host mode, privileged", Mutate: func(f *fx) { hostMode(f); fxContainer(f).Privileged = awsv2.Bool(true) }, Resource: td, Want: findings.Passed},
		docCase{Rule: "ecs.task-definition-host-mode-user", Source: cfgDoc("ecs-task-definition-user-for-host-mode-check"), Quote: qECSHostNet,
			Name: "awsvpc mode with a root user", Mutate: func(f *fx) { fxContainer(f).User = nil }, Resource: td, Want: findings.Passed},

		// ECS.2
		docCase{Rule: "ecs.service-no-public-ip", Source: shDoc("ecs-controls"), Quote: qECSPublic, Name: "assignPublicIp DISABLED",
			Resource: "service/apps/web", Want: findings.Passed},
		docCase{Rule: "ecs.service-no-public-ip", Source: shDoc("ecs-controls"), Quote: qECSPublic, Name: "assignPublicIp ENABLED",
			Mutate: failCases["ecs.service-no-public-ip"], Resource: "service/apps/web", Want: findings.Failed},
		docCase{Rule: "ecs.service-no-public-ip", Source: shDoc("ecs-controls"), Quote: qECSPublic, Name: "bridge-mode service without awsvpc configuration",
			Mutate: func(f *fx) { fxService(f).NetworkConfiguration = nil }, Resource: "service/apps/web", Want: findings.Passed},

		// ECS.3
		docCase{Rule: "ecs.task-definition-pid-mode", Source: cfgDoc("ecs-task-definition-pid-mode-check"), Quote: qECSPid, Name: "pidMode unset",
			Resource: td, Want: findings.Passed},
		docCase{Rule: "ecs.task-definition-pid-mode", Source: cfgDoc("ecs-task-definition-pid-mode-check"), Quote: qECSPid, Name: "pidMode host",
			Mutate: failCases["ecs.task-definition-pid-mode"], Resource: td, Want: findings.Failed},
		docCase{Rule: "ecs.task-definition-pid-mode", Source: cfgDoc("ecs-task-definition-pid-mode-check"), Quote: qLatestOnly, Name: "pidMode host in the latest revision only",
			Mutate: failCases["ecs.task-definition-pid-mode"], Resource: "task-definition/web:2", Want: findings.Failed},
		docCase{Rule: "ecs.task-definition-pid-mode", Source: cfgDoc("ecs-task-definition-pid-mode-check"), Quote: qECSPid, Name: "pidMode task",
			Mutate: func(f *fx) { fxTask(f).PidMode = ecstypes.PidModeTask }, Resource: td, Want: findings.Passed},

		// ECS.4
		docCase{Rule: "ecs.containers-nonprivileged", Source: shDoc("ecs-controls"), Quote: qECSPriv, Name: "privileged false",
			Resource: td, Want: findings.Passed},
		docCase{Rule: "ecs.containers-nonprivileged", Source: shDoc("ecs-controls"), Quote: qECSPriv, Name: "privileged true",
			Mutate: failCases["ecs.containers-nonprivileged"], Resource: td, Want: findings.Failed},
		docCase{Rule: "ecs.containers-nonprivileged", Source: shDoc("ecs-controls"), Quote: qECSPriv, Name: "privileged unset",
			Mutate: func(f *fx) { fxContainer(f).Privileged = nil }, Resource: td, Want: findings.Passed},

		// ECS.5
		docCase{Rule: "ecs.containers-readonly-root", Source: cfgDoc("ecs-containers-readonly-access"), Quote: qECSReadonly, Name: "readonlyRootFilesystem true",
			Resource: td, Want: findings.Passed},
		docCase{Rule: "ecs.containers-readonly-root", Source: cfgDoc("ecs-containers-readonly-access"), Quote: qECSReadonly, Name: "readonlyRootFilesystem false",
			Mutate: failCases["ecs.containers-readonly-root"], Resource: td, Want: findings.Failed},
		docCase{Rule: "ecs.containers-readonly-root", Source: cfgDoc("ecs-containers-readonly-access"), Quote: qECSReadonly, Name: "readonlyRootFilesystem unset (ECS's default false)",
			Mutate: func(f *fx) { fxContainer(f).ReadonlyRootFilesystem = nil }, Resource: td, Want: findings.Failed},

		// ECS.8
		docCase{Rule: "ecs.no-environment-secrets", Source: cfgDoc("ecs-no-environment-secrets"), Quote: qECSSecrets, Name: "no secret key names",
			Resource: td, Want: findings.Passed},
		docCase{Rule: "ecs.no-environment-secrets", Source: cfgDoc("ecs-no-environment-secrets"), Quote: qECSSecrets, Name: "AWS_SECRET_ACCESS_KEY in environment",
			Mutate: failCases["ecs.no-environment-secrets"], Resource: td, Want: findings.Failed},
		docCase{Rule: "ecs.no-environment-secrets", Source: cfgDoc("ecs-no-environment-secrets"), Quote: qECSSecrets, Name: "an environment file in Amazon S3",
			Mutate: func(f *fx) {
				fxContainer(f).EnvironmentFiles = []ecstypes.EnvironmentFile{{Type: ecstypes.EnvironmentFileTypeS3, Value: awsv2.String("arn:aws:s3:::cfg/app.env")}}
			}, Resource: td, Want: findings.Passed},

		// ECS.10
		docCase{Rule: "ecs.fargate-latest-platform", Source: cfgDoc("ecs-fargate-latest-platform-version"), Quote: qECSFargate, Name: "platform LATEST",
			Resource: "service/apps/web", Want: findings.Passed},
		docCase{Rule: "ecs.fargate-latest-platform", Source: cfgDoc("ecs-fargate-latest-platform-version"), Quote: qECSFargate, Name: "platform 1.3.0",
			Mutate: failCases["ecs.fargate-latest-platform"], Resource: "service/apps/web", Want: findings.Failed},
		docCase{Rule: "ecs.fargate-latest-platform", Source: cfgDoc("ecs-fargate-latest-platform-version"), Quote: qECSFargate, Name: "pinned to latestLinuxVersion 1.4.0",
			Mutate: func(f *fx) { fxService(f).PlatformVersion = awsv2.String("1.4.0") }, Resource: "service/apps/web", Want: findings.Passed},
		docCase{Rule: "ecs.fargate-latest-platform", Source: cfgDoc("ecs-fargate-latest-platform-version"), Quote: "Checks if ECS Fargate services is set to the latest platform version.",
			Name: "EC2 launch type", Mutate: func(f *fx) { fxService(f).LaunchType = ecstypes.LaunchTypeEc2; fxService(f).PlatformVersion = nil },
			Resource: "service/apps/web", Want: findings.NotApplicable},

		// ECS.12
		docCase{Rule: "ecs.container-insights", Source: shDoc("ecs-controls"), Quote: qECSInsights, Name: "containerInsights enabled",
			Resource: "cluster/apps", Want: findings.Passed},
		docCase{Rule: "ecs.container-insights", Source: shDoc("ecs-controls"), Quote: qECSInsights, Name: "containerInsights disabled",
			Mutate: failCases["ecs.container-insights"], Resource: "cluster/apps", Want: findings.Failed},
		docCase{Rule: "ecs.container-insights", Source: shDoc("ecs-controls"), Quote: qECSInsights, Name: "no settings at all",
			Mutate: func(f *fx) { fxECSCluster(f).Settings = nil }, Resource: "cluster/apps", Want: findings.Failed},

		// EFS.1, CIS 2.4.1
		docCase{Rule: "efs.encrypted", Source: cfgDoc("efs-encrypted-check"), Quote: qEFSEnc, Name: "encrypted",
			Resource: fxEFSID, Want: findings.Passed},
		docCase{Rule: "efs.encrypted", Source: cfgDoc("efs-encrypted-check"), Quote: qEFSEnc, Name: "encrypted false",
			Mutate: failCases["efs.encrypted"], Resource: fxEFSID, Want: findings.Failed},
		docCase{Rule: "efs.encrypted", Source: cfgDoc("efs-encrypted-check"), Quote: "Checks if Amazon Elastic File System (Amazon EFS) is configured to encrypt the file data using AWS Key Management Service (AWS KMS).",
			Name: "no file systems", Mutate: func(f *fx) {
				op[efs.DescribeFileSystemsOutput](f, acctW, region1, "efs", "DescribeFileSystems").FileSystems = nil
			}, Want: findings.NotApplicable},

		// EFS.2
		docCase{Rule: "efs.in-backup-plan", Source: cfgDoc("efs-in-backup-plan"), Quote: qEFSBackup, Name: "automatic backups ENABLED",
			Resource: fxEFSID, Want: findings.Passed},
		docCase{Rule: "efs.in-backup-plan", Source: cfgDoc("efs-in-backup-plan"), Quote: qEFSBackup, Name: "no backup policy",
			Mutate: failCases["efs.in-backup-plan"], Resource: fxEFSID, Want: findings.Failed},
		docCase{Rule: "efs.in-backup-plan", Source: cfgDoc("efs-in-backup-plan"), Quote: qEFSBackup, Name: "automatic backups DISABLED",
			Mutate: func(f *fx) {
				res[efs.DescribeBackupPolicyOutput](f, acctW, region1, "efs", "DescribeBackupPolicy", fxEFSID).BackupPolicy.Status = efstypes.StatusDisabled
			}, Resource: fxEFSID, Want: findings.Failed},

		// EFS.3
		docCase{Rule: "efs.access-point-root-directory", Source: cfgDoc("efs-access-point-enforce-root-directory"), Quote: qEFSRoot, Name: "root /app",
			Resource: fxAPID, Want: findings.Passed},
		docCase{Rule: "efs.access-point-root-directory", Source: cfgDoc("efs-access-point-enforce-root-directory"), Quote: qEFSRoot, Name: "root /",
			Mutate: failCases["efs.access-point-root-directory"], Resource: fxAPID, Want: findings.Failed},
		docCase{Rule: "efs.access-point-root-directory", Source: cfgDoc("efs-access-point-enforce-root-directory"), Quote: qEFSRoot, Name: "no root directory given (EFS uses /)",
			Mutate: func(f *fx) { fxAccessPoint(f).RootDirectory = nil }, Resource: fxAPID, Want: findings.Failed},

		// EFS.4
		docCase{Rule: "efs.access-point-user-identity", Source: cfgDoc("efs-access-point-enforce-user-identity"), Quote: qEFSUser, Name: "POSIX user 1000:1000",
			Resource: fxAPID, Want: findings.Passed},
		docCase{Rule: "efs.access-point-user-identity", Source: cfgDoc("efs-access-point-enforce-user-identity"), Quote: qEFSUser, Name: "no POSIX user",
			Mutate: failCases["efs.access-point-user-identity"], Resource: fxAPID, Want: findings.Failed},
		docCase{Rule: "efs.access-point-user-identity", Source: cfgDoc("efs-access-point-enforce-user-identity"), Quote: qEFSUser, Name: "no access points",
			Mutate: func(f *fx) {
				op[efs.DescribeAccessPointsOutput](f, acctW, region1, "efs", "DescribeAccessPoints").AccessPoints = nil
			}, Want: findings.NotApplicable},
	)
}
