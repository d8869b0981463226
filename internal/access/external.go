package access

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/authz/orgsnap"
	"github.com/orgrail/orgrail/internal/policy"
)

// Grant is one external access: a resource that lets an outside
// principal perform some actions, and the statement that allows it.
type Grant struct {
	ResourceType string   `json:"resourceType"`
	ResourceArn  string   `json:"resourceArn"`
	Account      string   `json:"account"`
	Region       string   `json:"region"`
	Kind         Kind     `json:"kind"`
	Principal    string   `json:"principal"`
	Actions      []string `json:"actions"`
	// Statements are the statements of the resource's policy the engine
	// matched when it allowed the request ("bucket ACL" for an ACL grant).
	Statements []authz.StatementRef `json:"statements"`
	// Conditions are the condition keys of those statements: access
	// exists for a caller that satisfies them.
	Conditions []string `json:"conditions,omitempty"`
	IsPublic   bool     `json:"isPublic"`
}

// ExternalResult is the outcome of External.
type ExternalResult struct {
	Grants    []Grant `json:"grants"`
	Resources int     `json:"resources"`
	Decisions int     `json:"decisions"`
	// Blocked counts grants cut by S3 Block Public Access
	// (RestrictPublicBuckets) and ACLs ignored (IgnorePublicAcls).
	Blocked int `json:"blocked"`
	// VPCOnly counts access points with a policy whose network origin
	// is a VPC: reachable from that VPC only, never from outside.
	VPCOnly int `json:"vpcOnlyAccessPoints"`
	// Network lists VPC peering connections and transit gateway
	// attachments to accounts outside the organization.
	Network []NetworkLink `json:"network"`
	Errors  []error       `json:"-"`
}

// External analyses every resource and trust policy of the snapshot for
// access by principals outside the organization.
func External(src *orgsnap.Source, eng *authz.Engine) (*ExternalResult, error) {
	res, errs := Resources(src)
	w := newWorld(src, res)
	out := &ExternalResult{Resources: len(res), Errors: errs}
	var err error
	rcps := map[string][]authz.Level{}
	levels := func(acct string) ([]authz.Level, error) {
		lv, ok := rcps[acct]
		if !ok {
			if lv, err = src.RCPLevels(acct); err != nil {
				return nil, err
			}
			rcps[acct] = lv
		}
		return lv, nil
	}
	for i := range res {
		r := &res[i]
		lv, err := levels(r.Account)
		if err != nil {
			return nil, err
		}
		a := analyzer{w: w, eng: eng, r: r, rcps: lv, mgmt: src.Snap.Org.IsManagementAccount(r.Account),
			orgPath: src.OrgPath(r.Account), grants: map[string]*Grant{}}
		if ap := r.AccessPoint; ap != nil {
			if err := prepareAccessPoint(src.Snap.Org, ap, levels); err != nil {
				return nil, err
			}
		}
		a.run()
		if a.vpcOnly {
			out.VPCOnly++
		}
		out.Decisions += a.decisions
		out.Blocked += a.blocked
		out.Grants = append(out.Grants, a.list()...)
	}
	if out.Network, err = NetworkLinks(src); err != nil {
		return nil, err
	}
	return out, nil
}

// analyzer probes one resource.
type analyzer struct {
	w         *world
	eng       *authz.Engine
	r         *Resource
	rcps      []authz.Level
	mgmt      bool
	orgPath   string
	grants    map[string]*Grant
	done      map[string]bool
	decisions int
	blocked   int
	vpcOnly   bool
}

var allowAll = authz.Named{ID: "outside-identity", Policy: policy.MustCompile("outside-identity",
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}

func (a *analyzer) run() {
	r := a.r
	if r.ServiceLinked || r.Policy.Policy == nil {
		return
	}
	if r.AccessPoint != nil && r.AccessPoint.NetworkOrigin == "VPC" {
		// S3 refuses requests to a VPC access point from anywhere but
		// its VPC, a network of the access point's own account.
		a.vpcOnly = true
		return
	}
	doc := r.Policy.Policy.Doc
	docs := []*policy.Document{doc}
	for _, l := range a.rcps {
		for _, p := range l.Policies {
			docs = append(docs, p.Policy.Doc)
		}
	}
	fixed := map[string][]string{"aws:ResourceOrgID": {a.w.orgID}, "aws:ResourceOrgPaths": {a.orgPath}, "aws:RequestedRegion": {requestedRegion(r)}}
	for k, v := range r.Tags {
		fixed["aws:ResourceTag/"+k] = []string{v}
	}
	if r.AccessPoint != nil {
		docs = append(docs, a.accessPointDocs(fixed)...)
	}
	keys := conditionKeys(docs)
	a.done = map[string]bool{}
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if st.Effect != policy.Allow {
			continue
		}
		acts := actions(st, r.Service)
		if len(acts) == 0 {
			continue
		}
		for _, p := range a.w.probes(st, r.Layer) {
			cands := make([][][]string, len(keys))
			for k, ki := range keys {
				cands[k] = a.w.candidates(ki, &p)
			}
			ctxs := contexts(cands, fixed, keys)
			for _, res := range resources(st, r) {
				for _, act := range acts {
					a.try(p, act, res, ctxs)
				}
			}
		}
	}
	a.applyBlockPublicAccess()
	a.dropCovered()
}

