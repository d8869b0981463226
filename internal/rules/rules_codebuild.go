package rules

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const typeCodeBuildProject = "AWS::CodeBuild::Project"

var codeBuildReads = []string{"codebuild:ListProjects", "codebuild:BatchGetProjects"}

func init() {
	cb := func(id, title string, sev severity.Level, cfg, sh, nist, rationale, remediation string, check func(*Ctx) error) *Rule {
		return &Rule{ID: id, Title: title, Severity: sev, Scope: ScopeRegion, ResourceType: typeCodeBuildProject, Services: []string{"codebuild"},
			Reads: codeBuildReads, Rationale: rationale, Remediation: remediation,
			Mappings: findings.Mappings{ConfigRule: cfg, SecurityHub: sh, NistCsf: nist}, check: check}
	}
	register(
		cb("codebuild.source-url-no-credentials", "CodeBuild Bitbucket source URLs carry no sign-in credentials", severity.Critical,
			"CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK", "CodeBuild.1", "PR.AA",
			"A user name and password or token written into the repository URL is visible to anyone who can read the project, and in its build logs.",
			"Connect CodeBuild to Bitbucket through OAuth or a stored source credential (aws codebuild import-source-credentials) and remove the credentials from the source URL.",
			checkCodeBuildSourceURL),
		cb("codebuild.no-plaintext-aws-credentials", "CodeBuild projects do not hold AWS credentials in plaintext environment variables", severity.Critical,
			"CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK", "CodeBuild.2", "PR.DS",
			"Plaintext environment variables are shown to anyone who can read the project; access keys there are long-lived credentials in the open.",
			"Remove AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the project and give the build what it needs through the project's service role, or reference Parameter Store or Secrets Manager.",
			checkCodeBuildEnvCreds),
		cb("codebuild.s3-logs-encrypted", "CodeBuild S3 logs are encrypted", severity.Low,
			"CODEBUILD_PROJECT_S3_LOGS_ENCRYPTED", "CodeBuild.3", "PR.DS",
			"Build logs hold commands, paths and sometimes secrets printed by mistake; unencrypted they are readable by whoever reads the bucket.",
			"Clear encryptionDisabled in the project's S3 logs configuration so that CodeBuild encrypts the logs.",
			checkCodeBuildS3LogsEncrypted),
		cb("codebuild.logging-enabled", "CodeBuild projects write logs to CloudWatch Logs or S3", severity.Medium,
			"CODEBUILD_PROJECT_LOGGING_ENABLED", "CodeBuild.4", "DE.CM",
			"Without build logs nobody can tell afterwards what a build ran, which matters when a pipeline is abused.",
			"Turn on CloudWatch Logs or S3 logs in the project's logs configuration.",
			checkCodeBuildLogging),
		cb("codebuild.no-privileged-mode", "CodeBuild project environments do not run in privileged mode", severity.High,
			"CODEBUILD_PROJECT_ENVIRONMENT_PRIVILEGED_CHECK", "CodeBuild.5", "PR.AA",
			"Privileged mode gives the build container the host's devices and Docker daemon; a malicious build step can then escape it.",
			"Turn off privileged mode in the project's environment unless the project builds Docker images.",
			checkCodeBuildPrivileged),
	)
}

// eachProject runs fn on every build project of the region.
func eachProject(c *Ctx, fn func(arn string, p *cbtypes.Project)) error {
	list, err := get[codebuild.ListProjectsOutput](c.v, c.Region, "codebuild", "ListProjects")
	if err != nil {
		return err
	}
	if len(list.Projects) == 0 {
		c.NA("", "no CodeBuild projects in %s", c.Region)
		return nil
	}
	out, err := get[codebuild.BatchGetProjectsOutput](c.v, c.Region, "codebuild", "BatchGetProjects")
	if err != nil {
		return err
	}
	for i := range out.Projects {
		p := &out.Projects[i]
		fn(nonEmpty(aws(p.Arn), c.arn("codebuild", c.Region, c.Account.Id, "project/"+aws(p.Name))), p)
	}
	return nil
}

