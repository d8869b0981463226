package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qSnapPublic = "The rule is NON_COMPLIANT if one or more snapshots with RestorableByUserIds field are set to all, that is, Amazon EBS snapshots are public."
	qStopped    = "The rule is NON_COMPLIANT if the state of an Amazon EC2 instance has been stopped for longer than the allowed number of days, or if the amount of time cannot be determined."
	qParavirt   = "This rule is NON_COMPLIANT for an EC2 instance if 'virtualizationType' is set to 'paravirtual'."
	qLTPublicIP = "The rule is NON_COMPLIANT if the default version of an EC2 Launch Template has at least 1 Network Interface with 'AssociatePublicIpAddress' set to 'true'."
	qEC2InVPC   = "Checks if your EC2 instances belong to a virtual private cloud (VPC)."
	qVolInUse   = "The rule is NON_COMPLIANT if an EBS volume is not attached to any EC2 instance or is attached to a terminated EC2 instance."
	qVolInUseOK = "The rule is COMPLIANT if an EBS volume is attached to running or stopped EC2 instances."
	qASGELB     = "Checks if your Amazon EC2 Auto Scaling groups that are associated with an Elastic Load Balancer use Elastic Load Balancing health checks."
	qASGAZ      = "The rule is NON_COMPLIANT if the Auto Scaling group does not span multiple Availability Zones."
	qLCIMDS     = "This rule is NON_COMPLIANT if the Metadata version is not included in the launch configuration or if both Metadata V1 and V2 are enabled."
	qLCHop      = "This rule is NON_COMPLIANT if the Metadata response hop limit is greater than 1."
	qLCPublicIP = "The rule is NON_COMPLIANT if the Launch Configuration for an Amazon EC2 Auto Scaling group has AssociatePublicIpAddress set to 'true'."
	qASGTypes   = "The rule is NON_COMPLIANT if the Amazon EC2 Auto Scaling group has only one instance type defined. This rule does not evaluate attribute-based instance types."
	qASGLT      = "The rule is NON_COMPLIANT if the scaling group is not created from an EC2 launch template."
)

func inst1(f *fx) *ec2types.Instance {
	return &op[ec2.DescribeInstancesOutput](f, acctW, region1, "ec2", "DescribeInstances").Reservations[0].Instances[0]
}

func stopInstance(f *fx, reason string) {
	i := inst1(f)
	i.State = &ec2types.InstanceState{Name: ec2types.InstanceStateNameStopped}
	i.StateTransitionReason = awsv2.String(reason)
}

func publicSnapshot(f *fx) {
	res[ec2.DescribeSnapshotAttributeOutput](f, acctW, region1, "ec2", "DescribeSnapshotAttribute", "snap-0001").CreateVolumePermissions =
		[]ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}
}

func ltDefault(f *fx) *ec2types.LaunchTemplateVersion {
	return &op[ec2.DescribeLaunchTemplateVersionsOutput](f, acctW, region1, "ec2", "DescribeLaunchTemplateVersions").LaunchTemplateVersions[0]
}

func asg1(f *fx) *astypes.AutoScalingGroup {
	return &op[autoscaling.DescribeAutoScalingGroupsOutput](f, acctW, region1, "autoscaling", "DescribeAutoScalingGroups").AutoScalingGroups[0]
}

func lc1(f *fx) *astypes.LaunchConfiguration {
	return &op[autoscaling.DescribeLaunchConfigurationsOutput](f, acctW, region1, "autoscaling", "DescribeLaunchConfigurations").LaunchConfigurations[0]
}

// oneInstanceType leaves the group a single launch template type.
func oneInstanceType(f *fx) {
	g := asg1(f)
	g.MixedInstancesPolicy = nil
	g.LaunchTemplate = &astypes.LaunchTemplateSpecification{LaunchTemplateId: awsv2.String("lt-0001"), Version: awsv2.String("$Default")}
}

