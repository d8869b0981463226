package rules

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// stoppedAllowedDays is EC2_STOPPED_INSTANCE's AllowedDays default and
// Security Hub's EC2.4 parameter: an instance stopped longer fails.
const stoppedAllowedDays = 30

func init() {
	register(
		&Rule{ID: "ec2.snapshot-not-public", Title: "EBS snapshots are not publicly restorable", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Snapshot", Services: []string{"ec2"},
			Reads:       []string{"ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"},
			Rationale:   "Anyone with an AWS account can create a volume from a public snapshot and read every file the disk held.",
			Remediation: "Remove the all group from the snapshot's createVolumePermission (aws ec2 modify-snapshot-attribute --operation-type remove --group-names all) and turn on snapshot block public access.",
			Mappings: findings.Mappings{ConfigRule: "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK", SecurityHub: "EC2.1", NistCsf: "PR.DS",
				ControlTower: "AWS-GR_EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK"},
			check: checkSnapshotsNotPublic},
		&Rule{ID: "ec2.stopped-instance", Title: "EC2 instances are not stopped for more than 30 days", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeInstance, Services: []string{"ec2"},
			Reads:       []string{"ec2:DescribeInstances"},
			Rationale:   "An instance stopped for weeks is forgotten: it misses patches, keeps its volumes and role, and can be started again as it was.",
			Remediation: "Terminate instances nobody needs (after a snapshot if the data matters), or start and patch the ones still in use.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_STOPPED_INSTANCE", SecurityHub: "EC2.4", NistCsf: "ID.AM"},
			check:       checkStoppedInstances},
		&Rule{ID: "ec2.paravirtual-instance", Title: "EC2 instances do not use paravirtual virtualization", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeInstance, Services: []string{"ec2"},
			Reads:       []string{"ec2:DescribeInstances"},
			Rationale:   "Paravirtual (PV) instances run on previous-generation types and AMIs without current security and performance features; AWS recommends HVM.",
			Remediation: "Rebuild the workload on an HVM AMI and a current-generation instance type, then terminate the paravirtual instance.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_PARAVIRTUAL_INSTANCE_CHECK", SecurityHub: "EC2.24", NistCsf: "PR.PS"},
			check:       checkParavirtual},
		&Rule{ID: "ec2.launch-template-no-public-ip", Title: "EC2 launch templates do not assign public IPs to network interfaces", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::LaunchTemplate", Services: []string{"ec2"},
			Reads:       []string{"ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"},
			Rationale:   "Every instance launched from a template that associates a public IP address is reachable from the internet as soon as a security group allows it.",
			Remediation: "Create a template version whose network interfaces set AssociatePublicIpAddress to false and make it the default (aws ec2 modify-launch-template --default-version).",
			Mappings:    findings.Mappings{ConfigRule: "EC2_LAUNCH_TEMPLATE_PUBLIC_IP_DISABLED", SecurityHub: "EC2.25", NistCsf: "PR.IR"},
			check:       checkLaunchTemplatePublicIP},
		&Rule{ID: "ec2.instance-in-vpc", Title: "EC2 instances run in a VPC", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeInstance, Services: []string{"ec2"},
			Reads:       []string{"ec2:DescribeInstances"},
			Rationale:   "Instances outside a VPC (EC2-Classic) get none of the network isolation, security group egress rules or flow logs a VPC provides.",
			Remediation: "Migrate the instance into a VPC: launch a replacement from an AMI of it in a VPC subnet and terminate the original.",
			Mappings:    findings.Mappings{ConfigRule: "INSTANCES_IN_VPC", SecurityHub: "EC2.29", NistCsf: "PR.IR"},
			check:       checkInstanceInVPC},
		&Rule{ID: "ec2.volume-in-use", Title: "EBS volumes are attached to instances", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Volume", Services: []string{"ec2"},
			Reads:       []string{"ec2:DescribeVolumes", "ec2:DescribeInstances"},
			Rationale:   "A detached volume still holds its data and costs money while nobody watches it; it is easy to forget and to share by mistake.",
			Remediation: "Snapshot the volume if its data matters, then delete it (aws ec2 delete-volume), or attach it to the instance that needs it.",
			Mappings: findings.Mappings{ConfigRule: "EC2_VOLUME_INUSE_CHECK", NistCsf: "ID.AM",
				ControlTower: "AWS-GR_EC2_VOLUME_INUSE_CHECK"},
			check: checkVolumeInUse},
	)
}

