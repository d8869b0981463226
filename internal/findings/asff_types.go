package findings

import (
	"reflect"
	"strings"
	"sync"

	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// asffTypeAliases maps CloudFormation-style types whose ASFF names are not
// the service and type run together.
var asffTypeAliases = map[string]string{
	"AWS::::Account": "AwsAccount",
	"AWS::ElasticLoadBalancing::LoadBalancer":   "AwsElbLoadBalancer",
	"AWS::ElasticLoadBalancingV2::LoadBalancer": "AwsElbv2LoadBalancer",
	"AWS::StepFunctions::StateMachine":          "AwsStepFunctionStateMachine",
	"AWS::WAFv2::WebACL":                        "AwsWafv2WebAcl",
	"AWS::WAFv2::RuleGroup":                     "AwsWafv2RuleGroup",
}

var (
	asffNamesOnce sync.Once
	asffNames     map[string]string
)

// asffResourceTypes returns the ASFF resource types, keyed by their lower
// case. They are the names of the AWS SDK's securityhub types.ResourceDetails
// fields, which spell each type of the ASFF resource list that has details.
func asffResourceTypes() map[string]string {
	asffNamesOnce.Do(func() {
		asffNames = map[string]string{"awsaccount": "AwsAccount"}
		rt := reflect.TypeOf(shtypes.ResourceDetails{})
		for i := 0; i < rt.NumField(); i++ {
			if n := rt.Field(i).Name; strings.HasPrefix(n, "Aws") {
				asffNames[strings.ToLower(n)] = n
			}
		}
	})
	return asffNames
}
