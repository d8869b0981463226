package policy

import (
	"errors"
	"sort"
	"strings"
	"sync"
)

// Policy is a compiled policy document. It is immutable and safe for
// concurrent use.
type Policy struct {
	// ID names the policy in results (a file name, a policy ARN or name).
	ID  string
	Doc *Document
	// Warnings holds the document's warnings and the condition values
	// that cannot match (see Document.Warnings).
	Warnings Errors

	stmts []stmt
	// index lists, per effect, the statements that can apply to each
	// service prefix (by interned id), so a scan looks only at those.
	index    [2]effectIndex
	hasDeny  bool
	hasAllow bool
}

// effectIndex maps service ids to statement lists for one effect.
// Statements whose actions name no literal service are in generic and
// merged into every list.
type effectIndex struct {
	services []int32 // sorted
	lists    [][]int32
	generic  []int32
}

func (x *effectIndex) lookup(id int32) []int32 {
	lo, hi := 0, len(x.services)
	for lo < hi {
		m := (lo + hi) / 2
		switch v := x.services[m]; {
		case v == id:
			return x.lists[m]
		case v < id:
			lo = m + 1
		default:
			hi = m
		}
	}
	return x.generic
}

// stmt is a compiled statement.
type stmt struct {
	index  int
	sid    string
	effect Effect

	actions   []actionPattern
	notAction bool

	resources   []pattern
	notResource bool
	hasResource bool

	principal    *principalSet
	notPrincipal bool

	conds []cond

	// resVars are the NotResource entries with policy variables. AWS
	// says an unresolvable variable "might cause the entire statement to
	// be invalid": orgrail treats a statement as invalid when such a
	// NotResource entry names the request's service. Elsewhere an entry
	// with an unresolvable variable simply matches nothing (see
	// docs/authz.md).
	resVars []resVar
}

type resVar struct {
	service pattern // the entry's service field
	tmpl    *template
}

// actionPattern matches lower-case "service:name" actions.
type actionPattern struct {
	service string  // literal service prefix; empty when it has wildcards
	name    pattern // glob over the action name
	full    pattern // glob over the whole action when service is empty
}

// Compile parses and compiles a policy document in one step.
func Compile(id string, src []byte) (*Policy, error) {
	doc, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return CompileDocument(id, doc)
}

// CompileDocument turns a parsed document into its evaluation form.
func CompileDocument(id string, doc *Document) (*Policy, error) {
	vars := doc.Version == "2012-10-17"
	p := &Policy{ID: id, Doc: doc}
	var errs Errors
	warns := append(Errors(nil), doc.Warnings...)
	for i := range doc.Statements {
		s, err := compileStatement(&doc.Statements[i], vars, &warns)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				errs = append(errs, e)
				continue
			}
			return nil, err
		}
		p.stmts = append(p.stmts, s)
		p.hasDeny = p.hasDeny || s.effect == Deny
		p.hasAllow = p.hasAllow || s.effect == Allow
	}
	if len(errs) > 0 {
		return nil, errs
	}
	p.Warnings = warns
	p.buildIndex()
	return p, nil
}

// MustCompile is Compile for policies known to be valid (tests, tables).
func MustCompile(id, src string) *Policy {
	p, err := Compile(id, []byte(src))
	if err != nil {
		panic(err)
	}
	return p
}

func compileStatement(st *Statement, vars bool, warns *Errors) (stmt, error) {
	s := stmt{index: st.Index, sid: st.Sid, effect: st.Effect, notAction: st.NotAction,
		notResource: st.NotResource, hasResource: st.HasResource, notPrincipal: st.NotPrincipal}
	for _, a := range st.Action {
		s.actions = append(s.actions, compileAction(a.S))
	}
	for _, r := range st.Resource {
		p, err := compilePattern(r.S, vars)
		if err != nil {
			return s, &Error{Pos: r.Pos, Code: "policy.variable", Msg: err.Error()}
		}
		s.resources = append(s.resources, p)
	}
	for i := range s.resources {
		if t := s.resources[i].tmpl; st.NotResource && t != nil && t.hasVar() {
			svc := "*"
			if parts := strings.SplitN(s.resources[i].raw, ":", 4); len(parts) == 4 {
				svc = parts[2]
			}
			s.resVars = append(s.resVars, resVar{service: compileGlob(svc, false), tmpl: t})
		}
	}
	if st.Principal != nil {
		s.principal = compilePrincipals(st.Principal)
	}
	for i := range st.Conditions {
		s.conds = append(s.conds, compileCondition(&st.Conditions[i], vars, warns))
	}
	return s, nil
}

