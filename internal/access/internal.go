package access

import (
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/policy"
)

// Via values of an edge.
const (
	ViaRoleTrust      = "roleTrust"
	ViaResourcePolicy = "resourcePolicy"
)

// Node is one account of the graph.
type Node struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	OU      string `json:"ou"`
}

// Edge is access from principals of one member account to a resource
// (or role) of another, as the engine decides it after the caller's
// SCPs and the resource's RCPs.
type Edge struct {
	From         string               `json:"from"`
	To           string               `json:"to"`
	Via          string               `json:"via"`
	Principal    string               `json:"principal"`
	ResourceType string               `json:"resourceType"`
	ResourceArn  string               `json:"resourceArn"`
	Region       string               `json:"region"`
	Actions      []string             `json:"actions"`
	Statements   []authz.StatementRef `json:"statements"`
	Conditions   []string             `json:"conditions,omitempty"`
}

// Graph is the cross-account access graph of the organization.
type Graph struct {
	OrgID     string  `json:"orgId"`
	Nodes     []Node  `json:"nodes"`
	Edges     []Edge  `json:"edges"`
	Decisions int     `json:"decisions"`
	Errors    []error `json:"-"`
}

// Internal builds the graph of access between member accounts: every
// role trust policy and resource policy that lets a principal of another
// member account in, decided by the engine with the caller's identity
// policies (for a named role or user), its account's SCPs and the
// resource account's RCPs.
func Internal(src *orgsnap.Source, eng *authz.Engine) (*Graph, error) {
	res, errs := Resources(src)
	o := src.Snap.Org
	g := &Graph{OrgID: o.Id, Errors: errs}
	for _, id := range o.AccountIDs() {
		g.Nodes = append(g.Nodes, Node{Account: id, Name: o.Name(id), OU: o.OUPath(id)})
	}
	ia := &internalAnalyzer{src: src, eng: eng, w: newWorld(src, res), scps: map[string][]authz.Level{}, rcps: map[string][]authz.Level{}}
	for i := range res {
		if res[i].ServiceLinked {
			continue
		}
		if ap := res[i].AccessPoint; ap != nil {
			levels := func(acct string) ([]authz.Level, error) { return ia.levels(ia.rcps, acct, ia.src.RCPLevels) }
			if err := prepareAccessPoint(o, ap, levels); err != nil {
				return nil, err
			}
		}
		edges, err := ia.resource(&res[i])
		if err != nil {
			return nil, err
		}
		g.Edges = append(g.Edges, edges...)
	}
	g.Decisions = ia.decisions
	sort.SliceStable(g.Edges, func(i, j int) bool {
		a, b := &g.Edges[i], &g.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		if a.ResourceArn != b.ResourceArn {
			return a.ResourceArn < b.ResourceArn
		}
		return a.Principal < b.Principal
	})
	return g, nil
}

type internalAnalyzer struct {
	src       *orgsnap.Source
	eng       *authz.Engine
	w         *world
	scps      map[string][]authz.Level
	rcps      map[string][]authz.Level
	decisions int
}

func (ia *internalAnalyzer) levels(m map[string][]authz.Level, acct string, get func(string) ([]authz.Level, error)) ([]authz.Level, error) {
	if lv, ok := m[acct]; ok {
		return lv, nil
	}
	lv, err := get(acct)
	m[acct] = lv
	return lv, err
}

// callers returns the principals of other member accounts a statement
// names: the named ones, or for a wildcard one root per member account
// (whose access then rests on the conditions).
func (ia *internalAnalyzer) callers(st *policy.Statement, owner string) []probe {
	var out []probe
	all := func() {
		for _, a := range ia.src.Snap.Org.AccountIDs() {
			if a != owner {
				out = append(out, probe{sub: policy.Subject{Kind: policy.KindRoot, ARN: "arn:aws:iam::" + a + ":root", Partition: "aws", Account: a}, label: "*"})
			}
		}
	}
	if st.Principal == nil || st.NotPrincipal || st.Principal.Wildcard {
		all()
		return out
	}
	for _, e := range st.Principal.Entries {
		v := strings.TrimSpace(e.Value.S)
		if e.Kind != "AWS" {
			continue
		}
		if v == "*" {
			all()
			continue
		}
		sub, ok := authz.ParsePrincipal(v, "")
		if !ok || sub.Account == owner || !ia.w.inOrg(sub.Account) {
			continue
		}
		out = append(out, probe{sub: sub, label: v})
	}
	return out
}

