package rules

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// typeOpenSearchDomain is the CloudFormation type of an OpenSearch
// Service domain of either engine.
const typeOpenSearchDomain = "AWS::OpenSearchService::Domain"

// The rules below read the OpenSearch Service API, which describes the
// domains of both engines (OpenSearch and legacy Elasticsearch); each
// carries both Security Hub controls, the ES.n for the Elasticsearch
// resource type and the Opensearch.n for the OpenSearch one.
func init() {
	reads := []string{"opensearch:ListDomainNames", "opensearch:DescribeDomains"}
	dom := func(r *Rule) *Rule {
		r.Scope, r.ResourceType, r.Services, r.Reads = ScopeRegion, typeOpenSearchDomain, []string{"opensearch"}, reads
		return r
	}
	register(
		dom(&Rule{ID: "opensearch.encrypted-at-rest", Title: "OpenSearch domains encrypt data at rest", Severity: severity.Medium,
			Rationale:       "Without encryption at rest, indices, logs and automated snapshots sit on disk readable by whoever obtains the storage.",
			Remediation:     "Turn on encryption at rest for the domain (an update of the domain's EncryptionAtRestOptions, with an AWS KMS key).",
			Mappings:        findings.Mappings{ConfigRule: "OPENSEARCH_ENCRYPTED_AT_REST", SecurityHub: "ES.1,Opensearch.1", NistCsf: "PR.DS"},
			AlsoConfigRules: []string{"ELASTICSEARCH_ENCRYPTED_AT_REST"},
			check:           checkOSEncryptedAtRest}),
		dom(&Rule{ID: "opensearch.in-vpc", Title: "OpenSearch domains are in a VPC", Severity: severity.Critical,
			Rationale:       "A domain with a public endpoint is reachable from the internet and relies on its access policy alone.",
			Remediation:     "Create the domain again with VPC access (a domain cannot move from a public endpoint into a VPC) and restore its data from a snapshot.",
			Mappings:        findings.Mappings{ConfigRule: "OPENSEARCH_IN_VPC_ONLY", SecurityHub: "ES.2,Opensearch.2", NistCsf: "PR.IR"},
			AlsoConfigRules: []string{"ELASTICSEARCH_IN_VPC_ONLY"},
			check:           checkOSInVPC}),
		dom(&Rule{ID: "opensearch.node-to-node-encryption", Title: "OpenSearch domains encrypt traffic between nodes", Severity: severity.Medium,
			Rationale:       "Without node-to-node encryption, data moves between the cluster's nodes in clear text inside the VPC.",
			Remediation:     "Turn on node-to-node encryption for the domain (NodeToNodeEncryptionOptions).",
			Mappings:        findings.Mappings{ConfigRule: "OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK", SecurityHub: "ES.3,Opensearch.3", NistCsf: "PR.DS"},
			AlsoConfigRules: []string{"ELASTICSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK"},
			check:           checkOSNodeToNode}),
		dom(&Rule{ID: "opensearch.error-logging", Title: "OpenSearch domains send error logs to CloudWatch Logs", Severity: severity.Medium,
			Rationale:       "Error logs show failing requests, misconfiguration and failures of the cluster; without them problems are found by their consequences.",
			Remediation:     "Publish the domain's error logs (ES_APPLICATION_LOGS) to a CloudWatch Logs log group.",
			Mappings:        findings.Mappings{ConfigRule: "OPENSEARCH_LOGS_TO_CLOUDWATCH", SecurityHub: "ES.4,Opensearch.4", NistCsf: "DE.CM"},
			AlsoConfigRules: []string{"ELASTICSEARCH_LOGS_TO_CLOUDWATCH"},
			check:           checkOSErrorLogs}),
		dom(&Rule{ID: "opensearch.audit-logging", Title: "OpenSearch domains have audit logging", Severity: severity.Medium,
			Rationale:   "Audit logs record who authenticated and what they read or changed in the domain; without them access cannot be reviewed.",
			Remediation: "Turn on fine-grained access control, then publish the domain's audit logs (AUDIT_LOGS) to CloudWatch Logs.",
			Mappings:    findings.Mappings{ConfigRule: "OPENSEARCH_AUDIT_LOGGING_ENABLED", SecurityHub: "ES.5,Opensearch.5", NistCsf: "DE.CM"},
			check:       checkOSAuditLogs}),
		dom(&Rule{ID: "opensearch.data-node-fault-tolerance", Title: "OpenSearch domains have at least three data nodes across zones", Severity: severity.Medium,
			Rationale:   "With fewer than three data nodes, or all in one Availability Zone, the loss of a node or zone makes the domain unavailable or loses data.",
			Remediation: "Set the domain's instance count to 3 or more and turn on zone awareness.",
			Mappings:    findings.Mappings{ConfigRule: "OPENSEARCH_DATA_NODE_FAULT_TOLERANCE", SecurityHub: "ES.6,Opensearch.6", NistCsf: "PR.IR"},
			check:       checkOSDataNodes}),
		dom(&Rule{ID: "opensearch.dedicated-master-nodes", Title: "OpenSearch domains have at least three dedicated master nodes", Severity: severity.Medium,
			Rationale:   "Without three dedicated master nodes the cluster cannot keep a quorum through the loss of a master or a blue/green deployment.",
			Remediation: "Turn on dedicated master nodes for the domain and set their count to 3 (or 5).",
			Mappings:    findings.Mappings{SecurityHub: "ES.7", NistCsf: "PR.IR"},
			check:       checkOSDedicatedMasters}),
		dom(&Rule{ID: "opensearch.fine-grained-access-control", Title: "OpenSearch domains have fine-grained access control", Severity: severity.High,
			Rationale:   "Without fine-grained access control every principal the access policy lets in can read and change every index.",
			Remediation: "Turn on fine-grained access control (AdvancedSecurityOptions) with an IAM or internal master user.",
			Mappings:    findings.Mappings{ConfigRule: "OPENSEARCH_ACCESS_CONTROL_ENABLED", SecurityHub: "Opensearch.7", NistCsf: "PR.AA"},
			check:       checkOSFineGrained}),
		dom(&Rule{ID: "opensearch.tls-1-2", Title: "OpenSearch domains require HTTPS with TLS 1.2 or later", Severity: severity.Medium,
			Rationale:   "An endpoint that accepts HTTP or TLS 1.0 lets clients send credentials and data in clear text or over broken protocol versions.",
			Remediation: "Require HTTPS on the domain endpoint and set its TLS security policy to Policy-Min-TLS-1-2-2019-07 or a later TLS 1.2 policy.",
			Mappings:    findings.Mappings{ConfigRule: "OPENSEARCH_HTTPS_REQUIRED", SecurityHub: "ES.8,Opensearch.8", NistCsf: "PR.DS"},
			check:       checkOSTLS}),
	)
}

