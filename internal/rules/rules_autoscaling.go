package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeASG          = "AWS::AutoScaling::AutoScalingGroup"
	typeLaunchConfig = "AWS::AutoScaling::LaunchConfiguration"
	// asgMinZones is Security Hub's AutoScaling.2 minAvailabilityZones.
	asgMinZones = 2
)

var (
	readsASG = []string{"autoscaling:DescribeAutoScalingGroups"}
	readsLC  = []string{"autoscaling:DescribeLaunchConfigurations"}
)

func init() {
	register(
		&Rule{ID: "autoscaling.elb-health-check", Title: "Auto Scaling groups behind a load balancer use its health checks", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: typeASG, Services: []string{"autoscaling"}, Reads: readsASG,
			Rationale:   "With EC2 status checks only, an instance whose application no longer answers stays in service; the load balancer's health check lets the group replace it.",
			Remediation: "Set the group's health check type to ELB (aws autoscaling update-auto-scaling-group --health-check-type ELB).",
			Mappings:    findings.Mappings{ConfigRule: "AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED", SecurityHub: "AutoScaling.1", NistCsf: "PR.IR"},
			check:       checkASGHealthCheck},
		&Rule{ID: "autoscaling.multi-az", Title: "Auto Scaling groups span multiple Availability Zones", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeASG, Services: []string{"autoscaling"}, Reads: readsASG,
			Rationale:   "A group confined to one Availability Zone goes down with it; spread over several, it keeps serving and rebalances.",
			Remediation: "Add subnets in at least one more Availability Zone to the group (aws autoscaling update-auto-scaling-group --vpc-zone-identifier).",
			Mappings:    findings.Mappings{ConfigRule: "AUTOSCALING_MULTIPLE_AZ", SecurityHub: "AutoScaling.2", NistCsf: "PR.IR"},
			check:       checkASGMultiAZ},
		&Rule{ID: "autoscaling.launch-config-imdsv2", Title: "Auto Scaling launch configurations require IMDSv2", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeLaunchConfig, Services: []string{"autoscaling"}, Reads: readsLC,
			Rationale:   "Instances launched with IMDSv1 allowed let a server-side request forgery read the instance role's credentials.",
			Remediation: "Create a launch configuration (better: a launch template) with HttpTokens=required and move the group to it (aws autoscaling create-launch-configuration --metadata-options HttpTokens=required).",
			Mappings:    findings.Mappings{ConfigRule: "AUTOSCALING_LAUNCHCONFIG_REQUIRES_IMDSV2", SecurityHub: "AutoScaling.3", NistCsf: "PR.PS"},
			check:       checkLCIMDSv2},
		&Rule{ID: "autoscaling.launch-config-hop-limit", Title: "Auto Scaling launch configurations keep the metadata hop limit at 1", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeLaunchConfig, Services: []string{"autoscaling"}, Reads: readsLC,
			Rationale:   "A metadata response hop limit above 1 lets containers and forwarded traffic on the instance reach the instance role's credentials.",
			Remediation: "Create a launch configuration (better: a launch template) with HttpPutResponseHopLimit=1 and move the group to it (aws autoscaling create-launch-configuration --metadata-options HttpPutResponseHopLimit=1).",
			Mappings:    findings.Mappings{ConfigRule: "AUTOSCALING_LAUNCH_CONFIG_HOP_LIMIT", SecurityHub: "AutoScaling.4", NistCsf: "PR.PS"},
			check:       checkLCHopLimit},
		&Rule{ID: "autoscaling.launch-config-no-public-ip", Title: "Auto Scaling launch configurations do not assign public IP addresses", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeLaunchConfig, Services: []string{"autoscaling"}, Reads: readsLC,
			Rationale:   "Every instance the group launches gets a public address and is reachable from the internet as soon as a security group allows it.",
			Remediation: "Create a launch configuration (better: a launch template) without a public IP address and move the group to it (aws autoscaling create-launch-configuration --no-associate-public-ip-address).",
			Mappings: findings.Mappings{ConfigRule: "AUTOSCALING_LAUNCH_CONFIG_PUBLIC_IP_DISABLED", SecurityHub: "Autoscaling.5", NistCsf: "PR.IR",
				ControlTower: "AWS-GR_AUTOSCALING_LAUNCH_CONFIG_PUBLIC_IP_DISABLED"},
			check: checkLCPublicIP},
		&Rule{ID: "autoscaling.multiple-instance-types", Title: "Auto Scaling groups use multiple instance types", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeASG, Services: []string{"autoscaling"}, Reads: readsASG,
			Rationale:   "A group that can launch only one instance type cannot scale out when that type runs short in a zone.",
			Remediation: "Give the group a mixed instances policy with at least two instance types (aws autoscaling update-auto-scaling-group --mixed-instances-policy).",
			Mappings:    findings.Mappings{ConfigRule: "AUTOSCALING_MULTIPLE_INSTANCE_TYPES", SecurityHub: "AutoScaling.6", NistCsf: "PR.IR"},
			check:       checkASGInstanceTypes},
		&Rule{ID: "autoscaling.launch-template", Title: "Auto Scaling groups launch from EC2 launch templates", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeASG, Services: []string{"autoscaling"}, Reads: readsASG,
			Rationale:   "Launch configurations get no new features (IMDSv2 defaults, newer instance types, versioning); AWS has retired them for new accounts.",
			Remediation: "Create a launch template from the launch configuration and point the group at it (aws autoscaling update-auto-scaling-group --launch-template).",
			Mappings:    findings.Mappings{ConfigRule: "AUTOSCALING_LAUNCH_TEMPLATE", SecurityHub: "AutoScaling.9", NistCsf: "PR.PS"},
			check:       checkASGLaunchTemplate},
	)
}