// resource finds the edges into one resource.
func (ia *internalAnalyzer) resource(r *Resource) ([]Edge, error) {
	rcps, err := ia.levels(ia.rcps, r.Account, ia.src.RCPLevels)
	if err != nil {
		return nil, err
	}
	doc := r.Policy.Policy.Doc
	docs := []*policy.Document{doc}
	for _, l := range rcps {
		for _, p := range l.Policies {
			docs = append(docs, p.Policy.Doc)
		}
	}
	if r.AccessPoint != nil {
		docs = append(docs, accessPointDocs(r, map[string][]string{})...)
	}
	keys := conditionKeys(docs)
	mgmt := ia.src.Snap.Org.IsManagementAccount(r.Account)
	edges := map[string]*Edge{}
	var order []string
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if st.Effect != policy.Allow {
			continue
		}
		acts := actions(st, r.Service)
		if len(acts) == 0 {
			continue
		}
		callers := ia.callers(st, r.Account)
		if len(callers) > 0 && callers[0].label == "*" && ia.outsideReaches(st, r, rcps, mgmt, keys, acts) {
			// Open to principals outside the organization: that is
			// external access (access external), not an edge between
			// accounts.
			callers = nil
		}
		for _, p := range callers {
			in, err := ia.input(p, r, rcps, mgmt)
			if err != nil {
				return nil, err
			}
			ctxs := ia.contexts(withSCPKeys(keys, docs, in.SCPs), p, r)
			for _, res := range resources(st, r) {
				for _, act := range acts {
					in.Action, in.Resource = act, res
					refs, ok := ia.allowed(in, ctxs, r)
					if !ok {
						continue
					}
					key := p.sub.Account + "|" + p.label + "|" + statementText(refs)
					e := edges[key]
					if e == nil {
						via := ViaResourcePolicy
						if r.Layer == authz.LayerTrust {
							via = ViaRoleTrust
						}
						e = &Edge{From: p.sub.Account, To: r.Account, Via: via, Principal: p.label, ResourceType: r.Type,
							ResourceArn: r.ARN, Region: r.Region, Statements: refs, Conditions: conditionsOf(doc, ownRefs(refs, r))}
						edges[key] = e
						order = append(order, key)
					}
					if !contains(e.Actions, act) {
						e.Actions = append(e.Actions, act)
					}
				}
			}
		}
	}
	out := make([]Edge, 0, len(order))
	for _, k := range order {
		sort.Strings(edges[k].Actions)
		out = append(out, *edges[k])
	}
	return out, nil
}

// outsideReaches reports whether a principal outside the organization
// can perform one of acts under the statement, as External probes it.
func (ia *internalAnalyzer) outsideReaches(st *policy.Statement, r *Resource, rcps []authz.Level, mgmt bool, keys []*keyInfo, acts []string) bool {
	a := analyzer{w: ia.w, eng: ia.eng, r: r, rcps: rcps, mgmt: mgmt, orgPath: ia.src.OrgPath(r.Account), grants: map[string]*Grant{}, done: map[string]bool{}}
	fixed := map[string][]string{"aws:ResourceOrgID": {ia.w.orgID}, "aws:ResourceOrgPaths": {a.orgPath}, "aws:RequestedRegion": {requestedRegion(r)}}
	for k, v := range r.Tags {
		fixed["aws:ResourceTag/"+k] = []string{v}
	}
	if ap := r.AccessPoint; ap != nil {
		if ap.NetworkOrigin == "VPC" {
			return false // reachable from its VPC only
		}
		accessPointDocs(r, fixed)
	}
	for _, p := range ia.w.probes(st, r.Layer) {
		cands := make([][][]string, len(keys))
		for k, ki := range keys {
			cands[k] = ia.w.candidates(ki, &p)
		}
		ctxs := contexts(cands, fixed, keys)
		for _, res := range resources(st, r) {
			for _, act := range acts {
				a.try(p, act, res, ctxs)
				if len(a.grants) > 0 {
					ia.decisions += a.decisions
					return true
				}
			}
		}
	}
	ia.decisions += a.decisions
	return false
}