// eachDomain runs fn on every OpenSearch Service domain of the region.
func eachDomain(c *Ctx, fn func(arn, name string, d *ostypes.DomainStatus)) error {
	out, err := get[opensearch.DescribeDomainsOutput](c.v, c.Region, "opensearch", "DescribeDomains")
	if err != nil {
		return err
	}
	if len(out.DomainStatusList) == 0 {
		c.NA("", "no OpenSearch Service domains in %s", c.Region)
	}
	for i := range out.DomainStatusList {
		d := &out.DomainStatusList[i]
		name := aws(d.DomainName)
		arn := nonEmpty(aws(d.ARN), c.arn("es", c.Region, c.Account.Id, "domain/"+name))
		fn(arn, name, d)
	}
	return nil
}

func checkOSEncryptedAtRest(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		on := d.EncryptionAtRestOptions != nil && boolv(d.EncryptionAtRestOptions.Enabled)
		c.Check(on, arn, "domain "+name+" encrypts data at rest", "domain "+name+" does not encrypt data at rest")
	})
}

func checkOSInVPC(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		inVPC := d.VPCOptions != nil && (aws(d.VPCOptions.VPCId) != "" || len(d.VPCOptions.SubnetIds) > 0)
		c.Check(inVPC, arn, "domain "+name+" is in a VPC", "domain "+name+" has a public endpoint")
	})
}

