package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// elbBaseline gives the region a compliant Application Load Balancer
// "web" (two zones, HTTP redirected to HTTPS, access logs, deletion
// protection, invalid headers dropped, defensive desync mitigation) and
// an ACM-issued RSA 2048 certificate valid for 200 more days.
func (f *fx) elbBaseline(a, r string) {
	lb := "arn:aws:elasticloadbalancing:" + r + ":" + a + ":loadbalancer/app/web/50dc6c495c0c9188"
	f.set(a, r, "elbv2", "DescribeLoadBalancers", &elbv2.DescribeLoadBalancersOutput{LoadBalancers: []elbv2types.LoadBalancer{{
		LoadBalancerArn: awsv2.String(lb), LoadBalancerName: awsv2.String("web"), Type: elbv2types.LoadBalancerTypeEnumApplication,
		Scheme: elbv2types.LoadBalancerSchemeEnumInternetFacing,
		AvailabilityZones: []elbv2types.AvailabilityZone{{ZoneName: awsv2.String(r + "a"), SubnetId: awsv2.String("subnet-a")},
			{ZoneName: awsv2.String(r + "b"), SubnetId: awsv2.String("subnet-b")}}}}})
	f.setRes(a, r, "elbv2", "DescribeLoadBalancerAttributes", lb, &elbv2.DescribeLoadBalancerAttributesOutput{Attributes: lbAttributes(map[string]string{
		"deletion_protection.enabled": "true", "access_logs.s3.enabled": "true", "access_logs.s3.bucket": "elb-logs-" + a,
		"routing.http.drop_invalid_header_fields.enabled": "true", "routing.http.desync_mitigation_mode": "defensive"})})
	cert := "arn:aws:acm:" + r + ":" + a + ":certificate/0b7c7e7e-1111-4a4a-9d9d-000000000001"
	f.setRes(a, r, "elbv2", "DescribeListeners", lb, &elbv2.DescribeListenersOutput{Listeners: []elbv2types.Listener{
		{ListenerArn: awsv2.String(lb + "/80"), Port: awsv2.Int32(80), Protocol: elbv2types.ProtocolEnumHttp,
			DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumRedirect, RedirectConfig: &elbv2types.RedirectActionConfig{
				Protocol: awsv2.String("HTTPS"), Port: awsv2.String("443"), StatusCode: elbv2types.RedirectActionStatusCodeEnumHttp301}}}},
		{ListenerArn: awsv2.String(lb + "/443"), Port: awsv2.Int32(443), Protocol: elbv2types.ProtocolEnumHttps,
			Certificates:   []elbv2types.Certificate{{CertificateArn: awsv2.String(cert)}},
			DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumForward, TargetGroupArn: awsv2.String("arn:aws:elasticloadbalancing:" + r + ":" + a + ":targetgroup/web/1")}}},
	}})
	f.set(a, r, "acm", "ListCertificates", &acm.ListCertificatesOutput{CertificateSummaryList: []acmtypes.CertificateSummary{{
		CertificateArn: awsv2.String(cert), DomainName: awsv2.String("www.example.com")}}})
	f.setRes(a, r, "acm", "DescribeCertificate", cert, &acm.DescribeCertificateOutput{Certificate: &acmtypes.CertificateDetail{
		CertificateArn: awsv2.String(cert), DomainName: awsv2.String("www.example.com"), Type: acmtypes.CertificateTypeAmazonIssued,
		Status: acmtypes.CertificateStatusIssued, KeyAlgorithm: acmtypes.KeyAlgorithmRsa2048,
		NotBefore: awsv2.Time(fxNow.AddDate(0, 0, -195)), NotAfter: awsv2.Time(fxNow.AddDate(0, 0, 200)),
		RenewalEligibility: acmtypes.RenewalEligibilityEligible, InUseBy: []string{lb}}})

	// A compliant Classic Load Balancer "legacy".
	f.set(a, r, "elb", "DescribeLoadBalancers", &elb.DescribeLoadBalancersOutput{LoadBalancerDescriptions: []elbtypes.LoadBalancerDescription{{
		LoadBalancerName: awsv2.String("legacy"), AvailabilityZones: []string{r + "a", r + "b"},
		ListenerDescriptions: []elbtypes.ListenerDescription{{Listener: &elbtypes.Listener{Protocol: awsv2.String("HTTPS"), LoadBalancerPort: 443,
			InstanceProtocol: awsv2.String("HTTP"), InstancePort: awsv2.Int32(80), SSLCertificateId: awsv2.String(cert)}}}}}})
	f.setRes(a, r, "elb", "DescribeLoadBalancerAttributes", "legacy", &elb.DescribeLoadBalancerAttributesOutput{LoadBalancerAttributes: &elbtypes.LoadBalancerAttributes{
		AccessLog:              &elbtypes.AccessLog{Enabled: true, S3BucketName: awsv2.String("elb-logs-" + a)},
		ConnectionDraining:     &elbtypes.ConnectionDraining{Enabled: true, Timeout: awsv2.Int32(300)},
		CrossZoneLoadBalancing: &elbtypes.CrossZoneLoadBalancing{Enabled: true},
		AdditionalAttributes:   []elbtypes.AdditionalAttribute{{Key: awsv2.String("elb.http.desyncmitigationmode"), Value: awsv2.String("defensive")}}}})
}

