// Package randreq generates random but well-formed authorization
// requests in the request-file format of docs/authz.md, from a seed. The
// differential test and the benchmarks use it to feed orgrail and other
// implementations the same questions.
package randreq

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Accounts used by generated requests.
const (
	AccountA = "111111111111"
	AccountB = "222222222222"
)

// Generator produces requests. It is not safe for concurrent use.
type Generator struct {
	r *rand.Rand
	// Anonymous and ServicePrincipals allow those callers.
	Anonymous bool
	Services  bool
	// pools, when set, hold a fixed number of policies of each kind that
	// requests draw from, as in a real organization where many requests
	// share a few hundred policies.
	pools map[string][]map[string]any
}

// New returns a Generator for a seed; every policy it makes is new.
func New(seed uint64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), Anonymous: true, Services: true}
}

// NewPooled returns a Generator whose requests share poolSize policies
// of each kind (identity, boundary, session, resource, SCP, RCP).
func NewPooled(seed uint64, poolSize int) *Generator {
	g := New(seed)
	pools := map[string][]map[string]any{}
	for range poolSize {
		pools["identity"] = append(pools["identity"], g.policy(false))
		pools["resource"] = append(pools["resource"], g.policy(true))
		pools["rcp"] = append(pools["rcp"], g.rcpPolicy())
	}
	g.pools = pools
	return g
}

// draw returns a policy of a kind, from the pool when there is one.
func (g *Generator) draw(kind string) map[string]any {
	if p := g.pools[kind]; len(p) > 0 {
		return p[g.r.IntN(len(p))]
	}
	switch kind {
	case "resource":
		return g.policy(true)
	case "rcp":
		return g.rcpPolicy()
	}
	return g.policy(false)
}

type actionSpec struct {
	action   string
	resource func(g *Generator, acct string) string
}

var actions = []actionSpec{
	{"s3:GetObject", func(g *Generator, _ string) string { return "arn:aws:s3:::" + g.pick(buckets) + "/" + g.pick(keys) }},
	{"s3:PutObject", func(g *Generator, _ string) string { return "arn:aws:s3:::" + g.pick(buckets) + "/" + g.pick(keys) }},
	{"s3:ListBucket", func(g *Generator, _ string) string { return "arn:aws:s3:::" + g.pick(buckets) }},
	{"sqs:SendMessage", func(g *Generator, a string) string { return "arn:aws:sqs:us-east-1:" + a + ":" + g.pick(queues) }},
	{"sqs:ReceiveMessage", func(g *Generator, a string) string { return "arn:aws:sqs:us-east-1:" + a + ":" + g.pick(queues) }},
	{"ec2:TerminateInstances", func(g *Generator, a string) string {
		return "arn:aws:ec2:us-east-1:" + a + ":instance/i-" + g.pick([]string{"0abc", "0def"})
	}},
	{"lambda:InvokeFunction", func(g *Generator, a string) string {
		return "arn:aws:lambda:us-east-1:" + a + ":function:" + g.pick(queues)
	}},
	{"dynamodb:GetItem", func(g *Generator, a string) string {
		return "arn:aws:dynamodb:us-east-1:" + a + ":table/" + g.pick(queues)
	}},
	{"secretsmanager:GetSecretValue", func(g *Generator, a string) string {
		return "arn:aws:secretsmanager:us-east-1:" + a + ":secret:" + g.pick(queues) + "-AbCdEf"
	}},
	{"iam:GetUser", func(g *Generator, a string) string { return "arn:aws:iam::" + a + ":user/" + g.pick(users) }},
}

var (
	buckets = []string{"data-bucket", "logs-bucket", "Data-Bucket"}
	keys    = []string{"a.txt", "home/alice/x", "home/bob/x", "private/k", "public/p.png"}
	queues  = []string{"orders", "audit", "orders-dlq"}
	users   = []string{"alice", "bob"}
	teams   = []string{"red", "blue", "Red"}
	regions = []string{"us-east-1", "eu-west-1", "ap-south-1"}
)

func (g *Generator) pick(s []string) string { return s[g.r.IntN(len(s))] }
func (g *Generator) chance(p float64) bool  { return g.r.Float64() < p }

// Entry is one request-file entry.
type Entry map[string]any

