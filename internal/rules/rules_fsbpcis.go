package rules

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// Security Hub controls and CIS v3.0.0 items on CloudTrail, S3, SNS and
// Secrets Manager judged from data already collected: CloudTrail.5,
// SNS.2, SecretsManager.2, S3.6, CIS 2.1.2, 3.8 and 3.9.
func init() {
	trailReads := []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"}
	register(
		&Rule{ID: "cloudtrail.cloudwatch-logs", Title: "Trails send their events to CloudWatch Logs", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::CloudTrail::Trail", Services: []string{"cloudtrail"}, Reads: trailReads,
			Rationale:   "Events in CloudWatch Logs can be searched and alarmed on as they arrive; in S3 alone they are read only after the fact.",
			Remediation: "Give the trail a CloudWatch Logs log group and a role CloudTrail can write with (aws cloudtrail update-trail --cloud-watch-logs-log-group-arn --cloud-watch-logs-role-arn).",
			Mappings:    findings.Mappings{ConfigRule: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", SecurityHub: "CloudTrail.5", NistCsf: "DE.CM"},
			check:       checkTrailCloudWatch},
		&Rule{ID: "cloudtrail.s3-data-events-write", Title: "A multi-region trail logs write data events of all S3 buckets", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"cloudtrail"}, Reads: trailReads,
			Rationale:   "Management events do not show who put or deleted an object; object-level write events do.",
			Remediation: "Add an event selector for S3 data events of all buckets (write or all) to a multi-region trail — the organization trail covers every account.",
			Mappings:    findings.Mappings{CIS: "3.8", NistCsf: "DE.CM"},
			check:       func(c *Ctx) error { return checkS3DataEvents(c, true) }},
		&Rule{ID: "cloudtrail.s3-data-events-read", Title: "A multi-region trail logs read data events of all S3 buckets", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"cloudtrail"}, Reads: trailReads,
			Rationale:   "Management events do not show who read an object; object-level read events do, which an investigation of a leak needs.",
			Remediation: "Add an event selector for S3 data events of all buckets (read or all) to a multi-region trail — the organization trail covers every account.",
			Mappings:    findings.Mappings{CIS: "3.9", NistCsf: "DE.CM"},
			check:       func(c *Ctx) error { return checkS3DataEvents(c, false) }},
		&Rule{ID: "s3.bucket-mfa-delete", Title: "S3 buckets have MFA delete enabled", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: "AWS::S3::Bucket", Services: []string{"s3"}, Reads: []string{"s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketVersioning"},
			Rationale:   "With MFA delete, removing object versions or turning versioning off needs the root user's MFA device, so stolen credentials cannot erase a bucket's history.",
			Remediation: "As the root user with its MFA device, enable versioning with MFA delete (aws s3api put-bucket-versioning --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa ...).",
			Mappings:    findings.Mappings{CIS: "2.1.2", NistCsf: "PR.DS"},
			check:       checkBucketMFADelete},
		&Rule{ID: "s3.bucket-no-cross-account-admin", Title: "Bucket policies do not let other accounts change the bucket's access or encryption", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: "AWS::S3::Bucket", Services: []string{"s3"}, Reads: []string{"s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"},
			Rationale:   "Another account allowed to rewrite the bucket policy, ACLs or encryption can take the bucket over.",
			Remediation: "Remove s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration and s3:PutObjectAcl (and wildcards covering them) from statements allowing other accounts.",
			Mappings:    findings.Mappings{SecurityHub: "S3.6", NistCsf: "PR.AA"},
			check:       checkBucketCrossAccount},
		&Rule{ID: "sns.delivery-status-logging", Title: "SNS topics log the delivery status of their messages", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::SNS::Topic", Services: []string{"sns"}, Reads: []string{"sns:ListTopics", "sns:GetTopicAttributes"},
			Rationale:   "Without delivery status logs, failed notifications — an alarm that never reached anyone — go unnoticed.",
			Remediation: "Configure delivery status logging for the topic's protocols (the <protocol>FailureFeedbackRoleArn / SuccessFeedbackRoleArn attributes).",
			Mappings:    findings.Mappings{ConfigRule: "SNS_TOPIC_MESSAGE_DELIVERY_NOTIFICATION_ENABLED", SecurityHub: "SNS.2", NistCsf: "DE.CM"},
			check:       checkSNSDeliveryLogging},
		&Rule{ID: "secretsmanager.rotation-succeeded", Title: "Secrets with automatic rotation rotated on schedule", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::SecretsManager::Secret", Services: []string{"secretsmanager"}, Reads: []string{"secretsmanager:ListSecrets"},
			Rationale:   "A rotation that fails silently leaves the old credential in use while everyone believes it changes.",
			Remediation: "Look at the rotation function's logs, fix it, and rotate the secret (aws secretsmanager rotate-secret).",
			Mappings:    findings.Mappings{ConfigRule: "SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK", SecurityHub: "SecretsManager.2", NistCsf: "PR.AA"},
			check:       checkSecretRotationSucceeded},
	)
}

