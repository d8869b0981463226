package rules

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeECSTaskDefinition = "AWS::ECS::TaskDefinition"
	typeECSService        = "AWS::ECS::Service"
	typeECSCluster        = "AWS::ECS::Cluster"
)

var (
	ecsTaskReads    = []string{"ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition"}
	ecsServiceReads = []string{"ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"}
)

// ecsSecretKeys are the environment variable names Security Hub's ECS.8
// looks for (its secretKeys parameter).
var ecsSecretKeys = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"}

// Latest Fargate platform versions, as Security Hub's ECS.10 parameters
// give them (latestLinuxVersion, latestWindowsVersion).
const (
	fargateLatestLinux   = "1.4.0"
	fargateLatestWindows = "1.0.0"
)

func init() {
	td := func(id, title string, sev severity.Level, cfg, sh, nist, rationale, remediation string, check func(*Ctx) error) *Rule {
		return &Rule{ID: id, Title: title, Severity: sev, Scope: ScopeRegion, ResourceType: typeECSTaskDefinition, Services: []string{"ecs"},
			Reads: ecsTaskReads, Rationale: rationale, Remediation: remediation,
			Mappings: findings.Mappings{ConfigRule: cfg, SecurityHub: sh, NistCsf: nist}, check: check}
	}
	register(
		td("ecs.task-definition-host-mode-user", "ECS task definitions in host network mode run containers privileged or as a non-root user", severity.High,
			"ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK", "ECS.1", "PR.AA",
			"A container that shares the host's network stack and runs as root without an explicit choice of privileges can reach every port and interface of the host.",
			"In the latest revision of the task definition, give each container a non-root user (user), or use the awsvpc network mode instead of host.",
			checkECSHostModeUser),
		td("ecs.task-definition-pid-mode", "ECS task definitions do not share the host's process namespace", severity.High,
			"ECS_TASK_DEFINITION_PID_MODE_CHECK", "ECS.3", "PR.PS",
			"With pidMode host, containers see and can signal every process of the host, which breaks the isolation between tasks and the host.",
			"Register a new revision of the task definition without pidMode host (task, or unset).",
			checkECSPidMode),
		td("ecs.containers-nonprivileged", "ECS containers run without privileged mode", severity.High,
			"ECS_CONTAINERS_NONPRIVILEGED", "ECS.4", "PR.AA",
			"A privileged container has root capabilities on the host instance: escaping it gives the whole host.",
			"Register a new revision of the task definition with privileged false (or unset) in every container definition.",
			checkECSNonPrivileged),
		td("ecs.containers-readonly-root", "ECS containers have read-only root file systems", severity.High,
			"ECS_CONTAINERS_READONLY_ACCESS", "ECS.5", "PR.PS",
			"A writable root file system lets an intruder change binaries and configuration inside the container and keep a foothold.",
			"Set readonlyRootFilesystem to true in every container definition and mount volumes where the application must write.",
			checkECSReadonlyRoot),
		td("ecs.no-environment-secrets", "ECS containers do not receive AWS credentials as environment variables", severity.High,
			"ECS_NO_ENVIRONMENT_SECRETS", "ECS.8", "PR.DS",
			"Environment variables of a task definition are readable by anyone who can describe it and end up in logs; credentials belong in Secrets Manager or Parameter Store, referenced through secrets.",
			"Move the values to Secrets Manager or SSM Parameter Store and reference them in the container definition's secrets; use the task role instead of access keys.",
			checkECSEnvSecrets),
		&Rule{ID: "ecs.service-no-public-ip", Title: "ECS services do not assign public IP addresses automatically", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeECSService, Services: []string{"ecs"}, Reads: ecsServiceReads,
			Rationale:   "A task with a public IP address is reachable from the internet whenever its security group lets traffic in.",
			Remediation: "Update the service's network configuration with assignPublicIp DISABLED and reach the internet through a NAT gateway or VPC endpoints.",
			Mappings:    findings.Mappings{ConfigRule: "ECS_SERVICE_ASSIGN_PUBLIC_IP_DISABLED", SecurityHub: "ECS.2", NistCsf: "PR.IR"},
			check:       checkECSPublicIP},
		&Rule{ID: "ecs.fargate-latest-platform", Title: "ECS Fargate services run on the latest Fargate platform version", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeECSService, Services: []string{"ecs"}, Reads: ecsServiceReads,
			Rationale:   "New Fargate platform versions carry the runtime's security fixes; a service pinned to an old one keeps running without them.",
			Remediation: "Update the service with platformVersion LATEST (or the latest version) and force a new deployment.",
			Mappings:    findings.Mappings{ConfigRule: "ECS_FARGATE_LATEST_PLATFORM_VERSION", SecurityHub: "ECS.10", NistCsf: "PR.PS"},
			check:       checkECSFargateLatest},
		&Rule{ID: "ecs.container-insights", Title: "ECS clusters use Container Insights", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeECSCluster, Services: []string{"ecs"}, Reads: []string{"ecs:ListClusters", "ecs:DescribeClusters"},
			Rationale:   "Container Insights collects the cluster's and tasks' metrics and events; without them incidents and resource exhaustion go unseen.",
			Remediation: "Turn on Container Insights for the cluster (aws ecs update-cluster-settings --settings name=containerInsights,value=enabled).",
			Mappings:    findings.Mappings{ConfigRule: "ECS_CONTAINER_INSIGHTS_ENABLED", SecurityHub: "ECS.12", NistCsf: "DE.CM"},
			check:       checkECSContainerInsights},
	)
}

