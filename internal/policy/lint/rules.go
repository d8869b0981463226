package lint

import (
	"strings"

	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/policy/awsdata"
	"github.com/orgrail/orgrail/internal/severity"
)

func (l *linter) statement(s *policy.Statement) {
	l.elements(s)
	l.actions(s)
	l.resources(s)
	l.conditions(s)
	l.traps(s)
	switch l.kind {
	case KindSCP:
		l.scp(s)
	case KindRCP:
		l.rcp(s)
	}
}

// elements checks which elements a statement may have for its kind.
func (l *linter) elements(s *policy.Statement) {
	pp, hasPrincipal := s.Elements["Principal"]
	if np, ok := s.Elements["NotPrincipal"]; ok {
		pp, hasPrincipal = np, true
	}
	switch l.kind {
	case KindIdentity, KindBoundary:
		if hasPrincipal {
			l.add(pp, "lint.principal-in-identity-policy", severity.High, "identity-based policies and permissions boundaries cannot have Principal or NotPrincipal", "the principal is whoever the policy is attached to")
		}
	case KindResource, KindTrust:
		if !hasPrincipal {
			l.add(s.Pos, "lint.missing-principal", severity.High, "a resource-based policy statement needs a Principal", "without it the statement applies to nobody")
		}
	}
	if l.kind != KindTrust && !s.HasResource {
		l.add(s.Pos, "lint.missing-resource", severity.High, "the statement has no Resource or NotResource", `add "Resource": "*" or the ARNs it applies to`)
	}
	if s.NotPrincipal && s.Effect == policy.Allow {
		l.add(pp, "lint.allow-notprincipal", severity.High, "Allow with NotPrincipal grants everyone not listed, anonymous callers included", "name the principals in Principal instead")
	}
	if s.NotPrincipal && s.Effect == policy.Deny {
		l.add(pp, "lint.deny-notprincipal", severity.Low, "Deny with NotPrincipal must also list each spared principal's account (and role), and always denies principals with a permissions boundary",
			"prefer Principal \"*\" with an aws:PrincipalArn condition")
	}
}

// actions checks services and actions against the AWS table.
func (l *linter) actions(s *policy.Statement) {
	for _, a := range s.Action {
		v := a.S
		if v == "*" {
			continue
		}
		if isPlaceholder(v) {
			l.add(a.Pos, "lint.placeholder", severity.Medium, "action "+quote(v)+" is a placeholder", "replace it before use")
			continue
		}
		if strings.TrimSpace(v) != v {
			l.add(a.Pos, "lint.action-whitespace", severity.High, "action "+quote(v)+" has white space around it and matches nothing", "remove the spaces")
			continue
		}
		svc, name, ok := strings.Cut(v, ":")
		if !ok || svc == "" || name == "" {
			l.add(a.Pos, "lint.action-format", severity.High, "action "+quote(v)+" is not service:action", "")
			continue
		}
		if strings.ContainsAny(svc, "*?") {
			continue
		}
		info, known := awsdata.Lookup(svc)
		if !known {
			l.add(a.Pos, "lint.unknown-service", severity.Medium, "unknown service prefix "+quote(svc), "see the Service Authorization Reference for the prefix")
			continue
		}
		if !strings.ContainsAny(name, "*?") {
			if _, ok := info.Action(name); !ok {
				l.add(a.Pos, "lint.unknown-action", severity.Medium, "service "+svc+" has no action "+quote(name), "check the spelling in the Service Authorization Reference")
			}
			continue
		}
		pat := strings.ToLower(name)
		if info.MatchActions(func(n string) bool { return wildMatch(pat, n) }) == 0 {
			l.add(a.Pos, "lint.action-matches-nothing", severity.Medium, "action pattern "+quote(v)+" matches no action of "+svc, "")
		}
	}
}

