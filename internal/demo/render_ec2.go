package demo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func ec2Tags(t map[string]string) []ec2types.Tag {
	out := []ec2types.Tag{}
	for _, k := range sortedKeys(t) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(t[k])})
	}
	return out
}

func renderEC2(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "ec2")
	r := newRand(w.opt.Seed^0xec2, uint64(a.index)<<8|uint64(len(rr.region)))
	sgs := []ec2types.SecurityGroup{}
	rules := []ec2types.SecurityGroupRule{}
	for _, g := range rr.sgs {
		sg, rs := securityGroup(w, a, rr.region, g, r)
		sgs = append(sgs, sg)
		rules = append(rules, rs...)
	}
	f.put("DescribeSecurityGroups", ec2.DescribeSecurityGroupsOutput{SecurityGroups: sgs})
	f.put("DescribeSecurityGroupRules", ec2.DescribeSecurityGroupRulesOutput{SecurityGroupRules: rules})
	vpcs, acls, flows, endpoints := []ec2types.Vpc{}, []ec2types.NetworkAcl{}, []ec2types.FlowLog{}, []ec2types.VpcEndpoint{}
	for _, v := range rr.vpcs {
		vpcs = append(vpcs, ec2types.Vpc{VpcId: aws.String(v.id), CidrBlock: aws.String(v.cidr), State: ec2types.VpcStateAvailable,
			IsDefault: aws.Bool(false), OwnerId: aws.String(a.Id), InstanceTenancy: ec2types.TenancyDefault,
			DhcpOptionsId: aws.String(ec2ID(r, "dopt")), Tags: ec2Tags(v.tags)})
		acls = append(acls, networkACL(a, v, r))
		if v.flowLogs {
			flows = append(flows, ec2types.FlowLog{FlowLogId: aws.String(ec2ID(r, "fl")), ResourceId: aws.String(v.id),
				TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeS3,
				LogDestination: aws.String("arn:aws:s3:::" + w.flowLogBucket()), FlowLogStatus: aws.String("ACTIVE"),
				DeliverLogsStatus: aws.String("SUCCESS"), MaxAggregationInterval: aws.Int32(600),
				LogFormat:    aws.String("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"),
				CreationTime: ptime(a.JoinedTimestamp.Add(27 * 3600e9)), Tags: []ec2types.Tag{}})
		}
		endpoints = append(endpoints, ec2types.VpcEndpoint{VpcEndpointId: aws.String(ec2ID(r, "vpce")), VpcId: aws.String(v.id),
			VpcEndpointType: ec2types.VpcEndpointTypeGateway, ServiceName: aws.String("com.amazonaws." + rr.region + ".s3"),
			State: ec2types.StateAvailable, OwnerId: aws.String(a.Id), RouteTableIds: []string{ec2ID(r, "rtb")},
			PolicyDocument: aws.String(compact(policyDoc(statement("OrgOnly", "Allow", "Principal", "*", "Action", "s3:*", "Resource", "*",
				"Condition", m{"StringEquals": m{"aws:PrincipalOrgID": w.orgID}})))),
			CreationTimestamp: ptime(a.JoinedTimestamp.Add(27 * 3600e9)), Tags: []ec2types.Tag{}})
	}
	endpoints, acls = append(endpoints, ec2netEndpoints(w, a, rr)...), append(acls, ec2netNACLs(a, rr)...) // render_ec2net.go
	f.put("DescribeNetworkAcls", ec2.DescribeNetworkAclsOutput{NetworkAcls: acls})
	f.put("DescribeVpcs", ec2.DescribeVpcsOutput{Vpcs: vpcs})
	f.put("DescribeFlowLogs", ec2.DescribeFlowLogsOutput{FlowLogs: flows})
	f.put("DescribeVpcEndpoints", ec2.DescribeVpcEndpointsOutput{VpcEndpoints: endpoints})
	f.put("GetEbsEncryptionByDefault", ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(rr.ebsDefault),
		SseType: ec2types.SSETypeSseEbs})
	res := []ec2types.Reservation{}
	for _, in := range rr.instances {
		res = append(res, ec2types.Reservation{ReservationId: aws.String(ec2ID(r, "r")), OwnerId: aws.String(a.Id),
			Instances: []ec2types.Instance{ec2Instance(a, rr.region, in, rr)}})
	}
	f.put("DescribeInstances", ec2.DescribeInstancesOutput{Reservations: res})
	f.put("DescribeVolumes", ec2.DescribeVolumesOutput{Volumes: volumes(rr)})
	f.put("GetSnapshotBlockPublicAccessState", ec2.GetSnapshotBlockPublicAccessStateOutput{
		State: ec2types.SnapshotBlockPublicAccessStateBlockAllSharing, ManagedBy: ec2types.ManagedByDeclarativePolicy})
	f.put("GetImageBlockPublicAccessState", ec2.GetImageBlockPublicAccessStateOutput{
		ImageBlockPublicAccessState: aws.String("block-new-sharing"), ManagedBy: ec2types.ManagedByDeclarativePolicy})
	f.put("DescribeInstanceTypes", ec2.DescribeInstanceTypesOutput{InstanceTypes: instanceTypes(w, a, rr)})
	renderEC2Compute(a, rr, f)
	renderEC2Net(w, a, rr, f) // render_ec2net.go
	return f
}

