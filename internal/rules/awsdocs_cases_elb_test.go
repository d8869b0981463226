package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qALBRedirect = "The rule is NON_COMPLIANT if one or more HTTP listeners of Application Load Balancer do not have HTTP to HTTPS redirection configured."
	qALBForward  = "The rule is also NON_COMPLIANT if one of more HTTP listeners have forwarding to an HTTP listener instead of redirection."
	qALBHeaders  = "The rule is NON_COMPLIANT if the value of routing.http.drop_invalid_header_fields.enabled is set to false"
	qELBLogging  = "The rule is NON_COMPLIANT if the access_logs.s3.enabled is false or access_logs.S3.bucket is not equal to the s3BucketName that you provided."
	qELBLogNLB   = "The rule does not apply to Network Load Balancers or Gateway Load Balancers."
	qELBDelete   = "The rule is NON_COMPLIANT if deletion_protection.enabled is false."
	qALBDesync   = "The rule is NON_COMPLIANT if the ALB desync mitigation mode does not match with the user defined desync mitigation mode."
	qELBMultiAZ  = "The rule is NON_COMPLIANT if an Elastic Load Balancer V2 is mapped to less than 2 AZs."
	qACMExpiry   = "The rule is NON_COMPLIANT if your certificates are about to expire."
	qACMImported = "ACM does not automatically renew certificates that you import."
	qACMRSA      = "The rule is NON_COMPLIANT if the minimum key length is less than 2048 bits."
)

// asNetwork turns the workload account's load balancer into a Network
// Load Balancer with a TCP listener.
func asNetwork(f *fx) {
	webLB(f).Type = elbv2types.LoadBalancerTypeEnumNetwork
	webListeners(f).Listeners = []elbv2types.Listener{{Port: awsv2.Int32(443), Protocol: elbv2types.ProtocolEnumTcp,
		DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumForward}}}}
}

