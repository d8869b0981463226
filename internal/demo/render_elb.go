package demo

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// loadBalancer is an Application Load Balancer with an HTTP and an
// HTTPS listener.
type loadBalancer struct {
	name         string
	httpForwards bool // the HTTP listener forwards instead of redirecting to HTTPS
	certARN      string
	created      time.Time
}

// classicLB is a Classic Load Balancer with one HTTPS listener.
type classicLB struct {
	name      string
	certARN   string
	crossZone bool
	created   time.Time
	// tlsPolicy is the predefined security policy the HTTPS listener's
	// SSL negotiation policy copies ("" = ELBSecurityPolicy-TLS-1-2-2017-01).
	tlsPolicy string
}

// certificate is an ACM certificate.
type certificate struct {
	domain   string
	imported bool
	notAfter time.Time
	created  time.Time
}

// stableHex derives a resource id from its account and name without
// drawing from the account's random stream (so adding a resource kind
// leaves every other generated id as it was).
func stableHex(a *acct, name string, n int) string {
	h := fnv.New64a()
	h.Write([]byte(a.Id + "/" + name))
	return fmt.Sprintf("%016x", h.Sum64())[:n]
}

func loadBalancerARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s/%s", region, a.Id, name, stableHex(a, "lb/"+name, 16))
}

func certificateARN(a *acct, region, domain string) string {
	h := stableHex(a, "cert/"+domain, 16)
	return fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s-%s-4%s-8%s-%s", region, a.Id, h[:8], h[8:12], h[12:15], h[:3], h[4:16])
}

// baselineWeb gives a workload account's home region its public web
// entry: a certificate issued by ACM (renewed 60 days before expiry)
// and an Application Load Balancer across two zones that redirects HTTP
// to HTTPS, logs, drops invalid headers and has deletion protection.
func baselineWeb(w *world, a *acct, home string, created time.Time) {
	rr := w.region(a, home)
	c := &certificate{domain: a.Name + "." + companyDomain, created: End.AddDate(0, -4, 0), notAfter: End.AddDate(0, 9, 0)}
	rr.certs = append(rr.certs, c)
	rr.lbs = append(rr.lbs, &loadBalancer{name: a.Name + "-web", certARN: certificateARN(a, home, c.domain), created: created})
}

