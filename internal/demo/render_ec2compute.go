package demo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// computeRes is what an account has in a region of EBS snapshots,
// launch templates and EC2 Auto Scaling.
type computeRes struct {
	snapshots []*ebsSnapshot
	templates []*launchTemplate
	groups    []*asGroup
	configs   []*launchConfig
	// stopped maps an instance id to when it was stopped.
	stopped map[string]time.Time
}

type ebsSnapshot struct {
	id      string
	volume  string
	public  bool
	created time.Time
}

type launchTemplate struct {
	id       string
	name     string
	publicIP bool
	created  time.Time
}

// asGroup is an Auto Scaling group launching from a template (template
// set) or a launch configuration (config set).
type asGroup struct {
	name        string
	template    *launchTemplate
	config      string
	types       []string
	targetGroup string // "" means no load balancer
	created     time.Time
}

type launchConfig struct {
	name     string
	imdsV2   bool
	publicIP bool
	created  time.Time
}

// baselineCompute gives a workload account's home region a snapshot of
// the application instance's root volume (private), a launch template
// for its web tier (no public IP) and an Auto Scaling group launching it
// in two zones with two instance types behind the web load balancer's
// target group, with ELB health checks. Ids come from stableHex, so no
// other generated id moves.
func baselineCompute(w *world, a *acct, home string, created time.Time) {
	rr := w.region(a, home)
	if len(rr.instances) > 0 {
		in := rr.instances[0]
		rr.compute.snapshots = append(rr.compute.snapshots, &ebsSnapshot{id: "snap-0" + stableHex(a, "snap/"+in.id, 16),
			volume: volumeID(in), created: End.AddDate(0, 0, -1)})
	}
	lt := &launchTemplate{id: "lt-0" + stableHex(a, "lt/"+a.Name+"-web", 16), name: a.Name + "-web", created: created}
	rr.compute.templates = append(rr.compute.templates, lt)
	tg := ""
	for _, lb := range rr.lbs {
		tg = fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s", home, a.Id, lb.name, stableHex(a, "tg/"+lb.name, 16))
		break
	}
	rr.compute.groups = append(rr.compute.groups, &asGroup{name: a.Name + "-web", template: lt, types: []string{"m7g.large", "m6g.large"},
		targetGroup: tg, created: created})
}

func asgARN(a *acct, region, name string) string {
	h := stableHex(a, "asg/"+name, 16) + stableHex(a, "asg2/"+name, 16)
	return fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%s-%s-%s-%s-%s:autoScalingGroupName/%s", region, a.Id,
		h[:8], h[8:12], h[12:16], h[16:20], h[20:32], name)
}

func launchConfigARN(a *acct, region, name string) string {
	h := stableHex(a, "lc/"+name, 16) + stableHex(a, "lc2/"+name, 16)
	return fmt.Sprintf("arn:aws:autoscaling:%s:%s:launchConfiguration:%s-%s-%s-%s-%s:launchConfigurationName/%s", region, a.Id,
		h[:8], h[8:12], h[12:16], h[16:20], h[20:32], name)
}

func snapshotARN(region, id string) string {
	return fmt.Sprintf("arn:aws:ec2:%s::snapshot/%s", region, id)
}