// compileAction compiles one Action value. AWS ignores the case of
// actions; white space is kept, so "s3:GetObject " matches nothing.
func compileAction(a string) actionPattern {
	l := strings.ToLower(a)
	i := strings.IndexByte(l, ':')
	if l == "*" || i < 0 || hasWildcard(l[:i]) {
		return actionPattern{full: compileGlob(l, false)}
	}
	return actionPattern{service: l[:i], name: compileGlob(l[i+1:], false)}
}

// buildIndex groups statements by effect and by the services their actions
// name.
func (p *Policy) buildIndex() {
	for e, eff := range []Effect{Allow, Deny} {
		var generic []int32
		services := map[int32][]int32{}
		for i, s := range p.stmts {
			if s.effect != eff {
				continue
			}
			literal := !s.notAction
			for _, a := range s.actions {
				if a.service == "" {
					literal = false
				}
			}
			if !literal {
				generic = append(generic, int32(i))
				continue
			}
			seen := map[int32]bool{}
			for _, a := range s.actions {
				id := serviceID(a.service, true)
				if !seen[id] {
					seen[id] = true
					services[id] = append(services[id], int32(i))
				}
			}
		}
		x := &p.index[e]
		x.generic = generic
		for id := range services {
			x.services = append(x.services, id)
		}
		sort.Slice(x.services, func(a, b int) bool { return x.services[a] < x.services[b] })
		for _, id := range x.services {
			merged := append(append([]int32(nil), services[id]...), generic...)
			sort.Slice(merged, func(a, b int) bool { return merged[a] < merged[b] })
			x.lists = append(x.lists, merged)
		}
	}
}

// candidates returns the statements of effect e that can apply to a
// request.
func (p *Policy) candidates(e Effect, r *Request) []int32 {
	return p.index[e-1].lookup(r.serviceID)
}

// serviceIDs interns lower-case service prefixes, so that a request
// finds its statements with one map lookup instead of one per policy.
var serviceIDs = struct {
	sync.RWMutex
	m map[string]int32
}{m: map[string]int32{}}

// serviceID returns the id of a service prefix, or -1 when it is unknown
// and create is false.
func serviceID(s string, create bool) int32 {
	serviceIDs.RLock()
	id, ok := serviceIDs.m[s]
	serviceIDs.RUnlock()
	if ok || !create {
		if !ok {
			return -1
		}
		return id
	}
	serviceIDs.Lock()
	defer serviceIDs.Unlock()
	if id, ok := serviceIDs.m[s]; ok {
		return id
	}
	id = int32(len(serviceIDs.m))
	serviceIDs.m[strings.Clone(s)] = id
	return id
}

// Statements returns how many statements the policy has.
func (p *Policy) Statements() int { return len(p.stmts) }

// HasEffect reports whether any statement has the effect.
func (p *Policy) HasEffect(e Effect) bool {
	if e == Allow {
		return p.hasAllow
	}
	return p.hasDeny
}

func (a *actionPattern) match(r *Request) bool {
	if a.service == "" {
		return a.full.match(r.actionLower, nil)
	}
	return a.service == r.service && a.name.match(r.actionName, nil)
}

func (s *stmt) matchAction(r *Request) bool {
	for i := range s.actions {
		if s.actions[i].match(r) {
			return !s.notAction
		}
	}
	return s.notAction
}

func (s *stmt) matchResource(r *Request) bool {
	if !s.hasResource {
		return true
	}
	for i := range s.resources {
		if s.resources[i].match(r.Resource, r.Context) {
			return !s.notResource
		}
	}
	return s.notResource
}

// resolvable reports whether the statement's Resource variables that
// concern the request's service all resolve.
func (s *stmt) resolvable(r *Request) bool {
	for i := range s.resVars {
		v := &s.resVars[i]
		if v.service.match(r.resourceService, nil) && !v.tmpl.resolvable(r.Context) {
			return false
		}
	}
	return true
}

func (s *stmt) matchConditions(r *Request) bool {
	for i := range s.conds {
		if !s.conds[i].eval(r.Context) {
			return false
		}
	}
	return true
}
