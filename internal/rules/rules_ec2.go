package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

const (
	typeSG       = "AWS::EC2::SecurityGroup"
	typeInstance = "AWS::EC2::Instance"
)

func init() {
	register(
		&Rule{ID: "ec2.ebs-default-encryption", Title: "EBS encryption by default is on", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"ec2"}, Fix: "ebs-default-encryption",
			Rationale:   "With encryption by default, every new volume and snapshot is encrypted whoever creates it.",
			Remediation: "Enable EBS encryption by default in every region (aws ec2 enable-ebs-encryption-by-default).",
			Mappings:    findings.Mappings{ConfigRule: "EC2_EBS_ENCRYPTION_BY_DEFAULT", SecurityHub: "EC2.7", CIS: "2.2.1", NistCsf: "PR.DS"},
			check:       checkEBSDefault},
		&Rule{ID: "ec2.sg-ssh-restricted", Title: "Security groups do not allow SSH from anywhere", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeSG, Services: []string{"ec2"},
			Rationale:   "SSH open to 0.0.0.0/0 or ::/0 is scanned and brute-forced within minutes.",
			Remediation: "Remove the ingress rule for port 22 from 0.0.0.0/0 and ::/0; use Session Manager or a narrow CIDR.",
			Mappings: findings.Mappings{ConfigRule: "INCOMING_SSH_DISABLED", SecurityHub: "EC2.13", CIS: "5.2", NistCsf: "PR.IR",
				ControlTower: "AWS-GR_RESTRICTED_SSH"},
			check: func(c *Ctx) error { return checkSGPorts(c, []int32{22}) }},
		&Rule{ID: "ec2.sg-common-ports-restricted", Title: "Security groups do not allow RDP and other common ports from anywhere", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeSG, Services: []string{"ec2"},
			Rationale:   "RDP (3389), FTP (20, 21), MySQL (3306) and 4333 open to the internet invite brute force and exploits.",
			Remediation: "Remove ingress rules for ports 20, 21, 3389, 3306 and 4333 from 0.0.0.0/0 and ::/0.",
			Mappings: findings.Mappings{ConfigRule: "RESTRICTED_INCOMING_TRAFFIC", SecurityHub: "EC2.14", CIS: "5.2", NistCsf: "PR.IR",
				ControlTower: "AWS-GR_RESTRICTED_COMMON_PORTS"},
			check: func(c *Ctx) error { return checkSGPorts(c, []int32{20, 21, 3389, 3306, 4333}) }},
		&Rule{ID: "ec2.sg-all-traffic-restricted", Title: "Security groups do not allow all traffic from anywhere", Severity: severity.Critical,
			Scope: ScopeRegion, ResourceType: typeSG, Services: []string{"ec2"},
			Rationale:   "A rule allowing every protocol and port from the internet exposes every service the instance runs.",
			Remediation: "Replace the all-traffic ingress rule with rules for the ports the application serves.",
			Mappings:    findings.Mappings{CIS: "5.3", NistCsf: "PR.IR"},
			check:       checkSGAll},
		&Rule{ID: "ec2.sg-authorized-ports-only", Title: "Security groups open to anywhere allow only ports 80 and 443", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeSG, Services: []string{"ec2"},
			Rationale:   "Only web ports are meant to face the internet; anything else open to 0.0.0.0/0 or ::/0 is an exposure.",
			Remediation: "Remove ingress rules from 0.0.0.0/0 and ::/0 except TCP 80 and 443.",
			Mappings:    findings.Mappings{ConfigRule: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", SecurityHub: "EC2.18", NistCsf: "PR.IR"},
			check:       checkSGAuthorized},
		&Rule{ID: "ec2.default-sg-closed", Title: "Default security groups allow no traffic", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeSG, Services: []string{"ec2"}, Fix: "ec2-close-default-sg",
			Rationale:   "Resources launched without a security group land in the default one; it should let nothing in or out.",
			Remediation: "Remove every inbound and outbound rule of the VPC's default security group.",
			Mappings:    findings.Mappings{ConfigRule: "VPC_DEFAULT_SECURITY_GROUP_CLOSED", SecurityHub: "EC2.2", CIS: "5.4", NistCsf: "PR.IR"},
			check:       checkDefaultSG},
		&Rule{ID: "ec2.nacl-admin-ports-restricted", Title: "Network ACLs do not allow SSH or RDP from anywhere", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::NetworkAcl", Services: []string{"ec2"},
			Rationale:   "A NACL allowing 22 or 3389 from the internet leaves security groups as the only barrier.",
			Remediation: "Add NACL deny entries (or remove allow entries) for ports 22 and 3389 from 0.0.0.0/0 and ::/0.",
			Mappings:    findings.Mappings{ConfigRule: "NACL_NO_UNRESTRICTED_SSH_RDP", SecurityHub: "EC2.21", CIS: "5.1", NistCsf: "PR.IR"},
			check:       checkNACL},
		&Rule{ID: "ec2.vpc-flow-logs", Title: "VPC flow logs are enabled", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: "AWS::EC2::VPC", Services: []string{"ec2"},
			Rationale:   "Flow logs are the network record investigations and GuardDuty-style detections rely on.",
			Remediation: "Create a flow log for the VPC delivering to the Log Archive bucket or CloudWatch Logs.",
			Mappings:    findings.Mappings{ConfigRule: "VPC_FLOW_LOGS_ENABLED", SecurityHub: "EC2.6", CIS: "3.7", NistCsf: "DE.CM"},
			check:       checkFlowLogs},
		&Rule{ID: "ec2.imdsv2-required", Title: "EC2 instances require IMDSv2", Severity: severity.High,
			Scope: ScopeRegion, ResourceType: typeInstance, Services: []string{"ec2"},
			Rationale:   "IMDSv1 lets a server-side request forgery read the instance role's credentials.",
			Remediation: "Set HttpTokens=required on the instance (aws ec2 modify-instance-metadata-options) and in launch templates.",
			Mappings:    findings.Mappings{ConfigRule: "EC2_IMDSV2_CHECK", SecurityHub: "EC2.8", CIS: "5.6", NistCsf: "PR.PS"},
			check:       checkIMDSv2},
		&Rule{ID: "ec2.instance-no-public-ip", Title: "EC2 instances have no public IPv4 address", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeInstance, Services: []string{"ec2"},
			Rationale:   "Instances reachable from the internet should sit behind a load balancer, not be addressed directly.",
			Remediation: "Launch instances in private subnets; publish services through a load balancer or CloudFront.",
			Mappings: findings.Mappings{ConfigRule: "EC2_INSTANCE_NO_PUBLIC_IP", SecurityHub: "EC2.9", NistCsf: "PR.IR",
				ControlTower: "AWS-GR_EC2_INSTANCE_NO_PUBLIC_IP"},
			check: checkPublicIP},
		&Rule{ID: "ec2.snapshot-block-public-access", Title: "EBS snapshot block public access is on", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"ec2"},
			Rationale:   "Blocking public sharing of snapshots at the region level stops disk images leaking by a wrong click.",
			Remediation: "Enable block public access for snapshots (aws ec2 enable-snapshot-block-public-access --state block-all-sharing).",
			Mappings:    findings.Mappings{ConfigRule: "EBS_SNAPSHOT_BLOCK_PUBLIC_ACCESS", NistCsf: "PR.DS"},
			check:       checkSnapshotBPA},
		&Rule{ID: "ec2.image-block-public-access", Title: "AMI block public access is on", Severity: severity.Medium,
			Scope: ScopeRegion, ResourceType: typeAccount, Services: []string{"ec2"},
			Rationale:   "Blocking public sharing of AMIs stops images with embedded secrets from being published.",
			Remediation: "Enable block public access for AMIs (aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing).",
			Mappings:    findings.Mappings{NistCsf: "PR.DS"},
			check:       checkImageBPA},
	)
}

