package rules

import (
	dms "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const typeDMSReplicationInstance = "AWS::DMS::ReplicationInstance"

// Security Hub's DMS.1, from DescribeReplicationInstances.
func init() {
	register(
		&Rule{ID: "dms.replication-not-public", Title: "DMS replication instances are not publicly accessible", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: typeDMSReplicationInstance, Services: []string{"dms"},
			Rationale:   "A public replication instance has a public IP address on the internet while it holds connections to the source and target databases, and often their data in flight.",
			Remediation: "Public access cannot be turned off on an existing replication instance: create a private one (without --publicly-accessible) in the VPC, move the tasks to it and delete the public one.",
			Mappings:    findings.Mappings{ConfigRule: "DMS_REPLICATION_NOT_PUBLIC", SecurityHub: "DMS.1", NistCsf: "PR.IR"},
			Reads:       []string{"dms:DescribeReplicationInstances"},
			check:       checkDMSNotPublic},
	)
}

func checkDMSNotPublic(c *Ctx) error {
	out, err := get[dms.DescribeReplicationInstancesOutput](c.v, c.Region, "dms", "DescribeReplicationInstances")
	if err != nil {
		return err
	}
	if len(out.ReplicationInstances) == 0 {
		c.NA("", "no DMS replication instances in %s", c.Region)
	}
	for _, ri := range out.ReplicationInstances {
		id := aws(ri.ReplicationInstanceIdentifier)
		arn := nonEmpty(aws(ri.ReplicationInstanceArn), c.arn("dms", c.Region, c.accountID(), "rep:"+id))
		c.Check(!ri.PubliclyAccessible, arn, "replication instance "+id+" is private",
			"replication instance "+id+" is publicly accessible")
	}
	return nil
}
