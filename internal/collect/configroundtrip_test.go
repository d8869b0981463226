package collect

import (
	"context"
	"encoding/json"
	"io"
	stdos "os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	nfwtypes "github.com/aws/aws-sdk-go-v2/service/networkfirewall/types"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// newTypesFixture writes a snapshot with one resource of each newer
// converted type, as the live collectors store them.
func newTypesFixture(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snapshot")
	o := &org.Organization{Id: "o-test123456", MasterAccountId: acct, Roots: []org.Root{{Id: "r-ab12", Name: "Root"}},
		Accounts: []org.Account{{Id: acct, Name: "prod", ParentId: "r-ab12", Status: org.StatusActive}}}
	w, err := snapshot.Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := "us-east-1"
	e := snapshot.NewServiceFile(acct, r, "ec2")
	must(e.Set("DescribeVolumes", &ec2.DescribeVolumesOutput{Volumes: []ec2types.Volume{{VolumeId: aws.String("vol-1"), Encrypted: aws.Bool(false),
		Size: aws.Int32(8), State: ec2types.VolumeStateInUse, CreateTime: &at,
		Attachments: []ec2types.VolumeAttachment{{InstanceId: aws.String("i-1"), State: ec2types.VolumeAttachmentStateAttached}}}}}))
	must(e.Set("DescribeSubnets", &ec2.DescribeSubnetsOutput{Subnets: []ec2types.Subnet{{SubnetId: aws.String("subnet-1"), VpcId: aws.String("vpc-1"),
		MapPublicIpOnLaunch: aws.Bool(true), State: ec2types.SubnetStateAvailable}}}))
	must(e.Set("DescribeRouteTables", &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{{RouteTableId: aws.String("rtb-1"),
		Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-1")}}}}}))
	must(e.Set("DescribeAddresses", &ec2.DescribeAddressesOutput{Addresses: []ec2types.Address{{AllocationId: aws.String("eipalloc-1"), PublicIp: aws.String("198.51.100.7"), Domain: ec2types.DomainTypeVpc}}}))
	must(e.Set("DescribeNetworkInterfaces", &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: []ec2types.NetworkInterface{{NetworkInterfaceId: aws.String("eni-1"),
		Groups: []ec2types.GroupIdentifier{{GroupId: aws.String("sg-1")}}, Attachment: &ec2types.NetworkInterfaceAttachment{InstanceId: aws.String("i-1"), DeviceIndex: aws.Int32(0)}}}}))
	must(e.Set("DescribeVpnConnections", &ec2.DescribeVpnConnectionsOutput{VpnConnections: []ec2types.VpnConnection{{VpnConnectionId: aws.String("vpn-1"), State: ec2types.VpnStateAvailable,
		VgwTelemetry: []ec2types.VgwTelemetry{{OutsideIpAddress: aws.String("203.0.113.1"), Status: ec2types.TelemetryStatusUp, LastStatusChange: &at}}}}}))
	must(w.WriteService(e))
	cw := snapshot.NewServiceFile(acct, r, "cloudwatch")
	must(cw.Set("DescribeAlarms", &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []cwtypes.MetricAlarm{{AlarmName: aws.String("cpu-high"), ActionsEnabled: aws.Bool(true),
		AlarmActions: []string{"arn:sns"}, OKActions: []string{"arn:sns"}, Threshold: aws.Float64(80.5), Dimensions: []cwtypes.Dimension{{Name: aws.String("InstanceId"), Value: aws.String("i-1")}}}}}))
	must(w.WriteService(cw))
	nf := snapshot.NewServiceFile(acct, r, "networkfirewall")
	must(nf.Set("ListFirewalls", &networkfirewall.ListFirewallsOutput{Firewalls: []nfwtypes.FirewallMetadata{{FirewallArn: aws.String("arn:fw"), FirewallName: aws.String("fw")}}}))
	must(nf.SetResource("DescribeFirewall", "arn:fw", &networkfirewall.DescribeFirewallOutput{Firewall: &nfwtypes.Firewall{FirewallArn: aws.String("arn:fw"), FirewallName: aws.String("fw"),
		FirewallPolicyArn: aws.String("arn:pol"), VpcId: aws.String("vpc-1"), SubnetMappings: []nfwtypes.SubnetMapping{{SubnetId: aws.String("subnet-1")}}}}))
	must(nf.Set("ListFirewallPolicies", &networkfirewall.ListFirewallPoliciesOutput{FirewallPolicies: []nfwtypes.FirewallPolicyMetadata{{Arn: aws.String("arn:pol"), Name: aws.String("pol")}}}))
	must(nf.SetResource("DescribeFirewallPolicy", "arn:pol", &networkfirewall.DescribeFirewallPolicyOutput{
		FirewallPolicyResponse: &nfwtypes.FirewallPolicyResponse{FirewallPolicyArn: aws.String("arn:pol"), FirewallPolicyName: aws.String("pol"), FirewallPolicyId: aws.String("p1")},
		FirewallPolicy:         &nfwtypes.FirewallPolicy{StatelessDefaultActions: []string{"aws:forward_to_sfe"}, StatelessFragmentDefaultActions: []string{"aws:drop"}}}))
	must(nf.Set("ListRuleGroups", &networkfirewall.ListRuleGroupsOutput{RuleGroups: []nfwtypes.RuleGroupMetadata{{Arn: aws.String("arn:rg"), Name: aws.String("rg")}}}))
	must(nf.SetResource("DescribeRuleGroup", "arn:rg", &networkfirewall.DescribeRuleGroupOutput{
		RuleGroupResponse: &nfwtypes.RuleGroupResponse{RuleGroupArn: aws.String("arn:rg"), RuleGroupName: aws.String("rg"), RuleGroupId: aws.String("g1"), Type: nfwtypes.RuleGroupTypeStateless}}))
	must(w.WriteService(nf))
	rf := snapshot.NewServiceFile(acct, r, "rds")
	must(rf.Set("DescribeEventSubscriptions", &rds.DescribeEventSubscriptionsOutput{EventSubscriptionsList: []rdstypes.EventSubscription{{CustSubscriptionId: aws.String("sub-1"),
		Enabled: aws.Bool(true), SourceType: aws.String("db-cluster"), EventCategoriesList: []string{"failure"}, SnsTopicArn: aws.String("arn:sns")}}}))
	must(rf.Set("DescribeDBClusters", &rds.DescribeDBClustersOutput{DBClusters: []rdstypes.DBCluster{{DBClusterIdentifier: aws.String("aurora-1"),
		Engine: aws.String("aurora-mysql"), DeletionProtection: aws.Bool(false), IAMDatabaseAuthenticationEnabled: aws.Bool(true), ClusterCreateTime: &at}}}))
	must(w.WriteService(rf))
	l2 := snapshot.NewServiceFile(acct, r, "elbv2")
	must(l2.Set("DescribeLoadBalancers", &elbv2.DescribeLoadBalancersOutput{LoadBalancers: []elbv2types.LoadBalancer{{LoadBalancerArn: aws.String("arn:lb/app/web/1"),
		LoadBalancerName: aws.String("web"), Type: elbv2types.LoadBalancerTypeEnumApplication, DNSName: aws.String("web.elb"),
		AvailabilityZones: []elbv2types.AvailabilityZone{{ZoneName: aws.String("us-east-1a")}}}}}))
	must(w.WriteService(l2))
	l1 := snapshot.NewServiceFile(acct, r, "elb")
	must(l1.Set("DescribeLoadBalancers", &elb.DescribeLoadBalancersOutput{LoadBalancerDescriptions: []elbtypes.LoadBalancerDescription{{LoadBalancerName: aws.String("classic"),
		DNSName: aws.String("classic.elb"), VPCId: aws.String("vpc-1"), AvailabilityZones: []string{"us-east-1a"},
		ListenerDescriptions: []elbtypes.ListenerDescription{{Listener: &elbtypes.Listener{Protocol: aws.String("HTTPS"), LoadBalancerPort: 443,
			InstancePort: aws.Int32(80), SSLCertificateId: aws.String("arn:cert")}}}}}}))
	must(w.WriteService(l1))
	as := snapshot.NewServiceFile(acct, r, "autoscaling")
	must(as.Set("DescribeAutoScalingGroups", &autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: []astypes.AutoScalingGroup{{AutoScalingGroupName: aws.String("asg-1"),
		AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, HealthCheckType: aws.String("ELB"), TargetGroupARNs: []string{"arn:tg"},
		VPCZoneIdentifier: aws.String("subnet-1,subnet-2"), MinSize: aws.Int32(1), MaxSize: aws.Int32(2)}}}))
	must(as.Set("DescribeLaunchConfigurations", &autoscaling.DescribeLaunchConfigurationsOutput{LaunchConfigurations: []astypes.LaunchConfiguration{{LaunchConfigurationName: aws.String("lc-1"),
		ImageId: aws.String("ami-1"), InstanceType: aws.String("t3.micro"), MetadataOptions: &astypes.InstanceMetadataOptions{HttpTokens: astypes.InstanceMetadataHttpTokensStateRequired}}}}))
	must(w.WriteService(as))
	rs := snapshot.NewServiceFile(acct, r, "redshift")
	must(rs.Set("DescribeClusters", &redshift.DescribeClustersOutput{Clusters: []rstypes.Cluster{{ClusterIdentifier: aws.String("rs-1"), PubliclyAccessible: aws.Bool(false),
		Encrypted: aws.Bool(true), MasterUsername: aws.String("admin1"), DBName: aws.String("sales")}}}))
	must(rs.SetResource("DescribeLoggingStatus", "rs-1", &redshift.DescribeLoggingStatusOutput{LoggingEnabled: aws.Bool(true), BucketName: aws.String("logs")}))
	must(w.WriteService(rs))
	dd := snapshot.NewServiceFile(acct, r, "dynamodb")
	must(dd.Set("ListTables", &dynamodb.ListTablesOutput{TableNames: []string{"orders"}}))
	must(dd.SetResource("DescribeTable", "orders", &dynamodb.DescribeTableOutput{Table: &ddbtypes.TableDescription{TableName: aws.String("orders"),
		TableArn: aws.String("arn:table/orders"), CreationDateTime: &at, BillingModeSummary: &ddbtypes.BillingModeSummary{BillingMode: ddbtypes.BillingModePayPerRequest},
		SSEDescription: &ddbtypes.SSEDescription{Status: ddbtypes.SSEStatusEnabled, SSEType: ddbtypes.SSETypeKms}}}))
	must(dd.SetResource("DescribeContinuousBackups", "orders", &dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: &ddbtypes.ContinuousBackupsDescription{
		ContinuousBackupsStatus:        ddbtypes.ContinuousBackupsStatusEnabled,
		PointInTimeRecoveryDescription: &ddbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: ddbtypes.PointInTimeRecoveryStatusEnabled}}}))
	must(w.WriteService(dd))
	ac := snapshot.NewServiceFile(acct, r, "acm")
	cert := &acmtypes.CertificateDetail{CertificateArn: aws.String("arn:cert"), DomainName: aws.String("example.com"), KeyAlgorithm: acmtypes.KeyAlgorithmRsa2048,
		NotAfter: &at, Status: acmtypes.CertificateStatusIssued, Type: acmtypes.CertificateTypeAmazonIssued, InUseBy: []string{"arn:lb/app/web/1"}}
	must(ac.Set("ListCertificates", &acm.ListCertificatesOutput{CertificateSummaryList: []acmtypes.CertificateSummary{{CertificateArn: cert.CertificateArn}}}))
	must(ac.SetResource("DescribeCertificate", "arn:cert", &acm.DescribeCertificateOutput{Certificate: cert}))
	must(w.WriteService(ac))
	os := snapshot.NewServiceFile(acct, r, "opensearch")
	es := ostypes.DomainStatus{DomainName: aws.String("logs"), DomainId: aws.String(acct + "/logs"), ARN: aws.String("arn:es/logs"),
		EngineVersion: aws.String("Elasticsearch_7.10"), ClusterConfig: &ostypes.ClusterConfig{InstanceCount: aws.Int32(1)},
		VPCOptions:           &ostypes.VPCDerivedInfo{VPCId: aws.String("vpc-1"), SubnetIds: []string{"subnet-1"}},
		LogPublishingOptions: map[string]ostypes.LogPublishingOption{"AUDIT_LOGS": {Enabled: aws.Bool(true), CloudWatchLogsLogGroupArn: aws.String("arn:lg")}}}
	osd := ostypes.DomainStatus{DomainName: aws.String("search"), DomainId: aws.String(acct + "/search"), ARN: aws.String("arn:es/search"),
		EngineVersion: aws.String("OpenSearch_2.11"), Endpoint: aws.String("search.es"),
		ClusterConfig: &ostypes.ClusterConfig{InstanceCount: aws.Int32(3), ZoneAwarenessEnabled: aws.Bool(true)},
		VPCOptions:    &ostypes.VPCDerivedInfo{SubnetIds: []string{"subnet-1"}}, EncryptionAtRestOptions: &ostypes.EncryptionAtRestOptions{Enabled: aws.Bool(true)}}
	must(os.Set("ListDomainNames", &opensearch.ListDomainNamesOutput{DomainNames: []ostypes.DomainInfo{
		{DomainName: aws.String("logs"), EngineType: ostypes.EngineTypeElasticsearch}, {DomainName: aws.String("search"), EngineType: ostypes.EngineTypeOpenSearch}}}))
	must(os.Set("DescribeDomains", &opensearch.DescribeDomainsOutput{DomainStatusList: []ostypes.DomainStatus{es, osd}}))
	must(w.WriteService(os))
	must(w.Commit(&snapshot.Manifest{OrgID: o.Id, Source: "test"}))
	s, err := snapshot.Open(dir)
	must(err)
	return s
}

