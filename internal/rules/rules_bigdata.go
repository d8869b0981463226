package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk/types"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	sgmtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeKinesisStream    = "AWS::Kinesis::Stream"
	typeEMRCluster       = "AWS::EMR::Cluster"
	typeNotebookInstance = "AWS::SageMaker::NotebookInstance"
	typeBeanstalkEnv     = "AWS::ElasticBeanstalk::Environment"
)

// Kinesis.1, EMR.1 (and EMR block public access), SageMaker.1 to
// SageMaker.3, ElasticBeanstalk.1 and ElasticBeanstalk.2, judged as the
// Security Hub controls and the AWS Config managed rules behind them do.
func init() {
	nb := []string{"sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance"}
	eb := []string{"elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeConfigurationSettings"}
	register(
		&Rule{ID: "kinesis.stream-encrypted", Title: "Kinesis data streams are encrypted at rest", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeKinesisStream, Services: []string{"kinesis"},
			Reads:       []string{"kinesis:ListStreams", "kinesis:DescribeStreamSummary"},
			Rationale:   "Records wait in the stream for up to its retention period; server-side encryption with KMS keeps them unreadable on disk and puts a key policy between readers and data.",
			Remediation: "Start server-side encryption on the stream (aws kinesis start-stream-encryption --encryption-type KMS --key-id alias/aws/kinesis or a customer managed key).",
			Mappings:    findings.Mappings{ConfigRule: "KINESIS_STREAM_ENCRYPTED", SecurityHub: "Kinesis.1", NistCsf: "PR.DS"},
			check:       checkKinesisEncrypted},
		&Rule{ID: "emr.master-no-public-ip", Title: "EMR cluster primary nodes have no public IP address", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeEMRCluster, Services: []string{"emr"},
			Reads:       []string{"emr:ListClusters", "emr:ListInstances"},
			Rationale:   "A primary node with a public address exposes the cluster's web interfaces and SSH to the internet as soon as a security group rule allows it.",
			Remediation: "Launch clusters in a private subnet (with a NAT gateway or VPC endpoints for the services they use); a running cluster's subnet cannot be changed.",
			Mappings:    findings.Mappings{ConfigRule: "EMR_MASTER_NO_PUBLIC_IP", SecurityHub: "EMR.1", NistCsf: "PR.IR", ControlTower: "AWS-GR_EMR_MASTER_NO_PUBLIC_IP"},
			check:       checkEMRPublicIP},
		&Rule{ID: "emr.block-public-access", Title: "EMR block public access is on, allowing at most port 22", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"emr"},
			Reads:       []string{"emr:GetBlockPublicAccessConfiguration"},
			Rationale:   "Block public access stops any cluster from launching with a security group open to the internet on ports not explicitly allowed.",
			Remediation: "Turn on block public access for EMR in the region (aws emr put-block-public-access-configuration), allowing no port or only 22.",
			Mappings:    findings.Mappings{ConfigRule: "EMR_BLOCK_PUBLIC_ACCESS", NistCsf: "PR.IR"},
			check:       checkEMRBlockPublicAccess},
		&Rule{ID: "sagemaker.notebook-no-direct-internet", Title: "SageMaker notebook instances have no direct internet access", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeNotebookInstance, Services: []string{"sagemaker"}, Reads: nb,
			Rationale:   "With direct internet access a notebook reaches (and is reachable from) the internet outside the VPC's controls, so data can leave without passing a NAT, proxy or endpoint policy.",
			Remediation: "Recreate the notebook instance in a VPC subnet with direct internet access disabled (the setting cannot be changed on an existing instance).",
			Mappings:    findings.Mappings{ConfigRule: "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS", SecurityHub: "SageMaker.1", NistCsf: "PR.IR", ControlTower: "AWS-GR_SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"},
			check:       checkNotebookInternet},
		&Rule{ID: "sagemaker.notebook-in-vpc", Title: "SageMaker notebook instances are launched in a VPC", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeNotebookInstance, Services: []string{"sagemaker"}, Reads: nb,
			Rationale:   "A notebook outside a customer VPC runs in SageMaker's own network, beyond the reach of the account's security groups, flow logs and endpoint policies.",
			Remediation: "Recreate the notebook instance with a subnet and security groups of one of the account's VPCs.",
			Mappings:    findings.Mappings{ConfigRule: "SAGEMAKER_NOTEBOOK_INSTANCE_INSIDE_VPC", SecurityHub: "SageMaker.2", NistCsf: "PR.IR"},
			check:       checkNotebookVPC},
		&Rule{ID: "sagemaker.notebook-no-root-access", Title: "Users have no root access to SageMaker notebook instances", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeNotebookInstance, Services: []string{"sagemaker"}, Reads: nb,
			Rationale:   "Root on the notebook lets a user change its software, read the instance role's credentials from any process and disable controls set by lifecycle configurations.",
			Remediation: "Stop the notebook instance, update it with --root-access Disabled and start it again.",
			Mappings:    findings.Mappings{ConfigRule: "SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK", SecurityHub: "SageMaker.3", NistCsf: "PR.AA"},
			check:       checkNotebookRoot},
		&Rule{ID: "elasticbeanstalk.enhanced-health", Title: "Elastic Beanstalk environments have enhanced health reporting", Severity: severity.Low,
			Scope: ScopeRegion, ResourceType: typeBeanstalkEnv, Services: []string{"elasticbeanstalk"}, Reads: eb,
			Rationale:   "Enhanced health reporting watches the instances' operating system and application metrics and says why an environment degrades, not only that it does.",
			Remediation: "Set aws:elasticbeanstalk:healthreporting:system SystemType to enhanced (the instance profile needs the AWSElasticBeanstalkWebTier or WorkerTier policy).",
			Mappings:    findings.Mappings{ConfigRule: "BEANSTALK_ENHANCED_HEALTH_REPORTING_ENABLED", SecurityHub: "ElasticBeanstalk.1", NistCsf: "DE.CM"},
			check:       checkBeanstalkHealth},
		&Rule{ID: "elasticbeanstalk.managed-updates", Title: "Elastic Beanstalk managed platform updates are enabled", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeBeanstalkEnv, Services: []string{"elasticbeanstalk"}, Reads: eb,
			Rationale:   "Managed platform updates apply the platform's security patches in a weekly window; without them the environment keeps the platform version it was launched with.",
			Remediation: "Set aws:elasticbeanstalk:managedactions ManagedActionsEnabled to true with a PreferredStartTime, and aws:elasticbeanstalk:managedactions:platformupdate UpdateLevel to minor or patch.",
			Mappings:    findings.Mappings{ConfigRule: "ELASTIC_BEANSTALK_MANAGED_UPDATES_ENABLED", SecurityHub: "ElasticBeanstalk.2", NistCsf: "PR.PS"},
			check:       checkBeanstalkManagedUpdates},
	)
}

