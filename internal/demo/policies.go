package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/org"
)

// breakGlassRole is exempt from the security-baseline SCP.
const breakGlassRole = "KumoBreakGlass"

// globalServiceActions are exempt from the region allow-list: their
// endpoints live in us-east-1 (or are global) whatever region a caller uses.
var globalServiceActions = []string{
	"a4b:*", "access-analyzer:*", "account:*", "acm:*", "aws-marketplace-management:*",
	"aws-marketplace:*", "aws-portal:*", "budgets:*", "ce:*", "chime:*", "cloudfront:*",
	"config:*", "cur:*", "directconnect:*", "ec2:DescribeRegions", "ec2:DescribeTransitGateways",
	"ec2:DescribeVpnGateways", "fms:*", "globalaccelerator:*", "health:*", "iam:*",
	"importexport:*", "kms:*", "networkmanager:*", "organizations:*", "pricing:*", "route53:*",
	"route53domains:*", "s3:CreateMultiRegionAccessPoint", "s3:GetAccountPublic*",
	"s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*", "shield:*",
	"sso:*", "sts:*", "support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*",
	"wellarchitected:*",
}

// baselineActions may not be called except by the break-glass role.
var baselineActions = []string{
	"access-analyzer:DeleteAnalyzer",
	"cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
	"config:DeleteConfigRule", "config:DeleteConfigurationAggregator", "config:DeleteConfigurationRecorder",
	"config:DeleteDeliveryChannel", "config:DeleteRetentionConfiguration", "config:StopConfigurationRecorder",
	"guardduty:CreateFilter", "guardduty:DeleteDetector", "guardduty:DeleteMembers",
	"guardduty:DisassociateFromAdministratorAccount", "guardduty:DisassociateFromMasterAccount",
	"guardduty:StopMonitoringMembers", "guardduty:UpdateDetector",
	"securityhub:DeleteInvitations", "securityhub:DisableSecurityHub",
	"securityhub:DisassociateFromAdministratorAccount", "securityhub:DeleteMembers",
}

func jsonDoc(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
	return strings.TrimSpace(buf.String())
}

type m = map[string]any

func statement(sid, effect string, kv ...any) m {
	s := m{"Sid": sid, "Effect": effect}
	for i := 0; i+1 < len(kv); i += 2 {
		s[kv[i].(string)] = kv[i+1]
	}
	return s
}

func policyDoc(stmts ...m) string {
	return jsonDoc(m{"Version": "2012-10-17", "Statement": stmts})
}

