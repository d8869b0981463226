package access

import (
	"fmt"
	"strings"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Rule ids of external-access findings, one per kind of principal.
const (
	RulePublic    = "access.external-public"
	RuleAccount   = "access.external-account"
	RuleFederated = "access.external-federated"
	RuleService   = "access.external-service"
)

// ExternalRules describes the external-access rules for renderers.
func ExternalRules() map[string]findings.RuleInfo {
	mk := func(id, title string, sev severity.Level, why string) findings.RuleInfo {
		return findings.RuleInfo{ID: id, Title: title, Severity: sev, Scope: "region", Source: "builtin",
			Rationale: why, Remediation: "Remove the statement, or add a condition that pins the caller to the organization (aws:PrincipalOrgID, aws:SourceOrgID, aws:SourceAccount) or to your VPC endpoints (aws:SourceVpce); archive it if the access is intended."}
	}
	return map[string]findings.RuleInfo{
		RulePublic:       mk(RulePublic, "Resource is accessible by anyone", severity.Critical, "A resource policy or ACL grants access to any principal, signed or not."),
		RuleAccount:      mk(RuleAccount, "Resource is accessible by an account outside the organization", severity.High, "A resource or trust policy grants access to an AWS account that is not a member of the organization."),
		RuleFederated:    mk(RuleFederated, "Role is assumable by a federated identity provider", severity.Medium, "A trust policy lets identities of a SAML or OIDC provider assume the role; who they are is decided outside the organization."),
		RuleNetworkOuter: mk(RuleNetworkOuter, "VPC is connected to an account outside the organization", severity.High, "A VPC peering connection or transit gateway attachment joins a network of the organization to an account outside it: the CIDRs of the organization's side are reachable from there (subject to route tables and security groups)."),
		RuleService:      mk(RuleService, "Resource is accessible by an AWS service on behalf of any account", severity.Medium, "A resource policy grants an AWS service principal without aws:SourceAccount, aws:SourceArn or aws:SourceOrgID (confused deputy)."),
	}
}

func ruleFor(k Kind) string {
	switch k {
	case KindPublic:
		return RulePublic
	case KindFederated:
		return RuleFederated
	case KindService:
		return RuleService
	}
	return RuleAccount
}

// Report turns grants into findings of the audit's shape (status FAILED,
// one per resource, principal and granting statement).
func (r *ExternalResult) Report(snap *snapshot.Snapshot) *findings.Report {
	o := snap.Org
	rules := ExternalRules()
	rep := &findings.Report{OrgID: o.Id, Partition: o.Partition(), ManagementAccount: o.MasterAccountId,
		SnapshotAt: snap.Manifest.CollectedAt, GeneratedAt: snap.Manifest.CollectedAt, Rules: rules}
	for _, g := range r.Grants {
		id := ruleFor(g.Kind)
		st := statementText(g.Statements)
		f := findings.Finding{
			ID:           findings.StableID(id, g.Account, g.Region, g.ResourceArn+"|"+g.Principal+"|"+st),
			RuleID:       id,
			Title:        rules[id].Title,
			Status:       findings.Failed,
			Severity:     rules[id].Severity,
			Account:      g.Account,
			AccountName:  o.Name(g.Account),
			OU:           o.OUPath(g.Account),
			Region:       g.Region,
			ResourceArn:  g.ResourceArn,
			ResourceType: g.ResourceType,
			Message:      g.Message(),
		}
		rep.Findings = append(rep.Findings, f)
	}
	for _, l := range r.Network {
		kind := "vpc-peering-connection/"
		if l.ResourceType == TypeTGWAttach {
			kind = "transit-gateway-attachment/"
		}
		arn := "arn:aws:ec2:" + l.Region + ":" + l.Account + ":" + kind + l.ID
		rep.Findings = append(rep.Findings, findings.Finding{
			ID: findings.StableID(RuleNetworkOuter, l.Account, l.Region, arn), RuleID: RuleNetworkOuter, Title: rules[RuleNetworkOuter].Title,
			Status: findings.Failed, Severity: rules[RuleNetworkOuter].Severity, Account: l.Account, AccountName: o.Name(l.Account),
			OU: o.OUPath(l.Account), Region: l.Region, ResourceArn: arn, ResourceType: l.ResourceType, Message: l.Message()})
	}
	findings.Sort(rep.Findings)
	return rep
}

// Message says who can do what, through which statement, under which
// conditions.
func (g *Grant) Message() string {
	who := g.Principal
	switch {
	case g.Kind == KindPublic:
		who = "anyone (*)"
	case g.Kind == KindAccount && g.Principal == "*":
		who = "any AWS account (*)"
	}
	acts := g.Actions
	more := ""
	if len(acts) > 5 {
		more = fmt.Sprintf(" and %d more", len(acts)-5)
		acts = acts[:5]
	}
	s := fmt.Sprintf("%s can %s%s; granted by %s", who, strings.Join(acts, ", "), more, statementText(g.Statements))
	if len(g.Conditions) > 0 {
		s += " when " + strings.Join(g.Conditions, ", ") + " match"
	}
	return s
}
