package collect

import (
	"context"
	"strings"

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

func init() {
	collectors["cloudfront"] = collectCloudFront
	collectors["wafv2"] = func(j *job) { collectWAFv2(j, wafv2types.ScopeRegional, "") }
	collectors["wafv2cloudfront"] = func(j *job) { collectWAFv2(j, wafv2types.ScopeCloudfront, edgeRegion(j.cfg.Region)) }
	collectors["waf"] = collectWAFGlobal
	collectors["wafregional"] = collectWAFRegional
}

// edgeRegion is the region that serves the edge (global) APIs of
// CloudFront and AWS WAF for the partition of region: us-east-1 in the
// commercial partition, cn-northwest-1 in China; other partitions keep
// their region.
func edgeRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "cn-northwest-1"
	case strings.HasPrefix(region, "us-gov-"), strings.HasPrefix(region, "us-iso"):
		return region
	}
	return "us-east-1"
}

// collectCloudFront reads the account's distributions and each one's
// configuration (the summary lacks the default root object and the
// logging settings).
func collectCloudFront(j *job) {
	c := cloudfront.NewFromConfig(j.cfg, func(o *cloudfront.Options) { o.Region = edgeRegion(j.cfg.Region) })
	ds := once(j, "ListDistributions", func(ctx context.Context) (*cloudfront.ListDistributionsOutput, error) {
		out := &cloudfront.ListDistributionsOutput{DistributionList: &cftypes.DistributionList{Items: []cftypes.DistributionSummary{}}}
		p := cloudfront.NewListDistributionsPaginator(c, &cloudfront.ListDistributionsInput{})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			if l := pg.DistributionList; l != nil {
				out.DistributionList.Items = append(out.DistributionList.Items, l.Items...)
			}
		}
		out.DistributionList.Quantity = aws.Int32(int32(len(out.DistributionList.Items)))
		out.DistributionList.IsTruncated = aws.Bool(false)
		return out, nil
	})
	if ds == nil || ds.DistributionList == nil {
		return
	}
	fanOut(j, ds.DistributionList.Items, func(d cftypes.DistributionSummary) {
		each(j, "GetDistributionConfig", aws.ToString(d.Id), func(ctx context.Context) (*cloudfront.GetDistributionConfigOutput, error) {
			return c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: d.Id})
		})
	})
}

// collectWAFv2 reads the web ACLs of one scope (REGIONAL in the job's
// region, CLOUDFRONT in the edge region), their rules and their logging
// configuration.
func collectWAFv2(j *job, scope wafv2types.Scope, region string) {
	c := wafv2.NewFromConfig(j.cfg, func(o *wafv2.Options) {
		if region != "" {
			o.Region = region
		}
	})
	acls := once(j, "ListWebACLs", func(ctx context.Context) (*wafv2.ListWebACLsOutput, error) {
		out := &wafv2.ListWebACLsOutput{WebACLs: []wafv2types.WebACLSummary{}}
		in := &wafv2.ListWebACLsInput{Scope: scope, Limit: aws.Int32(100)}
		for {
			pg, err := c.ListWebACLs(ctx, in)
			if err != nil {
				return nil, err
			}
			out.WebACLs = append(out.WebACLs, pg.WebACLs...)
			if aws.ToString(pg.NextMarker) == "" || len(pg.WebACLs) == 0 {
				return out, nil
			}
			in.NextMarker = pg.NextMarker
		}
	})
	if acls == nil {
		return
	}
	fanOut(j, acls.WebACLs, func(a wafv2types.WebACLSummary) {
		arn := aws.ToString(a.ARN)
		each(j, "GetWebACL", aws.ToString(a.Id), func(ctx context.Context) (*wafv2.GetWebACLOutput, error) {
			return c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: a.Name, Scope: scope, Id: a.Id})
		})
		each(j, "GetLoggingConfiguration", arn, func(ctx context.Context) (*wafv2.GetLoggingConfigurationOutput, error) {
			return c.GetLoggingConfiguration(ctx, &wafv2.GetLoggingConfigurationInput{ResourceArn: a.ARN})
		})
	})
}

