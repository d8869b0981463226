package access

import (
	"net/netip"
	"path"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/policy/awsdata"
)

// Kind is the kind of outside principal a finding is about.
type Kind string

// The kinds of external access.
const (
	KindPublic    Kind = "public"    // anyone, signed or not
	KindAccount   Kind = "account"   // an AWS account outside the organization
	KindFederated Kind = "federated" // a SAML or OIDC identity provider
	KindService   Kind = "service"   // an AWS service acting for any account
)

// probe is one synthetic caller.
type probe struct {
	sub   policy.Subject
	kind  Kind
	label string // the principal as reported
}

// Limits of the search for a context that lets a probe in.
const (
	maxValuesPerKey = 8
	maxContexts     = 256
	maxResources    = 4
	fill            = "x0"
)

// probes returns the outside callers to try against one statement.
func (w *world) probes(st *policy.Statement, layer authz.Layer) []probe {
	var out []probe
	outsiderRoot := probe{sub: policy.Subject{Kind: policy.KindRoot, ARN: "arn:aws:iam::" + w.outsider + ":root", Partition: "aws", Account: w.outsider}, kind: KindAccount, label: "*"}
	anon := probe{sub: policy.Subject{Kind: policy.KindAnonymous, ARN: "*", Partition: "aws"}, kind: KindPublic, label: "*"}
	if st.Principal == nil || st.NotPrincipal || st.Principal.Wildcard {
		return append(out, anon, outsiderRoot)
	}
	for _, e := range st.Principal.Entries {
		v := strings.TrimSpace(e.Value.S)
		switch e.Kind {
		case "AWS":
			if v == "*" {
				out = append(out, anon, outsiderRoot)
				continue
			}
			sub, ok := authz.ParsePrincipal(v, "")
			if !ok || sub.Account == "" || w.inOrg(sub.Account) || sub.Account == "aws" {
				continue
			}
			out = append(out, probe{sub: sub, kind: KindAccount, label: v})
		case "Service":
			if v == "*" {
				out = append(out, anon, outsiderRoot)
				continue
			}
			if layer == authz.LayerTrust {
				continue // a service assuming a role acts for the role's own account
			}
			out = append(out, probe{sub: policy.Subject{Kind: policy.KindService, ARN: v, Partition: "aws"}, kind: KindService, label: v})
		case "Federated":
			if strings.Contains(v, ":saml-provider/AWSSSO_") {
				continue // IAM Identity Center's own provider: the organization's identities
			}
			out = append(out, probe{sub: policy.Subject{Kind: policy.KindUnknown, ARN: v, Partition: "aws"}, kind: KindFederated, label: v})
		case "CanonicalUser":
			if v == "*" {
				out = append(out, anon, outsiderRoot)
			}
		}
	}
	return out
}

// actions lists the actions of service that a statement's Action (or
// NotAction) element covers, by their canonical names.
func actions(st *policy.Statement, service string) []string {
	svc, ok := awsdata.Lookup(service)
	if !ok {
		return nil
	}
	var pats []string
	for _, a := range st.Action {
		pats = append(pats, strings.ToLower(strings.TrimSpace(a.S)))
	}
	covered := func(l string) bool {
		full := service + ":" + l
		for _, p := range pats {
			if m, _ := path.Match(p, full); m {
				return true
			}
		}
		return false
	}
	var out []string
	svc.MatchActions(func(l string) bool {
		if covered(l) != st.NotAction && (service != "sts" || isTrustAction(l)) {
			name, _ := svc.Action(l)
			out = append(out, service+":"+name)
		}
		return false
	})
	sort.Strings(out)
	return out
}

func isTrustAction(l string) bool {
	switch l {
	case "assumerole", "assumerolewithsaml", "assumerolewithwebidentity", "tagsession", "setsourceidentity", "setcontext":
		return true
	}
	return false
}

// resources returns concrete resource ARNs for a statement's Resource
// element that fall under r (wildcards filled in).
func resources(st *policy.Statement, r *Resource) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && len(out) < maxResources {
			seen[s] = true
			out = append(out, s)
		}
	}
	if st.HasResource && !st.NotResource {
		for _, v := range st.Resource {
			c := instantiate(v.S)
			switch {
			case v.S == "*":
				add(r.ARN)
				if r.Type == TypeS3Bucket {
					add(r.ARN + "/" + fill)
				}
				if r.AccessPoint != nil {
					add(r.ARN + "/object/" + fill)
				}
			case c == r.ARN || strings.HasPrefix(c, r.ARN+"/"):
				add(c)
			}
		}
	}
	if len(out) == 0 {
		add(r.ARN)
	}
	return out
}

// instantiate turns a pattern into one concrete value it matches.
func instantiate(p string) string {
	if !strings.ContainsAny(p, "*?") {
		return p
	}
	return strings.NewReplacer("*", fill, "?", "x").Replace(p)
}

// keyClass says who sets a condition key's value.
type keyClass uint8

const (
	keyCaller   keyClass = iota // the caller chooses it (or it is unknown)
	keyIdentity                 // bound to who the caller is: outside values only
	keyNetwork                  // a VPC or endpoint: only wildcards reach outside
	keyIP                       // aws:SourceIp
	keyFixed                    // set by AWS from the principal or the resource
)

