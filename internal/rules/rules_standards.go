package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(
		&Rule{ID: "lz.allowed-regions", Title: "Workloads run only in allowed regions", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"ec2", "rds", "lambda"},
			Rationale:   "Regions outside the landing zone's list escape its network design, data-residency promises and monitoring.",
			Remediation: "Move or delete the resources, and deny the region with a region-restriction SCP (aws:RequestedRegion).",
			Mappings:    findings.Mappings{NistCsf: "GV.PO"},
			check:       checkAllowedRegions},
		&Rule{ID: "lz.required-tags", Title: "Resources carry the required tags", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::Instance", Services: []string{"ec2", "rds"},
			Rationale:   "Tags name the owner, cost centre and data class of a resource; untagged resources have no one to call.",
			Remediation: "Add the missing tags, and enforce them with a tag policy and aws:RequestTag conditions.",
			Mappings:    findings.Mappings{ConfigRule: "REQUIRED_TAGS", NistCsf: "ID.AM"},
			check:       checkRequiredTags},
		&Rule{ID: "lz.bucket-required-tags", Title: "S3 buckets carry the required tags", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3"},
			Rationale:   "Tags name the owner and data class of a bucket; untagged buckets have no one to call.",
			Remediation: "Add the missing tags to the bucket (aws s3api put-bucket-tagging).",
			Mappings:    findings.Mappings{ConfigRule: "REQUIRED_TAGS", NistCsf: "ID.AM"},
			check:       checkBucketTags},
		&Rule{ID: "lz.log-retention", Title: "The Log Archive keeps trail logs as long as declared", Severity: severity.Medium,
			Scope: ScopeOrg, ResourceType: typeBucket, Services: []string{"s3", "cloudtrail"},
			Rationale:   "Investigations reach back months; logs expired before standards.logRetentionDays are evidence lost.",
			Remediation: "Set the Log Archive bucket's lifecycle expiration to at least standards.logRetentionDays (or no expiration).",
			Mappings:    findings.Mappings{NistCsf: "PR.DS"},
			check:       checkLogRetention},
	)
}

func checkAllowedRegions(c *Ctx) error {
	allowed := c.run.std.AllowedRegions
	if len(allowed) == 0 {
		c.NA("", "standards.allowedRegions is not set")
		return nil
	}
	if contains(allowed, c.Region) {
		c.Pass("", "%s is an allowed region", c.Region)
		return nil
	}
	var found []string
	inst, err := get[ec2.DescribeInstancesOutput](c.v, c.Region, "ec2", "DescribeInstances")
	if err != nil {
		return err
	}
	for _, r := range inst.Reservations {
		for _, i := range r.Instances {
			if i.State == nil || i.State.Name != ec2types.InstanceStateNameTerminated {
				found = append(found, aws(i.InstanceId))
			}
		}
	}
	vpcs, err := get[ec2.DescribeVpcsOutput](c.v, c.Region, "ec2", "DescribeVpcs")
	if err != nil {
		return err
	}
	for _, v := range vpcs.Vpcs {
		if !boolv(v.IsDefault) {
			found = append(found, aws(v.VpcId))
		}
	}
	if dbs, err := get[rds.DescribeDBInstancesOutput](c.v, c.Region, "rds", "DescribeDBInstances"); err == nil {
		for _, d := range dbs.DBInstances {
			found = append(found, aws(d.DBInstanceIdentifier))
		}
	} else if !c.v.has(c.Region, "rds") {
		return err
	}
	if fs, err := get[lambda.ListFunctionsOutput](c.v, c.Region, "lambda", "ListFunctions"); err == nil {
		for _, f := range fs.Functions {
			found = append(found, aws(f.FunctionName))
		}
	} else if !c.v.has(c.Region, "lambda") {
		return err
	}
	if len(found) == 0 {
		c.Pass("", "no workload resources in %s, which is not an allowed region", c.Region)
		return nil
	}
	sort.Strings(found)
	c.Fail("", "%d resources in %s, which is not an allowed region: %s", len(found), c.Region, strings.Join(found, ", "))
	return nil
}

// missingTags returns the required tag keys absent from tags.
func missingTags(required []string, tags map[string]string) []string {
	var miss []string
	for _, k := range required {
		if _, ok := tags[k]; !ok {
			miss = append(miss, k)
		}
	}
	return miss
}

func ec2Tags(ts []ec2types.Tag) map[string]string {
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[aws(t.Key)] = aws(t.Value)
	}
	return m
}