// checkSnapshotsNotPublic is EC2.1 / EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK:
// a snapshot the all group may create volumes from is public. AWS judges
// the account; orgrail names each public snapshot.
func checkSnapshotsNotPublic(c *Ctx) error {
	out, err := get[ec2.DescribeSnapshotsOutput](c.v, c.Region, "ec2", "DescribeSnapshots")
	if err != nil {
		return err
	}
	if len(out.Snapshots) == 0 {
		c.NA("", "no EBS snapshots owned in %s", c.Region)
	}
	for _, s := range out.Snapshots {
		id := aws(s.SnapshotId)
		arn := c.arn("ec2", c.Region, "", "snapshot/"+id)
		attr, err := getRes[ec2.DescribeSnapshotAttributeOutput](c.v, c.Region, "ec2", "DescribeSnapshotAttribute", id)
		if err != nil {
			if code, ok := benign(err); ok && code == "InvalidSnapshot.NotFound" {
				c.NA(arn, "snapshot %s was deleted during the collection", id)
				continue
			}
			c.Err(arn, err)
			continue
		}
		public := false
		for _, p := range attr.CreateVolumePermissions {
			if p.Group == ec2types.PermissionGroupAll {
				public = true
			}
		}
		c.Check(!public, arn, "snapshot "+id+" is not public", "snapshot "+id+" is publicly restorable (createVolumePermission group all)")
	}
	return nil
}

