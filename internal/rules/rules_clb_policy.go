package rules

import (
	"fmt"
	"strings"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// clbStrongPolicy is the predefined security policy Security Hub's ELB.8
// sets as the Config rule's predefinedPolicyName: TLS 1.2 only.
const clbStrongPolicy = "ELBSecurityPolicy-TLS-1-2-2017-01"

func init() {
	register(&Rule{ID: "elb.clb-predefined-tls-policy", Title: "Classic Load Balancer SSL/HTTPS listeners use the predefined policy " + clbStrongPolicy, Severity: severity.Medium,
		Scope: ScopeRegion, ResourceType: typeELBLoadBalancer, Services: []string{"elb"},
		Reads:       []string{"elb:DescribeLoadBalancers", "elb:DescribeLoadBalancerPolicies"},
		Rationale:   "An older or custom SSL negotiation policy lets clients negotiate TLS 1.0/1.1 and weak ciphers with the load balancer.",
		Remediation: "Create an SSLNegotiationPolicyType policy whose Reference-Security-Policy is " + clbStrongPolicy + " and set it on each SSL/HTTPS listener (aws elb set-load-balancer-policies-of-listener).",
		Mappings:    findings.Mappings{ConfigRule: "ELB_PREDEFINED_SECURITY_POLICY_SSL_CHECK", SecurityHub: "ELB.8", NistCsf: "PR.DS"},
		check:       checkCLBPredefinedPolicy})
}

// clbReferencePolicy returns the predefined policy an SSL negotiation
// policy copies ("" for a custom policy), and whether the policy is an
// SSL negotiation policy at all.
func clbReferencePolicy(p elbtypes.PolicyDescription) (string, bool) {
	if aws(p.PolicyTypeName) != "SSLNegotiationPolicyType" {
		return "", false
	}
	for _, a := range p.PolicyAttributeDescriptions {
		if aws(a.AttributeName) == "Reference-Security-Policy" {
			return aws(a.AttributeValue), true
		}
	}
	return "", true
}

func checkCLBPredefinedPolicy(c *Ctx) error {
	_, err := eachClassic(c, true, func(arn, name string, lb *elbtypes.LoadBalancerDescription) {
		var secure []elbtypes.ListenerDescription
		for _, ld := range lb.ListenerDescriptions {
			if ld.Listener != nil && secureListener(aws(ld.Listener.Protocol)) {
				secure = append(secure, ld)
			}
		}
		if len(secure) == 0 {
			c.NA(arn, "load balancer %s has no SSL or HTTPS listener", name)
			return
		}
		out, err := getRes[elb.DescribeLoadBalancerPoliciesOutput](c.v, c.Region, "elb", "DescribeLoadBalancerPolicies", name)
		if err != nil {
			if code, ok := benign(err); ok && code == "LoadBalancerNotFound" {
				return // deleted while collecting
			}
			c.Err(arn, err)
			return
		}
		policies := map[string]elbtypes.PolicyDescription{}
		for _, p := range out.PolicyDescriptions {
			policies[aws(p.PolicyName)] = p
		}
		var bad []string
		for _, ld := range secure {
			l := ld.Listener
			ref, found := "", false
			for _, pn := range ld.PolicyNames {
				if r, ssl := clbReferencePolicy(policies[pn]); ssl {
					ref, found = r, true
					break
				}
			}
			where := fmt.Sprintf("%s:%d", aws(l.Protocol), l.LoadBalancerPort)
			switch {
			case !found:
				bad = append(bad, where+" (no SSL negotiation policy)")
			case ref == "":
				bad = append(bad, where+" (a custom policy)")
			case ref != clbStrongPolicy:
				bad = append(bad, where+" ("+ref+")")
			}
		}
		if len(bad) > 0 {
			c.Fail(arn, "load balancer %s: listeners not on %s: %s", name, clbStrongPolicy, strings.Join(bad, ", "))
			return
		}
		c.Pass(arn, "load balancer %s: every SSL/HTTPS listener uses %s", name, clbStrongPolicy)
	})
	return err
}
