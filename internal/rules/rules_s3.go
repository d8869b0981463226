package rules

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const typeBucket = "AWS::S3::Bucket"

func init() {
	register(
		&Rule{ID: "s3.account-public-access-block", Title: "S3 Block Public Access is on for the account", Severity: severity.High,
			Scope: ScopeAccount, ResourceType: typeAccount, Services: []string{"s3control"}, Fix: "s3-account-public-access-block",
			AlsoConfigRules: []string{"S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS"},
			Rationale:       "The account-level block stops any bucket or object of the account from being made public by mistake.",
			Remediation:     "Turn on all four settings of S3 Block Public Access for the account (aws s3control put-public-access-block).",
			Mappings: findings.Mappings{ConfigRule: "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", SecurityHub: "S3.1", CIS: "2.1.4",
				NistCsf: "PR.DS", ControlTower: "AWS-GR_S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC"},
			check: checkAccountPAB},
		&Rule{ID: "s3.bucket-public-access-block", Title: "S3 buckets block public access at the bucket level", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3"},
			Rationale:   "Block Public Access on the bucket itself keeps it private even if the account-level setting is later turned off; S3.8 judges the bucket's own settings.",
			Remediation: "Turn on all four Block Public Access settings of the bucket (aws s3api put-public-access-block).",
			Mappings:    findings.Mappings{ConfigRule: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", SecurityHub: "S3.8", CIS: "2.1.4", NistCsf: "PR.DS"},
			check:       checkBucketPAB},
		&Rule{ID: "lz.bucket-effective-public-access-block", Title: "S3 buckets block public access (bucket or account setting)", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3", "s3control"},
			Rationale:   "What S3 enforces is the bucket's and the account's settings combined: an account that blocks everything protects every bucket (orgrail's landing-zone view; S3.8 asks for the bucket's own settings).",
			Remediation: "Turn on Block Public Access for the account, or for the bucket (aws s3api put-public-access-block).",
			Mappings:    findings.Mappings{CIS: "2.1.4", NistCsf: "PR.DS"},
			Related:     []string{"S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"},
			check:       checkEffectivePAB},
		&Rule{ID: "s3.bucket-public-read", Title: "S3 buckets do not allow public read access", Severity: severity.Critical,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3", "s3control"},
			Rationale:   "A publicly readable bucket leaks whatever is put into it, now and later.",
			Remediation: "Remove the public grant from the bucket policy or ACL and turn on Block Public Access; serve public content through CloudFront with origin access control.",
			Mappings: findings.Mappings{ConfigRule: "S3_BUCKET_PUBLIC_READ_PROHIBITED", SecurityHub: "S3.2", NistCsf: "PR.DS",
				ControlTower: "AWS-GR_S3_BUCKET_PUBLIC_READ_PROHIBITED"},
			check: func(c *Ctx) error { return checkBucketPublic(c, false) }},
		&Rule{ID: "s3.bucket-public-write", Title: "S3 buckets do not allow public write access", Severity: severity.Critical,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3", "s3control"},
			Rationale:   "A publicly writable bucket hosts anyone's content and lets anyone overwrite yours.",
			Remediation: "Remove the public write grant from the bucket policy or ACL and turn on Block Public Access.",
			Mappings: findings.Mappings{ConfigRule: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", SecurityHub: "S3.3", NistCsf: "PR.DS",
				ControlTower: "AWS-GR_S3_BUCKET_PUBLIC_WRITE_PROHIBITED"},
			check: func(c *Ctx) error { return checkBucketPublic(c, true) }},
		&Rule{ID: "s3.bucket-tls-only", Title: "S3 bucket policies deny requests without TLS", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3"},
			Rationale:   "Without a deny on aws:SecureTransport=false, clients may send data and credentials over plain HTTP.",
			Remediation: "Add a bucket policy statement denying s3:* to * when aws:SecureTransport is false.",
			Mappings:    findings.Mappings{ConfigRule: "S3_BUCKET_SSL_REQUESTS_ONLY", SecurityHub: "S3.5", CIS: "2.1.1", NistCsf: "PR.DS"},
			check:       checkBucketTLS},
		&Rule{ID: "s3.bucket-default-encryption", Title: "S3 buckets have default encryption", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3"},
			Rationale:   "Default encryption makes sure objects are encrypted at rest whatever the writer asks for.",
			Remediation: "Configure default encryption (SSE-S3 or SSE-KMS) on the bucket.",
			Mappings:    findings.Mappings{ConfigRule: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", SecurityHub: "S3.4", NistCsf: "PR.DS"},
			check:       checkBucketEncryption},
		&Rule{ID: "s3.bucket-versioning", Title: "S3 buckets have versioning enabled", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3"},
			Rationale:   "Versioning keeps overwritten and deleted objects recoverable, including after ransomware.",
			Remediation: "Enable versioning on the bucket (aws s3api put-bucket-versioning --versioning-configuration Status=Enabled).",
			Mappings: findings.Mappings{ConfigRule: "S3_BUCKET_VERSIONING_ENABLED", SecurityHub: "S3.14", NistCsf: "PR.DS",
				ControlTower: "AWS-GR_S3_VERSIONING_ENABLED"},
			check: checkBucketVersioning},
		&Rule{ID: "s3.bucket-logging", Title: "S3 buckets have server access logging", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3"},
			Rationale:   "Server access logs record every request to the bucket, which CloudTrail data events may not.",
			Remediation: "Enable server access logging to a logging bucket (aws s3api put-bucket-logging).",
			Mappings:    findings.Mappings{ConfigRule: "S3_BUCKET_LOGGING_ENABLED", SecurityHub: "S3.9", NistCsf: "DE.CM"},
			check:       checkBucketLogging},
		&Rule{ID: "s3.bucket-acl-prohibited", Title: "S3 buckets do not grant access through ACLs", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3"},
			Rationale:   "ACL grants are easy to miss in reviews; bucket policies and BucketOwnerEnforced ownership keep access in one place.",
			Remediation: "Set object ownership to BucketOwnerEnforced and move ACL grants to the bucket policy.",
			Mappings:    findings.Mappings{ConfigRule: "S3_BUCKET_ACL_PROHIBITED", SecurityHub: "S3.12", NistCsf: "PR.AA"},
			check:       checkBucketACL},
		&Rule{ID: "cloudtrail.bucket-not-public", Title: "CloudTrail log buckets are not publicly accessible", Severity: severity.Critical,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3", "cloudtrail"},
			Rationale:   "Public trail logs tell an attacker the organization's accounts, roles and habits.",
			Remediation: "Remove public grants from the log bucket's policy and ACL and turn on Block Public Access.",
			Mappings:    findings.Mappings{SecurityHub: "CloudTrail.6", NistCsf: "PR.DS"},
			check:       checkTrailBucketPublic},
		&Rule{ID: "cloudtrail.bucket-access-logging", Title: "CloudTrail log buckets have server access logging", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeBucket, Services: []string{"s3", "cloudtrail"},
			Rationale:   "Access logs of the log bucket show who read or tried to delete the audit trail.",
			Remediation: "Enable server access logging on the CloudTrail bucket.",
			Mappings:    findings.Mappings{SecurityHub: "CloudTrail.7", CIS: "3.4", NistCsf: "DE.CM"},
			check:       checkTrailBucketLogging},
	)
}

// pab is an effective S3 Block Public Access setting.
type pab struct{ blockACLs, ignoreACLs, blockPolicy, restrict bool }

func (p pab) all() bool { return p.blockACLs && p.ignoreACLs && p.blockPolicy && p.restrict }

func (p pab) or(q pab) pab {
	return pab{p.blockACLs || q.blockACLs, p.ignoreACLs || q.ignoreACLs, p.blockPolicy || q.blockPolicy, p.restrict || q.restrict}
}

// accountPAB returns the account-level block (all false when never set).
func accountPAB(c *Ctx) (pab, error) {
	out, err := get[s3control.GetPublicAccessBlockOutput](c.v, "global", "s3control", "GetPublicAccessBlock")
	if code, ok := benign(err); ok && code == "NoSuchPublicAccessBlockConfiguration" {
		return pab{}, nil
	}
	if err != nil {
		return pab{}, err
	}
	p := out.PublicAccessBlockConfiguration
	if p == nil {
		return pab{}, nil
	}
	return pab{boolv(p.BlockPublicAcls), boolv(p.IgnorePublicAcls), boolv(p.BlockPublicPolicy), boolv(p.RestrictPublicBuckets)}, nil
}

func checkAccountPAB(c *Ctx) error {
	p, err := accountPAB(c)
	if err != nil {
		return err
	}
	c.Check(p.all(), "", "all four Block Public Access settings are on", "account-level Block Public Access is not fully on")
	return nil
}

// bucket is one bucket of the account with lazy access to its settings.
type bucket struct {
	c      *Ctx
	Name   string
	Arn    string
	Region string
}

func bget[T any](b *bucket, op string) (*T, error) {
	return getRes[T](b.c.v, "global", "s3", op, b.Name)
}

// eachBucket runs fn on every bucket of the account, each finding in the
// bucket's region.
func eachBucket(c *Ctx, fn func(b *bucket) error) error {
	lb, err := get[s3.ListBucketsOutput](c.v, "global", "s3", "ListBuckets")
	if err != nil {
		return err
	}
	if len(lb.Buckets) == 0 {
		c.NA("", "the account has no S3 buckets")
	}
	for _, sb := range lb.Buckets {
		b := &bucket{c: c, Name: aws(sb.Name), Arn: fmt.Sprintf("arn:%s:s3:::%s", c.Partition(), aws(sb.Name))}
		b.Region = bucketRegion(b, aws(sb.BucketRegion))
		saved := c.Region
		c.Region = b.Region
		if err := fn(b); err != nil {
			c.Err(b.Arn, err)
		}
		c.Region = saved
	}
	return nil
}

func bucketRegion(b *bucket, listed string) string {
	if listed != "" {
		return listed
	}
	loc, err := bget[s3.GetBucketLocationOutput](b, "GetBucketLocation")
	if err != nil {
		return "global"
	}
	switch lc := string(loc.LocationConstraint); lc {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	default:
		return lc
	}
}

// pab returns the bucket's effective block: account OR bucket.
func (b *bucket) pab() (pab, error) {
	acct, err := accountPAB(b.c)
	if err != nil {
		return pab{}, err
	}
	own, err := b.ownPAB()
	if err != nil {
		return pab{}, err
	}
	return acct.or(own), nil
}

// ownPAB returns the bucket's own block (all false when never set).
func (b *bucket) ownPAB() (pab, error) {
	out, err := bget[s3.GetPublicAccessBlockOutput](b, "GetPublicAccessBlock")
	if code, ok := benign(err); ok && code == "NoSuchPublicAccessBlockConfiguration" {
		return pab{}, nil
	}
	if err != nil {
		return pab{}, err
	}
	p := out.PublicAccessBlockConfiguration
	if p == nil {
		return pab{}, nil
	}
	return pab{boolv(p.BlockPublicAcls), boolv(p.IgnorePublicAcls), boolv(p.BlockPublicPolicy), boolv(p.RestrictPublicBuckets)}, nil
}

// policyPublic says whether S3 itself judged the bucket policy public
// (GetBucketPolicyStatus); known is false when the status was not
// collected, and the policy is then read statement by statement.
func (b *bucket) policyPublic() (public, known bool) {
	st, err := bget[s3.GetBucketPolicyStatusOutput](b, "GetBucketPolicyStatus")
	if code, ok := benign(err); ok && code == "NoSuchBucketPolicy" {
		return false, true
	}
	if err != nil || st.PolicyStatus == nil || st.PolicyStatus.IsPublic == nil {
		return false, false
	}
	return *st.PolicyStatus.IsPublic, true
}

// policy returns the bucket policy's statements (nil when none).
func (b *bucket) policy() ([]statement, error) {
	out, err := bget[s3.GetBucketPolicyOutput](b, "GetBucketPolicy")
	if code, ok := benign(err); ok && code == "NoSuchBucketPolicy" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parsePolicy(aws(out.Policy))
}

var (
	s3ReadActions  = []string{"s3:GetObject", "s3:ListBucket", "s3:GetObjectVersion"}
	s3WriteActions = []string{"s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:DeleteBucket", "s3:PutBucketPolicy"}
)

// publicBy says how a bucket is public for reading (write false) or
// writing: through its policy or its ACL, after Block Public Access.
func (b *bucket) publicBy(write bool) (string, error) {
	eff, err := b.pab()
	if err != nil {
		return "", err
	}
	actions, perms := s3ReadActions, []string{"READ", "FULL_CONTROL"}
	if write {
		actions, perms = s3WriteActions, []string{"WRITE", "WRITE_ACP", "FULL_CONTROL"}
	}
	if public, known := b.policyPublic(); !eff.restrict && !eff.blockPolicy && (public || !known) {
		sts, err := b.policy()
		if err != nil {
			return "", err
		}
		for _, s := range sts {
			if !s.publicAllow() {
				continue
			}
			for _, a := range actions {
				if s.actionMatches(a) {
					return "bucket policy allows " + a + " to everyone", nil
				}
			}
		}
	}
	if !eff.ignoreACLs {
		acl, err := bget[s3.GetBucketAclOutput](b, "GetBucketAcl")
		if err != nil {
			return "", err
		}
		for _, g := range acl.Grants {
			if g.Grantee != nil && publicGrantee(aws(g.Grantee.URI)) && contains(perms, string(g.Permission)) {
				return "bucket ACL grants " + string(g.Permission) + " to " + aws(g.Grantee.URI), nil
			}
		}
	}
	return "", nil
}

func publicGrantee(uri string) bool {
	return strings.HasSuffix(uri, "/global/AllUsers") || strings.HasSuffix(uri, "/global/AuthenticatedUsers")
}

// checkBucketPAB is S3.8: the bucket's own four settings, whatever the
// account sets.
func checkBucketPAB(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		p, err := b.ownPAB()
		if err != nil {
			return err
		}
		c.Check(p.all(), b.Arn, "Block Public Access is on for "+b.Name, "bucket "+b.Name+" does not block public access at the bucket level")
		return nil
	})
}

