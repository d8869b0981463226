package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// issue19Baseline makes the region compliant with the four rules of
// issue #19 (runs after the ec2, ec2net, lambda, elb and containers
// baselines): the VPC gets a second subnet in another zone and the
// function runs in both; the EKS cluster's endpoint is private; the
// Classic Load Balancer's HTTPS listener uses an SSL negotiation policy
// copied from ELBSecurityPolicy-TLS-1-2-2017-01; the instance is an
// m5.large, EBS-optimized by default.
func (f *fx) issue19Baseline(a, r string) {
	sn := op[ec2.DescribeSubnetsOutput](f, a, r, "ec2", "DescribeSubnets")
	sn.Subnets[0].AvailabilityZone = awsv2.String(r + "a")
	second := sn.Subnets[0]
	second.SubnetId, second.SubnetArn = awsv2.String("subnet-0002"), awsv2.String("arn:aws:ec2:"+r+":"+a+":subnet/subnet-0002")
	second.CidrBlock, second.AvailabilityZone = awsv2.String("10.0.2.0/24"), awsv2.String(r+"b")
	sn.Subnets = append(sn.Subnets, second)
	fn := &op[lambda.ListFunctionsOutput](f, a, r, "lambda", "ListFunctions").Functions[0]
	fn.VpcConfig.VpcId, fn.VpcConfig.SubnetIds = sn.Subnets[0].VpcId, []string{"subnet-0001", "subnet-0002"}

	res[eks.DescribeClusterOutput](f, a, r, "eks", "DescribeCluster", "platform").Cluster.ResourcesVpcConfig = &ekstypes.VpcConfigResponse{
		VpcId: sn.Subnets[0].VpcId, SubnetIds: []string{"subnet-0001", "subnet-0002"}, EndpointPublicAccess: false, EndpointPrivateAccess: true}

	clb := &op[elb.DescribeLoadBalancersOutput](f, a, r, "elb", "DescribeLoadBalancers").LoadBalancerDescriptions[0]
	clb.ListenerDescriptions[0].PolicyNames = []string{"tls12-policy"}
	f.setRes(a, r, "elb", "DescribeLoadBalancerPolicies", "legacy", &elb.DescribeLoadBalancerPoliciesOutput{PolicyDescriptions: []elbtypes.PolicyDescription{
		sslPolicy("tls12-policy", clbStrongPolicy),
		{PolicyName: awsv2.String("sticky"), PolicyTypeName: awsv2.String("LBCookieStickinessPolicyType"),
			PolicyAttributeDescriptions: []elbtypes.PolicyAttributeDescription{{AttributeName: awsv2.String("CookieExpirationPeriod"), AttributeValue: awsv2.String("60")}}}}})

	in := &op[ec2.DescribeInstancesOutput](f, a, r, "ec2", "DescribeInstances").Reservations[0].Instances[0]
	in.InstanceType, in.EbsOptimized = ec2types.InstanceTypeM5Large, awsv2.Bool(false)
	f.set(a, r, "ec2", "DescribeInstanceTypes", &ec2.DescribeInstanceTypesOutput{InstanceTypes: []ec2types.InstanceTypeInfo{
		instanceTypeInfo(ec2types.InstanceTypeM5Large, ec2types.EbsOptimizedSupportDefault),
		instanceTypeInfo(ec2types.InstanceTypeM3Xlarge, ec2types.EbsOptimizedSupportSupported),
		instanceTypeInfo(ec2types.InstanceTypeT2Micro, ec2types.EbsOptimizedSupportUnsupported)}})
}

// sslPolicy is an SSL negotiation policy that copies a predefined one
// ("" for a custom policy: protocols only).
func sslPolicy(name, reference string) elbtypes.PolicyDescription {
	attrs := []elbtypes.PolicyAttributeDescription{{AttributeName: awsv2.String("Protocol-TLSv1.2"), AttributeValue: awsv2.String("true")}}
	if reference != "" {
		attrs = append([]elbtypes.PolicyAttributeDescription{{AttributeName: awsv2.String("Reference-Security-Policy"), AttributeValue: awsv2.String(reference)}}, attrs...)
	}
	return elbtypes.PolicyDescription{PolicyName: awsv2.String(name), PolicyTypeName: awsv2.String("SSLNegotiationPolicyType"), PolicyAttributeDescriptions: attrs}
}

func instanceTypeInfo(t ec2types.InstanceType, s ec2types.EbsOptimizedSupport) ec2types.InstanceTypeInfo {
	return ec2types.InstanceTypeInfo{InstanceType: t, EbsInfo: &ec2types.EbsInfo{EbsOptimizedSupport: s}}
}

// Accessors for the cases.
func fxFunction(f *fx) *lambda.ListFunctionsOutput {
	return op[lambda.ListFunctionsOutput](f, acctW, region1, "lambda", "ListFunctions")
}

func fxCLBPolicies(f *fx) *elb.DescribeLoadBalancerPoliciesOutput {
	return res[elb.DescribeLoadBalancerPoliciesOutput](f, acctW, region1, "elb", "DescribeLoadBalancerPolicies", "legacy")
}

func fxWebInstance(f *fx) *ec2types.Instance {
	return &op[ec2.DescribeInstancesOutput](f, acctW, region1, "ec2", "DescribeInstances").Reservations[0].Instances[0]
}
