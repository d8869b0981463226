package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	wafv2types "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// edgeGlobal gives the account a compliant CloudFront distribution
// "E1EDGE" (an S3 origin with an origin access identity on the account's
// data bucket, an HTTPS-only custom origin, an origin group of both,
// HTTPS viewers, a default root object, standard logging, a web ACL, an
// ACM certificate served with SNI), the AWS WAF CLOUDFRONT-scope web ACL
// "edge" (one rule, logging) and AWS WAF Classic global resources (a web
// ACL with a rule, logging, a rule with a condition, a rule group with a
// rule).
func (f *fx) edgeGlobal(a string) {
	acl := "arn:aws:wafv2:us-east-1:" + a + ":global/webacl/edge/11111111-aaaa-4bbb-8ccc-000000000001"
	f.set(a, "global", "cloudfront", "ListDistributions", &cloudfront.ListDistributionsOutput{DistributionList: &cftypes.DistributionList{
		Items: []cftypes.DistributionSummary{{Id: awsv2.String("E1EDGE"), ARN: awsv2.String("arn:aws:cloudfront::" + a + ":distribution/E1EDGE"),
			DomainName: awsv2.String("d111111abcdef8.cloudfront.net")}}}})
	f.setRes(a, "global", "cloudfront", "GetDistributionConfig", "E1EDGE", &cloudfront.GetDistributionConfigOutput{ETag: awsv2.String("E2QWRUHAPOMQZL"),
		DistributionConfig: &cftypes.DistributionConfig{
			Enabled: awsv2.Bool(true), DefaultRootObject: awsv2.String("index.html"), WebACLId: awsv2.String(acl),
			Origins: &cftypes.Origins{Quantity: awsv2.Int32(2), Items: []cftypes.Origin{
				{Id: awsv2.String("assets"), DomainName: awsv2.String("data-" + a + ".s3.us-east-1.amazonaws.com"),
					S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: awsv2.String("origin-access-identity/cloudfront/E127EXAMPLE51Z")}},
				{Id: awsv2.String("api"), DomainName: awsv2.String("api.example.com"), CustomOriginConfig: &cftypes.CustomOriginConfig{
					HTTPPort: awsv2.Int32(80), HTTPSPort: awsv2.Int32(443), OriginProtocolPolicy: cftypes.OriginProtocolPolicyHttpsOnly,
					OriginSslProtocols: &cftypes.OriginSslProtocols{Quantity: awsv2.Int32(1), Items: []cftypes.SslProtocol{cftypes.SslProtocolTLSv12}}}}}},
			OriginGroups: &cftypes.OriginGroups{Quantity: awsv2.Int32(1), Items: []cftypes.OriginGroup{{Id: awsv2.String("failover"),
				Members: &cftypes.OriginGroupMembers{Quantity: awsv2.Int32(2), Items: []cftypes.OriginGroupMember{
					{OriginId: awsv2.String("api")}, {OriginId: awsv2.String("assets")}}}}}},
			DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: awsv2.String("failover"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyRedirectToHttps},
			CacheBehaviors: &cftypes.CacheBehaviors{Quantity: awsv2.Int32(1), Items: []cftypes.CacheBehavior{{PathPattern: awsv2.String("/api/*"),
				TargetOriginId: awsv2.String("api"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyHttpsOnly}}},
			Logging: &cftypes.LoggingConfig{Enabled: awsv2.Bool(true), Bucket: awsv2.String("logs-" + a + ".s3.amazonaws.com"), Prefix: awsv2.String("cf/")},
			ViewerCertificate: &cftypes.ViewerCertificate{CloudFrontDefaultCertificate: awsv2.Bool(false),
				ACMCertificateArn: awsv2.String("arn:aws:acm:us-east-1:" + a + ":certificate/0b7c7e7e-2222-4a4a-9d9d-000000000002"),
				CertificateSource: cftypes.CertificateSourceAcm, SSLSupportMethod: cftypes.SSLSupportMethodSniOnly,
				MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv122021}}})
	f.wafv2ACL(a, "global", "wafv2cloudfront", acl, "edge")

	f.set(a, "global", "waf", "ListWebACLs", map[string]any{"WebACLs": []any{map[string]any{"WebACLId": "acl-global-1", "Name": "classic"}}})
	f.setRes(a, "global", "waf", "GetWebACL", "acl-global-1", map[string]any{"WebACL": map[string]any{"WebACLId": "acl-global-1", "Name": "classic",
		"WebACLArn": "arn:aws:waf::" + a + ":webacl/acl-global-1", "DefaultAction": map[string]any{"Type": "ALLOW"},
		"Rules": []any{map[string]any{"RuleId": "rule-global-1", "Priority": 1, "Type": "REGULAR", "Action": map[string]any{"Type": "BLOCK"}}}}})
	f.setRes(a, "global", "waf", "GetLoggingConfiguration", "acl-global-1", map[string]any{"LoggingConfiguration": map[string]any{
		"ResourceArn": "arn:aws:waf::" + a + ":webacl/acl-global-1", "LogDestinationConfigs": []any{"arn:aws:firehose:us-east-1:" + a + ":deliverystream/aws-waf-logs-classic"}}})
	f.classicRules(a, "global", "waf", "global")
}

