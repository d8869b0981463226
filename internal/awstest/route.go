package awstest

import (
	"net/http"
	"net/url"
	"strings"
)

// route is a REST operation's HTTP binding, from the SDK's model.
type route struct {
	spec     *opSpec
	method   string
	segs     []string // literal segment, "{Label}" or "{Label+}"
	query    map[string]string
	literals int
}

func newRoute(sp *opSpec) *route {
	rt := &route{spec: sp, method: sp.Method, query: map[string]string{}}
	path, q, _ := strings.Cut(sp.URI, "?")
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if k == "x-id" {
			continue // the SDK's operation marker, optional on the wire
		}
		rt.query[k] = v
		rt.literals++
	}
	path = strings.TrimPrefix(path, "/")
	if path != "" {
		rt.segs = strings.Split(path, "/")
	}
	for _, sg := range rt.segs {
		if !strings.HasPrefix(sg, "{") {
			rt.literals += 2
		}
	}
	return rt
}

// match reports whether the request fits, filling labels.
func (rt *route) match(method string, segs []string, q url.Values, labels map[string]string) bool {
	if method != rt.method {
		return false
	}
	for k, v := range rt.query {
		if !q.Has(k) || (v != "" && q.Get(k) != v) {
			return false
		}
	}
	i := 0
	for _, sg := range rt.segs {
		if strings.HasPrefix(sg, "{") {
			name := strings.Trim(sg, "{}")
			if strings.HasSuffix(name, "+") {
				if i >= len(segs) {
					return false
				}
				labels[strings.TrimSuffix(name, "+")] = strings.Join(segs[i:], "/")
				i = len(segs)
				continue
			}
			if i >= len(segs) || segs[i] == "" {
				return false
			}
			labels[name] = segs[i]
			i++
			continue
		}
		if i >= len(segs) || segs[i] != sg {
			return false
		}
		i++
	}
	return i == len(segs)
}

// findRoute picks the most specific matching route.
func (s *Server) findRoute(svc string, r *http.Request, path string) (*route, map[string]string) {
	var segs []string
	if p := strings.Trim(path, "/"); p != "" {
		for _, sg := range strings.Split(p, "/") {
			u, err := url.PathUnescape(sg)
			if err != nil {
				u = sg
			}
			segs = append(segs, u)
		}
	}
	q := r.URL.Query()
	var best *route
	var bestLabels map[string]string
	for _, rt := range s.routes[svc] {
		labels := map[string]string{}
		if rt.match(r.Method, segs, q, labels) && (best == nil || rt.literals > best.literals) {
			best, bestLabels = rt, labels
		}
	}
	return best, bestLabels
}