// resources checks ARNs: partition, and that the ARN fits a resource type
// of its service.
func (l *linter) resources(s *policy.Statement) {
	for _, r := range s.Resource {
		v := r.S
		if v == "*" || strings.Contains(v, "${") {
			continue
		}
		if isPlaceholder(v) || strings.Contains(v, "<") {
			l.add(r.Pos, "lint.placeholder", severity.Medium, "resource "+quote(v)+" holds a placeholder", "replace it before use")
			continue
		}
		parts := strings.SplitN(v, ":", 6)
		if len(parts) < 6 || parts[0] != "arn" {
			l.add(r.Pos, "lint.resource-format", severity.High, "resource "+quote(v)+" is not an ARN or \"*\"", "an ARN has six colon-separated fields: arn:partition:service:region:account:resource")
			continue
		}
		switch parts[1] {
		case "aws", "aws-cn", "aws-us-gov", "*":
		default:
			if !strings.ContainsAny(parts[1], "*?") {
				l.add(r.Pos, "lint.resource-partition", severity.Medium, "unknown partition "+quote(parts[1]), "use aws, aws-cn or aws-us-gov")
			}
		}
		if strings.ContainsAny(parts[2], "*?") {
			continue
		}
		formats := arnFormats()[parts[2]]
		if len(formats) == 0 {
			l.add(r.Pos, "lint.resource-service", severity.Medium, "no AWS service uses "+quote(parts[2])+" in its ARNs", "")
			continue
		}
		fits := false
		for _, f := range formats {
			if wildMatch(f, v) {
				fits = true
				break
			}
		}
		if !fits {
			l.add(r.Pos, "lint.resource-type", severity.Low, "resource "+quote(v)+" fits no resource type of "+parts[2], "compare with the ARN formats in the Service Authorization Reference")
		}
	}
}

// globalKeys are the AWS global condition keys (IAM User Guide, AWS global
// condition context keys); tag keys take a suffix.
var globalKeys = map[string]bool{}

func init() {
	for _, k := range []string{"CalledVia", "CalledViaFirst", "CalledViaLast", "CurrentTime", "EpochTime", "FederatedProvider",
		"MultiFactorAuthAge", "MultiFactorAuthPresent", "PrincipalAccount", "PrincipalArn", "PrincipalIsAWSService", "PrincipalOrgID",
		"PrincipalOrgPaths", "PrincipalServiceName", "PrincipalServiceNamesList", "PrincipalType", "Referer", "RequestedRegion",
		"ResourceAccount", "ResourceOrgID", "ResourceOrgPaths", "SecureTransport", "SourceAccount", "SourceArn", "SourceIdentity",
		"SourceIp", "SourceOrgID", "SourceOrgPaths", "SourceVpc", "SourceVpce", "SourceVpcArn", "TagKeys", "TokenIssueTime", "UserAgent",
		"userid", "username", "ViaAWSService", "VpcSourceIp", "Ec2InstanceSourceVpc", "Ec2InstanceSourcePrivateIPv4", "RoleDelivery",
		"ChatbotSourceArn", "IsMcpServiceAction", "ViaAWSMCPService", "CalledViaAWSMCP"} {
		globalKeys["aws:"+strings.ToLower(k)] = true
	}
}

var tagKeyPrefixes = []string{"aws:principaltag/", "aws:resourcetag/", "aws:requesttag/"}

func (l *linter) conditions(s *policy.Statement) {
	for _, c := range s.Conditions {
		key := strings.ToLower(c.Key)
		svc, _, ok := strings.Cut(key, ":")
		if !ok {
			l.add(c.KeyPos, "lint.condition-key-format", severity.Medium, "condition key "+quote(c.Key)+" has no service prefix", "")
			continue
		}
		if strings.Contains(svc, ".") || svc == "saml" {
			continue // keys of identity providers: accounts.google.com:sub, SAML:aud
		}
		if svc == "aws" {
			if globalKeys[key] || hasAnyPrefix(key, tagKeyPrefixes) {
				continue
			}
			l.add(c.KeyPos, "lint.unknown-condition-key", severity.Medium, "unknown global condition key "+quote(c.Key), "see AWS global condition context keys")
			continue
		}
		info, known := awsdata.Lookup(svc)
		if !known {
			l.add(c.KeyPos, "lint.unknown-condition-key", severity.Medium, "unknown service "+quote(svc)+" in condition key "+quote(c.Key), "")
			continue
		}
		if !info.HasConditionKey(c.Key) {
			l.add(c.KeyPos, "lint.unknown-condition-key", severity.Medium, "service "+svc+" has no condition key "+quote(c.Key), "check the spelling in the Service Authorization Reference")
		}
		if c.Op.Set == policy.SetNone && strings.HasSuffix(key, "tagkeys") {
			l.add(c.OpPos, "lint.multivalued-key-without-set", severity.Low, c.Key+" is multivalued: use ForAllValues: or ForAnyValue:", "")
		}
	}
	for _, c := range s.Conditions {
		if c.Op.Set == policy.SetForAllValues && s.Effect == policy.Allow && !c.Op.Negated {
			l.add(c.OpPos, "lint.forallvalues-allow", severity.Low, "ForAllValues is true when the key is absent: this Allow also applies to requests without "+c.Key, "add a Null condition with false")
		}
	}
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
