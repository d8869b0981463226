package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qOSRest   = "The rule is NON_COMPLIANT if the EncryptionAtRestOptions field is not enabled."
	qOSVPC    = "The rule is NON_COMPLIANT if an OpenSearch Service domain endpoint is public."
	qOSN2N    = "The rule is NON_COMPLIANT if the node-to-node encryption is not enabled on the domain."
	qOSLogs   = "This rule is NON_COMPLIANT if logging is not configured."
	qOSAudit  = "The rule is NON_COMPLIANT if an OpenSearch Service domain does not have audit logging enabled."
	qOSData   = "The rule is NON_COMPLIANT for an OpenSearch domain if 'instanceCount' is less than 3 or 'zoneAwarenessEnabled' is set to 'false'."
	qOSMaster = "This control checks whether Elasticsearch domains are configured with at least three dedicated master nodes. This control fails if the domain does not use dedicated master nodes."
	qOSFGAC   = "The rule is NON_COMPLIANT if AdvancedSecurityOptions is not enabled for the OpenSearch Service domain."
	qOSHTTPS  = "The rule is NON_COMPLIANT if the Amazon OpenSearch domain 'EnforceHTTPS' is not 'true' or is 'true' and 'TLSSecurityPolicy' is not in 'tlsPolicies'."
)