func classify(k string) keyClass {
	switch k {
	case "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
		"kms:calleraccount", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourcearn",
		"aws:sourceowner", "aws:userid", "aws:calledvia", "aws:calledviafirst", "aws:calledvialast":
		return keyIdentity
	case "aws:sourcevpce", "aws:sourcevpc", "aws:vpcsourceip", "aws:sourcevpcarn":
		return keyNetwork
	case "aws:sourceip":
		return keyIP
	case "aws:principalisawsservice", "aws:principaltype", "aws:principalservicename",
		"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths",
		// S3 sets these on requests made through an access point (and
		// only there): a direct request to the bucket has none.
		"s3:dataaccesspointarn", "s3:dataaccesspointaccount", "s3:accesspointnetworkorigin":
		return keyFixed
	}
	if strings.HasPrefix(k, "aws:resourcetag/") {
		return keyFixed
	}
	return keyCaller
}

// keyInfo gathers one condition key's operators and values.
type keyInfo struct {
	name   string // lower case
	values []policy.Value
	ops    []policy.Operator
}

// conditionKeys collects the condition keys of policies.
func conditionKeys(docs []*policy.Document) []*keyInfo {
	m := map[string]*keyInfo{}
	for _, d := range docs {
		if d == nil {
			continue
		}
		for i := range d.Statements {
			for _, c := range d.Statements[i].Conditions {
				k := strings.ToLower(c.Key)
				ki := m[k]
				if ki == nil {
					ki = &keyInfo{name: k}
					m[k] = ki
				}
				ki.values = append(ki.values, c.Values...)
				ki.ops = append(ki.ops, c.Op)
			}
		}
	}
	out := make([]*keyInfo, 0, len(m))
	for _, ki := range m {
		out = append(out, ki)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// candidates returns the values an outside caller could present for a
// key; nil in the list means the key is absent.
func (w *world) candidates(ki *keyInfo, p *probe) [][]string {
	cls := classify(ki.name)
	if cls == keyFixed {
		return nil
	}
	out := [][]string{nil}
	seen := map[string]bool{}
	add := func(v string) {
		if !seen[v] && len(out) < maxValuesPerKey {
			seen[v] = true
			out = append(out, []string{v})
		}
	}
	switch cls {
	case keyIdentity:
		add(w.outsiderValue(ki.name, p))
		for _, v := range ki.values {
			if c := instantiate(v.S); !w.ours(c) && !strings.Contains(c, "${") {
				add(c)
			}
		}
	case keyNetwork:
		for _, v := range ki.values {
			if strings.ContainsAny(v.S, "*?") {
				add(instantiate(v.S))
			}
		}
	case keyIP:
		add("198.51.100.77")
		for _, v := range ki.values {
			if pfx, err := netip.ParsePrefix(strings.TrimSpace(v.S)); err == nil && pfx.Bits() < broadBits(pfx) {
				add(pfx.Masked().Addr().Next().String())
			}
		}
	default:
		for _, op := range ki.ops {
			if op.Family == policy.FamBool || op.Family == policy.FamNull {
				add("true")
				add("false")
			}
			if op.Family == policy.FamNumeric {
				add("0")
			}
		}
		for _, v := range ki.values {
			add(instantiate(v.S))
		}
		add("orgrail-probe")
	}
	return out
}

// broadBits is the prefix length under which a CIDR is taken as open to
// anyone: /8 for IPv4, /16 for IPv6.
func broadBits(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 8
	}
	return 16
}

// outsiderValue is the value a key has for a caller outside the
// organization.
func (w *world) outsiderValue(k string, p *probe) string {
	switch k {
	case "aws:principalorgid", "aws:sourceorgid":
		return "o-0utside0000"
	case "aws:principalorgpaths", "aws:sourceorgpaths":
		return "o-0utside0000/r-0000/"
	case "aws:principalarn", "aws:sourcearn":
		if p.sub.Kind.IsIAM() {
			return p.sub.ARN
		}
		return "arn:aws:iam::" + w.outsider + ":role/" + fill
	case "aws:principalaccount", "kms:calleraccount", "aws:sourceaccount", "aws:sourceowner":
		if p.sub.Account != "" {
			return p.sub.Account
		}
		return w.outsider
	}
	return fill
}

// contexts enumerates request contexts over the keys' candidates (the
// cross product, up to maxContexts), each with the fixed keys set.
func contexts(cands [][][]string, fixed map[string][]string, keys []*keyInfo) []authz.Context {
	lowered := make(map[string][]string, len(fixed))
	for k, v := range fixed {
		lowered[strings.ToLower(k)] = v
	}
	fixed = lowered
	for i := range cands {
		if _, ok := fixed[keys[i].name]; ok {
			cands[i] = nil
		}
	}
	n := 1
	for _, c := range cands {
		if len(c) > 0 {
			n *= len(c)
		}
		if n > maxContexts {
			n = maxContexts
		}
	}
	out := make([]authz.Context, 0, n)
	idx := make([]int, len(cands))
	for len(out) < n {
		m := make(map[string][]string, len(fixed)+len(cands))
		for k, v := range fixed {
			m[k] = v
		}
		for i, c := range cands {
			if len(c) > 0 && c[idx[i]] != nil {
				m[keys[i].name] = c[idx[i]]
			}
		}
		out = append(out, authz.NewContext(m))
		i := 0
		for ; i < len(idx); i++ {
			if len(cands[i]) == 0 {
				continue
			}
			idx[i]++
			if idx[i] < len(cands[i]) {
				break
			}
			idx[i] = 0
		}
		if i == len(idx) {
			break
		}
	}
	return out
}
