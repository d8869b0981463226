package collect

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// Resource types of the newer services converted one by one (their
// items feed a list and a per-resource read, or need renamed members).
const (
	rtTable         = "AWS::DynamoDB::Table"
	rtCertificate   = "AWS::ACM::Certificate"
	rtESDomain      = "AWS::Elasticsearch::Domain"
	rtOpenSearchDom = "AWS::OpenSearch::Domain"
)

// listSuppl pairs a list kind's supplementary configuration, as AWS
// Config names it, with the per-resource operation whose output has the
// same members; the resource key is the list kind's ID.
type listSuppl struct {
	ResourceType, Name, Op string
	New                    func() any
}

var listSuppls = []listSuppl{
	{"AWS::Lambda::Function", "Policy", "GetPolicy", func() any { return &lambda.GetPolicyOutput{} }},
	{"AWS::SecretsManager::Secret", "ResourcePolicy", "GetResourcePolicy", func() any { return &secretsmanager.GetResourcePolicyOutput{} }},
	{"AWS::Redshift::Cluster", "LoggingStatus", "DescribeLoggingStatus", func() any { return &redshift.DescribeLoggingStatusOutput{} }},
	{rtTable, "ContinuousBackupsDescription", "DescribeContinuousBackups", nil}, // converted in addNewKind (keyed by table name)
}

// configRenames maps the top-level members of a configuration whose
// name differs from the SDK type's (case aside) to the SDK's name.
//   - AWS::Elasticsearch::Domain records the Elasticsearch API's
//     ElasticsearchDomainStatus; orgrail stores the OpenSearch API's
//     DomainStatus, whose ClusterConfig and EngineVersion are the same
//     values under new names (EngineVersion gains the "Elasticsearch_"
//     prefix the OpenSearch API gives to Elasticsearch domains).
//   - AWS::OpenSearch::Domain records the CloudFormation resource's
//     properties: Id, DomainEndpoint and Arn are DescribeDomains'
//     DomainId, Endpoint and ARN; the other members orgrail reads
//     (ClusterConfig, VPCOptions.SubnetIds, EncryptionAtRestOptions,
//     NodeToNodeEncryptionOptions, DomainEndpointOptions,
//     AdvancedSecurityOptions, LogPublishingOptions) have the API's
//     names. VPCOptions.VPCId is not recorded.
var configRenames = map[string]map[string]string{
	rtESDomain:      {"elasticsearchClusterConfig": "ClusterConfig", "elasticsearchVersion": "EngineVersion"},
	rtOpenSearchDom: {"Id": "DomainId", "DomainEndpoint": "Endpoint", "DomainArn": "ARN"},
}

// configOpGaps are the reads of converted services that AWS Config does
// not record; a snapshot built from Config files marks them as gaps in
// the service's file, so rules needing them report them as not collected.
var configOpGaps = map[string][]string{
	"elbv2":           {"DescribeLoadBalancerAttributes", "DescribeListeners"},
	"elb":             {"DescribeLoadBalancerAttributes"},
	"redshift":        {"DescribeClusterParameters"},
	"ec2":             {"DescribeSecurityGroupRules", "GetEbsEncryptionByDefault", "GetSnapshotBlockPublicAccessState", "GetImageBlockPublicAccessState"},
	"rds":             {"DescribeDBSnapshotAttributes"},
	"networkfirewall": {"DescribeLoggingConfiguration"},
}