func legacyCLB(f *fx) *elbtypes.LoadBalancerDescription {
	return &op[elb.DescribeLoadBalancersOutput](f, acctW, region1, "elb", "DescribeLoadBalancers").LoadBalancerDescriptions[0]
}

func legacyAttrs(f *fx) *elbtypes.LoadBalancerAttributes {
	return res[elb.DescribeLoadBalancerAttributesOutput](f, acctW, region1, "elb", "DescribeLoadBalancerAttributes", "legacy").LoadBalancerAttributes
}

func lbAttributes(m map[string]string) []elbv2types.LoadBalancerAttribute {
	var out []elbv2types.LoadBalancerAttribute
	for k, v := range m {
		out = append(out, elbv2types.LoadBalancerAttribute{Key: awsv2.String(k), Value: awsv2.String(v)})
	}
	return out
}

// Accessors for the mutations of the cases.

func webLB(f *fx) *elbv2types.LoadBalancer {
	return &op[elbv2.DescribeLoadBalancersOutput](f, acctW, region1, "elbv2", "DescribeLoadBalancers").LoadBalancers[0]
}

// setLBAttr changes one attribute of the workload account's load
// balancer ("" removes it).
func setLBAttr(f *fx, key, value string) {
	out := res[elbv2.DescribeLoadBalancerAttributesOutput](f, acctW, region1, "elbv2", "DescribeLoadBalancerAttributes", awsv2.ToString(webLB(f).LoadBalancerArn))
	kept := out.Attributes[:0]
	for _, a := range out.Attributes {
		if awsv2.ToString(a.Key) != key {
			kept = append(kept, a)
		}
	}
	if value != "" {
		kept = append(kept, elbv2types.LoadBalancerAttribute{Key: awsv2.String(key), Value: awsv2.String(value)})
	}
	out.Attributes = kept
}

func webListeners(f *fx) *elbv2.DescribeListenersOutput {
	return res[elbv2.DescribeListenersOutput](f, acctW, region1, "elbv2", "DescribeListeners", awsv2.ToString(webLB(f).LoadBalancerArn))
}

func webCert(f *fx) *acmtypes.CertificateDetail {
	cert := op[acm.ListCertificatesOutput](f, acctW, region1, "acm", "ListCertificates").CertificateSummaryList[0].CertificateArn
	return res[acm.DescribeCertificateOutput](f, acctW, region1, "acm", "DescribeCertificate", awsv2.ToString(cert)).Certificate
}
