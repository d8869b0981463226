package rules

import (
	"fmt"
	"math"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeELBv2LoadBalancer = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	typeACMCertificate    = "AWS::ACM::Certificate"
	// acmExpiryDays is the daysToExpiration default of the Config rule
	// ACM_CERTIFICATE_EXPIRATION_CHECK.
	acmExpiryDays = 14
)

func init() {
	register(
		&Rule{ID: "elb.alb-https-redirect", Title: "Application Load Balancers redirect HTTP to HTTPS", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeELBv2LoadBalancer, Services: []string{"elbv2"},
			Rationale:   "An HTTP listener that forwards instead of redirecting serves the application in clear text to anyone on the path.",
			Remediation: "Change the default action of every HTTP listener to a redirect to HTTPS (port 443, status HTTP_301).",
			Mappings:    findings.Mappings{ConfigRule: "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", SecurityHub: "ELB.1", NistCsf: "PR.DS"},
			check:       checkALBRedirect},
		&Rule{ID: "elb.alb-drop-invalid-headers", Title: "Application Load Balancers drop invalid HTTP headers", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeELBv2LoadBalancer, Services: []string{"elbv2"},
			Rationale:   "Header fields with invalid names reach the targets unchanged unless the load balancer drops them, which helps request smuggling and header injection.",
			Remediation: "Set the load balancer attribute routing.http.drop_invalid_header_fields.enabled to true.",
			Mappings:    findings.Mappings{ConfigRule: "ALB_HTTP_DROP_INVALID_HEADER_ENABLED", SecurityHub: "ELB.4", NistCsf: "PR.PS"},
			check:       checkALBDropHeaders},
		&Rule{ID: "elb.logging-enabled", Title: "Application and Classic Load Balancers write access logs", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeELBv2LoadBalancer, Services: []string{"elbv2", "elb"},
			Rationale:   "Without access logs, who called the application, from where and with what result cannot be reconstructed after an incident.",
			Remediation: "Turn on access logs (ALB: access_logs.s3.enabled and access_logs.s3.bucket; Classic: the AccessLog attribute) to a bucket that grants Elastic Load Balancing write access.",
			Mappings:    findings.Mappings{ConfigRule: "ELB_LOGGING_ENABLED", SecurityHub: "ELB.5", NistCsf: "DE.CM"},
			check:       checkELBLogging},
		&Rule{ID: "elb.deletion-protection", Title: "Load balancers have deletion protection", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeELBv2LoadBalancer, Services: []string{"elbv2"},
			Rationale:   "A load balancer deleted by mistake takes the application offline; deletion protection makes deletion a deliberate two-step act.",
			Remediation: "Set the load balancer attribute deletion_protection.enabled to true.",
			Mappings:    findings.Mappings{ConfigRule: "ELB_DELETION_PROTECTION_ENABLED", SecurityHub: "ELB.6", NistCsf: "PR.PS"},
			check:       checkELBDeletionProtection},
		&Rule{ID: "elb.alb-desync-mitigation", Title: "Application Load Balancers mitigate HTTP desync (defensive or strictest)", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeELBv2LoadBalancer, Services: []string{"elbv2"},
			Rationale:   "In monitor mode the load balancer forwards ambiguous requests that let an attacker smuggle a request past it (HTTP desync).",
			Remediation: "Set routing.http.desync_mitigation_mode to defensive or strictest.",
			Mappings:    findings.Mappings{ConfigRule: "ALB_DESYNC_MODE_CHECK", SecurityHub: "ELB.12", NistCsf: "PR.PS"},
			check:       checkALBDesync},
		&Rule{ID: "elb.multi-az", Title: "Load balancers span at least two Availability Zones", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeELBv2LoadBalancer, Services: []string{"elbv2"},
			Rationale:   "A load balancer in one Availability Zone fails with that zone.",
			Remediation: "Attach subnets of a second Availability Zone to the load balancer (aws elbv2 set-subnets).",
			Mappings:    findings.Mappings{ConfigRule: "ELBV2_MULTIPLE_AZ", SecurityHub: "ELB.13", NistCsf: "PR.IR"},
			check:       checkELBMultiAZ},
		&Rule{ID: "acm.certificate-expiration", Title: fmt.Sprintf("ACM certificates do not expire within %d days", acmExpiryDays), Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeACMCertificate, Services: []string{"acm"},
			Rationale:   "An expired certificate breaks TLS for every client; imported certificates are never renewed by ACM, and issued ones fail to renew when validation no longer works.",
			Remediation: "Renew the certificate: fix its DNS or email validation so ACM renews it, or import the reissued certificate before it expires.",
			Mappings:    findings.Mappings{ConfigRule: "ACM_CERTIFICATE_EXPIRATION_CHECK", SecurityHub: "ACM.1", NistCsf: "PR.DS"},
			check:       checkACMExpiry},
		&Rule{ID: "acm.rsa-key-length", Title: "ACM RSA certificates have keys of at least 2048 bits", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeACMCertificate, Services: []string{"acm"},
			Rationale:   "RSA keys shorter than 2048 bits are within reach of factoring and no longer protect the traffic they sign for.",
			Remediation: "Replace the certificate with one whose RSA key has 2048 bits or more (or an ECDSA key) and delete the short-key certificate; an imported key cannot be changed.",
			Mappings:    findings.Mappings{ConfigRule: "ACM_CERTIFICATE_RSA_CHECK", SecurityHub: "ACM.2", NistCsf: "PR.DS"},
			check:       checkACMRSA},
	)
}

