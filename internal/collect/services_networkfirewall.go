package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"
)

func init() { collectors["networkfirewall"] = collectNetworkFirewall }

// collectNetworkFirewall reads the region's AWS Network Firewall
// firewalls (with their logging configuration), firewall policies and
// the account's stateless rule groups.
func collectNetworkFirewall(j *job) {
	c := networkfirewall.NewFromConfig(j.cfg)
	fws := once(j, "ListFirewalls", func(ctx context.Context) (*networkfirewall.ListFirewallsOutput, error) {
		p := networkfirewall.NewListFirewallsPaginator(c, &networkfirewall.ListFirewallsInput{})
		return allPages(ctx, &networkfirewall.ListFirewallsOutput{}, p.HasMorePages, p.NextPage)
	})
	if fws != nil {
		fanOut(j, fws.Firewalls, func(f nfwtypes.FirewallMetadata) {
			arn := aws.ToString(f.FirewallArn)
			each(j, "DescribeFirewall", arn, func(ctx context.Context) (*networkfirewall.DescribeFirewallOutput, error) {
				return c.DescribeFirewall(ctx, &networkfirewall.DescribeFirewallInput{FirewallArn: f.FirewallArn})
			})
			each(j, "DescribeLoggingConfiguration", arn, func(ctx context.Context) (*networkfirewall.DescribeLoggingConfigurationOutput, error) {
				return c.DescribeLoggingConfiguration(ctx, &networkfirewall.DescribeLoggingConfigurationInput{FirewallArn: f.FirewallArn})
			})
		})
	}
	pols := once(j, "ListFirewallPolicies", func(ctx context.Context) (*networkfirewall.ListFirewallPoliciesOutput, error) {
		p := networkfirewall.NewListFirewallPoliciesPaginator(c, &networkfirewall.ListFirewallPoliciesInput{})
		return allPages(ctx, &networkfirewall.ListFirewallPoliciesOutput{}, p.HasMorePages, p.NextPage)
	})
	if pols != nil {
		fanOut(j, pols.FirewallPolicies, func(p nfwtypes.FirewallPolicyMetadata) {
			each(j, "DescribeFirewallPolicy", aws.ToString(p.Arn), func(ctx context.Context) (*networkfirewall.DescribeFirewallPolicyOutput, error) {
				return c.DescribeFirewallPolicy(ctx, &networkfirewall.DescribeFirewallPolicyInput{FirewallPolicyArn: p.Arn})
			})
		})
	}
	groups := once(j, "ListRuleGroups", func(ctx context.Context) (*networkfirewall.ListRuleGroupsOutput, error) {
		p := networkfirewall.NewListRuleGroupsPaginator(c, &networkfirewall.ListRuleGroupsInput{Type: nfwtypes.RuleGroupTypeStateless})
		return allPages(ctx, &networkfirewall.ListRuleGroupsOutput{}, p.HasMorePages, p.NextPage)
	})
	if groups != nil {
		fanOut(j, groups.RuleGroups, func(g nfwtypes.RuleGroupMetadata) {
			each(j, "DescribeRuleGroup", aws.ToString(g.Arn), func(ctx context.Context) (*networkfirewall.DescribeRuleGroupOutput, error) {
				return c.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: g.Arn, Type: nfwtypes.RuleGroupTypeStateless})
			})
		})
	}
}