func checkOSNodeToNode(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		on := d.NodeToNodeEncryptionOptions != nil && boolv(d.NodeToNodeEncryptionOptions.Enabled)
		c.Check(on, arn, "domain "+name+" encrypts node-to-node traffic", "domain "+name+" does not encrypt node-to-node traffic")
	})
}

// logPublishing reports whether the domain publishes logs of type typ
// to a CloudWatch Logs log group.
func logPublishing(d *ostypes.DomainStatus, typ ostypes.LogType) bool {
	o, ok := d.LogPublishingOptions[string(typ)]
	return ok && boolv(o.Enabled) && aws(o.CloudWatchLogsLogGroupArn) != ""
}

func checkOSErrorLogs(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		c.Check(logPublishing(d, ostypes.LogTypeEsApplicationLogs), arn, "domain "+name+" sends error logs to CloudWatch Logs",
			"domain "+name+" does not send error logs to CloudWatch Logs")
	})
}

func checkOSAuditLogs(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		c.Check(logPublishing(d, ostypes.LogTypeAuditLogs), arn, "domain "+name+" has audit logging", "domain "+name+" has no audit logging")
	})
}

func checkOSDataNodes(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		cc := d.ClusterConfig
		if cc == nil {
			c.Fail(arn, "domain %s has no cluster configuration", name)
			return
		}
		n := int32(0)
		if cc.InstanceCount != nil {
			n = *cc.InstanceCount
		}
		switch {
		case n < 3:
			c.Fail(arn, "domain %s has %d data nodes (fewer than 3)", name, n)
		case !boolv(cc.ZoneAwarenessEnabled):
			c.Fail(arn, "domain %s has %d data nodes but zone awareness is off", name, n)
		default:
			c.Pass(arn, "domain %s has %d data nodes across Availability Zones", name, n)
		}
	})
}

func checkOSDedicatedMasters(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		cc := d.ClusterConfig
		if cc == nil || !boolv(cc.DedicatedMasterEnabled) {
			c.Fail(arn, "domain %s has no dedicated master nodes", name)
			return
		}
		n := int32(0)
		if cc.DedicatedMasterCount != nil {
			n = *cc.DedicatedMasterCount
		}
		if n < 3 {
			c.Fail(arn, "domain %s has %d dedicated master nodes (fewer than 3)", name, n)
			return
		}
		c.Pass(arn, "domain %s has %d dedicated master nodes", name, n)
	})
}

func checkOSFineGrained(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		on := d.AdvancedSecurityOptions != nil && boolv(d.AdvancedSecurityOptions.Enabled)
		c.Check(on, arn, "domain "+name+" has fine-grained access control", "domain "+name+" has no fine-grained access control")
	})
}

func checkOSTLS(c *Ctx) error {
	return eachDomain(c, func(arn, name string, d *ostypes.DomainStatus) {
		o := d.DomainEndpointOptions
		if o == nil || !boolv(o.EnforceHTTPS) {
			c.Fail(arn, "domain %s does not require HTTPS", name)
			return
		}
		policy := string(o.TLSSecurityPolicy)
		if !strings.HasPrefix(policy, "Policy-Min-TLS-1-2") {
			c.Fail(arn, "domain %s requires HTTPS but its TLS policy %s admits versions before TLS 1.2", name, nonEmpty(policy, "(none)"))
			return
		}
		c.Pass(arn, "domain %s requires HTTPS with TLS 1.2 or later (%s)", name, policy)
	})
}