func renderELBv2(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "elbv2")
	lbs := []elbv2types.LoadBalancer{}
	for _, lb := range rr.lbs {
		arn := loadBalancerARN(a, rr.region, lb.name)
		lbs = append(lbs, elbv2types.LoadBalancer{LoadBalancerArn: aws.String(arn), LoadBalancerName: aws.String(lb.name),
			DNSName: aws.String(fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", lb.name, stableHex(a, "dns/"+lb.name, 8), rr.region)),
			Type:    elbv2types.LoadBalancerTypeEnumApplication, Scheme: elbv2types.LoadBalancerSchemeEnumInternetFacing,
			IpAddressType: elbv2types.IpAddressTypeIpv4, CreatedTime: ptime(lb.created),
			State:             &elbv2types.LoadBalancerState{Code: elbv2types.LoadBalancerStateEnumActive},
			AvailabilityZones: []elbv2types.AvailabilityZone{{ZoneName: aws.String(rr.region + "a")}, {ZoneName: aws.String(rr.region + "c")}}})
		attrs := [][2]string{{"deletion_protection.enabled", "true"}, {"access_logs.s3.enabled", "true"},
			{"access_logs.s3.bucket", "kumo-elb-logs-" + a.Id + "-" + rr.region}, {"access_logs.s3.prefix", lb.name},
			{"idle_timeout.timeout_seconds", "60"}, {"routing.http.drop_invalid_header_fields.enabled", "true"},
			{"routing.http.desync_mitigation_mode", "defensive"}, {"routing.http2.enabled", "true"}}
		out := elbv2.DescribeLoadBalancerAttributesOutput{}
		for _, kv := range attrs {
			out.Attributes = append(out.Attributes, elbv2types.LoadBalancerAttribute{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
		}
		f.res("DescribeLoadBalancerAttributes", arn, out)
		tg := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s", rr.region, a.Id, lb.name, stableHex(a, "tg/"+lb.name, 16))
		forward := []elbv2types.Action{{Type: elbv2types.ActionTypeEnumForward, TargetGroupArn: aws.String(tg)}}
		httpAction := []elbv2types.Action{{Type: elbv2types.ActionTypeEnumRedirect, RedirectConfig: &elbv2types.RedirectActionConfig{
			Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: elbv2types.RedirectActionStatusCodeEnumHttp301}}}
		if lb.httpForwards {
			httpAction = forward
		}
		listener := func(port string) string {
			return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:listener/app/%s/%s/%s", rr.region, a.Id, lb.name, stableHex(a, "lb/"+lb.name, 16), stableHex(a, "l/"+lb.name+port, 16))
		}
		f.res("DescribeListeners", arn, elbv2.DescribeListenersOutput{Listeners: []elbv2types.Listener{
			{ListenerArn: aws.String(listener("80")), LoadBalancerArn: aws.String(arn), Port: aws.Int32(80), Protocol: elbv2types.ProtocolEnumHttp, DefaultActions: httpAction},
			{ListenerArn: aws.String(listener("443")), LoadBalancerArn: aws.String(arn), Port: aws.Int32(443), Protocol: elbv2types.ProtocolEnumHttps,
				SslPolicy: aws.String("ELBSecurityPolicy-TLS13-1-2-2021-06"), Certificates: []elbv2types.Certificate{{CertificateArn: aws.String(lb.certARN)}},
				DefaultActions: forward},
		}})
	}
	f.put("DescribeLoadBalancers", elbv2.DescribeLoadBalancersOutput{LoadBalancers: lbs})
	return f
}

func classicARN(a *acct, region, name string) string {
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s", region, a.Id, name)
}

func renderClassicELB(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "elb")
	list := []elbtypes.LoadBalancerDescription{}
	for _, lb := range rr.clbs {
		list = append(list, elbtypes.LoadBalancerDescription{LoadBalancerName: aws.String(lb.name),
			DNSName:           aws.String(fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", lb.name, stableHex(a, "clb/"+lb.name, 10), rr.region)),
			AvailabilityZones: []string{rr.region + "a", rr.region + "c"}, Scheme: aws.String("internet-facing"), CreatedTime: ptime(lb.created),
			ListenerDescriptions: []elbtypes.ListenerDescription{{Listener: &elbtypes.Listener{Protocol: aws.String("HTTPS"), LoadBalancerPort: 443,
				InstanceProtocol: aws.String("HTTP"), InstancePort: aws.Int32(8080), SSLCertificateId: aws.String(lb.certARN)},
				PolicyNames: []string{clbPolicyName(lb)}}}})
		f.res("DescribeLoadBalancerPolicies", lb.name, elb.DescribeLoadBalancerPoliciesOutput{PolicyDescriptions: []elbtypes.PolicyDescription{
			clbSSLPolicy(lb)}})
		f.res("DescribeLoadBalancerAttributes", lb.name, elb.DescribeLoadBalancerAttributesOutput{LoadBalancerAttributes: &elbtypes.LoadBalancerAttributes{
			AccessLog:              &elbtypes.AccessLog{Enabled: true, S3BucketName: aws.String("kumo-elb-logs-" + a.Id + "-" + rr.region), S3BucketPrefix: aws.String(lb.name), EmitInterval: aws.Int32(60)},
			ConnectionDraining:     &elbtypes.ConnectionDraining{Enabled: true, Timeout: aws.Int32(300)},
			ConnectionSettings:     &elbtypes.ConnectionSettings{IdleTimeout: aws.Int32(60)},
			CrossZoneLoadBalancing: &elbtypes.CrossZoneLoadBalancing{Enabled: lb.crossZone},
			AdditionalAttributes:   []elbtypes.AdditionalAttribute{{Key: aws.String("elb.http.desyncmitigationmode"), Value: aws.String("defensive")}}}})
	}
	f.put("DescribeLoadBalancers", elb.DescribeLoadBalancersOutput{LoadBalancerDescriptions: list})
	return f
}

func renderACM(w *world, a *acct, rr *regionRes) *file {
	f := newFile(a, rr.region, "acm")
	list := []acmtypes.CertificateSummary{}
	for _, c := range rr.certs {
		arn := certificateARN(a, rr.region, c.domain)
		typ, renewal := acmtypes.CertificateTypeAmazonIssued, acmtypes.RenewalEligibilityEligible
		if c.imported {
			typ, renewal = acmtypes.CertificateTypeImported, acmtypes.RenewalEligibilityIneligible
		}
		var inUse []string
		for _, lb := range rr.lbs {
			if lb.certARN == arn {
				inUse = append(inUse, loadBalancerARN(a, rr.region, lb.name))
			}
		}
		list = append(list, acmtypes.CertificateSummary{CertificateArn: aws.String(arn), DomainName: aws.String(c.domain), Type: typ,
			KeyAlgorithm: acmtypes.KeyAlgorithmRsa2048, Status: acmtypes.CertificateStatusIssued, InUse: aws.Bool(len(inUse) > 0),
			NotAfter: ptime(c.notAfter), NotBefore: ptime(c.created), RenewalEligibility: renewal})
		d := &acmtypes.CertificateDetail{CertificateArn: aws.String(arn), DomainName: aws.String(c.domain), SubjectAlternativeNames: []string{c.domain},
			Type: typ, Status: acmtypes.CertificateStatusIssued, KeyAlgorithm: acmtypes.KeyAlgorithmRsa2048, SignatureAlgorithm: aws.String("SHA256WITHRSA"),
			Issuer: aws.String("Amazon"), Subject: aws.String("CN=" + c.domain), NotBefore: ptime(c.created), NotAfter: ptime(c.notAfter),
			CreatedAt: ptime(c.created), RenewalEligibility: renewal, InUseBy: inUse}
		if c.imported {
			d.Issuer, d.ImportedAt, d.CreatedAt = aws.String("Kumo Foods Internal CA"), ptime(c.created), nil
		} else {
			d.IssuedAt = ptime(c.created)
		}
		f.res("DescribeCertificate", arn, acm.DescribeCertificateOutput{Certificate: d})
	}
	f.put("ListCertificates", acm.ListCertificatesOutput{CertificateSummaryList: list})
	return f
}

// webLoadBalancer is the public load balancer of a workload account.
func webLoadBalancer(w *world, a *acct) *loadBalancer {
	return w.region(a, w.homeRegion(a)).lbs[0]
}
