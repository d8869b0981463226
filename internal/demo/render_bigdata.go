package demo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk/types"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	sgmtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
)

// bigData is an account's Kinesis streams, EMR clusters, SageMaker
// notebook instances and Elastic Beanstalk environments in one region.
type bigData struct {
	streams   []*stream
	clusters  []*emrCluster
	notebooks []*notebook
	envs      []*beanstalkEnv
}

type stream struct {
	name      string
	plaintext bool
	created   time.Time
}

type emrCluster struct {
	id, name string
	publicIP string // "" means the primary node is private
	created  time.Time
}

type notebook struct {
	name     string
	subnet   string
	internet bool
	root     bool
	created  time.Time
}

type beanstalkEnv struct {
	app, name      string
	basicHealth    bool
	noManagedUpdts bool
}

// baselineBigData gives a workload account a KMS-encrypted Kinesis
// data stream in its home region.
func baselineBigData(w *world, a *acct, home string, created time.Time) {
	an := &w.region(a, home).bigdata
	an.streams = append(an.streams, &stream{name: a.Name + "-clickstream", created: created})
}

func init() {
	plants["data-kinesis-unencrypted"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		s := w.region(a, home).bigdata.streams[0]
		s.plaintext = true
		return v(a, home, streamARN(a, home, s.name), "KINESIS_STREAM_ENCRYPTED")
	}}
	plants["data-emr-public-master"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		c := &emrCluster{id: "j-" + a.Id[:6] + "ADHOC", name: a.system + "-adhoc-spark", publicIP: "203.0.113.45", created: End.AddDate(0, 0, -3)}
		an := &w.region(a, home).bigdata
		an.clusters = append(an.clusters, c)
		return v(a, home, emrClusterARN(a, home, c.id), "EMR_MASTER_NO_PUBLIC_IP")
	}}
	plants["data-sagemaker-internet"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		rr := w.region(a, home)
		n := &notebook{name: a.system + "-research", internet: true, created: End.AddDate(0, -1, 0)}
		if len(rr.vpcs) > 0 && len(rr.vpcs[0].subnets) > 0 {
			n.subnet = rr.vpcs[0].subnets[0]
		}
		rr.bigdata.notebooks = append(rr.bigdata.notebooks, n)
		return v(a, home, notebookARN(a, home, n.name), "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS")
	}}
	plants["data-beanstalk-no-managed-updates"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		e := &beanstalkEnv{app: a.system + "-admin", name: a.Name + "-admin", noManagedUpdts: true}
		an := &w.region(a, home).bigdata
		an.envs = append(an.envs, e)
		return v(a, home, beanstalkARN(a, home, e.app, e.name), "ELASTIC_BEANSTALK_MANAGED_UPDATES_ENABLED")
	}}
	kumoPlants = append(kumoPlants,
		struct{ account, plant string }{"orders-staging", "data-kinesis-unencrypted"},
		struct{ account, plant string }{"loyalty-dev", "data-emr-public-master"},
		struct{ account, plant string }{"payments-dev", "data-sagemaker-internet"},
		struct{ account, plant string }{"orders-prod", "data-beanstalk-no-managed-updates"})
}

func streamARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", region, a.Id, name)
}

func emrClusterARN(a *acct, region, id string) string {
	return fmt.Sprintf("arn:aws:elasticmapreduce:%s:%s:cluster/%s", region, a.Id, id)
}

func notebookARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:sagemaker:%s:%s:notebook-instance/%s", region, a.Id, name)
}

func beanstalkARN(a *acct, region, app, env string) string {
	return fmt.Sprintf("arn:aws:elasticbeanstalk:%s:%s:environment/%s/%s", region, a.Id, app, env)
}

