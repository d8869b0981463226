package awstest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The filter names each Describe* call knows, as the EC2 API reference
// lists them (the common ones: ids, names, VPC, owner, state and the
// permissions of security groups).

// permValues collects a value from each permission of a group.
func permValues(ps []ec2types.IpPermission, get func(ec2types.IpPermission) []string) []string {
	var out []string
	for _, p := range ps {
		out = append(out, get(p)...)
	}
	return out
}

func permCidrs(p ec2types.IpPermission) []string {
	var out []string
	for _, r := range p.IpRanges {
		out = append(out, aws.ToString(r.CidrIp))
	}
	return out
}

func permCidrsV6(p ec2types.IpPermission) []string {
	var out []string
	for _, r := range p.Ipv6Ranges {
		out = append(out, aws.ToString(r.CidrIpv6))
	}
	return out
}

func permGroups(p ec2types.IpPermission) []string {
	var out []string
	for _, g := range p.UserIdGroupPairs {
		out = append(out, aws.ToString(g.GroupId))
	}
	return out
}

// permFields are the ip-permission.* (ingress) or egress.ip-permission.*
// filters of security groups.
func permFields(prefix string, perms func(ec2types.SecurityGroup) []ec2types.IpPermission, into fields[ec2types.SecurityGroup]) {
	into[prefix+"cidr"] = func(g ec2types.SecurityGroup) []string { return permValues(perms(g), permCidrs) }
	into[prefix+"ipv6-cidr"] = func(g ec2types.SecurityGroup) []string { return permValues(perms(g), permCidrsV6) }
	into[prefix+"group-id"] = func(g ec2types.SecurityGroup) []string { return permValues(perms(g), permGroups) }
	into[prefix+"protocol"] = func(g ec2types.SecurityGroup) []string {
		return permValues(perms(g), func(p ec2types.IpPermission) []string { return str(p.IpProtocol) })
	}
	into[prefix+"from-port"] = func(g ec2types.SecurityGroup) []string {
		return permValues(perms(g), func(p ec2types.IpPermission) []string { return i32(p.FromPort) })
	}
	into[prefix+"to-port"] = func(g ec2types.SecurityGroup) []string {
		return permValues(perms(g), func(p ec2types.IpPermission) []string { return i32(p.ToPort) })
	}
}

var securityGroupFields = func() fields[ec2types.SecurityGroup] {
	f := fields[ec2types.SecurityGroup]{
		"group-id":    func(g ec2types.SecurityGroup) []string { return str(g.GroupId) },
		"group-name":  func(g ec2types.SecurityGroup) []string { return str(g.GroupName) },
		"description": func(g ec2types.SecurityGroup) []string { return str(g.Description) },
		"vpc-id":      func(g ec2types.SecurityGroup) []string { return str(g.VpcId) },
		"owner-id":    func(g ec2types.SecurityGroup) []string { return str(g.OwnerId) },
	}
	permFields("ip-permission.", func(g ec2types.SecurityGroup) []ec2types.IpPermission { return g.IpPermissions }, f)
	permFields("egress.ip-permission.", func(g ec2types.SecurityGroup) []ec2types.IpPermission { return g.IpPermissionsEgress }, f)
	return f
}()

// instanceFields are DescribeInstances' filters; owner-id is the
// reservation's owner.
func instanceFields(owner string) fields[ec2types.Instance] {
	return fields[ec2types.Instance]{
		"instance-id":   func(i ec2types.Instance) []string { return str(i.InstanceId) },
		"instance-type": func(i ec2types.Instance) []string { return []string{string(i.InstanceType)} },
		"instance-state-name": func(i ec2types.Instance) []string {
			if i.State == nil {
				return nil
			}
			return []string{string(i.State.Name)}
		},
		"instance-state-code": func(i ec2types.Instance) []string {
			if i.State == nil {
				return nil
			}
			return i32(i.State.Code)
		},
		"vpc-id":             func(i ec2types.Instance) []string { return str(i.VpcId) },
		"subnet-id":          func(i ec2types.Instance) []string { return str(i.SubnetId) },
		"image-id":           func(i ec2types.Instance) []string { return str(i.ImageId) },
		"owner-id":           func(ec2types.Instance) []string { return []string{owner} },
		"private-ip-address": func(i ec2types.Instance) []string { return str(i.PrivateIpAddress) },
		"ip-address":         func(i ec2types.Instance) []string { return str(i.PublicIpAddress) },
		"key-name":           func(i ec2types.Instance) []string { return str(i.KeyName) },
		"instance.group-id": func(i ec2types.Instance) []string {
			var out []string
			for _, g := range i.SecurityGroups {
				out = append(out, aws.ToString(g.GroupId))
			}
			return out
		},
		"instance.group-name": func(i ec2types.Instance) []string {
			var out []string
			for _, g := range i.SecurityGroups {
				out = append(out, aws.ToString(g.GroupName))
			}
			return out
		},
		"iam-instance-profile.arn": func(i ec2types.Instance) []string {
			if i.IamInstanceProfile == nil {
				return nil
			}
			return str(i.IamInstanceProfile.Arn)
		},
		"metadata-options.http-tokens": func(i ec2types.Instance) []string {
			if i.MetadataOptions == nil {
				return nil
			}
			return []string{string(i.MetadataOptions.HttpTokens)}
		},
		"availability-zone": func(i ec2types.Instance) []string {
			if i.Placement == nil {
				return nil
			}
			return str(i.Placement.AvailabilityZone)
		},
	}
}

