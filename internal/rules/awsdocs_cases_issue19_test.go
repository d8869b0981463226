package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// AWS's text for the four rules of issue #19.
const (
	qLambdaAZ      = "The rule is NON_COMPLIANT if only 1 availability zone is associated with the Lambda or the number of availability zones associated is less than number specified in the optional parameter."
	qLambdaAZCheck = "Checks if Lambda has more than 1 availability zone associated."
	qCLBPolicy     = "The rule is NON_COMPLIANT if the Classic Load Balancer HTTPS/SSL listener's policy does not equal the value of the parameter 'predefinedPolicyName'."
	qELB8          = "The control fails if the Classic Load Balancer HTTPS/SSL listeners do not use ELBSecurityPolicy-TLS-1-2-2017-01."
	qEKSPublic     = "The rule is NON_COMPLIANT if the endpoint is publicly accessible."
	qEBSOpt        = "The rule is NON_COMPLIANT if EBS optimization is not enabled for an Amazon EC2 instance that can be EBS-optimized."
	qEBSOptDefault = "EC2 instances which are EBS-optimized by default always result in rule evaluations returning COMPLIANT."
)

func init() {
	failCases["lambda.vpc-multi-az"] = func(f *fx) { fxFunction(f).Functions[0].VpcConfig.SubnetIds = []string{"subnet-0001"} }
	failCases["elb.clb-predefined-tls-policy"] = func(f *fx) {
		fxCLBPolicies(f).PolicyDescriptions[0] = sslPolicy("tls12-policy", "ELBSecurityPolicy-2016-08")
	}
	failCases["eks.endpoint-not-public"] = func(f *fx) {
		vc := fxEKS(f).ResourcesVpcConfig
		vc.EndpointPublicAccess, vc.PublicAccessCidrs = true, []string{"0.0.0.0/0"}
	}
	failCases["ec2.ebs-optimized"] = func(f *fx) { fxWebInstance(f).InstanceType = ec2types.InstanceTypeM3Xlarge }

	const fn, lb, cl, inst = "function:fn", "loadbalancer/legacy", "cluster/platform", "instance/i-0001"
	lambdaDoc, elbDoc := cfgDoc("lambda-vpc-multi-az-check"), cfgDoc("elb-predefined-security-policy-ssl-check")
	eksDoc, ebsDoc := cfgDoc("eks-endpoint-no-public-access"), cfgDoc("ebs-optimized-instance")
	addDocCases(
		// Lambda.5
		docCase{Rule: "lambda.vpc-multi-az", Source: lambdaDoc, Quote: qLambdaAZ, Name: "subnets in two zones",
			Resource: fn, Want: findings.Passed},
		docCase{Rule: "lambda.vpc-multi-az", Source: lambdaDoc, Quote: qLambdaAZ, Name: "one subnet, one zone",
			Mutate: failCases["lambda.vpc-multi-az"], Resource: fn, Want: findings.Failed},
		docCase{Rule: "lambda.vpc-multi-az", Source: lambdaDoc, Quote: qLambdaAZ, Name: "two subnets of the same zone",
			Mutate: func(f *fx) {
				netSubnet(f).AvailabilityZone = awsv2.String(region1 + "b")
			}, Resource: fn, Want: findings.Failed},
		docCase{Rule: "lambda.vpc-multi-az", Source: lambdaDoc, Quote: qLambdaAZCheck, Name: "a function outside any VPC",
			Mutate: func(f *fx) { fxFunction(f).Functions[0].VpcConfig = nil }, Resource: fn, Want: findings.NotApplicable},

		// ELB.8
		docCase{Rule: "elb.clb-predefined-tls-policy", Source: elbDoc, Quote: qCLBPolicy, Name: "HTTPS listener on a copy of ELBSecurityPolicy-TLS-1-2-2017-01",
			Resource: lb, Want: findings.Passed},
		docCase{Rule: "elb.clb-predefined-tls-policy", Source: elbDoc, Quote: qCLBPolicy, Name: "HTTPS listener on ELBSecurityPolicy-2016-08 (the default)",
			Mutate: failCases["elb.clb-predefined-tls-policy"], Resource: lb, Want: findings.Failed},
		docCase{Rule: "elb.clb-predefined-tls-policy", Source: shDoc("elb-controls"), Quote: qELB8, Name: "a custom policy (protocols and ciphers chosen by hand)",
			Mutate: func(f *fx) { fxCLBPolicies(f).PolicyDescriptions[0] = sslPolicy("tls12-policy", "") }, Resource: lb, Want: findings.Failed},
		docCase{Rule: "elb.clb-predefined-tls-policy", Source: elbDoc, Quote: qCLBPolicy, Name: "a second SSL listener without the policy",
			Mutate: func(f *fx) {
				legacyCLB(f).ListenerDescriptions = append(legacyCLB(f).ListenerDescriptions, elbtypes.ListenerDescription{Listener: &elbtypes.Listener{
					Protocol: awsv2.String("SSL"), LoadBalancerPort: 8443, InstanceProtocol: awsv2.String("TCP"), InstancePort: awsv2.Int32(8443)}})
			}, Resource: lb, Want: findings.Failed},
		docCase{Rule: "elb.clb-predefined-tls-policy", Source: shDoc("elb-controls"), Quote: qELB8, Name: "HTTP listener only",
			Mutate: func(f *fx) { legacyCLB(f).ListenerDescriptions[0].Listener.Protocol = awsv2.String("HTTP") }, Resource: lb, Want: findings.NotApplicable},

		// EKS.1
		docCase{Rule: "eks.endpoint-not-public", Source: eksDoc, Quote: qEKSPublic, Name: "private endpoint only",
			Resource: cl, Want: findings.Passed},
		docCase{Rule: "eks.endpoint-not-public", Source: eksDoc, Quote: qEKSPublic, Name: "public endpoint open to 0.0.0.0/0",
			Mutate: failCases["eks.endpoint-not-public"], Resource: cl, Want: findings.Failed},
		docCase{Rule: "eks.endpoint-not-public", Source: eksDoc, Quote: qEKSPublic, Name: "public endpoint limited to one CIDR (still public)",
			Mutate: func(f *fx) {
				vc := fxEKS(f).ResourcesVpcConfig
				vc.EndpointPublicAccess, vc.PublicAccessCidrs = true, []string{"203.0.113.0/24"}
			}, Resource: cl, Want: findings.Failed},
		docCase{Rule: "eks.endpoint-not-public", Source: eksDoc, Quote: qEKSPublic, Name: "no clusters",
			Mutate: func(f *fx) { op[eks.ListClustersOutput](f, acctW, region1, "eks", "ListClusters").Clusters = nil }, Want: findings.NotApplicable},

		// EBS_OPTIMIZED_INSTANCE
		docCase{Rule: "ec2.ebs-optimized", Source: ebsDoc, Quote: qEBSOptDefault, Name: "m5.large (EBS-optimized by default) with the flag off",
			Resource: inst, Want: findings.Passed},
		docCase{Rule: "ec2.ebs-optimized", Source: ebsDoc, Quote: qEBSOpt, Name: "m3.xlarge (can be optimized) not optimized",
			Mutate: failCases["ec2.ebs-optimized"], Resource: inst, Want: findings.Failed},
		docCase{Rule: "ec2.ebs-optimized", Source: ebsDoc, Quote: qEBSOpt, Name: "m3.xlarge optimized",
			Mutate: func(f *fx) {
				fxWebInstance(f).InstanceType, fxWebInstance(f).EbsOptimized = ec2types.InstanceTypeM3Xlarge, awsv2.Bool(true)
			}, Resource: inst, Want: findings.Passed},
		docCase{Rule: "ec2.ebs-optimized", Source: ebsDoc, Quote: qEBSOpt, Name: "t2.micro (cannot be optimized)",
			Mutate: func(f *fx) { fxWebInstance(f).InstanceType = ec2types.InstanceTypeT2Micro }, Resource: inst, Want: findings.NotApplicable},
	)
}
