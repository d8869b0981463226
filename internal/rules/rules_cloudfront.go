package rules

import (
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
)

const typeCloudFrontDistribution = "AWS::CloudFront::Distribution"

// cfReads are the operations every CloudFront rule reads.
var cfReads = []string{"cloudfront:ListDistributions", "cloudfront:GetDistributionConfig"}

func init() {
	cf := func(id, title string, sev severity.Level, configRule, control, nist, rationale, remediation string, check func(*Ctx) error) *Rule {
		return &Rule{ID: id, Title: title, Severity: sev, Scope: ScopeAccount, ResourceType: typeCloudFrontDistribution,
			Services: []string{"cloudfront"}, Reads: cfReads, Rationale: rationale, Remediation: remediation,
			Mappings: findings.Mappings{ConfigRule: configRule, SecurityHub: control, NistCsf: nist}, check: check}
	}
	s3Origin := cf("cloudfront.s3-origin-exists", "CloudFront distributions do not point to non-existent S3 buckets", severity.High,
		"CLOUDFRONT_S3_ORIGIN_NON_EXISTENT_BUCKET", "CloudFront.12", "PR.PS",
		"A distribution whose S3 origin bucket no longer exists lets anyone who creates a bucket of that name serve content under the distribution's domain.",
		"Point the origin at an existing bucket the organization owns, or remove the origin (or the distribution).",
		checkCFS3OriginExists)
	s3Origin.Reads = append(append([]string{}, cfReads...), "s3:ListBuckets")
	s3Origin.Services = []string{"cloudfront", "s3"}
	register(
		cf("cloudfront.default-root-object", "CloudFront distributions have a default root object", severity.High,
			"CLOUDFRONT_DEFAULT_ROOT_OBJECT_CONFIGURED", "CloudFront.1", "PR.PS",
			"A request for the distribution's root URL without a default root object can list or expose the origin's contents.",
			"Set the distribution's default root object (for example index.html).",
			checkCFDefaultRootObject),
		cf("cloudfront.origin-access-identity", "CloudFront S3 origins use an origin access identity", severity.Medium,
			"CLOUDFRONT_ORIGIN_ACCESS_IDENTITY_ENABLED", "CloudFront.2", "PR.AA",
			"Without an origin access identity the bucket must be readable by everyone for CloudFront to serve it, so viewers can bypass the distribution.",
			"Give every S3 origin an origin access identity (or migrate to origin access control, which CloudFront.13 judges) and grant only it read access in the bucket policy.",
			checkCFOriginAccessIdentity),
		cf("cloudfront.viewer-https", "CloudFront distributions require HTTPS from viewers", severity.Medium,
			"CLOUDFRONT_VIEWER_POLICY_HTTPS", "CloudFront.3", "PR.DS",
			"A cache behavior that allows HTTP serves content and cookies in clear text to anyone on the path.",
			"Set the viewer protocol policy of the default and every other cache behavior to redirect-to-https or https-only.",
			checkCFViewerHTTPS),
		cf("cloudfront.origin-failover", "CloudFront distributions have origin failover", severity.Low,
			"CLOUDFRONT_ORIGIN_FAILOVER_ENABLED", "CloudFront.4", "PR.IR",
			"With a single origin, the distribution fails whenever that origin does.",
			"Add an origin group with a primary and a secondary origin and route the cache behaviors to it.",
			checkCFOriginFailover),
		cf("cloudfront.access-logs", "CloudFront distributions write standard access logs", severity.Medium,
			"CLOUDFRONT_ACCESSLOGS_ENABLED", "CloudFront.5", "DE.CM",
			"Without access logs, who requested what through the distribution cannot be reconstructed after an incident.",
			"Turn on standard logging (legacy) to an S3 bucket in the distribution's settings.",
			checkCFAccessLogs),
		cf("cloudfront.waf-enabled", "CloudFront distributions are associated with an AWS WAF web ACL", severity.Medium,
			"CLOUDFRONT_ASSOCIATED_WITH_WAF", "CloudFront.6", "PR.IR",
			"Without a web ACL, the distribution forwards common web exploits (injection, bots, floods) to the origin unfiltered.",
			"Associate an AWS WAF web ACL (scope CLOUDFRONT, or a WAF Classic global web ACL) with the distribution.",
			checkCFWAF),
		cf("cloudfront.custom-certificate", "CloudFront distributions use a custom SSL/TLS certificate", severity.Low,
			"CLOUDFRONT_CUSTOM_SSL_CERTIFICATE", "CloudFront.7", "PR.DS",
			"With the default *.cloudfront.net certificate, viewers reach the content only under CloudFront's domain, not the organization's own.",
			"Attach an ACM certificate (in us-east-1) for the distribution's alternate domain names.",
			checkCFCustomCert),
		cf("cloudfront.sni", "CloudFront distributions with custom certificates serve HTTPS with SNI", severity.Low,
			"CLOUDFRONT_SNI_ENABLED", "CloudFront.8", "PR.DS",
			"Dedicated-IP HTTPS serves the certificate to clients without SNI at a high fixed cost; every current client supports SNI.",
			"Set the viewer certificate's SSL support method to sni-only.",
			checkCFSNI),
		cf("cloudfront.origin-encrypted", "CloudFront distributions encrypt traffic to custom origins", severity.Medium,
			"CLOUDFRONT_TRAFFIC_TO_ORIGIN_ENCRYPTED", "CloudFront.9", "PR.DS",
			"Traffic from the edge to a custom origin over HTTP crosses the internet in clear text.",
			"Set the custom origin's protocol policy to https-only (or match-viewer with viewers restricted to HTTPS).",
			checkCFOriginEncrypted),
		cf("cloudfront.no-deprecated-ssl", "CloudFront distributions do not use SSLv3 to custom origins", severity.Medium,
			"CLOUDFRONT_NO_DEPRECATED_SSL_PROTOCOLS", "CloudFront.10", "PR.DS",
			"SSLv3 is broken (POODLE); allowing it between the edge and the origin lets that leg be downgraded and decrypted.",
			"Remove SSLv3 from the custom origin's origin SSL protocols (keep TLSv1.2).",
			checkCFDeprecatedSSL),
		s3Origin,
	)
}