// eachGroup runs fn on every Auto Scaling group of the region.
func eachGroup(c *Ctx, fn func(arn, name string, g *astypes.AutoScalingGroup)) error {
	out, err := get[autoscaling.DescribeAutoScalingGroupsOutput](c.v, c.Region, "autoscaling", "DescribeAutoScalingGroups")
	if err != nil {
		return err
	}
	if len(out.AutoScalingGroups) == 0 {
		c.NA("", "no Auto Scaling groups in %s", c.Region)
	}
	for i := range out.AutoScalingGroups {
		g := &out.AutoScalingGroups[i]
		name := aws(g.AutoScalingGroupName)
		arn := nonEmpty(aws(g.AutoScalingGroupARN), c.arn("autoscaling", c.Region, c.Account.Id, "autoScalingGroup:*:autoScalingGroupName/"+name))
		fn(arn, name, g)
	}
	return nil
}

// eachLaunchConfig runs fn on every launch configuration of the region.
func eachLaunchConfig(c *Ctx, fn func(arn, name string, lc *astypes.LaunchConfiguration)) error {
	out, err := get[autoscaling.DescribeLaunchConfigurationsOutput](c.v, c.Region, "autoscaling", "DescribeLaunchConfigurations")
	if err != nil {
		return err
	}
	if len(out.LaunchConfigurations) == 0 {
		c.NA("", "no launch configurations in %s", c.Region)
	}
	for i := range out.LaunchConfigurations {
		lc := &out.LaunchConfigurations[i]
		name := aws(lc.LaunchConfigurationName)
		arn := nonEmpty(aws(lc.LaunchConfigurationARN), c.arn("autoscaling", c.Region, c.Account.Id, "launchConfiguration:*:launchConfigurationName/"+name))
		fn(arn, name, lc)
	}
	return nil
}

// checkASGHealthCheck is AutoScaling.1 /
// AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED: a group associated with a
// load balancer (Classic names, target groups or ELB traffic sources)
// must use the ELB health check; other groups are not judged.
func checkASGHealthCheck(c *Ctx) error {
	return eachGroup(c, func(arn, name string, g *astypes.AutoScalingGroup) {
		lb := len(g.LoadBalancerNames) > 0 || len(g.TargetGroupARNs) > 0
		for _, ts := range g.TrafficSources {
			if t := aws(ts.Type); t == "elb" || t == "elbv2" {
				lb = true
			}
		}
		if !lb {
			c.NA(arn, "group %s is not associated with a load balancer", name)
			return
		}
		hc := aws(g.HealthCheckType)
		c.Check(strings.Contains(hc, "ELB"), arn, "group "+name+" uses ELB health checks",
			"group "+name+" is behind a load balancer but uses "+nonEmpty(hc, "EC2")+" health checks only")
	})
}