// input prepares the request of a caller of a member account: its
// identity policies (all allowed for an account root, which stands for
// whatever principal the account's administrators choose), its SCPs.
func (ia *internalAnalyzer) input(p probe, r *Resource, rcps []authz.Level, mgmt bool) (*authz.Input, error) {
	o := ia.src.Snap.Org
	in := &authz.Input{Principal: p.sub, ResourceAccount: r.Account, ResourcePolicy: &r.Policy, RCPs: rcps,
		ResourceIsManagementAccount: mgmt, PrincipalIsManagementAccount: o.IsManagementAccount(p.sub.Account)}
	scps, err := ia.levels(ia.scps, p.sub.Account, ia.src.SCPLevels)
	if err != nil {
		return nil, err
	}
	in.SCPs = scps
	if p.sub.Kind == policy.KindRoot {
		in.Identity = []authz.Named{allowAll}
		// The root user stands for the account's principals here: the
		// SCP keys that name the root user must not decide for them.
		in.Principal.Kind = policy.KindRole
		in.Principal.RoleName = fill
		in.Principal.ARN = "arn:aws:iam::" + p.sub.Account + ":role/" + fill
	} else if err := ia.src.Identity(in); err != nil {
		return nil, err
	}
	return in, nil
}

// contexts returns the request contexts to try for a caller of the
// organization: the organization keys are its own, the keys the caller
// controls take every candidate value.
func (ia *internalAnalyzer) contexts(keys []*keyInfo, p probe, r *Resource) []authz.Context {
	fixed := map[string][]string{
		"aws:PrincipalOrgID": {ia.w.orgID}, "aws:PrincipalOrgPaths": {ia.src.OrgPath(p.sub.Account)},
		"aws:ResourceOrgID": {ia.w.orgID}, "aws:ResourceOrgPaths": {ia.src.OrgPath(r.Account)},
		"aws:RequestedRegion": {requestedRegion(r)},
	}
	for k, v := range r.Tags {
		fixed["aws:ResourceTag/"+k] = []string{v}
	}
	if r.AccessPoint != nil {
		accessPointDocs(r, fixed)
	}
	cands := make([][][]string, len(keys))
	for i, ki := range keys {
		switch classify(ki.name) {
		case keyFixed, keyIdentity:
			continue
		}
		if _, ok := fixed[ki.name]; ok {
			continue
		}
		cands[i] = ia.w.candidates(ki, &p)
	}
	return contexts(cands, fixed, keys)
}

// allowed looks for a context that allows the request and returns the
// allowing statements of the resource's policy.
// Through an S3 access point, the bucket's policy must allow the same
// request too; its allowing statements follow the access point's.
func (ia *internalAnalyzer) allowed(in *authz.Input, ctxs []authz.Context, r *Resource) ([]authz.StatementRef, bool) {
	for _, c := range ctxs {
		in.Context = c
		ia.decisions++
		if ia.eng.Decide(in) != authz.Allowed {
			continue
		}
		matched := ia.eng.Evaluate(in, false).MatchedStatements
		if r.AccessPoint != nil {
			bucket, ok := throughBucket(ia.eng, r, in, &ia.decisions)
			if !ok {
				continue
			}
			matched = append(matched, bucket...)
		}
		var refs []authz.StatementRef
		for _, m := range matched {
			if m.Layer == r.Layer && m.Effect == "Allow" {
				refs = append(refs, m)
			}
		}
		return refs, true
	}
	return nil, false
}

// ownRefs keeps the statements of r's own policy.
func ownRefs(refs []authz.StatementRef, r *Resource) []authz.StatementRef {
	var out []authz.StatementRef
	for _, ref := range refs {
		if ref.PolicyID == r.Policy.ID {
			out = append(out, ref)
		}
	}
	return out
}

// withSCPKeys adds the condition keys of the caller's SCPs.
func withSCPKeys(keys []*keyInfo, docs []*policy.Document, scps []authz.Level) []*keyInfo {
	if len(scps) == 0 {
		return keys
	}
	all := append([]*policy.Document(nil), docs...)
	for _, l := range scps {
		for _, p := range l.Policies {
			all = append(all, p.Policy.Doc)
		}
	}
	return conditionKeys(all)
}

// requestedRegion is aws:RequestedRegion for a request to r: its region,
// us-east-1 for global resources (IAM and STS's global endpoint).
func requestedRegion(r *Resource) string {
	if r.Region == "" || r.Region == "global" {
		return "us-east-1"
	}
	return r.Region
}

func conditionsOf(doc *policy.Document, refs []authz.StatementRef) []string {
	seen := map[string]bool{}
	var out []string
	for _, ref := range refs {
		if ref.Index < 0 || ref.Index >= len(doc.Statements) {
			continue
		}
		for _, c := range doc.Statements[ref.Index].Conditions {
			if !seen[c.Key] {
				seen[c.Key] = true
				out = append(out, c.Key)
			}
		}
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