// latestTaskRevisions keeps, of task definition ARNs, the highest
// revision of each family (what the Config rules evaluate: "the latest
// active revision").
func latestTaskRevisions(arns []string) []string {
	best := map[string]int{}
	idx := map[string]int{}
	var out []string
	for _, a := range arns {
		name := tdName(a)
		j := strings.LastIndexByte(name, ':')
		if j <= 0 {
			continue
		}
		rev, err := strconv.Atoi(name[j+1:])
		if err != nil {
			continue
		}
		fam := name[:j]
		if i, ok := idx[fam]; ok {
			if rev > best[fam] {
				best[fam], out[i] = rev, a
			}
			continue
		}
		idx[fam], best[fam] = len(out), rev
		out = append(out, a)
	}
	return out
}

// eachTaskDefinition runs fn on the latest ACTIVE revision of every task
// definition family of the region.
func eachTaskDefinition(c *Ctx, fn func(arn string, td *ecstypes.TaskDefinition)) error {
	list, err := get[ecs.ListTaskDefinitionsOutput](c.v, c.Region, "ecs", "ListTaskDefinitions")
	if err != nil {
		return err
	}
	arns := latestTaskRevisions(list.TaskDefinitionArns)
	if len(arns) == 0 {
		c.NA("", "no active ECS task definitions in %s", c.Region)
	}
	for _, arn := range arns {
		out, err := getRes[ecs.DescribeTaskDefinitionOutput](c.v, c.Region, "ecs", "DescribeTaskDefinition", arn)
		if err != nil {
			c.Err(arn, err)
			continue
		}
		if out.TaskDefinition == nil {
			c.Err(arn, &MissingError{Service: "ecs", Op: "DescribeTaskDefinition"})
			continue
		}
		fn(arn, out.TaskDefinition)
	}
	return nil
}

// tdName is family:revision of a task definition ARN.
func tdName(arn string) string {
	if i := strings.LastIndex(arn, "task-definition/"); i >= 0 {
		return arn[i+len("task-definition/"):]
	}
	return arn
}

// rootUser reports whether a container definition's user runs as root:
// unset, "root" or UID 0, with or without a group.
func rootUser(u string) bool {
	if i := strings.IndexByte(u, ':'); i >= 0 {
		u = u[:i]
	}
	return u == "" || u == "root" || u == "0"
}

func checkECSHostModeUser(c *Ctx) error {
	return eachTaskDefinition(c, func(arn string, td *ecstypes.TaskDefinition) {
		if td.NetworkMode != ecstypes.NetworkModeHost {
			c.Pass(arn, "task definition %s does not use the host network mode (%s)", tdName(arn), nonEmpty(string(td.NetworkMode), "bridge"))
			return
		}
		var bad []string
		for _, cd := range td.ContainerDefinitions {
			if !boolv(cd.Privileged) && rootUser(aws(cd.User)) {
				bad = append(bad, aws(cd.Name))
			}
		}
		c.Check(len(bad) == 0, arn, "task definition "+tdName(arn)+" uses the host network mode with privileged or non-root containers",
			"task definition "+tdName(arn)+" uses the host network mode with containers neither privileged nor non-root: "+strings.Join(bad, ", "))
	})
}

func checkECSPidMode(c *Ctx) error {
	return eachTaskDefinition(c, func(arn string, td *ecstypes.TaskDefinition) {
		c.Check(td.PidMode != ecstypes.PidModeHost, arn, "task definition "+tdName(arn)+" does not share the host's process namespace",
			"task definition "+tdName(arn)+" sets pidMode host")
	})
}

func checkECSNonPrivileged(c *Ctx) error {
	return eachTaskDefinition(c, func(arn string, td *ecstypes.TaskDefinition) {
		var bad []string
		for _, cd := range td.ContainerDefinitions {
			if boolv(cd.Privileged) {
				bad = append(bad, aws(cd.Name))
			}
		}
		c.Check(len(bad) == 0, arn, "task definition "+tdName(arn)+" has no privileged container",
			"task definition "+tdName(arn)+" has privileged containers: "+strings.Join(bad, ", "))
	})
}

func checkECSReadonlyRoot(c *Ctx) error {
	return eachTaskDefinition(c, func(arn string, td *ecstypes.TaskDefinition) {
		var bad []string
		for _, cd := range td.ContainerDefinitions {
			if !boolv(cd.ReadonlyRootFilesystem) { // unset is ECS's default, false
				bad = append(bad, aws(cd.Name))
			}
		}
		c.Check(len(bad) == 0, arn, "task definition "+tdName(arn)+" gives every container a read-only root file system",
			"task definition "+tdName(arn)+" has containers with a writable root file system: "+strings.Join(bad, ", "))
	})
}