var vpcFields = fields[ec2types.Vpc]{
	"vpc-id":     func(v ec2types.Vpc) []string { return str(v.VpcId) },
	"cidr":       func(v ec2types.Vpc) []string { return str(v.CidrBlock) },
	"is-default": func(v ec2types.Vpc) []string { return boolStr(v.IsDefault) },
	"owner-id":   func(v ec2types.Vpc) []string { return str(v.OwnerId) },
	"state":      func(v ec2types.Vpc) []string { return []string{string(v.State)} },
	"cidr-block-association.cidr-block": func(v ec2types.Vpc) []string {
		var out []string
		for _, a := range v.CidrBlockAssociationSet {
			out = append(out, aws.ToString(a.CidrBlock))
		}
		return out
	},
}

var ruleFields = fields[ec2types.SecurityGroupRule]{
	"group-id":               func(r ec2types.SecurityGroupRule) []string { return str(r.GroupId) },
	"security-group-rule-id": func(r ec2types.SecurityGroupRule) []string { return str(r.SecurityGroupRuleId) },
}

var naclFields = fields[ec2types.NetworkAcl]{
	"network-acl-id": func(a ec2types.NetworkAcl) []string { return str(a.NetworkAclId) },
	"vpc-id":         func(a ec2types.NetworkAcl) []string { return str(a.VpcId) },
	"owner-id":       func(a ec2types.NetworkAcl) []string { return str(a.OwnerId) },
	"default":        func(a ec2types.NetworkAcl) []string { return boolStr(a.IsDefault) },
	"association.subnet-id": func(a ec2types.NetworkAcl) []string {
		var out []string
		for _, as := range a.Associations {
			out = append(out, aws.ToString(as.SubnetId))
		}
		return out
	},
}

var endpointFields = fields[ec2types.VpcEndpoint]{
	"vpc-endpoint-id":    func(e ec2types.VpcEndpoint) []string { return str(e.VpcEndpointId) },
	"vpc-id":             func(e ec2types.VpcEndpoint) []string { return str(e.VpcId) },
	"service-name":       func(e ec2types.VpcEndpoint) []string { return str(e.ServiceName) },
	"vpc-endpoint-state": func(e ec2types.VpcEndpoint) []string { return []string{string(e.State)} },
	"vpc-endpoint-type":  func(e ec2types.VpcEndpoint) []string { return []string{string(e.VpcEndpointType)} },
}

var flowLogFields = fields[ec2types.FlowLog]{
	"flow-log-id":          func(f ec2types.FlowLog) []string { return str(f.FlowLogId) },
	"resource-id":          func(f ec2types.FlowLog) []string { return str(f.ResourceId) },
	"log-group-name":       func(f ec2types.FlowLog) []string { return str(f.LogGroupName) },
	"traffic-type":         func(f ec2types.FlowLog) []string { return []string{string(f.TrafficType)} },
	"log-destination-type": func(f ec2types.FlowLog) []string { return []string{string(f.LogDestinationType)} },
	"deliver-log-status":   func(f ec2types.FlowLog) []string { return str(f.DeliverLogsStatus) },
}

var volumeFields = fields[ec2types.Volume]{
	"volume-id":         func(v ec2types.Volume) []string { return str(v.VolumeId) },
	"encrypted":         func(v ec2types.Volume) []string { return boolStr(v.Encrypted) },
	"status":            func(v ec2types.Volume) []string { return []string{string(v.State)} },
	"volume-type":       func(v ec2types.Volume) []string { return []string{string(v.VolumeType)} },
	"availability-zone": func(v ec2types.Volume) []string { return str(v.AvailabilityZone) },
	"attachment.instance-id": func(v ec2types.Volume) []string {
		var out []string
		for _, a := range v.Attachments {
			out = append(out, aws.ToString(a.InstanceId))
		}
		return out
	},
}

var regionFields = fields[ec2types.Region]{
	"region-name":   func(r ec2types.Region) []string { return str(r.RegionName) },
	"endpoint":      func(r ec2types.Region) []string { return str(r.Endpoint) },
	"opt-in-status": func(r ec2types.Region) []string { return str(r.OptInStatus) },
}
