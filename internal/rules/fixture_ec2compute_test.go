package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2computeBaseline gives the region a private EBS snapshot, a launch
// template "web" whose default version assigns no public IP, an Auto
// Scaling group "web" launching from it (two zones, two instance types,
// behind a target group with ELB health checks) and a launch
// configuration "legacy" that requires IMDSv2 with a hop limit of 1 and
// no public IP.
func (f *fx) ec2computeBaseline(a, r string) {
	f.set(a, r, "ec2", "DescribeSnapshots", &ec2.DescribeSnapshotsOutput{Snapshots: []ec2types.Snapshot{{
		SnapshotId: awsv2.String("snap-0001"), OwnerId: awsv2.String(a), VolumeId: awsv2.String("vol-0001"), Encrypted: awsv2.Bool(true),
		State: ec2types.SnapshotStateCompleted}}})
	f.setRes(a, r, "ec2", "DescribeSnapshotAttribute", "snap-0001", &ec2.DescribeSnapshotAttributeOutput{SnapshotId: awsv2.String("snap-0001"),
		CreateVolumePermissions: []ec2types.CreateVolumePermission{}})
	f.set(a, r, "ec2", "DescribeLaunchTemplates", &ec2.DescribeLaunchTemplatesOutput{LaunchTemplates: []ec2types.LaunchTemplate{{
		LaunchTemplateId: awsv2.String("lt-0001"), LaunchTemplateName: awsv2.String("web"), DefaultVersionNumber: awsv2.Int64(2), LatestVersionNumber: awsv2.Int64(2)}}})
	f.set(a, r, "ec2", "DescribeLaunchTemplateVersions", &ec2.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: []ec2types.LaunchTemplateVersion{{
		LaunchTemplateId: awsv2.String("lt-0001"), LaunchTemplateName: awsv2.String("web"), VersionNumber: awsv2.Int64(2), DefaultVersion: awsv2.Bool(true),
		LaunchTemplateData: &ec2types.ResponseLaunchTemplateData{NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecification{{
			DeviceIndex: awsv2.Int32(0), AssociatePublicIpAddress: awsv2.Bool(false), SubnetId: awsv2.String("subnet-a")}}}}}})
	f.set(a, r, "autoscaling", "DescribeAutoScalingGroups", &autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: []astypes.AutoScalingGroup{{
		AutoScalingGroupName: awsv2.String("web"),
		AutoScalingGroupARN:  awsv2.String("arn:aws:autoscaling:" + r + ":" + a + ":autoScalingGroup:6d5af669-eb3b-4530-894b-e314a667f2e7:autoScalingGroupName/web"),
		AvailabilityZones:    []string{r + "a", r + "b"}, HealthCheckType: awsv2.String("ELB"),
		TargetGroupARNs: []string{"arn:aws:elasticloadbalancing:" + r + ":" + a + ":targetgroup/web/1"},
		MinSize:         awsv2.Int32(2), MaxSize: awsv2.Int32(4), DesiredCapacity: awsv2.Int32(2),
		MixedInstancesPolicy: &astypes.MixedInstancesPolicy{LaunchTemplate: &astypes.LaunchTemplate{
			LaunchTemplateSpecification: &astypes.LaunchTemplateSpecification{LaunchTemplateId: awsv2.String("lt-0001"), Version: awsv2.String("$Default")},
			Overrides:                   []astypes.LaunchTemplateOverrides{{InstanceType: awsv2.String("m7g.large")}, {InstanceType: awsv2.String("m6g.large")}}}}}}})
	f.set(a, r, "autoscaling", "DescribeLaunchConfigurations", &autoscaling.DescribeLaunchConfigurationsOutput{LaunchConfigurations: []astypes.LaunchConfiguration{{
		LaunchConfigurationName: awsv2.String("legacy"),
		LaunchConfigurationARN:  awsv2.String("arn:aws:autoscaling:" + r + ":" + a + ":launchConfiguration:0c7d1e1c-3f1a-4b52-9d55-2b8f0e1b6a01:launchConfigurationName/legacy"),
		ImageId:                 awsv2.String("ami-0001"), InstanceType: awsv2.String("t3.micro"), AssociatePublicIpAddress: awsv2.Bool(false),
		MetadataOptions: &astypes.InstanceMetadataOptions{HttpTokens: astypes.InstanceMetadataHttpTokensStateRequired,
			HttpEndpoint: astypes.InstanceMetadataEndpointStateEnabled, HttpPutResponseHopLimit: awsv2.Int32(1)}}}})
}