func checkKinesisEncrypted(c *Ctx) error {
	ls, err := get[kinesis.ListStreamsOutput](c.v, c.Region, "kinesis", "ListStreams")
	if err != nil {
		return err
	}
	if len(ls.StreamNames) == 0 {
		c.NA("", "no Kinesis data streams in %s", c.Region)
	}
	for _, name := range ls.StreamNames {
		arn := c.arn("kinesis", c.Region, c.accountID(), "stream/"+name)
		d, err := getRes[kinesis.DescribeStreamSummaryOutput](c.v, c.Region, "kinesis", "DescribeStreamSummary", name)
		if err != nil {
			if _, ok := benign(err); ok {
				continue
			}
			c.Err(arn, err)
			continue
		}
		s := d.StreamDescriptionSummary
		if s == nil {
			c.Err(arn, fmt.Errorf("DescribeStreamSummary gives no summary for %s", name))
			continue
		}
		arn = nonEmpty(aws(s.StreamARN), arn)
		c.Check(s.EncryptionType == kintypes.EncryptionTypeKms, arn, "stream "+name+" is encrypted with KMS",
			"stream "+name+" is not encrypted at rest")
	}
	return nil
}

func checkEMRPublicIP(c *Ctx) error {
	ls, err := get[emr.ListClustersOutput](c.v, c.Region, "emr", "ListClusters")
	if err != nil {
		return err
	}
	n := 0
	for _, s := range ls.Clusters {
		if s.Status == nil || (s.Status.State != "RUNNING" && s.Status.State != "WAITING") {
			continue // the control judges running and waiting clusters
		}
		n++
		id := aws(s.Id)
		arn := nonEmpty(aws(s.ClusterArn), c.arn("elasticmapreduce", c.Region, c.accountID(), "cluster/"+id))
		li, err := getRes[emr.ListInstancesOutput](c.v, c.Region, "emr", "ListInstances", id)
		if err != nil {
			if _, ok := benign(err); ok {
				continue
			}
			c.Err(arn, err)
			continue
		}
		var public []string
		for _, in := range li.Instances {
			if ip := aws(in.PublicIpAddress); ip != "" {
				public = append(public, aws(in.Ec2InstanceId)+" "+ip)
			}
		}
		if len(public) == 0 {
			c.Pass(arn, "cluster %s (%s): the primary node has no public IP address", id, aws(s.Name))
			continue
		}
		c.Fail(arn, "cluster %s (%s): the primary node has a public IP address (%s)", id, aws(s.Name), strings.Join(public, ", "))
	}
	if n == 0 {
		c.NA("", "no running or waiting EMR clusters in %s", c.Region)
	}
	return nil
}

