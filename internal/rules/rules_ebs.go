package rules

import (
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(
		&Rule{ID: "ec2.volumes-encrypted", Title: "Attached EBS volumes are encrypted", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Volume", Services: []string{"ec2"},
			Rationale:   "An unencrypted volume exposes its data in snapshots, copies and on retired hardware; encryption at rest costs nothing in performance.",
			Remediation: "Snapshot the volume, copy the snapshot with encryption, create a volume from it and swap it in; turn on EBS encryption by default.",
			Mappings:    findings.Mappings{ConfigRule: "ENCRYPTED_VOLUMES", SecurityHub: "EC2.3", NistCsf: "PR.DS"},
			check:       checkVolumesEncrypted},
	)
}

// checkVolumesEncrypted is EC2.3 / ENCRYPTED_VOLUMES: volumes in an
// attached state must be encrypted; AWS does not judge the others.
func checkVolumesEncrypted(c *Ctx) error {
	out, err := get[ec2.DescribeVolumesOutput](c.v, c.Region, "ec2", "DescribeVolumes")
	if err != nil {
		return err
	}
	if len(out.Volumes) == 0 {
		c.NA("", "no EBS volumes in %s", c.Region)
	}
	for _, v := range out.Volumes {
		id := aws(v.VolumeId)
		arn := c.arn("ec2", c.Region, c.Account.Id, "volume/"+id)
		if !attached(v) {
			c.NA(arn, "volume %s is not attached", id)
			continue
		}
		c.Check(boolv(v.Encrypted), arn, "volume "+id+" is encrypted", "attached volume "+id+" is not encrypted")
	}
	return nil
}

func attached(v ec2types.Volume) bool {
	for _, a := range v.Attachments {
		if a.State == ec2types.VolumeAttachmentStateAttached {
			return true
		}
	}
	return false
}
