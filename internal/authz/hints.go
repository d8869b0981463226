package authz

import (
	"fmt"
	"sort"
	"strings"
)

// WithContextHints makes explained evaluations say which aws: condition
// keys the request's policies test but the request does not supply
// (they are decided as absent, which often flips a decision), with a
// default to try where the request implies one: aws:RequestedRegion from
// region (or the resource ARN's region), aws:SecureTransport true.
// Evaluations without explain are not affected.
func WithContextHints(region string) Option {
	return func(e *Engine) { e.hints, e.hintRegion = true, region }
}

// MissingKeys returns the aws: condition keys that the request's
// policies test and that neither the request's context nor the
// principal and resource supply, each with the policies that test it.
func MissingKeys(in *Input) map[string][]string {
	out := map[string][]string{}
	visit := func(n *Named) {
		if n == nil || n.Policy == nil || n.Policy.Doc == nil {
			return
		}
		for _, st := range n.Policy.Doc.Statements {
			for _, c := range st.Conditions {
				lk := strings.ToLower(c.Key)
				if !strings.HasPrefix(lk, "aws:") || in.Context.Has(c.Key) {
					continue
				}
				if _, derived := derivedKeys[lk]; derived {
					continue
				}
				if ps := out[c.Key]; len(ps) == 0 || ps[len(ps)-1] != n.ID {
					out[c.Key] = append(ps, n.ID)
				}
			}
		}
	}
	for _, list := range [][]Named{in.Identity, in.Boundaries, in.Session, in.Endpoints} {
		for i := range list {
			visit(&list[i])
		}
	}
	visit(in.ResourcePolicy)
	for _, levels := range [][]Level{in.SCPs, in.RCPs} {
		for _, l := range levels {
			for i := range l.Policies {
				visit(&l.Policies[i])
			}
		}
	}
	return out
}

// hintLines explains the missing keys of a request.
func (e *Engine) hintLines(in *Input) []string {
	missing := MissingKeys(in)
	keys := make([]string, 0, len(missing))
	for k := range missing {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		line := fmt.Sprintf("condition key %s is tested by %s but not supplied: decided as absent", k, strings.Join(missing[k], ", "))
		if d := e.defaultFor(k, in); d != "" {
			line += fmt.Sprintf("; to use the request's value, add --context %s=%s", k, d)
		}
		out = append(out, line)
	}
	return out
}

// defaultFor offers a value a key most likely has for this request.
func (e *Engine) defaultFor(key string, in *Input) string {
	switch strings.ToLower(key) {
	case "aws:requestedregion":
		if e.hintRegion != "" {
			return e.hintRegion
		}
		if p := strings.SplitN(in.Resource, ":", 6); len(p) == 6 && p[3] != "" {
			return p[3]
		}
	case "aws:securetransport":
		return "true"
	}
	return ""
}