// renderEC2Compute adds the snapshots and launch templates to the
// region's ec2 file, and marks stopped instances stopped.
func renderEC2Compute(a *acct, rr *regionRes, f *file) {
	snaps := []ec2types.Snapshot{}
	for _, s := range rr.compute.snapshots {
		snaps = append(snaps, ec2types.Snapshot{SnapshotId: aws.String(s.id), VolumeId: aws.String(s.volume), OwnerId: aws.String(a.Id),
			State: ec2types.SnapshotStateCompleted, StartTime: ptime(s.created), Progress: aws.String("100%"), VolumeSize: aws.Int32(20),
			Encrypted: aws.Bool(true), StorageTier: ec2types.StorageTierStandard, Description: aws.String("Daily backup of " + s.volume),
			Tags: []ec2types.Tag{}})
		perms := []ec2types.CreateVolumePermission{}
		if s.public {
			perms = append(perms, ec2types.CreateVolumePermission{Group: ec2types.PermissionGroupAll})
		}
		f.res("DescribeSnapshotAttribute", s.id, ec2.DescribeSnapshotAttributeOutput{SnapshotId: aws.String(s.id), CreateVolumePermissions: perms})
	}
	f.put("DescribeSnapshots", ec2.DescribeSnapshotsOutput{Snapshots: snaps})
	lts, vers := []ec2types.LaunchTemplate{}, []ec2types.LaunchTemplateVersion{}
	for _, t := range rr.compute.templates {
		lts = append(lts, ec2types.LaunchTemplate{LaunchTemplateId: aws.String(t.id), LaunchTemplateName: aws.String(t.name),
			CreateTime: ptime(t.created), CreatedBy: aws.String(fmt.Sprintf("arn:aws:sts::%s:assumed-role/OrganizationAccountAccessRole/deploy", a.Id)),
			DefaultVersionNumber: aws.Int64(1), LatestVersionNumber: aws.Int64(1), Tags: []ec2types.Tag{}})
		vers = append(vers, ec2types.LaunchTemplateVersion{LaunchTemplateId: aws.String(t.id), LaunchTemplateName: aws.String(t.name),
			VersionNumber: aws.Int64(1), DefaultVersion: aws.Bool(true), CreateTime: ptime(t.created),
			LaunchTemplateData: &ec2types.ResponseLaunchTemplateData{ImageId: aws.String("ami-0" + stableHex(a, "ami/"+t.name, 16)),
				InstanceType: ec2types.InstanceTypeM7gLarge,
				MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired,
					HttpPutResponseHopLimit: aws.Int32(1), HttpEndpoint: ec2types.LaunchTemplateInstanceMetadataEndpointStateEnabled},
				NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecification{{DeviceIndex: aws.Int32(0),
					AssociatePublicIpAddress: aws.Bool(t.publicIP), DeleteOnTermination: aws.Bool(true)}}}})
	}
	f.put("DescribeLaunchTemplates", ec2.DescribeLaunchTemplatesOutput{LaunchTemplates: lts})
	f.put("DescribeLaunchTemplateVersions", ec2.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: vers})
	if len(rr.compute.stopped) == 0 {
		return
	}
	var out ec2.DescribeInstancesOutput
	if ok, err := f.Get("DescribeInstances", &out); !ok || err != nil {
		return
	}
	for i := range out.Reservations {
		for j := range out.Reservations[i].Instances {
			in := &out.Reservations[i].Instances[j]
			if at, ok := rr.compute.stopped[aws.ToString(in.InstanceId)]; ok {
				in.State = &ec2types.InstanceState{Code: aws.Int32(80), Name: ec2types.InstanceStateNameStopped}
				in.StateTransitionReason = aws.String("User initiated (" + at.UTC().Format("2006-01-02 15:04:05") + " GMT)")
				in.StateReason = &ec2types.StateReason{Code: aws.String("Client.UserInitiatedShutdown"),
					Message: aws.String("Client.UserInitiatedShutdown: User initiated shutdown")}
				in.PublicIpAddress = nil
			}
		}
	}
	f.put("DescribeInstances", out)
}

