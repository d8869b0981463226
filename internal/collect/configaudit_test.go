package collect

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// configItemsNewTypes are configuration items as AWS Config writes
// them for the newer resource types: lowerCamel members with Config's
// own spelling (dbclusterIdentifier, dnsname, ssedescription,
// vpczoneIdentifier), a string member as {"value": …}, supplementary
// configurations, and the CloudFormation shape of AWS::OpenSearch::Domain.
func configItemsNewTypes(expires time.Time) []map[string]any {
	arn := func(svc, rest string) string { return "arn:aws:" + svc + ":us-east-1:" + acct + ":" + rest }
	item := func(rt, id string, conf map[string]any, suppl map[string]any) map[string]any {
		ci := map[string]any{"configurationItemVersion": "1.3", "configurationItemCaptureTime": "2026-11-20T12:00:00.000Z",
			"configurationItemStatus": "OK", "resourceType": rt, "resourceId": id, "awsRegion": "us-east-1", "awsAccountId": acct,
			"configuration": conf}
		if suppl != nil {
			ci["supplementaryConfiguration"] = suppl
		}
		return ci
	}
	return []map[string]any{
		item("AWS::EC2::Volume", "vol-1", map[string]any{"volumeId": "vol-1", "encrypted": false, "size": 8, "state": "in-use",
			"createTime": "2026-01-02T03:04:05.000Z", "attachments": []any{map[string]any{"instanceId": "i-1", "state": "attached"}}}, nil),
		item("AWS::EC2::Subnet", "subnet-1", map[string]any{"subnetId": "subnet-1", "vpcId": "vpc-1", "mapPublicIpOnLaunch": true,
			"state": map[string]any{"value": "available"}, "subnetArn": arn("ec2", "subnet/subnet-1")}, nil),
		item("AWS::EC2::EIP", "eipalloc-1", map[string]any{"allocationId": "eipalloc-1", "publicIp": "198.51.100.7", "domain": "vpc"}, nil),
		item("AWS::EC2::VPNConnection", "vpn-1", map[string]any{"vpnConnectionId": "vpn-1", "type": "ipsec.1", "state": map[string]any{"value": "available"},
			"customerGatewayConfiguration": "<vpn_connection><pre_shared_key>s3cr3t-psk</pre_shared_key></vpn_connection>",
			"vgwTelemetry":                 []any{map[string]any{"outsideIpAddress": "203.0.113.1", "status": "UP"}, map[string]any{"outsideIpAddress": "203.0.113.2", "status": "DOWN"}}}, nil),
		item("AWS::CloudWatch::Alarm", "cpu-high", map[string]any{"alarmName": "cpu-high", "alarmArn": arn("cloudwatch", "alarm:cpu-high"),
			"actionsEnabled": false, "alarmActions": []any{arn("sns", "ops")}, "okactions": []any{}, "metricName": "CPUUtilization",
			"namespace": "AWS/EC2", "threshold": 80.0, "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 1, "period": 300,
			"dimensions": []any{map[string]any{"name": "InstanceId", "value": "i-1"}}}, nil),
		item("AWS::NetworkFirewall::Firewall", arn("network-firewall", "firewall/fw-1"), map[string]any{"firewall": map[string]any{
			"firewallArn": arn("network-firewall", "firewall/fw-1"), "firewallName": "fw-1", "vpcId": "vpc-1",
			"firewallPolicyArn": arn("network-firewall", "firewall-policy/pol-1"), "subnetMappings": []any{map[string]any{"subnetId": "subnet-1"}}}}, nil),
		item("AWS::NetworkFirewall::FirewallPolicy", arn("network-firewall", "firewall-policy/pol-1"), map[string]any{
			"firewallPolicyResponse": map[string]any{"firewallPolicyArn": arn("network-firewall", "firewall-policy/pol-1"), "firewallPolicyName": "pol-1"},
			"firewallPolicy":         map[string]any{"statelessDefaultActions": []any{"aws:pass"}, "statelessFragmentDefaultActions": []any{"aws:drop"}}}, nil),
		item("AWS::NetworkFirewall::RuleGroup", arn("network-firewall", "stateless-rulegroup/empty"), map[string]any{
			"ruleGroupResponse": map[string]any{"ruleGroupArn": arn("network-firewall", "stateless-rulegroup/empty"), "ruleGroupName": "empty", "type": "STATELESS", "capacity": 10},
			"ruleGroup":         map[string]any{"rulesSource": map[string]any{"statelessRulesAndCustomActions": map[string]any{"statelessRules": []any{}}}}}, nil),
		item("AWS::NetworkFirewall::RuleGroup", arn("network-firewall", "stateful-rulegroup/sf"), map[string]any{
			"ruleGroupResponse": map[string]any{"ruleGroupArn": arn("network-firewall", "stateful-rulegroup/sf"), "ruleGroupName": "sf", "type": "STATEFUL"},
			"ruleGroup":         map[string]any{"rulesSource": map[string]any{"rulesString": "pass tcp any any -> any any (sid:1;)"}}}, nil),
		item("AWS::EC2::RouteTable", "rtb-1", map[string]any{"routeTableId": "rtb-1", "vpcId": "vpc-1", "ownerId": acct,
			"routes":       []any{map[string]any{"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-1", "state": "active"}},
			"associations": []any{map[string]any{"subnetId": "subnet-1", "main": false}}}, nil),
		item("AWS::RDS::DBCluster", "cluster-1", map[string]any{"dbclusterIdentifier": "aurora-1", "dbclusterArn": arn("rds", "cluster:aurora-1"),
			"engine": "aurora-postgresql", "deletionProtection": false, "multiAZ": false, "masterUsername": "postgres",
			"iamdatabaseAuthenticationEnabled": false, "copyTagsToSnapshot": false, "storageEncrypted": true,
			"availabilityZones": []any{"us-east-1a"}, "endpoint": "aurora-1.cluster-x.us-east-1.rds.amazonaws.com"}, nil),
		item("AWS::ElasticLoadBalancingV2::LoadBalancer", arn("elasticloadbalancing", "loadbalancer/app/web/1"), map[string]any{
			"loadBalancerArn": arn("elasticloadbalancing", "loadbalancer/app/web/1"), "loadBalancerName": "web", "type": "application",
			"scheme": "internet-facing", "dNSName": "web-1.us-east-1.elb.amazonaws.com", "state": map[string]any{"code": "active"},
			"availabilityZones": []any{map[string]any{"zoneName": "us-east-1a", "subnetId": "subnet-1"}}}, nil),
		item("AWS::ElasticLoadBalancing::LoadBalancer", "classic", map[string]any{"loadBalancerName": "classic",
			"dnsname": "classic-1.us-east-1.elb.amazonaws.com", "vpcid": "vpc-1", "availabilityZones": []any{"us-east-1a"},
			"listenerDescriptions": []any{map[string]any{"listener": map[string]any{"protocol": "HTTP", "loadBalancerPort": 80,
				"instanceProtocol": "HTTP", "instancePort": 80}, "policyNames": []any{}}}}, nil),
		item("AWS::AutoScaling::AutoScalingGroup", "asg-1", map[string]any{"autoScalingGroupName": "asg-1",
			"autoScalingGroupARN": arn("autoscaling", "autoScalingGroup:1:autoScalingGroupName/asg-1"), "availabilityZones": []any{"us-east-1a"},
			"healthCheckType": "EC2", "loadBalancerNames": []any{"classic"}, "launchConfigurationName": "lc-1",
			"minSize": 1, "maxSize": 2, "desiredCapacity": 1, "vpczoneIdentifier": "subnet-1", "createdTime": "2026-01-02T03:04:05.000Z"}, nil),
		item("AWS::AutoScaling::LaunchConfiguration", "lc-1", map[string]any{"launchConfigurationName": "lc-1",
			"launchConfigurationARN":   arn("autoscaling", "launchConfiguration:1:launchConfigurationName/lc-1"),
			"associatePublicIpAddress": true, "metadataOptions": map[string]any{"httpTokens": "optional", "httpEndpoint": "enabled"},
			"imageId": "ami-1", "instanceType": "t3.micro", "userData": "cGFzc3dvcmQ9aHVudGVyMg==", "securityGroups": []any{"sg-1"}}, nil),
		item("AWS::Redshift::Cluster", "rs-1", map[string]any{"clusterIdentifier": "rs-1", "publiclyAccessible": true, "encrypted": true,
			"enhancedVpcRouting": false, "allowVersionUpgrade": true, "automatedSnapshotRetentionPeriod": 1, "masterUsername": "awsuser",
			"dBName": "dev", "nodeType": "ra3.xlplus", "clusterParameterGroups": []any{map[string]any{"parameterGroupName": "pg-1"}}},
			map[string]any{"LoggingStatus": map[string]any{"loggingEnabled": false}}),
		item("AWS::DynamoDB::Table", "orders", map[string]any{"tableName": "orders", "tableArn": arn("dynamodb", "table/orders"),
			"tableStatus": "ACTIVE", "billingModeSummary": map[string]any{"billingMode": "PAY_PER_REQUEST"},
			"ssedescription": map[string]any{"status": "ENABLED", "ssetype": "KMS"}, "creationDateTime": "2026-01-02T03:04:05.000Z"},
			map[string]any{"ContinuousBackupsDescription": map[string]any{"continuousBackupsStatus": "ENABLED",
				"pointInTimeRecoveryDescription": map[string]any{"pointInTimeRecoveryStatus": "DISABLED"}}}),
		item("AWS::ACM::Certificate", arn("acm", "certificate/c-1"), map[string]any{"certificateArn": arn("acm", "certificate/c-1"),
			"domainName": "example.com", "keyAlgorithm": "RSA_1024", "status": "ISSUED", "type": "IMPORTED",
			"notAfter": expires.Format(time.RFC3339)}, nil),
		item("AWS::Elasticsearch::Domain", acct+"/logs", map[string]any{"domainName": "logs", "domainId": acct + "/logs",
			"arn": arn("es", "domain/logs"), "elasticsearchVersion": "7.10", "endpoint": "search-logs.us-east-1.es.amazonaws.com",
			"elasticsearchClusterConfig": map[string]any{"instanceCount": 1, "zoneAwarenessEnabled": false, "dedicatedMasterEnabled": false},
			"encryptionAtRestOptions":    map[string]any{"enabled": false}, "nodeToNodeEncryptionOptions": map[string]any{"enabled": false},
			"domainEndpointOptions": map[string]any{"enforceHTTPS": false, "tlssecurityPolicy": "Policy-Min-TLS-1-0-2019-07"}}, nil),
		item("AWS::OpenSearch::Domain", "search", map[string]any{"DomainName": "search", "Id": acct + "/search",
			"Arn": arn("es", "domain/search"), "DomainArn": arn("es", "domain/search"), "EngineVersion": "OpenSearch_2.11",
			"DomainEndpoint":          "vpc-search.us-east-1.es.amazonaws.com",
			"ClusterConfig":           map[string]any{"InstanceCount": 3, "ZoneAwarenessEnabled": true, "DedicatedMasterEnabled": true, "DedicatedMasterCount": 3},
			"EncryptionAtRestOptions": map[string]any{"Enabled": true}, "NodeToNodeEncryptionOptions": map[string]any{"Enabled": true},
			"VPCOptions":              map[string]any{"SubnetIds": []any{"subnet-1"}, "SecurityGroupIds": []any{"sg-1"}},
			"DomainEndpointOptions":   map[string]any{"EnforceHTTPS": true, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
			"AdvancedSecurityOptions": map[string]any{"Enabled": true},
			"LogPublishingOptions": map[string]any{
				"AUDIT_LOGS":          map[string]any{"Enabled": true, "CloudWatchLogsLogGroupArn": arn("logs", "log-group:audit")},
				"ES_APPLICATION_LOGS": map[string]any{"Enabled": true, "CloudWatchLogsLogGroupArn": arn("logs", "log-group:app")}}}, nil),
	}
}

// TestConfigSnapshotsAuditNewTypes: a Config snapshot file holding
// items of the newer types becomes a snapshot in which the built-in
// rules find the violations the items carry, and rules needing reads
// Config does not record say so instead of passing or failing.
func TestConfigSnapshotsAuditNewTypes(t *testing.T) {
	archive := t.TempDir()
	expires := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Second)
	doc := map[string]any{"fileVersion": "1.0", "configSnapshotId": "x", "configurationItems": configItemsNewTypes(expires)}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(archive, "AWSLogs", acct, "Config", "us-east-1", "2026", "11", "20", "ConfigSnapshot",
		acct+"_Config_us-east-1_ConfigSnapshot_20261120T120000Z_x.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := FromConfigSnapshots(context.Background(), archive, ConfigOptions{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Partial() {
		t.Fatalf("gaps: %+v", res.Manifest.Gaps)
	}
	snap, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	// Launch configurations' user data is redacted as when collected live.
	asf, err := snap.Service(acct, "us-east-1", "autoscaling")
	if err != nil {
		t.Fatal(err)
	}
	if s := string(asf.Operations["DescribeLaunchConfigurations"]); strings.Contains(s, "cGFzc3dvcmQ9aHVudGVyMg") || !strings.Contains(s, "redacted by orgrail") {
		t.Errorf("user data not redacted: %s", s)
	}
	// So is a VPN connection's configuration document, which holds the
	// tunnels' pre-shared keys.
	ef, err := snap.Service(acct, "us-east-1", "ec2")
	if err != nil {
		t.Fatal(err)
	}
	if s := string(ef.Operations["DescribeVpnConnections"]); strings.Contains(s, "s3cr3t-psk") {
		t.Errorf("VPN pre-shared key stored: %s", s)
	}
	out, err := rules.Audit(snap, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]findings.Finding{} // rule id + "|" + resource
	for _, f := range out.Report.Findings {
		status[f.RuleID+"|"+f.ResourceArn] = f
	}
	find := func(rule, resource string) (findings.Finding, bool) {
		for k, f := range status {
			if strings.HasPrefix(k, rule+"|") && strings.Contains(f.ResourceArn, resource) {
				return f, true
			}
		}
		return findings.Finding{}, false
	}
	want := []struct {
		rule, resource string
		st             findings.Status
	}{
		{"ec2.volumes-encrypted", "vol-1", findings.Failed},
		{"ec2.subnet-no-auto-public-ip", "subnet-1", findings.Failed},
		{"ec2.eip-attached", "eipalloc-1", findings.Failed},
		{"ec2.vpn-tunnels-up", "vpn-1", findings.Failed},
		{"cloudwatch.alarm-actions-enabled", "cpu-high", findings.Failed},
		{"networkfirewall.policy-default-action-full-packets", "pol-1", findings.Failed},
		{"networkfirewall.policy-default-action-fragments", "pol-1", findings.Passed},
		{"networkfirewall.policy-rule-group-associated", "pol-1", findings.Failed},
		{"networkfirewall.stateless-rule-group-not-empty", "stateless-rulegroup/empty", findings.Failed},
		{"ec2.no-unrestricted-route-to-igw", "rtb-1", findings.Failed},
		{"rds.cluster-deletion-protection", "aurora-1", findings.Failed},
		{"rds.cluster-iam-authentication", "aurora-1", findings.Failed},
		{"elb.multi-az", "app/web", findings.Failed},
		{"elb.clb-tls-listeners", "classic", findings.Failed},
		{"elb.clb-multi-az", "classic", findings.Failed},
		{"autoscaling.elb-health-check", "asg-1", findings.Failed},
		{"autoscaling.multi-az", "asg-1", findings.Failed},
		{"autoscaling.launch-config-imdsv2", "lc-1", findings.Failed},
		{"autoscaling.launch-config-no-public-ip", "lc-1", findings.Failed},
		{"redshift.public-access", "rs-1", findings.Failed},
		{"redshift.audit-logging", "rs-1", findings.Failed},
		{"redshift.default-admin-username", "rs-1", findings.Failed},
		{"redshift.default-db-name", "rs-1", findings.Failed},
		{"dynamodb.pitr-enabled", "orders", findings.Failed},
		{"dynamodb.autoscaling", "orders", findings.Passed}, // on-demand
		{"acm.certificate-expiration", "c-1", findings.Failed},
		{"acm.rsa-key-length", "c-1", findings.Failed},
		{"opensearch.encrypted-at-rest", "domain/logs", findings.Failed},
		{"opensearch.in-vpc", "domain/logs", findings.Failed},
		{"opensearch.data-node-fault-tolerance", "domain/logs", findings.Failed},
		{"opensearch.tls-1-2", "domain/logs", findings.Failed},
		{"opensearch.encrypted-at-rest", "domain/search", findings.Passed},
		{"opensearch.in-vpc", "domain/search", findings.Passed},
		{"opensearch.audit-logging", "domain/search", findings.Passed},
		{"opensearch.dedicated-master-nodes", "domain/search", findings.Passed},
		{"opensearch.fine-grained-access-control", "domain/search", findings.Passed},
		{"opensearch.tls-1-2", "domain/search", findings.Passed},
	}
	for _, w := range want {
		f, ok := find(w.rule, w.resource)
		if !ok {
			t.Errorf("%s: no finding on %s", w.rule, w.resource)
			continue
		}
		if f.Status != w.st {
			t.Errorf("%s on %s: %s (%s), want %s", w.rule, w.resource, f.Status, f.Message, w.st)
		}
	}
	// A read Config does not record is not judged: the finding says why.
	for _, f := range out.Report.Findings {
		if strings.Contains(f.ResourceArn, "stateful-rulegroup") {
			t.Errorf("a stateful rule group is read as stateless: %s %s", f.RuleID, f.Message)
		}
	}
	for _, r := range []string{"elb.deletion-protection", "elb.clb-connection-draining", "redshift.require-ssl", "networkfirewall.logging-enabled"} {
		said := false
		for _, f := range out.Report.Findings {
			said = said || f.RuleID == r && strings.Contains(f.Message, "not recorded in AWS Config files")
			if f.RuleID == r && (f.Status == findings.Passed || f.Status == findings.Failed) {
				t.Errorf("%s judged %s without the read it needs: %s", r, f.Status, f.Message)
			}
			if f.RuleID == r && f.Status == findings.Error && !strings.Contains(f.Message, "not recorded in AWS Config files") {
				t.Errorf("%s: %s", r, f.Message)
			}
		}
		if !said {
			t.Errorf("%s: no finding saying the read is not recorded in AWS Config files", r)
		}
	}
}
