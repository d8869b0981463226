package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"
)

// The workload account's Network Firewall in region1: firewall "egress"
// logging FLOW and ALERT to S3, its policy "egress" forwarding unmatched
// full and fragmented packets to the stateful engine and referencing the
// stateless rule group "block-smb" (one drop rule).
const (
	nfwFirewallARN = "arn:aws:network-firewall:" + region1 + ":" + acctW + ":firewall/egress"
	nfwPolicyARN   = "arn:aws:network-firewall:" + region1 + ":" + acctW + ":firewall-policy/egress"
	nfwGroupARN    = "arn:aws:network-firewall:" + region1 + ":" + acctW + ":stateless-rulegroup/block-smb"
)

// networkFirewallBaseline gives every account and region an empty
// networkfirewall file, and the workload account its firewall.
func (f *fx) networkFirewallBaseline(a, r string) {
	if a != acctW || r != region1 {
		f.set(a, r, "networkfirewall", "ListFirewalls", &networkfirewall.ListFirewallsOutput{})
		f.set(a, r, "networkfirewall", "ListFirewallPolicies", &networkfirewall.ListFirewallPoliciesOutput{})
		f.set(a, r, "networkfirewall", "ListRuleGroups", &networkfirewall.ListRuleGroupsOutput{})
		return
	}
	f.set(a, r, "networkfirewall", "ListFirewalls", &networkfirewall.ListFirewallsOutput{Firewalls: []nfwtypes.FirewallMetadata{{
		FirewallArn: awsv2.String(nfwFirewallARN), FirewallName: awsv2.String("egress")}}})
	f.setRes(a, r, "networkfirewall", "DescribeFirewall", nfwFirewallARN, &networkfirewall.DescribeFirewallOutput{Firewall: &nfwtypes.Firewall{
		FirewallArn: awsv2.String(nfwFirewallARN), FirewallName: awsv2.String("egress"), FirewallPolicyArn: awsv2.String(nfwPolicyARN),
		VpcId: awsv2.String("vpc-0001"), FirewallId: awsv2.String("fw-0001"), DeleteProtection: true,
		SubnetMappings: []nfwtypes.SubnetMapping{{SubnetId: awsv2.String("subnet-0001")}}}})
	f.setRes(a, r, "networkfirewall", "DescribeLoggingConfiguration", nfwFirewallARN, &networkfirewall.DescribeLoggingConfigurationOutput{
		FirewallArn: awsv2.String(nfwFirewallARN), LoggingConfiguration: &nfwtypes.LoggingConfiguration{LogDestinationConfigs: []nfwtypes.LogDestinationConfig{
			{LogType: nfwtypes.LogTypeFlow, LogDestinationType: nfwtypes.LogDestinationTypeS3, LogDestination: map[string]string{"bucketName": "fw-logs"}},
			{LogType: nfwtypes.LogTypeAlert, LogDestinationType: nfwtypes.LogDestinationTypeS3, LogDestination: map[string]string{"bucketName": "fw-logs"}}}}})
	f.set(a, r, "networkfirewall", "ListFirewallPolicies", &networkfirewall.ListFirewallPoliciesOutput{FirewallPolicies: []nfwtypes.FirewallPolicyMetadata{{
		Arn: awsv2.String(nfwPolicyARN), Name: awsv2.String("egress")}}})
	f.setRes(a, r, "networkfirewall", "DescribeFirewallPolicy", nfwPolicyARN, &networkfirewall.DescribeFirewallPolicyOutput{
		FirewallPolicyResponse: &nfwtypes.FirewallPolicyResponse{FirewallPolicyArn: awsv2.String(nfwPolicyARN), FirewallPolicyName: awsv2.String("egress"),
			FirewallPolicyId: awsv2.String("fwp-0001")},
		FirewallPolicy: &nfwtypes.FirewallPolicy{StatelessDefaultActions: []string{"aws:forward_to_sfe"}, StatelessFragmentDefaultActions: []string{"aws:forward_to_sfe"},
			StatelessRuleGroupReferences: []nfwtypes.StatelessRuleGroupReference{{ResourceArn: awsv2.String(nfwGroupARN), Priority: awsv2.Int32(10)}}}})
	f.set(a, r, "networkfirewall", "ListRuleGroups", &networkfirewall.ListRuleGroupsOutput{RuleGroups: []nfwtypes.RuleGroupMetadata{{
		Arn: awsv2.String(nfwGroupARN), Name: awsv2.String("block-smb")}}})
	f.setRes(a, r, "networkfirewall", "DescribeRuleGroup", nfwGroupARN, &networkfirewall.DescribeRuleGroupOutput{
		RuleGroupResponse: &nfwtypes.RuleGroupResponse{RuleGroupArn: awsv2.String(nfwGroupARN), RuleGroupName: awsv2.String("block-smb"),
			RuleGroupId: awsv2.String("rg-0001"), Type: nfwtypes.RuleGroupTypeStateless, Capacity: awsv2.Int32(10)},
		RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{StatelessRulesAndCustomActions: &nfwtypes.StatelessRulesAndCustomActions{
			StatelessRules: []nfwtypes.StatelessRule{{Priority: awsv2.Int32(1), RuleDefinition: &nfwtypes.RuleDefinition{Actions: []string{"aws:drop"},
				MatchAttributes: &nfwtypes.MatchAttributes{Protocols: []int32{6}, DestinationPorts: []nfwtypes.PortRange{{FromPort: 445, ToPort: 445}}}}}}}}}})
}

func nfwPolicy(f *fx) *nfwtypes.FirewallPolicy {
	return res[networkfirewall.DescribeFirewallPolicyOutput](f, acctW, region1, "networkfirewall", "DescribeFirewallPolicy", nfwPolicyARN).FirewallPolicy
}

func nfwGroup(f *fx) *nfwtypes.RuleGroup {
	return res[networkfirewall.DescribeRuleGroupOutput](f, acctW, region1, "networkfirewall", "DescribeRuleGroup", nfwGroupARN).RuleGroup
}

func nfwLogging(f *fx) *networkfirewall.DescribeLoggingConfigurationOutput {
	return res[networkfirewall.DescribeLoggingConfigurationOutput](f, acctW, region1, "networkfirewall", "DescribeLoggingConfiguration", nfwFirewallARN)
}

func statefulRef(arn string) nfwtypes.StatefulRuleGroupReference {
	return nfwtypes.StatefulRuleGroupReference{ResourceArn: awsv2.String(arn)}
}
