package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"

	"github.com/orgrail/orgrail/internal/findings"
)

const (
	qCLBACM      = "Checks if the Classic Load Balancers use SSL certificates provided by AWS Certificate Manager."
	qCLBACMUse   = "To use this rule, use an SSL or HTTPS listener with your Classic Load Balancer."
	qCLBTLSNA    = "If the Classic Load Balancer does not have a listener configured, then the rule returns NOT_APPLICABLE."
	qCLBTLSOK    = "The rule is COMPLIANT if the Classic Load Balancer listeners are configured with SSL or HTTPS."
	qCLBTLSBad   = "The rule is NON_COMPLIANT if a listener is not configured with SSL or HTTPS."
	qCLBDrain    = "This control checks whether Classic Load Balancers have connection draining enabled."
	qCLBCross    = "The rule is NON_COMPLIANT if cross-zone load balancing is not enabled for Classic Load Balancers."
	qCLBMultiAZ  = "The rule is NON_COMPLIANT if a Classic Load Balancer spans less than 2 AZs or does not span number of AZs mentioned in the minAvailabilityZones parameter (if provided)."
	qCLBDesync   = "Checks if Classic Load Balancers (CLB) are configured with a user-defined Desync mitigation mode."
	qELBLogClass = "Checks if the Application Load Balancer and the Classic Load Balancer have logging enabled."
)