// lbAttrs returns a load balancer's attributes as a map.
func lbAttrs(c *Ctx, arn string) (map[string]string, error) {
	out, err := getRes[elbv2.DescribeLoadBalancerAttributesOutput](c.v, c.Region, "elbv2", "DescribeLoadBalancerAttributes", arn)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, a := range out.Attributes {
		m[aws(a.Key)] = aws(a.Value)
	}
	return m, nil
}

// eachLoadBalancer runs fn on the region's load balancers of the given
// types (all types when none is given).
func eachLoadBalancer(c *Ctx, fn func(arn, name string, lb *elbv2types.LoadBalancer), types ...elbv2types.LoadBalancerTypeEnum) error {
	out, err := get[elbv2.DescribeLoadBalancersOutput](c.v, c.Region, "elbv2", "DescribeLoadBalancers")
	if err != nil {
		return err
	}
	n := 0
	for i := range out.LoadBalancers {
		lb := &out.LoadBalancers[i]
		if len(types) > 0 {
			match := false
			for _, t := range types {
				match = match || lb.Type == t
			}
			if !match {
				continue
			}
		}
		n++
		fn(aws(lb.LoadBalancerArn), aws(lb.LoadBalancerName), lb)
	}
	if n == 0 {
		kind := "load balancers"
		if len(types) == 1 && types[0] == elbv2types.LoadBalancerTypeEnumApplication {
			kind = "Application Load Balancers"
		}
		c.NA("", "no %s in %s", kind, c.Region)
	}
	return nil
}

// attrCheck judges one attribute of each load balancer: ok decides on
// its value ("" when the attribute is absent).
func attrCheck(c *Ctx, key string, ok func(v string) bool, types ...elbv2types.LoadBalancerTypeEnum) error {
	return eachLoadBalancer(c, func(arn, name string, _ *elbv2types.LoadBalancer) {
		attrs, err := lbAttrs(c, arn)
		if err != nil {
			c.Err(arn, err)
			return
		}
		v := attrs[key]
		c.Check(ok(v), arn, fmt.Sprintf("load balancer %s: %s is %s", name, key, v),
			fmt.Sprintf("load balancer %s: %s is %s", name, key, nonEmpty(v, "unset")))
	}, types...)
}

func checkALBRedirect(c *Ctx) error {
	return eachLoadBalancer(c, func(arn, name string, _ *elbv2types.LoadBalancer) {
		ls, err := getRes[elbv2.DescribeListenersOutput](c.v, c.Region, "elbv2", "DescribeListeners", arn)
		if err != nil {
			c.Err(arn, err)
			return
		}
		var bad []string
		http := 0
		for _, l := range ls.Listeners {
			if l.Protocol != elbv2types.ProtocolEnumHttp {
				continue
			}
			http++
			if !redirectsToHTTPS(l.DefaultActions) {
				port := int32(0)
				if l.Port != nil {
					port = *l.Port
				}
				bad = append(bad, fmt.Sprintf("HTTP:%d", port))
			}
		}
		switch {
		case len(bad) > 0:
			c.Fail(arn, "load balancer %s: HTTP listeners without a redirect to HTTPS: %v", name, bad)
		case http == 0:
			c.Pass(arn, "load balancer %s has no HTTP listener", name)
		default:
			c.Pass(arn, "load balancer %s redirects every HTTP listener to HTTPS", name)
		}
	}, elbv2types.LoadBalancerTypeEnumApplication)
}

// redirectsToHTTPS reports whether a listener's default actions end in a
// redirect to HTTPS (forwarding or a fixed response do not).
func redirectsToHTTPS(actions []elbv2types.Action) bool {
	for _, a := range actions {
		if a.Type == elbv2types.ActionTypeEnumRedirect && a.RedirectConfig != nil && aws(a.RedirectConfig.Protocol) == "HTTPS" {
			return true
		}
	}
	return false
}

func checkALBDropHeaders(c *Ctx) error {
	return attrCheck(c, "routing.http.drop_invalid_header_fields.enabled", func(v string) bool { return v == "true" },
		elbv2types.LoadBalancerTypeEnumApplication)
}

