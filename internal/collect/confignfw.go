package collect

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// describedKind maps an AWS Config resource type whose configuration is
// a per-resource Describe operation's whole output (AWS Network
// Firewall's firewalls, policies and rule groups) to that output, keyed
// by ARN, and to the element it adds to the List operation.
type describedKind struct {
	ResourceType, Service string
	ListOp, List, Op      string
	New                   func() any
	Key                   func(any) string
	ListItem              func(any) any
	Keep                  func(any) bool // nil keeps every item
}

var describedKinds = []describedKind{
	{"AWS::NetworkFirewall::Firewall", "networkfirewall", "ListFirewalls", "Firewalls", "DescribeFirewall",
		func() any { return &networkfirewall.DescribeFirewallOutput{} },
		func(v any) string {
			if f := v.(*networkfirewall.DescribeFirewallOutput).Firewall; f != nil {
				return aws.ToString(f.FirewallArn)
			}
			return ""
		},
		func(v any) any {
			f := v.(*networkfirewall.DescribeFirewallOutput).Firewall
			return &nfwtypes.FirewallMetadata{FirewallArn: f.FirewallArn, FirewallName: f.FirewallName}
		}, nil},
	{"AWS::NetworkFirewall::FirewallPolicy", "networkfirewall", "ListFirewallPolicies", "FirewallPolicies", "DescribeFirewallPolicy",
		func() any { return &networkfirewall.DescribeFirewallPolicyOutput{} },
		func(v any) string {
			if r := v.(*networkfirewall.DescribeFirewallPolicyOutput).FirewallPolicyResponse; r != nil {
				return aws.ToString(r.FirewallPolicyArn)
			}
			return ""
		},
		func(v any) any {
			r := v.(*networkfirewall.DescribeFirewallPolicyOutput).FirewallPolicyResponse
			return &nfwtypes.FirewallPolicyMetadata{Arn: r.FirewallPolicyArn, Name: r.FirewallPolicyName}
		}, nil},
	// orgrail reads stateless rule groups only (ListRuleGroups
	// Type=STATELESS); Config records both kinds.
	{"AWS::NetworkFirewall::RuleGroup", "networkfirewall", "ListRuleGroups", "RuleGroups", "DescribeRuleGroup",
		func() any { return &networkfirewall.DescribeRuleGroupOutput{} },
		func(v any) string {
			if r := v.(*networkfirewall.DescribeRuleGroupOutput).RuleGroupResponse; r != nil {
				return aws.ToString(r.RuleGroupArn)
			}
			return ""
		},
		func(v any) any {
			r := v.(*networkfirewall.DescribeRuleGroupOutput).RuleGroupResponse
			return &nfwtypes.RuleGroupMetadata{Arn: r.RuleGroupArn, Name: r.RuleGroupName}
		},
		func(v any) bool {
			r := v.(*networkfirewall.DescribeRuleGroupOutput).RuleGroupResponse
			return r.Type == nfwtypes.RuleGroupTypeStateless
		}},
}

// addDescribed converts an item of a describedKind; ok is false for
// other types.
func (b *builder) addDescribed(ci *ConfigurationItem) (ok bool, err error) {
	for _, k := range describedKinds {
		if k.ResourceType != ci.ResourceType {
			continue
		}
		out := k.New()
		if err := fromConfig(ci.Configuration, out); err != nil {
			return true, fmt.Errorf("%s %s: %w", ci.ResourceType, ci.ResourceID, err)
		}
		key := k.Key(out)
		if key == "" {
			return true, fmt.Errorf("%s %s: configuration without its ARN", ci.ResourceType, ci.ResourceID)
		}
		if k.Keep != nil && !k.Keep(out) {
			return true, nil
		}
		b.append(ci.AWSAccountID, ci.AWSRegion, k.Service, k.ListOp, k.List, k.ListItem(out))
		return true, b.file(ci.AWSAccountID, ci.AWSRegion, k.Service).SetResource(k.Op, key, out)
	}
	return false, nil
}

// writeDescribed renders the describedKinds of one account and region.
func writeDescribed(s *snapshot.Snapshot, account, region string, emit func(ConfigurationItem, any) error) error {
	for _, k := range describedKinds {
		f, err := s.Service(account, region, k.Service)
		if err != nil {
			continue
		}
		for _, key := range f.ResourceKeys(k.Op) {
			out := k.New()
			if ok, _ := f.GetResource(k.Op, key, out); !ok {
				continue
			}
			if err := emit(ConfigurationItem{ResourceType: k.ResourceType, ResourceID: key, ARN: key}, out); err != nil {
				return err
			}
		}
	}
	return nil
}