// checkEffectivePAB is orgrail's view: the bucket's or the account's
// settings.
func checkEffectivePAB(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		p, err := b.pab()
		if err != nil {
			return err
		}
		c.Check(p.all(), b.Arn, "Block Public Access (bucket or account) is on for "+b.Name, "bucket "+b.Name+" does not block public access")
		return nil
	})
}

func checkBucketPublic(c *Ctx, write bool) error {
	return eachBucket(c, func(b *bucket) error {
		how, err := b.publicBy(write)
		if err != nil {
			return err
		}
		c.Check(how == "", b.Arn, "bucket "+b.Name+" is not public", how)
		return nil
	})
}

// tlsOnly reports a statement denying insecure transport to everyone.
func tlsOnly(sts []statement) bool {
	for _, s := range sts {
		if !strings.EqualFold(s.Effect, "Deny") || !s.Principal.public() {
			continue
		}
		if !s.actionMatches("s3:GetObject") {
			continue
		}
		for op, m := range s.Condition {
			if !strings.HasPrefix(strings.ToLower(op), "bool") {
				continue
			}
			for k, vals := range m {
				if strings.EqualFold(k, "aws:SecureTransport") && containsFold(vals, "false") {
					return true
				}
			}
		}
	}
	return false
}

func checkBucketTLS(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		sts, err := b.policy()
		if err != nil {
			return err
		}
		c.Check(tlsOnly(sts), b.Arn, "bucket policy denies requests without TLS", "bucket "+b.Name+" allows requests without TLS")
		return nil
	})
}

