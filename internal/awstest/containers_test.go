package awstest

import (
	"encoding/json"
	"strings"
)

// withBatchInput adds, for the batch reads (ECS DescribeClusters and
// DescribeServices, CodeBuild BatchGetProjects, OpenSearch
// DescribeDomains), the names the stored
// output describes, joined by newlines (callAll sets list members so),
// as the collector asks for them.
func withBatchInput(in map[string]string, file, op string, raw json.RawMessage) map[string]string {
	var field, list, member string
	switch file + "." + op {
	case "ecs.DescribeClusters":
		field, list, member = "Clusters", "Clusters", "ClusterArn"
	case "ecs.DescribeServices":
		field, list, member = "Services", "Services", "ServiceArn"
	case "codebuild.BatchGetProjects":
		field, list, member = "Names", "Projects", "Name"
	case "opensearch.DescribeDomains":
		field, list, member = "DomainNames", "DomainStatusList", "DomainName"
	default:
		return in
	}
	var out map[string][]map[string]any
	_ = json.Unmarshal(raw, &out)
	var names []string
	for _, e := range out[list] {
		if s, ok := e[member].(string); ok {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		names = []string{"none"}
	}
	m := map[string]string{field: strings.Join(names, "\n")}
	for k, v := range in {
		m[k] = v
	}
	return m
}