func checkRequiredTags(c *Ctx) error {
	req := c.run.std.RequiredTags
	if len(req) == 0 {
		c.NA("", "standards.requiredTags is not set")
		return nil
	}
	n := 0
	judge := func(arn, what string, tags map[string]string) {
		n++
		miss := missingTags(req, tags)
		c.Check(len(miss) == 0, arn, what+" has the required tags", what+" lacks tags "+strings.Join(miss, ", "))
	}
	inst, err := get[ec2.DescribeInstancesOutput](c.v, c.Region, "ec2", "DescribeInstances")
	if err != nil {
		return err
	}
	for _, r := range inst.Reservations {
		for _, i := range r.Instances {
			if i.State != nil && i.State.Name == ec2types.InstanceStateNameTerminated {
				continue
			}
			judge(c.arn("ec2", c.Region, c.Account.Id, "instance/"+aws(i.InstanceId)), "instance "+aws(i.InstanceId), ec2Tags(i.Tags))
		}
	}
	vpcs, err := get[ec2.DescribeVpcsOutput](c.v, c.Region, "ec2", "DescribeVpcs")
	if err != nil {
		return err
	}
	for _, v := range vpcs.Vpcs {
		if !boolv(v.IsDefault) {
			judge(c.arn("ec2", c.Region, c.Account.Id, "vpc/"+aws(v.VpcId)), "VPC "+aws(v.VpcId), ec2Tags(v.Tags))
		}
	}
	if dbs, err := get[rds.DescribeDBInstancesOutput](c.v, c.Region, "rds", "DescribeDBInstances"); err == nil {
		for _, d := range dbs.DBInstances {
			tags := map[string]string{}
			for _, t := range d.TagList {
				tags[aws(t.Key)] = aws(t.Value)
			}
			judge(aws(d.DBInstanceArn), "database "+aws(d.DBInstanceIdentifier), tags)
		}
	} else if !c.v.has(c.Region, "rds") {
		return err
	}
	if n == 0 {
		c.NA("", "no taggable workload resources in %s", c.Region)
	}
	return nil
}

func checkBucketTags(c *Ctx) error {
	req := c.run.std.RequiredTags
	if len(req) == 0 {
		c.NA("", "standards.requiredTags is not set")
		return nil
	}
	return eachBucket(c, func(b *bucket) error {
		tags := map[string]string{}
		out, err := bget[s3.GetBucketTaggingOutput](b, "GetBucketTagging")
		if code, ok := benign(err); !ok || code != "NoSuchTagSet" {
			if err != nil {
				return err
			}
			for _, t := range out.TagSet {
				tags[aws(t.Key)] = aws(t.Value)
			}
		}
		miss := missingTags(req, tags)
		c.Check(len(miss) == 0, b.Arn, "bucket has the required tags", "bucket "+b.Name+" lacks tags "+strings.Join(miss, ", "))
		return nil
	})
}

// lifecycleOutput is GetBucketLifecycleConfiguration's output, as much
// as the retention check needs.
type lifecycleOutput struct {
	Rules []struct {
		Status     string
		Expiration *struct{ Days *int32 }
	}
}

func checkLogRetention(c *Ctx) error {
	want := c.run.std.LogRetentionDays
	if want == 0 {
		c.NA("", "standards.logRetentionDays is not set")
		return nil
	}
	f := c.run.facts
	if len(f.orgTrails) == 0 {
		if f.orgTrailsErr != nil {
			return f.orgTrailsErr
		}
		c.NA("", "no organization trail, so no Log Archive bucket to check")
		return nil
	}
	if f.logArchive == "" {
		return fmt.Errorf("no Log Archive account: set security.logArchiveAccount in the configuration")
	}
	bucket := aws(f.orgTrails[0].S3BucketName)
	arn := fmt.Sprintf("arn:%s:s3:::%s", c.Partition(), bucket)
	lc, err := getRes[lifecycleOutput](c.viewOf(f.logArchive), "global", "s3", "GetBucketLifecycleConfiguration", bucket)
	if code, ok := benign(err); ok && code == "NoSuchLifecycleConfiguration" {
		c.Pass(arn, "no lifecycle expiration: logs are kept indefinitely")
		return nil
	}
	if err != nil {
		return fmt.Errorf("the Log Archive bucket's lifecycle is needed: %w", err)
	}
	shortest := int32(0)
	for _, r := range lc.Rules {
		if r.Status == "Enabled" && r.Expiration != nil && r.Expiration.Days != nil && (shortest == 0 || *r.Expiration.Days < shortest) {
			shortest = *r.Expiration.Days
		}
	}
	c.Check(shortest == 0 || int(shortest) >= want, arn, fmt.Sprintf("logs kept at least %d days", want),
		fmt.Sprintf("bucket %s expires logs after %d days, standards.logRetentionDays is %d", bucket, shortest, want))
	return nil
}
