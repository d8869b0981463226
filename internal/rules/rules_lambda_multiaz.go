package rules

import (
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// lambdaMinAZs is the Config rule's bar: NON_COMPLIANT with only one
// Availability Zone (its optional availabilityZones parameter is unset
// in Security Hub's Lambda.5).
const lambdaMinAZs = 2

// Security Hub's Lambda.5: a function connected to a VPC runs its
// network interfaces in the zones of its subnets; one zone fails with it.
func init() {
	register(&Rule{ID: "lambda.vpc-multi-az", Title: "VPC Lambda functions run in more than one Availability Zone", Severity: severity.Medium,
		Scope: ScopeRegion, ResourceType: "AWS::Lambda::Function", Services: []string{"lambda", "ec2"},
		Reads:       []string{"lambda:ListFunctions", "ec2:DescribeSubnets"},
		Rationale:   "A VPC function reaches its callers' resources only through the Availability Zones of its subnets; when they are all one zone, an outage of that zone stops the function.",
		Remediation: "Add subnets of a second Availability Zone to the function's VPC configuration (aws lambda update-function-configuration --vpc-config SubnetIds=...).",
		Mappings:    findings.Mappings{ConfigRule: "LAMBDA_VPC_MULTI_AZ_CHECK", SecurityHub: "Lambda.5", NistCsf: "PR.IR"},
		check:       checkLambdaMultiAZ})
}

func checkLambdaMultiAZ(c *Ctx) error {
	subnets, err := get[ec2.DescribeSubnetsOutput](c.v, c.Region, "ec2", "DescribeSubnets")
	if err != nil {
		return err
	}
	zoneOf := map[string]string{}
	for _, s := range subnets.Subnets {
		zoneOf[aws(s.SubnetId)] = aws(s.AvailabilityZone)
	}
	return eachFunction(c, func(f *lambdatypes.FunctionConfiguration, arn, name string) {
		if f.VpcConfig == nil || aws(f.VpcConfig.VpcId) == "" || len(f.VpcConfig.SubnetIds) == 0 {
			c.NA(arn, "function %s is not connected to a VPC", name)
			return
		}
		zones, unknown := map[string]bool{}, []string{}
		for _, s := range f.VpcConfig.SubnetIds {
			if z := zoneOf[s]; z != "" {
				zones[z] = true
			} else {
				unknown = append(unknown, s)
			}
		}
		list := make([]string, 0, len(zones))
		for z := range zones {
			list = append(list, z)
		}
		sort.Strings(list)
		switch {
		case len(zones) >= lambdaMinAZs:
			c.Pass(arn, "function %s runs in %d Availability Zones (%s)", name, len(zones), strings.Join(list, ", "))
		case len(unknown) > 0:
			// Subnets of the account (shared ones included) are all in
			// DescribeSubnets: one missing was deleted under the function.
			c.Fail(arn, "function %s runs in %d Availability Zone(s) (%s); subnets %v no longer exist", name, len(zones), strings.Join(list, ", "), unknown)
		default:
			c.Fail(arn, "function %s runs in only %d Availability Zone (%s)", name, len(zones), strings.Join(list, ", "))
		}
	})
}