func checkELBLogging(c *Ctx) error {
	out, err := get[elbv2.DescribeLoadBalancersOutput](c.v, c.Region, "elbv2", "DescribeLoadBalancers")
	if err != nil {
		return err
	}
	n := 0
	for i := range out.LoadBalancers {
		lb := &out.LoadBalancers[i]
		if lb.Type != elbv2types.LoadBalancerTypeEnumApplication {
			continue // the rule does not apply to Network and Gateway Load Balancers
		}
		n++
		arn, name := aws(lb.LoadBalancerArn), aws(lb.LoadBalancerName)
		attrs, err := lbAttrs(c, arn)
		if err != nil {
			c.Err(arn, err)
			continue
		}
		if attrs["access_logs.s3.enabled"] == "true" && attrs["access_logs.s3.bucket"] != "" {
			c.Pass(arn, "load balancer %s writes access logs to s3://%s", name, attrs["access_logs.s3.bucket"])
			continue
		}
		c.Fail(arn, "load balancer %s does not write access logs", name)
	}
	classic, err := classicLogging(c)
	if err != nil {
		return err
	}
	if n+classic == 0 {
		c.NA("", "no Application or Classic Load Balancers in %s", c.Region)
	}
	return nil
}

func checkELBDeletionProtection(c *Ctx) error {
	return attrCheck(c, "deletion_protection.enabled", func(v string) bool { return v == "true" })
}

func checkALBDesync(c *Ctx) error {
	return attrCheck(c, "routing.http.desync_mitigation_mode", func(v string) bool {
		// AWS's default, when the attribute is not returned, is defensive.
		return v == "" || v == "defensive" || v == "strictest"
	}, elbv2types.LoadBalancerTypeEnumApplication)
}

func checkELBMultiAZ(c *Ctx) error {
	return eachLoadBalancer(c, func(arn, name string, lb *elbv2types.LoadBalancer) {
		zones := map[string]bool{}
		for _, z := range lb.AvailabilityZones {
			zones[aws(z.ZoneName)] = true
		}
		c.Check(len(zones) >= 2, arn, fmt.Sprintf("load balancer %s spans %d Availability Zones", name, len(zones)),
			fmt.Sprintf("load balancer %s spans %d Availability Zone(s), fewer than 2", name, len(zones)))
	})
}

// eachCertificate runs fn on the details of the region's certificates.
func eachCertificate(c *Ctx, fn func(arn string, d *acmtypes.CertificateDetail)) error {
	out, err := get[acm.ListCertificatesOutput](c.v, c.Region, "acm", "ListCertificates")
	if err != nil {
		return err
	}
	if len(out.CertificateSummaryList) == 0 {
		c.NA("", "no ACM certificates in %s", c.Region)
	}
	for _, s := range out.CertificateSummaryList {
		arn := aws(s.CertificateArn)
		d, err := getRes[acm.DescribeCertificateOutput](c.v, c.Region, "acm", "DescribeCertificate", arn)
		if err != nil {
			c.Err(arn, err)
			continue
		}
		if d.Certificate == nil {
			c.Err(arn, fmt.Errorf("DescribeCertificate of %s returned no certificate", arn))
			continue
		}
		fn(arn, d.Certificate)
	}
	return nil
}

func checkACMExpiry(c *Ctx) error {
	return eachCertificate(c, func(arn string, d *acmtypes.CertificateDetail) {
		name := aws(d.DomainName)
		if d.NotAfter == nil {
			c.NA(arn, "certificate %s (%s) has no expiry date yet (status %s)", name, d.Type, d.Status)
			return
		}
		days := d.NotAfter.Sub(c.Now()).Hours() / 24
		left := int(math.Floor(days))
		switch {
		case days < 0:
			c.Fail(arn, "certificate %s (%s) expired on %s", name, d.Type, d.NotAfter.UTC().Format("2006-01-02"))
		case days <= acmExpiryDays:
			c.Fail(arn, "certificate %s (%s) expires in %d days (%s)", name, d.Type, left, d.NotAfter.UTC().Format("2006-01-02"))
		default:
			c.Pass(arn, "certificate %s (%s) expires in %d days", name, d.Type, left)
		}
	})
}

func checkACMRSA(c *Ctx) error {
	return eachCertificate(c, func(arn string, d *acmtypes.CertificateDetail) {
		name := aws(d.DomainName)
		// The SDK's enum spells RSA_2048; DescribeCertificate answers are
		// also seen with a hyphen (RSA-2048): both mean the same key.
		switch acmtypes.KeyAlgorithm(strings.ReplaceAll(string(d.KeyAlgorithm), "-", "_")) {
		case acmtypes.KeyAlgorithmRsa1024:
			c.Fail(arn, "certificate %s has a %s key", name, d.KeyAlgorithm)
		case acmtypes.KeyAlgorithmRsa2048, acmtypes.KeyAlgorithmRsa3072, acmtypes.KeyAlgorithmRsa4096:
			c.Pass(arn, "certificate %s has a %s key", name, d.KeyAlgorithm)
		default:
			c.NA(arn, "certificate %s is not RSA (%s)", name, d.KeyAlgorithm)
		}
	})
}
