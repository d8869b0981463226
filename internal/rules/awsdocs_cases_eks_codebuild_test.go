package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qEKSVersion = "The rule is NON_COMPLIANT if an EKS cluster is running an unsupported version (less than the parameter 'oldestVersionSupported')."
	qCBURL      = "The rule is NON_COMPLIANT if the URL contains any sign-in information and COMPLIANT if it doesn't."
	qCBCreds    = "The rule is NON_COMPLIANT when the project environment variables contains plaintext credentials."
	qCBS3       = "The rule is NON_COMPLIANT if 'encryptionDisabled' is set to 'true' in a S3LogsConfig of a CodeBuild project."
	qCBLogging  = "The rule is NON_COMPLIANT if the status of all present log configurations is set to 'DISABLED'."
	qCBPriv     = "The rule is NON_COMPLIANT for a CodeBuild project if 'privilegedMode' is set to 'true'."
)

func fxEKS(f *fx) *ekstypes.Cluster {
	return res[eks.DescribeClusterOutput](f, acctW, region1, "eks", "DescribeCluster", "platform").Cluster
}

func fxProject(f *fx) *cbtypes.Project {
	return &op[codebuild.BatchGetProjectsOutput](f, acctW, region1, "codebuild", "BatchGetProjects").Projects[0]
}

