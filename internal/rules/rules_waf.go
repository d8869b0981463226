package rules

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
)

const (
	typeWAFv2WebACL          = "AWS::WAFv2::WebACL"
	typeWAFWebACL            = "AWS::WAF::WebACL"
	typeWAFRule              = "AWS::WAF::Rule"
	typeWAFRuleGroup         = "AWS::WAF::RuleGroup"
	typeWAFRegionalWebACL    = "AWS::WAFRegional::WebACL"
	typeWAFRegionalRule      = "AWS::WAFRegional::Rule"
	typeWAFRegionalRuleGroup = "AWS::WAFRegional::RuleGroup"
)

func init() {
	register(
		&Rule{ID: "wafv2.webacl-not-empty", Title: "AWS WAF web ACLs have at least one rule or rule group", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeWAFv2WebACL, Services: []string{"wafv2", "wafv2cloudfront"},
			Reads:       []string{"wafv2:ListWebACLs", "wafv2:GetWebACL", "wafv2cloudfront:ListWebACLs", "wafv2cloudfront:GetWebACL"},
			Rationale:   "An empty web ACL inspects nothing: every request gets the default action, so the resources it protects are unfiltered.",
			Remediation: "Add rules or rule groups (for example the AWS managed core rule set) to the web ACL, or remove the web ACL.",
			Mappings:    findings.Mappings{ConfigRule: "WAFV2_WEBACL_NOT_EMPTY", SecurityHub: "WAF.10", NistCsf: "PR.IR"},
			check:       checkWAFv2NotEmpty},
		&Rule{ID: "wafv2.logging-enabled", Title: "AWS WAF web ACLs have logging", Severity: severity.Low,
			Scope: ScopeAccount, ResourceType: typeWAFv2WebACL, Services: []string{"wafv2", "wafv2cloudfront"},
			Reads:       []string{"wafv2:ListWebACLs", "wafv2:GetLoggingConfiguration", "wafv2cloudfront:ListWebACLs", "wafv2cloudfront:GetLoggingConfiguration"},
			Rationale:   "Without web ACL logs, the requests AWS WAF blocked or let through cannot be analysed after an attack.",
			Remediation: "Turn on logging for the web ACL to CloudWatch Logs, S3 or Firehose (aws wafv2 put-logging-configuration).",
			Mappings:    findings.Mappings{ConfigRule: "WAFV2_LOGGING_ENABLED", SecurityHub: "WAF.11", NistCsf: "DE.CM"},
			check:       checkWAFv2Logging},
		&Rule{ID: "waf.global-logging-enabled", Title: "AWS WAF Classic global web ACLs have logging", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeWAFWebACL, Services: []string{"waf"},
			Reads:       []string{"waf:ListWebACLs", "waf:GetLoggingConfiguration"},
			Rationale:   "Without web ACL logs, the requests AWS WAF Classic blocked or let through cannot be analysed after an attack.",
			Remediation: "Turn on logging for the web ACL to a Kinesis Data Firehose stream (aws waf put-logging-configuration), or migrate to AWS WAF.",
			Mappings:    findings.Mappings{ConfigRule: "WAF_CLASSIC_LOGGING_ENABLED", SecurityHub: "WAF.1", NistCsf: "DE.CM"},
			check:       checkWAFClassicLogging},
		&Rule{ID: "waf.global-rule-not-empty", Title: "AWS WAF Classic global rules have at least one condition", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeWAFRule, Services: []string{"waf"},
			Reads:       []string{"waf:ListRules", "waf:GetRule"},
			Rationale:   "A rule without conditions matches nothing, so the traffic it was meant to inspect passes unchecked.",
			Remediation: "Add conditions (IP, string match, SQL injection, ...) to the rule, or delete it.",
			Mappings:    findings.Mappings{ConfigRule: "WAF_GLOBAL_RULE_NOT_EMPTY", SecurityHub: "WAF.6", NistCsf: "PR.IR"},
			check:       func(c *Ctx) error { return checkWAFClassicRules(c, classicGlobal) }},
		&Rule{ID: "waf.global-rulegroup-not-empty", Title: "AWS WAF Classic global rule groups have at least one rule", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeWAFRuleGroup, Services: []string{"waf"},
			Reads:       []string{"waf:ListRuleGroups", "waf:ListActivatedRulesInRuleGroup"},
			Rationale:   "An empty rule group inspects nothing while looking like protection in the web ACLs that use it.",
			Remediation: "Add rules to the rule group, or delete it.",
			Mappings:    findings.Mappings{ConfigRule: "WAF_GLOBAL_RULEGROUP_NOT_EMPTY", SecurityHub: "WAF.7", NistCsf: "PR.IR"},
			check:       func(c *Ctx) error { return checkWAFClassicGroups(c, classicGlobal) }},
		&Rule{ID: "waf.global-webacl-not-empty", Title: "AWS WAF Classic global web ACLs have at least one rule or rule group", Severity: severity.Medium,
			Scope: ScopeAccount, ResourceType: typeWAFWebACL, Services: []string{"waf"},
			Reads:       []string{"waf:ListWebACLs", "waf:GetWebACL"},
			Rationale:   "An empty web ACL inspects nothing: every request gets the default action.",
			Remediation: "Add rules or rule groups to the web ACL, or remove it.",
			Mappings:    findings.Mappings{ConfigRule: "WAF_GLOBAL_WEBACL_NOT_EMPTY", SecurityHub: "WAF.8", NistCsf: "PR.IR"},
			check:       func(c *Ctx) error { return checkWAFClassicACLs(c, classicGlobal) }},
		&Rule{ID: "waf.regional-rule-not-empty", Title: "AWS WAF Classic Regional rules have at least one condition", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeWAFRegionalRule, Services: []string{"wafregional"},
			Reads:       []string{"wafregional:ListRules", "wafregional:GetRule"},
			Rationale:   "A rule without conditions matches nothing, so the traffic it was meant to inspect passes unchecked.",
			Remediation: "Add conditions to the rule, or delete it.",
			Mappings:    findings.Mappings{ConfigRule: "WAF_REGIONAL_RULE_NOT_EMPTY", SecurityHub: "WAF.2", NistCsf: "PR.IR"},
			check:       func(c *Ctx) error { return checkWAFClassicRules(c, classicRegional) }},
		&Rule{ID: "waf.regional-rulegroup-not-empty", Title: "AWS WAF Classic Regional rule groups have at least one rule", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeWAFRegionalRuleGroup, Services: []string{"wafregional"},
			Reads:       []string{"wafregional:ListRuleGroups", "wafregional:ListActivatedRulesInRuleGroup"},
			Rationale:   "An empty rule group inspects nothing while looking like protection in the web ACLs that use it.",
			Remediation: "Add rules to the rule group, or delete it.",
			Mappings:    findings.Mappings{ConfigRule: "WAF_REGIONAL_RULEGROUP_NOT_EMPTY", SecurityHub: "WAF.3", NistCsf: "PR.IR"},
			check:       func(c *Ctx) error { return checkWAFClassicGroups(c, classicRegional) }},
		&Rule{ID: "waf.regional-webacl-not-empty", Title: "AWS WAF Classic Regional web ACLs have at least one rule or rule group", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeWAFRegionalWebACL, Services: []string{"wafregional"},
			Reads:       []string{"wafregional:ListWebACLs", "wafregional:GetWebACL"},
			Rationale:   "An empty web ACL inspects nothing: every request gets the default action.",
			Remediation: "Add rules or rule groups to the web ACL, or remove it.",
			Mappings:    findings.Mappings{ConfigRule: "WAF_REGIONAL_WEBACL_NOT_EMPTY", SecurityHub: "WAF.4", NistCsf: "PR.IR"},
			check:       func(c *Ctx) error { return checkWAFClassicACLs(c, classicRegional) }},
	)
}

