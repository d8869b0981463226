package rules

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// Service Catalog AutoTags: AWS tags every resource a provisioned
// product launches with the product and provisioned product it came
// from.
const (
	tagSCProduct     = "aws:servicecatalog:productArn"
	tagSCProvisioned = "aws:servicecatalog:provisionedProductArn"
)

func init() {
	register(
		&Rule{ID: "lz.instance-approved-product", Title: "EC2 instances are launched from an approved Service Catalog product", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Instance", Services: []string{"ec2"},
			Rationale:   "Where the configuration requires approved templates, an instance launched by hand skips the hardening the catalog's products carry (IMDSv2, encrypted volumes, no public address).",
			Remediation: "Replace the instance with one launched from a product of the organization's catalog (orgrail plan/apply catalog:), or move the account out of catalog.requireApprovedProducts.",
			Mappings:    findings.Mappings{NistCsf: "PR.PS"},
			check:       checkApprovedProduct},
	)
}

// inOUs reports whether an OU path lies in or under one of paths
// (Root covers every account).
func inOUs(path string, paths []string) bool {
	for _, p := range paths {
		if p == "Root" || path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

func checkApprovedProduct(c *Ctx) error {
	ous := c.run.std.ApprovedProductOUs
	if len(ous) == 0 {
		c.NA("", "catalog.requireApprovedProducts is not set")
		return nil
	}
	if path := c.run.ouPath[c.Account.Id]; !inOUs(path, ous) {
		c.NA("", "the account's OU %q does not require approved products", path)
		return nil
	}
	inst, err := get[ec2.DescribeInstancesOutput](c.v, c.Region, "ec2", "DescribeInstances")
	if err != nil {
		return err
	}
	hub := c.run.org.MasterAccountId
	n := 0
	for _, r := range inst.Reservations {
		for _, i := range r.Instances {
			if i.State != nil && i.State.Name == ec2types.InstanceStateNameTerminated {
				continue
			}
			n++
			arn := c.arn("ec2", c.Region, c.Account.Id, "instance/"+aws(i.InstanceId))
			tags := ec2Tags(i.Tags)
			product, provisioned := tags[tagSCProduct], tags[tagSCProvisioned]
			switch {
			case product == "" || provisioned == "":
				c.Fail(arn, "instance %s was not launched from a Service Catalog product (no %s tag)", aws(i.InstanceId), tagSCProvisioned)
			case arnAccount(product) != hub:
				c.Fail(arn, "instance %s comes from product %s, which is not in the organization's catalog (management account %s)", aws(i.InstanceId), product, hub)
			default:
				c.Pass(arn, "instance %s was launched from product %s", aws(i.InstanceId), product)
			}
		}
	}
	if n == 0 {
		c.NA("", "no instances in %s", c.Region)
	}
	return nil
}