// stopTime reads when a stopped instance stopped from its
// StateTransitionReason ("User initiated (2026-01-02 03:04:05 GMT)").
var stopTime = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) GMT\)`)

// checkStoppedInstances is EC2.4 / EC2_STOPPED_INSTANCE: an instance
// stopped for longer than 30 days fails, and so does one whose stop time
// cannot be determined.
func checkStoppedInstances(c *Ctx) error {
	return eachInstance(c, func(i ec2types.Instance, arn string) {
		id := aws(i.InstanceId)
		if i.State == nil || i.State.Name != ec2types.InstanceStateNameStopped {
			c.Pass(arn, "instance %s is not stopped", id)
			return
		}
		m := stopTime.FindStringSubmatch(aws(i.StateTransitionReason))
		if m == nil {
			c.Fail(arn, "instance %s is stopped and when it stopped cannot be determined", id)
			return
		}
		at, err := time.Parse("2006-01-02 15:04:05", m[1])
		if err != nil {
			c.Fail(arn, "instance %s is stopped and when it stopped cannot be determined", id)
			return
		}
		days := c.Now().Sub(at).Hours() / 24
		if days > stoppedAllowedDays {
			c.Fail(arn, "instance %s has been stopped for %d days (since %s), more than %d", id, int(days), at.Format("2006-01-02"), stoppedAllowedDays)
			return
		}
		c.Pass(arn, "instance %s has been stopped for %d days, within %d", id, int(days), stoppedAllowedDays)
	})
}

func checkParavirtual(c *Ctx) error {
	return eachInstance(c, func(i ec2types.Instance, arn string) {
		c.Check(i.VirtualizationType != ec2types.VirtualizationTypeParavirtual, arn,
			"instance "+aws(i.InstanceId)+" uses "+nonEmpty(string(i.VirtualizationType), "hvm")+" virtualization",
			"instance "+aws(i.InstanceId)+" uses paravirtual virtualization")
	})
}

func checkInstanceInVPC(c *Ctx) error {
	return eachInstance(c, func(i ec2types.Instance, arn string) {
		c.Check(aws(i.VpcId) != "", arn, "instance "+aws(i.InstanceId)+" runs in "+aws(i.VpcId),
			"instance "+aws(i.InstanceId)+" does not run in a VPC")
	})
}

// checkLaunchTemplatePublicIP is EC2.25 /
// EC2_LAUNCH_TEMPLATE_PUBLIC_IP_DISABLED: the default version of each
// launch template must not set AssociatePublicIpAddress on any network
// interface.
func checkLaunchTemplatePublicIP(c *Ctx) error {
	lts, err := get[ec2.DescribeLaunchTemplatesOutput](c.v, c.Region, "ec2", "DescribeLaunchTemplates")
	if err != nil {
		return err
	}
	vers, err := get[ec2.DescribeLaunchTemplateVersionsOutput](c.v, c.Region, "ec2", "DescribeLaunchTemplateVersions")
	if err != nil {
		return err
	}
	if len(lts.LaunchTemplates) == 0 {
		c.NA("", "no launch templates in %s", c.Region)
	}
	for _, lt := range lts.LaunchTemplates {
		id, name := aws(lt.LaunchTemplateId), aws(lt.LaunchTemplateName)
		arn := c.arn("ec2", c.Region, c.Account.Id, "launch-template/"+id)
		var def *ec2types.LaunchTemplateVersion
		for k := range vers.LaunchTemplateVersions {
			v := &vers.LaunchTemplateVersions[k]
			if aws(v.LaunchTemplateId) == id && (boolv(v.DefaultVersion) ||
				(v.VersionNumber != nil && lt.DefaultVersionNumber != nil && *v.VersionNumber == *lt.DefaultVersionNumber)) {
				def = v
				break
			}
		}
		if def == nil {
			c.Err(arn, fmt.Errorf("the default version of launch template %s (%s) was not collected", name, id))
			continue
		}
		public := false
		if def.LaunchTemplateData != nil {
			for _, ni := range def.LaunchTemplateData.NetworkInterfaces {
				if boolv(ni.AssociatePublicIpAddress) {
					public = true
				}
			}
		}
		c.Check(!public, arn, "launch template "+name+" assigns no public IP",
			fmt.Sprintf("the default version (%d) of launch template %s assigns a public IP address to a network interface", int64v(def.VersionNumber), name))
	}
	return nil
}

func int64v(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// checkVolumeInUse is EC2_VOLUME_INUSE_CHECK: a volume attached to a
// running or stopped instance passes; one attached to nothing, or to a
// terminated instance, fails.
func checkVolumeInUse(c *Ctx) error {
	vols, err := get[ec2.DescribeVolumesOutput](c.v, c.Region, "ec2", "DescribeVolumes")
	if err != nil {
		return err
	}
	insts, err := get[ec2.DescribeInstancesOutput](c.v, c.Region, "ec2", "DescribeInstances")
	if err != nil {
		return err
	}
	terminated := map[string]bool{}
	for _, r := range insts.Reservations {
		for _, i := range r.Instances {
			if i.State != nil && i.State.Name == ec2types.InstanceStateNameTerminated {
				terminated[aws(i.InstanceId)] = true
			}
		}
	}
	if len(vols.Volumes) == 0 {
		c.NA("", "no EBS volumes in %s", c.Region)
	}
	for _, v := range vols.Volumes {
		id := aws(v.VolumeId)
		arn := c.arn("ec2", c.Region, c.Account.Id, "volume/"+id)
		on := ""
		for _, a := range v.Attachments {
			if a.State == ec2types.VolumeAttachmentStateAttached && !terminated[aws(a.InstanceId)] {
				on = aws(a.InstanceId)
			}
		}
		c.Check(on != "", arn, "volume "+id+" is attached to "+on, "volume "+id+" is not attached to a running or stopped instance")
	}
	return nil
}