// wafv2Source is where web ACLs of one scope are stored: CLOUDFRONT in
// the global wafv2cloudfront file (findings in region "global"),
// REGIONAL in each region's wafv2 file.
type wafv2Source struct{ region, service string }

// eachWebACLv2 runs fn on every web ACL of the account, CloudFront scope
// first, then each evaluated region. A region whose listing is missing
// gives an ERROR finding in that region; the others are still judged.
func eachWebACLv2(c *Ctx, fn func(src wafv2Source, arn, id, name string)) error {
	srcs := []wafv2Source{{snapshot.Global, "wafv2cloudfront"}}
	for _, r := range c.regions() {
		srcs = append(srcs, wafv2Source{r, "wafv2"})
	}
	n, errs := 0, 0
	for _, src := range srcs {
		out, err := get[wafv2.ListWebACLsOutput](c.v, src.region, src.service, "ListWebACLs")
		if err != nil {
			errs++
			c.emitIn(src.region, findings.Error, "", "%v", err)
			continue
		}
		for _, a := range out.WebACLs {
			n++
			arn := aws(a.ARN)
			saved := c.Region
			c.Region = src.region
			fn(src, arn, aws(a.Id), aws(a.Name))
			c.Region = saved
		}
	}
	if n == 0 && errs == 0 {
		c.NA("", "no AWS WAF web ACLs")
	}
	return nil
}