func checkEBSDefault(c *Ctx) error {
	out, err := get[ec2.GetEbsEncryptionByDefaultOutput](c.v, c.Region, "ec2", "GetEbsEncryptionByDefault")
	if err != nil {
		return err
	}
	c.Check(boolv(out.EbsEncryptionByDefault), "", "EBS encryption by default is on", "EBS encryption by default is off in "+c.Region)
	return nil
}

// securityGroups returns the region's security groups.
func securityGroups(c *Ctx) ([]ec2types.SecurityGroup, error) {
	out, err := get[ec2.DescribeSecurityGroupsOutput](c.v, c.Region, "ec2", "DescribeSecurityGroups")
	if err != nil {
		return nil, err
	}
	if len(out.SecurityGroups) == 0 {
		c.NA("", "no security groups in %s", c.Region)
	}
	return out.SecurityGroups, nil
}

func sgArn(c *Ctx, g ec2types.SecurityGroup) string {
	if a := aws(g.SecurityGroupArn); a != "" {
		return a
	}
	return c.arn("ec2", c.Region, c.Account.Id, "security-group/"+aws(g.GroupId))
}

// openSources lists the anywhere CIDRs of a permission.
func openSources(p ec2types.IpPermission) []string {
	var out []string
	for _, r := range p.IpRanges {
		if aws(r.CidrIp) == "0.0.0.0/0" {
			out = append(out, "0.0.0.0/0")
		}
	}
	for _, r := range p.Ipv6Ranges {
		if aws(r.CidrIpv6) == "::/0" {
			out = append(out, "::/0")
		}
	}
	return out
}

