package demo

import (
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
)

// The facts behind the four rules of issue #19: instance types' EBS
// optimization support, Classic Load Balancers' SSL negotiation
// policies, EKS endpoint access, Lambda functions' subnets.

// instanceTypeFacts are DescribeInstanceTypes facts of the types the demo
// runs: every current type is EBS-optimized by default; the previous
// generation m3.xlarge can be, on request.
var instanceTypeFacts = map[ec2types.InstanceType]struct {
	current bool
	arch    ec2types.ArchitectureType
	vcpus   int32
	mem     int64
	support ec2types.EbsOptimizedSupport
}{
	ec2types.InstanceTypeM7gLarge:  {true, ec2types.ArchitectureTypeArm64, 2, 8192, ec2types.EbsOptimizedSupportDefault},
	ec2types.InstanceTypeT4gMedium: {true, ec2types.ArchitectureTypeArm64, 2, 4096, ec2types.EbsOptimizedSupportDefault},
	ec2types.InstanceTypeM3Xlarge:  {false, ec2types.ArchitectureTypeX8664, 4, 15360, ec2types.EbsOptimizedSupportSupported},
}

// instanceTypes answers DescribeInstanceTypes for the region's instances
// (an empty list without instances, as the collector stores it).
func instanceTypes(w *world, a *acct, rr *regionRes) []ec2types.InstanceTypeInfo {
	seen := map[ec2types.InstanceType]bool{}
	var names []string
	for _, in := range rr.instances {
		t := ec2Instance(a, rr.region, in, rr).InstanceType
		if !seen[t] {
			seen[t] = true
			names = append(names, string(t))
		}
	}
	sort.Strings(names)
	out := []ec2types.InstanceTypeInfo{}
	for _, n := range names {
		t := ec2types.InstanceType(n)
		f, ok := instanceTypeFacts[t]
		if !ok {
			panic("demo: no instance type facts for " + n)
		}
		out = append(out, ec2types.InstanceTypeInfo{InstanceType: t, CurrentGeneration: aws.Bool(f.current), BareMetal: aws.Bool(false),
			Hypervisor: ec2types.InstanceTypeHypervisorNitro, FreeTierEligible: aws.Bool(false),
			ProcessorInfo: &ec2types.ProcessorInfo{SupportedArchitectures: []ec2types.ArchitectureType{f.arch}},
			VCpuInfo:      &ec2types.VCpuInfo{DefaultVCpus: aws.Int32(f.vcpus)}, MemoryInfo: &ec2types.MemoryInfo{SizeInMiB: aws.Int64(f.mem)},
			EbsInfo: &ec2types.EbsInfo{EbsOptimizedSupport: f.support, EncryptionSupport: ec2types.EbsEncryptionSupportSupported,
				NvmeSupport: ec2types.EbsNvmeSupportRequired}})
		if !f.current {
			last := &out[len(out)-1]
			last.Hypervisor, last.EbsInfo.NvmeSupport = ec2types.InstanceTypeHypervisorXen, ec2types.EbsNvmeSupportUnsupported
		}
	}
	return out
}

const clbStrongPolicy = "ELBSecurityPolicy-TLS-1-2-2017-01"

// clbPolicyName is the name of the load balancer's SSL negotiation
// policy: the console names it after the predefined policy it copies.
func clbPolicyName(lb *classicLB) string {
	if lb.tlsPolicy == "" {
		return clbStrongPolicy
	}
	return lb.tlsPolicy
}

func clbSSLPolicy(lb *classicLB) elbtypes.PolicyDescription {
	attr := func(k, v string) elbtypes.PolicyAttributeDescription {
		return elbtypes.PolicyAttributeDescription{AttributeName: aws.String(k), AttributeValue: aws.String(v)}
	}
	attrs := []elbtypes.PolicyAttributeDescription{attr("Reference-Security-Policy", clbPolicyName(lb)),
		attr("Protocol-TLSv1", "false"), attr("Protocol-TLSv1.1", "false"), attr("Protocol-TLSv1.2", "true"), attr("Server-Defined-Cipher-Order", "true")}
	if lb.tlsPolicy != "" { // the 2016-08 policy still offers TLS 1.0 and 1.1
		attrs[1], attrs[2] = attr("Protocol-TLSv1", "true"), attr("Protocol-TLSv1.1", "true")
	}
	return elbtypes.PolicyDescription{PolicyName: aws.String(clbPolicyName(lb)), PolicyTypeName: aws.String("SSLNegotiationPolicyType"),
		PolicyAttributeDescriptions: attrs}
}

// eksVPCConfig is a cluster's network settings: the account's first VPC,
// a private endpoint, and a public one only for a planted cluster.
func eksVPCConfig(rr *regionRes, c *eksCluster) *ekstypes.VpcConfigResponse {
	vc := &ekstypes.VpcConfigResponse{EndpointPrivateAccess: true, EndpointPublicAccess: c.public,
		PublicAccessCidrs: []string{"0.0.0.0/0"}, SubnetIds: []string{}, SecurityGroupIds: []string{}}
	if len(rr.vpcs) > 0 {
		vc.VpcId, vc.SubnetIds = aws.String(rr.vpcs[0].id), rr.vpcs[0].subnets
	}
	return vc
}

func init() {
	plants["lambda-single-az"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		f := &function{name: a.Name + "-ingest", singleAZ: true, role: w.roleARN(a, a.system+"-app")}
		rr := w.region(a, home)
		rr.functions = append(rr.functions, f)
		return v(a, home, fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", home, a.Id, f.name), "LAMBDA_VPC_MULTI_AZ_CHECK")
	}}
	plants["elb-classic-old-tls-policy"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		lb := &classicLB{name: a.Name + "-legacy-partner", certARN: webLoadBalancer(w, a).certARN, crossZone: true,
			created: End.AddDate(-4, 0, 0), tlsPolicy: "ELBSecurityPolicy-2016-08"}
		w.region(a, home).clbs = append(w.region(a, home).clbs, lb)
		return v(a, home, classicARN(a, home, lb.name), "ELB_PREDEFINED_SECURITY_POLICY_SSL_CHECK")
	}}
	plants["eks-public-endpoint"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		c := &eksCluster{name: a.Name + "-platform", version: "1.33", created: End.AddDate(0, -4, 0), public: true}
		w.region(a, home).ctr.eks = append(w.region(a, home).ctr.eks, c)
		return v(a, home, fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", home, a.Id, c.name), "EKS_ENDPOINT_NO_PUBLIC_ACCESS")
	}}
	plants["compute-not-ebs-optimized"] = plant{workload: true, fn: func(w *world, a *acct) []violation {
		home := w.homeRegion(a)
		in := w.region(a, home).instances[0]
		in.legacyType = true
		return v(a, home, fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", home, a.Id, in.id), "EBS_OPTIMIZED_INSTANCE")
	}}
	for _, p := range []string{"lambda-single-az", "elb-classic-old-tls-policy", "eks-public-endpoint", "compute-not-ebs-optimized"} {
		keptOutOfSynthetic[p] = true
	}
	kumoPlants = append(kumoPlants,
		struct{ account, plant string }{"orders-prod", "lambda-single-az"},
		struct{ account, plant string }{"loyalty-prod", "elb-classic-old-tls-policy"},
		struct{ account, plant string }{"payments-staging", "eks-public-endpoint"},
		struct{ account, plant string }{"loyalty-staging", "compute-not-ebs-optimized"},
	)
}