// addPolicies creates the organization's policies and attachments.
func addPolicies(w *world, ouIDs map[string]string) {
	r := newRand(w.opt.Seed, 1<<40)
	root := ouIDs[""]
	mgmt := w.org.MasterAccountId
	newID := func() string { return "p-" + randString(r, lowerAlnum, 8) }
	arn := func(typ, id string) string {
		if id == org.FullAWSAccessPolicyID || id == org.FullAWSAccessRCPPolicy {
			return fmt.Sprintf("arn:aws:organizations::aws:policy/%s/%s", strings.ToLower(typ), id)
		}
		return fmt.Sprintf("arn:aws:organizations::%s:policy/%s/%s/%s", mgmt, w.orgID, strings.ToLower(typ), id)
	}
	everything := []string{root}
	for _, ou := range w.org.OrganizationalUnits {
		everything = append(everything, ou.Id)
	}
	for _, a := range w.org.Accounts {
		everything = append(everything, a.Id)
	}
	add := func(id, name, desc, typ string, managed bool, content string, targets ...string) {
		w.org.Policies = append(w.org.Policies, org.Policy{Id: id, Arn: arn(typ, id), Name: name, Description: desc,
			Type: typ, AwsManaged: managed, Content: content, Targets: targets})
	}
	add(org.FullAWSAccessPolicyID, "FullAWSAccess", "Allows access to every operation", org.SCP, true,
		policyDoc(m{"Effect": "Allow", "Action": "*", "Resource": "*"}), everything...)
	add(org.FullAWSAccessRCPPolicy, "RCPFullAWSAccess", "Allows access to every operation", org.RCP, true,
		policyDoc(m{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}), everything...)
	add(newID(), "deny-leave-organization", "Member accounts cannot leave the organization", org.SCP, false,
		policyDoc(statement("DenyLeaveOrganization", "Deny", "Action", "organizations:LeaveOrganization", "Resource", "*")), root)
	add(newID(), "region-allow-list", "Only "+strings.Join(allowedRegions, ", ")+"; global services exempt", org.SCP, false,
		policyDoc(statement("DenyOutsideAllowedRegions", "Deny", "NotAction", globalServiceActions, "Resource", "*",
			"Condition", m{
				"StringNotEquals": m{"aws:RequestedRegion": allowedRegions},
				"ArnNotLike":      m{"aws:PrincipalArn": []string{"arn:aws:iam::*:role/" + breakGlassRole}},
			})), root)
	add(newID(), "deny-root-user", "The root user of member accounts can do nothing", org.SCP, false,
		policyDoc(statement("DenyRootUser", "Deny", "Action", "*", "Resource", "*",
			"Condition", m{"StringLike": m{"aws:PrincipalArn": []string{"arn:aws:iam::*:root"}}})), root)
	add(newID(), "protect-security-baseline", "CloudTrail, Config, GuardDuty, Security Hub and Access Analyzer cannot be stopped or deleted except by the break-glass role", org.SCP, false,
		policyDoc(statement("ProtectSecurityBaseline", "Deny", "Action", baselineActions, "Resource", "*",
			"Condition", m{"ArnNotLike": m{"aws:PrincipalArn": []string{"arn:aws:iam::*:role/" + breakGlassRole}}})), root)
	add(newID(), "deny-iam-access-keys", "Workloads use roles, never long-term access keys", org.SCP, false,
		policyDoc(statement("DenyCreateAccessKey", "Deny", "Action", []string{"iam:CreateAccessKey"}, "Resource", "*",
			"Condition", m{"ArnNotLike": m{"aws:PrincipalArn": []string{"arn:aws:iam::*:role/" + breakGlassRole}}})), ouIDs["Workloads"])
	add(newID(), "sandbox-guardrails", "Sandboxes run small instances and no reserved capacity", org.SCP, false,
		policyDoc(
			statement("DenyLargeInstances", "Deny", "Action", "ec2:RunInstances", "Resource", "arn:aws:ec2:*:*:instance/*",
				"Condition", m{"StringNotLike": m{"ec2:InstanceType": []string{"t3.*", "t4g.*"}}}),
			statement("DenyCommitments", "Deny", "Action", []string{"ec2:PurchaseReservedInstancesOffering",
				"savingsplans:CreateSavingsPlan", "rds:PurchaseReservedDBInstancesOffering"}, "Resource", "*")), ouIDs["Sandbox"])
	add(newID(), "deny-all-suspended", "Suspended accounts can do nothing", org.SCP, false,
		policyDoc(statement("DenyAll", "Deny", "Action", "*", "Resource", "*")), ouIDs["Suspended"])
	add(newID(), "enforce-secure-transport", "Every request to S3, STS, SQS, KMS and Secrets Manager uses TLS", org.RCP, false,
		policyDoc(statement("EnforceSecureTransport", "Deny", "Principal", "*",
			"Action", []string{"s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*"}, "Resource", "*",
			"Condition", m{"BoolIfExists": m{"aws:SecureTransport": "false"}})), root)
	add(newID(), "data-perimeter", "Only principals of this organization and AWS services reach workload data", org.RCP, false,
		policyDoc(statement("EnforceOrgIdentities", "Deny", "Principal", "*",
			"Action", []string{"s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole"}, "Resource", "*",
			"Condition", m{
				"StringNotEqualsIfExists": m{"aws:PrincipalOrgID": w.orgID, "aws:ResourceTag/dp:exclude:identity": "true"},
				"BoolIfExists":            m{"aws:PrincipalIsAWSService": "false"},
			})), ouIDs["Workloads"])
	add(newID(), "ec2-baseline", "IMDSv2 by default, no public EBS snapshots or AMIs, no serial console", org.DeclarativePolicyEC2, false,
		jsonDoc(m{"ec2_attributes": m{
			"instance_metadata_defaults": m{
				"http_tokens":                 m{"@@assign": "required"},
				"http_put_response_hop_limit": m{"@@assign": "2"},
				"http_endpoint":               m{"@@assign": "enabled"},
				"instance_metadata_tags":      m{"@@assign": "disabled"},
			},
			"snapshot_block_public_access": m{"state": m{"@@assign": "block_all_sharing"}},
			"image_block_public_access":    m{"state": m{"@@assign": "block_new_sharing"}},
			"serial_console_access":        m{"status": m{"@@assign": "disabled"}},
		}}), root)
	add(newID(), "required-tags", "CostCenter and Owner on every taggable resource", org.TagPolicy, false,
		jsonDoc(m{"tags": m{
			"costcenter": m{"tag_key": m{"@@assign": "CostCenter"}},
			"owner":      m{"tag_key": m{"@@assign": "Owner"}},
		}}), root)
	add(newID(), "ai-opt-out", "Opt out of AI service content use", org.AIOptOutPolicy, false,
		jsonDoc(m{"services": m{"default": m{"opt_out_policy": m{"@@assign": "optOut"}}}}), root)
	for i := range w.org.Policies {
		sortTargets(w.org.Policies[i].Targets)
	}
}

func sortTargets(t []string) { sort.Strings(t) }

// compact returns a JSON document without insignificant white space.
func compact(doc string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(doc)); err != nil {
		return doc
	}
	return buf.String()
}