// wafMarker pages an AWS WAF Classic list call (NextMarker, no SDK
// paginator) into one slice.
func wafMarker[T any](ctx context.Context, call func(ctx context.Context, marker *string) ([]T, *string, error)) ([]T, error) {
	all := []T{}
	var marker *string
	for {
		items, next, err := call(ctx, marker)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if aws.ToString(next) == "" || len(items) == 0 {
			return all, nil
		}
		marker = next
	}
}

// collectWAFGlobal reads AWS WAF Classic's global (CloudFront) web ACLs
// with their logging configuration, rules and rule groups.
func collectWAFGlobal(j *job) {
	c := waf.NewFromConfig(j.cfg, func(o *waf.Options) { o.Region = edgeRegion(j.cfg.Region) })
	acls := once(j, "ListWebACLs", func(ctx context.Context) (*waf.ListWebACLsOutput, error) {
		l, err := wafMarker(ctx, func(ctx context.Context, m *string) ([]waftypes.WebACLSummary, *string, error) {
			pg, err := c.ListWebACLs(ctx, &waf.ListWebACLsInput{Limit: 100, NextMarker: m})
			if err != nil {
				return nil, nil, err
			}
			return pg.WebACLs, pg.NextMarker, nil
		})
		return &waf.ListWebACLsOutput{WebACLs: l}, err
	})
	rules := once(j, "ListRules", func(ctx context.Context) (*waf.ListRulesOutput, error) {
		l, err := wafMarker(ctx, func(ctx context.Context, m *string) ([]waftypes.RuleSummary, *string, error) {
			pg, err := c.ListRules(ctx, &waf.ListRulesInput{Limit: 100, NextMarker: m})
			if err != nil {
				return nil, nil, err
			}
			return pg.Rules, pg.NextMarker, nil
		})
		return &waf.ListRulesOutput{Rules: l}, err
	})
	groups := once(j, "ListRuleGroups", func(ctx context.Context) (*waf.ListRuleGroupsOutput, error) {
		l, err := wafMarker(ctx, func(ctx context.Context, m *string) ([]waftypes.RuleGroupSummary, *string, error) {
			pg, err := c.ListRuleGroups(ctx, &waf.ListRuleGroupsInput{Limit: 100, NextMarker: m})
			if err != nil {
				return nil, nil, err
			}
			return pg.RuleGroups, pg.NextMarker, nil
		})
		return &waf.ListRuleGroupsOutput{RuleGroups: l}, err
	})
	if acls != nil {
		fanOut(j, acls.WebACLs, func(a waftypes.WebACLSummary) {
			id := aws.ToString(a.WebACLId)
			acl := each(j, "GetWebACL", id, func(ctx context.Context) (*waf.GetWebACLOutput, error) {
				return c.GetWebACL(ctx, &waf.GetWebACLInput{WebACLId: a.WebACLId})
			})
			if acl == nil || acl.WebACL == nil || acl.WebACL.WebACLArn == nil {
				return
			}
			each(j, "GetLoggingConfiguration", id, func(ctx context.Context) (*waf.GetLoggingConfigurationOutput, error) {
				return c.GetLoggingConfiguration(ctx, &waf.GetLoggingConfigurationInput{ResourceArn: acl.WebACL.WebACLArn})
			})
		})
	}
	if rules != nil {
		fanOut(j, rules.Rules, func(r waftypes.RuleSummary) {
			each(j, "GetRule", aws.ToString(r.RuleId), func(ctx context.Context) (*waf.GetRuleOutput, error) {
				return c.GetRule(ctx, &waf.GetRuleInput{RuleId: r.RuleId})
			})
		})
	}
	if groups != nil {
		fanOut(j, groups.RuleGroups, func(g waftypes.RuleGroupSummary) {
			each(j, "ListActivatedRulesInRuleGroup", aws.ToString(g.RuleGroupId), func(ctx context.Context) (*waf.ListActivatedRulesInRuleGroupOutput, error) {
				l, err := wafMarker(ctx, func(ctx context.Context, m *string) ([]waftypes.ActivatedRule, *string, error) {
					pg, err := c.ListActivatedRulesInRuleGroup(ctx, &waf.ListActivatedRulesInRuleGroupInput{RuleGroupId: g.RuleGroupId, Limit: 100, NextMarker: m})
					if err != nil {
						return nil, nil, err
					}
					return pg.ActivatedRules, pg.NextMarker, nil
				})
				return &waf.ListActivatedRulesInRuleGroupOutput{ActivatedRules: l}, err
			})
		})
	}
}

