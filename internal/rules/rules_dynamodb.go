package rules

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	daxtypes "github.com/aws/aws-sdk-go-v2/service/dax/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeDynamoDBTable = "AWS::DynamoDB::Table"
	typeDAXCluster    = "AWS::DAX::Cluster"
)

// DynamoDB.1, DynamoDB.2 and DynamoDB.3, judged as the AWS Config
// managed rules behind them do.
func init() {
	register(
		&Rule{ID: "dynamodb.autoscaling", Title: "DynamoDB tables scale their capacity with demand", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeDynamoDBTable, Services: []string{"dynamodb", "applicationautoscaling"},
			Reads:       []string{"dynamodb:ListTables", "dynamodb:DescribeTable", "applicationautoscaling:DescribeScalableTargets"},
			Rationale:   "A provisioned table without auto scaling throttles requests when traffic outgrows its fixed capacity, and pays for idle capacity when it shrinks.",
			Remediation: "Switch the table to on-demand capacity, or register its read and write capacity (and each global secondary index's) with Application Auto Scaling and a target tracking policy.",
			Mappings:    findings.Mappings{ConfigRule: "DYNAMODB_AUTOSCALING_ENABLED", SecurityHub: "DynamoDB.1", NistCsf: "PR.IR"},
			check:       checkDynamoDBAutoscaling},
		&Rule{ID: "dynamodb.pitr-enabled", Title: "DynamoDB tables have point-in-time recovery enabled", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeDynamoDBTable, Services: []string{"dynamodb"},
			Reads:       []string{"dynamodb:ListTables", "dynamodb:DescribeContinuousBackups"},
			Rationale:   "Point-in-time recovery restores a table to any second of the last 35 days after an accidental write, delete or a bad deployment; without it only on-demand backups remain.",
			Remediation: "Turn on point-in-time recovery (aws dynamodb update-continuous-backups --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true).",
			Mappings:    findings.Mappings{ConfigRule: "DYNAMODB_PITR_ENABLED", SecurityHub: "DynamoDB.2", NistCsf: "PR.DS"},
			check:       checkDynamoDBPITR},
		&Rule{ID: "dax.encryption-at-rest", Title: "DynamoDB Accelerator (DAX) clusters are encrypted at rest", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeDAXCluster, Services: []string{"dax"},
			Reads:       []string{"dax:DescribeClusters"},
			Rationale:   "A DAX cluster caches table items on its nodes' disks; without encryption at rest that copy of the data is not protected like the table itself.",
			Remediation: "Encryption at rest is chosen when the cluster is created: create a new cluster with server-side encryption, move the clients to it and delete the old one.",
			Mappings:    findings.Mappings{ConfigRule: "DAX_ENCRYPTION_ENABLED", SecurityHub: "DynamoDB.3", NistCsf: "PR.DS"},
			check:       checkDAXEncryption},
	)
}

// eachTable runs fn on every table of the region listed by ListTables.
func eachTable(c *Ctx, fn func(name, arn string)) error {
	out, err := get[dynamodb.ListTablesOutput](c.v, c.Region, "dynamodb", "ListTables")
	if err != nil {
		return err
	}
	if len(out.TableNames) == 0 {
		c.NA("", "no DynamoDB tables in %s", c.Region)
	}
	for _, name := range out.TableNames {
		fn(name, c.arn("dynamodb", c.Region, c.accountID(), "table/"+name))
	}
	return nil
}

func checkDynamoDBAutoscaling(c *Ctx) error {
	st, stErr := get[applicationautoscaling.DescribeScalableTargetsOutput](c.v, c.Region, "applicationautoscaling", "DescribeScalableTargets")
	scaled := map[string]bool{} // resource id + "|" + scalable dimension
	if stErr == nil {
		for _, t := range st.ScalableTargets {
			scaled[aws(t.ResourceId)+"|"+string(t.ScalableDimension)] = true
		}
	}
	return eachTable(c, func(name, arn string) {
		d, err := getRes[dynamodb.DescribeTableOutput](c.v, c.Region, "dynamodb", "DescribeTable", name)
		if err != nil {
			if _, ok := benign(err); ok {
				return // deleted between ListTables and DescribeTable
			}
			c.Err(arn, err)
			return
		}
		t := d.Table
		if t == nil {
			c.Err(arn, fmt.Errorf("DescribeTable gives no table for %s", name))
			return
		}
		arn = nonEmpty(aws(t.TableArn), arn)
		if t.BillingModeSummary != nil && t.BillingModeSummary.BillingMode == ddbtypes.BillingModePayPerRequest {
			c.Pass(arn, "table %s uses on-demand capacity", name)
			return
		}
		if stErr != nil {
			c.Err(arn, stErr)
			return
		}
		var missing []string
		need := func(resource, kind string) {
			for _, dim := range []string{"ReadCapacityUnits", "WriteCapacityUnits"} {
				if !scaled[resource+"|dynamodb:"+kind+":"+dim] {
					missing = append(missing, resource+" "+dim)
				}
			}
		}
		need("table/"+name, "table")
		for _, g := range t.GlobalSecondaryIndexes {
			need("table/"+name+"/index/"+aws(g.IndexName), "index")
		}
		if len(missing) == 0 {
			c.Pass(arn, "table %s uses provisioned capacity with auto scaling of its reads and writes", name)
			return
		}
		c.Fail(arn, "table %s uses provisioned capacity without auto scaling of %v", name, missing)
	})
}

func checkDynamoDBPITR(c *Ctx) error {
	return eachTable(c, func(name, arn string) {
		cb, err := getRes[dynamodb.DescribeContinuousBackupsOutput](c.v, c.Region, "dynamodb", "DescribeContinuousBackups", name)
		if err != nil {
			if _, ok := benign(err); ok {
				return
			}
			c.Err(arn, err)
			return
		}
		d := cb.ContinuousBackupsDescription
		on := d != nil && d.PointInTimeRecoveryDescription != nil &&
			d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus == ddbtypes.PointInTimeRecoveryStatusEnabled
		c.Check(on, arn, "table "+name+" has point-in-time recovery enabled", "table "+name+" does not have point-in-time recovery enabled")
	})
}

func checkDAXEncryption(c *Ctx) error {
	out, err := get[dax.DescribeClustersOutput](c.v, c.Region, "dax", "DescribeClusters")
	if err != nil {
		return err
	}
	if len(out.Clusters) == 0 {
		c.NA("", "no DAX clusters in %s", c.Region)
	}
	for _, cl := range out.Clusters {
		name := aws(cl.ClusterName)
		arn := nonEmpty(aws(cl.ClusterArn), c.arn("dax", c.Region, c.accountID(), "cache/"+name))
		on := cl.SSEDescription != nil && cl.SSEDescription.Status == daxtypes.SSEStatusEnabled
		c.Check(on, arn, "DAX cluster "+name+" is encrypted at rest", "DAX cluster "+name+" is not encrypted at rest")
	}
	return nil
}