// coversPort reports whether a permission admits TCP traffic to port.
func coversPort(p ec2types.IpPermission, port int32) bool {
	proto := aws(p.IpProtocol)
	if proto == "-1" || proto == "all" {
		return true
	}
	if proto != "tcp" && proto != "6" {
		return false
	}
	if p.FromPort == nil || p.ToPort == nil {
		return true
	}
	return *p.FromPort <= port && port <= *p.ToPort
}

func checkSGPorts(c *Ctx, ports []int32) error {
	sgs, err := securityGroups(c)
	if err != nil {
		return err
	}
	for _, g := range sgs {
		var open []string
		for _, p := range g.IpPermissions {
			src := openSources(p)
			if len(src) == 0 {
				continue
			}
			for _, port := range ports {
				if coversPort(p, port) {
					open = append(open, fmt.Sprintf("%d from %s", port, strings.Join(src, ",")))
				}
			}
		}
		c.Check(len(open) == 0, sgArn(c, g), "no admin port open to anywhere",
			fmt.Sprintf("%s (%s) allows %s", aws(g.GroupId), aws(g.GroupName), strings.Join(dedupe(open), "; ")))
	}
	return nil
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func checkSGAll(c *Ctx) error {
	sgs, err := securityGroups(c)
	if err != nil {
		return err
	}
	for _, g := range sgs {
		bad := ""
		for _, p := range g.IpPermissions {
			if proto := aws(p.IpProtocol); (proto == "-1" || proto == "all") && len(openSources(p)) > 0 {
				bad = strings.Join(openSources(p), ",")
			}
		}
		c.Check(bad == "", sgArn(c, g), "no all-traffic rule from anywhere",
			fmt.Sprintf("%s (%s) allows all traffic from %s", aws(g.GroupId), aws(g.GroupName), bad))
	}
	return nil
}

func checkDefaultSG(c *Ctx) error {
	sgs, err := securityGroups(c)
	if err != nil {
		return err
	}
	for _, g := range sgs {
		if aws(g.GroupName) != "default" {
			c.NA(sgArn(c, g), "%s is not a default security group", aws(g.GroupId))
			continue
		}
		n := len(g.IpPermissions) + len(g.IpPermissionsEgress)
		c.Check(n == 0, sgArn(c, g), "default security group "+aws(g.GroupId)+" is closed",
			fmt.Sprintf("default security group %s of %s has %d inbound and %d outbound rules",
				aws(g.GroupId), aws(g.VpcId), len(g.IpPermissions), len(g.IpPermissionsEgress)))
	}
	return nil
}

func checkNACL(c *Ctx) error {
	out, err := get[ec2.DescribeNetworkAclsOutput](c.v, c.Region, "ec2", "DescribeNetworkAcls")
	if err != nil {
		return err
	}
	if len(out.NetworkAcls) == 0 {
		c.NA("", "no network ACLs in %s", c.Region)
	}
	for _, n := range out.NetworkAcls {
		open := naclOpen(n.Entries)
		arn := c.arn("ec2", c.Region, c.Account.Id, "network-acl/"+aws(n.NetworkAclId))
		c.Check(len(open) == 0, arn, "no admin port allowed from anywhere",
			fmt.Sprintf("%s allows %s from anywhere", aws(n.NetworkAclId), strings.Join(open, ", ")))
	}
	return nil
}

// naclOpen evaluates ingress entries in rule-number order and returns the
// admin ports (22, 3389) the first matching entry allows from anywhere.
func naclOpen(entries []ec2types.NetworkAclEntry) []string {
	var open []string
	for _, port := range []int32{22, 3389} {
		best := int32(1 << 30)
		allow := false
		for _, e := range entries {
			if boolv(e.Egress) || e.RuleNumber == nil {
				continue
			}
			cidr := nonEmpty(aws(e.CidrBlock), aws(e.Ipv6CidrBlock))
			if cidr != "0.0.0.0/0" && cidr != "::/0" {
				continue
			}
			proto := aws(e.Protocol)
			if proto != "-1" && proto != "6" && proto != "17" {
				continue // AWS judges TCP and UDP entries
			}
			if proto != "-1" && e.PortRange != nil && e.PortRange.From != nil && e.PortRange.To != nil &&
				(port < *e.PortRange.From || port > *e.PortRange.To) {
				continue
			}
			if *e.RuleNumber < best {
				best = *e.RuleNumber
				allow = e.RuleAction == ec2types.RuleActionAllow
			}
		}
		if allow {
			open = append(open, fmt.Sprint(port))
		}
	}
	return open
}

func checkFlowLogs(c *Ctx) error {
	vpcs, err := get[ec2.DescribeVpcsOutput](c.v, c.Region, "ec2", "DescribeVpcs")
	if err != nil {
		return err
	}
	fl, err := get[ec2.DescribeFlowLogsOutput](c.v, c.Region, "ec2", "DescribeFlowLogs")
	if err != nil {
		return err
	}
	logged := map[string]bool{}
	for _, f := range fl.FlowLogs {
		if s := aws(f.FlowLogStatus); (s == "" || s == "ACTIVE") && logsRejects(f.TrafficType) {
			logged[aws(f.ResourceId)] = true
		}
	}
	if len(vpcs.Vpcs) == 0 {
		c.NA("", "no VPCs in %s", c.Region)
	}
	for _, v := range vpcs.Vpcs {
		id := aws(v.VpcId)
		c.Check(logged[id], c.arn("ec2", c.Region, c.Account.Id, "vpc/"+id), "flow logs of rejected traffic enabled",
			"VPC "+id+" has no active flow log of rejected traffic")
	}
	return nil
}

// flowTrafficType is Security Hub's trafficType parameter of EC2.6.
const flowTrafficType = ec2types.TrafficTypeReject

// logsRejects reports a flow log that records the traffic EC2.6 asks for:
// REJECT, or ALL, which records rejected traffic too.
func logsRejects(t ec2types.TrafficType) bool {
	return t == flowTrafficType || t == ec2types.TrafficTypeAll
}

// eachInstance runs fn on the region's instances that are not terminated.
func eachInstance(c *Ctx, fn func(i ec2types.Instance, arn string)) error {
	out, err := get[ec2.DescribeInstancesOutput](c.v, c.Region, "ec2", "DescribeInstances")
	if err != nil {
		return err
	}
	n := 0
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			if i.State != nil && (i.State.Name == ec2types.InstanceStateNameTerminated || i.State.Name == ec2types.InstanceStateNameShuttingDown) {
				continue
			}
			fn(i, c.arn("ec2", c.Region, c.Account.Id, "instance/"+aws(i.InstanceId)))
			n++
		}
	}
	if n == 0 {
		c.NA("", "no instances in %s", c.Region)
	}
	return nil
}