// distribution is one distribution with its configuration.
type distribution struct {
	arn, id string
	cfg     *cftypes.DistributionConfig
}

// eachDistribution runs fn on every distribution of the account whose
// configuration was read.
func eachDistribution(c *Ctx, fn func(d distribution)) error {
	out, err := get[cloudfront.ListDistributionsOutput](c.v, snapshot.Global, "cloudfront", "ListDistributions")
	if err != nil {
		return err
	}
	var items []cftypes.DistributionSummary
	if out.DistributionList != nil {
		items = out.DistributionList.Items
	}
	if len(items) == 0 {
		c.NA("", "no CloudFront distributions")
		return nil
	}
	for _, s := range items {
		id := aws(s.Id)
		arn := nonEmpty(aws(s.ARN), c.arn("cloudfront", "", c.Account.Id, "distribution/"+id))
		dc, err := getRes[cloudfront.GetDistributionConfigOutput](c.v, snapshot.Global, "cloudfront", "GetDistributionConfig", id)
		if err != nil {
			if code, ok := benign(err); ok && code == "NoSuchDistribution" {
				continue // deleted between the listing and the read
			}
			c.Err(arn, err)
			continue
		}
		if dc.DistributionConfig == nil {
			c.Err(arn, errMissingConfig(id))
			continue
		}
		fn(distribution{arn: arn, id: id, cfg: dc.DistributionConfig})
	}
	return nil
}

type errMissingConfig string

func (e errMissingConfig) Error() string {
	return "GetDistributionConfig of " + string(e) + " has no DistributionConfig"
}

func origins(cfg *cftypes.DistributionConfig) []cftypes.Origin {
	if cfg.Origins == nil {
		return nil
	}
	return cfg.Origins.Items
}

// viewerPolicies returns the viewer protocol policy of the default and
// every other cache behavior.
func viewerPolicies(cfg *cftypes.DistributionConfig) []cftypes.ViewerProtocolPolicy {
	var out []cftypes.ViewerProtocolPolicy
	if cfg.DefaultCacheBehavior != nil {
		out = append(out, cfg.DefaultCacheBehavior.ViewerProtocolPolicy)
	}
	if cfg.CacheBehaviors != nil {
		for _, b := range cfg.CacheBehaviors.Items {
			out = append(out, b.ViewerProtocolPolicy)
		}
	}
	return out
}

