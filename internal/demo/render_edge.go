package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/waf"
	waftypes "github.com/aws/aws-sdk-go-v2/service/waf/types"
	"github.com/aws/aws-sdk-go-v2/service/wafregional"
	wafrtypes "github.com/aws/aws-sdk-go-v2/service/wafregional/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	wafv2types "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// edgeRes is what an account has at the edge: CloudFront distributions,
// AWS WAF web ACLs (CLOUDFRONT scope and REGIONAL per region) and AWS
// WAF Classic resources (global, and Regional per region).
type edgeRes struct {
	dists           []*cfDistribution
	cfACLs          []*webACL
	regionalACLs    map[string][]*webACL
	classicGlobal   classicWAF
	classicRegional map[string]*classicWAF
}

// cfDistribution is a CloudFront distribution in front of the account's
// data bucket (with an origin access identity) and its web load balancer
// (HTTPS only), with an origin group of both.
type cfDistribution struct {
	id, name      string
	bucket        string // S3 origin bucket
	bucketRegion  string
	albDNS        string // custom origin
	noRootObject  bool
	allowHTTP     bool
	webACLArn     string
	certARN       string
	logBucket     string
	lastModified  time.Time
	aliasHostname string
}

// webACL is an AWS WAF (v2) web ACL.
type webACL struct {
	name, id, arn string
	rules         int
	logging       bool
}

// classicWAF holds AWS WAF Classic web ACLs and rules (global or of one
// region).
type classicWAF struct {
	acls  []classicACL
	rules []classicRule
}

type classicACL struct {
	id, name string
	rules    []string // rule ids
	logging  bool
}

type classicRule struct {
	id, name   string
	conditions int
}

func (a *acct) edgeRes() *edgeRes {
	if a.edge == nil {
		a.edge = &edgeRes{regionalACLs: map[string][]*webACL{}, classicRegional: map[string]*classicWAF{}}
	}
	return a.edge
}

func distributionARN(a *acct, id string) string {
	return "arn:aws:cloudfront::" + a.Id + ":distribution/" + id
}