func securityGroup(w *world, a *acct, region string, g *secGroup, r interface{ IntN(int) int }) (ec2types.SecurityGroup, []ec2types.SecurityGroupRule) {
	desc := "Security group for " + g.name
	if g.isDef {
		desc = "default VPC security group"
	}
	sg := ec2types.SecurityGroup{GroupId: aws.String(g.id), GroupName: aws.String(g.name), Description: aws.String(desc),
		VpcId: aws.String(g.vpcID), OwnerId: aws.String(a.Id), SecurityGroupArn: aws.String(sgARN(a, region, g.id)),
		IpPermissions: []ec2types.IpPermission{}, IpPermissionsEgress: []ec2types.IpPermission{}, Tags: ec2Tags(g.tags)}
	var rules []ec2types.SecurityGroupRule
	ruleID := func() string { return fmt.Sprintf("sgr-0%016x", uint64(r.IntN(1<<62))) }
	for _, in := range g.ingress {
		p := ec2types.IpPermission{IpProtocol: aws.String(in.proto), IpRanges: []ec2types.IpRange{}, UserIdGroupPairs: []ec2types.UserIdGroupPair{},
			Ipv6Ranges: []ec2types.Ipv6Range{}, PrefixListIds: []ec2types.PrefixListId{}}
		rule := ec2types.SecurityGroupRule{SecurityGroupRuleId: aws.String(ruleID()), GroupId: aws.String(g.id), GroupOwnerId: aws.String(a.Id),
			IsEgress: aws.Bool(false), IpProtocol: aws.String(in.proto), Tags: []ec2types.Tag{}}
		if in.proto != "-1" {
			p.FromPort, p.ToPort = aws.Int32(in.from), aws.Int32(in.to)
			rule.FromPort, rule.ToPort = aws.Int32(in.from), aws.Int32(in.to)
		} else {
			rule.FromPort, rule.ToPort = aws.Int32(-1), aws.Int32(-1)
		}
		if in.cidr != "" {
			p.IpRanges = append(p.IpRanges, ec2types.IpRange{CidrIp: aws.String(in.cidr), Description: optString(in.desc)})
			rule.CidrIpv4 = aws.String(in.cidr)
		} else {
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, ec2types.UserIdGroupPair{GroupId: aws.String(in.sgRef), UserId: aws.String(a.Id), Description: optString(in.desc)})
			rule.ReferencedGroupInfo = &ec2types.ReferencedSecurityGroup{GroupId: aws.String(in.sgRef), UserId: aws.String(a.Id)}
		}
		rule.Description = optString(in.desc)
		rule.SecurityGroupRuleArn = aws.String(fmt.Sprintf("arn:aws:ec2:%s:%s:security-group-rule/%s", region, a.Id, *rule.SecurityGroupRuleId))
		sg.IpPermissions = append(sg.IpPermissions, p)
		rules = append(rules, rule)
	}
	if g.egress {
		sg.IpPermissionsEgress = append(sg.IpPermissionsEgress, ec2types.IpPermission{IpProtocol: aws.String("-1"),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}, UserIdGroupPairs: []ec2types.UserIdGroupPair{},
			Ipv6Ranges: []ec2types.Ipv6Range{}, PrefixListIds: []ec2types.PrefixListId{}})
		id := ruleID()
		rules = append(rules, ec2types.SecurityGroupRule{SecurityGroupRuleId: aws.String(id), GroupId: aws.String(g.id),
			GroupOwnerId: aws.String(a.Id), IsEgress: aws.Bool(true), IpProtocol: aws.String("-1"), FromPort: aws.Int32(-1),
			ToPort: aws.Int32(-1), CidrIpv4: aws.String("0.0.0.0/0"), Tags: []ec2types.Tag{},
			SecurityGroupRuleArn: aws.String(fmt.Sprintf("arn:aws:ec2:%s:%s:security-group-rule/%s", region, a.Id, id))})
	}
	return sg, rules
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// networkACL is the default NACL: SSH and RDP from anywhere denied
// first, then everything else allowed, both ways.
func networkACL(a *acct, v *vpc, r interface{ IntN(int) int }) ec2types.NetworkAcl {
	entry := func(n int32, proto string, action ec2types.RuleAction, egress bool, from, to int32) ec2types.NetworkAclEntry {
		e := ec2types.NetworkAclEntry{RuleNumber: aws.Int32(n), Protocol: aws.String(proto), RuleAction: action,
			Egress: aws.Bool(egress), CidrBlock: aws.String("0.0.0.0/0")}
		if proto != "-1" {
			e.PortRange = &ec2types.PortRange{From: aws.Int32(from), To: aws.Int32(to)}
		}
		return e
	}
	acl := ec2types.NetworkAcl{NetworkAclId: aws.String(v.naclID), VpcId: aws.String(v.id), IsDefault: aws.Bool(true),
		OwnerId: aws.String(a.Id), Tags: []ec2types.Tag{}, Entries: []ec2types.NetworkAclEntry{
			entry(50, "6", ec2types.RuleActionDeny, false, 22, 22),
			entry(60, "6", ec2types.RuleActionDeny, false, 3389, 3389),
			entry(100, "-1", ec2types.RuleActionAllow, false, 0, 0),
			entry(32767, "-1", ec2types.RuleActionDeny, false, 0, 0),
			entry(100, "-1", ec2types.RuleActionAllow, true, 0, 0),
			entry(32767, "-1", ec2types.RuleActionDeny, true, 0, 0),
		}}
	for _, s := range v.subnets {
		acl.Associations = append(acl.Associations, ec2types.NetworkAclAssociation{NetworkAclId: aws.String(v.naclID), SubnetId: aws.String(s),
			NetworkAclAssociationId: aws.String(fmt.Sprintf("aclassoc-0%016x", uint64(r.IntN(1<<62))))})
	}
	return acl
}

