package rules

import (
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const typeECRRepository = "AWS::ECR::Repository"

func init() {
	register(
		&Rule{ID: "ecr.image-scanning", Title: "ECR private repositories scan images", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeECRRepository, Services: []string{"ecr"},
			Rationale:   "Images with known vulnerabilities reach production unnoticed when nobody scans them; scanning on push or continuously finds them before and after deployment.",
			Remediation: "Turn on scan on push for the repository, or a registry scanning rule (basic scan on push, or enhanced continuous scanning) whose filter matches it.",
			Mappings:    findings.Mappings{ConfigRule: "ECR_PRIVATE_IMAGE_SCANNING_ENABLED", SecurityHub: "ECR.1", NistCsf: "ID.RA"},
			check:       checkECRScanning},
		&Rule{ID: "ecr.tag-immutability", Title: "ECR private repositories have immutable tags", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeECRRepository, Services: []string{"ecr"},
			Rationale:   "With mutable tags, whoever can push can replace the image a deployment pulls under the same tag.",
			Remediation: "Set the repository's image tag mutability to IMMUTABLE (aws ecr put-image-tag-mutability).",
			Mappings:    findings.Mappings{ConfigRule: "ECR_PRIVATE_TAG_IMMUTABILITY_ENABLED", SecurityHub: "ECR.2", NistCsf: "PR.PS"},
			check:       checkECRImmutability},
		&Rule{ID: "ecr.lifecycle-policy", Title: "ECR private repositories have a lifecycle policy", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeECRRepository, Services: []string{"ecr"},
			Rationale:   "Without a lifecycle policy old, unpatched images pile up, cost storage and stay available to deploy.",
			Remediation: "Put a lifecycle policy on the repository that expires untagged and old images (aws ecr put-lifecycle-policy).",
			Mappings:    findings.Mappings{ConfigRule: "ECR_PRIVATE_LIFECYCLE_POLICY_CONFIGURED", SecurityHub: "ECR.3", NistCsf: "PR.PS"},
			check:       checkECRLifecycle},
	)
}

// eachRepository runs fn on every private repository of the region.
func eachRepository(c *Ctx, fn func(arn, name string, r *ecrtypes.Repository)) error {
	out, err := get[ecr.DescribeRepositoriesOutput](c.v, c.Region, "ecr", "DescribeRepositories")
	if err != nil {
		return err
	}
	if len(out.Repositories) == 0 {
		c.NA("", "no ECR repositories in %s", c.Region)
	}
	for i := range out.Repositories {
		r := &out.Repositories[i]
		name := aws(r.RepositoryName)
		arn := nonEmpty(aws(r.RepositoryArn), c.arn("ecr", c.Region, c.Account.Id, "repository/"+name))
		fn(arn, name, r)
	}
	return nil
}

func checkECRScanning(c *Ctx) error {
	reg, regErr := get[ecr.GetRegistryScanningConfigurationOutput](c.v, c.Region, "ecr", "GetRegistryScanningConfiguration")
	return eachRepository(c, func(arn, name string, r *ecrtypes.Repository) {
		if r.ImageScanningConfiguration != nil && r.ImageScanningConfiguration.ScanOnPush {
			c.Pass(arn, "repository %s scans on push", name)
			return
		}
		if regErr != nil {
			if _, ok := benign(regErr); !ok {
				c.Err(arn, regErr)
				return
			}
		} else if freq := registryScan(reg, name); freq != "" {
			c.Pass(arn, "repository %s is scanned by a registry rule (%s)", name, freq)
			return
		}
		c.Fail(arn, "repository %s scans neither on push nor continuously", name)
	})
}

// registryScan returns the frequency of the first registry scanning rule
// whose repository filter matches name (SCAN_ON_PUSH or CONTINUOUS_SCAN),
// or "" when none does.
func registryScan(reg *ecr.GetRegistryScanningConfigurationOutput, name string) string {
	if reg == nil || reg.ScanningConfiguration == nil {
		return ""
	}
	for _, rule := range reg.ScanningConfiguration.Rules {
		if rule.ScanFrequency != ecrtypes.ScanFrequencyScanOnPush && rule.ScanFrequency != ecrtypes.ScanFrequencyContinuousScan {
			continue
		}
		for _, f := range rule.RepositoryFilters {
			if globMatch(aws(f.Filter), name) {
				return string(rule.ScanFrequency)
			}
		}
	}
	return ""
}

func checkECRImmutability(c *Ctx) error {
	return eachRepository(c, func(arn, name string, r *ecrtypes.Repository) {
		m := r.ImageTagMutability
		c.Check(m == ecrtypes.ImageTagMutabilityImmutable || m == ecrtypes.ImageTagMutabilityImmutableWithExclusion, arn,
			"repository "+name+" has immutable tags", "repository "+name+" has mutable tags ("+string(m)+")")
	})
}

func checkECRLifecycle(c *Ctx) error {
	return eachRepository(c, func(arn, name string, _ *ecrtypes.Repository) {
		lp, err := getRes[ecr.GetLifecyclePolicyOutput](c.v, c.Region, "ecr", "GetLifecyclePolicy", name)
		switch {
		case err == nil && aws(lp.LifecyclePolicyText) != "":
			c.Pass(arn, "repository %s has a lifecycle policy", name)
		case err == nil:
			c.Fail(arn, "repository %s has an empty lifecycle policy", name)
		default:
			if code, ok := benign(err); ok && code == "LifecyclePolicyNotFoundException" {
				c.Fail(arn, "repository %s has no lifecycle policy", name)
				return
			}
			c.Err(arn, err)
		}
	})
}