func stableUUID(a *acct, name string) string {
	h := stableHex(a, "uuid/"+name, 16) + stableHex(a, "uuid2/"+name, 16)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

func webACLArn(a *acct, region, scope, name string) string {
	return fmt.Sprintf("arn:aws:wafv2:%s:%s:%s/webacl/%s/%s", region, a.Id, scope, name, stableUUID(a, scope+"/"+name))
}

// baselineEdge puts a workload account's web entry behind CloudFront:
// a distribution with every CloudFront control satisfied, its
// CLOUDFRONT-scope web ACL and a REGIONAL web ACL in the home region,
// both with a managed rule group and logging.
func baselineEdge(w *world, a *acct, home string, created time.Time) {
	e := a.edgeRes()
	cfACL := &webACL{name: a.Name + "-edge", rules: 1, logging: true}
	cfACL.arn = webACLArn(a, "us-east-1", "global", cfACL.name)
	cfACL.id = stableUUID(a, "global/"+cfACL.name)
	e.cfACLs = append(e.cfACLs, cfACL)
	reg := &webACL{name: a.Name + "-web", rules: 1, logging: true}
	reg.arn = webACLArn(a, home, "regional", reg.name)
	reg.id = stableUUID(a, "regional/"+reg.name)
	e.regionalACLs[home] = append(e.regionalACLs[home], reg)
	lb := webLoadBalancer(w, a)
	e.dists = append(e.dists, &cfDistribution{
		id: "E" + strings.ToUpper(stableHex(a, "cf/"+a.Name, 13)), name: a.Name + "-cdn",
		bucket: w.dataBucket(a), bucketRegion: home,
		albDNS:    fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", lb.name, stableHex(a, "dns/"+lb.name, 8), home),
		webACLArn: cfACL.arn, certARN: certificateARN(a, "us-east-1", "cdn."+a.Name+"."+companyDomain),
		logBucket: "kumo-cdn-logs-" + a.Id + ".s3.amazonaws.com", lastModified: created.Truncate(time.Second), aliasHostname: "cdn." + a.Name + "." + companyDomain,
	})
}

func renderCloudFront(w *world, a *acct) *file {
	f := newFile(a, globalRegion, "cloudfront")
	var items []cftypes.DistributionSummary
	if a.edge != nil {
		for _, d := range a.edge.dists {
			cfg := d.config(a)
			items = append(items, cftypes.DistributionSummary{Id: aws.String(d.id), ARN: aws.String(distributionARN(a, d.id)),
				DomainName: aws.String("d" + stableHex(a, "cfdns/"+d.id, 13) + ".cloudfront.net"), Status: aws.String("Deployed"),
				Enabled: aws.Bool(true), LastModifiedTime: ptime(d.lastModified), Comment: aws.String(d.name),
				Aliases: cfg.Aliases, Origins: cfg.Origins, OriginGroups: cfg.OriginGroups, DefaultCacheBehavior: cfg.DefaultCacheBehavior,
				CacheBehaviors: cfg.CacheBehaviors, ViewerCertificate: cfg.ViewerCertificate, WebACLId: cfg.WebACLId,
				PriceClass: cfg.PriceClass, HttpVersion: cfg.HttpVersion, Staging: aws.Bool(false)})
			f.res("GetDistributionConfig", d.id, cloudfront.GetDistributionConfigOutput{DistributionConfig: cfg,
				ETag: aws.String("E" + strings.ToUpper(stableHex(a, "etag/"+d.id, 13)))})
		}
	}
	if items == nil {
		items = []cftypes.DistributionSummary{}
	}
	f.put("ListDistributions", cloudfront.ListDistributionsOutput{DistributionList: &cftypes.DistributionList{
		Items: items, Quantity: aws.Int32(int32(len(items))), IsTruncated: aws.Bool(false)}})
	return f
}

func (d *cfDistribution) config(a *acct) *cftypes.DistributionConfig {
	viewer := cftypes.ViewerProtocolPolicyRedirectToHttps
	if d.allowHTTP {
		viewer = cftypes.ViewerProtocolPolicyAllowAll
	}
	root := "index.html"
	if d.noRootObject {
		root = ""
	}
	return &cftypes.DistributionConfig{
		CallerReference: aws.String(d.name), Comment: aws.String(d.name), Enabled: aws.Bool(true), DefaultRootObject: aws.String(root),
		Aliases: &cftypes.Aliases{Quantity: aws.Int32(1), Items: []string{d.aliasHostname}},
		Origins: &cftypes.Origins{Quantity: aws.Int32(2), Items: []cftypes.Origin{
			{Id: aws.String("assets"), DomainName: aws.String(d.bucket + ".s3." + d.bucketRegion + ".amazonaws.com"), OriginPath: aws.String(""),
				S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("origin-access-identity/cloudfront/E" + strings.ToUpper(stableHex(a, "oai", 13)))}},
			{Id: aws.String("web"), DomainName: aws.String(d.albDNS), OriginPath: aws.String(""), CustomOriginConfig: &cftypes.CustomOriginConfig{
				HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: cftypes.OriginProtocolPolicyHttpsOnly,
				OriginSslProtocols: &cftypes.OriginSslProtocols{Quantity: aws.Int32(1), Items: []cftypes.SslProtocol{cftypes.SslProtocolTLSv12}},
				OriginReadTimeout:  aws.Int32(30), OriginKeepaliveTimeout: aws.Int32(5)}},
		}},
		OriginGroups: &cftypes.OriginGroups{Quantity: aws.Int32(1), Items: []cftypes.OriginGroup{{Id: aws.String("web-failover"),
			FailoverCriteria: &cftypes.OriginGroupFailoverCriteria{StatusCodes: &cftypes.StatusCodes{Quantity: aws.Int32(2), Items: []int32{502, 503}}},
			Members:          &cftypes.OriginGroupMembers{Quantity: aws.Int32(2), Items: []cftypes.OriginGroupMember{{OriginId: aws.String("web")}, {OriginId: aws.String("assets")}}}}}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("web-failover"), ViewerProtocolPolicy: viewer,
			CachePolicyId: aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6"), Compress: aws.Bool(true)},
		CacheBehaviors: &cftypes.CacheBehaviors{Quantity: aws.Int32(1), Items: []cftypes.CacheBehavior{{PathPattern: aws.String("/static/*"),
			TargetOriginId: aws.String("assets"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyHttpsOnly,
			CachePolicyId: aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6"), Compress: aws.Bool(true)}}},
		Logging:     &cftypes.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String(d.logBucket), Prefix: aws.String(d.name + "/"), IncludeCookies: aws.Bool(false)},
		WebACLId:    aws.String(d.webACLArn),
		PriceClass:  cftypes.PriceClassPriceClassAll,
		HttpVersion: cftypes.HttpVersionHttp2and3,
		ViewerCertificate: &cftypes.ViewerCertificate{CloudFrontDefaultCertificate: aws.Bool(false), ACMCertificateArn: aws.String(d.certARN),
			Certificate: aws.String(d.certARN), CertificateSource: cftypes.CertificateSourceAcm, SSLSupportMethod: cftypes.SSLSupportMethodSniOnly,
			MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv122021},
	}
}

func renderWebACLs(a *acct, region, service string, acls []*webACL) *file {
	f := newFile(a, region, service)
	list := []wafv2types.WebACLSummary{}
	for _, acl := range acls {
		list = append(list, wafv2types.WebACLSummary{Name: aws.String(acl.name), Id: aws.String(acl.id), ARN: aws.String(acl.arn),
			LockToken: aws.String(stableUUID(a, "lock/"+acl.arn)), Description: aws.String("")})
		rules := []wafv2types.Rule{}
		if acl.rules > 0 {
			rules = append(rules, wafv2types.Rule{Name: aws.String("AWS-AWSManagedRulesCommonRuleSet"), Priority: 0,
				Statement: &wafv2types.Statement{ManagedRuleGroupStatement: &wafv2types.ManagedRuleGroupStatement{
					VendorName: aws.String("AWS"), Name: aws.String("AWSManagedRulesCommonRuleSet")}},
				OverrideAction: &wafv2types.OverrideAction{None: &wafv2types.NoneAction{}},
				VisibilityConfig: &wafv2types.VisibilityConfig{SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true,
					MetricName: aws.String("AWS-AWSManagedRulesCommonRuleSet")}})
		}
		f.res("GetWebACL", acl.id, wafv2.GetWebACLOutput{LockToken: aws.String(stableUUID(a, "lock/"+acl.arn)), WebACL: &wafv2types.WebACL{
			Name: aws.String(acl.name), Id: aws.String(acl.id), ARN: aws.String(acl.arn), Rules: rules, Capacity: int64(700 * acl.rules),
			DefaultAction:    &wafv2types.DefaultAction{Allow: &wafv2types.AllowAction{}},
			VisibilityConfig: &wafv2types.VisibilityConfig{SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: aws.String(acl.name)},
			LabelNamespace:   aws.String("awswaf:" + a.Id + ":webacl:" + acl.name + ":")}})
		if acl.logging {
			dest := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:aws-waf-logs-%s", arnRegion(acl.arn), a.Id, acl.name)
			f.res("GetLoggingConfiguration", acl.arn, wafv2.GetLoggingConfigurationOutput{LoggingConfiguration: &wafv2types.LoggingConfiguration{
				ResourceArn: aws.String(acl.arn), LogDestinationConfigs: []string{dest}}})
		} else {
			f.SetResourceError("GetLoggingConfiguration", acl.arn, "WAFNonexistentItemException")
		}
	}
	f.put("ListWebACLs", wafv2.ListWebACLsOutput{WebACLs: list})
	return f
}

// arnRegion returns the region field of an ARN.
func arnRegion(arn string) string {
	var parts [5]string
	n := 0
	start := 0
	for i := 0; i < len(arn) && n < 4; i++ {
		if arn[i] == ':' {
			parts[n] = arn[start:i]
			n++
			start = i + 1
		}
	}
	return parts[3]
}

func renderWAFv2CloudFront(w *world, a *acct) *file {
	var acls []*webACL
	if a.edge != nil {
		acls = a.edge.cfACLs
	}
	return renderWebACLs(a, globalRegion, "wafv2cloudfront", acls)
}

func renderWAFv2(w *world, a *acct, rr *regionRes) *file {
	var acls []*webACL
	if a.edge != nil {
		acls = a.edge.regionalACLs[rr.region]
	}
	return renderWebACLs(a, rr.region, "wafv2", acls)
}

func renderWAFClassic(w *world, a *acct) *file {
	f := newFile(a, globalRegion, "waf")
	var c classicWAF
	if a.edge != nil {
		c = a.edge.classicGlobal
	}
	acls := []waftypes.WebACLSummary{}
	for _, acl := range c.acls {
		acls = append(acls, waftypes.WebACLSummary{WebACLId: aws.String(acl.id), Name: aws.String(acl.name)})
		arn := "arn:aws:waf::" + a.Id + ":webacl/" + acl.id
		var rules []waftypes.ActivatedRule
		for i, r := range acl.rules {
			rules = append(rules, waftypes.ActivatedRule{RuleId: aws.String(r), Priority: aws.Int32(int32(i + 1)), Action: &waftypes.WafAction{Type: waftypes.WafActionTypeBlock}})
		}
		if rules == nil {
			rules = []waftypes.ActivatedRule{}
		}
		f.res("GetWebACL", acl.id, waf.GetWebACLOutput{WebACL: &waftypes.WebACL{WebACLId: aws.String(acl.id), Name: aws.String(acl.name),
			WebACLArn: aws.String(arn), MetricName: aws.String(acl.name), DefaultAction: &waftypes.WafAction{Type: waftypes.WafActionTypeAllow}, Rules: rules}})
		if acl.logging {
			f.res("GetLoggingConfiguration", acl.id, waf.GetLoggingConfigurationOutput{LoggingConfiguration: &waftypes.LoggingConfiguration{
				ResourceArn: aws.String(arn), LogDestinationConfigs: []string{"arn:aws:firehose:us-east-1:" + a.Id + ":deliverystream/aws-waf-logs-" + acl.name}}})
		} else {
			f.SetResourceError("GetLoggingConfiguration", acl.id, "WAFNonexistentItemException")
		}
	}
	rules := []waftypes.RuleSummary{}
	for _, r := range c.rules {
		rules = append(rules, waftypes.RuleSummary{RuleId: aws.String(r.id), Name: aws.String(r.name)})
		preds := []waftypes.Predicate{}
		for i := 0; i < r.conditions; i++ {
			preds = append(preds, waftypes.Predicate{DataId: aws.String(stableUUID(a, fmt.Sprintf("ipset/%s/%d", r.id, i))), Negated: aws.Bool(false), Type: waftypes.PredicateTypeIpMatch})
		}
		f.res("GetRule", r.id, waf.GetRuleOutput{Rule: &waftypes.Rule{RuleId: aws.String(r.id), Name: aws.String(r.name), MetricName: aws.String(r.name), Predicates: preds}})
	}
	f.put("ListWebACLs", waf.ListWebACLsOutput{WebACLs: acls})
	f.put("ListRules", waf.ListRulesOutput{Rules: rules})
	f.put("ListRuleGroups", waf.ListRuleGroupsOutput{RuleGroups: []waftypes.RuleGroupSummary{}})
	return f
}

func renderWAFRegional(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "wafregional")
	c := &classicWAF{}
	if a.edge != nil && a.edge.classicRegional[rr.region] != nil {
		c = a.edge.classicRegional[rr.region]
	}
	acls := []wafrtypes.WebACLSummary{}
	for _, acl := range c.acls {
		acls = append(acls, wafrtypes.WebACLSummary{WebACLId: aws.String(acl.id), Name: aws.String(acl.name)})
		rules := []wafrtypes.ActivatedRule{}
		for i, r := range acl.rules {
			rules = append(rules, wafrtypes.ActivatedRule{RuleId: aws.String(r), Priority: aws.Int32(int32(i + 1)), Action: &wafrtypes.WafAction{Type: wafrtypes.WafActionTypeBlock}})
		}
		f.res("GetWebACL", acl.id, wafregional.GetWebACLOutput{WebACL: &wafrtypes.WebACL{WebACLId: aws.String(acl.id), Name: aws.String(acl.name),
			WebACLArn: aws.String("arn:aws:waf-regional:" + rr.region + ":" + a.Id + ":webacl/" + acl.id), MetricName: aws.String(acl.name),
			DefaultAction: &wafrtypes.WafAction{Type: wafrtypes.WafActionTypeAllow}, Rules: rules}})
	}
	rules := []wafrtypes.RuleSummary{}
	for _, r := range c.rules {
		rules = append(rules, wafrtypes.RuleSummary{RuleId: aws.String(r.id), Name: aws.String(r.name)})
		preds := []wafrtypes.Predicate{}
		for i := 0; i < r.conditions; i++ {
			preds = append(preds, wafrtypes.Predicate{DataId: aws.String(stableUUID(a, fmt.Sprintf("ipset/%s/%d", r.id, i))), Negated: aws.Bool(false), Type: wafrtypes.PredicateTypeIpMatch})
		}
		f.res("GetRule", r.id, wafregional.GetRuleOutput{Rule: &wafrtypes.Rule{RuleId: aws.String(r.id), Name: aws.String(r.name), MetricName: aws.String(r.name), Predicates: preds}})
	}
	f.put("ListWebACLs", wafregional.ListWebACLsOutput{WebACLs: acls})
	f.put("ListRules", wafregional.ListRulesOutput{Rules: rules})
	f.put("ListRuleGroups", wafregional.ListRuleGroupsOutput{RuleGroups: []wafrtypes.RuleGroupSummary{}})
	return f
}

// The edge plants (see kumoPlants).
var edgePlants = map[string]plant{
	// A distribution that answers on HTTP and has no default root object.
	"edge-cf-http-no-root": {workload: true, fn: func(w *world, a *acct) []violation {
		d := a.edgeRes().dists[0]
		d.noRootObject, d.allowHTTP = true, true
		return v(a, globalRegion, distributionARN(a, d.id), "CLOUDFRONT_DEFAULT_ROOT_OBJECT_CONFIGURED", "CLOUDFRONT_VIEWER_POLICY_HTTPS")
	}},
	// The regional web ACL does not log.
	"edge-waf-no-logging": {workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		acl := a.edgeRes().regionalACLs[home][0]
		acl.logging = false
		return v(a, home, acl.arn, "WAFV2_LOGGING_ENABLED")
	}},
	// The CloudFront web ACL lost its rules.
	"edge-waf-empty-cloudfront-acl": {workload: true, fn: func(w *world, a *acct) []violation {
		acl := a.edgeRes().cfACLs[0]
		acl.rules = 0
		return v(a, globalRegion, acl.arn, "WAFV2_WEBACL_NOT_EMPTY")
	}},
	// A leftover AWS WAF Classic global web ACL without rules (it logs).
	"edge-waf-classic-empty-acl": {fn: func(w *world, a *acct) []violation {
		id := stableUUID(a, "classic-acl")
		e := a.edgeRes()
		e.classicGlobal.acls = append(e.classicGlobal.acls, classicACL{id: id, name: "legacy-cdn", logging: true})
		return v(a, globalRegion, "arn:aws:waf::"+a.Id+":webacl/"+id, "WAF_GLOBAL_WEBACL_NOT_EMPTY")
	}},
	// A leftover AWS WAF Classic Regional rule without conditions.
	"edge-waf-regional-rule-no-condition": {fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		id := stableUUID(a, "classic-rule")
		e := a.edgeRes()
		if e.classicRegional[home] == nil {
			e.classicRegional[home] = &classicWAF{}
		}
		e.classicRegional[home].rules = append(e.classicRegional[home].rules, classicRule{id: id, name: "block-scanners"})
		return v(a, home, "arn:aws:waf-regional:"+home+":"+a.Id+":rule/"+id, "WAF_REGIONAL_RULE_NOT_EMPTY")
	}},
}

func init() {
	for k, p := range edgePlants {
		plants[k] = p
	}
}
