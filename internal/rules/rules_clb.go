package rules

import (
	"fmt"
	"strings"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const typeELBLoadBalancer = "AWS::ElasticLoadBalancing::LoadBalancer"

func init() {
	clb := func(id, title string, sev severity.Level, rationale, remediation string, m findings.Mappings, check func(*Ctx) error) *Rule {
		return &Rule{ID: id, Title: title, Severity: sev, Scope: ScopeRegion, ResourceType: typeELBLoadBalancer, Services: []string{"elb"},
			Rationale: rationale, Remediation: remediation, Mappings: m, check: check}
	}
	register(
		clb("elb.clb-acm-certificate", "Classic Load Balancers use certificates from ACM", severity.Medium,
			"A certificate uploaded to IAM is renewed by nobody; ACM certificates are renewed and rotated by AWS.",
			"Request or import the certificate in ACM and set it on the SSL/HTTPS listeners (aws elb set-load-balancer-listener-ssl-certificate).",
			findings.Mappings{ConfigRule: "ELB_ACM_CERTIFICATE_REQUIRED", SecurityHub: "ELB.2", NistCsf: "PR.DS"}, checkCLBACM),
		clb("elb.clb-tls-listeners", "Classic Load Balancers listen only with HTTPS or SSL", severity.Medium,
			"An HTTP or TCP listener carries the traffic between clients and the load balancer in clear text.",
			"Replace HTTP and TCP listeners with HTTPS or SSL listeners that carry a certificate.",
			findings.Mappings{ConfigRule: "ELB_TLS_HTTPS_LISTENERS_ONLY", SecurityHub: "ELB.3", NistCsf: "PR.DS"}, checkCLBTLS),
		clb("elb.clb-connection-draining", "Classic Load Balancers drain connections", severity.Low,
			"Without connection draining, requests in flight fail whenever an instance is deregistered or turns unhealthy.",
			"Enable connection draining on the load balancer (aws elb modify-load-balancer-attributes, ConnectionDraining).",
			findings.Mappings{SecurityHub: "ELB.7", NistCsf: "PR.IR"}, checkCLBDraining),
		clb("elb.clb-cross-zone", "Classic Load Balancers balance across zones", severity.Medium,
			"Without cross-zone load balancing, each zone's nodes send traffic only to their zone's instances, which overloads the smaller zone.",
			"Enable cross-zone load balancing on the load balancer (aws elb modify-load-balancer-attributes, CrossZoneLoadBalancing).",
			findings.Mappings{ConfigRule: "ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED", SecurityHub: "ELB.9", NistCsf: "PR.IR"}, checkCLBCrossZone),
		clb("elb.clb-multi-az", "Classic Load Balancers span at least two Availability Zones", severity.Medium,
			"A load balancer in one Availability Zone fails with that zone.",
			"Enable a second Availability Zone (or attach a subnet of one) on the load balancer.",
			findings.Mappings{ConfigRule: "CLB_MULTIPLE_AZ", SecurityHub: "ELB.10", NistCsf: "PR.IR"}, checkCLBMultiAZ),
		clb("elb.clb-desync-mitigation", "Classic Load Balancers mitigate HTTP desync (defensive or strictest)", severity.Medium,
			"In monitor mode the load balancer forwards ambiguous requests that let an attacker smuggle a request past it (HTTP desync).",
			"Set the additional attribute elb.http.desyncmitigationmode to defensive or strictest.",
			findings.Mappings{ConfigRule: "CLB_DESYNC_MODE_CHECK", SecurityHub: "ELB.14", NistCsf: "PR.PS"}, checkCLBDesync),
	)
}

func clbARN(c *Ctx, name string) string {
	return c.arn("elasticloadbalancing", c.Region, c.Account.Id, "loadbalancer/"+name)
}

// eachClassic runs fn on the region's Classic Load Balancers; na says
// whether "none in the region" is reported.
func eachClassic(c *Ctx, na bool, fn func(arn, name string, lb *elbtypes.LoadBalancerDescription)) (int, error) {
	out, err := get[elb.DescribeLoadBalancersOutput](c.v, c.Region, "elb", "DescribeLoadBalancers")
	if err != nil {
		return 0, err
	}
	if na && len(out.LoadBalancerDescriptions) == 0 {
		c.NA("", "no Classic Load Balancers in %s", c.Region)
	}
	for i := range out.LoadBalancerDescriptions {
		lb := &out.LoadBalancerDescriptions[i]
		name := aws(lb.LoadBalancerName)
		fn(clbARN(c, name), name, lb)
	}
	return len(out.LoadBalancerDescriptions), nil
}

func classicAttrs(c *Ctx, name string) (*elbtypes.LoadBalancerAttributes, error) {
	out, err := getRes[elb.DescribeLoadBalancerAttributesOutput](c.v, c.Region, "elb", "DescribeLoadBalancerAttributes", name)
	if err != nil {
		return nil, err
	}
	if out.LoadBalancerAttributes == nil {
		return &elbtypes.LoadBalancerAttributes{}, nil
	}
	return out.LoadBalancerAttributes, nil
}

// classicAttrCheck judges each load balancer by its attributes.
func classicAttrCheck(c *Ctx, judge func(name string, a *elbtypes.LoadBalancerAttributes) (bool, string)) error {
	_, err := eachClassic(c, true, func(arn, name string, _ *elbtypes.LoadBalancerDescription) {
		a, err := classicAttrs(c, name)
		if err != nil {
			c.Err(arn, err)
			return
		}
		ok, msg := judge(name, a)
		c.Check(ok, arn, msg, msg)
	})
	return err
}

func secureListener(p string) bool {
	return strings.EqualFold(p, "HTTPS") || strings.EqualFold(p, "SSL")
}

func checkCLBACM(c *Ctx) error {
	_, err := eachClassic(c, true, func(arn, name string, lb *elbtypes.LoadBalancerDescription) {
		tls, bad := 0, []string{}
		for _, ld := range lb.ListenerDescriptions {
			l := ld.Listener
			if l == nil || !secureListener(aws(l.Protocol)) {
				continue
			}
			tls++
			if !strings.Contains(aws(l.SSLCertificateId), ":acm:") {
				bad = append(bad, fmt.Sprintf("%s:%d (%s)", aws(l.Protocol), l.LoadBalancerPort, nonEmpty(aws(l.SSLCertificateId), "no certificate")))
			}
		}
		switch {
		case tls == 0:
			c.NA(arn, "load balancer %s has no SSL or HTTPS listener", name)
		case len(bad) > 0:
			c.Fail(arn, "load balancer %s: listeners with a certificate not from ACM: %v", name, bad)
		default:
			c.Pass(arn, "load balancer %s uses ACM certificates", name)
		}
	})
	return err
}

func checkCLBTLS(c *Ctx) error {
	_, err := eachClassic(c, true, func(arn, name string, lb *elbtypes.LoadBalancerDescription) {
		var plain []string
		n := 0
		for _, ld := range lb.ListenerDescriptions {
			if ld.Listener == nil {
				continue
			}
			n++
			if !secureListener(aws(ld.Listener.Protocol)) {
				plain = append(plain, fmt.Sprintf("%s:%d", aws(ld.Listener.Protocol), ld.Listener.LoadBalancerPort))
			}
		}
		switch {
		case n == 0:
			c.NA(arn, "load balancer %s has no listener", name)
		case len(plain) > 0:
			c.Fail(arn, "load balancer %s has listeners without TLS: %v", name, plain)
		default:
			c.Pass(arn, "load balancer %s listens only with HTTPS or SSL", name)
		}
	})
	return err
}

func checkCLBDraining(c *Ctx) error {
	return classicAttrCheck(c, func(name string, a *elbtypes.LoadBalancerAttributes) (bool, string) {
		on := a.ConnectionDraining != nil && a.ConnectionDraining.Enabled
		return on, fmt.Sprintf("load balancer %s: connection draining %s", name, onOff(on))
	})
}

func checkCLBCrossZone(c *Ctx) error {
	return classicAttrCheck(c, func(name string, a *elbtypes.LoadBalancerAttributes) (bool, string) {
		on := a.CrossZoneLoadBalancing != nil && a.CrossZoneLoadBalancing.Enabled
		return on, fmt.Sprintf("load balancer %s: cross-zone load balancing %s", name, onOff(on))
	})
}

func checkCLBDesync(c *Ctx) error {
	return classicAttrCheck(c, func(name string, a *elbtypes.LoadBalancerAttributes) (bool, string) {
		mode := ""
		for _, x := range a.AdditionalAttributes {
			if aws(x.Key) == "elb.http.desyncmitigationmode" {
				mode = aws(x.Value)
			}
		}
		// AWS's default, when the attribute is not returned, is defensive.
		return mode == "" || mode == "defensive" || mode == "strictest",
			fmt.Sprintf("load balancer %s: desync mitigation mode %s", name, nonEmpty(mode, "defensive (default)"))
	})
}

func checkCLBMultiAZ(c *Ctx) error {
	_, err := eachClassic(c, true, func(arn, name string, lb *elbtypes.LoadBalancerDescription) {
		n := len(lb.AvailabilityZones)
		c.Check(n >= 2, arn, fmt.Sprintf("load balancer %s spans %d Availability Zones", name, n),
			fmt.Sprintf("load balancer %s spans %d Availability Zone(s), fewer than 2", name, n))
	})
	return err
}

func onOff(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

// classicLogging judges the access logs of the region's Classic Load
// Balancers (part of ELB_LOGGING_ENABLED) and returns how many there are.
func classicLogging(c *Ctx) (int, error) {
	return eachClassic(c, false, func(arn, name string, _ *elbtypes.LoadBalancerDescription) {
		a, err := classicAttrs(c, name)
		if err != nil {
			c.Err(arn, err)
			return
		}
		if a.AccessLog != nil && a.AccessLog.Enabled && aws(a.AccessLog.S3BucketName) != "" {
			c.Pass(arn, "load balancer %s writes access logs to s3://%s", name, aws(a.AccessLog.S3BucketName))
			return
		}
		c.Fail(arn, "load balancer %s does not write access logs", name)
	})
}