// TestConfigSnapshotsRoundTripNewTypes: WriteConfigSnapshots renders the
// newer types as Config items and FromConfigSnapshots reads them back
// to the same outputs.
func TestConfigSnapshotsRoundTripNewTypes(t *testing.T) {
	src := newTypesFixture(t)
	archive := t.TempDir()
	if err := WriteConfigSnapshots(src, archive, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	// The items carry Config's member names, the domains each in their
	// resource type's shape.
	files, _ := filepath.Glob(filepath.Join(archive, "AWSLogs", acct, "Config", "us-east-1", "*", "*", "*", "ConfigSnapshot", "*.json.gz"))
	if len(files) != 1 {
		t.Fatalf("config files: %v", files)
	}
	doc, err := readConfigFile(func(n string) (io.ReadCloser, error) { return stdos.Open(n) }, files[0])
	if err != nil {
		t.Fatal(err)
	}
	wantIn := map[string][]string{
		rtESDomain:      {`"elasticsearchVersion":"7.10"`, `"elasticsearchClusterConfig":{`, `"instanceCount":1`, `"arn":"arn:es/logs"`, `"vPCOptions":{`},
		rtOpenSearchDom: {`"Id":"` + acct + `/search"`, `"DomainEndpoint":"search.es"`, `"Arn":"arn:es/search"`, `"DomainArn":"arn:es/search"`, `"EngineVersion":"OpenSearch_2.11"`},
		rtTable:         {`"tableName":"orders"`, `"sSEDescription":{`},
	}
	for _, ci := range doc.ConfigurationItems {
		for _, w := range wantIn[ci.ResourceType] {
			if !strings.Contains(string(ci.Configuration), w) {
				t.Errorf("%s: %s not in %s", ci.ResourceType, w, ci.Configuration)
			}
		}
		if ci.ResourceType == rtTable && ci.suppl("ContinuousBackupsDescription") == nil {
			t.Error("table without its ContinuousBackupsDescription")
		}
	}
	res, err := FromConfigSnapshots(context.Background(), archive, ConfigOptions{Out: t.TempDir(), OrgFrom: src.Dir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	r := "us-east-1"
	same := func(service, op, key string, newOut func() any) {
		t.Helper()
		a, b := newOut(), newOut()
		fa, _ := src.Service(acct, r, service)
		fb, err := got.Service(acct, r, service)
		if err != nil {
			t.Fatalf("%s %s: %v", service, op, err)
		}
		var ok bool
		if key == "" {
			fa.Get(op, a)
			ok, err = fb.Get(op, b)
		} else {
			fa.GetResource(op, key, a)
			ok, err = fb.GetResource(op, key, b)
		}
		if !ok || err != nil {
			t.Fatalf("%s %s %s missing: %v", service, op, key, err)
		}
		if !reflect.DeepEqual(a, b) {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			t.Errorf("%s %s %s differs:\n want %s\n got  %s", service, op, key, ja, jb)
		}
	}
	same("ec2", "DescribeAddresses", "", func() any { return &ec2.DescribeAddressesOutput{} })
	same("ec2", "DescribeNetworkInterfaces", "", func() any { return &ec2.DescribeNetworkInterfacesOutput{} })
	same("ec2", "DescribeVpnConnections", "", func() any { return &ec2.DescribeVpnConnectionsOutput{} })
	same("rds", "DescribeEventSubscriptions", "", func() any { return &rds.DescribeEventSubscriptionsOutput{} })
	same("cloudwatch", "DescribeAlarms", "", func() any { return &cloudwatch.DescribeAlarmsOutput{} })
	same("networkfirewall", "ListFirewalls", "", func() any { return &networkfirewall.ListFirewallsOutput{} })
	same("networkfirewall", "DescribeFirewall", "arn:fw", func() any { return &networkfirewall.DescribeFirewallOutput{} })
	same("networkfirewall", "ListFirewallPolicies", "", func() any { return &networkfirewall.ListFirewallPoliciesOutput{} })
	same("networkfirewall", "DescribeFirewallPolicy", "arn:pol", func() any { return &networkfirewall.DescribeFirewallPolicyOutput{} })
	same("networkfirewall", "ListRuleGroups", "", func() any { return &networkfirewall.ListRuleGroupsOutput{} })
	same("networkfirewall", "DescribeRuleGroup", "arn:rg", func() any { return &networkfirewall.DescribeRuleGroupOutput{} })
	same("ec2", "DescribeVolumes", "", func() any { return &ec2.DescribeVolumesOutput{} })
	same("ec2", "DescribeSubnets", "", func() any { return &ec2.DescribeSubnetsOutput{} })
	same("ec2", "DescribeRouteTables", "", func() any { return &ec2.DescribeRouteTablesOutput{} })
	same("rds", "DescribeDBClusters", "", func() any { return &rds.DescribeDBClustersOutput{} })
	same("elbv2", "DescribeLoadBalancers", "", func() any { return &elbv2.DescribeLoadBalancersOutput{} })
	same("elb", "DescribeLoadBalancers", "", func() any { return &elb.DescribeLoadBalancersOutput{} })
	same("autoscaling", "DescribeAutoScalingGroups", "", func() any { return &autoscaling.DescribeAutoScalingGroupsOutput{} })
	same("autoscaling", "DescribeLaunchConfigurations", "", func() any { return &autoscaling.DescribeLaunchConfigurationsOutput{} })
	same("redshift", "DescribeClusters", "", func() any { return &redshift.DescribeClustersOutput{} })
	same("redshift", "DescribeLoggingStatus", "rs-1", func() any { return &redshift.DescribeLoggingStatusOutput{} })
	same("dynamodb", "ListTables", "", func() any { return &dynamodb.ListTablesOutput{} })
	same("dynamodb", "DescribeTable", "orders", func() any { return &dynamodb.DescribeTableOutput{} })
	same("dynamodb", "DescribeContinuousBackups", "orders", func() any { return &dynamodb.DescribeContinuousBackupsOutput{} })
	same("acm", "DescribeCertificate", "arn:cert", func() any { return &acm.DescribeCertificateOutput{} })
	same("opensearch", "ListDomainNames", "", func() any { return &opensearch.ListDomainNamesOutput{} })
	same("opensearch", "DescribeDomains", "", func() any { return &opensearch.DescribeDomainsOutput{} })
	var lc acm.ListCertificatesOutput
	if f, _ := got.Service(acct, r, "acm"); f == nil {
		t.Fatal("no acm file")
	} else if ok, _ := f.Get("ListCertificates", &lc); !ok || len(lc.CertificateSummaryList) != 1 || aws.ToString(lc.CertificateSummaryList[0].CertificateArn) != "arn:cert" {
		t.Errorf("ListCertificates: %+v", lc)
	}
	// The reads Config does not record are gaps of the service file.
	if f, _ := got.Service(acct, r, "elbv2"); f == nil || f.Gap("DescribeLoadBalancerAttributes") == "" {
		t.Error("elbv2 DescribeLoadBalancerAttributes must be a gap")
	}
}
