package rules

import (
	dms "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice"

	"github.com/orgrail/orgrail/internal/findings"
)

// Sentences of Security Hub's DMS control page and the AWS Config page
// of DMS_REPLICATION_NOT_PUBLIC (DMS.1).
const (
	qDMSPublic = "This control checks whether AWS DMS replication instances are public. To do this, it examines the value of the PubliclyAccessible field."
	qDMSRule   = "The rule is NON_COMPLIANT if PubliclyAccessible field is set to true."
)

func init() {
	page, cfg := shDoc("dms-controls"), cfgDoc("dms-replication-not-public")
	failCases["dms.replication-not-public"] = func(f *fx) { migrate1(f).PubliclyAccessible = true }
	addDocCases(
		docCase{Rule: "dms.replication-not-public", Source: page, Quote: qDMSPublic, Name: "private replication instance", Want: findings.Passed},
		docCase{Rule: "dms.replication-not-public", Source: cfg, Quote: qDMSRule, Name: "publicly accessible replication instance",
			Mutate: func(f *fx) { migrate1(f).PubliclyAccessible = true }, Want: findings.Failed},
		docCase{Rule: "dms.replication-not-public", Source: page, Quote: qDMSPublic, Name: "no replication instances in the region",
			Mutate: func(f *fx) {
				op[dms.DescribeReplicationInstancesOutput](f, acctW, region1, "dms", "DescribeReplicationInstances").ReplicationInstances = nil
			}, Want: findings.NotApplicable},
	)
}
