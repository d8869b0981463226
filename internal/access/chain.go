package access

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Rule ids of the role-trust findings of access internal.
const (
	RuleChainToAdmin = "access.chain-to-admin"
	RuleTrustRoot    = "access.trust-account-root"
)

// Chain is a way for the principals of one member account to become an
// administrator role of another: a sequence of role assumptions, each
// allowed by the engine.
type Chain struct {
	From string `json:"from"`
	To   string `json:"to"`
	// RoleArn is the administrator role reached.
	RoleArn string `json:"roleArn"`
	// Path lists the roles assumed in order, RoleArn last.
	Path []string `json:"path"`
	// Admin says why the role counts as an administrator.
	Admin string `json:"admin"`
}

// adminProbes are the requests that make a role an administrator of its
// account: a role allowed to attach or write a policy on itself can give
// itself any permission its account's SCPs leave.
var adminProbes = []string{"iam:AttachRolePolicy", "iam:PutRolePolicy"}

// AdminChains finds, for every member account that is not one of hubs
// (account ids trusted by design: the management account is always one),
// the administrator roles of other member accounts its principals can
// reach by assuming roles one after another: the first hop is an edge of
// g, each later hop an sts:AssumeRole the engine allows for the role
// held (its identity policies, SCPs and the next role's trust policy).
func AdminChains(src *orgsnap.Source, eng *authz.Engine, g *Graph, hubs []string) ([]Chain, error) {
	c := &chainer{src: src, eng: eng, admin: map[string]string{}, roles: map[string][]string{}, hop: map[[2]string]bool{}, trusted: map[string][]string{}}
	skip := map[string]bool{src.Snap.Org.MasterAccountId: true}
	for _, h := range hubs {
		skip[h] = true
	}
	first := map[string][]string{}
	for _, e := range g.Edges {
		if e.Via != ViaRoleTrust || contains(c.trusted[e.From], e.ResourceArn) {
			continue
		}
		c.trusted[e.From] = append(c.trusted[e.From], e.ResourceArn)
		if !skip[e.From] {
			first[e.From] = append(first[e.From], e.ResourceArn)
		}
	}
	var out []Chain
	for _, from := range slices.Sorted(maps.Keys(first)) {
		chains, err := c.walk(from, first[from])
		if err != nil {
			return nil, err
		}
		out = append(out, chains...)
	}
	return out, nil
}

type chainer struct {
	src   *orgsnap.Source
	eng   *authz.Engine
	admin map[string]string   // role ARN → why it is an administrator ("" when not)
	roles map[string][]string // account → its roles (service-linked ones left out)
	hop   map[[2]string]bool  // (held role, next role) → allowed
	// trusted lists, per account, the roles of other accounts whose
	// trust policy lets some principal of the account in.
	trusted map[string][]string
}

// walk explores, breadth first, the roles reachable from account from.
func (c *chainer) walk(from string, start []string) ([]Chain, error) {
	prev := map[string]string{}
	queue := append([]string(nil), start...)
	for _, r := range start {
		prev[r] = ""
	}
	var out []Chain
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		acct := accountOf(r)
		why, err := c.isAdmin(r)
		if err != nil {
			return nil, err
		}
		if why != "" && acct != from {
			out = append(out, Chain{From: from, To: acct, RoleArn: r, Path: pathTo(prev, r), Admin: why})
		}
		next, err := c.next(r)
		if err != nil {
			return nil, err
		}
		for _, n := range next {
			if _, seen := prev[n]; !seen {
				prev[n] = r
				queue = append(queue, n)
			}
		}
	}
	return out, nil
}

func pathTo(prev map[string]string, r string) []string {
	var p []string
	for ; r != ""; r = prev[r] {
		p = append([]string{r}, p...)
	}
	return p
}

// next lists the roles the holder of role r may assume. The candidates
// are the roles of r's own account and the roles of other accounts with
// a role-trust edge from r's account (a trust policy that admits no
// principal of the account cannot admit r).
func (c *chainer) next(r string) ([]string, error) {
	acct := accountOf(r)
	cands, err := c.accountRoles(acct)
	if err != nil {
		return nil, err
	}
	cands = append(append([]string(nil), cands...), c.trusted[acct]...)
	var out []string
	for _, n := range cands {
		if n == r || contains(out, n) {
			continue
		}
		ok, err := c.mayAssume(r, n)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, n)
		}
	}
	return out, nil
}

func (c *chainer) accountRoles(acct string) ([]string, error) {
	if rs, ok := c.roles[acct]; ok {
		return rs, nil
	}
	d, err := c.src.AuthDetails(acct)
	if err != nil {
		return nil, err
	}
	var rs []string
	for _, r := range d.RoleDetailList {
		if r.Arn != nil && (r.Path == nil || !strings.HasPrefix(*r.Path, "/aws-service-role/")) {
			rs = append(rs, *r.Arn)
		}
	}
	c.roles[acct] = rs
	return rs, nil
}