func checkIMDSv2(c *Ctx) error {
	return eachInstance(c, func(i ec2types.Instance, arn string) {
		ok := i.MetadataOptions != nil && (i.MetadataOptions.HttpTokens == ec2types.HttpTokensStateRequired ||
			i.MetadataOptions.HttpEndpoint == ec2types.InstanceMetadataEndpointStateDisabled)
		c.Check(ok, arn, "IMDSv2 required", "instance "+aws(i.InstanceId)+" allows IMDSv1")
	})
}

func checkPublicIP(c *Ctx) error {
	return eachInstance(c, func(i ec2types.Instance, arn string) {
		c.Check(aws(i.PublicIpAddress) == "", arn, "no public IPv4 address",
			"instance "+aws(i.InstanceId)+" has public address "+aws(i.PublicIpAddress))
	})
}

// checkSnapshotBPA passes only block-all-sharing, as AWS Config's
// EBS_SNAPSHOT_BLOCK_PUBLIC_ACCESS does ("NON_COMPLIANT if block public
// access is not enabled for all public sharing"): block-new-sharing
// leaves snapshots shared before it public.
func checkSnapshotBPA(c *Ctx) error {
	if v, pol := declarativeEC2(c, "snapshot_block_public_access"); v == "block_all_sharing" {
		c.Pass("", "declarative policy %s enforces snapshot block public access (%s)", pol, v)
		return nil
	}
	out, err := get[ec2.GetSnapshotBlockPublicAccessStateOutput](c.v, c.Region, "ec2", "GetSnapshotBlockPublicAccessState")
	if err != nil {
		return err
	}
	why := "snapshot block public access is " + nonEmpty(string(out.State), "off")
	if out.State == ec2types.SnapshotBlockPublicAccessStateBlockNewSharing {
		why += ": snapshots shared publicly before it stay public (use block-all-sharing)"
	}
	c.Check(out.State == ec2types.SnapshotBlockPublicAccessStateBlockAllSharing, "", "snapshot block public access is "+string(out.State), why)
	return nil
}

