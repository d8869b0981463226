package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/orgrail/orgrail/internal/findings"
)

// The sentences of AWS's Config managed rule pages the CloudFront and
// AWS WAF cases rely on.
const (
	qCF1  = "The rule is NON_COMPLIANT if Amazon CloudFront distribution does not have a default root object configured."
	qCF2  = "Checks if Amazon CloudFront distribution with Amazon S3 Origin type has Origin Access Identity (OAI) configured."
	qCF3  = "The rule is NON_COMPLIANT if the value of ViewerProtocolPolicy is set to 'allow-all' for the defaultCacheBehavior or for the CacheBehaviors."
	qCF4  = "Checks if an origin group is configured for the distribution of at least two origins in the origin group for Amazon CloudFront. The rule is NON_COMPLIANT if there are no origin groups for the distribution."
	qCF5  = "The rule is NON_COMPLIANT if a CloudFront distribution does not have legacy logging configured."
	qCF6  = "The rule is NON_COMPLIANT if a CloudFront distribution is not associated with a WAF web ACL."
	qCF7  = "The rule is NON_COMPLIANT if a CloudFront distribution uses the default SSL certificate."
	qCF8  = "The rule is NON_COMPLIANT if a custom SSL certificate is associated but the SSL support method is a dedicated IP address."
	qCF9  = "The rule is NON_COMPLIANT if 'OriginProtocolPolicy' is 'http-only' or if 'OriginProtocolPolicy' is 'match-viewer' and 'ViewerProtocolPolicy' is 'allow-all'."
	qCF10 = "This rule is NON_COMPLIANT for a CloudFront distribution if any 'OriginSslProtocols' includes 'SSLv3'."
	qCF12 = "The rule is NON_COMPLIANT if S3OriginConfig for a CloudFront distribution points to a non-existent S3 bucket. The rule does not evaluate S3 buckets with static website hosting."

	qWAF10 = "This rule is NON_COMPLIANT if a Web ACL does not contain any WAF rules or WAF rule groups."
	qWAF11 = "Checks if logging is enabled on AWS WAF web access control lists (web ACLs)."
	qWAF1  = "The rule is NON_COMPLIANT for a global web ACL, if it does not have logging enabled."
	qWAF8  = "This rule is NON_COMPLIANT if a Web ACL does not contain any WAF rule or rule group."
	qWAF7  = "The rule is NON_COMPLIANT if there are no rules present within a rule group."
	qWAF6  = "The rule is NON_COMPLIANT if no conditions are present within the WAF global rule."
	qWAF4  = "The rule is NON_COMPLIANT if there are no WAF rules or rule groups present within a Web ACL."
	qWAF3  = "Checks if WAF Regional rule groups contain any rules. The rule is NON_COMPLIANT if there are no rules present within a WAF Regional rule group."
	qWAF2  = "Checks whether WAF regional rule contains conditions. This rule is COMPLIANT if the regional rule contains at least one condition and NON_COMPLIANT otherwise."
)

const (
	resDist     = "distribution/E1EDGE"
	resEdgeACL  = "global/webacl/edge"
	resAppACL   = "regional/webacl/app"
	edgeACLArn  = "arn:aws:wafv2:us-east-1:" + acctW + ":global/webacl/edge/11111111-aaaa-4bbb-8ccc-000000000001"
	appACLArn   = "arn:aws:wafv2:" + region1 + ":" + acctW + ":regional/webacl/app/22222222-aaaa-4bbb-8ccc-000000000002"
	classicGACL = "webacl/acl-global-1"
)

func noDistributions(f *fx) {
	op[cloudfront.ListDistributionsOutput](f, acctW, "global", "cloudfront", "ListDistributions").DistributionList.Items = nil
}

// onlyOrigin keeps one origin of the distribution (and no origin group).
func onlyOrigin(f *fx, id string) {
	o := *edgeOrigin(f, id)
	d := edgeDist(f)
	d.Origins.Items = []cftypes.Origin{o}
	d.OriginGroups = nil
}