func checkBucketEncryption(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		out, err := bget[s3.GetBucketEncryptionOutput](b, "GetBucketEncryption")
		if code, ok := benign(err); ok && code == "ServerSideEncryptionConfigurationNotFoundError" {
			c.Fail(b.Arn, "bucket %s has no default encryption", b.Name)
			return nil
		}
		if err != nil {
			return err
		}
		ok := out.ServerSideEncryptionConfiguration != nil && len(out.ServerSideEncryptionConfiguration.Rules) > 0
		c.Check(ok, b.Arn, "bucket "+b.Name+" has default encryption", "bucket "+b.Name+" has no default encryption")
		return nil
	})
}

func checkBucketVersioning(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		out, err := bget[s3.GetBucketVersioningOutput](b, "GetBucketVersioning")
		if err != nil {
			return err
		}
		c.Check(out.Status == s3types.BucketVersioningStatusEnabled, b.Arn, "versioning is enabled",
			"bucket "+b.Name+" does not have versioning enabled")
		return nil
	})
}

func checkBucketLogging(c *Ctx) error {
	targets := logTargets(c)
	return eachBucket(c, func(b *bucket) error {
		out, err := bget[s3.GetBucketLoggingOutput](b, "GetBucketLogging")
		if err != nil {
			return err
		}
		on := out.LoggingEnabled != nil && aws(out.LoggingEnabled.TargetBucket) != ""
		if !on && targets[b.Name] {
			// AWS makes no exception for log target buckets: log them to
			// another bucket.
			c.Fail(b.Arn, "bucket %s (a target of other buckets' access logs) has no server access logging of its own", b.Name)
			return nil
		}
		c.Check(on, b.Arn, "server access logging is on", "bucket "+b.Name+" has no server access logging")
		return nil
	})
}

