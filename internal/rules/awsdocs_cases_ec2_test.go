package rules

import (
	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
)

// Documented outcomes of the EC2 account settings and the all-traffic
// security group rule.
const (
	qSnapBPA     = "Checks if block public access is enabled for Amazon EBS snapshots in an AWS Region. The rule is NON_COMPLIANT if block public access is not enabled for all public sharing of EBS snapshots in an AWS Region."
	qSnapNew     = "block-new-sharing - Only new public sharing of snapshots is blocked. Users in the account can't request new public sharing. However, snapshots that were already publicly shared, remain publicly available."
	qImageBPA    = "block-new-sharing - Any attempt to publicly share your AMIs in the specified Region is blocked. unblocked - Your AMIs in the specified Region can be publicly shared (GetImageBlockPublicAccessState; paraphrase)."
	qEC2x54      = "[EC2.54] EC2 security groups should not allow ingress from ::/0 to remote server administration ports: the control fails if the security group allows ingress from ::/0 to port 22 or port 3389 (CIS v3.0.0 5.3; paraphrase)."
	qSSHv6       = "The rule is COMPLIANT when IP addresses of the incoming SSH traffic in the security groups are restricted (CIDR other than 0.0.0.0/0 or ::/0)."
	snapStateDoc = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetSnapshotBlockPublicAccessState.html"
	imageBPADoc  = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetImageBlockPublicAccessState.html"
)

func snapBPA(f *fx, region string) *ec2.GetSnapshotBlockPublicAccessStateOutput {
	return op[ec2.GetSnapshotBlockPublicAccessStateOutput](f, acctW, region, "ec2", "GetSnapshotBlockPublicAccessState")
}

func imageBPA(f *fx, region string) *ec2.GetImageBlockPublicAccessStateOutput {
	return op[ec2.GetImageBlockPublicAccessStateOutput](f, acctW, region, "ec2", "GetImageBlockPublicAccessState")
}

func allTraffic(cidr string) ec2types.IpPermission {
	p := ec2types.IpPermission{IpProtocol: awsv2.String("-1")}
	if cidr == "::/0" {
		p.Ipv6Ranges = []ec2types.Ipv6Range{{CidrIpv6: awsv2.String(cidr)}}
	} else {
		p.IpRanges = []ec2types.IpRange{{CidrIp: awsv2.String(cidr)}}
	}
	return p
}

func init() {
	snap, ec2ctl := cfgDoc("ebs-snapshot-block-public-access"), shDoc("ec2-controls")
	addDocCases(
		// EBS_SNAPSHOT_BLOCK_PUBLIC_ACCESS
		docCase{Rule: "ec2.snapshot-block-public-access", Source: snap, Quote: qSnapBPA, Name: "unblocked",
			Mutate: func(f *fx) { snapBPA(f, region1).State = ec2types.SnapshotBlockPublicAccessStateUnblocked }, Want: findings.Failed},
		docCase{Rule: "ec2.snapshot-block-public-access", Source: snap, Quote: qSnapBPA, Name: "block-all-sharing", Want: findings.Passed},
		docCase{Rule: "ec2.snapshot-block-public-access", Source: snapStateDoc, Quote: qSnapNew, Name: "block-new-sharing only",
			Mutate: func(f *fx) { snapBPA(f, region1).State = ec2types.SnapshotBlockPublicAccessStateBlockNewSharing }, Want: findings.Failed},

		// AMI block public access
		docCase{Rule: "ec2.image-block-public-access", Source: imageBPADoc, Quote: qImageBPA, Name: "unblocked",
			Mutate: func(f *fx) { imageBPA(f, region1).ImageBlockPublicAccessState = awsv2.String("unblocked") }, Want: findings.Failed},
		docCase{Rule: "ec2.image-block-public-access", Source: imageBPADoc, Quote: qImageBPA, Name: "block-new-sharing", Want: findings.Passed},
		docCase{Rule: "ec2.image-block-public-access", Source: imageBPADoc, Quote: qImageBPA, Name: "unblocked in a second region",
			Mutate: func(f *fx) {
				f.regions[acctW] = append(f.regions[acctW], "eu-west-1")
				f.baselineRegion(acctW, "eu-west-1")
				imageBPA(f, "eu-west-1").ImageBlockPublicAccessState = awsv2.String("unblocked")
			}, Want: findings.Failed},

		// All traffic from anywhere (CIS 5.3 for ::/0)
		docCase{Rule: "ec2.sg-all-traffic-restricted", Source: ec2ctl, Quote: qEC2x54, Name: "all traffic from ::/0",
			Mutate: func(f *fx) { addRule(f, 1, allTraffic("::/0")) }, Resource: "sg-0app", Want: findings.Failed},
		docCase{Rule: "ec2.sg-all-traffic-restricted", Source: ec2ctl, Quote: qEC2x54, Name: "only 443 from anywhere", Resource: "sg-0app", Want: findings.Passed},
		docCase{Rule: "ec2.sg-all-traffic-restricted", Source: ec2ctl, Quote: qEC2x54, Name: "all traffic from a private range",
			Mutate: func(f *fx) { addRule(f, 1, allTraffic("10.0.0.0/8")) }, Resource: "sg-0app", Want: findings.Passed},

		// EC2.13 over IPv6
		docCase{Rule: "ec2.sg-ssh-restricted", Source: cfgDoc("restricted-ssh"), Quote: qSSHv6, Name: "22 open to ::/0",
			Mutate: func(f *fx) { addRule(f, 1, tcp(22, 22, "::/0")) }, Resource: "sg-0app", Want: findings.Failed},
	)
}
