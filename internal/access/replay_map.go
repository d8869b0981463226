package access

import (
	"strings"
	"sync"

	"github.com/orgrail/orgrail/internal/policy/awsdata"
)

// sourceAliases maps CloudTrail event sources whose host is not the IAM
// service prefix (checked against the embedded AWS table: a host that
// is itself a prefix needs no entry).
var sourceAliases = map[string]string{
	"monitoring":          "cloudwatch",
	"email":               "ses",
	"tagging":             "tag",
	"apigateway":          "apigateway",
	"execute-api":         "execute-api",
	"streams.dynamodb":    "dynamodb",
	"api.ecr":             "ecr",
	"api.mediatailor":     "mediatailor",
	"elasticmapreduce":    "elasticmapreduce",
	"sso-directory":       "sso-directory",
	"identitystore":       "identitystore",
	"ssm-guiconnect":      "ssm-guiconnect",
	"resource-explorer-2": "resource-explorer-2",
	"signin":              "signin",
}

// nameAliases maps CloudTrail event names that differ from the IAM
// action they are authorized by (per service prefix).
var nameAliases = map[string]map[string]string{
	"lambda": {"Invoke": "InvokeFunction"},
	"s3": {"ListBuckets": "ListAllMyBuckets", "ListObjects": "ListBucket", "ListObjectsV2": "ListBucket", "HeadObject": "GetObject", "HeadBucket": "ListBucket",
		"ListObjectVersions": "ListBucketVersions", "GetBucketObjectLockConfiguration": "GetBucketObjectLockConfiguration"},
}

// actionCache remembers event source and name pairs already mapped.
var actionCache sync.Map // string → mappedAction

type mappedAction struct {
	action string
	reason string
}

// Reasons an event cannot be replayed, as reported in counts.
const (
	SkipNotAPICall        = "not an API call (console sign-in, service event)"
	SkipUnknownSource     = "event source has no IAM service prefix in the AWS table"
	SkipUnknownAction     = "event name is not an action of its service in the AWS table"
	SkipNoPrincipal       = "no IAM principal (AWS service, anonymous or an account-only identity)"
	SkipUnparsedPrincipal = "principal ARN not understood"
)

// eventAction returns the IAM action of a CloudTrail event source and
// name ("monitoring.amazonaws.com" + "PutMetricData" →
// "cloudwatch:PutMetricData"), or the reason there is none.
func eventAction(source, name string) (string, string) {
	key := source + "|" + name
	if v, ok := actionCache.Load(key); ok {
		m := v.(mappedAction)
		return m.action, m.reason
	}
	a, r := mapAction(source, name)
	actionCache.Store(key, mappedAction{a, r})
	return a, r
}

func mapAction(source, name string) (string, string) {
	host := strings.TrimSuffix(source, ".amazonaws.com")
	prefix := host
	svc, ok := awsdata.Lookup(prefix)
	if !ok {
		if alias, found := sourceAliases[host]; found {
			prefix = alias
			svc, ok = awsdata.Lookup(prefix)
		}
	}
	if !ok {
		return "", SkipUnknownSource
	}
	if a, found := nameAliases[prefix][name]; found {
		name = a
	}
	if canon, found := svc.Action(name); found {
		return prefix + ":" + canon, ""
	}
	// Lambda and a few others add an API version to event names
	// (UpdateFunctionConfiguration20150331v2).
	if trimmed := trimVersion(name); trimmed != name {
		if canon, found := svc.Action(trimmed); found {
			return prefix + ":" + canon, ""
		}
	}
	return "", SkipUnknownAction
}

// trimVersion removes a trailing API version: 8 digits, optionally
// followed by v and digits.
func trimVersion(s string) string {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i > 0 && s[i-1] == 'v' && i < len(s) {
		j := i - 1
		k := j
		for k > 0 && s[k-1] >= '0' && s[k-1] <= '9' {
			k--
		}
		if j-k == 8 {
			return s[:k]
		}
	}
	if len(s)-i == 8 {
		return s[:i]
	}
	return s
}