// decodeRenamed decodes a configuration into out after renaming the
// top-level members of configRenames[resourceType].
func decodeRenamed(resourceType string, raw json.RawMessage, out any) error {
	ren := configRenames[resourceType]
	if len(ren) == 0 || len(raw) == 0 || string(raw) == "null" {
		return fromConfig(raw, out)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for from, to := range ren {
		if v, ok := m[from]; ok {
			delete(m, from)
			if _, taken := m[to]; !taken {
				m[to] = v
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return fromConfig(b, out)
}

// addNewKind converts the items of the newer special resource types;
// ok is false for other types.
func (b *builder) addNewKind(ci *ConfigurationItem) (ok bool, err error) {
	acct, region := ci.AWSAccountID, ci.AWSRegion
	wrap := func(err error) error {
		if err != nil {
			return fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		return nil
	}
	switch ci.ResourceType {
	case rtTable:
		var t ddbtypes.TableDescription
		if err := fromConfig(ci.Configuration, &t); err != nil {
			return true, wrap(err)
		}
		name := aws.ToString(t.TableName)
		b.append(acct, region, "dynamodb", "ListTables", "TableNames", name)
		f := b.file(acct, region, "dynamodb")
		if err := f.SetResource("DescribeTable", name, &dynamodb.DescribeTableOutput{Table: &t}); err != nil {
			return true, err
		}
		if raw := ci.suppl("ContinuousBackupsDescription"); raw != nil {
			var d ddbtypes.ContinuousBackupsDescription
			if err := fromConfig(raw, &d); err != nil {
				return true, wrap(err)
			}
			return true, f.SetResource("DescribeContinuousBackups", name, &dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: &d})
		}
	case rtCertificate:
		var d acmtypes.CertificateDetail
		if err := fromConfig(ci.Configuration, &d); err != nil {
			return true, wrap(err)
		}
		arn := aws.ToString(d.CertificateArn)
		b.append(acct, region, "acm", "ListCertificates", "CertificateSummaryList",
			&acmtypes.CertificateSummary{CertificateArn: d.CertificateArn, DomainName: d.DomainName, KeyAlgorithm: d.KeyAlgorithm, Type: d.Type, Status: d.Status, NotAfter: d.NotAfter})
		return true, b.file(acct, region, "acm").SetResource("DescribeCertificate", arn, &acm.DescribeCertificateOutput{Certificate: &d})
	case rtESDomain, rtOpenSearchDom:
		var d ostypes.DomainStatus
		if err := decodeRenamed(ci.ResourceType, ci.Configuration, &d); err != nil {
			return true, wrap(err)
		}
		engine := ostypes.EngineTypeOpenSearch
		if ci.ResourceType == rtESDomain {
			engine = ostypes.EngineTypeElasticsearch
			if v := aws.ToString(d.EngineVersion); v != "" && !strings.HasPrefix(v, "Elasticsearch_") {
				d.EngineVersion = aws.String("Elasticsearch_" + v)
			}
		} else if strings.HasPrefix(aws.ToString(d.EngineVersion), "Elasticsearch_") {
			engine = ostypes.EngineTypeElasticsearch
		}
		// A domain may be recorded under both types; keep the first.
		k := acct + "/" + region + "/opensearch"
		for _, seen := range b.lists[k]["DescribeDomains"]["DomainStatusList"] {
			if aws.ToString(seen.(*ostypes.DomainStatus).DomainName) == aws.ToString(d.DomainName) {
				return true, nil
			}
		}
		b.append(acct, region, "opensearch", "ListDomainNames", "DomainNames", &ostypes.DomainInfo{DomainName: d.DomainName, EngineType: engine})
		b.append(acct, region, "opensearch", "DescribeDomains", "DomainStatusList", &d)
	default:
		return false, nil
	}
	return true, nil
}

// addListSuppl stores a list kind's supplementary configurations.
func (b *builder) addListSuppl(ci *ConfigurationItem, k listKind, region, id string) {
	for _, s := range listSuppls {
		if s.ResourceType != k.ResourceType || s.New == nil {
			continue
		}
		if raw := ci.suppl(s.Name); raw != nil {
			v := s.New()
			if fromConfig(raw, v) == nil {
				b.file(ci.AWSAccountID, region, k.Service).SetResource(s.Op, id, v)
			}
		}
	}
}

// markConfigGaps records, in every converted service file, the reads
// AWS Config does not record.
func markConfigGaps(f *snapshot.ServiceFile) {
	for _, op := range configOpGaps[f.Service] {
		if _, ok := f.Operations[op]; !ok && f.PerResource[op] == nil {
			f.SetGap(op, "not recorded in AWS Config files")
		}
	}
}

// writeListSuppl attaches the stored per-resource outputs of a list
// kind's resource as its supplementary configuration.
func writeListSuppl(f *snapshot.ServiceFile, ci *ConfigurationItem) {
	for _, s := range listSuppls {
		if s.ResourceType != ci.ResourceType || s.New == nil {
			continue
		}
		if p, ok := f.PerResource[s.Op][ci.ResourceID]; ok {
			if ci.SupplementaryConfiguration == nil {
				ci.SupplementaryConfiguration = map[string]json.RawMessage{}
			}
			v := s.New()
			if json.Unmarshal(p, v) != nil {
				continue
			}
			if raw, err := configJSON(v); err == nil {
				ci.SupplementaryConfiguration[s.Name] = raw
			}
		}
	}
}

// writeNewKinds renders the newer special resource types of one
// account and region as configuration items.
func writeNewKinds(s *snapshot.Snapshot, account, region string, emit func(ConfigurationItem, any) error) error {
	if f, err := s.Service(account, region, "dynamodb"); err == nil {
		for _, name := range f.ResourceKeys("DescribeTable") {
			var d dynamodb.DescribeTableOutput
			if ok, _ := f.GetResource("DescribeTable", name, &d); !ok || d.Table == nil {
				continue
			}
			ci := ConfigurationItem{ResourceType: rtTable, ResourceID: name, ResourceName: name, ARN: aws.ToString(d.Table.TableArn)}
			var cb dynamodb.DescribeContinuousBackupsOutput
			if ok, _ := f.GetResource("DescribeContinuousBackups", name, &cb); ok && cb.ContinuousBackupsDescription != nil {
				raw, err := configJSON(cb.ContinuousBackupsDescription)
				if err != nil {
					return err
				}
				ci.SupplementaryConfiguration = map[string]json.RawMessage{"ContinuousBackupsDescription": raw}
			}
			if err := emit(ci, d.Table); err != nil {
				return err
			}
		}
	}
	if f, err := s.Service(account, region, "acm"); err == nil {
		for _, arn := range f.ResourceKeys("DescribeCertificate") {
			var d acm.DescribeCertificateOutput
			if ok, _ := f.GetResource("DescribeCertificate", arn, &d); !ok || d.Certificate == nil {
				continue
			}
			if err := emit(ConfigurationItem{ResourceType: rtCertificate, ResourceID: arn, ARN: arn}, d.Certificate); err != nil {
				return err
			}
		}
	}
	if f, err := s.Service(account, region, "opensearch"); err == nil {
		var out opensearch.DescribeDomainsOutput
		if ok, _ := f.Get("DescribeDomains", &out); ok {
			for i := range out.DomainStatusList {
				if err := emitDomain(&out.DomainStatusList[i], emit); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// emitDomain writes an Elasticsearch-engine domain as
// AWS::Elasticsearch::Domain (the Elasticsearch API's members) and an
// OpenSearch one as AWS::OpenSearch::Domain (CloudFormation's).
func emitDomain(d *ostypes.DomainStatus, emit func(ConfigurationItem, any) error) error {
	ci := ConfigurationItem{ResourceID: aws.ToString(d.DomainId), ResourceName: aws.ToString(d.DomainName), ARN: aws.ToString(d.ARN)}
	if v, ok := strings.CutPrefix(aws.ToString(d.EngineVersion), "Elasticsearch_"); ok {
		ci.ResourceType = rtESDomain
		m := toConfigValue(reflect.ValueOf(d)).(map[string]any)
		renameKeys(m, configRenames[rtESDomain], lowerFirst)
		m["elasticsearchVersion"] = v
		return emit(ci, m)
	}
	ci.ResourceType = rtOpenSearchDom
	m := toCFNValue(reflect.ValueOf(d)).(map[string]any)
	renameKeys(m, configRenames[rtOpenSearchDom], func(s string) string { return s })
	if vpc, ok := m["VPCOptions"].(map[string]any); ok {
		delete(vpc, "VPCId") // not a CloudFormation property
		delete(vpc, "AvailabilityZones")
	}
	m["Arn"] = m["DomainArn"]
	return emit(ci, m)
}

// renameKeys renames, in a rendered configuration, the SDK's member
// names back to the Config names of ren (Config name → SDK name).
func renameKeys(m map[string]any, ren map[string]string, key func(string) string) {
	for cfg, sdk := range ren {
		if v, ok := m[key(sdk)]; ok {
			delete(m, key(sdk))
			m[cfg] = v
		}
	}
	if v, ok := m["aRN"]; ok { // lowerFirst of ARN; Config writes "arn"
		delete(m, "aRN")
		m["arn"] = v
	}
}

// toCFNValue renders an SDK value with the SDK's member names, the
// CloudFormation resource properties' convention.
func toCFNValue(v reflect.Value) any {
	return toConfigValueKeys(v, func(s string) string { return s })
}

// configSpecialOps are the operations the one-by-one conversions of
// configspecial.go and this file fill (the list kinds and listSuppls
// name theirs).
var configSpecialOps = []string{
	"s3 ListBuckets", "s3 GetBucketLocation", "s3control GetPublicAccessBlock",
	"kms ListKeys", "kms DescribeKey", "ec2 DescribeInstances",
	"sqs ListQueues", "sqs GetQueueAttributes", "sns ListTopics", "sns GetTopicAttributes",
	"guardduty ListDetectors", "guardduty GetDetector",
	"dynamodb ListTables", "dynamodb DescribeTable", "dynamodb DescribeContinuousBackups",
	"acm ListCertificates", "acm DescribeCertificate",
	"opensearch ListDomainNames", "opensearch DescribeDomains",
}
