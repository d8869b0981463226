package rules

import (
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qNFWGroups   = "This rule is NON_COMPLIANT if no stateful or stateless rule groups are associated with the Network Firewall policy"
	qNFWFull     = "This rule is NON_COMPLIANT if default stateless action for full packets does not match with user defined default stateless action."
	qNFWFragment = "This rule is NON_COMPLIANT if default stateless action for fragmented packets does not match with user defined default stateless action."
	qNFWEmpty    = "The rule is NON_COMPLIANT if there are no rules in a Stateless Network Firewall Rule Group."
	qNFWLogging  = "The rule is NON_COMPLIANT if a logging type is not configured."
)

func init() {
	noGroups := func(f *fx) { nfwPolicy(f).StatelessRuleGroupReferences = nil }
	passFull := func(f *fx) { nfwPolicy(f).StatelessDefaultActions = []string{"aws:pass"} }
	passFrag := func(f *fx) { nfwPolicy(f).StatelessFragmentDefaultActions = []string{"aws:pass"} }
	emptyGroup := func(f *fx) { nfwGroup(f).RulesSource.StatelessRulesAndCustomActions.StatelessRules = nil }
	noLogging := func(f *fx) { nfwLogging(f).LoggingConfiguration = nil }
	failCases["networkfirewall.policy-rule-group-associated"] = noGroups
	failCases["networkfirewall.policy-default-action-full-packets"] = passFull
	failCases["networkfirewall.policy-default-action-fragments"] = passFrag
	failCases["networkfirewall.stateless-rule-group-not-empty"] = emptyGroup
	failCases["networkfirewall.logging-enabled"] = noLogging

	pol, grp, fw := "firewall-policy/egress", "stateless-rulegroup/block-smb", "firewall/egress"
	addDocCases(
		// NetworkFirewall.3
		docCase{Rule: "networkfirewall.policy-rule-group-associated", Source: cfgDoc("netfw-policy-rule-group-associated"), Quote: qNFWGroups,
			Name: "a stateless rule group", Resource: pol, Want: findings.Passed},
		docCase{Rule: "networkfirewall.policy-rule-group-associated", Source: cfgDoc("netfw-policy-rule-group-associated"), Quote: qNFWGroups,
			Name: "no rule group at all", Mutate: noGroups, Resource: pol, Want: findings.Failed},
		docCase{Rule: "networkfirewall.policy-rule-group-associated", Source: cfgDoc("netfw-policy-rule-group-associated"), Quote: qNFWGroups,
			Name: "only a stateful rule group", Mutate: func(f *fx) {
				p := nfwPolicy(f)
				p.StatefulRuleGroupReferences, p.StatelessRuleGroupReferences = append(p.StatefulRuleGroupReferences,
					statefulRef("arn:aws:network-firewall:"+region1+":"+acctW+":stateful-rulegroup/domains")), nil
			}, Resource: pol, Want: findings.Passed},

		// NetworkFirewall.4
		docCase{Rule: "networkfirewall.policy-default-action-full-packets", Source: cfgDoc("netfw-policy-default-action-full-packets"), Quote: qNFWFull,
			Name: "aws:forward_to_sfe", Resource: pol, Want: findings.Passed},
		docCase{Rule: "networkfirewall.policy-default-action-full-packets", Source: cfgDoc("netfw-policy-default-action-full-packets"), Quote: qNFWFull,
			Name: "aws:pass", Mutate: passFull, Resource: pol, Want: findings.Failed},
		docCase{Rule: "networkfirewall.policy-default-action-full-packets", Source: cfgDoc("netfw-policy-default-action-full-packets"), Quote: qNFWFull,
			Name: "aws:drop with a custom action", Mutate: func(f *fx) { nfwPolicy(f).StatelessDefaultActions = []string{"aws:drop", "MetricOnDrop"} },
			Resource: pol, Want: findings.Passed},

		// NetworkFirewall.5
		docCase{Rule: "networkfirewall.policy-default-action-fragments", Source: cfgDoc("netfw-policy-default-action-fragment-packets"), Quote: qNFWFragment,
			Name: "aws:forward_to_sfe", Resource: pol, Want: findings.Passed},
		docCase{Rule: "networkfirewall.policy-default-action-fragments", Source: cfgDoc("netfw-policy-default-action-fragment-packets"), Quote: qNFWFragment,
			Name: "aws:pass", Mutate: passFrag, Resource: pol, Want: findings.Failed},
		docCase{Rule: "networkfirewall.policy-default-action-fragments", Source: cfgDoc("netfw-policy-default-action-fragment-packets"), Quote: qNFWFragment,
			Name: "full packets pass but fragments are dropped", Mutate: func(f *fx) {
				passFull(f)
				nfwPolicy(f).StatelessFragmentDefaultActions = []string{"aws:drop"}
			}, Resource: pol, Want: findings.Passed},

		// NetworkFirewall.6
		docCase{Rule: "networkfirewall.stateless-rule-group-not-empty", Source: cfgDoc("netfw-stateless-rule-group-not-empty"), Quote: qNFWEmpty,
			Name: "one drop rule", Resource: grp, Want: findings.Passed},
		docCase{Rule: "networkfirewall.stateless-rule-group-not-empty", Source: cfgDoc("netfw-stateless-rule-group-not-empty"), Quote: qNFWEmpty,
			Name: "no rules", Mutate: emptyGroup, Resource: grp, Want: findings.Failed},
		docCase{Rule: "networkfirewall.stateless-rule-group-not-empty", Source: cfgDoc("netfw-stateless-rule-group-not-empty"), Quote: qNFWEmpty,
			Name: "a region without stateless rule groups", Mutate: func(f *fx) {
				op[networkfirewall.ListRuleGroupsOutput](f, acctW, region1, "networkfirewall", "ListRuleGroups").RuleGroups = nil
			}, Want: findings.NotApplicable},

		// NETFW_LOGGING_ENABLED (Security Hub NetworkFirewall.2)
		docCase{Rule: "networkfirewall.logging-enabled", Source: cfgDoc("netfw-logging-enabled"), Quote: qNFWLogging,
			Name: "FLOW and ALERT logs", Resource: fw, Want: findings.Passed},
		docCase{Rule: "networkfirewall.logging-enabled", Source: cfgDoc("netfw-logging-enabled"), Quote: qNFWLogging,
			Name: "no logging configuration", Mutate: noLogging, Resource: fw, Want: findings.Failed},
		docCase{Rule: "networkfirewall.logging-enabled", Source: cfgDoc("netfw-logging-enabled"), Quote: qNFWLogging,
			Name: "only ALERT logs", Mutate: func(f *fx) {
				c := nfwLogging(f).LoggingConfiguration
				c.LogDestinationConfigs = c.LogDestinationConfigs[1:]
			}, Resource: fw, Want: findings.Passed},
	)
}