// renderBigData writes the kinesis, emr, sagemaker and
// elasticbeanstalk files of one account and region.
func renderBigData(w *world, a *acct, rr *regionRes) []*file {
	an := &rr.bigdata
	kf := newFile(a, rr.region, "kinesis")
	names := []string{}
	summaries := []kintypes.StreamSummary{}
	for _, s := range an.streams {
		arn := streamARN(a, rr.region, s.name)
		names = append(names, s.name)
		summaries = append(summaries, kintypes.StreamSummary{StreamName: aws.String(s.name), StreamARN: aws.String(arn), StreamStatus: kintypes.StreamStatusActive,
			StreamCreationTimestamp: ptime(s.created), StreamModeDetails: &kintypes.StreamModeDetails{StreamMode: kintypes.StreamModeOnDemand}})
		d := &kintypes.StreamDescriptionSummary{StreamName: aws.String(s.name), StreamARN: aws.String(arn), StreamStatus: kintypes.StreamStatusActive,
			StreamCreationTimestamp: ptime(s.created), RetentionPeriodHours: aws.Int32(24), OpenShardCount: aws.Int32(4), ConsumerCount: aws.Int32(1),
			StreamModeDetails: &kintypes.StreamModeDetails{StreamMode: kintypes.StreamModeOnDemand}, EnhancedMonitoring: []kintypes.EnhancedMetrics{{ShardLevelMetrics: []kintypes.MetricsName{}}},
			EncryptionType: kintypes.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}
		if s.plaintext {
			d.EncryptionType, d.KeyId = kintypes.EncryptionTypeNone, nil
		}
		kf.res("DescribeStreamSummary", s.name, kinesis.DescribeStreamSummaryOutput{StreamDescriptionSummary: d})
	}
	kf.put("ListStreams", kinesis.ListStreamsOutput{StreamNames: names, StreamSummaries: summaries, HasMoreStreams: aws.Bool(false)})

	ef := newFile(a, rr.region, "emr")
	ef.put("GetBlockPublicAccessConfiguration", emr.GetBlockPublicAccessConfigurationOutput{
		BlockPublicAccessConfiguration: &emrtypes.BlockPublicAccessConfiguration{BlockPublicSecurityGroupRules: aws.Bool(true),
			PermittedPublicSecurityGroupRuleRanges: []emrtypes.PortRange{{MinRange: aws.Int32(22), MaxRange: aws.Int32(22)}}},
		BlockPublicAccessConfigurationMetadata: &emrtypes.BlockPublicAccessConfigurationMetadata{CreationDateTime: ptime(time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)),
			CreatedByArn: aws.String("arn:aws:iam::" + a.Id + ":root")}})
	clusters := []emrtypes.ClusterSummary{}
	for _, c := range an.clusters {
		arn := emrClusterARN(a, rr.region, c.id)
		st := &emrtypes.ClusterStatus{State: emrtypes.ClusterStateWaiting, Timeline: &emrtypes.ClusterTimeline{CreationDateTime: ptime(c.created)}}
		clusters = append(clusters, emrtypes.ClusterSummary{Id: aws.String(c.id), Name: aws.String(c.name), ClusterArn: aws.String(arn), Status: st,
			NormalizedInstanceHours: aws.Int32(72)})
		ef.res("DescribeCluster", c.id, emr.DescribeClusterOutput{Cluster: &emrtypes.Cluster{Id: aws.String(c.id), Name: aws.String(c.name), ClusterArn: aws.String(arn),
			Status: st, InstanceCollectionType: emrtypes.InstanceCollectionTypeInstanceGroup, ReleaseLabel: aws.String("emr-7.2.0"),
			MasterPublicDnsName: aws.String("ec2-203-0-113-45.compute-1.amazonaws.com"), VisibleToAllUsers: aws.Bool(true)}})
		in := emrtypes.Instance{Id: aws.String("ci-" + c.id[2:]), Ec2InstanceId: aws.String("i-0" + c.id[2:]), PrivateIpAddress: aws.String("10.0.0.45"),
			InstanceType: aws.String("m6g.xlarge"), Market: emrtypes.MarketTypeOnDemand}
		if c.publicIP != "" {
			in.PublicIpAddress = aws.String(c.publicIP)
		}
		ef.res("ListInstances", c.id, emr.ListInstancesOutput{Instances: []emrtypes.Instance{in}})
	}
	ef.put("ListClusters", emr.ListClustersOutput{Clusters: clusters})

	sf := newFile(a, rr.region, "sagemaker")
	nbs := []sgmtypes.NotebookInstanceSummary{}
	for _, n := range an.notebooks {
		arn := notebookARN(a, rr.region, n.name)
		nbs = append(nbs, sgmtypes.NotebookInstanceSummary{NotebookInstanceName: aws.String(n.name), NotebookInstanceArn: aws.String(arn),
			NotebookInstanceStatus: sgmtypes.NotebookInstanceStatusInService, InstanceType: sgmtypes.InstanceTypeMlT3Medium, CreationTime: ptime(n.created)})
		d := sagemaker.DescribeNotebookInstanceOutput{NotebookInstanceName: aws.String(n.name), NotebookInstanceArn: aws.String(arn),
			NotebookInstanceStatus: sgmtypes.NotebookInstanceStatusInService, InstanceType: sgmtypes.InstanceTypeMlT3Medium, CreationTime: ptime(n.created),
			RoleArn: aws.String("arn:aws:iam::" + a.Id + ":role/" + n.name), VolumeSizeInGB: aws.Int32(20),
			DirectInternetAccess: sgmtypes.DirectInternetAccessDisabled, RootAccess: sgmtypes.RootAccessDisabled}
		if n.subnet != "" {
			d.SubnetId = aws.String(n.subnet)
		}
		if n.internet {
			d.DirectInternetAccess = sgmtypes.DirectInternetAccessEnabled
		}
		if n.root {
			d.RootAccess = sgmtypes.RootAccessEnabled
		}
		sf.res("DescribeNotebookInstance", n.name, d)
	}
	sf.put("ListNotebookInstances", sagemaker.ListNotebookInstancesOutput{NotebookInstances: nbs})

	bf := newFile(a, rr.region, "elasticbeanstalk")
	envs := []ebtypes.EnvironmentDescription{}
	for _, e := range an.envs {
		envs = append(envs, ebtypes.EnvironmentDescription{ApplicationName: aws.String(e.app), EnvironmentName: aws.String(e.name),
			EnvironmentId: aws.String("e-" + a.Id[:8]), EnvironmentArn: aws.String(beanstalkARN(a, rr.region, e.app, e.name)),
			Status: ebtypes.EnvironmentStatusReady, Health: ebtypes.EnvironmentHealthGreen,
			SolutionStackName: aws.String("64bit Amazon Linux 2023 v4.3.0 running Python 3.11"), Tier: &ebtypes.EnvironmentTier{Name: aws.String("WebServer"), Type: aws.String("Standard")}})
		health, managed := "enhanced", "true"
		if e.basicHealth {
			health = "basic"
		}
		if e.noManagedUpdts {
			managed = "false"
		}
		opt := func(ns, name, value string) ebtypes.ConfigurationOptionSetting {
			return ebtypes.ConfigurationOptionSetting{Namespace: aws.String(ns), OptionName: aws.String(name), Value: aws.String(value)}
		}
		bf.res("DescribeConfigurationSettings", e.app+"|"+e.name, elasticbeanstalk.DescribeConfigurationSettingsOutput{ConfigurationSettings: []ebtypes.ConfigurationSettingsDescription{{
			ApplicationName: aws.String(e.app), EnvironmentName: aws.String(e.name), DeploymentStatus: ebtypes.ConfigurationDeploymentStatusDeployed,
			OptionSettings: []ebtypes.ConfigurationOptionSetting{
				opt("aws:elasticbeanstalk:application:environment", "DATABASE_PASSWORD", "demo-only-not-a-secret"),
				opt("aws:elasticbeanstalk:healthreporting:system", "SystemType", health),
				opt("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", managed),
				opt("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel", "minor"),
			}}}})
	}
	bf.put("DescribeEnvironments", elasticbeanstalk.DescribeEnvironmentsOutput{Environments: envs})
	return []*file{kf, ef, sf, bf}
}
