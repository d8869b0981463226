package awstest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
)

// filterDomains answers DescribeDomains with the stored domains the
// request names, as OpenSearch Service does (a request naming none gets
// every stored domain). The stored output is shared, so a filtered one
// is a copy.
func filterDomains(req *Request, out any) any {
	all, ok := out.(*opensearch.DescribeDomainsOutput)
	if !ok {
		return out
	}
	var in struct{ DomainNames []string }
	if req.DecodeJSON(&in) != nil || len(in.DomainNames) == 0 {
		return out
	}
	want := map[string]bool{}
	for _, n := range in.DomainNames {
		want[n] = true
	}
	cp := *all
	cp.DomainStatusList = []ostypes.DomainStatus{}
	for _, d := range all.DomainStatusList {
		if want[aws.ToString(d.DomainName)] {
			cp.DomainStatusList = append(cp.DomainStatusList, d)
		}
	}
	return &cp
}