func checkEMRBlockPublicAccess(c *Ctx) error {
	out, err := get[emr.GetBlockPublicAccessConfigurationOutput](c.v, c.Region, "emr", "GetBlockPublicAccessConfiguration")
	if err != nil {
		return err
	}
	res := c.accountArn()
	cfg := out.BlockPublicAccessConfiguration
	if cfg == nil || cfg.BlockPublicSecurityGroupRules == nil || !*cfg.BlockPublicSecurityGroupRules {
		c.Fail(res, "EMR block public access is off in %s", c.Region)
		return nil
	}
	var other []string
	for _, r := range cfg.PermittedPublicSecurityGroupRuleRanges {
		lo, hi := int32(-1), int32(-1)
		if r.MinRange != nil {
			lo = *r.MinRange
		}
		hi = lo
		if r.MaxRange != nil {
			hi = *r.MaxRange
		}
		if lo != 22 || hi != 22 {
			other = append(other, fmt.Sprintf("%d-%d", lo, hi))
		}
	}
	if len(other) > 0 {
		c.Fail(res, "EMR block public access in %s allows public access on ports other than 22: %s", c.Region, strings.Join(other, ", "))
		return nil
	}
	c.Pass(res, "EMR block public access is on in %s (public access allowed on port 22 at most)", c.Region)
	return nil
}

// eachNotebook runs fn on every notebook instance of the region.
func eachNotebook(c *Ctx, fn func(d *sagemaker.DescribeNotebookInstanceOutput, arn, name string)) error {
	ls, err := get[sagemaker.ListNotebookInstancesOutput](c.v, c.Region, "sagemaker", "ListNotebookInstances")
	if err != nil {
		return err
	}
	if len(ls.NotebookInstances) == 0 {
		c.NA("", "no SageMaker notebook instances in %s", c.Region)
	}
	for _, s := range ls.NotebookInstances {
		name := aws(s.NotebookInstanceName)
		arn := nonEmpty(aws(s.NotebookInstanceArn), c.arn("sagemaker", c.Region, c.accountID(), "notebook-instance/"+strings.ToLower(name)))
		d, err := getRes[sagemaker.DescribeNotebookInstanceOutput](c.v, c.Region, "sagemaker", "DescribeNotebookInstance", name)
		if err != nil {
			if _, ok := benign(err); ok {
				continue
			}
			c.Err(arn, err)
			continue
		}
		fn(d, arn, name)
	}
	return nil
}

