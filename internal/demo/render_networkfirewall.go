package demo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"
)

// firewallARN is the network account's inspection firewall in the
// organization's home region.
func firewallARN(a *acct, region string) string {
	return fmt.Sprintf("arn:aws:network-firewall:%s:%s:firewall/kumo-inspection", region, a.Id)
}

// renderNetworkFirewall writes the networkfirewall file: empty, except in
// the network account's home region, where the inspection firewall of
// the hub VPC logs FLOW and ALERT to the Log Archive, its policy forwards
// unmatched full and fragmented packets to the stateful engine, and a
// stateless rule group drops SMB and NetBIOS.
func renderNetworkFirewall(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "networkfirewall")
	fws, pols, groups := []nfwtypes.FirewallMetadata{}, []nfwtypes.FirewallPolicyMetadata{}, []nfwtypes.RuleGroupMetadata{}
	if a.kind == kindNetwork && rr.region == w.home && len(rr.vpcs) > 0 {
		fw := firewallARN(a, rr.region)
		pol := fmt.Sprintf("arn:aws:network-firewall:%s:%s:firewall-policy/kumo-inspection", rr.region, a.Id)
		grp := fmt.Sprintf("arn:aws:network-firewall:%s:%s:stateless-rulegroup/kumo-block-smb", rr.region, a.Id)
		stateful := fmt.Sprintf("arn:aws:network-firewall:%s:%s:stateful-rulegroup/kumo-egress-domains", rr.region, a.Id)
		v := rr.vpcs[0]
		fws = append(fws, nfwtypes.FirewallMetadata{FirewallArn: aws.String(fw), FirewallName: aws.String("kumo-inspection")})
		mappings := []nfwtypes.SubnetMapping{}
		for _, s := range v.subnets {
			mappings = append(mappings, nfwtypes.SubnetMapping{SubnetId: aws.String(s), IPAddressType: nfwtypes.IPAddressTypeIpv4})
		}
		f.res("DescribeFirewall", fw, networkfirewall.DescribeFirewallOutput{UpdateToken: aws.String(uuid(newRand(uint64(a.index), 0x4e46))),
			Firewall: &nfwtypes.Firewall{FirewallArn: aws.String(fw), FirewallName: aws.String("kumo-inspection"), FirewallId: aws.String(uuid(newRand(uint64(a.index), 0x4e47))),
				FirewallPolicyArn: aws.String(pol), VpcId: aws.String(v.id), SubnetMappings: mappings, DeleteProtection: true,
				FirewallPolicyChangeProtection: true, SubnetChangeProtection: true, Description: aws.String("egress inspection for the spoke VPCs"),
				Tags: []nfwtypes.Tag{{Key: aws.String("Name"), Value: aws.String("kumo-inspection")}}},
			FirewallStatus: &nfwtypes.FirewallStatus{Status: nfwtypes.FirewallStatusValueReady, ConfigurationSyncStateSummary: nfwtypes.ConfigurationSyncStateInSync}})
		logging := &nfwtypes.LoggingConfiguration{LogDestinationConfigs: []nfwtypes.LogDestinationConfig{}}
		if rr.net == nil || !rr.net.firewallNoLogging {
			for _, t := range []nfwtypes.LogType{nfwtypes.LogTypeFlow, nfwtypes.LogTypeAlert} {
				logging.LogDestinationConfigs = append(logging.LogDestinationConfigs, nfwtypes.LogDestinationConfig{LogType: t,
					LogDestinationType: nfwtypes.LogDestinationTypeS3, LogDestination: map[string]string{"bucketName": w.flowLogBucket(), "prefix": "network-firewall"}})
			}
		}
		f.res("DescribeLoggingConfiguration", fw, networkfirewall.DescribeLoggingConfigurationOutput{FirewallArn: aws.String(fw), LoggingConfiguration: logging})
		pols = append(pols, nfwtypes.FirewallPolicyMetadata{Arn: aws.String(pol), Name: aws.String("kumo-inspection")})
		f.res("DescribeFirewallPolicy", pol, networkfirewall.DescribeFirewallPolicyOutput{UpdateToken: aws.String(uuid(newRand(uint64(a.index), 0x4e48))),
			FirewallPolicyResponse: &nfwtypes.FirewallPolicyResponse{FirewallPolicyArn: aws.String(pol), FirewallPolicyName: aws.String("kumo-inspection"),
				FirewallPolicyId: aws.String(uuid(newRand(uint64(a.index), 0x4e49))), FirewallPolicyStatus: nfwtypes.ResourceStatusActive, NumberOfAssociations: aws.Int32(1)},
			FirewallPolicy: &nfwtypes.FirewallPolicy{StatelessDefaultActions: []string{"aws:forward_to_sfe"}, StatelessFragmentDefaultActions: []string{"aws:forward_to_sfe"},
				StatelessRuleGroupReferences: []nfwtypes.StatelessRuleGroupReference{{ResourceArn: aws.String(grp), Priority: aws.Int32(10)}},
				StatefulRuleGroupReferences:  []nfwtypes.StatefulRuleGroupReference{{ResourceArn: aws.String(stateful)}}}})
		groups = append(groups, nfwtypes.RuleGroupMetadata{Arn: aws.String(grp), Name: aws.String("kumo-block-smb")})
		rule := func(prio int32, port int32) nfwtypes.StatelessRule {
			return nfwtypes.StatelessRule{Priority: aws.Int32(prio), RuleDefinition: &nfwtypes.RuleDefinition{Actions: []string{"aws:drop"},
				MatchAttributes: &nfwtypes.MatchAttributes{Protocols: []int32{6}, DestinationPorts: []nfwtypes.PortRange{{FromPort: port, ToPort: port}},
					Sources: []nfwtypes.Address{{AddressDefinition: aws.String("0.0.0.0/0")}}, Destinations: []nfwtypes.Address{{AddressDefinition: aws.String("0.0.0.0/0")}}}}}
		}
		f.res("DescribeRuleGroup", grp, networkfirewall.DescribeRuleGroupOutput{UpdateToken: aws.String(uuid(newRand(uint64(a.index), 0x4e4a))),
			RuleGroupResponse: &nfwtypes.RuleGroupResponse{RuleGroupArn: aws.String(grp), RuleGroupName: aws.String("kumo-block-smb"),
				RuleGroupId: aws.String(uuid(newRand(uint64(a.index), 0x4e4b))), Type: nfwtypes.RuleGroupTypeStateless, Capacity: aws.Int32(20),
				RuleGroupStatus: nfwtypes.ResourceStatusActive, NumberOfAssociations: aws.Int32(1)},
			RuleGroup: &nfwtypes.RuleGroup{RulesSource: &nfwtypes.RulesSource{StatelessRulesAndCustomActions: &nfwtypes.StatelessRulesAndCustomActions{
				StatelessRules: []nfwtypes.StatelessRule{rule(10, 445), rule(20, 139)}}}}})
	}
	f.put("ListFirewalls", networkfirewall.ListFirewallsOutput{Firewalls: fws})
	f.put("ListFirewallPolicies", networkfirewall.ListFirewallPoliciesOutput{FirewallPolicies: pols})
	f.put("ListRuleGroups", networkfirewall.ListRuleGroupsOutput{RuleGroups: groups})
	return f
}
