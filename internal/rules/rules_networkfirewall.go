package rules

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// AWS Network Firewall: firewall policies, stateless rule groups and the
// firewalls' logging (collect/services_networkfirewall.go).

const (
	typeFirewall       = "AWS::NetworkFirewall::Firewall"
	typeFirewallPolicy = "AWS::NetworkFirewall::FirewallPolicy"
)

// nfwDefaultActions are the stateless default actions Security Hub's
// NetworkFirewall.4 and .5 accept (their statelessDefaultActions
// parameter): drop the packet or forward it to the stateful engine.
var nfwDefaultActions = []string{"aws:drop", "aws:forward_to_sfe"}

func init() {
	register(
		&Rule{ID: "networkfirewall.policy-rule-group-associated", Title: "Network Firewall policies have at least one rule group", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeFirewallPolicy, Services: []string{"networkfirewall"},
			Reads:       []string{"networkfirewall:ListFirewallPolicies", "networkfirewall:DescribeFirewallPolicy"},
			Rationale:   "A firewall policy without rule groups inspects nothing: traffic only meets the default actions.",
			Remediation: "Add stateless or stateful rule groups to the policy (aws network-firewall update-firewall-policy).",
			Mappings:    findings.Mappings{ConfigRule: "NETFW_POLICY_RULE_GROUP_ASSOCIATED", SecurityHub: "NetworkFirewall.3", NistCsf: "PR.IR"},
			check:       checkNFWRuleGroups},
		&Rule{ID: "networkfirewall.policy-default-action-full-packets", Title: "Network Firewall policies drop or forward unmatched full packets", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeFirewallPolicy, Services: []string{"networkfirewall"},
			Reads:       []string{"networkfirewall:ListFirewallPolicies", "networkfirewall:DescribeFirewallPolicy"},
			Rationale:   "With aws:pass as the stateless default action, every packet no stateless rule matches goes through uninspected.",
			Remediation: "Set the policy's stateless default action for full packets to aws:forward_to_sfe (or aws:drop).",
			Mappings:    findings.Mappings{ConfigRule: "NETFW_POLICY_DEFAULT_ACTION_FULL_PACKETS", SecurityHub: "NetworkFirewall.4", NistCsf: "PR.IR"},
			check: func(c *Ctx) error {
				return checkNFWDefault(c, "full packets", func(p *nfwtypes.FirewallPolicy) []string { return p.StatelessDefaultActions })
			}},
		&Rule{ID: "networkfirewall.policy-default-action-fragments", Title: "Network Firewall policies drop or forward unmatched fragmented packets", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeFirewallPolicy, Services: []string{"networkfirewall"},
			Reads:       []string{"networkfirewall:ListFirewallPolicies", "networkfirewall:DescribeFirewallPolicy"},
			Rationale:   "Passing unmatched fragments lets an attacker split traffic so that no stateless rule sees a whole packet.",
			Remediation: "Set the policy's stateless default action for fragmented packets to aws:forward_to_sfe (or aws:drop).",
			Mappings:    findings.Mappings{ConfigRule: "NETFW_POLICY_DEFAULT_ACTION_FRAGMENT_PACKETS", SecurityHub: "NetworkFirewall.5", NistCsf: "PR.IR"},
			check: func(c *Ctx) error {
				return checkNFWDefault(c, "fragmented packets", func(p *nfwtypes.FirewallPolicy) []string { return p.StatelessFragmentDefaultActions })
			}},
		&Rule{ID: "networkfirewall.stateless-rule-group-not-empty", Title: "Stateless Network Firewall rule groups contain rules", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::NetworkFirewall::RuleGroup", Services: []string{"networkfirewall"},
			Reads:       []string{"networkfirewall:ListRuleGroups", "networkfirewall:DescribeRuleGroup"},
			Rationale:   "An empty stateless rule group in a policy looks like filtering but processes no traffic.",
			Remediation: "Add rules to the rule group or remove it from the policies that reference it and delete it.",
			Mappings:    findings.Mappings{ConfigRule: "NETFW_STATELESS_RULE_GROUP_NOT_EMPTY", SecurityHub: "NetworkFirewall.6", NistCsf: "PR.IR"},
			check:       checkNFWStatelessGroups},
		&Rule{ID: "networkfirewall.logging-enabled", Title: "Network Firewall firewalls log traffic", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeFirewall, Services: []string{"networkfirewall"},
			Reads:       []string{"networkfirewall:ListFirewalls", "networkfirewall:DescribeLoggingConfiguration"},
			Rationale:   "Without flow or alert logs, what the firewall allowed and blocked cannot be investigated afterwards.",
			Remediation: "Configure FLOW and ALERT logging to the Log Archive bucket or CloudWatch Logs (aws network-firewall update-logging-configuration).",
			Mappings:    findings.Mappings{ConfigRule: "NETFW_LOGGING_ENABLED", SecurityHub: "NetworkFirewall.2", NistCsf: "DE.CM"},
			check:       checkNFWLogging},
	)
}