func init() {
	const clbRes = "loadbalancer/legacy"
	noCLB := func(f *fx) {
		f.set(acctW, region1, "elb", "DescribeLoadBalancers", &elasticloadbalancing.DescribeLoadBalancersOutput{})
	}
	addDocCases(
		// ELB.2
		docCase{Rule: "elb.clb-acm-certificate", Source: cfgDoc("elb-acm-certificate-required"), Quote: qCLBACM, Name: "HTTPS listener with an ACM certificate",
			Resource: clbRes, Want: findings.Passed},
		docCase{Rule: "elb.clb-acm-certificate", Source: cfgDoc("elb-acm-certificate-required"), Quote: qCLBACM, Name: "HTTPS listener with an IAM server certificate",
			Mutate: func(f *fx) {
				legacyCLB(f).ListenerDescriptions[0].Listener.SSLCertificateId = awsv2.String("arn:aws:iam::444444444444:server-certificate/legacy")
			}, Resource: clbRes, Want: findings.Failed},
		docCase{Rule: "elb.clb-acm-certificate", Source: cfgDoc("elb-acm-certificate-required"), Quote: qCLBACMUse, Name: "only an HTTP listener",
			Mutate: func(f *fx) {
				l := legacyCLB(f).ListenerDescriptions[0].Listener
				l.Protocol, l.LoadBalancerPort, l.SSLCertificateId = awsv2.String("HTTP"), 80, nil
			}, Resource: clbRes, Want: findings.NotApplicable},

		// ELB.3
		docCase{Rule: "elb.clb-tls-listeners", Source: cfgDoc("elb-tls-https-listeners-only"), Quote: qCLBTLSOK, Name: "an HTTPS listener",
			Resource: clbRes, Want: findings.Passed},
		docCase{Rule: "elb.clb-tls-listeners", Source: cfgDoc("elb-tls-https-listeners-only"), Quote: qCLBTLSBad, Name: "an HTTPS and an HTTP listener",
			Mutate: func(f *fx) {
				lb := legacyCLB(f)
				lb.ListenerDescriptions = append(lb.ListenerDescriptions, elbtypes.ListenerDescription{Listener: &elbtypes.Listener{
					Protocol: awsv2.String("HTTP"), LoadBalancerPort: 80, InstanceProtocol: awsv2.String("HTTP"), InstancePort: awsv2.Int32(80)}})
			}, Resource: clbRes, Want: findings.Failed},
		docCase{Rule: "elb.clb-tls-listeners", Source: cfgDoc("elb-tls-https-listeners-only"), Quote: qCLBTLSNA, Name: "no listener",
			Mutate: func(f *fx) { legacyCLB(f).ListenerDescriptions = nil }, Resource: clbRes, Want: findings.NotApplicable},

		// ELB.7 (no Config rule; Security Hub's own check)
		docCase{Rule: "elb.clb-connection-draining", Source: shDoc("elb-controls"), Quote: qCLBDrain, Name: "connection draining on",
			Resource: clbRes, Want: findings.Passed},
		docCase{Rule: "elb.clb-connection-draining", Source: shDoc("elb-controls"), Quote: qCLBDrain, Name: "connection draining off",
			Mutate: func(f *fx) { legacyAttrs(f).ConnectionDraining.Enabled = false }, Resource: clbRes, Want: findings.Failed},
		docCase{Rule: "elb.clb-connection-draining", Source: shDoc("elb-controls"), Quote: qCLBDrain, Name: "no connection draining attribute",
			Mutate: func(f *fx) { legacyAttrs(f).ConnectionDraining = nil }, Resource: clbRes, Want: findings.Failed},

		// ELB.9
		docCase{Rule: "elb.clb-cross-zone", Source: cfgDoc("elb-cross-zone-load-balancing-enabled"), Quote: qCLBCross, Name: "cross-zone on",
			Resource: clbRes, Want: findings.Passed},
		docCase{Rule: "elb.clb-cross-zone", Source: cfgDoc("elb-cross-zone-load-balancing-enabled"), Quote: qCLBCross, Name: "cross-zone off",
			Mutate: func(f *fx) { legacyAttrs(f).CrossZoneLoadBalancing.Enabled = false }, Resource: clbRes, Want: findings.Failed},
		docCase{Rule: "elb.clb-cross-zone", Source: cfgDoc("elb-cross-zone-load-balancing-enabled"),
			Quote: "Checks if cross-zone load balancing is enabled for Classic Load Balancers.", Name: "a region without Classic Load Balancers",
			Mutate: noCLB, Want: findings.NotApplicable},

		// ELB.10 (minAvailabilityZones: the default, 2)
		docCase{Rule: "elb.clb-multi-az", Source: cfgDoc("clb-multiple-az"), Quote: qCLBMultiAZ, Name: "two zones",
			Resource: clbRes, Want: findings.Passed},
		docCase{Rule: "elb.clb-multi-az", Source: cfgDoc("clb-multiple-az"), Quote: qCLBMultiAZ, Name: "one zone",
			Mutate: func(f *fx) { legacyCLB(f).AvailabilityZones = legacyCLB(f).AvailabilityZones[:1] }, Resource: clbRes, Want: findings.Failed},
		docCase{Rule: "elb.clb-multi-az", Source: cfgDoc("clb-multiple-az"), Quote: qCLBMultiAZ, Name: "three zones",
			Mutate: func(f *fx) { legacyCLB(f).AvailabilityZones = append(legacyCLB(f).AvailabilityZones, region1+"c") }, Resource: clbRes, Want: findings.Passed},

		// ELB.14 (Security Hub's parameter: defensive, strictest)
		docCase{Rule: "elb.clb-desync-mitigation", Source: cfgDoc("clb-desync-mode-check"), Quote: qCLBDesync, Name: "defensive",
			Resource: clbRes, Want: findings.Passed},
		docCase{Rule: "elb.clb-desync-mitigation", Source: cfgDoc("clb-desync-mode-check"), Quote: qCLBDesync, Name: "strictest",
			Mutate: func(f *fx) { legacyAttrs(f).AdditionalAttributes[0].Value = awsv2.String("strictest") }, Resource: clbRes, Want: findings.Passed},
		docCase{Rule: "elb.clb-desync-mitigation", Source: cfgDoc("clb-desync-mode-check"), Quote: qCLBDesync, Name: "monitor",
			Mutate: func(f *fx) { legacyAttrs(f).AdditionalAttributes[0].Value = awsv2.String("monitor") }, Resource: clbRes, Want: findings.Failed},

		// ELB.5, the Classic half
		docCase{Rule: "elb.logging-enabled", Source: cfgDoc("elb-logging-enabled"), Quote: qELBLogClass, Name: "a Classic Load Balancer with access logs",
			Resource: clbRes, Want: findings.Passed},
		docCase{Rule: "elb.logging-enabled", Source: cfgDoc("elb-logging-enabled"), Quote: qELBLogClass, Name: "a Classic Load Balancer without access logs",
			Mutate: func(f *fx) { legacyAttrs(f).AccessLog.Enabled = false }, Resource: clbRes, Want: findings.Failed},
	)
}