func ec2Instance(a *acct, region string, in *instance, rr *regionRes) ec2types.Instance {
	tokens := ec2types.HttpTokensStateRequired
	if !in.imdsV2 {
		tokens = ec2types.HttpTokensStateOptional
	}
	sgName := ""
	for _, g := range rr.sgs {
		if g.id == in.sgID {
			sgName = g.name
		}
	}
	typ, arch, ebsOpt := ec2types.InstanceTypeM7gLarge, ec2types.ArchitectureValuesArm64, true
	if a.kind == kindSandbox || a.env == "dev" {
		typ = ec2types.InstanceTypeT4gMedium
	}
	if in.legacyType {
		typ, arch, ebsOpt = ec2types.InstanceTypeM3Xlarge, ec2types.ArchitectureValuesX8664, false
	}
	return ec2types.Instance{InstanceId: aws.String(in.id), ImageId: aws.String("ami-0" + in.id[3:19]), InstanceType: typ,
		LaunchTime: ptime(in.launched), State: &ec2types.InstanceState{Code: aws.Int32(16), Name: ec2types.InstanceStateNameRunning},
		PrivateIpAddress: aws.String(in.privateIP), PublicIpAddress: optString(in.publicIP), SubnetId: aws.String(in.subnet),
		VpcId: aws.String(in.vpcID), Architecture: arch, RootDeviceType: ec2types.DeviceTypeEbs,
		RootDeviceName: aws.String("/dev/xvda"), EbsOptimized: aws.Bool(ebsOpt), EnaSupport: aws.Bool(true),
		Placement:          &ec2types.Placement{AvailabilityZone: aws.String(region + "a"), Tenancy: ec2types.TenancyDefault},
		IamInstanceProfile: &ec2types.IamInstanceProfile{Arn: aws.String(in.profile)},
		SecurityGroups:     []ec2types.GroupIdentifier{{GroupId: aws.String(in.sgID), GroupName: aws.String(sgName)}},
		Monitoring:         &ec2types.Monitoring{State: ec2types.MonitoringStateEnabled},
		MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{HttpTokens: tokens, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled,
			HttpPutResponseHopLimit: aws.Int32(2), State: ec2types.InstanceMetadataOptionsStateApplied,
			InstanceMetadataTags: ec2types.InstanceMetadataTagsStateDisabled},
		Tags: ec2Tags(in.tags)}
}

// volumeID is the id of an instance's root volume.
func volumeID(in *instance) string { return "vol-0" + in.id[3:19] }

// volumes returns the root volume of every instance, attached and
// encrypted unless a plant says otherwise.
func volumes(rr *regionRes) []ec2types.Volume {
	out := []ec2types.Volume{}
	for _, in := range rr.instances {
		out = append(out, ec2types.Volume{VolumeId: aws.String(volumeID(in)), Size: aws.Int32(20), VolumeType: ec2types.VolumeTypeGp3,
			AvailabilityZone: aws.String(rr.region + "a"), State: ec2types.VolumeStateInUse, Encrypted: aws.Bool(!in.plainVolume),
			CreateTime: ptime(in.launched),
			Attachments: []ec2types.VolumeAttachment{{VolumeId: aws.String(volumeID(in)), InstanceId: aws.String(in.id), Device: aws.String("/dev/xvda"),
				State: ec2types.VolumeAttachmentStateAttached, AttachTime: ptime(in.launched), DeleteOnTermination: aws.Bool(true)}}})
	}
	return out
}