func checkTrailCloudWatch(c *Ctx) error {
	return eachOwnTrail(c, func(t *trailInfo) {
		lg := aws(t.CloudWatchLogsLogGroupArn)
		c.Check(lg != "", aws(t.TrailARN), "trail "+aws(t.Name)+" sends events to "+lg,
			"trail "+aws(t.Name)+" has no CloudWatch Logs log group")
	})
}

// trailSelectors returns a trail's event selectors as the account, or
// failing that the trail's owner, recorded them.
func trailSelectors(c *Ctx, t *trailInfo) (*cloudtrail.GetEventSelectorsOutput, error) {
	arn := aws(t.TrailARN)
	order := append([]string{aws(t.HomeRegion)}, c.regions()...)
	var last error = fmt.Errorf("event selectors of %s not collected", aws(t.Name))
	for _, v := range []*view{c.v, c.viewOf(t.owner())} {
		for _, region := range order {
			if region == "" {
				continue
			}
			es, err := getRes[cloudtrail.GetEventSelectorsOutput](v, region, "cloudtrail", "GetEventSelectors", arn)
			if err == nil {
				return es, nil
			}
			last = err
		}
	}
	return nil, last
}

// allBucketsS3 reports whether data resource values name every bucket.
func allBucketsS3(values []string) bool {
	for _, v := range values {
		if v == "arn:aws:s3" || v == "arn:aws:s3:::" || strings.HasSuffix(v, ":s3") || strings.HasSuffix(v, ":s3:::") {
			return true
		}
	}
	return false
}

// s3DataEvents reports whether the selectors log write (or read) data
// events of every S3 bucket.
func s3DataEvents(es *cloudtrail.GetEventSelectorsOutput, write bool) bool {
	want := cttypes.ReadWriteTypeReadOnly
	if write {
		want = cttypes.ReadWriteTypeWriteOnly
	}
	for _, s := range es.EventSelectors {
		if s.ReadWriteType != cttypes.ReadWriteTypeAll && s.ReadWriteType != want {
			continue
		}
		for _, d := range s.DataResources {
			if aws(d.Type) == "AWS::S3::Object" && allBucketsS3(d.Values) {
				return true
			}
		}
	}
	for _, a := range es.AdvancedEventSelectors {
		data, objects, narrowed, modeOK := false, false, false, true
		for _, fs := range a.FieldSelectors {
			switch aws(fs.Field) {
			case "eventCategory":
				data = contains(fs.Equals, "Data")
			case "resources.type":
				objects = contains(fs.Equals, "AWS::S3::Object")
			case "readOnly":
				// readOnly=true keeps reads only, false writes only.
				if len(fs.Equals) == 1 {
					modeOK = (fs.Equals[0] == "true") != write
				}
			case "resources.ARN":
				narrowed = len(fs.Equals) > 0 || len(fs.StartsWith) > 0 || len(fs.EndsWith) > 0
			default:
				narrowed = narrowed || len(fs.Equals) > 0 || len(fs.StartsWith) > 0
			}
		}
		if data && objects && modeOK && !narrowed {
			return true
		}
	}
	return false
}

func checkS3DataEvents(c *Ctx, write bool) error {
	what := "read"
	if write {
		what = "write"
	}
	ts, err := accountTrails(c)
	if err != nil {
		return err
	}
	all := append(sortedTrails(ts), c.run.facts.orgTrails...)
	var lastErr error
	for _, t := range all {
		if !boolv(t.IsMultiRegionTrail) || !t.Logging {
			continue
		}
		es, err := trailSelectors(c, t)
		if err != nil {
			lastErr = err
			continue
		}
		if s3DataEvents(es, write) {
			c.Pass("", "trail %s logs S3 %s data events of all buckets", aws(t.Name), what)
			return nil
		}
	}
	if lastErr != nil {
		return lastErr
	}
	c.Fail("", "no logging multi-region trail records S3 %s data events of all buckets", what)
	return nil
}

func checkBucketMFADelete(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		v, err := bget[s3.GetBucketVersioningOutput](b, "GetBucketVersioning")
		if err != nil {
			return err
		}
		switch {
		case v.Status != s3types.BucketVersioningStatusEnabled:
			c.Fail(b.Arn, "bucket %s is not versioned, so MFA delete is off", b.Name)
		case v.MFADelete != s3types.MFADeleteStatusEnabled:
			c.Fail(b.Arn, "bucket %s does not have MFA delete enabled", b.Name)
		default:
			c.Pass(b.Arn, "bucket %s has MFA delete enabled", b.Name)
		}
		return nil
	})
}