func checkWAFv2NotEmpty(c *Ctx) error {
	return eachWebACLv2(c, func(src wafv2Source, arn, id, name string) {
		out, err := getRes[wafv2.GetWebACLOutput](c.v, src.region, src.service, "GetWebACL", id)
		if err != nil {
			if code, ok := benign(err); ok && code == "WAFNonexistentItemException" {
				return // deleted between the listing and the read
			}
			c.Err(arn, err)
			return
		}
		if out.WebACL == nil {
			c.Err(arn, fmt.Errorf("GetWebACL of %s has no WebACL", arn))
			return
		}
		w := out.WebACL
		n := len(w.Rules) + len(w.PreProcessFirewallManagerRuleGroups) + len(w.PostProcessFirewallManagerRuleGroups)
		c.Check(n > 0, arn, fmt.Sprintf("web ACL %s has %d rules or rule groups", name, n), "web ACL "+name+" has no rules or rule groups")
	})
}

func checkWAFv2Logging(c *Ctx) error {
	return eachWebACLv2(c, func(src wafv2Source, arn, _, name string) {
		out, err := getRes[wafv2.GetLoggingConfigurationOutput](c.v, src.region, src.service, "GetLoggingConfiguration", arn)
		if err != nil {
			if code, ok := benign(err); ok && code == "WAFNonexistentItemException" {
				c.Fail(arn, "web ACL %s has no logging configuration", name)
				return
			}
			c.Err(arn, err)
			return
		}
		ok := out.LoggingConfiguration != nil && len(out.LoggingConfiguration.LogDestinationConfigs) > 0
		c.Check(ok, arn, "web ACL "+name+" logs its traffic", "web ACL "+name+" has a logging configuration without a destination")
	})
}

// AWS WAF Classic (global: service waf; regional: wafregional) share one
// API, so their outputs are decoded into these local shapes, which name
// the members the rules read.
type (
	wafcWebACLs struct {
		WebACLs []struct{ WebACLId, Name *string }
	}
	wafcWebACL struct {
		WebACL *struct {
			WebACLId, Name, WebACLArn *string
			Rules                     []struct{ RuleId, Type *string }
		}
	}
	wafcRules struct {
		Rules []struct{ RuleId, Name *string }
	}
	wafcRule struct {
		Rule *struct {
			RuleId, Name *string
			Predicates   []struct{ DataId, Type *string }
		}
	}
	wafcRuleGroups struct {
		RuleGroups []struct{ RuleGroupId, Name *string }
	}
	wafcActivated struct {
		ActivatedRules []struct{ RuleId *string }
	}
	wafcLogging struct {
		LoggingConfiguration *struct {
			ResourceArn           *string
			LogDestinationConfigs []string
		}
	}
)

// wafClassic says where one flavor of AWS WAF Classic is stored and how
// its ARNs are formed.
type wafClassic struct {
	service, arnService string
	global              bool
}

var (
	classicGlobal   = wafClassic{service: "waf", arnService: "waf", global: true}
	classicRegional = wafClassic{service: "wafregional", arnService: "waf-regional"}
)

func (w wafClassic) region(c *Ctx) string {
	if w.global {
		return snapshot.Global
	}
	return c.Region
}

func (w wafClassic) arn(c *Ctx, kind, id string) string {
	region := ""
	if !w.global {
		region = c.Region
	}
	return c.arn(w.arnService, region, c.Account.Id, kind+"/"+id)
}

