package rules

import (
	"fmt"
	"strings"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

func init() {
	register(
		&Rule{ID: "cloudtrail.multi-region-enabled", Title: "A multi-region trail logs read and write management events", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"cloudtrail"},
			Rationale:   "Without a multi-region trail, API activity in unused regions — where attackers like to work — is not recorded.",
			Remediation: "Create (or keep) an organization trail in the management account: multi-region, logging read and write management events to the Log Archive bucket.",
			Mappings:    findings.Mappings{ConfigRule: "MULTI_REGION_CLOUD_TRAIL_ENABLED", SecurityHub: "CloudTrail.1", CIS: "3.1", NistCsf: "DE.CM"},
			check:       checkMultiRegionTrail},
		&Rule{ID: "cloudtrail.enabled", Title: "CloudTrail is logging for the account", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"cloudtrail"},
			Rationale:   "CloudTrail is the record of who did what; investigations and detections need it.",
			Remediation: "Make sure the organization trail is logging, or create a trail in the account.",
			Mappings: findings.Mappings{ConfigRule: "CLOUD_TRAIL_ENABLED", SecurityHub: "CloudTrail.3", NistCsf: "DE.CM",
				ControlTower: "AWS-GR_DETECT_CLOUDTRAIL_ENABLED_ON_MEMBER_ACCOUNTS"},
			check: checkTrailEnabled},
		&Rule{ID: "cloudtrail.trail-logging", Title: "Every trail is logging", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: "AWS::CloudTrail::Trail", Services: []string{"cloudtrail"}, Fix: "cloudtrail-start-logging",
			Rationale:   "A stopped trail is a classic first step of an attacker covering tracks.",
			Remediation: "Start logging again (aws cloudtrail start-logging --name TRAIL) and find out who stopped it.",
			Mappings:    findings.Mappings{NistCsf: "DE.CM"},
			check:       checkTrailLogging},
		&Rule{ID: "cloudtrail.log-file-validation", Title: "Trails validate their log files", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::CloudTrail::Trail", Services: []string{"cloudtrail"},
			Rationale:   "Digest files prove that log files were not changed or deleted after delivery.",
			Remediation: "Enable log file validation on the trail (aws cloudtrail update-trail --enable-log-file-validation).",
			Mappings:    findings.Mappings{ConfigRule: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", SecurityHub: "CloudTrail.4", CIS: "3.2", NistCsf: "PR.DS"},
			check:       checkTrailValidation},
		&Rule{ID: "cloudtrail.kms-encryption", Title: "Trails encrypt logs with a KMS key", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: "AWS::CloudTrail::Trail", Services: []string{"cloudtrail"},
			Rationale:   "SSE-KMS adds a key policy between the log bucket's readers and the logs, and records every decryption.",
			Remediation: "Configure the trail with a customer managed KMS key (aws cloudtrail update-trail --kms-key-id).",
			Mappings:    findings.Mappings{ConfigRule: "CLOUD_TRAIL_ENCRYPTION_ENABLED", SecurityHub: "CloudTrail.2", CIS: "3.5", NistCsf: "PR.DS"},
			check:       checkTrailKMS},
		&Rule{ID: "cloudtrail.org-trail-to-log-archive", Title: "The organization trail delivers to the Log Archive account", Severity: severity.High,
			Scope: ScopeOrg, ResourceType: "AWS::CloudTrail::Trail", Services: []string{"cloudtrail", "s3"},
			Rationale:   "Logs kept in the accounts they describe can be erased by whoever compromises those accounts; the Log Archive account keeps them out of reach.",
			Remediation: "Create an organization trail in the management account (multi-region, logging) whose S3 bucket is in the Log Archive account.",
			Mappings:    findings.Mappings{NistCsf: "PR.DS"},
			check:       checkOrgTrail},
	)
}

// trailCovers reports whether a trail records the account's management
// activity in every region.
func trailCovers(t *trailInfo) bool {
	return boolv(t.IsMultiRegionTrail) && t.Logging && t.StatusErr == nil && t.MgmtEvents && t.SelErr == nil
}

// orgTrailCovering returns an organization trail that covers the
// account, or nil.
func (c *Ctx) orgTrailCovering() *trailInfo {
	for _, t := range c.run.facts.orgTrails {
		if trailCovers(t) {
			return t
		}
	}
	return nil
}

// accountTrails returns the trails the account sees; an organization
// trail's status comes from the management account when the member's
// copy has none.
func accountTrails(c *Ctx) (map[string]*trailInfo, error) {
	ts, err := trailsOf(c.v, c.regions())
	if err != nil {
		return nil, err
	}
	for arn, t := range ts {
		for _, ot := range c.run.facts.orgTrails {
			if aws(ot.TrailARN) == arn && (t.StatusErr != nil || t.SelErr != nil) {
				ts[arn] = ot
			}
		}
	}
	return ts, nil
}