// classicRules gives an AWS WAF Classic service file a rule with one
// condition and a rule group with one rule.
func (f *fx) classicRules(a, r, svc, tag string) {
	f.set(a, r, svc, "ListRules", map[string]any{"Rules": []any{map[string]any{"RuleId": "rule-" + tag + "-1", "Name": "block-bad-ips"}}})
	f.setRes(a, r, svc, "GetRule", "rule-"+tag+"-1", map[string]any{"Rule": map[string]any{"RuleId": "rule-" + tag + "-1", "Name": "block-bad-ips",
		"Predicates": []any{map[string]any{"Negated": false, "Type": "IPMatch", "DataId": "ipset-1"}}}})
	f.set(a, r, svc, "ListRuleGroups", map[string]any{"RuleGroups": []any{map[string]any{"RuleGroupId": "group-" + tag + "-1", "Name": "baseline"}}})
	f.setRes(a, r, svc, "ListActivatedRulesInRuleGroup", "group-"+tag+"-1", map[string]any{"ActivatedRules": []any{
		map[string]any{"RuleId": "rule-" + tag + "-1", "Priority": 1, "Action": map[string]any{"Type": "BLOCK"}}}})
}

// wafv2ACL stores an AWS WAF web ACL with one rule and logging.
func (f *fx) wafv2ACL(a, r, svc, arn, name string) {
	f.set(a, r, svc, "ListWebACLs", &wafv2.ListWebACLsOutput{WebACLs: []wafv2types.WebACLSummary{{ARN: awsv2.String(arn), Name: awsv2.String(name),
		Id: awsv2.String(arn[len(arn)-36:])}}})
	f.setRes(a, r, svc, "GetWebACL", arn[len(arn)-36:], &wafv2.GetWebACLOutput{WebACL: &wafv2types.WebACL{ARN: awsv2.String(arn), Name: awsv2.String(name),
		Id: awsv2.String(arn[len(arn)-36:]), Rules: []wafv2types.Rule{{Name: awsv2.String("core"), Priority: 1,
			Statement: &wafv2types.Statement{ManagedRuleGroupStatement: &wafv2types.ManagedRuleGroupStatement{VendorName: awsv2.String("AWS"), Name: awsv2.String("AWSManagedRulesCommonRuleSet")}}}}}})
	f.setRes(a, r, svc, "GetLoggingConfiguration", arn, &wafv2.GetLoggingConfigurationOutput{LoggingConfiguration: &wafv2types.LoggingConfiguration{
		ResourceArn: awsv2.String(arn), LogDestinationConfigs: []string{"arn:aws:logs:us-east-1:" + a + ":log-group:aws-waf-logs-" + name}}})
}

// edgeRegion gives the region an AWS WAF REGIONAL web ACL "app" and the
// AWS WAF Classic Regional resources of edgeGlobal.
func (f *fx) edgeRegion(a, r string) {
	f.wafv2ACL(a, r, "wafv2", "arn:aws:wafv2:"+r+":"+a+":regional/webacl/app/22222222-aaaa-4bbb-8ccc-000000000002", "app")
	f.set(a, r, "wafregional", "ListWebACLs", map[string]any{"WebACLs": []any{map[string]any{"WebACLId": "acl-regional-1", "Name": "classic-regional"}}})
	f.setRes(a, r, "wafregional", "GetWebACL", "acl-regional-1", map[string]any{"WebACL": map[string]any{"WebACLId": "acl-regional-1", "Name": "classic-regional",
		"WebACLArn": "arn:aws:waf-regional:" + r + ":" + a + ":webacl/acl-regional-1", "DefaultAction": map[string]any{"Type": "ALLOW"},
		"Rules": []any{map[string]any{"RuleId": "rule-regional-1", "Priority": 1, "Type": "REGULAR", "Action": map[string]any{"Type": "BLOCK"}}}}})
	f.classicRules(a, r, "wafregional", "regional")
}

// Accessors for the mutations of the cases (the workload account).

func edgeDist(f *fx) *cftypes.DistributionConfig {
	return res[cloudfront.GetDistributionConfigOutput](f, acctW, "global", "cloudfront", "GetDistributionConfig", "E1EDGE").DistributionConfig
}

func edgeOrigin(f *fx, id string) *cftypes.Origin {
	for i, o := range edgeDist(f).Origins.Items {
		if *o.Id == id {
			return &edgeDist(f).Origins.Items[i]
		}
	}
	panic("no origin " + id)
}