func init() {
	const lbRes = "loadbalancer/app/web"
	forward := []elbv2types.Action{{Type: elbv2types.ActionTypeEnumForward, TargetGroupArn: awsv2.String("arn:aws:elasticloadbalancing:us-east-1:444444444444:targetgroup/web/1")}}
	addDocCases(
		// ELB.1
		docCase{Rule: "elb.alb-https-redirect", Source: cfgDoc("alb-http-to-https-redirection-check"), Quote: qALBRedirect, Name: "HTTP listener redirects to HTTPS",
			Resource: lbRes, Want: findings.Passed},
		docCase{Rule: "elb.alb-https-redirect", Source: cfgDoc("alb-http-to-https-redirection-check"), Quote: qALBForward, Name: "HTTP listener forwards",
			Mutate: func(f *fx) { webListeners(f).Listeners[0].DefaultActions = forward }, Resource: lbRes, Want: findings.Failed},
		docCase{Rule: "elb.alb-https-redirect", Source: cfgDoc("alb-http-to-https-redirection-check"), Quote: qALBRedirect, Name: "HTTP listener redirects to another HTTP port",
			Mutate: func(f *fx) {
				webListeners(f).Listeners[0].DefaultActions = []elbv2types.Action{{Type: elbv2types.ActionTypeEnumRedirect,
					RedirectConfig: &elbv2types.RedirectActionConfig{Protocol: awsv2.String("HTTP"), Port: awsv2.String("8080"), StatusCode: elbv2types.RedirectActionStatusCodeEnumHttp301}}}
			}, Resource: lbRes, Want: findings.Failed},
		docCase{Rule: "elb.alb-https-redirect", Source: cfgDoc("alb-http-to-https-redirection-check"), Quote: qALBRedirect, Name: "only an HTTPS listener",
			Mutate: func(f *fx) { webListeners(f).Listeners = webListeners(f).Listeners[1:] }, Resource: lbRes, Want: findings.Passed},

		// ELB.4
		docCase{Rule: "elb.alb-drop-invalid-headers", Source: cfgDoc("alb-http-drop-invalid-header-enabled"), Quote: qALBHeaders, Name: "drop_invalid_header_fields true",
			Resource: lbRes, Want: findings.Passed},
		docCase{Rule: "elb.alb-drop-invalid-headers", Source: cfgDoc("alb-http-drop-invalid-header-enabled"), Quote: qALBHeaders, Name: "drop_invalid_header_fields false",
			Mutate: func(f *fx) { setLBAttr(f, "routing.http.drop_invalid_header_fields.enabled", "false") }, Resource: lbRes, Want: findings.Failed},
		docCase{Rule: "elb.alb-drop-invalid-headers", Source: cfgDoc("alb-http-drop-invalid-header-enabled"),
			Quote: "Checks if rule evaluates AWS Application Load Balancers (ALB) to ensure they are configured to drop http headers.", Name: "a Network Load Balancer is not judged",
			Mutate: asNetwork, Want: findings.NotApplicable},

		// ELB.5
		docCase{Rule: "elb.logging-enabled", Source: cfgDoc("elb-logging-enabled"), Quote: qELBLogging, Name: "access logs to a bucket",
			Resource: lbRes, Want: findings.Passed},
		docCase{Rule: "elb.logging-enabled", Source: cfgDoc("elb-logging-enabled"), Quote: qELBLogging, Name: "access_logs.s3.enabled false",
			Mutate: func(f *fx) { setLBAttr(f, "access_logs.s3.enabled", "false") }, Resource: lbRes, Want: findings.Failed},
		docCase{Rule: "elb.logging-enabled", Source: cfgDoc("elb-logging-enabled"), Quote: qELBLogNLB, Name: "a Network Load Balancer without logs",
			Mutate: func(f *fx) {
				asNetwork(f)
				setLBAttr(f, "access_logs.s3.enabled", "false")
				f.set(acctW, region1, "elb", "DescribeLoadBalancers", &elasticloadbalancing.DescribeLoadBalancersOutput{}) // and no Classic Load Balancer
			}, Want: findings.NotApplicable},

		// ELB.6
		docCase{Rule: "elb.deletion-protection", Source: cfgDoc("elb-deletion-protection-enabled"), Quote: qELBDelete, Name: "deletion protection on",
			Resource: lbRes, Want: findings.Passed},
		docCase{Rule: "elb.deletion-protection", Source: cfgDoc("elb-deletion-protection-enabled"), Quote: qELBDelete, Name: "deletion_protection.enabled false",
			Mutate: func(f *fx) { setLBAttr(f, "deletion_protection.enabled", "false") }, Resource: lbRes, Want: findings.Failed},
		docCase{Rule: "elb.deletion-protection", Source: cfgDoc("elb-deletion-protection-enabled"), Quote: qELBDelete, Name: "a Network Load Balancer without deletion protection",
			Mutate: func(f *fx) { asNetwork(f); setLBAttr(f, "deletion_protection.enabled", "false") }, Resource: lbRes, Want: findings.Failed},

		// ELB.12 (Security Hub's parameter: defensive, strictest)
		docCase{Rule: "elb.alb-desync-mitigation", Source: cfgDoc("alb-desync-mode-check"), Quote: qALBDesync, Name: "defensive",
			Resource: lbRes, Want: findings.Passed},
		docCase{Rule: "elb.alb-desync-mitigation", Source: cfgDoc("alb-desync-mode-check"), Quote: qALBDesync, Name: "strictest",
			Mutate: func(f *fx) { setLBAttr(f, "routing.http.desync_mitigation_mode", "strictest") }, Resource: lbRes, Want: findings.Passed},
		docCase{Rule: "elb.alb-desync-mitigation", Source: cfgDoc("alb-desync-mode-check"), Quote: qALBDesync, Name: "monitor",
			Mutate: func(f *fx) { setLBAttr(f, "routing.http.desync_mitigation_mode", "monitor") }, Resource: lbRes, Want: findings.Failed},

		// ELB.13
		docCase{Rule: "elb.multi-az", Source: cfgDoc("elbv2-multiple-az"), Quote: qELBMultiAZ, Name: "two zones",
			Resource: lbRes, Want: findings.Passed},
		docCase{Rule: "elb.multi-az", Source: cfgDoc("elbv2-multiple-az"), Quote: qELBMultiAZ, Name: "one zone",
			Mutate: func(f *fx) { webLB(f).AvailabilityZones = webLB(f).AvailabilityZones[:1] }, Resource: lbRes, Want: findings.Failed},
		docCase{Rule: "elb.multi-az", Source: cfgDoc("elbv2-multiple-az"), Quote: qELBMultiAZ, Name: "a Network Load Balancer in one zone",
			Mutate: func(f *fx) { asNetwork(f); webLB(f).AvailabilityZones = webLB(f).AvailabilityZones[:1] }, Resource: lbRes, Want: findings.Failed},

		// ACM.1 (daysToExpiration: the default, 14)
		docCase{Rule: "acm.certificate-expiration", Source: cfgDoc("acm-certificate-expiration-check"), Quote: qACMExpiry, Name: "200 days left",
			Resource: "certificate/", Want: findings.Passed},
		docCase{Rule: "acm.certificate-expiration", Source: cfgDoc("acm-certificate-expiration-check"), Quote: qACMExpiry, Name: "10 days left",
			Mutate: func(f *fx) { webCert(f).NotAfter = awsv2.Time(fxNow.AddDate(0, 0, 10)) }, Resource: "certificate/", Want: findings.Failed},
		docCase{Rule: "acm.certificate-expiration", Source: cfgDoc("acm-certificate-expiration-check"), Quote: qACMImported, Name: "an imported certificate 5 days from expiry",
			Mutate: func(f *fx) {
				c := webCert(f)
				c.Type, c.RenewalEligibility, c.NotAfter = acmtypes.CertificateTypeImported, acmtypes.RenewalEligibilityIneligible, awsv2.Time(fxNow.AddDate(0, 0, 5))
			}, Resource: "certificate/", Want: findings.Failed},
		docCase{Rule: "acm.certificate-expiration", Source: cfgDoc("acm-certificate-expiration-check"), Quote: qACMExpiry, Name: "20 days left, beyond the 14-day default",
			Mutate: func(f *fx) { webCert(f).NotAfter = awsv2.Time(fxNow.AddDate(0, 0, 20)) }, Resource: "certificate/", Want: findings.Passed},

		// ACM.2
		docCase{Rule: "acm.rsa-key-length", Source: cfgDoc("acm-certificate-rsa-check"), Quote: qACMRSA, Name: "RSA 2048",
			Resource: "certificate/", Want: findings.Passed},
		docCase{Rule: "acm.rsa-key-length", Source: cfgDoc("acm-certificate-rsa-check"), Quote: qACMRSA, Name: "an imported RSA 1024 certificate",
			Mutate: func(f *fx) {
				c := webCert(f)
				c.Type, c.KeyAlgorithm = acmtypes.CertificateTypeImported, acmtypes.KeyAlgorithmRsa1024
			}, Resource: "certificate/", Want: findings.Failed},
		docCase{Rule: "acm.rsa-key-length", Source: cfgDoc("acm-certificate-rsa-check"), Quote: qACMRSA, Name: "an imported RSA 1024 certificate, algorithm spelled RSA-1024",
			Mutate: func(f *fx) {
				c := webCert(f)
				c.Type, c.KeyAlgorithm = acmtypes.CertificateTypeImported, acmtypes.KeyAlgorithm("RSA-1024")
			}, Resource: "certificate/", Want: findings.Failed},
		docCase{Rule: "acm.rsa-key-length", Source: cfgDoc("acm-certificate-rsa-check"),
			Quote: "Checks if RSA certificates managed by AWS Certificate Manager (ACM) have a key length of at least '2048' bits.", Name: "an ECDSA certificate is not RSA",
			Mutate: func(f *fx) { webCert(f).KeyAlgorithm = acmtypes.KeyAlgorithmEcPrime256v1 }, Resource: "certificate/", Want: findings.NotApplicable},
	)
}
