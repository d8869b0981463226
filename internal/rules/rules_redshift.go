package rules

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeRedshiftCluster = "AWS::Redshift::Cluster"
	// redshiftDefaultAdmin and redshiftDefaultDB are the names the
	// Redshift console proposes, which Redshift.8 and Redshift.9 reject.
	redshiftDefaultAdmin = "awsuser"
	redshiftDefaultDB    = "dev"
)

func init() {
	clusters := []string{"redshift:DescribeClusters"}
	register(
		&Rule{ID: "redshift.public-access", Title: "Redshift clusters are not publicly accessible", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: typeRedshiftCluster, Services: []string{"redshift"}, Reads: clusters,
			Rationale:   "A publicly accessible cluster has an endpoint reachable from the internet; only its security group and password stand between it and the world.",
			Remediation: "Turn off public accessibility (aws redshift modify-cluster --no-publicly-accessible) and reach the cluster from inside the VPC.",
			Mappings:    findings.Mappings{ConfigRule: "REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK", SecurityHub: "Redshift.1", NistCsf: "PR.AA"},
			check:       checkRedshiftPublic},
		&Rule{ID: "redshift.require-ssl", Title: "Redshift clusters require TLS for SQL connections", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeRedshiftCluster, Services: []string{"redshift"},
			Reads:       []string{"redshift:DescribeClusters", "redshift:DescribeClusterParameters"},
			Rationale:   "Unless require_ssl is true, clients may connect in clear text and send credentials and query results readable on the network.",
			Remediation: "Set require_ssl to true in a custom parameter group and associate it with the cluster (the default group cannot be changed).",
			Mappings:    findings.Mappings{ConfigRule: "REDSHIFT_REQUIRE_TLS_SSL", SecurityHub: "Redshift.2", NistCsf: "PR.DS"},
			check:       checkRedshiftSSL},
		&Rule{ID: "redshift.automatic-snapshots", Title: "Redshift clusters take automated snapshots", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeRedshiftCluster, Services: []string{"redshift"}, Reads: clusters,
			Rationale:   "With a retention period of 0 Redshift takes no automated snapshots, and a dropped table or a corrupted load cannot be restored.",
			Remediation: "Set an automated snapshot retention period of 1 to 35 days (aws redshift modify-cluster --automated-snapshot-retention-period).",
			Mappings:    findings.Mappings{ConfigRule: "REDSHIFT_BACKUP_ENABLED", SecurityHub: "Redshift.3", NistCsf: "PR.DS"},
			check:       checkRedshiftSnapshots},
		&Rule{ID: "redshift.audit-logging", Title: "Redshift clusters have audit logging", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeRedshiftCluster, Services: []string{"redshift"},
			Reads:           []string{"redshift:DescribeClusters", "redshift:DescribeLoggingStatus"},
			Rationale:       "Without audit logs, connections and user activity on the warehouse leave no record to investigate.",
			Remediation:     "Turn on audit logging to S3 or CloudWatch Logs (aws redshift enable-logging).",
			Mappings:        findings.Mappings{SecurityHub: "Redshift.4", NistCsf: "DE.CM"},
			AlsoConfigRules: []string{"REDSHIFT_AUDIT_LOGGING_ENABLED"},
			check:           checkRedshiftAudit},
		&Rule{ID: "redshift.version-upgrade", Title: "Redshift clusters allow automatic major version upgrades", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeRedshiftCluster, Services: []string{"redshift"}, Reads: clusters,
			Rationale:   "A cluster that refuses major version upgrades keeps running engine versions that no longer receive fixes.",
			Remediation: "Allow version upgrades (aws redshift modify-cluster --allow-version-upgrade).",
			Mappings:    findings.Mappings{ConfigRule: "REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK", SecurityHub: "Redshift.6", NistCsf: "PR.PS"},
			check:       checkRedshiftUpgrade},
		&Rule{ID: "redshift.enhanced-vpc-routing", Title: "Redshift clusters use enhanced VPC routing", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeRedshiftCluster, Services: []string{"redshift"}, Reads: clusters,
			Rationale:   "Without enhanced VPC routing, COPY and UNLOAD traffic leaves the VPC, out of reach of its endpoints, flow logs and network controls.",
			Remediation: "Turn on enhanced VPC routing (aws redshift modify-cluster --enhanced-vpc-routing).",
			Mappings:    findings.Mappings{ConfigRule: "REDSHIFT_ENHANCED_VPC_ROUTING_ENABLED", SecurityHub: "Redshift.7", NistCsf: "PR.IR"},
			check:       checkRedshiftVPCRouting},
		&Rule{ID: "redshift.default-admin-username", Title: "Redshift clusters do not use the default admin user name", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeRedshiftCluster, Services: []string{"redshift"}, Reads: clusters,
			Rationale:   "The default admin user name (awsuser) is the first one a password-guessing attack tries.",
			Remediation: "Create the cluster again (from a snapshot) with a unique admin user name; the admin user name cannot be changed in place.",
			Mappings:    findings.Mappings{ConfigRule: "REDSHIFT_DEFAULT_ADMIN_CHECK", SecurityHub: "Redshift.8", NistCsf: "PR.AA"},
			check:       checkRedshiftAdmin},
		&Rule{ID: "redshift.default-db-name", Title: "Redshift clusters do not use the default database name", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeRedshiftCluster, Services: []string{"redshift"}, Reads: clusters,
			Rationale:   "The default database name (dev) is public knowledge and spares an attacker a guess.",
			Remediation: "Create the cluster again with a unique database name and move the data; the initial database name cannot be changed.",
			Mappings:    findings.Mappings{ConfigRule: "REDSHIFT_DEFAULT_DB_NAME_CHECK", SecurityHub: "Redshift.9", NistCsf: "PR.AA"},
			check:       checkRedshiftDBName},
	)
}

