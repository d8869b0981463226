package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func init() {
	collectors["elbv2"] = collectELBv2
	collectors["acm"] = collectACM
	collectors["elb"] = collectClassicELB
}

// collectClassicELB reads the region's Classic Load Balancers, their
// attributes and their policies.
func collectClassicELB(j *job) {
	c := elb.NewFromConfig(j.cfg)
	lbs := once(j, "DescribeLoadBalancers", func(ctx context.Context) (*elb.DescribeLoadBalancersOutput, error) {
		p := elb.NewDescribeLoadBalancersPaginator(c, &elb.DescribeLoadBalancersInput{})
		return allPages(ctx, &elb.DescribeLoadBalancersOutput{}, p.HasMorePages, p.NextPage)
	})
	if lbs == nil {
		return
	}
	fanOut(j, lbs.LoadBalancerDescriptions, func(lb elbtypes.LoadBalancerDescription) {
		each(j, "DescribeLoadBalancerAttributes", aws.ToString(lb.LoadBalancerName), func(ctx context.Context) (*elb.DescribeLoadBalancerAttributesOutput, error) {
			return c.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: lb.LoadBalancerName})
		})
		// The load balancer's own policies: the listeners' PolicyNames
		// point at them, and an SSL negotiation policy names the
		// predefined security policy it copies (Reference-Security-Policy).
		each(j, "DescribeLoadBalancerPolicies", aws.ToString(lb.LoadBalancerName), func(ctx context.Context) (*elb.DescribeLoadBalancerPoliciesOutput, error) {
			return c.DescribeLoadBalancerPolicies(ctx, &elb.DescribeLoadBalancerPoliciesInput{LoadBalancerName: lb.LoadBalancerName})
		})
	})
}

// collectELBv2 reads the region's Application, Network and Gateway Load
// Balancers with their attributes and listeners.
func collectELBv2(j *job) {
	c := elbv2.NewFromConfig(j.cfg)
	lbs := once(j, "DescribeLoadBalancers", func(ctx context.Context) (*elbv2.DescribeLoadBalancersOutput, error) {
		p := elbv2.NewDescribeLoadBalancersPaginator(c, &elbv2.DescribeLoadBalancersInput{})
		return allPages(ctx, &elbv2.DescribeLoadBalancersOutput{}, p.HasMorePages, p.NextPage)
	})
	if lbs == nil {
		return
	}
	fanOut(j, lbs.LoadBalancers, func(lb elbv2types.LoadBalancer) {
		arn := aws.ToString(lb.LoadBalancerArn)
		each(j, "DescribeLoadBalancerAttributes", arn, func(ctx context.Context) (*elbv2.DescribeLoadBalancerAttributesOutput, error) {
			return c.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn})
		})
		each(j, "DescribeListeners", arn, func(ctx context.Context) (*elbv2.DescribeListenersOutput, error) {
			p := elbv2.NewDescribeListenersPaginator(c, &elbv2.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
			return allPages(ctx, &elbv2.DescribeListenersOutput{}, p.HasMorePages, p.NextPage)
		})
	})
}

// collectACM reads the region's certificates of every key type (ACM
// lists only RSA_2048 ones unless asked) and their details. Certificate
// bodies and private keys are never read.
func collectACM(j *job) {
	c := acm.NewFromConfig(j.cfg)
	cs := once(j, "ListCertificates", func(ctx context.Context) (*acm.ListCertificatesOutput, error) {
		in := &acm.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: acmtypes.KeyAlgorithm("").Values()}}
		p := acm.NewListCertificatesPaginator(c, in)
		return allPages(ctx, &acm.ListCertificatesOutput{}, p.HasMorePages, p.NextPage)
	})
	if cs == nil {
		return
	}
	fanOut(j, cs.CertificateSummaryList, func(s acmtypes.CertificateSummary) {
		each(j, "DescribeCertificate", aws.ToString(s.CertificateArn), func(ctx context.Context) (*acm.DescribeCertificateOutput, error) {
			return c.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: s.CertificateArn})
		})
	})
}