func init() {
	d := searchDomain
	failCases["opensearch.encrypted-at-rest"] = func(f *fx) {
		d(f).EncryptionAtRestOptions = &ostypes.EncryptionAtRestOptions{Enabled: awsv2.Bool(false)}
	}
	failCases["opensearch.in-vpc"] = func(f *fx) {
		d(f).VPCOptions, d(f).Endpoint = nil, awsv2.String("search-search-abc123.us-east-1.es.amazonaws.com")
	}
	failCases["opensearch.node-to-node-encryption"] = func(f *fx) {
		d(f).NodeToNodeEncryptionOptions = &ostypes.NodeToNodeEncryptionOptions{Enabled: awsv2.Bool(false)}
	}
	failCases["opensearch.error-logging"] = func(f *fx) { d(f).LogPublishingOptions = nil }
	failCases["opensearch.audit-logging"] = func(f *fx) { delete(d(f).LogPublishingOptions, string(ostypes.LogTypeAuditLogs)) }
	failCases["opensearch.data-node-fault-tolerance"] = func(f *fx) { d(f).ClusterConfig.InstanceCount = awsv2.Int32(2) }
	failCases["opensearch.dedicated-master-nodes"] = func(f *fx) {
		d(f).ClusterConfig.DedicatedMasterEnabled, d(f).ClusterConfig.DedicatedMasterCount = awsv2.Bool(false), nil
	}
	failCases["opensearch.fine-grained-access-control"] = func(f *fx) {
		d(f).AdvancedSecurityOptions = &ostypes.AdvancedSecurityOptions{Enabled: awsv2.Bool(false)}
	}
	failCases["opensearch.tls-1-2"] = func(f *fx) { d(f).DomainEndpointOptions.EnforceHTTPS = awsv2.Bool(false) }

	noDomains := func(f *fx) {
		op[opensearch.DescribeDomainsOutput](f, acctW, region1, "opensearch", "DescribeDomains").DomainStatusList = nil
		op[opensearch.ListDomainNamesOutput](f, acctW, region1, "opensearch", "ListDomainNames").DomainNames = nil
	}
	c := func(rule, src, quote, name string, mutate func(*fx), want findings.Status) docCase {
		r := "domain/search"
		if want == findings.NotApplicable {
			r = ""
		}
		return docCase{Rule: rule, Source: src, Quote: quote, Name: name, Mutate: mutate, Resource: r, Want: want}
	}
	esDoc := shDoc("es-controls")
	addDocCases(
		// ES.1, Opensearch.1
		c("opensearch.encrypted-at-rest", cfgDoc("opensearch-encrypted-at-rest"), qOSRest, "encryption at rest on", nil, findings.Passed),
		c("opensearch.encrypted-at-rest", cfgDoc("opensearch-encrypted-at-rest"), qOSRest, "encryption at rest off", failCases["opensearch.encrypted-at-rest"], findings.Failed),
		c("opensearch.encrypted-at-rest", cfgDoc("opensearch-encrypted-at-rest"), qOSRest, "EncryptionAtRestOptions absent",
			func(f *fx) { d(f).EncryptionAtRestOptions = nil }, findings.Failed),
		c("opensearch.encrypted-at-rest", cfgDoc("opensearch-encrypted-at-rest"),
			"Checks if Amazon OpenSearch Service domains have encryption at rest configuration enabled.", "a region without domains", noDomains, findings.NotApplicable),

		// ES.2, Opensearch.2
		c("opensearch.in-vpc", cfgDoc("opensearch-in-vpc-only"), qOSVPC, "a VPC domain", nil, findings.Passed),
		c("opensearch.in-vpc", cfgDoc("opensearch-in-vpc-only"), qOSVPC, "a public endpoint", failCases["opensearch.in-vpc"], findings.Failed),
		c("opensearch.in-vpc", cfgDoc("elasticsearch-in-vpc-only"), qOSVPC, "an Elasticsearch-engine domain with a public endpoint", func(f *fx) {
			failCases["opensearch.in-vpc"](f)
			d(f).EngineVersion = awsv2.String("Elasticsearch_7.10")
		}, findings.Failed),

		// ES.3, Opensearch.3
		c("opensearch.node-to-node-encryption", cfgDoc("opensearch-node-to-node-encryption-check"), qOSN2N, "node-to-node encryption on", nil, findings.Passed),
		c("opensearch.node-to-node-encryption", cfgDoc("opensearch-node-to-node-encryption-check"), qOSN2N, "node-to-node encryption off",
			failCases["opensearch.node-to-node-encryption"], findings.Failed),
		c("opensearch.node-to-node-encryption", cfgDoc("opensearch-node-to-node-encryption-check"), qOSN2N, "NodeToNodeEncryptionOptions absent",
			func(f *fx) { d(f).NodeToNodeEncryptionOptions = nil }, findings.Failed),

		// ES.4, Opensearch.4
		c("opensearch.error-logging", cfgDoc("elasticsearch-logs-to-cloudwatch"), qOSLogs, "error logs to a log group", nil, findings.Passed),
		c("opensearch.error-logging", cfgDoc("elasticsearch-logs-to-cloudwatch"), qOSLogs, "no log publishing", failCases["opensearch.error-logging"], findings.Failed),
		c("opensearch.error-logging", cfgDoc("elasticsearch-logs-to-cloudwatch"), qOSLogs, "error log publishing switched off", func(f *fx) {
			d(f).LogPublishingOptions[string(ostypes.LogTypeEsApplicationLogs)] = ostypes.LogPublishingOption{Enabled: awsv2.Bool(false)}
		}, findings.Failed),

		// ES.5, Opensearch.5
		c("opensearch.audit-logging", cfgDoc("opensearch-audit-logging-enabled"), qOSAudit, "audit logs to a log group", nil, findings.Passed),
		c("opensearch.audit-logging", cfgDoc("opensearch-audit-logging-enabled"), qOSAudit, "no audit log publishing", failCases["opensearch.audit-logging"], findings.Failed),
		c("opensearch.audit-logging", cfgDoc("opensearch-audit-logging-enabled"), qOSAudit, "audit log publishing switched off", func(f *fx) {
			d(f).LogPublishingOptions[string(ostypes.LogTypeAuditLogs)] = ostypes.LogPublishingOption{Enabled: awsv2.Bool(false)}
		}, findings.Failed),

		// ES.6, Opensearch.6
		c("opensearch.data-node-fault-tolerance", cfgDoc("opensearch-data-node-fault-tolerance"), qOSData, "3 data nodes, zone awareness", nil, findings.Passed),
		c("opensearch.data-node-fault-tolerance", cfgDoc("opensearch-data-node-fault-tolerance"), qOSData, "2 data nodes",
			failCases["opensearch.data-node-fault-tolerance"], findings.Failed),
		c("opensearch.data-node-fault-tolerance", cfgDoc("opensearch-data-node-fault-tolerance"), qOSData, "3 data nodes without zone awareness",
			func(f *fx) { d(f).ClusterConfig.ZoneAwarenessEnabled = awsv2.Bool(false) }, findings.Failed),

		// ES.7
		c("opensearch.dedicated-master-nodes", esDoc, qOSMaster, "3 dedicated master nodes", nil, findings.Passed),
		c("opensearch.dedicated-master-nodes", esDoc, qOSMaster, "no dedicated master nodes", failCases["opensearch.dedicated-master-nodes"], findings.Failed),
		c("opensearch.dedicated-master-nodes", esDoc, "This control passes if Elasticsearch domains have five dedicated master nodes.", "5 dedicated master nodes",
			func(f *fx) { d(f).ClusterConfig.DedicatedMasterCount = awsv2.Int32(5) }, findings.Passed),

		// Opensearch.7
		c("opensearch.fine-grained-access-control", cfgDoc("opensearch-access-control-enabled"), qOSFGAC, "fine-grained access control on", nil, findings.Passed),
		c("opensearch.fine-grained-access-control", cfgDoc("opensearch-access-control-enabled"), qOSFGAC, "fine-grained access control off",
			failCases["opensearch.fine-grained-access-control"], findings.Failed),
		c("opensearch.fine-grained-access-control", cfgDoc("opensearch-access-control-enabled"), qOSFGAC, "AdvancedSecurityOptions absent",
			func(f *fx) { d(f).AdvancedSecurityOptions = nil }, findings.Failed),

		// ES.8, Opensearch.8
		c("opensearch.tls-1-2", cfgDoc("opensearch-https-required"), qOSHTTPS, "HTTPS with Policy-Min-TLS-1-2-2019-07", nil, findings.Passed),
		c("opensearch.tls-1-2", cfgDoc("opensearch-https-required"), qOSHTTPS, "EnforceHTTPS false", failCases["opensearch.tls-1-2"], findings.Failed),
		c("opensearch.tls-1-2", cfgDoc("opensearch-https-required"), qOSHTTPS, "HTTPS with Policy-Min-TLS-1-0-2019-07", func(f *fx) {
			d(f).DomainEndpointOptions.TLSSecurityPolicy = ostypes.TLSSecurityPolicyPolicyMinTls10201907
		}, findings.Failed),
	)
}
