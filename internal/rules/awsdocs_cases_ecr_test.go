package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qECRScan  = "The rule is NON_COMPLIANT if the private Amazon ECR repository's scan frequency is not on scan on push or continuous scan."
	qECRTag   = "This rule is NON_COMPLIANT if tag immutability is not enabled for the private ECR repository."
	qECRCycle = "The rule is NON_COMPLIANT if no lifecycle policy is configured for the ECR private repository."
)

func repo(f *fx) *ecrtypes.Repository {
	return &op[ecr.DescribeRepositoriesOutput](f, acctW, region1, "ecr", "DescribeRepositories").Repositories[0]
}

func registryRules(f *fx, typ ecrtypes.ScanType, rules ...ecrtypes.RegistryScanningRule) {
	op[ecr.GetRegistryScanningConfigurationOutput](f, acctW, region1, "ecr", "GetRegistryScanningConfiguration").ScanningConfiguration =
		&ecrtypes.RegistryScanningConfiguration{ScanType: typ, Rules: rules}
}

func scanRule(freq ecrtypes.ScanFrequency, filter string) ecrtypes.RegistryScanningRule {
	return ecrtypes.RegistryScanningRule{ScanFrequency: freq,
		RepositoryFilters: []ecrtypes.ScanningRepositoryFilter{{Filter: awsv2.String(filter), FilterType: ecrtypes.ScanningRepositoryFilterTypeWildcard}}}
}

func init() {
	noScan := func(f *fx) {
		repo(f).ImageScanningConfiguration = &ecrtypes.ImageScanningConfiguration{ScanOnPush: false}
	}
	addDocCases(
		// ECR.1
		docCase{Rule: "ecr.image-scanning", Source: cfgDoc("ecr-private-image-scanning-enabled"), Quote: qECRScan, Name: "scan on push",
			Resource: "repository/app", Want: findings.Passed},
		docCase{Rule: "ecr.image-scanning", Source: cfgDoc("ecr-private-image-scanning-enabled"), Quote: qECRScan, Name: "no scanning at all",
			Mutate: noScan, Resource: "repository/app", Want: findings.Failed},
		docCase{Rule: "ecr.image-scanning", Source: cfgDoc("ecr-private-image-scanning-enabled"), Quote: qECRScan, Name: "enhanced continuous scan of every repository",
			Mutate: func(f *fx) {
				noScan(f)
				registryRules(f, ecrtypes.ScanTypeEnhanced, scanRule(ecrtypes.ScanFrequencyContinuousScan, "*"))
			}, Resource: "repository/app", Want: findings.Passed},
		docCase{Rule: "ecr.image-scanning", Source: cfgDoc("ecr-private-image-scanning-enabled"), Quote: qECRScan, Name: "a registry rule whose filter misses the repository",
			Mutate: func(f *fx) {
				noScan(f)
				registryRules(f, ecrtypes.ScanTypeEnhanced, scanRule(ecrtypes.ScanFrequencyContinuousScan, "prod-*"))
			}, Resource: "repository/app", Want: findings.Failed},
		docCase{Rule: "ecr.image-scanning", Source: cfgDoc("ecr-private-image-scanning-enabled"), Quote: qECRScan, Name: "a matching registry rule with manual frequency",
			Mutate: func(f *fx) {
				noScan(f)
				registryRules(f, ecrtypes.ScanTypeEnhanced, scanRule(ecrtypes.ScanFrequencyManual, "*"))
			}, Resource: "repository/app", Want: findings.Failed},

		// ECR.2
		docCase{Rule: "ecr.tag-immutability", Source: cfgDoc("ecr-private-tag-immutability-enabled"), Quote: qECRTag, Name: "IMMUTABLE",
			Resource: "repository/app", Want: findings.Passed},
		docCase{Rule: "ecr.tag-immutability", Source: cfgDoc("ecr-private-tag-immutability-enabled"), Quote: qECRTag, Name: "MUTABLE",
			Mutate: func(f *fx) { repo(f).ImageTagMutability = ecrtypes.ImageTagMutabilityMutable }, Resource: "repository/app", Want: findings.Failed},
		docCase{Rule: "ecr.tag-immutability", Source: cfgDoc("ecr-private-tag-immutability-enabled"), Quote: qECRTag, Name: "MUTABLE with exclusions",
			Mutate: func(f *fx) { repo(f).ImageTagMutability = ecrtypes.ImageTagMutabilityMutableWithExclusion }, Resource: "repository/app", Want: findings.Failed},

		// ECR.3
		docCase{Rule: "ecr.lifecycle-policy", Source: cfgDoc("ecr-private-lifecycle-policy-configured"), Quote: qECRCycle, Name: "a lifecycle policy",
			Resource: "repository/app", Want: findings.Passed},
		docCase{Rule: "ecr.lifecycle-policy", Source: cfgDoc("ecr-private-lifecycle-policy-configured"), Quote: qECRCycle, Name: "no lifecycle policy",
			Mutate: func(f *fx) {
				f.setResErr(acctW, region1, "ecr", "GetLifecyclePolicy", "app", "LifecyclePolicyNotFoundException")
			}, Resource: "repository/app", Want: findings.Failed},
		docCase{Rule: "ecr.lifecycle-policy", Source: cfgDoc("ecr-private-lifecycle-policy-configured"),
			Quote: "Checks if a private Amazon Elastic Container Registry (ECR) repository has at least one lifecycle policy configured.", Name: "a region without repositories",
			Mutate: func(f *fx) {
				op[ecr.DescribeRepositoriesOutput](f, acctW, region1, "ecr", "DescribeRepositories").Repositories = nil
			}, Want: findings.NotApplicable},
	)
}