// Next returns the next random request.
func (g *Generator) Next() Entry {
	acct := AccountA
	a := actions[g.r.IntN(len(actions))]
	principal := g.principal()
	resAcct := acct
	if g.chance(0.25) {
		resAcct = AccountB
	}
	resource := a.resource(g, resAcct)
	e := Entry{
		"request": map[string]any{
			"principal": principal,
			"action":    g.actionCase(a.action),
			"resource":  map[string]any{"arn": resource, "account": resAcct},
			"context":   g.context(),
		},
	}
	isIAM := principal != "anonymous" && !isService(principal)
	svc := a.action[:strings.IndexByte(a.action, ':')]
	if isIAM {
		ids := g.policies(g.r.IntN(4))
		if g.chance(0.5) {
			// A broad grant for the service, so that guardrails and
			// conditions decide more often than a missing allow does.
			ids = append(ids, map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Effect": "Allow", "Action": svc + ":*", "Resource": "*"}}})
		}
		e["identityPolicies"] = ids
		if g.chance(0.3) {
			e["permissionBoundaries"] = g.policies(1)
		}
		if g.chance(0.2) && isSession(principal) {
			e["sessionPolicy"] = g.draw("identity")
		}
		if g.chance(0.5) {
			e["serviceControlPolicies"] = g.levels(false)
		}
	}
	if g.chance(0.5) {
		e["resourcePolicy"] = g.draw("resource")
	} else if g.chance(0.3) {
		e["resourcePolicy"] = map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Principal": g.principalElement(), "Action": svc + ":*", "Resource": "*"}}}
	}
	if g.chance(0.3) {
		e["resourceControlPolicies"] = g.levels(true)
	}
	return e
}

func isService(p string) bool { return len(p) > 14 && p[len(p)-14:] == ".amazonaws.com" }
func isSession(p string) bool { return len(p) > 20 && p[:20] == "arn:aws:sts::1111111" }

func (g *Generator) principal() string {
	n := g.r.IntN(10)
	switch {
	case n == 0 && g.Anonymous:
		return "anonymous"
	case n == 1 && g.Services:
		return g.pick([]string{"cloudtrail.amazonaws.com", "lambda.amazonaws.com"})
	case n < 5:
		return "arn:aws:iam::" + AccountA + ":user/" + g.pick(users)
	case n < 8:
		return "arn:aws:sts::" + AccountA + ":assumed-role/" + g.pick([]string{"app", "admin"}) + "/s1"
	}
	return "arn:aws:iam::" + AccountB + ":user/" + g.pick(users)
}

// actionCase sometimes changes the case of the action: AWS ignores it.
func (g *Generator) actionCase(a string) string {
	if g.chance(0.1) {
		b := []byte(a)
		for i := range b {
			if b[i] >= 'a' && b[i] <= 'z' && g.chance(0.3) {
				b[i] -= 'a' - 'A'
			}
		}
		return string(b)
	}
	return a
}

func (g *Generator) context() map[string]any {
	c := map[string]any{}
	if g.chance(0.7) {
		c["aws:PrincipalTag/team"] = g.pick(teams)
	}
	if g.chance(0.7) {
		c["aws:SourceIp"] = g.pick([]string{"10.1.2.3", "203.0.113.9", "2001:db8::7"})
	}
	if g.chance(0.7) {
		c["aws:SecureTransport"] = g.pick([]string{"true", "false"})
	}
	if g.chance(0.8) {
		c["aws:RequestedRegion"] = g.pick(regions)
	}
	if g.chance(0.5) {
		c["aws:MultiFactorAuthAge"] = fmt.Sprint(g.r.IntN(7200))
	}
	if g.chance(0.5) {
		c["aws:CurrentTime"] = g.pick([]string{"2025-06-01T00:00:00Z", "2027-01-01T00:00:00Z"})
	}
	if g.chance(0.4) {
		n := 1 + g.r.IntN(2)
		tags := []string{}
		for range n {
			tags = append(tags, g.pick([]string{"env", "team", "cost"}))
		}
		c["aws:TagKeys"] = tags
	}
	return c
}

func (g *Generator) levels(rcp bool) []any {
	n := 1 + g.r.IntN(3)
	out := []any{}
	for i := range n {
		ps := []any{}
		if rcp || g.chance(0.85) {
			// RCPFullAWSAccess is always attached to every RCP level.
			st := map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}
			if rcp {
				st["Principal"] = "*"
			}
			ps = append(ps, map[string]any{"Version": "2012-10-17", "Statement": []any{st}})
		}
		if g.chance(0.5) {
			if rcp {
				ps = append(ps, g.draw("rcp"))
			} else {
				ps = append(ps, g.draw("identity"))
			}
		}
		out = append(out, map[string]any{"id": fmt.Sprintf("level-%d", i), "policies": ps})
	}
	return out
}

func (g *Generator) policies(n int) []any {
	out := []any{}
	for range n {
		out = append(out, g.draw("identity"))
	}
	return out
}

func (g *Generator) policy(withPrincipal bool) map[string]any {
	n := 1 + g.r.IntN(3)
	stmts := []any{}
	for range n {
		stmts = append(stmts, g.statement(withPrincipal))
	}
	return map[string]any{"Version": "2012-10-17", "Statement": stmts}
}

// rcpPolicy returns a policy valid as an RCP: Deny statements with
// Principal "*", and actions other than "*".
func (g *Generator) rcpPolicy() map[string]any {
	n := 1 + g.r.IntN(2)
	stmts := []any{}
	for range n {
		st := g.statement(false)
		st["Effect"] = "Deny"
		st["Principal"] = "*"
		delete(st, "NotAction")
		st["Action"] = g.pick([]string{"s3:*", "s3:GetObject", "sqs:*", "sqs:SendMessage", "secretsmanager:*", "dynamodb:GetItem", "s3:Put*"})
		stmts = append(stmts, st)
	}
	return map[string]any{"Version": "2012-10-17", "Statement": stmts}
}