// logTargets returns the account's buckets that receive server access
// logs of other buckets.
func logTargets(c *Ctx) map[string]bool {
	out := map[string]bool{}
	lb, err := get[s3.ListBucketsOutput](c.v, "global", "s3", "ListBuckets")
	if err != nil {
		return out
	}
	for _, sb := range lb.Buckets {
		lg, err := getRes[s3.GetBucketLoggingOutput](c.v, "global", "s3", "GetBucketLogging", aws(sb.Name))
		if err == nil && lg.LoggingEnabled != nil && aws(lg.LoggingEnabled.TargetBucket) != aws(sb.Name) {
			out[aws(lg.LoggingEnabled.TargetBucket)] = true
		}
	}
	return out
}

func checkBucketACL(c *Ctx) error {
	return eachBucket(c, func(b *bucket) error {
		acl, err := bget[s3.GetBucketAclOutput](b, "GetBucketAcl")
		if err != nil {
			return err
		}
		owner := ""
		if acl.Owner != nil {
			owner = aws(acl.Owner.ID)
		}
		var extra []string
		for _, g := range acl.Grants {
			if g.Grantee == nil {
				continue
			}
			if id := aws(g.Grantee.ID); id != "" && id == owner {
				continue
			}
			if strings.HasSuffix(aws(g.Grantee.URI), "/s3/LogDelivery") {
				continue // the legacy log delivery group of logging buckets
			}
			extra = append(extra, nonEmpty(aws(g.Grantee.URI), nonEmpty(aws(g.Grantee.ID), aws(g.Grantee.EmailAddress)))+" "+string(g.Permission))
		}
		c.Check(len(extra) == 0, b.Arn, "only the owner is granted access by ACL",
			"bucket "+b.Name+" grants access by ACL: "+strings.Join(extra, ", "))
		return nil
	})
}