// notFound reports whether err says the item was deleted after the
// listing (it is then skipped); any other error is an ERROR finding.
func wafGone(c *Ctx, arn string, err error) {
	if code, ok := benign(err); ok && code == "WAFNonexistentItemException" {
		return
	}
	c.Err(arn, err)
}

func checkWAFClassicACLs(c *Ctx, w wafClassic) error {
	out, err := get[wafcWebACLs](c.v, w.region(c), w.service, "ListWebACLs")
	if err != nil {
		return err
	}
	if len(out.WebACLs) == 0 {
		c.NA("", "no AWS WAF Classic web ACLs")
	}
	for _, a := range out.WebACLs {
		id := aws(a.WebACLId)
		arn := w.arn(c, "webacl", id)
		acl, err := getRes[wafcWebACL](c.v, w.region(c), w.service, "GetWebACL", id)
		if err != nil {
			wafGone(c, arn, err)
			continue
		}
		if acl.WebACL == nil {
			c.Err(arn, fmt.Errorf("GetWebACL of %s has no WebACL", id))
			continue
		}
		arn = nonEmpty(aws(acl.WebACL.WebACLArn), arn)
		c.Check(len(acl.WebACL.Rules) > 0, arn, fmt.Sprintf("web ACL %s has %d rules or rule groups", aws(a.Name), len(acl.WebACL.Rules)),
			"web ACL "+aws(a.Name)+" has no rules or rule groups")
	}
	return nil
}

func checkWAFClassicRules(c *Ctx, w wafClassic) error {
	out, err := get[wafcRules](c.v, w.region(c), w.service, "ListRules")
	if err != nil {
		return err
	}
	if len(out.Rules) == 0 {
		c.NA("", "no AWS WAF Classic rules")
	}
	for _, r := range out.Rules {
		id := aws(r.RuleId)
		arn := w.arn(c, "rule", id)
		rule, err := getRes[wafcRule](c.v, w.region(c), w.service, "GetRule", id)
		if err != nil {
			wafGone(c, arn, err)
			continue
		}
		n := 0
		if rule.Rule != nil {
			n = len(rule.Rule.Predicates)
		}
		c.Check(n > 0, arn, fmt.Sprintf("rule %s has %d conditions", aws(r.Name), n), "rule "+aws(r.Name)+" has no conditions")
	}
	return nil
}

func checkWAFClassicGroups(c *Ctx, w wafClassic) error {
	out, err := get[wafcRuleGroups](c.v, w.region(c), w.service, "ListRuleGroups")
	if err != nil {
		return err
	}
	if len(out.RuleGroups) == 0 {
		c.NA("", "no AWS WAF Classic rule groups")
	}
	for _, g := range out.RuleGroups {
		id := aws(g.RuleGroupId)
		arn := w.arn(c, "rulegroup", id)
		act, err := getRes[wafcActivated](c.v, w.region(c), w.service, "ListActivatedRulesInRuleGroup", id)
		if err != nil {
			wafGone(c, arn, err)
			continue
		}
		c.Check(len(act.ActivatedRules) > 0, arn, fmt.Sprintf("rule group %s has %d rules", aws(g.Name), len(act.ActivatedRules)),
			"rule group "+aws(g.Name)+" has no rules")
	}
	return nil
}

func checkWAFClassicLogging(c *Ctx) error {
	w := classicGlobal
	out, err := get[wafcWebACLs](c.v, w.region(c), w.service, "ListWebACLs")
	if err != nil {
		return err
	}
	if len(out.WebACLs) == 0 {
		c.NA("", "no AWS WAF Classic global web ACLs")
	}
	for _, a := range out.WebACLs {
		id := aws(a.WebACLId)
		arn := w.arn(c, "webacl", id)
		lc, err := getRes[wafcLogging](c.v, w.region(c), w.service, "GetLoggingConfiguration", id)
		if err != nil {
			if code, ok := benign(err); ok && code == "WAFNonexistentItemException" {
				c.Fail(arn, "web ACL %s has no logging configuration", aws(a.Name))
				continue
			}
			c.Err(arn, err)
			continue
		}
		ok := lc.LoggingConfiguration != nil && len(lc.LoggingConfiguration.LogDestinationConfigs) > 0
		c.Check(ok, arn, "web ACL "+aws(a.Name)+" logs to a Firehose stream", "web ACL "+aws(a.Name)+" has a logging configuration without a destination")
	}
	return nil
}
