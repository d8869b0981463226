package rules

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(&Rule{ID: "ec2.ebs-optimized", Title: "EC2 instances that can be EBS-optimized are", Severity: severity.Low,
		Scope: ScopeRegion, ResourceType: "AWS::EC2::Instance", Services: []string{"ec2"},
		Reads:       []string{"ec2:DescribeInstances", "ec2:DescribeInstanceTypes"},
		Rationale:   "Without EBS optimization, volume traffic shares the instance's network with everything else, so storage I/O slows and stalls under network load.",
		Remediation: "Stop the instance and turn EBS optimization on (aws ec2 modify-instance-attribute --ebs-optimized), or move it to a current type that is EBS-optimized by default.",
		Mappings: findings.Mappings{ConfigRule: "EBS_OPTIMIZED_INSTANCE", NistCsf: "PR.IR",
			ControlTower: "AWS-GR_EBS_OPTIMIZED_INSTANCE"},
		check: checkEBSOptimized})
}

func checkEBSOptimized(c *Ctx) error {
	types, err := get[ec2.DescribeInstanceTypesOutput](c.v, c.Region, "ec2", "DescribeInstanceTypes")
	if err != nil {
		return err
	}
	support := map[ec2types.InstanceType]ec2types.EbsOptimizedSupport{}
	for _, t := range types.InstanceTypes {
		if t.EbsInfo != nil {
			support[t.InstanceType] = t.EbsInfo.EbsOptimizedSupport
		}
	}
	return eachInstance(c, func(i ec2types.Instance, arn string) {
		id, typ := aws(i.InstanceId), i.InstanceType
		s, known := support[typ]
		switch {
		case !known:
			c.Err(arn, fmt.Errorf("instance %s: type %s is not in the snapshot's DescribeInstanceTypes", id, typ))
		case s == ec2types.EbsOptimizedSupportDefault:
			c.Pass(arn, "instance %s: %s is EBS-optimized by default", id, typ)
		case s == ec2types.EbsOptimizedSupportUnsupported:
			c.NA(arn, "instance %s: %s cannot be EBS-optimized", id, typ)
		case i.EbsOptimized != nil && *i.EbsOptimized:
			c.Pass(arn, "instance %s (%s) is EBS-optimized", id, typ)
		default:
			c.Fail(arn, "instance %s: %s can be EBS-optimized, and the instance is not", id, typ)
		}
	})
}