// eachFirewallPolicy runs fn on every firewall policy of the region.
func eachFirewallPolicy(c *Ctx, fn func(arn, name string, p *nfwtypes.FirewallPolicy)) error {
	out, err := get[networkfirewall.ListFirewallPoliciesOutput](c.v, c.Region, "networkfirewall", "ListFirewallPolicies")
	if err != nil {
		return err
	}
	if len(out.FirewallPolicies) == 0 {
		c.NA("", "no Network Firewall policies in %s", c.Region)
	}
	for _, m := range out.FirewallPolicies {
		arn, name := aws(m.Arn), aws(m.Name)
		d, err := getRes[networkfirewall.DescribeFirewallPolicyOutput](c.v, c.Region, "networkfirewall", "DescribeFirewallPolicy", arn)
		if err != nil {
			if code, ok := benign(err); ok && code == "ResourceNotFoundException" {
				c.NA(arn, "firewall policy %s was deleted during the collection", name)
				continue
			}
			c.Err(arn, err)
			continue
		}
		if d.FirewallPolicy == nil {
			c.Err(arn, errNoData("DescribeFirewallPolicy "+name+" returned no policy"))
			continue
		}
		fn(arn, name, d.FirewallPolicy)
	}
	return nil
}

type errNoData string

func (e errNoData) Error() string { return string(e) }

func checkNFWRuleGroups(c *Ctx) error {
	return eachFirewallPolicy(c, func(arn, name string, p *nfwtypes.FirewallPolicy) {
		n := len(p.StatelessRuleGroupReferences) + len(p.StatefulRuleGroupReferences)
		c.Check(n > 0, arn, "firewall policy "+name+" references rule groups",
			"firewall policy "+name+" has no stateless or stateful rule group")
	})
}

func checkNFWDefault(c *Ctx, what string, actions func(*nfwtypes.FirewallPolicy) []string) error {
	return eachFirewallPolicy(c, func(arn, name string, p *nfwtypes.FirewallPolicy) {
		acts := actions(p)
		ok := false
		for _, a := range acts {
			for _, want := range nfwDefaultActions {
				ok = ok || a == want
			}
		}
		c.Check(ok, arn, "firewall policy "+name+" default action for "+what+": "+strings.Join(acts, ", "),
			"firewall policy "+name+" default action for "+what+" is "+nonEmpty(strings.Join(acts, ", "), "unset")+", not aws:drop or aws:forward_to_sfe")
	})
}

func checkNFWStatelessGroups(c *Ctx) error {
	out, err := get[networkfirewall.ListRuleGroupsOutput](c.v, c.Region, "networkfirewall", "ListRuleGroups")
	if err != nil {
		return err
	}
	if len(out.RuleGroups) == 0 {
		c.NA("", "no stateless Network Firewall rule groups in %s", c.Region)
	}
	for _, m := range out.RuleGroups {
		arn, name := aws(m.Arn), aws(m.Name)
		d, err := getRes[networkfirewall.DescribeRuleGroupOutput](c.v, c.Region, "networkfirewall", "DescribeRuleGroup", arn)
		if err != nil {
			if code, ok := benign(err); ok && code == "ResourceNotFoundException" {
				c.NA(arn, "rule group %s was deleted during the collection", name)
				continue
			}
			c.Err(arn, err)
			continue
		}
		n := 0
		if g := d.RuleGroup; g != nil && g.RulesSource != nil && g.RulesSource.StatelessRulesAndCustomActions != nil {
			n = len(g.RulesSource.StatelessRulesAndCustomActions.StatelessRules)
		}
		c.Check(n > 0, arn, "stateless rule group "+name+" has rules", "stateless rule group "+name+" has no rules")
	}
	return nil
}

func checkNFWLogging(c *Ctx) error {
	out, err := get[networkfirewall.ListFirewallsOutput](c.v, c.Region, "networkfirewall", "ListFirewalls")
	if err != nil {
		return err
	}
	if len(out.Firewalls) == 0 {
		c.NA("", "no Network Firewall firewalls in %s", c.Region)
	}
	for _, f := range out.Firewalls {
		arn, name := aws(f.FirewallArn), aws(f.FirewallName)
		lc, err := getRes[networkfirewall.DescribeLoggingConfigurationOutput](c.v, c.Region, "networkfirewall", "DescribeLoggingConfiguration", arn)
		if err != nil {
			if code, ok := benign(err); ok && code == "ResourceNotFoundException" {
				c.NA(arn, "firewall %s was deleted during the collection", name)
				continue
			}
			c.Err(arn, err)
			continue
		}
		var types []string
		if lc.LoggingConfiguration != nil {
			for _, d := range lc.LoggingConfiguration.LogDestinationConfigs {
				types = append(types, string(d.LogType))
			}
		}
		c.Check(len(types) > 0, arn, "firewall "+name+" logs "+strings.Join(types, ", "), "firewall "+name+" has no logging configured")
	}
	return nil
}