func checkECSEnvSecrets(c *Ctx) error {
	return eachTaskDefinition(c, func(arn string, td *ecstypes.TaskDefinition) {
		var bad []string
		for _, cd := range td.ContainerDefinitions {
			for _, kv := range cd.Environment {
				if contains(ecsSecretKeys, strings.TrimSpace(aws(kv.Name))) {
					bad = append(bad, aws(cd.Name)+"/"+aws(kv.Name))
				}
			}
		}
		c.Check(len(bad) == 0, arn, "task definition "+tdName(arn)+" passes no AWS credentials as environment variables",
			"task definition "+tdName(arn)+" passes credentials as environment variables: "+strings.Join(bad, ", "))
	})
}

// eachECSService runs fn on every service of every cluster of the region.
func eachECSService(c *Ctx, fn func(arn string, s *ecstypes.Service)) error {
	cl, err := get[ecs.ListClustersOutput](c.v, c.Region, "ecs", "ListClusters")
	if err != nil {
		return err
	}
	n := 0
	for _, cluster := range cl.ClusterArns {
		ls, err := getRes[ecs.ListServicesOutput](c.v, c.Region, "ecs", "ListServices", cluster)
		if err != nil {
			if code, ok := benign(err); ok && code == "ClusterNotFoundException" {
				continue // deleted while collecting
			}
			c.Err(cluster, err)
			continue
		}
		if len(ls.ServiceArns) == 0 {
			continue
		}
		out, err := getRes[ecs.DescribeServicesOutput](c.v, c.Region, "ecs", "DescribeServices", cluster)
		if err != nil {
			if code, ok := benign(err); ok && code == "ClusterNotFoundException" {
				continue
			}
			c.Err(cluster, err)
			continue
		}
		for i := range out.Services {
			s := &out.Services[i]
			n++
			fn(nonEmpty(aws(s.ServiceArn), cluster+"/"+aws(s.ServiceName)), s)
		}
	}
	if n == 0 {
		c.NA("", "no ECS services in %s", c.Region)
	}
	return nil
}

func checkECSPublicIP(c *Ctx) error {
	return eachECSService(c, func(arn string, s *ecstypes.Service) {
		nc := s.NetworkConfiguration
		public := nc != nil && nc.AwsvpcConfiguration != nil && nc.AwsvpcConfiguration.AssignPublicIp == ecstypes.AssignPublicIpEnabled
		c.Check(!public, arn, "service "+aws(s.ServiceName)+" does not assign public IP addresses",
			"service "+aws(s.ServiceName)+" assigns public IP addresses to its tasks (assignPublicIp ENABLED)")
	})
}

// onFargate reports whether a service runs on Fargate: its launch type,
// or a FARGATE / FARGATE_SPOT capacity provider.
func onFargate(s *ecstypes.Service) bool {
	if s.LaunchType == ecstypes.LaunchTypeFargate {
		return true
	}
	for _, p := range s.CapacityProviderStrategy {
		if n := aws(p.CapacityProvider); n == "FARGATE" || n == "FARGATE_SPOT" {
			return true
		}
	}
	return false
}

func checkECSFargateLatest(c *Ctx) error {
	return eachECSService(c, func(arn string, s *ecstypes.Service) {
		if !onFargate(s) {
			c.NA(arn, "service %s does not run on Fargate", aws(s.ServiceName))
			return
		}
		v := aws(s.PlatformVersion)
		latest := fargateLatestLinux
		if strings.HasPrefix(strings.ToUpper(aws(s.PlatformFamily)), "WINDOWS") {
			latest = fargateLatestWindows
		}
		c.Check(v == "LATEST" || v == latest, arn, "service "+aws(s.ServiceName)+" runs on the latest Fargate platform version ("+v+")",
			"service "+aws(s.ServiceName)+" runs on Fargate platform version "+nonEmpty(v, "(unset)")+", not LATEST or "+latest)
	})
}

func checkECSContainerInsights(c *Ctx) error {
	cl, err := get[ecs.ListClustersOutput](c.v, c.Region, "ecs", "ListClusters")
	if err != nil {
		return err
	}
	if len(cl.ClusterArns) == 0 {
		c.NA("", "no ECS clusters in %s", c.Region)
		return nil
	}
	d, err := get[ecs.DescribeClustersOutput](c.v, c.Region, "ecs", "DescribeClusters")
	if err != nil {
		return err
	}
	for i := range d.Clusters {
		cd := &d.Clusters[i]
		arn := aws(cd.ClusterArn)
		setting := ""
		for _, s := range cd.Settings {
			if s.Name == ecstypes.ClusterSettingNameContainerInsights {
				setting = aws(s.Value)
			}
		}
		c.Check(setting == "enabled" || setting == "enhanced", arn, "cluster "+aws(cd.ClusterName)+" uses Container Insights ("+setting+")",
			"cluster "+aws(cd.ClusterName)+" does not use Container Insights ("+nonEmpty(setting, "not set")+")")
	}
	return nil
}
