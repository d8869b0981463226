package access

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/trail"
)

// Proposal is an SCP or RCP change to replay: Policy attached to Target
// (a root, OU or account id), optionally in place of the policy Replace
// (id or name) attached there.
type Proposal struct {
	Policy  authz.Named
	Type    string // org.SCP or org.RCP
	Target  string
	Replace string
}

// ResolveTarget turns a target reference into a root, OU or account id:
// "Root", an id, an OU path from the root ("Workloads/Prod") or name, or
// an account name.
func ResolveTarget(o *org.Organization, ref string) (string, error) {
	if ref == "Root" && len(o.Roots) > 0 {
		return o.Roots[0].Id, nil
	}
	if o.Account(ref) != nil || o.OU(ref) != nil || o.Root(ref) != nil {
		return ref, nil
	}
	var found []string
	for _, id := range o.AccountIDs() {
		if o.Name(id) == ref {
			found = append(found, id)
		}
	}
	for _, u := range o.OrganizationalUnits {
		p := strings.TrimPrefix(o.PathNames(u.Id), o.Name(o.Roots[0].Id)+"/")
		if p == ref || u.Name == ref {
			found = append(found, u.Id)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("target %q is not Root, an OU (path, name or id) or an account (name or id) of the organization", ref)
	}
	return "", fmt.Errorf("target %q is ambiguous: %s", ref, strings.Join(found, ", "))
}

// Replayer decides replayed requests with the organization's policies
// as they are and with the proposal. It is safe for concurrent use.
type Replayer struct {
	src  *orgsnap.Source
	eng  *authz.Engine
	prop Proposal
	loc  locator

	// relevant has a bit per ctxKeys entry that some loaded policy's
	// conditions (or policy variables) use: the others cannot change a
	// decision, so replay caches decisions without them. bitSession and
	// bitObjectKey likewise say whether session names and object keys
	// can matter.
	relevant atomic.Uint32

	// observe, when set (tests), sees every replayed record with the
	// decisions replay gave it, before and after the proposal.
	observe func(rec *trail.Record, d [2]authz.Decision)

	// shared holds every worker's decided calls (under smu), looked up
	// when a worker's own cache misses.
	smu    sync.Mutex
	shared map[string]*cacheEntry

	mu         sync.Mutex
	principals map[string]*principalInfo
	accounts   map[string]*accountInfo
	resources  map[string]*authz.Named
}

type principalInfo struct {
	sub        policy.Subject
	identity   []authz.Named
	boundaries []authz.Named
	slr, mgmt  bool
	inOrg      bool
}

type accountInfo struct {
	scp, scpNew, rcp, rcpNew []authz.Level
	orgPath                  string
}

// NewReplayer prepares a replay of prop against the snapshot.
func NewReplayer(src *orgsnap.Source, eng *authz.Engine, prop Proposal) *Replayer {
	rp := &Replayer{src: src, eng: eng, prop: prop, principals: map[string]*principalInfo{}, shared: map[string]*cacheEntry{},
		accounts: map[string]*accountInfo{}, resources: map[string]*authz.Named{}}
	rp.use(prop.Policy)
	return rp
}

// ctxKeys are the request keys a record gives that vary between calls
// of one principal, action and resource (lower case).
var ctxKeys = [...]string{"aws:sourceip", "aws:securetransport", "aws:multifactorauthpresent", "aws:sourcevpce",
	"aws:viaawsservice", "aws:requestedregion", "aws:userid"}

// Bits of Replayer.relevant past the context keys: what a request names
// that replay collapses to a class in its cache keys unless some loaded
// policy can tell two values apart.
const (
	// bitSession: a role session's name (assumed-role/ROLE/NAME). The
	// engine reads it only where a Principal or NotPrincipal entry names
	// a session ARN exactly (and through aws:userid, a context key).
	bitSession = 1 << (len(ctxKeys) + iota)
	// bitObjectKey: an S3 object's key (arn:aws:s3:::BUCKET/KEY). Only a
	// Resource or NotResource pattern can tell keys apart.
	bitObjectKey
)

// use marks what the policies can tell apart: the context keys their
// conditions and policy variables name (anywhere in a condition or a
// resource pattern), role-session names when a Principal entry names a
// session, and S3 object keys when a resource pattern constrains them.
func (rp *Replayer) use(ns ...authz.Named) {
	var bits uint32
	for _, n := range ns {
		if n.Policy == nil || n.Policy.Doc == nil {
			continue
		}
		bits |= docBits(n.Policy.Doc)
	}
	for {
		old := rp.relevant.Load()
		if old|bits == old || rp.relevant.CompareAndSwap(old, old|bits) {
			return
		}
	}
}

func docBits(doc *policy.Document) uint32 {
	var bits uint32
	for _, st := range doc.Statements {
		for _, c := range st.Conditions {
			bits |= keyBits(strings.ToLower(c.Key))
			for _, v := range c.Values {
				if strings.Contains(v.S, "${") {
					bits |= keyBits(strings.ToLower(v.S))
				}
			}
		}
		for _, v := range st.Resource {
			if strings.Contains(v.S, "${") {
				bits |= keyBits(strings.ToLower(v.S))
			}
			if !objectKeyFree(v.S) {
				bits |= bitObjectKey
			}
		}
		if st.Principal != nil {
			for _, e := range st.Principal.Entries {
				if strings.Contains(strings.ToLower(e.Value.S), "assumed-role") {
					bits |= bitSession
				}
			}
		}
	}
	return bits
}

// objectKeyFree reports whether a resource pattern matches every object
// of a bucket alike, whatever the key: it cannot match an S3 object ARN
// at all, or its only wildcard is a trailing * after at most the bucket
// and its slash ("*", "arn:aws:s3:::*", "arn:aws:s3:::b*",
// "arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:iam::*:role/x").
// Anything else ("arn:aws:s3:::b/logs/*", "arn:aws:s3:::b/k",
// "arn:aws:s3:::*.csv", a policy variable) may tell keys apart.
func objectKeyFree(p string) bool {
	if strings.Contains(p, "${") {
		return false
	}
	w := strings.IndexAny(p, "*?")
	lit := p
	if w >= 0 {
		lit = p[:w]
	}
	if !strings.HasPrefix(lit, "arn:") && !strings.HasPrefix("arn:", lit) {
		return true // not an ARN: matches no S3 object ARN
	}
	if f := strings.SplitN(lit, ":", 4); len(f) == 4 && f[2] != "s3" {
		return true // another service's ARN
	}
	if w >= 0 && (w != len(p)-1 || p[w] != '*') {
		return false
	}
	slash := strings.IndexByte(lit, '/')
	if w < 0 {
		return slash < 0 // a bucket ARN matches no object
	}
	return slash < 0 || slash == len(lit)-1
}

func keyBits(s string) uint32 {
	var bits uint32
	for i, k := range ctxKeys {
		if strings.Contains(s, k) {
			bits |= 1 << i
		}
	}
	return bits
}

func (rp *Replayer) useLevels(lv []authz.Level) {
	for _, l := range lv {
		rp.use(l.Policies...)
	}
}

// withProposal returns levels with the proposal attached at its target
// (and the replaced policy removed there), copying what it changes.
func (rp *Replayer) withProposal(lv []authz.Level) []authz.Level {
	out := make([]authz.Level, len(lv))
	copy(out, lv)
	for i := range out {
		if out[i].ID != rp.prop.Target {
			continue
		}
		var ps []authz.Named
		for _, p := range out[i].Policies {
			if rp.prop.Replace != "" && (strings.HasPrefix(p.ID, rp.prop.Replace+" ") || strings.Contains(p.ID, "("+rp.prop.Replace+")")) {
				continue
			}
			ps = append(ps, p)
		}
		out[i].Policies = append(ps, rp.prop.Policy)
	}
	return out
}

func (rp *Replayer) account(id string) (*accountInfo, error) {
	rp.mu.Lock()
	ai, ok := rp.accounts[id]
	rp.mu.Unlock()
	if ok {
		return ai, nil
	}
	ai = &accountInfo{orgPath: rp.src.OrgPath(id)}
	var err error
	if ai.scp, err = rp.src.SCPLevels(id); err != nil {
		return nil, err
	}
	if ai.rcp, err = rp.src.RCPLevels(id); err != nil {
		return nil, err
	}
	rp.useLevels(ai.scp)
	rp.useLevels(ai.rcp)
	ai.scpNew, ai.rcpNew = ai.scp, ai.rcp
	if rp.prop.Type == org.SCP {
		ai.scpNew = rp.withProposal(ai.scp)
	} else {
		ai.rcpNew = rp.withProposal(ai.rcp)
	}
	rp.mu.Lock()
	rp.accounts[id] = ai
	rp.mu.Unlock()
	return ai, nil
}

func (rp *Replayer) principal(arn string) (*principalInfo, bool, error) {
	rp.mu.Lock()
	pi, ok := rp.principals[arn]
	rp.mu.Unlock()
	if ok {
		return pi, pi != nil, nil
	}
	sub, parsed := authz.ParsePrincipal(arn, "")
	if parsed && sub.Kind.IsIAM() {
		pi = &principalInfo{sub: sub, inOrg: rp.src.Snap.Org.Account(sub.Account) != nil}
		if pi.inOrg {
			in := authz.Input{Principal: sub}
			if err := rp.src.Identity(&in); err != nil {
				return nil, false, err
			}
			pi.identity, pi.boundaries, pi.slr = in.Identity, in.Boundaries, in.PrincipalIsServiceLinkedRole
			rp.use(pi.identity...)
			rp.use(pi.boundaries...)
			pi.mgmt = rp.src.Snap.Org.IsManagementAccount(sub.Account)
		} else {
			// A caller of another organization: its own policies are not
			// in the snapshot, and AWS let the call through.
			pi.identity = []authz.Named{allowAll}
		}
	}
	rp.mu.Lock()
	rp.principals[arn] = pi
	rp.mu.Unlock()
	return pi, pi != nil, nil
}

// resourcePolicy returns the resource's policy from the snapshot (S3
// bucket policy, role trust policy, KMS key policy), through the same
// lookup `policy simulate --snapshot` uses.
func (rp *Replayer) resourcePolicy(arn, account string) (*authz.Named, error) {
	key := account + "|" + arn
	if i := strings.Index(arn, ":::"); i > 0 { // S3: one policy per bucket
		b, _, _ := strings.Cut(arn[i+3:], "/")
		key = account + "|s3|" + b
	}
	rp.mu.Lock()
	n, ok := rp.resources[key]
	rp.mu.Unlock()
	if ok {
		return n, nil
	}
	in := authz.Input{Principal: policy.Subject{Kind: policy.KindAnonymous, ARN: "*"}, Action: "sts:GetCallerIdentity", Resource: arn, ResourceAccount: account}
	if err := rp.src.Fill(&in); err != nil {
		return nil, err
	}
	if in.ResourcePolicy != nil {
		rp.use(*in.ResourcePolicy)
	}
	rp.mu.Lock()
	rp.resources[key] = in.ResourcePolicy
	rp.mu.Unlock()
	return in.ResourcePolicy, nil
}

// inputs returns the request as things are and with the proposal.
func (rp *Replayer) inputs(q *request) (before, after *authz.Input, err error) {
	pi, ok, err := rp.principal(q.principal)
	if err != nil || !ok {
		return nil, nil, err
	}
	resAcct, _ := rp.loc.locate(rp.src, q.resource)
	if resAcct == "" {
		resAcct = pi.sub.Account
	}
	in := &authz.Input{Principal: pi.sub, Action: q.action, Resource: q.resource, ResourceAccount: resAcct,
		Context: authz.NewContext(q.ctx), Identity: pi.identity, Boundaries: pi.boundaries,
		PrincipalIsServiceLinkedRole: pi.slr, PrincipalIsManagementAccount: pi.mgmt}
	o := rp.src.Snap.Org
	var pa, ra *accountInfo
	if pi.inOrg {
		if pa, err = rp.account(pi.sub.Account); err != nil {
			return nil, nil, err
		}
		in.Context.SetDefault("aws:PrincipalOrgID", o.Id)
		in.Context.SetDefault("aws:PrincipalOrgPaths", pa.orgPath)
		in.SCPs = pa.scp
	}
	if o.Account(resAcct) != nil {
		if ra, err = rp.account(resAcct); err != nil {
			return nil, nil, err
		}
		in.Context.SetDefault("aws:ResourceOrgID", o.Id)
		in.Context.SetDefault("aws:ResourceOrgPaths", ra.orgPath)
		in.RCPs = ra.rcp
		in.ResourceIsManagementAccount = o.IsManagementAccount(resAcct)
	}
	if in.ResourcePolicy, err = rp.resourcePolicy(q.resource, resAcct); err != nil {
		return nil, nil, err
	}
	out := *in
	if pa != nil {
		out.SCPs = pa.scpNew
	}
	if ra != nil {
		out.RCPs = ra.rcpNew
	}
	return in, &out, nil
}

// responsible names what decides the proposed request: the proposal's
// denying statements, or the level where no Allow is left.
func responsible(res authz.Result, id string) string {
	var parts []string
	for _, m := range res.MatchedStatements {
		if m.Effect == "Deny" && (id == "" || m.PolicyID == id) {
			s := m.PolicyID
			if m.Sid != "" {
				s += "#" + m.Sid
			} else {
				s += fmt.Sprintf("#%d", m.Index)
			}
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 && res.MissingAllow != "" {
		s := "no Allow in " + string(res.MissingAllow)
		if res.Level != "" {
			s += " at " + res.Level
		}
		return s
	}
	return strings.Join(parts, ", ")
}