func defaultCert(f *fx) {
	edgeDist(f).ViewerCertificate = &cftypes.ViewerCertificate{CloudFrontDefaultCertificate: awsv2.Bool(true),
		CertificateSource: cftypes.CertificateSourceCloudfront, MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv1}
}

func edgeACLRules(f *fx, arn string, r string, svc string) *wafv2.GetWebACLOutput {
	return res[wafv2.GetWebACLOutput](f, acctW, r, svc, "GetWebACL", arn[len(arn)-36:])
}

// noWebACLs leaves the workload account without AWS WAF web ACLs.
func noWebACLs(f *fx) {
	op[wafv2.ListWebACLsOutput](f, acctW, "global", "wafv2cloudfront", "ListWebACLs").WebACLs = nil
	op[wafv2.ListWebACLsOutput](f, acctW, region1, "wafv2", "ListWebACLs").WebACLs = nil
}

// emptyClassic empties an AWS WAF Classic listing.
func emptyClassic(svc, r, listOp, member string) func(f *fx) {
	return func(f *fx) { f.set(acctW, r, svc, listOp, map[string]any{member: []any{}}) }
}

func classicRuleWithout(svc, r, tag string) func(f *fx) {
	return func(f *fx) {
		f.setRes(acctW, r, svc, "GetRule", "rule-"+tag+"-1", map[string]any{"Rule": map[string]any{"RuleId": "rule-" + tag + "-1", "Name": "block-bad-ips", "Predicates": []any{}}})
	}
}

func classicGroupWithout(svc, r, tag string) func(f *fx) {
	return func(f *fx) {
		f.setRes(acctW, r, svc, "ListActivatedRulesInRuleGroup", "group-"+tag+"-1", map[string]any{"ActivatedRules": []any{}})
	}
}

func classicACLWithout(svc, r, id string) func(f *fx) {
	return func(f *fx) {
		f.setRes(acctW, r, svc, "GetWebACL", id, map[string]any{"WebACL": map[string]any{"WebACLId": id, "Name": "classic", "Rules": []any{},
			"DefaultAction": map[string]any{"Type": "ALLOW"}}})
	}
}