// s3AdminActions are the actions S3.6 denies to other accounts.
var s3AdminActions = []string{"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"}

// otherAccounts returns the principals of a statement that are not the
// bucket owner's account ("*" included).
func otherAccounts(p principal, owner string) []string {
	var out []string
	if p.Wildcard {
		return []string{"*"}
	}
	for _, v := range p.Values["AWS"] {
		acct := v
		if strings.HasPrefix(v, "arn:") {
			acct = arnAccount(v)
		}
		if acct != owner {
			out = append(out, v)
		}
	}
	return out
}

// ownerOnly reports a statement whose condition fixes the calling
// account, or the access point the request goes through, to owner (the
// bucket policy that delegates access control to the owner's access
// points, for example).
func ownerOnly(s statement, owner string) bool {
	for op, m := range s.Condition {
		if op != "StringEquals" && op != "ArnEquals" && op != "StringLike" {
			continue
		}
		for k, vals := range m {
			key := strings.ToLower(k)
			if (key == "aws:principalaccount" || key == "s3:dataaccesspointaccount") && len(vals) > 0 && !slicesContainOther(vals, owner) {
				return true
			}
		}
	}
	return false
}

func slicesContainOther(vals []string, owner string) bool {
	for _, v := range vals {
		if v != owner {
			return true
		}
	}
	return false
}

func checkBucketCrossAccount(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		sts, err := b.policy()
		if err != nil {
			return err
		}
		if sts == nil {
			c.NA(b.Arn, "bucket %s has no bucket policy", b.Name)
			return nil
		}
		var bad []string
		for _, s := range sts {
			if !s.allows() {
				continue
			}
			others := otherAccounts(s.Principal, c.Account.Id)
			if len(others) == 0 || ownerOnly(s, c.Account.Id) {
				continue
			}
			for _, a := range s3AdminActions {
				if s.actionMatches(a) {
					bad = append(bad, fmt.Sprintf("%s to %s", a, strings.Join(others, ", ")))
				}
			}
		}
		c.Check(len(bad) == 0, b.Arn, "bucket "+b.Name+" policy keeps access and encryption changes to the owner",
			"bucket "+b.Name+" policy allows "+strings.Join(bad, "; "))
		return nil
	})
}

// snsFeedbackAttributes are the topic attributes that turn on delivery
// status logging for a protocol.
func snsDeliveryLogged(attrs map[string]string) []string {
	var out []string
	for k, v := range attrs {
		if v != "" && (strings.HasSuffix(k, "FailureFeedbackRoleArn") || strings.HasSuffix(k, "SuccessFeedbackRoleArn")) {
			out = append(out, strings.TrimSuffix(strings.TrimSuffix(k, "FailureFeedbackRoleArn"), "SuccessFeedbackRoleArn"))
		}
	}
	sort.Strings(out)
	return out
}

func checkSNSDeliveryLogging(c *Ctx) error {
	return eachTopic(c, func(arn string, a map[string]string) {
		logged := snsDeliveryLogged(a)
		c.Check(len(logged) > 0, arn, "topic logs the delivery status for "+strings.Join(logged, ", "),
			"topic "+lastColon(arn)+" does not log the delivery status of its messages")
	})
}

// checkSecretRotationSucceeded is SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK:
// a secret with rotation on fails when the date its rotation was due has
// passed without a rotation.
func checkSecretRotationSucceeded(c *Ctx) error {
	return eachSecret(c, func(arn, name string, ls *secretsmanager.ListSecretsOutput, i int) {
		s := ls.SecretList[i]
		if !boolv(s.RotationEnabled) {
			c.NA(arn, "secret %s has no automatic rotation", name)
			return
		}
		var due time.Time
		last := s.LastRotatedDate
		if last == nil || last.IsZero() {
			last = s.CreatedDate
		}
		if s.RotationRules != nil && s.RotationRules.AutomaticallyAfterDays != nil && last != nil {
			due = last.AddDate(0, 0, int(*s.RotationRules.AutomaticallyAfterDays))
		} else if s.NextRotationDate != nil {
			due = *s.NextRotationDate
		}
		if due.IsZero() {
			c.NA(arn, "secret %s rotates on a schedule expression whose next date is not recorded", name)
			return
		}
		// A rotation window runs for up to a day after its start.
		late := c.Now().Sub(due)
		c.Check(late <= 24*time.Hour, arn, fmt.Sprintf("secret %s is due to rotate on %s", name, due.UTC().Format("2006-01-02")),
			fmt.Sprintf("secret %s was due to rotate on %s and has not rotated since", name, due.UTC().Format("2006-01-02")))
	})
}
