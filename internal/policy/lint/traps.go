package lint

import (
	"strings"
	"sync"

	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/policy/awsdata"
	"github.com/orgrail/orgrail/internal/severity"
)

func (l *linter) traps(s *policy.Statement) {
	if s.Effect == policy.Allow && s.NotAction && l.kind != KindSCP {
		l.add(s.Elements["NotAction"], "lint.allow-notaction", severity.Medium, "Allow with NotAction grants every other action of every service, present and future", "list the actions to allow instead")
	}
	if s.Effect == policy.Allow && s.NotResource && l.kind != KindSCP {
		l.add(s.Elements["NotResource"], "lint.allow-notresource", severity.Low, "Allow with NotResource grants every other resource", "")
	}
	allActions := false
	for _, a := range s.Action {
		if a.S == "*" && !s.NotAction {
			allActions = true
		}
	}
	allResources := !s.HasResource || (!s.NotResource && len(s.Resource) == 1 && s.Resource[0].S == "*")
	if s.Effect == policy.Allow && allActions && allResources && len(s.Conditions) == 0 && l.kind == KindIdentity {
		l.add(s.Elements["Action"], "lint.allow-all", severity.High, "the statement allows every action on every resource", "grant only what is needed")
	}
	if s.Effect == policy.Deny && l.kind != KindRCP {
		l.regionDeny(s)
	}
	if l.kind == KindTrust && s.Effect == policy.Allow {
		for _, a := range s.Action {
			if v := strings.ToLower(a.S); v == "*" || v == "sts:*" {
				l.add(a.Pos, "lint.trust-wildcard-action", severity.High, "a trust policy should allow only sts:AssumeRole (or the federated variant), not "+quote(a.S), "")
			}
		}
		if s.Principal != nil && !s.NotPrincipal && len(s.Conditions) == 0 {
			wild := s.Principal.Wildcard
			for _, e := range s.Principal.Entries {
				wild = wild || e.Value.S == "*"
			}
			if wild {
				l.add(s.Principal.Pos, "lint.trust-wildcard-principal", severity.Critical, "anyone in any account can assume this role", "name the trusted accounts or add conditions such as aws:PrincipalOrgID")
			}
		}
	}
}

// regionDeny flags a Deny on aws:RequestedRegion that would also deny
// global services, which are called through us-east-1.
func (l *linter) regionDeny(s *policy.Statement) {
	for _, c := range s.Conditions {
		if strings.ToLower(c.Key) != "aws:requestedregion" || !c.Op.Negated {
			continue
		}
		sev := severity.High
		if len(s.Conditions) > 1 {
			sev = severity.Medium // other conditions narrow the deny
		}
		if !s.NotAction {
			for _, a := range s.Action {
				if a.S == "*" {
					l.add(c.KeyPos, "lint.region-deny-global-services", sev, "this region deny also denies global services (IAM, STS, Organizations, CloudFront, Route 53, Support...)",
						`use NotAction with the global services, e.g. "NotAction": ["iam:*", "sts:*", "organizations:*", ...]`)
				}
			}
			continue
		}
		var missing []string
		for _, g := range []string{"iam", "sts", "organizations"} {
			covered := false
			for _, a := range s.Action {
				svc, name, _ := strings.Cut(strings.ToLower(a.S), ":")
				if (svc == g || svc == "*") && (name == "*" || strings.HasSuffix(name, "*")) {
					covered = true
				}
			}
			if !covered {
				missing = append(missing, g)
			}
		}
		if len(missing) > 0 {
			l.add(c.KeyPos, "lint.region-deny-global-services", severity.Medium, "this region deny does not exempt "+strings.Join(missing, ", "), "add them to NotAction")
		}
	}
}

func (l *linter) scp(s *policy.Statement) {
	for _, name := range []string{"Principal", "NotPrincipal"} {
		if p, ok := s.Elements[name]; ok {
			l.add(p, "scp.principal", severity.High, "SCPs cannot have "+name, "an SCP applies to every principal of the accounts it is attached to")
		}
	}
}

func (l *linter) rcp(s *policy.Statement) {
	if p, ok := s.Elements["NotPrincipal"]; ok {
		l.add(p, "rcp.notprincipal", severity.High, "RCPs cannot have NotPrincipal", `use "Principal": "*" with conditions`)
	}
	if s.Principal == nil || !(s.Principal.Wildcard || (len(s.Principal.Entries) == 1 && s.Principal.Entries[0].Value.S == "*")) {
		l.add(s.Pos, "rcp.principal", severity.High, `an RCP statement must have "Principal": "*"`, "narrow it with conditions such as aws:PrincipalOrgID")
	}
	if p, ok := s.Elements["NotAction"]; ok {
		l.add(p, "rcp.notaction", severity.High, "RCPs cannot have NotAction", "")
	}
	fullAccess := s.Effect == policy.Allow && len(s.Action) == 1 && s.Action[0].S == "*"
	if s.Effect == policy.Allow && !fullAccess {
		l.add(s.Elements["Effect"], "rcp.allow", severity.High, "RCPs can only deny (apart from RCPFullAWSAccess)", "")
	}
	rcp := map[string]bool{}
	for _, x := range awsdata.RCPServices() {
		rcp[x] = true
	}
	for _, a := range s.Action {
		if a.S == "*" {
			if !fullAccess {
				l.add(a.Pos, "rcp.action-wildcard", severity.High, `an RCP Deny cannot use "Action": "*"`, "list the services, e.g. s3:*, sts:*")
			}
			continue
		}
		svc, _, _ := strings.Cut(strings.ToLower(a.S), ":")
		if !strings.ContainsAny(svc, "*?") && !rcp[svc] {
			l.add(a.Pos, "rcp.unsupported-service", severity.High, "RCPs do not apply to "+svc, "RCPs support: "+strings.Join(awsdata.RCPServices(), ", "))
		}
	}
}

// arnFormats maps an ARN's service field to the resource ARN formats of
// the table, as globs (${...} parts become *).
var arnFormats = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, p := range awsdata.Prefixes() {
		s, _ := awsdata.Lookup(p)
		for _, f := range s.Resources {
			g := varsToStar(f)
			parts := strings.SplitN(f, ":", 4)
			if len(parts) < 3 {
				continue
			}
			out[parts[2]] = append(out[parts[2]], g)
		}
	}
	return out
})

func varsToStar(f string) string {
	var b strings.Builder
	for {
		i := strings.Index(f, "${")
		if i < 0 {
			b.WriteString(f)
			return b.String()
		}
		j := strings.IndexByte(f[i:], '}')
		if j < 0 {
			b.WriteString(f)
			return b.String()
		}
		b.WriteString(f[:i])
		b.WriteByte('*')
		f = f[i+j+1:]
	}
}

// wildMatch is a glob match where * and ? in pat are wildcards.
func wildMatch(pat, s string) bool {
	px, sx, star, mark := 0, 0, -1, 0
	for sx < len(s) {
		switch {
		case px < len(pat) && (pat[px] == '?' || pat[px] == s[sx]):
			px++
			sx++
		case px < len(pat) && pat[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px, mark = star+1, mark+1
			sx = mark
		default:
			return false
		}
	}
	for px < len(pat) && pat[px] == '*' {
		px++
	}
	return px == len(pat)
}