func init() {
	dc := func(rule, page, quote, name string, mutate func(*fx), resource string, want findings.Status) docCase {
		return docCase{Rule: rule, Source: cfgDoc(page), Quote: quote, Name: name, Mutate: mutate, Resource: resource, Want: want}
	}
	P, F, NA := findings.Passed, findings.Failed, findings.NotApplicable
	addDocCases(
		// CloudFront.1
		dc("cloudfront.default-root-object", "cloudfront-default-root-object-configured", qCF1, "index.html as the default root object", nil, resDist, P),
		dc("cloudfront.default-root-object", "cloudfront-default-root-object-configured", qCF1, "no default root object",
			func(f *fx) { edgeDist(f).DefaultRootObject = nil }, resDist, F),
		dc("cloudfront.default-root-object", "cloudfront-default-root-object-configured", qCF1, "an empty default root object",
			func(f *fx) { edgeDist(f).DefaultRootObject = awsv2.String("") }, resDist, F),
		dc("cloudfront.default-root-object", "cloudfront-default-root-object-configured", qCF1, "no distributions", noDistributions, "", NA),

		// CloudFront.2
		dc("cloudfront.origin-access-identity", "cloudfront-origin-access-identity-enabled", qCF2, "the S3 origin has an OAI", nil, resDist, P),
		dc("cloudfront.origin-access-identity", "cloudfront-origin-access-identity-enabled", qCF2, "an S3 origin without OAI",
			func(f *fx) { edgeOrigin(f, "assets").S3OriginConfig.OriginAccessIdentity = awsv2.String("") }, resDist, F),
		dc("cloudfront.origin-access-identity", "cloudfront-origin-access-identity-enabled", qCF2, "an S3 origin with origin access control instead of an OAI",
			func(f *fx) {
				o := edgeOrigin(f, "assets")
				o.S3OriginConfig.OriginAccessIdentity = awsv2.String("")
				o.OriginAccessControlId = awsv2.String("E2OACEXAMPLE")
			}, resDist, F),
		dc("cloudfront.origin-access-identity", "cloudfront-origin-access-identity-enabled", qCF2, "only a custom origin (no S3 origin type)",
			func(f *fx) { onlyOrigin(f, "api") }, resDist, NA),

		// CloudFront.3
		dc("cloudfront.viewer-https", "cloudfront-viewer-policy-https", qCF3, "redirect-to-https and https-only behaviors", nil, resDist, P),
		dc("cloudfront.viewer-https", "cloudfront-viewer-policy-https", qCF3, "allow-all on the default cache behavior",
			func(f *fx) {
				edgeDist(f).DefaultCacheBehavior.ViewerProtocolPolicy = cftypes.ViewerProtocolPolicyAllowAll
			}, resDist, F),
		dc("cloudfront.viewer-https", "cloudfront-viewer-policy-https", qCF3, "allow-all on another cache behavior",
			func(f *fx) {
				edgeDist(f).CacheBehaviors.Items[0].ViewerProtocolPolicy = cftypes.ViewerProtocolPolicyAllowAll
			}, resDist, F),

		// CloudFront.4
		dc("cloudfront.origin-failover", "cloudfront-origin-failover-enabled", qCF4, "an origin group of two origins", nil, resDist, P),
		dc("cloudfront.origin-failover", "cloudfront-origin-failover-enabled", qCF4, "no origin group",
			func(f *fx) { edgeDist(f).OriginGroups = nil }, resDist, F),
		dc("cloudfront.origin-failover", "cloudfront-origin-failover-enabled", qCF4, "no distributions", noDistributions, "", NA),

		// CloudFront.5
		dc("cloudfront.access-logs", "cloudfront-accesslogs-enabled", qCF5, "standard logging to a bucket", nil, resDist, P),
		dc("cloudfront.access-logs", "cloudfront-accesslogs-enabled", qCF5, "standard logging disabled",
			func(f *fx) { edgeDist(f).Logging.Enabled = awsv2.Bool(false) }, resDist, F),
		dc("cloudfront.access-logs", "cloudfront-accesslogs-enabled", qCF5, "no logging configuration at all",
			func(f *fx) { edgeDist(f).Logging = nil }, resDist, F),

		// CloudFront.6
		dc("cloudfront.waf-enabled", "cloudfront-associated-with-waf", qCF6, "a WAFv2 web ACL ARN", nil, resDist, P),
		dc("cloudfront.waf-enabled", "cloudfront-associated-with-waf", qCF6, "no web ACL",
			func(f *fx) { edgeDist(f).WebACLId = awsv2.String("") }, resDist, F),
		dc("cloudfront.waf-enabled", "cloudfront-associated-with-waf",
			"Checks if Amazon CloudFront distributions are associated with either web application firewall (WAF) or WAFv2 web access control lists (ACLs).",
			"a WAF Classic web ACL id", func(f *fx) { edgeDist(f).WebACLId = awsv2.String("acl-global-1") }, resDist, P),

		// CloudFront.7
		dc("cloudfront.custom-certificate", "cloudfront-custom-ssl-certificate", qCF7, "an ACM certificate", nil, resDist, P),
		dc("cloudfront.custom-certificate", "cloudfront-custom-ssl-certificate", qCF7, "the default CloudFront certificate", defaultCert, resDist, F),
		dc("cloudfront.custom-certificate", "cloudfront-custom-ssl-certificate", qCF7, "no distributions", noDistributions, "", NA),

		// CloudFront.8
		dc("cloudfront.sni", "cloudfront-sni-enabled", qCF8, "custom certificate served with SNI", nil, resDist, P),
		dc("cloudfront.sni", "cloudfront-sni-enabled", qCF8, "custom certificate on dedicated IPs",
			func(f *fx) { edgeDist(f).ViewerCertificate.SSLSupportMethod = cftypes.SSLSupportMethodVip }, resDist, F),
		dc("cloudfront.sni", "cloudfront-sni-enabled", qCF8, "the default certificate (no custom certificate associated)", defaultCert, resDist, NA),

		// CloudFront.9
		dc("cloudfront.origin-encrypted", "cloudfront-traffic-to-origin-encrypted", qCF9, "https-only custom origin", nil, resDist, P),
		dc("cloudfront.origin-encrypted", "cloudfront-traffic-to-origin-encrypted", qCF9, "http-only custom origin",
			func(f *fx) {
				edgeOrigin(f, "api").CustomOriginConfig.OriginProtocolPolicy = cftypes.OriginProtocolPolicyHttpOnly
			}, resDist, F),
		dc("cloudfront.origin-encrypted", "cloudfront-traffic-to-origin-encrypted", qCF9, "match-viewer with viewers allowed on HTTP",
			func(f *fx) {
				edgeOrigin(f, "api").CustomOriginConfig.OriginProtocolPolicy = cftypes.OriginProtocolPolicyMatchViewer
				edgeDist(f).DefaultCacheBehavior.ViewerProtocolPolicy = cftypes.ViewerProtocolPolicyAllowAll
			}, resDist, F),
		dc("cloudfront.origin-encrypted", "cloudfront-traffic-to-origin-encrypted", qCF9, "match-viewer with viewers on HTTPS only",
			func(f *fx) {
				edgeOrigin(f, "api").CustomOriginConfig.OriginProtocolPolicy = cftypes.OriginProtocolPolicyMatchViewer
			}, resDist, P),

		// CloudFront.10
		dc("cloudfront.no-deprecated-ssl", "cloudfront-no-deprecated-ssl-protocols", qCF10, "TLSv1.2 only", nil, resDist, P),
		dc("cloudfront.no-deprecated-ssl", "cloudfront-no-deprecated-ssl-protocols", qCF10, "SSLv3 allowed to the custom origin",
			func(f *fx) {
				p := edgeOrigin(f, "api").CustomOriginConfig.OriginSslProtocols
				p.Items = append(p.Items, cftypes.SslProtocolSSLv3)
			}, resDist, F),
		dc("cloudfront.no-deprecated-ssl", "cloudfront-no-deprecated-ssl-protocols",
			"Checks if CloudFront distributions are using deprecated SSL protocols for HTTPS communication between CloudFront edge locations and custom origins.",
			"no custom origin", func(f *fx) { onlyOrigin(f, "assets") }, resDist, NA),

		// CloudFront.12
		dc("cloudfront.s3-origin-exists", "cloudfront-s3-origin-non-existent-bucket", qCF12, "the origin bucket exists", nil, resDist, P),
		dc("cloudfront.s3-origin-exists", "cloudfront-s3-origin-non-existent-bucket", qCF12, "the origin bucket does not exist",
			func(f *fx) {
				edgeOrigin(f, "assets").DomainName = awsv2.String("retired-site-assets.s3.amazonaws.com")
			}, resDist, F),
		dc("cloudfront.s3-origin-exists", "cloudfront-s3-origin-non-existent-bucket", qCF12, "the origin bucket exists in another account of the organization",
			func(f *fx) {
				edgeOrigin(f, "assets").DomainName = awsv2.String("data-" + acctA + ".s3.us-east-1.amazonaws.com")
			}, resDist, P),
		dc("cloudfront.s3-origin-exists", "cloudfront-s3-origin-non-existent-bucket", qCF12, "a website endpoint is a custom origin, not evaluated",
			func(f *fx) { onlyOrigin(f, "api") }, resDist, NA),

		// WAF.10
		dc("wafv2.webacl-not-empty", "wafv2-webacl-not-empty", qWAF10, "web ACLs with a managed rule group", nil, "", P),
		dc("wafv2.webacl-not-empty", "wafv2-webacl-not-empty", qWAF10, "an empty regional web ACL",
			func(f *fx) { edgeACLRules(f, appACLArn, region1, "wafv2").WebACL.Rules = nil }, resAppACL, F),
		dc("wafv2.webacl-not-empty", "wafv2-webacl-not-empty", qWAF10, "an empty CloudFront web ACL",
			func(f *fx) { edgeACLRules(f, edgeACLArn, "global", "wafv2cloudfront").WebACL.Rules = nil }, resEdgeACL, F),
		dc("wafv2.webacl-not-empty", "wafv2-webacl-not-empty", qWAF10, "no web ACLs", noWebACLs, "", NA),

		// WAF.11
		dc("wafv2.logging-enabled", "wafv2-logging-enabled", qWAF11, "logging to CloudWatch Logs", nil, "", P),
		dc("wafv2.logging-enabled", "wafv2-logging-enabled", qWAF11, "no logging configuration",
			func(f *fx) {
				f.setResErr(acctW, region1, "wafv2", "GetLoggingConfiguration", appACLArn, "WAFNonexistentItemException")
			}, resAppACL, F),
		dc("wafv2.logging-enabled", "wafv2-logging-enabled", qWAF11, "no web ACLs", noWebACLs, "", NA),

		// WAF.1
		dc("waf.global-logging-enabled", "waf-classic-logging-enabled", qWAF1, "logging to Firehose", nil, classicGACL, P),
		dc("waf.global-logging-enabled", "waf-classic-logging-enabled", qWAF1, "no logging configuration",
			func(f *fx) {
				f.setResErr(acctW, "global", "waf", "GetLoggingConfiguration", "acl-global-1", "WAFNonexistentItemException")
			}, classicGACL, F),
		dc("waf.global-logging-enabled", "waf-classic-logging-enabled", qWAF1, "no global web ACLs", emptyClassic("waf", "global", "ListWebACLs", "WebACLs"), "", NA),

		// WAF.6, WAF.7, WAF.8
		dc("waf.global-rule-not-empty", "waf-global-rule-not-empty", qWAF6, "a rule with an IP match condition", nil, "rule/rule-global-1", P),
		dc("waf.global-rule-not-empty", "waf-global-rule-not-empty", qWAF6, "a rule without conditions", classicRuleWithout("waf", "global", "global"), "rule/rule-global-1", F),
		dc("waf.global-rule-not-empty", "waf-global-rule-not-empty", qWAF6, "no global rules", emptyClassic("waf", "global", "ListRules", "Rules"), "", NA),
		dc("waf.global-rulegroup-not-empty", "waf-global-rulegroup-not-empty", qWAF7, "a rule group with a rule", nil, "rulegroup/group-global-1", P),
		dc("waf.global-rulegroup-not-empty", "waf-global-rulegroup-not-empty", qWAF7, "an empty rule group", classicGroupWithout("waf", "global", "global"), "rulegroup/group-global-1", F),
		dc("waf.global-rulegroup-not-empty", "waf-global-rulegroup-not-empty", qWAF7, "no rule groups", emptyClassic("waf", "global", "ListRuleGroups", "RuleGroups"), "", NA),
		dc("waf.global-webacl-not-empty", "waf-global-webacl-not-empty", qWAF8, "a web ACL with a rule", nil, classicGACL, P),
		dc("waf.global-webacl-not-empty", "waf-global-webacl-not-empty", qWAF8, "an empty web ACL", classicACLWithout("waf", "global", "acl-global-1"), classicGACL, F),
		dc("waf.global-webacl-not-empty", "waf-global-webacl-not-empty", qWAF8, "no global web ACLs", emptyClassic("waf", "global", "ListWebACLs", "WebACLs"), "", NA),

		// WAF.2, WAF.3, WAF.4
		dc("waf.regional-rule-not-empty", "waf-regional-rule-not-empty", qWAF2, "a rule with an IP match condition", nil, "rule/rule-regional-1", P),
		dc("waf.regional-rule-not-empty", "waf-regional-rule-not-empty", qWAF2, "a rule without conditions", classicRuleWithout("wafregional", region1, "regional"), "rule/rule-regional-1", F),
		dc("waf.regional-rule-not-empty", "waf-regional-rule-not-empty", qWAF2, "no regional rules", emptyClassic("wafregional", region1, "ListRules", "Rules"), "", NA),
		dc("waf.regional-rulegroup-not-empty", "waf-regional-rulegroup-not-empty", qWAF3, "a rule group with a rule", nil, "rulegroup/group-regional-1", P),
		dc("waf.regional-rulegroup-not-empty", "waf-regional-rulegroup-not-empty", qWAF3, "an empty rule group", classicGroupWithout("wafregional", region1, "regional"), "rulegroup/group-regional-1", F),
		dc("waf.regional-rulegroup-not-empty", "waf-regional-rulegroup-not-empty", qWAF3, "no rule groups", emptyClassic("wafregional", region1, "ListRuleGroups", "RuleGroups"), "", NA),
		dc("waf.regional-webacl-not-empty", "waf-regional-webacl-not-empty", qWAF4, "a web ACL with a rule", nil, "webacl/acl-regional-1", P),
		dc("waf.regional-webacl-not-empty", "waf-regional-webacl-not-empty", qWAF4, "an empty web ACL", classicACLWithout("wafregional", region1, "acl-regional-1"), "webacl/acl-regional-1", F),
		dc("waf.regional-webacl-not-empty", "waf-regional-webacl-not-empty", qWAF4, "no regional web ACLs", emptyClassic("wafregional", region1, "ListWebACLs", "WebACLs"), "", NA),
	)

	failCases["cloudfront.default-root-object"] = func(f *fx) { edgeDist(f).DefaultRootObject = nil }
	failCases["cloudfront.origin-access-identity"] = func(f *fx) { edgeOrigin(f, "assets").S3OriginConfig.OriginAccessIdentity = nil }
	failCases["cloudfront.viewer-https"] = func(f *fx) {
		edgeDist(f).DefaultCacheBehavior.ViewerProtocolPolicy = cftypes.ViewerProtocolPolicyAllowAll
	}
	failCases["cloudfront.origin-failover"] = func(f *fx) { edgeDist(f).OriginGroups = nil }
	failCases["cloudfront.access-logs"] = func(f *fx) { edgeDist(f).Logging = nil }
	failCases["cloudfront.waf-enabled"] = func(f *fx) { edgeDist(f).WebACLId = nil }
	failCases["cloudfront.custom-certificate"] = defaultCert
	failCases["cloudfront.sni"] = func(f *fx) { edgeDist(f).ViewerCertificate.SSLSupportMethod = cftypes.SSLSupportMethodVip }
	failCases["cloudfront.origin-encrypted"] = func(f *fx) {
		edgeOrigin(f, "api").CustomOriginConfig.OriginProtocolPolicy = cftypes.OriginProtocolPolicyHttpOnly
	}
	failCases["cloudfront.no-deprecated-ssl"] = func(f *fx) {
		edgeOrigin(f, "api").CustomOriginConfig.OriginSslProtocols.Items = []cftypes.SslProtocol{cftypes.SslProtocolSSLv3}
	}
	failCases["cloudfront.s3-origin-exists"] = func(f *fx) { edgeOrigin(f, "assets").DomainName = awsv2.String("gone.s3.amazonaws.com") }
	failCases["wafv2.webacl-not-empty"] = func(f *fx) { edgeACLRules(f, appACLArn, region1, "wafv2").WebACL.Rules = nil }
	failCases["wafv2.logging-enabled"] = func(f *fx) {
		f.setResErr(acctW, "global", "wafv2cloudfront", "GetLoggingConfiguration", edgeACLArn, "WAFNonexistentItemException")
	}
	failCases["waf.global-logging-enabled"] = func(f *fx) {
		f.setResErr(acctW, "global", "waf", "GetLoggingConfiguration", "acl-global-1", "WAFNonexistentItemException")
	}
	failCases["waf.global-rule-not-empty"] = classicRuleWithout("waf", "global", "global")
	failCases["waf.global-rulegroup-not-empty"] = classicGroupWithout("waf", "global", "global")
	failCases["waf.global-webacl-not-empty"] = classicACLWithout("waf", "global", "acl-global-1")
	failCases["waf.regional-rule-not-empty"] = classicRuleWithout("wafregional", region1, "regional")
	failCases["waf.regional-rulegroup-not-empty"] = classicGroupWithout("wafregional", region1, "regional")
	failCases["waf.regional-webacl-not-empty"] = classicACLWithout("wafregional", region1, "acl-regional-1")
}