func allowsHTTP(cfg *cftypes.DistributionConfig) bool {
	for _, p := range viewerPolicies(cfg) {
		if p == cftypes.ViewerProtocolPolicyAllowAll {
			return true
		}
	}
	return false
}

func checkCFDefaultRootObject(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		c.Check(aws(d.cfg.DefaultRootObject) != "", d.arn, "distribution "+d.id+" has the default root object "+aws(d.cfg.DefaultRootObject),
			"distribution "+d.id+" has no default root object")
	})
}

func checkCFOriginAccessIdentity(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		n := 0
		var missing []string
		for _, o := range origins(d.cfg) {
			if o.S3OriginConfig == nil {
				continue
			}
			n++
			if aws(o.S3OriginConfig.OriginAccessIdentity) == "" {
				what := aws(o.Id)
				if aws(o.OriginAccessControlId) != "" {
					what += " (origin access control, not an identity)"
				}
				missing = append(missing, what)
			}
		}
		switch {
		case n == 0:
			c.NA(d.arn, "distribution %s has no S3 origin", d.id)
		case len(missing) > 0:
			c.Fail(d.arn, "distribution %s: S3 origins without an origin access identity: %s", d.id, strings.Join(missing, ", "))
		default:
			c.Pass(d.arn, "every S3 origin of distribution %s uses an origin access identity", d.id)
		}
	})
}

func checkCFViewerHTTPS(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		c.Check(!allowsHTTP(d.cfg), d.arn, "every cache behavior of distribution "+d.id+" requires HTTPS",
			"distribution "+d.id+" has a cache behavior whose viewer protocol policy is allow-all")
	})
}

func checkCFOriginFailover(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		if d.cfg.OriginGroups != nil {
			for _, g := range d.cfg.OriginGroups.Items {
				if g.Members != nil && len(g.Members.Items) >= 2 {
					c.Pass(d.arn, "distribution %s has the origin group %s with %d origins", d.id, aws(g.Id), len(g.Members.Items))
					return
				}
			}
		}
		c.Fail(d.arn, "distribution %s has no origin group of two origins", d.id)
	})
}

func checkCFAccessLogs(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		l := d.cfg.Logging
		c.Check(l != nil && l.Enabled != nil && *l.Enabled && aws(l.Bucket) != "", d.arn,
			"distribution "+d.id+" logs to "+func() string {
				if l == nil {
					return ""
				}
				return aws(l.Bucket)
			}(),
			"distribution "+d.id+" has no standard (legacy) access logging")
	})
}

func checkCFWAF(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		c.Check(aws(d.cfg.WebACLId) != "", d.arn, "distribution "+d.id+" is associated with the web ACL "+aws(d.cfg.WebACLId),
			"distribution "+d.id+" is not associated with a web ACL")
	})
}

// customCert reports whether the distribution serves a certificate of
// its own (ACM or IAM) rather than CloudFront's default one.
func customCert(cfg *cftypes.DistributionConfig) bool {
	vc := cfg.ViewerCertificate
	if vc == nil || (vc.CloudFrontDefaultCertificate != nil && *vc.CloudFrontDefaultCertificate) {
		return false
	}
	return aws(vc.ACMCertificateArn) != "" || aws(vc.IAMCertificateId) != "" ||
		(vc.CertificateSource != "" && vc.CertificateSource != cftypes.CertificateSourceCloudfront)
}

func checkCFCustomCert(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		c.Check(customCert(d.cfg), d.arn, "distribution "+d.id+" uses a custom SSL/TLS certificate",
			"distribution "+d.id+" uses the default CloudFront certificate")
	})
}

func checkCFSNI(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		if !customCert(d.cfg) {
			c.NA(d.arn, "distribution %s uses the default CloudFront certificate", d.id)
			return
		}
		m := d.cfg.ViewerCertificate.SSLSupportMethod
		c.Check(m != cftypes.SSLSupportMethodVip, d.arn, "distribution "+d.id+" serves its certificate with SNI",
			"distribution "+d.id+" serves its custom certificate from dedicated IP addresses (vip)")
	})
}