func checkImageBPA(c *Ctx) error {
	if v, pol := declarativeEC2(c, "image_block_public_access"); v == "block_new_sharing" {
		c.Pass("", "declarative policy %s enforces AMI block public access", pol)
		return nil
	}
	out, err := get[ec2.GetImageBlockPublicAccessStateOutput](c.v, c.Region, "ec2", "GetImageBlockPublicAccessState")
	if err != nil {
		return err
	}
	st := aws(out.ImageBlockPublicAccessState)
	c.Check(st == "block-new-sharing", "", "AMI block public access is on", "AMI block public access is "+nonEmpty(st, "off"))
	return nil
}

// declarativeEC2 returns the state an EC2 declarative policy in force
// for the account assigns to ec2_attributes.<attr>.state, and the
// policy's name. AWS enforces it in every region whatever the account
// sets, so it satisfies the regional check. The policy nearest the
// account wins, as with inheritance of @@assign.
func declarativeEC2(c *Ctx, attr string) (string, string) {
	if c.Account == nil {
		return "", ""
	}
	val, name := "", ""
	for _, lvl := range c.Org().PoliciesInForce(c.Account.Id, org.DeclarativePolicyEC2) {
		for _, p := range lvl.Policies {
			var doc struct {
				EC2 map[string]struct {
					State struct {
						Assign string `json:"@@assign"`
					} `json:"state"`
				} `json:"ec2_attributes"`
			}
			if json.Unmarshal([]byte(p.Content), &doc) != nil {
				continue
			}
			if a, ok := doc.EC2[attr]; ok && a.State.Assign != "" {
				val, name = a.State.Assign, p.Name
			}
		}
	}
	return val, name
}

// authorizedPorts are the TCP ports that may face the internet.
var authorizedPorts = []int32{80, 443}

func checkSGAuthorized(c *Ctx) error {
	sgs, err := securityGroups(c)
	if err != nil {
		return err
	}
	for _, g := range sgs {
		var bad []string
		open := false
		for _, p := range g.IpPermissions {
			src := openSources(p)
			open = open || len(src) > 0
			if len(src) == 0 || authorizedOnly(p) {
				continue
			}
			bad = append(bad, permString(p)+" from "+strings.Join(src, ","))
		}
		if !open {
			// As AWS: a group with no ingress from 0.0.0.0/0 or ::/0 is
			// not what this control judges.
			c.NA(sgArn(c, g), "%s (%s) allows nothing from 0.0.0.0/0 or ::/0", aws(g.GroupId), aws(g.GroupName))
			continue
		}
		c.Check(len(bad) == 0, sgArn(c, g), "only authorized ports face the internet",
			fmt.Sprintf("%s (%s) allows %s", aws(g.GroupId), aws(g.GroupName), strings.Join(bad, "; ")))
	}
	return nil
}

// authorizedOnly reports a TCP permission whose whole range is
// authorized ports.
func authorizedOnly(p ec2types.IpPermission) bool {
	proto := aws(p.IpProtocol)
	if (proto != "tcp" && proto != "6") || p.FromPort == nil || p.ToPort == nil {
		return false
	}
	for port := *p.FromPort; port <= *p.ToPort; port++ {
		if !containsPort(authorizedPorts, port) {
			return false
		}
	}
	return true
}

func containsPort(ps []int32, p int32) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

func permString(p ec2types.IpPermission) string {
	proto := aws(p.IpProtocol)
	if proto == "-1" {
		return "all traffic"
	}
	if p.FromPort == nil || p.ToPort == nil {
		return proto
	}
	if *p.FromPort == *p.ToPort {
		return fmt.Sprintf("%s/%d", proto, *p.FromPort)
	}
	return fmt.Sprintf("%s/%d-%d", proto, *p.FromPort, *p.ToPort)
}