func checkASGMultiAZ(c *Ctx) error {
	return eachGroup(c, func(arn, name string, g *astypes.AutoScalingGroup) {
		n := len(g.AvailabilityZones)
		c.Check(n >= asgMinZones, arn, fmt.Sprintf("group %s spans %d Availability Zones", name, n),
			fmt.Sprintf("group %s spans %d Availability Zone(s), fewer than %d", name, n, asgMinZones))
	})
}

// checkASGInstanceTypes is AutoScaling.6 /
// AUTOSCALING_MULTIPLE_INSTANCE_TYPES: a group needs at least two
// instance types in its mixed instances policy. Attribute-based
// selection is not evaluated (NOT_APPLICABLE), as AWS's rule says.
func checkASGInstanceTypes(c *Ctx) error {
	return eachGroup(c, func(arn, name string, g *astypes.AutoScalingGroup) {
		types := map[string]bool{}
		if p := g.MixedInstancesPolicy; p != nil && p.LaunchTemplate != nil {
			for _, o := range p.LaunchTemplate.Overrides {
				if o.InstanceRequirements != nil {
					c.NA(arn, "group %s selects instance types by attributes", name)
					return
				}
				if t := aws(o.InstanceType); t != "" {
					types[t] = true
				}
			}
		}
		c.Check(len(types) >= 2, arn, fmt.Sprintf("group %s uses %d instance types", name, len(types)),
			"group "+name+" has only one instance type defined")
	})
}

func checkASGLaunchTemplate(c *Ctx) error {
	return eachGroup(c, func(arn, name string, g *astypes.AutoScalingGroup) {
		lt := g.LaunchTemplate != nil || (g.MixedInstancesPolicy != nil && g.MixedInstancesPolicy.LaunchTemplate != nil)
		c.Check(lt, arn, "group "+name+" launches from a launch template",
			"group "+name+" launches from launch configuration "+nonEmpty(aws(g.LaunchConfigurationName), "(none)"))
	})
}

// checkLCIMDSv2 is AutoScaling.3: the launch configuration must name the
// metadata version and require IMDSv2 (HttpTokens=required).
func checkLCIMDSv2(c *Ctx) error {
	return eachLaunchConfig(c, func(arn, name string, lc *astypes.LaunchConfiguration) {
		m := lc.MetadataOptions
		switch {
		case m == nil || m.HttpTokens == "":
			c.Fail(arn, "launch configuration %s does not set the metadata version (IMDSv1 allowed)", name)
		default:
			c.Check(m.HttpTokens == astypes.InstanceMetadataHttpTokensStateRequired, arn,
				"launch configuration "+name+" requires IMDSv2", "launch configuration "+name+" allows IMDSv1 (HttpTokens "+string(m.HttpTokens)+")")
		}
	})
}

func checkLCHopLimit(c *Ctx) error {
	return eachLaunchConfig(c, func(arn, name string, lc *astypes.LaunchConfiguration) {
		hops := int32(1)
		if m := lc.MetadataOptions; m != nil && m.HttpPutResponseHopLimit != nil {
			hops = *m.HttpPutResponseHopLimit
		}
		c.Check(hops <= 1, arn, fmt.Sprintf("launch configuration %s has a metadata hop limit of %d", name, hops),
			fmt.Sprintf("launch configuration %s has a metadata response hop limit of %d, greater than 1", name, hops))
	})
}

func checkLCPublicIP(c *Ctx) error {
	return eachLaunchConfig(c, func(arn, name string, lc *astypes.LaunchConfiguration) {
		c.Check(!boolv(lc.AssociatePublicIpAddress), arn, "launch configuration "+name+" does not assign public IP addresses",
			"launch configuration "+name+" sets AssociatePublicIpAddress to true")
	})
}