func init() {
	failCases["eks.supported-version"] = func(f *fx) { fxEKS(f).Version = awsv2.String("1.29") }
	failCases["codebuild.source-url-no-credentials"] = func(f *fx) {
		fxProject(f).Source.Location = awsv2.String("https://<redacted by orgrail>@bitbucket.org/acme/app.git")
	}
	failCases["codebuild.no-plaintext-aws-credentials"] = func(f *fx) {
		fxProject(f).Environment.EnvironmentVariables = append(fxProject(f).Environment.EnvironmentVariables,
			cbtypes.EnvironmentVariable{Name: awsv2.String("AWS_SECRET_ACCESS_KEY"), Value: awsv2.String("<redacted by orgrail>"), Type: cbtypes.EnvironmentVariableTypePlaintext})
	}
	failCases["codebuild.s3-logs-encrypted"] = func(f *fx) { fxProject(f).LogsConfig.S3Logs.EncryptionDisabled = awsv2.Bool(true) }
	failCases["codebuild.logging-enabled"] = func(f *fx) {
		fxProject(f).LogsConfig.CloudWatchLogs.Status = cbtypes.LogsConfigStatusTypeDisabled
		fxProject(f).LogsConfig.S3Logs.Status = cbtypes.LogsConfigStatusTypeDisabled
	}
	failCases["codebuild.no-privileged-mode"] = func(f *fx) { fxProject(f).Environment.PrivilegedMode = awsv2.Bool(true) }

	const proj = "project/build"
	addDocCases(
		// EKS.2
		docCase{Rule: "eks.supported-version", Source: cfgDoc("eks-cluster-supported-version"), Quote: qEKSVersion, Name: "1.33, in standard support",
			Resource: "cluster/platform", Want: findings.Passed},
		docCase{Rule: "eks.supported-version", Source: cfgDoc("eks-cluster-supported-version"), Quote: qEKSVersion, Name: "1.29, past its extended support",
			Mutate: failCases["eks.supported-version"], Resource: "cluster/platform", Want: findings.Failed},
		docCase{Rule: "eks.supported-version", Source: cfgDoc("eks-cluster-supported-version"), Quote: qEKSVersion, Name: "1.31, in extended support until after the snapshot",
			Mutate: func(f *fx) { fxEKS(f).Version = awsv2.String("1.31") }, Resource: "cluster/platform", Want: findings.Passed},
		docCase{Rule: "eks.supported-version", Source: cfgDoc("eks-cluster-supported-version"), Quote: qEKSVersion, Name: "no clusters",
			Mutate: func(f *fx) { op[eks.ListClustersOutput](f, acctW, region1, "eks", "ListClusters").Clusters = nil }, Want: findings.NotApplicable},

		// CodeBuild.1
		docCase{Rule: "codebuild.source-url-no-credentials", Source: cfgDoc("codebuild-project-source-repo-url-check"), Quote: qCBURL, Name: "Bitbucket URL without credentials",
			Resource: proj, Want: findings.Passed},
		docCase{Rule: "codebuild.source-url-no-credentials", Source: cfgDoc("codebuild-project-source-repo-url-check"), Quote: qCBURL, Name: "Bitbucket URL with user and password (redacted at collection)",
			Mutate: failCases["codebuild.source-url-no-credentials"], Resource: proj, Want: findings.Failed},
		docCase{Rule: "codebuild.source-url-no-credentials", Source: cfgDoc("codebuild-project-source-repo-url-check"),
			Quote: "Checks if the Bitbucket source repository URL contains sign-in credentials or not.", Name: "a CodeCommit source",
			Mutate: func(f *fx) {
				fxProject(f).Source = &cbtypes.ProjectSource{Type: cbtypes.SourceTypeCodecommit, Location: awsv2.String("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app")}
			}, Resource: proj, Want: findings.NotApplicable},
		docCase{Rule: "codebuild.source-url-no-credentials", Source: cfgDoc("codebuild-project-source-repo-url-check"), Quote: qCBURL, Name: "a secondary Bitbucket source with a token",
			Mutate: func(f *fx) {
				fxProject(f).SecondarySources = []cbtypes.ProjectSource{{Type: cbtypes.SourceTypeBitbucket, SourceIdentifier: awsv2.String("lib"),
					Location: awsv2.String("https://<redacted by orgrail>@bitbucket.org/acme/lib.git")}}
			}, Resource: proj, Want: findings.Failed},

		// CodeBuild.2
		docCase{Rule: "codebuild.no-plaintext-aws-credentials", Source: cfgDoc("codebuild-project-envvar-awscred-check"), Quote: qCBCreds, Name: "no credential names",
			Resource: proj, Want: findings.Passed},
		docCase{Rule: "codebuild.no-plaintext-aws-credentials", Source: cfgDoc("codebuild-project-envvar-awscred-check"), Quote: qCBCreds, Name: "AWS_SECRET_ACCESS_KEY in plaintext",
			Mutate: failCases["codebuild.no-plaintext-aws-credentials"], Resource: proj, Want: findings.Failed},
		docCase{Rule: "codebuild.no-plaintext-aws-credentials", Source: cfgDoc("codebuild-project-envvar-awscred-check"), Quote: qCBCreds, Name: "AWS_ACCESS_KEY_ID from Secrets Manager",
			Mutate: func(f *fx) {
				fxProject(f).Environment.EnvironmentVariables = append(fxProject(f).Environment.EnvironmentVariables,
					cbtypes.EnvironmentVariable{Name: awsv2.String("AWS_ACCESS_KEY_ID"), Value: awsv2.String("<redacted by orgrail>"), Type: cbtypes.EnvironmentVariableTypeSecretsManager})
			}, Resource: proj, Want: findings.Passed},

		// CodeBuild.3
		docCase{Rule: "codebuild.s3-logs-encrypted", Source: cfgDoc("codebuild-project-s3-logs-encrypted"), Quote: qCBS3, Name: "S3 logs encrypted",
			Resource: proj, Want: findings.Passed},
		docCase{Rule: "codebuild.s3-logs-encrypted", Source: cfgDoc("codebuild-project-s3-logs-encrypted"), Quote: qCBS3, Name: "encryptionDisabled true",
			Mutate: failCases["codebuild.s3-logs-encrypted"], Resource: proj, Want: findings.Failed},
		docCase{Rule: "codebuild.s3-logs-encrypted", Source: cfgDoc("codebuild-project-s3-logs-encrypted"),
			Quote: "Checks if a AWS CodeBuild project configured with Amazon S3 Logs has encryption enabled for its logs.", Name: "S3 logs disabled",
			Mutate: func(f *fx) { fxProject(f).LogsConfig.S3Logs.Status = cbtypes.LogsConfigStatusTypeDisabled }, Resource: proj, Want: findings.NotApplicable},

		// CodeBuild.4
		docCase{Rule: "codebuild.logging-enabled", Source: cfgDoc("codebuild-project-logging-enabled"), Quote: qCBLogging, Name: "CloudWatch and S3 logs",
			Resource: proj, Want: findings.Passed},
		docCase{Rule: "codebuild.logging-enabled", Source: cfgDoc("codebuild-project-logging-enabled"), Quote: qCBLogging, Name: "both disabled",
			Mutate: failCases["codebuild.logging-enabled"], Resource: proj, Want: findings.Failed},
		docCase{Rule: "codebuild.logging-enabled", Source: cfgDoc("codebuild-project-logging-enabled"), Quote: qCBLogging, Name: "S3 only",
			Mutate: func(f *fx) { fxProject(f).LogsConfig.CloudWatchLogs.Status = cbtypes.LogsConfigStatusTypeDisabled }, Resource: proj, Want: findings.Passed},

		// CodeBuild.5
		docCase{Rule: "codebuild.no-privileged-mode", Source: cfgDoc("codebuild-project-environment-privileged-check"), Quote: qCBPriv, Name: "privilegedMode false",
			Resource: proj, Want: findings.Passed},
		docCase{Rule: "codebuild.no-privileged-mode", Source: cfgDoc("codebuild-project-environment-privileged-check"), Quote: qCBPriv, Name: "privilegedMode true",
			Mutate: failCases["codebuild.no-privileged-mode"], Resource: proj, Want: findings.Failed},
		docCase{Rule: "codebuild.no-privileged-mode", Source: cfgDoc("codebuild-project-environment-privileged-check"), Quote: qCBPriv, Name: "no projects",
			Mutate: func(f *fx) {
				op[codebuild.ListProjectsOutput](f, acctW, region1, "codebuild", "ListProjects").Projects = nil
			}, Want: findings.NotApplicable},
	)
}