// eachRedshiftCluster runs fn on every provisioned Redshift cluster of the region.
func eachRedshiftCluster(c *Ctx, fn func(arn, id string, cl *rstypes.Cluster)) error {
	out, err := get[redshift.DescribeClustersOutput](c.v, c.Region, "redshift", "DescribeClusters")
	if err != nil {
		return err
	}
	if len(out.Clusters) == 0 {
		c.NA("", "no Redshift clusters in %s", c.Region)
	}
	for i := range out.Clusters {
		cl := &out.Clusters[i]
		id := aws(cl.ClusterIdentifier)
		fn(c.arn("redshift", c.Region, c.Account.Id, "cluster:"+id), id, cl)
	}
	return nil
}

func checkRedshiftPublic(c *Ctx) error {
	return eachRedshiftCluster(c, func(arn, id string, cl *rstypes.Cluster) {
		c.Check(!boolv(cl.PubliclyAccessible), arn, "cluster "+id+" is not publicly accessible", "cluster "+id+" is publicly accessible")
	})
}

func checkRedshiftSSL(c *Ctx) error {
	return eachRedshiftCluster(c, func(arn, id string, cl *rstypes.Cluster) {
		if len(cl.ClusterParameterGroups) == 0 {
			c.Fail(arn, "cluster %s has no parameter group, so require_ssl keeps its default (false)", id)
			return
		}
		for _, g := range cl.ClusterParameterGroups {
			name := aws(g.ParameterGroupName)
			ps, err := getRes[redshift.DescribeClusterParametersOutput](c.v, c.Region, "redshift", "DescribeClusterParameters", name)
			if err != nil {
				c.Err(arn, err)
				return
			}
			value := "false" // the parameter's default
			for _, p := range ps.Parameters {
				if aws(p.ParameterName) == "require_ssl" {
					value = aws(p.ParameterValue)
				}
			}
			if !strings.EqualFold(value, "true") {
				c.Fail(arn, "cluster %s: parameter group %s sets require_ssl to %s", id, name, value)
				return
			}
		}
		c.Pass(arn, "cluster %s requires TLS (require_ssl is true)", id)
	})
}

func checkRedshiftSnapshots(c *Ctx) error {
	return eachRedshiftCluster(c, func(arn, id string, cl *rstypes.Cluster) {
		days := int32(0)
		if cl.AutomatedSnapshotRetentionPeriod != nil {
			days = *cl.AutomatedSnapshotRetentionPeriod
		}
		if days < 1 || days > 35 {
			c.Fail(arn, "cluster %s keeps automated snapshots for %d days (automated snapshots are off at 0)", id, days)
			return
		}
		c.Pass(arn, "cluster %s keeps automated snapshots for %d days", id, days)
	})
}

func checkRedshiftAudit(c *Ctx) error {
	return eachRedshiftCluster(c, func(arn, id string, _ *rstypes.Cluster) {
		st, err := getRes[redshift.DescribeLoggingStatusOutput](c.v, c.Region, "redshift", "DescribeLoggingStatus", id)
		if err != nil {
			c.Err(arn, err)
			return
		}
		c.Check(boolv(st.LoggingEnabled), arn, "cluster "+id+" has audit logging", "cluster "+id+" has no audit logging")
	})
}

func checkRedshiftUpgrade(c *Ctx) error {
	return eachRedshiftCluster(c, func(arn, id string, cl *rstypes.Cluster) {
		c.Check(boolv(cl.AllowVersionUpgrade), arn, "cluster "+id+" allows major version upgrades",
			"cluster "+id+" does not allow major version upgrades")
	})
}

func checkRedshiftVPCRouting(c *Ctx) error {
	return eachRedshiftCluster(c, func(arn, id string, cl *rstypes.Cluster) {
		c.Check(boolv(cl.EnhancedVpcRouting), arn, "cluster "+id+" uses enhanced VPC routing", "cluster "+id+" does not use enhanced VPC routing")
	})
}

func checkRedshiftAdmin(c *Ctx) error {
	return eachRedshiftCluster(c, func(arn, id string, cl *rstypes.Cluster) {
		c.Check(aws(cl.MasterUsername) != redshiftDefaultAdmin, arn, "cluster "+id+" has a non-default admin user name",
			"cluster "+id+" uses the default admin user name "+redshiftDefaultAdmin)
	})
}

func checkRedshiftDBName(c *Ctx) error {
	return eachRedshiftCluster(c, func(arn, id string, cl *rstypes.Cluster) {
		c.Check(aws(cl.DBName) != redshiftDefaultDB, arn, "cluster "+id+" has a non-default database name",
			"cluster "+id+" uses the default database name "+redshiftDefaultDB)
	})
}