func checkNotebookInternet(c *Ctx) error {
	return eachNotebook(c, func(d *sagemaker.DescribeNotebookInstanceOutput, arn, name string) {
		c.Check(d.DirectInternetAccess == sgmtypes.DirectInternetAccessDisabled, arn, "notebook instance "+name+" has no direct internet access",
			"notebook instance "+name+" has direct internet access")
	})
}

func checkNotebookVPC(c *Ctx) error {
	return eachNotebook(c, func(d *sagemaker.DescribeNotebookInstanceOutput, arn, name string) {
		c.Check(aws(d.SubnetId) != "", arn, "notebook instance "+name+" runs in subnet "+aws(d.SubnetId),
			"notebook instance "+name+" is not in a VPC")
	})
}

func checkNotebookRoot(c *Ctx) error {
	return eachNotebook(c, func(d *sagemaker.DescribeNotebookInstanceOutput, arn, name string) {
		c.Check(d.RootAccess == sgmtypes.RootAccessDisabled, arn, "notebook instance "+name+" gives users no root access",
			"notebook instance "+name+" gives users root access")
	})
}

// eachEnvironment runs fn on every Elastic Beanstalk environment of the
// region with its configuration settings (option namespace + "|" +
// option name → value).
func eachEnvironment(c *Ctx, fn func(e *ebtypes.EnvironmentDescription, arn string, opts map[string]string)) error {
	ls, err := get[elasticbeanstalk.DescribeEnvironmentsOutput](c.v, c.Region, "elasticbeanstalk", "DescribeEnvironments")
	if err != nil {
		return err
	}
	n := 0
	for i := range ls.Environments {
		e := &ls.Environments[i]
		if e.Status == ebtypes.EnvironmentStatusTerminated || e.Status == ebtypes.EnvironmentStatusTerminating {
			continue
		}
		n++
		arn := nonEmpty(aws(e.EnvironmentArn), c.arn("elasticbeanstalk", c.Region, c.accountID(), "environment/"+aws(e.ApplicationName)+"/"+aws(e.EnvironmentName)))
		cs, err := getRes[elasticbeanstalk.DescribeConfigurationSettingsOutput](c.v, c.Region, "elasticbeanstalk", "DescribeConfigurationSettings",
			aws(e.ApplicationName)+"|"+aws(e.EnvironmentName))
		if err != nil {
			if _, ok := benign(err); ok {
				continue
			}
			c.Err(arn, err)
			continue
		}
		opts := map[string]string{}
		for _, s := range cs.ConfigurationSettings {
			for _, o := range s.OptionSettings {
				opts[aws(o.Namespace)+"|"+aws(o.OptionName)] = aws(o.Value)
			}
		}
		fn(e, arn, opts)
	}
	if n == 0 {
		c.NA("", "no Elastic Beanstalk environments in %s", c.Region)
	}
	return nil
}

func checkBeanstalkHealth(c *Ctx) error {
	return eachEnvironment(c, func(e *ebtypes.EnvironmentDescription, arn string, opts map[string]string) {
		t := opts["aws:elasticbeanstalk:healthreporting:system|SystemType"]
		c.Check(strings.EqualFold(t, "enhanced"), arn, "environment "+aws(e.EnvironmentName)+" has enhanced health reporting",
			"environment "+aws(e.EnvironmentName)+" has "+nonEmpty(strings.ToLower(t), "basic")+" health reporting")
	})
}

func checkBeanstalkManagedUpdates(c *Ctx) error {
	return eachEnvironment(c, func(e *ebtypes.EnvironmentDescription, arn string, opts map[string]string) {
		on := strings.EqualFold(opts["aws:elasticbeanstalk:managedactions|ManagedActionsEnabled"], "true")
		c.Check(on, arn, "environment "+aws(e.EnvironmentName)+" has managed platform updates enabled",
			"environment "+aws(e.EnvironmentName)+" does not have managed platform updates enabled")
	})
}
