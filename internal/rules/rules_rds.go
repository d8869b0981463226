package rules

import (
	"fmt"
	"slices"
	"strings"

	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// The RDS instance settings of Security Hub's RDS.5, RDS.8, RDS.10 and
// RDS.11, judged as the AWS Config managed rules behind them do.
func init() {
	register(
		&Rule{ID: "rds.multi-az", Title: "RDS instances are deployed in multiple Availability Zones", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeDB, Services: []string{"rds"},
			Rationale:   "A Multi-AZ instance fails over to a synchronous standby in another zone; a single-AZ one waits for the zone.",
			Remediation: "Modify the instance with --multi-az (a standby is created during the next maintenance window or at once with --apply-immediately).",
			Mappings:    findings.Mappings{ConfigRule: "RDS_MULTI_AZ_SUPPORT", SecurityHub: "RDS.5", NistCsf: "PR.IR"},
			check:       checkRDSMultiAZ},
		&Rule{ID: "rds.deletion-protection", Title: "RDS instances have deletion protection enabled", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: typeDB, Services: []string{"rds"},
			Rationale:   "Deletion protection stops a mistaken or malicious DeleteDBInstance until someone turns it off on purpose.",
			Remediation: "Modify the instance with --deletion-protection.",
			Mappings:    findings.Mappings{ConfigRule: "RDS_INSTANCE_DELETION_PROTECTION_ENABLED", SecurityHub: "RDS.8", NistCsf: "PR.DS"},
			check:       checkRDSDeletionProtection},
		&Rule{ID: "rds.iam-authentication", Title: "RDS instances have IAM database authentication enabled", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeDB, Services: []string{"rds"},
			Rationale:   "IAM database authentication replaces long-lived database passwords with short-lived tokens tied to IAM identities.",
			Remediation: "Modify the instance with --enable-iam-database-authentication and grant rds-db:connect to the roles that need it.",
			Mappings:    findings.Mappings{ConfigRule: "RDS_INSTANCE_IAM_AUTHENTICATION_ENABLED", SecurityHub: "RDS.10", NistCsf: "PR.AA"},
			check:       checkRDSIAMAuth},
		&Rule{ID: "rds.backup-enabled", Title: "RDS instances have automated backups enabled", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeDB, Services: []string{"rds"},
			Rationale:   "Without automated backups there is no point-in-time restore after corruption, ransomware or a bad migration.",
			Remediation: "Modify the instance with --backup-retention-period 7 (or more).",
			Mappings:    findings.Mappings{ConfigRule: "DB_INSTANCE_BACKUP_ENABLED", SecurityHub: "RDS.11", NistCsf: "PR.DS"},
			check:       checkRDSBackups},
	)
}

// eachDB calls fn for every instance of the region with its ARN.
func eachDB(c *Ctx, fn func(db *rdstypes.DBInstance, arn, id string)) error {
	out, err := dbInstances(c)
	if err != nil {
		return err
	}
	for i := range out.DBInstances {
		db := &out.DBInstances[i]
		id := aws(db.DBInstanceIdentifier)
		fn(db, nonEmpty(aws(db.DBInstanceArn), c.arn("rds", c.Region, c.accountID(), "db:"+id)), id)
	}
	return nil
}

// clusterEngine says whether the engine keeps its storage and
// availability in a cluster (Aurora, DocumentDB, Neptune): instance
// settings such as Multi-AZ and deletion protection live on the cluster.
func clusterEngine(engine string) bool {
	e := strings.ToLower(engine)
	return strings.HasPrefix(e, "aurora") || e == "docdb" || e == "neptune"
}

func checkRDSMultiAZ(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		switch {
		case clusterEngine(aws(db.Engine)):
			c.NA(arn, "%s runs %s: its availability is the cluster's", id, aws(db.Engine))
		case db.MultiAZ == nil:
			c.Err(arn, fmt.Errorf("DescribeDBInstances gives no MultiAZ for %s", id))
		default:
			c.Check(*db.MultiAZ, arn, id+" is a Multi-AZ deployment", id+" runs in a single Availability Zone")
		}
	})
}

func checkRDSDeletionProtection(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		switch {
		case db.DBClusterIdentifier != nil && clusterEngine(aws(db.Engine)):
			c.NA(arn, "%s belongs to cluster %s, where deletion protection is set", id, aws(db.DBClusterIdentifier))
		default:
			on := db.DeletionProtection != nil && *db.DeletionProtection
			c.Check(on, arn, id+" has deletion protection", id+" has no deletion protection")
		}
	})
}

// iamAuthEngines are the engines RDS_INSTANCE_IAM_AUTHENTICATION_ENABLED
// evaluates, and iamAuthStatuses the instance states it judges.
var (
	iamAuthEngines  = []string{"mysql", "postgres", "aurora", "aurora-mysql", "aurora-postgresql"}
	iamAuthStatuses = []string{"available", "backing-up", "storage-optimization", "storage-full"}
)

func checkRDSIAMAuth(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		engine, status := strings.ToLower(aws(db.Engine)), strings.ToLower(aws(db.DBInstanceStatus))
		switch {
		case !slices.Contains(iamAuthEngines, engine):
			c.NA(arn, "%s runs %s, which has no IAM database authentication", id, aws(db.Engine))
		case status != "" && !slices.Contains(iamAuthStatuses, status):
			c.NA(arn, "%s is %s", id, status)
		default:
			on := db.IAMDatabaseAuthenticationEnabled != nil && *db.IAMDatabaseAuthenticationEnabled
			c.Check(on, arn, id+" accepts IAM database authentication", id+" does not have IAM database authentication enabled")
		}
	})
}

func checkRDSBackups(c *Ctx) error {
	return eachDB(c, func(db *rdstypes.DBInstance, arn, id string) {
		switch {
		case db.ReadReplicaSourceDBInstanceIdentifier != nil:
			c.NA(arn, "%s is a read replica of %s (read replicas are not checked)", id, aws(db.ReadReplicaSourceDBInstanceIdentifier))
		case db.BackupRetentionPeriod == nil:
			c.Err(arn, fmt.Errorf("DescribeDBInstances gives no BackupRetentionPeriod for %s", id))
		default:
			c.Check(*db.BackupRetentionPeriod > 0, arn, fmt.Sprintf("%s keeps automated backups %d days", id, *db.BackupRetentionPeriod),
				id+" has automated backups disabled (retention 0)")
		}
	})
}