// decide asks the engine whether role may perform action on resource,
// with the policies the snapshot holds for both.
func (c *chainer) decide(role, action, resource string) (bool, error) {
	sub, ok := authz.ParsePrincipal(role, "")
	if !ok {
		return false, nil
	}
	in := &authz.Input{Principal: sub, Action: action, Resource: resource, ResourceAccount: accountOf(resource), Context: authz.NewContext(nil)}
	in.Context.SetDefault("aws:RequestedRegion", "us-east-1")
	in.Context.SetDefault("aws:SecureTransport", "true")
	if err := c.src.Fill(in); err != nil {
		return false, err
	}
	return c.eng.Decide(in) == authz.Allowed, nil
}

func (c *chainer) mayAssume(held, next string) (bool, error) {
	k := [2]string{held, next}
	if ok, done := c.hop[k]; done {
		return ok, nil
	}
	ok, err := c.decide(held, "sts:AssumeRole", next)
	c.hop[k] = ok
	return ok, err
}

func (c *chainer) isAdmin(r string) (string, error) {
	if why, ok := c.admin[r]; ok {
		return why, nil
	}
	why := ""
	for _, act := range adminProbes {
		ok, err := c.decide(r, act, r)
		if err != nil {
			return "", err
		}
		if ok {
			why = "allowed " + act + " on itself"
			break
		}
	}
	c.admin[r] = why
	return why, nil
}

func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// RootTrusts returns the role-trust edges of g that let in a whole
// account (its root, or its bare id) of another member account without
// any condition, leaving out edges from hubs and the management account:
// every principal of that account allowed sts:AssumeRole becomes the role.
func RootTrusts(src *orgsnap.Source, g *Graph, hubs []string) []Edge {
	skip := map[string]bool{src.Snap.Org.MasterAccountId: true}
	for _, h := range hubs {
		skip[h] = true
	}
	var out []Edge
	for _, e := range g.Edges {
		if e.Via != ViaRoleTrust || skip[e.From] || len(e.Conditions) > 0 {
			continue
		}
		sub, ok := authz.ParsePrincipal(e.Principal, "")
		if ok && sub.Kind == policy.KindRoot {
			out = append(out, e)
		}
	}
	return out
}

// ChainRules describes the role-trust rules of access internal.
func ChainRules() map[string]findings.RuleInfo {
	return map[string]findings.RuleInfo{
		RuleChainToAdmin: {ID: RuleChainToAdmin, Title: "A member account can become an administrator of another member account", Severity: severity.High,
			Scope: "account", Source: "builtin",
			Rationale:   "A chain of role assumptions from one workload account to an administrator role of another joins their blast radius: whoever controls the first account controls the second.",
			Remediation: "Remove the trust of the first role in the chain, or narrow the administrator role's trust to the security account (with MFA and sts:SourceIdentity conditions)."},
		RuleTrustRoot: {ID: RuleTrustRoot, Title: "A role trusts a whole other account without conditions", Severity: severity.Medium,
			Scope: "account", Source: "builtin",
			Rationale:   "Trusting an account's root lets every principal of that account that its own administrators allow sts:AssumeRole become the role; nothing in the trust policy limits who.",
			Remediation: "Name the calling role (aws:PrincipalArn) instead of the account, or add conditions such as aws:MultiFactorAuthPresent or sts:ExternalId."},
	}
}

// ChainReport turns chains and unconditioned root trusts into findings
// of the audit's shape.
func ChainReport(snap *snapshot.Snapshot, chains []Chain, roots []Edge) *findings.Report {
	o := snap.Org
	rules := ChainRules()
	rep := &findings.Report{OrgID: o.Id, Partition: o.Partition(), ManagementAccount: o.MasterAccountId,
		SnapshotAt: snap.Manifest.CollectedAt, GeneratedAt: snap.Manifest.CollectedAt, Rules: rules}
	add := func(rule, acct, arn, key, msg string) {
		info := rules[rule]
		rep.Findings = append(rep.Findings, findings.Finding{
			ID: findings.StableID(rule, acct, snapshot.Global, arn+"|"+key), RuleID: rule, Title: info.Title,
			Status: findings.Failed, Severity: info.Severity, Account: acct, AccountName: o.Name(acct), OU: o.OUPath(acct),
			Region: snapshot.Global, ResourceArn: arn, ResourceType: TypeRole, Message: msg})
	}
	for _, ch := range chains {
		add(RuleChainToAdmin, ch.To, ch.RoleArn, ch.From,
			fmt.Sprintf("%s (%s, %s) reaches this administrator role (%s) through %s", o.Name(ch.From), ch.From, o.OUPath(ch.From), ch.Admin, strings.Join(ch.Path, " → ")))
	}
	for _, e := range roots {
		add(RuleTrustRoot, e.To, e.ResourceArn, e.Principal,
			fmt.Sprintf("trusts %s (%s, %s) with no condition: %s", e.Principal, o.Name(e.From), o.OUPath(e.From), statementText(e.Statements)))
	}
	findings.Sort(rep.Findings)
	return rep
}