func renderAutoScaling(a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "autoscaling")
	groups := []astypes.AutoScalingGroup{}
	for _, g := range rr.compute.groups {
		sg := astypes.AutoScalingGroup{AutoScalingGroupName: aws.String(g.name), AutoScalingGroupARN: aws.String(asgARN(a, rr.region, g.name)),
			AvailabilityZones: []string{rr.region + "a", rr.region + "c"}, CreatedTime: ptime(g.created), DefaultCooldown: aws.Int32(300),
			MinSize: aws.Int32(2), MaxSize: aws.Int32(6), DesiredCapacity: aws.Int32(2), HealthCheckType: aws.String("EC2"),
			HealthCheckGracePeriod: aws.Int32(300), Instances: []astypes.Instance{}, LoadBalancerNames: []string{}, TargetGroupARNs: []string{},
			SuspendedProcesses: []astypes.SuspendedProcess{}, EnabledMetrics: []astypes.EnabledMetric{}, Tags: []astypes.TagDescription{},
			TerminationPolicies: []string{"Default"}, NewInstancesProtectedFromScaleIn: aws.Bool(false),
			ServiceLinkedRoleARN: aws.String(fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", a.Id))}
		if g.targetGroup != "" {
			sg.TargetGroupARNs, sg.HealthCheckType = []string{g.targetGroup}, aws.String("ELB")
		}
		switch {
		case g.template != nil && len(g.types) > 1:
			ov := []astypes.LaunchTemplateOverrides{}
			for _, t := range g.types {
				ov = append(ov, astypes.LaunchTemplateOverrides{InstanceType: aws.String(t)})
			}
			sg.MixedInstancesPolicy = &astypes.MixedInstancesPolicy{LaunchTemplate: &astypes.LaunchTemplate{
				LaunchTemplateSpecification: &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.template.id),
					LaunchTemplateName: aws.String(g.template.name), Version: aws.String("$Default")}, Overrides: ov},
				InstancesDistribution: &astypes.InstancesDistribution{OnDemandAllocationStrategy: aws.String("prioritized"),
					OnDemandBaseCapacity: aws.Int32(2), OnDemandPercentageAboveBaseCapacity: aws.Int32(100)}}
		case g.template != nil:
			sg.LaunchTemplate = &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.template.id),
				LaunchTemplateName: aws.String(g.template.name), Version: aws.String("$Default")}
		default:
			sg.LaunchConfigurationName = aws.String(g.config)
		}
		groups = append(groups, sg)
	}
	f.put("DescribeAutoScalingGroups", autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: groups})
	lcs := []astypes.LaunchConfiguration{}
	for _, c := range rr.compute.configs {
		tokens := astypes.InstanceMetadataHttpTokensStateRequired
		if !c.imdsV2 {
			tokens = astypes.InstanceMetadataHttpTokensStateOptional
		}
		lcs = append(lcs, astypes.LaunchConfiguration{LaunchConfigurationName: aws.String(c.name),
			LaunchConfigurationARN: aws.String(launchConfigARN(a, rr.region, c.name)), CreatedTime: ptime(c.created),
			ImageId: aws.String("ami-0" + stableHex(a, "ami/"+c.name, 16)), InstanceType: aws.String("m5.large"),
			AssociatePublicIpAddress: aws.Bool(c.publicIP), EbsOptimized: aws.Bool(false), SecurityGroups: []string{},
			BlockDeviceMappings: []astypes.BlockDeviceMapping{}, ClassicLinkVPCSecurityGroups: []string{},
			InstanceMonitoring: &astypes.InstanceMonitoring{Enabled: aws.Bool(true)},
			MetadataOptions: &astypes.InstanceMetadataOptions{HttpTokens: tokens, HttpPutResponseHopLimit: aws.Int32(1),
				HttpEndpoint: astypes.InstanceMetadataEndpointStateEnabled}})
	}
	f.put("DescribeLaunchConfigurations", autoscaling.DescribeLaunchConfigurationsOutput{LaunchConfigurations: lcs})
	return f
}

// The compute plants. They are kept out of synthetic organizations
// (their names start with "compute-"), which stay as they were.
func init() {
	plants["compute-snapshot-public"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		s := &ebsSnapshot{id: "snap-0" + stableHex(a, "snap/shared-export", 16), volume: "vol-0" + stableHex(a, "vol/export", 16),
			public: true, created: End.AddDate(0, -2, 0)}
		rr.compute.snapshots = append(rr.compute.snapshots, s)
		return v(a, home, snapshotARN(home, s.id), "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK")
	}}
	plants["compute-launch-config-imdsv1"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		name := a.Name + "-legacy-batch"
		rr.compute.configs = append(rr.compute.configs, &launchConfig{name: name, created: End.AddDate(-3, 0, 0)})
		rr.compute.groups = append(rr.compute.groups, &asGroup{name: name, config: name, types: []string{"m5.large"}, created: End.AddDate(-3, 0, 0)})
		out := v(a, home, launchConfigARN(a, home, name), "AUTOSCALING_LAUNCHCONFIG_REQUIRES_IMDSV2")
		return append(out, v(a, home, asgARN(a, home, name), "AUTOSCALING_LAUNCH_TEMPLATE", "AUTOSCALING_MULTIPLE_INSTANCE_TYPES")...)
	}}
	plants["compute-long-stopped"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		in := rr.instances[0]
		if rr.compute.stopped == nil {
			rr.compute.stopped = map[string]time.Time{}
		}
		rr.compute.stopped[in.id] = End.AddDate(0, 0, -75).Add(9*time.Hour + 12*time.Minute)
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", home, a.Id, in.id), "EC2_STOPPED_INSTANCE")
	}}
	kumoPlants = append(kumoPlants,
		struct{ account, plant string }{"payments-dev", "compute-snapshot-public"},
		struct{ account, plant string }{"orders-staging", "compute-launch-config-imdsv1"},
		struct{ account, plant string }{"loyalty-staging", "compute-long-stopped"})
}