func checkMultiRegionTrail(c *Ctx) error {
	if t := c.orgTrailCovering(); t != nil {
		c.Pass("", "organization trail %s covers the account", aws(t.Name))
		return nil
	}
	ts, err := accountTrails(c)
	if err != nil {
		return err
	}
	var why []string
	for _, t := range sortedTrails(ts) {
		if trailCovers(t) {
			c.Pass("", "trail %s is multi-region and logs management events", aws(t.Name))
			return nil
		}
		if t.StatusErr != nil {
			return fmt.Errorf("trail %s: %w", aws(t.Name), t.StatusErr)
		}
		if t.SelErr != nil && t.Logging && boolv(t.IsMultiRegionTrail) {
			return fmt.Errorf("trail %s: %w", aws(t.Name), t.SelErr)
		}
		why = append(why, trailProblem(t))
	}
	if c.run.facts.orgTrailsErr != nil {
		return fmt.Errorf("no trail of the account covers it and the organization trail is unknown: %w", c.run.facts.orgTrailsErr)
	}
	if len(why) == 0 {
		c.Fail("", "no trail records the account's activity")
		return nil
	}
	c.Fail("", "no multi-region trail logging management events: %s", strings.Join(why, "; "))
	return nil
}

func trailProblem(t *trailInfo) string {
	switch {
	case !boolv(t.IsMultiRegionTrail):
		return aws(t.Name) + " is single-region"
	case !t.Logging:
		return aws(t.Name) + " is not logging"
	}
	return aws(t.Name) + " does not log read and write management events"
}

func checkTrailEnabled(c *Ctx) error {
	for _, t := range c.run.facts.orgTrails {
		if t.Logging && t.StatusErr == nil {
			c.Pass("", "organization trail %s is logging", aws(t.Name))
			return nil
		}
	}
	ts, err := accountTrails(c)
	if err != nil {
		return err
	}
	for _, t := range sortedTrails(ts) {
		if t.Logging && t.StatusErr == nil {
			c.Pass("", "trail %s is logging", aws(t.Name))
			return nil
		}
	}
	for _, t := range ts {
		if t.StatusErr != nil {
			return fmt.Errorf("trail %s: %w", aws(t.Name), t.StatusErr)
		}
	}
	if c.run.facts.orgTrailsErr != nil {
		return fmt.Errorf("no logging trail in the account and the organization trail is unknown: %w", c.run.facts.orgTrailsErr)
	}
	c.Fail("", "no trail is logging the account's activity")
	return nil
}

// eachOwnTrail runs fn on the trails the account owns, each finding in
// the trail's home region.
func eachOwnTrail(c *Ctx, fn func(t *trailInfo)) error {
	ts, err := trailsOf(c.v, c.regions())
	if err != nil {
		return err
	}
	n := 0
	for _, t := range sortedTrails(ts) {
		if t.owner() != c.Account.Id {
			continue
		}
		saved := c.Region
		c.Region = nonEmpty(aws(t.HomeRegion), arnRegion(aws(t.TrailARN)))
		fn(t)
		c.Region = saved
		n++
	}
	if n == 0 {
		c.NA("", "the account owns no trail")
	}
	return nil
}

func checkTrailLogging(c *Ctx) error {
	return eachOwnTrail(c, func(t *trailInfo) {
		if t.StatusErr != nil {
			c.Err(aws(t.TrailARN), t.StatusErr)
			return
		}
		c.Check(t.Logging, aws(t.TrailARN), "trail "+aws(t.Name)+" is logging", "trail "+aws(t.Name)+" is not logging")
	})
}

func checkTrailValidation(c *Ctx) error {
	return eachOwnTrail(c, func(t *trailInfo) {
		c.Check(boolv(t.LogFileValidationEnabled), aws(t.TrailARN), "log file validation is on",
			"trail "+aws(t.Name)+" does not validate log files")
	})
}

func checkTrailKMS(c *Ctx) error {
	return eachOwnTrail(c, func(t *trailInfo) {
		c.Check(aws(t.KmsKeyId) != "", aws(t.TrailARN), "logs encrypted with "+aws(t.KmsKeyId),
			"trail "+aws(t.Name)+" does not use a KMS key")
	})
}

func checkOrgTrail(c *Ctx) error {
	f := c.run.facts
	if f.orgTrailsErr != nil && len(f.orgTrails) == 0 {
		return f.orgTrailsErr
	}
	if len(f.orgTrails) == 0 {
		c.Fail("", "the management account has no organization trail")
		return nil
	}
	if f.logArchive == "" {
		return fmt.Errorf("no Log Archive account: set security.logArchiveAccount in the configuration")
	}
	var why []string
	for _, t := range f.orgTrails {
		bucket := aws(t.S3BucketName)
		switch {
		case !trailCovers(t):
			if t.StatusErr != nil {
				return t.StatusErr
			}
			why = append(why, trailProblem(t))
		case f.logArchiveBucketsErr != nil:
			return fmt.Errorf("Log Archive buckets unknown: %w", f.logArchiveBucketsErr)
		case !f.logArchiveBuckets[bucket]:
			why = append(why, fmt.Sprintf("%s delivers to %s, not a bucket of the Log Archive account %s", aws(t.Name), bucket, f.logArchive))
		default:
			c.emitIn(nonEmpty(aws(t.HomeRegion), "global"), findings.Passed, aws(t.TrailARN),
				"organization trail %s delivers to %s in the Log Archive account", aws(t.Name), bucket)
			return nil
		}
	}
	c.Fail(aws(f.orgTrails[0].TrailARN), "%s", strings.Join(why, "; "))
	return nil
}