func checkCFOriginEncrypted(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		n := 0
		var bad []string
		for _, o := range origins(d.cfg) {
			co := o.CustomOriginConfig
			if co == nil {
				continue
			}
			n++
			switch {
			case co.OriginProtocolPolicy == cftypes.OriginProtocolPolicyHttpOnly:
				bad = append(bad, aws(o.Id)+" (http-only)")
			case co.OriginProtocolPolicy == cftypes.OriginProtocolPolicyMatchViewer && allowsHTTP(d.cfg):
				bad = append(bad, aws(o.Id)+" (match-viewer with viewers allowed on HTTP)")
			}
		}
		switch {
		case n == 0:
			c.NA(d.arn, "distribution %s has no custom origin", d.id)
		case len(bad) > 0:
			c.Fail(d.arn, "distribution %s sends unencrypted traffic to: %s", d.id, strings.Join(bad, ", "))
		default:
			c.Pass(d.arn, "distribution %s reaches its custom origins over HTTPS", d.id)
		}
	})
}

func checkCFDeprecatedSSL(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		n := 0
		var bad []string
		for _, o := range origins(d.cfg) {
			co := o.CustomOriginConfig
			if co == nil {
				continue
			}
			n++
			if co.OriginSslProtocols == nil {
				continue
			}
			for _, p := range co.OriginSslProtocols.Items {
				if p == cftypes.SslProtocolSSLv3 {
					bad = append(bad, aws(o.Id))
				}
			}
		}
		switch {
		case n == 0:
			c.NA(d.arn, "distribution %s has no custom origin", d.id)
		case len(bad) > 0:
			c.Fail(d.arn, "distribution %s allows SSLv3 to: %s", d.id, strings.Join(bad, ", "))
		default:
			c.Pass(d.arn, "distribution %s does not allow SSLv3 to its custom origins", d.id)
		}
	})
}

// s3OriginBucket returns the bucket an S3 origin's domain names
// (bucket.s3.amazonaws.com, bucket.s3.region.amazonaws.com,
// bucket.s3-region.amazonaws.com), or "" for another domain.
func s3OriginBucket(domain string) string {
	for _, sep := range []string{".s3.", ".s3-"} {
		if i := strings.LastIndex(domain, sep); i > 0 {
			return domain[:i]
		}
	}
	return ""
}

// edgeFacts are organization-wide facts of the CloudFront rules,
// computed once per audit: every bucket name of the organization's
// accounts.
type edgeFacts struct {
	once       sync.Once
	buckets    map[string]string // bucket name → owning account
	missingErr error             // an account whose bucket listing is missing
}

func (c *Ctx) orgBuckets() (map[string]string, error) {
	e := &c.run.edge
	e.once.Do(func() {
		e.buckets = map[string]string{}
		for _, a := range c.Org().Accounts {
			out, err := get[s3.ListBucketsOutput](c.viewOf(a.Id), snapshot.Global, "s3", "ListBuckets")
			if err != nil {
				if e.missingErr == nil {
					e.missingErr = err
				}
				continue
			}
			for _, b := range out.Buckets {
				e.buckets[aws(b.Name)] = a.Id
			}
		}
	})
	return e.buckets, e.missingErr
}

// checkCFS3OriginExists judges S3 origins (S3OriginConfig, not website
// endpoints) against the buckets of every account of the organization:
// a bucket none of them owns fails, since the snapshot cannot see
// buckets outside the organization (see docs/rules.md, Fidelity).
func checkCFS3OriginExists(c *Ctx) error {
	return eachDistribution(c, func(d distribution) {
		buckets, missing := c.orgBuckets()
		n := 0
		var gone []string
		for _, o := range origins(d.cfg) {
			if o.S3OriginConfig == nil {
				continue
			}
			name := s3OriginBucket(aws(o.DomainName))
			if name == "" {
				continue
			}
			n++
			if _, ok := buckets[name]; !ok {
				gone = append(gone, name)
			}
		}
		switch {
		case n == 0:
			c.NA(d.arn, "distribution %s has no S3 origin", d.id)
		case len(gone) > 0 && missing != nil:
			c.Err(d.arn, missing)
		case len(gone) > 0:
			c.Fail(d.arn, "distribution %s points to S3 buckets no account of the organization has: %s", d.id, strings.Join(gone, ", "))
		default:
			c.Pass(d.arn, "every S3 origin of distribution %s is a bucket of the organization", d.id)
		}
	})
}