// collectWAFRegional reads AWS WAF Classic Regional's web ACLs, rules
// and rule groups of the job's region.
func collectWAFRegional(j *job) {
	c := wafregional.NewFromConfig(j.cfg)
	acls := once(j, "ListWebACLs", func(ctx context.Context) (*wafregional.ListWebACLsOutput, error) {
		l, err := wafMarker(ctx, func(ctx context.Context, m *string) ([]wafrtypes.WebACLSummary, *string, error) {
			pg, err := c.ListWebACLs(ctx, &wafregional.ListWebACLsInput{Limit: 100, NextMarker: m})
			if err != nil {
				return nil, nil, err
			}
			return pg.WebACLs, pg.NextMarker, nil
		})
		return &wafregional.ListWebACLsOutput{WebACLs: l}, err
	})
	rules := once(j, "ListRules", func(ctx context.Context) (*wafregional.ListRulesOutput, error) {
		l, err := wafMarker(ctx, func(ctx context.Context, m *string) ([]wafrtypes.RuleSummary, *string, error) {
			pg, err := c.ListRules(ctx, &wafregional.ListRulesInput{Limit: 100, NextMarker: m})
			if err != nil {
				return nil, nil, err
			}
			return pg.Rules, pg.NextMarker, nil
		})
		return &wafregional.ListRulesOutput{Rules: l}, err
	})
	groups := once(j, "ListRuleGroups", func(ctx context.Context) (*wafregional.ListRuleGroupsOutput, error) {
		l, err := wafMarker(ctx, func(ctx context.Context, m *string) ([]wafrtypes.RuleGroupSummary, *string, error) {
			pg, err := c.ListRuleGroups(ctx, &wafregional.ListRuleGroupsInput{Limit: 100, NextMarker: m})
			if err != nil {
				return nil, nil, err
			}
			return pg.RuleGroups, pg.NextMarker, nil
		})
		return &wafregional.ListRuleGroupsOutput{RuleGroups: l}, err
	})
	if acls != nil {
		fanOut(j, acls.WebACLs, func(a wafrtypes.WebACLSummary) {
			each(j, "GetWebACL", aws.ToString(a.WebACLId), func(ctx context.Context) (*wafregional.GetWebACLOutput, error) {
				return c.GetWebACL(ctx, &wafregional.GetWebACLInput{WebACLId: a.WebACLId})
			})
		})
	}
	if rules != nil {
		fanOut(j, rules.Rules, func(r wafrtypes.RuleSummary) {
			each(j, "GetRule", aws.ToString(r.RuleId), func(ctx context.Context) (*wafregional.GetRuleOutput, error) {
				return c.GetRule(ctx, &wafregional.GetRuleInput{RuleId: r.RuleId})
			})
		})
	}
	if groups != nil {
		fanOut(j, groups.RuleGroups, func(g wafrtypes.RuleGroupSummary) {
			each(j, "ListActivatedRulesInRuleGroup", aws.ToString(g.RuleGroupId), func(ctx context.Context) (*wafregional.ListActivatedRulesInRuleGroupOutput, error) {
				l, err := wafMarker(ctx, func(ctx context.Context, m *string) ([]wafrtypes.ActivatedRule, *string, error) {
					pg, err := c.ListActivatedRulesInRuleGroup(ctx, &wafregional.ListActivatedRulesInRuleGroupInput{RuleGroupId: g.RuleGroupId, Limit: 100, NextMarker: m})
					if err != nil {
						return nil, nil, err
					}
					return pg.ActivatedRules, pg.NextMarker, nil
				})
				return &wafregional.ListActivatedRulesInRuleGroupOutput{ActivatedRules: l}, err
			})
		})
	}
}
