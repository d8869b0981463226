package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	sgmtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qKinesis   = "This control fails if a Kinesis stream is not encrypted at rest with server-side encryption."
	qEMR1      = "The control fails if the master node has public IP addresses that are associated with any of its instances."
	qEMR1Scope = "This control only checks Amazon EMR clusters that are in a RUNNING or WAITING state."
	qEMRBPA    = "The rule is NON_COMPLIANT if BlockPublicSecurityGroupRules is false, or if true, ports other than Port 22 are listed in PermittedPublicSecurityGroupRuleRanges."
	qSM1       = "To do this, it checks whether the DirectInternetAccess field is disabled for the notebook instance."
	qSM2       = "This control fails if a SageMaker notebook instance is not launched within a custom VPC or if it is launched in the SageMaker service VPC."
	qSM3       = "The control fails if root access is turned on for a SageMaker notebook instance."
	qEB1       = "This control checks whether enhanced health reporting is enabled for your AWS Elastic Beanstalk environments."
	qEB2       = "This control checks whether managed platform updates are enabled for the Elastic Beanstalk environment."
)

func init() {
	smDoc, ebDoc := shDoc("sagemaker-controls"), shDoc("elasticbeanstalk-controls")
	addDocCases(
		// Kinesis.1
		docCase{Rule: "kinesis.stream-encrypted", Source: shDoc("kinesis-controls"), Quote: qKinesis, Name: "KMS", Resource: "stream/events", Want: findings.Passed},
		docCase{Rule: "kinesis.stream-encrypted", Source: shDoc("kinesis-controls"), Quote: qKinesis, Name: "NONE",
			Mutate: func(f *fx) { eventsStream(f).EncryptionType = kintypes.EncryptionTypeNone }, Resource: "stream/events", Want: findings.Failed},
		docCase{Rule: "kinesis.stream-encrypted", Source: shDoc("kinesis-controls"), Quote: qKinesis, Name: "a region without streams",
			Mutate: func(f *fx) {
				op[kinesis.ListStreamsOutput](f, acctW, region1, "kinesis", "ListStreams").StreamNames = nil
			}, Want: findings.NotApplicable},

		// EMR.1
		docCase{Rule: "emr.master-no-public-ip", Source: shDoc("emr-controls"), Quote: qEMR1, Name: "private primary node", Resource: "cluster/j-ETL", Want: findings.Passed},
		docCase{Rule: "emr.master-no-public-ip", Source: shDoc("emr-controls"), Quote: qEMR1, Name: "primary node with a public IP",
			Mutate: func(f *fx) { etlMaster(f).PublicIpAddress = awsv2.String("203.0.113.10") }, Resource: "cluster/j-ETL", Want: findings.Failed},
		docCase{Rule: "emr.master-no-public-ip", Source: shDoc("emr-controls"), Quote: qEMR1Scope, Name: "a starting cluster with a public IP",
			Mutate: func(f *fx) {
				etlMaster(f).PublicIpAddress = awsv2.String("203.0.113.10")
				etlSummary(f).Status = &emrtypes.ClusterStatus{State: emrtypes.ClusterStateStarting}
			}, Want: findings.NotApplicable},

		// EMR block public access
		docCase{Rule: "emr.block-public-access", Source: cfgDoc("emr-block-public-access"), Quote: qEMRBPA, Name: "on, port 22 allowed", Want: findings.Passed},
		docCase{Rule: "emr.block-public-access", Source: cfgDoc("emr-block-public-access"), Quote: qEMRBPA, Name: "off",
			Mutate: func(f *fx) { emrBPA(f).BlockPublicSecurityGroupRules = awsv2.Bool(false) }, Want: findings.Failed},
		docCase{Rule: "emr.block-public-access", Source: cfgDoc("emr-block-public-access"), Quote: qEMRBPA, Name: "on, ports 22 and 8080 allowed",
			Mutate: func(f *fx) {
				emrBPA(f).PermittedPublicSecurityGroupRuleRanges = append(emrBPA(f).PermittedPublicSecurityGroupRuleRanges,
					emrtypes.PortRange{MinRange: awsv2.Int32(8080), MaxRange: awsv2.Int32(8080)})
			}, Want: findings.Failed},
		docCase{Rule: "emr.block-public-access", Source: cfgDoc("emr-block-public-access"), Quote: qEMRBPA, Name: "on, no port allowed",
			Mutate: func(f *fx) { emrBPA(f).PermittedPublicSecurityGroupRuleRanges = nil }, Want: findings.Passed},

		// SageMaker.1
		docCase{Rule: "sagemaker.notebook-no-direct-internet", Source: smDoc, Quote: qSM1, Name: "Disabled", Resource: "notebook-instance/lab", Want: findings.Passed},
		docCase{Rule: "sagemaker.notebook-no-direct-internet", Source: smDoc, Quote: qSM1, Name: "Enabled",
			Mutate: func(f *fx) { labNotebook(f).DirectInternetAccess = sgmtypes.DirectInternetAccessEnabled }, Resource: "notebook-instance/lab", Want: findings.Failed},
		docCase{Rule: "sagemaker.notebook-no-direct-internet", Source: smDoc, Quote: qSM1, Name: "no VPC, default access",
			Mutate: func(f *fx) {
				labNotebook(f).SubnetId = nil
				labNotebook(f).DirectInternetAccess = sgmtypes.DirectInternetAccessEnabled
			}, Resource: "notebook-instance/lab", Want: findings.Failed},

		// SageMaker.2
		docCase{Rule: "sagemaker.notebook-in-vpc", Source: smDoc, Quote: qSM2, Name: "in a subnet", Resource: "notebook-instance/lab", Want: findings.Passed},
		docCase{Rule: "sagemaker.notebook-in-vpc", Source: smDoc, Quote: qSM2, Name: "no subnet",
			Mutate: func(f *fx) { labNotebook(f).SubnetId = nil }, Resource: "notebook-instance/lab", Want: findings.Failed},
		docCase{Rule: "sagemaker.notebook-in-vpc", Source: smDoc, Quote: qSM2, Name: "no subnet, direct internet disabled",
			Mutate: func(f *fx) { labNotebook(f).SubnetId = awsv2.String("") }, Resource: "notebook-instance/lab", Want: findings.Failed},

		// SageMaker.3
		docCase{Rule: "sagemaker.notebook-no-root-access", Source: smDoc, Quote: qSM3, Name: "Disabled", Resource: "notebook-instance/lab", Want: findings.Passed},
		docCase{Rule: "sagemaker.notebook-no-root-access", Source: smDoc, Quote: qSM3, Name: "Enabled",
			Mutate: func(f *fx) { labNotebook(f).RootAccess = sgmtypes.RootAccessEnabled }, Resource: "notebook-instance/lab", Want: findings.Failed},
		docCase{Rule: "sagemaker.notebook-no-root-access", Source: smDoc, Quote: qSM3, Name: "a region without notebooks",
			Mutate: func(f *fx) {
				op[sagemakerList](f, acctW, region1, "sagemaker", "ListNotebookInstances").NotebookInstances = nil
			}, Want: findings.NotApplicable},

		// ElasticBeanstalk.1
		docCase{Rule: "elasticbeanstalk.enhanced-health", Source: ebDoc, Quote: qEB1, Name: "enhanced", Resource: "environment/web/web-prod", Want: findings.Passed},
		docCase{Rule: "elasticbeanstalk.enhanced-health", Source: ebDoc, Quote: qEB1, Name: "basic",
			Mutate: func(f *fx) { setEBOption(f, "aws:elasticbeanstalk:healthreporting:system", "SystemType", "basic") }, Resource: "environment/web/web-prod", Want: findings.Failed},
		docCase{Rule: "elasticbeanstalk.enhanced-health", Source: ebDoc, Quote: qEB1, Name: "a terminated environment",
			Mutate: func(f *fx) {
				setEBOption(f, "aws:elasticbeanstalk:healthreporting:system", "SystemType", "basic")
				ebEnv(f).Status = "Terminated"
			}, Want: findings.NotApplicable},

		// ElasticBeanstalk.2
		docCase{Rule: "elasticbeanstalk.managed-updates", Source: ebDoc, Quote: qEB2, Name: "enabled", Resource: "environment/web/web-prod", Want: findings.Passed},
		docCase{Rule: "elasticbeanstalk.managed-updates", Source: ebDoc, Quote: qEB2, Name: "disabled",
			Mutate: func(f *fx) { setEBOption(f, "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "false") }, Resource: "environment/web/web-prod", Want: findings.Failed},
		docCase{Rule: "elasticbeanstalk.managed-updates", Source: ebDoc, Quote: qEB2, Name: "the option absent",
			Mutate: func(f *fx) { setEBOption(f, "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "") }, Resource: "environment/web/web-prod", Want: findings.Failed},
	)

	failCases["kinesis.stream-encrypted"] = func(f *fx) { eventsStream(f).EncryptionType = kintypes.EncryptionTypeNone }
	failCases["emr.master-no-public-ip"] = func(f *fx) { etlMaster(f).PublicIpAddress = awsv2.String("203.0.113.10") }
	failCases["emr.block-public-access"] = func(f *fx) { emrBPA(f).BlockPublicSecurityGroupRules = awsv2.Bool(false) }
	failCases["sagemaker.notebook-no-direct-internet"] = func(f *fx) { labNotebook(f).DirectInternetAccess = sgmtypes.DirectInternetAccessEnabled }
	failCases["sagemaker.notebook-in-vpc"] = func(f *fx) { labNotebook(f).SubnetId = nil }
	failCases["sagemaker.notebook-no-root-access"] = func(f *fx) { labNotebook(f).RootAccess = sgmtypes.RootAccessEnabled }
	failCases["elasticbeanstalk.enhanced-health"] = func(f *fx) {
		setEBOption(f, "aws:elasticbeanstalk:healthreporting:system", "SystemType", "basic")
	}
	failCases["elasticbeanstalk.managed-updates"] = func(f *fx) {
		setEBOption(f, "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "false")
	}
}