// trailBuckets returns the buckets that receive CloudTrail logs, from
// the organization trails and the trails the account sees.
func trailBuckets(c *Ctx) map[string]bool {
	out := map[string]bool{}
	for _, t := range c.run.facts.orgTrails {
		out[aws(t.S3BucketName)] = true
	}
	if ts, err := trailsOf(c.v, c.regions()); err == nil {
		for _, t := range ts {
			out[aws(t.S3BucketName)] = true
		}
	}
	return out
}

// eachTrailBucket runs fn on the account's buckets that receive trail logs.
func eachTrailBucket(c *Ctx, fn func(b *bucket) error) error {
	tb := trailBuckets(c)
	lb, err := get[s3.ListBucketsOutput](c.v, "global", "s3", "ListBuckets")
	if err != nil {
		return err
	}
	n := 0
	for _, sb := range lb.Buckets {
		if tb[aws(sb.Name)] {
			n++
		}
	}
	if n == 0 {
		c.NA("", "the account holds no CloudTrail log bucket")
		return nil
	}
	return eachBucket(c, func(b *bucket) error {
		if !tb[b.Name] {
			return nil
		}
		return fn(b)
	})
}

func checkTrailBucketPublic(c *Ctx) error {
	return eachTrailBucket(c, func(b *bucket) error {
		r, err := b.publicBy(false)
		if err != nil {
			return err
		}
		w, err := b.publicBy(true)
		if err != nil {
			return err
		}
		c.Check(r == "" && w == "", b.Arn, "trail bucket "+b.Name+" is not public", strings.TrimSpace(r+" "+w))
		return nil
	})
}

func checkTrailBucketLogging(c *Ctx) error {
	return eachTrailBucket(c, func(b *bucket) error {
		out, err := bget[s3.GetBucketLoggingOutput](b, "GetBucketLogging")
		if err != nil {
			return err
		}
		on := out.LoggingEnabled != nil && aws(out.LoggingEnabled.TargetBucket) != ""
		c.Check(on, b.Arn, "trail bucket access logging is on", "trail bucket "+b.Name+" has no server access logging")
		return nil
	})
}