// urlHasUserinfo reports whether a URL names a user before its host
// (https://user:secret@host/...), redacted or not.
func urlHasUserinfo(u string) bool {
	i := strings.Index(u, "://")
	if i < 0 {
		return false
	}
	rest := u[i+3:]
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	return strings.Contains(rest, "@")
}

func checkCodeBuildSourceURL(c *Ctx) error {
	return eachProject(c, func(arn string, p *cbtypes.Project) {
		srcs := append([]cbtypes.ProjectSource{}, p.SecondarySources...)
		if p.Source != nil {
			srcs = append([]cbtypes.ProjectSource{*p.Source}, srcs...)
		}
		bitbucket, bad := 0, 0
		for _, s := range srcs {
			if s.Type != cbtypes.SourceTypeBitbucket {
				continue
			}
			bitbucket++
			if urlHasUserinfo(aws(s.Location)) {
				bad++
			}
		}
		switch {
		case bitbucket == 0:
			c.NA(arn, "project %s has no Bitbucket source", aws(p.Name))
		case bad > 0:
			c.Fail(arn, "project %s has a Bitbucket source URL with sign-in credentials", aws(p.Name))
		default:
			c.Pass(arn, "project %s's Bitbucket source URLs carry no credentials", aws(p.Name))
		}
	})
}

func checkCodeBuildEnvCreds(c *Ctx) error {
	return eachProject(c, func(arn string, p *cbtypes.Project) {
		var bad []string
		if p.Environment != nil {
			for _, ev := range p.Environment.EnvironmentVariables {
				n := strings.TrimSpace(aws(ev.Name))
				if (n == "AWS_ACCESS_KEY_ID" || n == "AWS_SECRET_ACCESS_KEY") && (ev.Type == "" || ev.Type == cbtypes.EnvironmentVariableTypePlaintext) {
					bad = append(bad, n)
				}
			}
		}
		c.Check(len(bad) == 0, arn, "project "+aws(p.Name)+" holds no AWS credentials in plaintext environment variables",
			"project "+aws(p.Name)+" holds AWS credentials in plaintext environment variables: "+strings.Join(bad, ", "))
	})
}

func checkCodeBuildS3LogsEncrypted(c *Ctx) error {
	return eachProject(c, func(arn string, p *cbtypes.Project) {
		if p.LogsConfig == nil || p.LogsConfig.S3Logs == nil || p.LogsConfig.S3Logs.Status != cbtypes.LogsConfigStatusTypeEnabled {
			c.NA(arn, "project %s does not write logs to S3", aws(p.Name))
			return
		}
		c.Check(!boolv(p.LogsConfig.S3Logs.EncryptionDisabled), arn, "project "+aws(p.Name)+" encrypts its S3 logs",
			"project "+aws(p.Name)+" writes unencrypted logs to S3 (encryptionDisabled)")
	})
}

func checkCodeBuildLogging(c *Ctx) error {
	return eachProject(c, func(arn string, p *cbtypes.Project) {
		lc := p.LogsConfig
		if lc == nil || (lc.CloudWatchLogs == nil && lc.S3Logs == nil) {
			c.Pass(arn, "project %s keeps CodeBuild's default logging to CloudWatch Logs", aws(p.Name))
			return
		}
		cw := lc.CloudWatchLogs != nil && lc.CloudWatchLogs.Status == cbtypes.LogsConfigStatusTypeEnabled
		s3 := lc.S3Logs != nil && lc.S3Logs.Status == cbtypes.LogsConfigStatusTypeEnabled
		c.Check(cw || s3, arn, "project "+aws(p.Name)+" writes build logs", "project "+aws(p.Name)+" has both CloudWatch Logs and S3 logs disabled")
	})
}

func checkCodeBuildPrivileged(c *Ctx) error {
	return eachProject(c, func(arn string, p *cbtypes.Project) {
		c.Check(p.Environment == nil || !boolv(p.Environment.PrivilegedMode), arn, "project "+aws(p.Name)+" does not run in privileged mode",
			"project "+aws(p.Name)+" runs its builds in privileged mode")
	})
}