func init() {
	failCases["ec2.snapshot-not-public"] = publicSnapshot
	failCases["ec2.stopped-instance"] = func(f *fx) { stopInstance(f, "User initiated (2026-09-01 10:00:00 GMT)") }
	failCases["ec2.paravirtual-instance"] = func(f *fx) { inst1(f).VirtualizationType = ec2types.VirtualizationTypeParavirtual }
	failCases["ec2.launch-template-no-public-ip"] = func(f *fx) {
		ltDefault(f).LaunchTemplateData.NetworkInterfaces[0].AssociatePublicIpAddress = awsv2.Bool(true)
	}
	failCases["ec2.instance-in-vpc"] = func(f *fx) { inst1(f).VpcId = nil }
	failCases["ec2.volume-in-use"] = func(f *fx) {
		op[ec2.DescribeVolumesOutput](f, acctW, region1, "ec2", "DescribeVolumes").Volumes[0].Attachments = nil
	}
	failCases["autoscaling.elb-health-check"] = func(f *fx) { asg1(f).HealthCheckType = awsv2.String("EC2") }
	failCases["autoscaling.multi-az"] = func(f *fx) { asg1(f).AvailabilityZones = []string{region1 + "a"} }
	failCases["autoscaling.launch-config-imdsv2"] = func(f *fx) { lc1(f).MetadataOptions.HttpTokens = astypes.InstanceMetadataHttpTokensStateOptional }
	failCases["autoscaling.launch-config-hop-limit"] = func(f *fx) { lc1(f).MetadataOptions.HttpPutResponseHopLimit = awsv2.Int32(2) }
	failCases["autoscaling.launch-config-no-public-ip"] = func(f *fx) { lc1(f).AssociatePublicIpAddress = awsv2.Bool(true) }
	failCases["autoscaling.multiple-instance-types"] = oneInstanceType
	failCases["autoscaling.launch-template"] = func(f *fx) {
		g := asg1(f)
		g.MixedInstancesPolicy = nil
		g.LaunchConfigurationName = awsv2.String("legacy")
	}

	snapDoc := cfgDoc("ebs-snapshot-public-restorable-check")
	stopDoc := cfgDoc("ec2-stopped-instance")
	pvDoc := cfgDoc("ec2-paravirtual-instance-check")
	ltDoc := cfgDoc("ec2-launch-template-public-ip-disabled")
	vpcDoc := cfgDoc("ec2-instances-in-vpc")
	volDoc := cfgDoc("ec2-volume-inuse-check")
	elbDoc := cfgDoc("autoscaling-group-elb-healthcheck-required")
	azDoc := cfgDoc("autoscaling-multiple-az")
	imdsDoc := cfgDoc("autoscaling-launchconfig-requires-imdsv2")
	hopDoc := cfgDoc("autoscaling-launch-config-hop-limit")
	pipDoc := cfgDoc("autoscaling-launch-config-public-ip-disabled")
	typesDoc := cfgDoc("autoscaling-multiple-instance-types")
	ltASGDoc := cfgDoc("autoscaling-launch-template")
	addDocCases(
		// EC2.1
		docCase{Rule: "ec2.snapshot-not-public", Source: snapDoc, Quote: qSnapPublic, Name: "createVolumePermission group all",
			Mutate: publicSnapshot, Resource: "snapshot/snap-0001", Want: findings.Failed},
		docCase{Rule: "ec2.snapshot-not-public", Source: snapDoc, Quote: qSnapPublic, Name: "shared with one account only",
			Mutate: func(f *fx) {
				res[ec2.DescribeSnapshotAttributeOutput](f, acctW, region1, "ec2", "DescribeSnapshotAttribute", "snap-0001").CreateVolumePermissions =
					[]ec2types.CreateVolumePermission{{UserId: awsv2.String(acctA)}}
			}, Resource: "snapshot/snap-0001", Want: findings.Passed},
		docCase{Rule: "ec2.snapshot-not-public", Source: snapDoc, Quote: qSnapPublic, Name: "no snapshots",
			Mutate: func(f *fx) {
				op[ec2.DescribeSnapshotsOutput](f, acctW, region1, "ec2", "DescribeSnapshots").Snapshots = nil
			}, Want: findings.NotApplicable},

		// EC2.4
		docCase{Rule: "ec2.stopped-instance", Source: stopDoc, Quote: qStopped, Name: "stopped for 80 days",
			Mutate: func(f *fx) { stopInstance(f, "User initiated (2026-09-01 10:00:00 GMT)") }, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "ec2.stopped-instance", Source: stopDoc, Quote: qStopped, Name: "stopped for 10 days",
			Mutate: func(f *fx) { stopInstance(f, "User initiated (2026-11-10 08:00:00 GMT)") }, Resource: "instance/i-0001", Want: findings.Passed},
		docCase{Rule: "ec2.stopped-instance", Source: stopDoc, Quote: qStopped, Name: "stopped, the stop time cannot be determined",
			Mutate: func(f *fx) { stopInstance(f, "") }, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "ec2.stopped-instance", Source: stopDoc, Quote: qStopped, Name: "running",
			Resource: "instance/i-0001", Want: findings.Passed},

		// EC2.24
		docCase{Rule: "ec2.paravirtual-instance", Source: pvDoc, Quote: qParavirt, Name: "paravirtual",
			Mutate: func(f *fx) { inst1(f).VirtualizationType = ec2types.VirtualizationTypeParavirtual }, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "ec2.paravirtual-instance", Source: pvDoc, Quote: qParavirt, Name: "hvm",
			Mutate: func(f *fx) { inst1(f).VirtualizationType = ec2types.VirtualizationTypeHvm }, Resource: "instance/i-0001", Want: findings.Passed},
		docCase{Rule: "ec2.paravirtual-instance", Source: pvDoc, Quote: qParavirt, Name: "a region without instances",
			Mutate: func(f *fx) {
				op[ec2.DescribeInstancesOutput](f, acctW, region1, "ec2", "DescribeInstances").Reservations = nil
			}, Want: findings.NotApplicable},

		// EC2.25
		docCase{Rule: "ec2.launch-template-no-public-ip", Source: ltDoc, Quote: qLTPublicIP, Name: "default version associates a public IP",
			Mutate: func(f *fx) {
				ltDefault(f).LaunchTemplateData.NetworkInterfaces[0].AssociatePublicIpAddress = awsv2.Bool(true)
			}, Resource: "launch-template/lt-0001", Want: findings.Failed},
		docCase{Rule: "ec2.launch-template-no-public-ip", Source: ltDoc, Quote: qLTPublicIP, Name: "AssociatePublicIpAddress false",
			Resource: "launch-template/lt-0001", Want: findings.Passed},
		docCase{Rule: "ec2.launch-template-no-public-ip", Source: ltDoc, Quote: qLTPublicIP, Name: "no network interfaces in the template",
			Mutate: func(f *fx) { ltDefault(f).LaunchTemplateData.NetworkInterfaces = nil }, Resource: "launch-template/lt-0001", Want: findings.Passed},

		// EC2.29
		docCase{Rule: "ec2.instance-in-vpc", Source: vpcDoc, Quote: qEC2InVPC, Name: "instance without a VPC",
			Mutate: func(f *fx) { inst1(f).VpcId = nil }, Resource: "instance/i-0001", Want: findings.Failed},
		docCase{Rule: "ec2.instance-in-vpc", Source: vpcDoc, Quote: qEC2InVPC, Name: "instance in a VPC",
			Resource: "instance/i-0001", Want: findings.Passed},
		docCase{Rule: "ec2.instance-in-vpc", Source: vpcDoc, Quote: qEC2InVPC, Name: "terminated instance is not judged",
			Mutate: func(f *fx) {
				i := inst1(f)
				i.VpcId = nil
				i.State = &ec2types.InstanceState{Name: ec2types.InstanceStateNameTerminated}
			}, Want: findings.NotApplicable},

		// EC2_VOLUME_INUSE_CHECK
		docCase{Rule: "ec2.volume-in-use", Source: volDoc, Quote: qVolInUse, Name: "unattached volume",
			Mutate: func(f *fx) {
				op[ec2.DescribeVolumesOutput](f, acctW, region1, "ec2", "DescribeVolumes").Volumes[0].Attachments = nil
			}, Resource: "volume/vol-0001", Want: findings.Failed},
		docCase{Rule: "ec2.volume-in-use", Source: volDoc, Quote: qVolInUseOK, Name: "attached to a stopped instance",
			Mutate: func(f *fx) { stopInstance(f, "User initiated (2026-11-10 08:00:00 GMT)") }, Resource: "volume/vol-0001", Want: findings.Passed},
		docCase{Rule: "ec2.volume-in-use", Source: volDoc, Quote: qVolInUse, Name: "attached to a terminated instance",
			Mutate:   func(f *fx) { inst1(f).State = &ec2types.InstanceState{Name: ec2types.InstanceStateNameTerminated} },
			Resource: "volume/vol-0001", Want: findings.Failed},

		// AutoScaling.1
		docCase{Rule: "autoscaling.elb-health-check", Source: elbDoc, Quote: qASGELB, Name: "target group with EC2 health checks",
			Mutate: func(f *fx) { asg1(f).HealthCheckType = awsv2.String("EC2") }, Resource: "autoScalingGroupName/web", Want: findings.Failed},
		docCase{Rule: "autoscaling.elb-health-check", Source: elbDoc, Quote: qASGELB, Name: "target group with ELB health checks",
			Resource: "autoScalingGroupName/web", Want: findings.Passed},
		docCase{Rule: "autoscaling.elb-health-check", Source: elbDoc, Quote: qASGELB, Name: "no load balancer",
			Mutate: func(f *fx) {
				g := asg1(f)
				g.TargetGroupARNs, g.HealthCheckType = nil, awsv2.String("EC2")
			}, Resource: "autoScalingGroupName/web", Want: findings.NotApplicable},
		docCase{Rule: "autoscaling.elb-health-check", Source: elbDoc, Quote: qASGELB, Name: "Classic Load Balancer with EC2 health checks",
			Mutate: func(f *fx) {
				g := asg1(f)
				g.TargetGroupARNs, g.LoadBalancerNames, g.HealthCheckType = nil, []string{"legacy"}, awsv2.String("EC2")
			}, Resource: "autoScalingGroupName/web", Want: findings.Failed},

		// AutoScaling.2
		docCase{Rule: "autoscaling.multi-az", Source: azDoc, Quote: qASGAZ, Name: "one zone",
			Mutate: func(f *fx) { asg1(f).AvailabilityZones = []string{region1 + "a"} }, Resource: "autoScalingGroupName/web", Want: findings.Failed},
		docCase{Rule: "autoscaling.multi-az", Source: azDoc, Quote: qASGAZ, Name: "two zones",
			Resource: "autoScalingGroupName/web", Want: findings.Passed},
		docCase{Rule: "autoscaling.multi-az", Source: azDoc, Quote: qASGAZ, Name: "no groups",
			Mutate: func(f *fx) {
				op[autoscaling.DescribeAutoScalingGroupsOutput](f, acctW, region1, "autoscaling", "DescribeAutoScalingGroups").AutoScalingGroups = nil
			},
			Want: findings.NotApplicable},

		// AutoScaling.3
		docCase{Rule: "autoscaling.launch-config-imdsv2", Source: imdsDoc, Quote: qLCIMDS, Name: "metadata version not included",
			Mutate: func(f *fx) { lc1(f).MetadataOptions = nil }, Resource: "launchConfigurationName/legacy", Want: findings.Failed},
		docCase{Rule: "autoscaling.launch-config-imdsv2", Source: imdsDoc, Quote: qLCIMDS, Name: "V1 and V2 enabled (optional)",
			Mutate: func(f *fx) { lc1(f).MetadataOptions.HttpTokens = astypes.InstanceMetadataHttpTokensStateOptional }, Resource: "launchConfigurationName/legacy", Want: findings.Failed},
		docCase{Rule: "autoscaling.launch-config-imdsv2", Source: imdsDoc, Quote: qLCIMDS, Name: "required",
			Resource: "launchConfigurationName/legacy", Want: findings.Passed},

		// AutoScaling.4
		docCase{Rule: "autoscaling.launch-config-hop-limit", Source: hopDoc, Quote: qLCHop, Name: "hop limit 2",
			Mutate: func(f *fx) { lc1(f).MetadataOptions.HttpPutResponseHopLimit = awsv2.Int32(2) }, Resource: "launchConfigurationName/legacy", Want: findings.Failed},
		docCase{Rule: "autoscaling.launch-config-hop-limit", Source: hopDoc, Quote: qLCHop, Name: "hop limit 1",
			Resource: "launchConfigurationName/legacy", Want: findings.Passed},
		docCase{Rule: "autoscaling.launch-config-hop-limit", Source: hopDoc, Quote: qLCHop, Name: "hop limit unset (default 1)",
			Mutate: func(f *fx) { lc1(f).MetadataOptions = nil }, Resource: "launchConfigurationName/legacy", Want: findings.Passed},

		// Autoscaling.5
		docCase{Rule: "autoscaling.launch-config-no-public-ip", Source: pipDoc, Quote: qLCPublicIP, Name: "AssociatePublicIpAddress true",
			Mutate: func(f *fx) { lc1(f).AssociatePublicIpAddress = awsv2.Bool(true) }, Resource: "launchConfigurationName/legacy", Want: findings.Failed},
		docCase{Rule: "autoscaling.launch-config-no-public-ip", Source: pipDoc, Quote: qLCPublicIP, Name: "AssociatePublicIpAddress false",
			Resource: "launchConfigurationName/legacy", Want: findings.Passed},
		docCase{Rule: "autoscaling.launch-config-no-public-ip", Source: pipDoc, Quote: qLCPublicIP, Name: "AssociatePublicIpAddress unset",
			Mutate: func(f *fx) { lc1(f).AssociatePublicIpAddress = nil }, Resource: "launchConfigurationName/legacy", Want: findings.Passed},

		// AutoScaling.6
		docCase{Rule: "autoscaling.multiple-instance-types", Source: typesDoc, Quote: qASGTypes, Name: "one instance type",
			Mutate: oneInstanceType, Resource: "autoScalingGroupName/web", Want: findings.Failed},
		docCase{Rule: "autoscaling.multiple-instance-types", Source: typesDoc, Quote: qASGTypes, Name: "two override types",
			Resource: "autoScalingGroupName/web", Want: findings.Passed},
		docCase{Rule: "autoscaling.multiple-instance-types", Source: typesDoc, Quote: qASGTypes, Name: "attribute-based instance types",
			Mutate: func(f *fx) {
				asg1(f).MixedInstancesPolicy.LaunchTemplate.Overrides = []astypes.LaunchTemplateOverrides{{InstanceRequirements: &astypes.InstanceRequirements{
					VCpuCount: &astypes.VCpuCountRequest{Min: awsv2.Int32(2)}, MemoryMiB: &astypes.MemoryMiBRequest{Min: awsv2.Int32(4096)}}}}
			}, Resource: "autoScalingGroupName/web", Want: findings.NotApplicable},

		// AutoScaling.9
		docCase{Rule: "autoscaling.launch-template", Source: ltASGDoc, Quote: qASGLT, Name: "launch configuration",
			Mutate: func(f *fx) {
				g := asg1(f)
				g.MixedInstancesPolicy, g.LaunchConfigurationName = nil, awsv2.String("legacy")
			}, Resource: "autoScalingGroupName/web", Want: findings.Failed},
		docCase{Rule: "autoscaling.launch-template", Source: ltASGDoc, Quote: qASGLT, Name: "launch template",
			Mutate: oneInstanceType, Resource: "autoScalingGroupName/web", Want: findings.Passed},
		docCase{Rule: "autoscaling.launch-template", Source: ltASGDoc, Quote: qASGLT, Name: "launch template in a mixed instances policy",
			Resource: "autoScalingGroupName/web", Want: findings.Passed},
	)
}