// dropCovered removes "any account" grants that a public grant of the
// same statements already covers.
func (a *analyzer) dropCovered() {
	for k, g := range a.grants {
		if g.Kind != KindAccount || g.Principal != "*" {
			continue
		}
		if pub, ok := a.grants[string(KindPublic)+"|*|"+strings.TrimPrefix(k, string(KindAccount)+"|*|")]; ok && len(pub.Actions) >= len(g.Actions) {
			delete(a.grants, k)
		}
	}
}

// try looks for a context in which the probe is allowed, and records
// the statements that allow it.
func (a *analyzer) try(p probe, act, res string, ctxs []authz.Context) {
	key := string(p.kind) + "|" + p.label + "|" + p.sub.ARN + "|" + act + "|" + res
	if a.done[key] {
		return
	}
	a.done[key] = true
	in := authz.Input{Principal: p.sub, Action: act, Resource: res, ResourceAccount: a.r.Account,
		ResourcePolicy: &a.r.Policy, RCPs: a.rcps, ResourceIsManagementAccount: a.mgmt}
	if p.sub.Kind.IsIAM() {
		in.Identity = []authz.Named{allowAll}
	}
	for _, c := range ctxs {
		in.Context = c
		a.decisions++
		if a.eng.Decide(&in) != authz.Allowed {
			continue
		}
		matched := a.eng.Evaluate(&in, false).MatchedStatements
		if a.r.AccessPoint != nil {
			bucket, ok := a.throughBucket(&in)
			if !ok {
				continue
			}
			matched = append(matched, bucket...)
		}
		a.record(p, act, matched)
		return
	}
}

func (a *analyzer) record(p probe, act string, matched []authz.StatementRef) {
	var refs []authz.StatementRef
	var ids []string
	for _, m := range matched {
		if m.Layer == a.r.Layer && m.Effect == "Allow" {
			refs = append(refs, m)
			ids = append(ids, m.PolicyID+"#"+strconv.Itoa(m.Index))
		}
	}
	key := string(p.kind) + "|" + p.label + "|" + strings.Join(ids, ",")
	g := a.grants[key]
	if g == nil {
		g = &Grant{ResourceType: a.r.Type, ResourceArn: a.r.ARN, Account: a.r.Account, Region: a.r.Region,
			Kind: p.kind, Principal: p.label, Statements: refs, Conditions: a.conditions(refs), IsPublic: p.kind == KindPublic}
		a.grants[key] = g
	}
	for _, x := range g.Actions {
		if x == act {
			return
		}
	}
	g.Actions = append(g.Actions, act)
}

func (a *analyzer) conditions(refs []authz.StatementRef) []string {
	seen := map[string]bool{}
	var out []string
	for _, ref := range refs {
		doc := a.r.Policy.Policy.Doc
		if ref.PolicyID != a.r.Policy.ID {
			if b := a.bucketDoc(ref.PolicyID); b != nil {
				doc = b
			}
		}
		if ref.Index < 0 || ref.Index >= len(doc.Statements) {
			continue
		}
		for _, c := range doc.Statements[ref.Index].Conditions {
			if a.r.AccessPoint != nil && classify(strings.ToLower(c.Key)) == keyFixed && strings.HasPrefix(strings.ToLower(c.Key), "s3:") {
				continue // met by every request through this access point
			}
			if !seen[c.Key] {
				seen[c.Key] = true
				out = append(out, c.Key)
			}
		}
	}
	sort.Strings(out)
	return out
}

// applyBlockPublicAccess removes what S3 Block Public Access stops: with
// RestrictPublicBuckets, a bucket whose policy is public is reachable
// only by AWS services and the bucket owner's account; with
// IgnorePublicAcls, public ACL grants do not count.
func (a *analyzer) applyBlockPublicAccess() {
	r := a.r
	if r.Type != TypeS3Bucket && r.AccessPoint == nil {
		return
	}
	public := false
	for _, g := range a.grants {
		public = public || g.IsPublic
	}
	restrict := r.RestrictPublicBuckets
	if ap := r.AccessPoint; ap != nil {
		restrict = restrict || bucketsRestrict(ap)
	}
	if public && restrict {
		for k, g := range a.grants {
			if g.Kind != KindService {
				delete(a.grants, k)
				a.blocked++
			}
		}
	}
	if len(r.PublicACL) == 0 {
		return
	}
	if r.IgnorePublicAcls {
		a.blocked++
		return
	}
	a.grants["acl"] = &Grant{ResourceType: r.Type, ResourceArn: r.ARN, Account: r.Account, Region: r.Region,
		Kind: KindPublic, Principal: "*", Actions: append([]string(nil), r.PublicACL...), IsPublic: true,
		Statements: []authz.StatementRef{{PolicyID: "bucket ACL", Index: -1, Layer: authz.LayerResource, Effect: "Allow"}}}
}

// list returns the grants in a stable order.
func (a *analyzer) list() []Grant {
	out := make([]Grant, 0, len(a.grants))
	for _, g := range a.grants {
		sort.Strings(g.Actions)
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		if out[i].Principal != out[j].Principal {
			return out[i].Principal < out[j].Principal
		}
		return statementText(out[i].Statements) < statementText(out[j].Statements)
	})
	return out
}

// statementText names statements as policy#sid (or policy#index).
func statementText(refs []authz.StatementRef) string {
	s := make([]string, len(refs))
	for i, r := range refs {
		switch {
		case r.Index < 0:
			s[i] = r.PolicyID
		case r.Sid != "":
			s[i] = r.PolicyID + "#" + r.Sid
		default:
			s[i] = fmt.Sprintf("%s#%d", r.PolicyID, r.Index)
		}
	}
	return strings.Join(s, ", ")
}
