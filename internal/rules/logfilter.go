package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// filterExpr is a parsed CloudWatch Logs JSON filter pattern
// ({ ($.eventName = X) || ... }): a tree of && and || over comparisons
// of a JSON selector with a value.
type filterExpr struct {
	op       string // "&&", "||" or "cmp"
	children []*filterExpr

	path  []string // selector after "$.", split at dots; [n] indexes are elements
	cmp   string   // =, !=, <, >, <=, >=, "NOT EXISTS", "IS NULL", "IS TRUE", "IS FALSE"
	value string
	re    *regexp.Regexp // a %regex% value
}

// parseFilterPattern parses the JSON form of a CloudWatch Logs filter
// pattern. Term and space-delimited patterns are refused: the CIS
// metric filters are all JSON patterns over CloudTrail events.
func parseFilterPattern(s string) (*filterExpr, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") || !strings.HasSuffix(t, "}") {
		return nil, fmt.Errorf("filter pattern %q is not a JSON pattern ({ ... })", s)
	}
	p := &filterParser{src: t[1 : len(t)-1]}
	e, err := p.or()
	if err != nil {
		return nil, fmt.Errorf("filter pattern %q: %w", s, err)
	}
	p.space()
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("filter pattern %q: unexpected %q at %d", s, p.src[p.pos:], p.pos+1)
	}
	return e, nil
}

type filterParser struct {
	src string
	pos int
}

func (p *filterParser) space() {
	for p.pos < len(p.src) && strings.ContainsRune(" \t\r\n", rune(p.src[p.pos])) {
		p.pos++
	}
}

func (p *filterParser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.src[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

// or parses a || b || ...; && binds tighter than ||.
func (p *filterParser) or() (*filterExpr, error) {
	return p.chain("||", p.and)
}

func (p *filterParser) and() (*filterExpr, error) {
	return p.chain("&&", p.primary)
}

func (p *filterParser) chain(op string, next func() (*filterExpr, error)) (*filterExpr, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	e := &filterExpr{op: op, children: []*filterExpr{first}}
	for p.eat(op) {
		c, err := next()
		if err != nil {
			return nil, err
		}
		e.children = append(e.children, c)
	}
	if len(e.children) == 1 {
		return first, nil
	}
	return e, nil
}

func (p *filterParser) primary() (*filterExpr, error) {
	if p.eat("(") {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, fmt.Errorf("missing ) at %d", p.pos+1)
		}
		return e, nil
	}
	return p.comparison()
}

var filterCmps = []string{"NOT EXISTS", "IS NULL", "IS TRUE", "IS FALSE", "!=", "<=", ">=", "=", "<", ">"}

func (p *filterParser) comparison() (*filterExpr, error) {
	p.space()
	if !strings.HasPrefix(p.src[p.pos:], "$.") {
		return nil, fmt.Errorf("expected a $. selector at %d", p.pos+1)
	}
	start := p.pos + 2
	p.pos = start
	for p.pos < len(p.src) && !strings.ContainsRune(" \t\r\n=!<>()&|", rune(p.src[p.pos])) {
		p.pos++
	}
	sel := p.src[start:p.pos]
	if sel == "" {
		return nil, fmt.Errorf("empty selector at %d", start+1)
	}
	e := &filterExpr{op: "cmp", path: splitSelector(sel)}
	p.space()
	for _, c := range filterCmps {
		if strings.HasPrefix(p.src[p.pos:], c) {
			e.cmp = c
			p.pos += len(c)
			break
		}
	}
	switch e.cmp {
	case "":
		return nil, fmt.Errorf("expected a comparison after $.%s at %d", sel, p.pos+1)
	case "NOT EXISTS", "IS NULL", "IS TRUE", "IS FALSE":
		return e, nil
	}
	v, re, err := p.value()
	if err != nil {
		return nil, err
	}
	e.value, e.re = v, re
	return e, nil
}

// value reads a quoted string, a %regex% or a bare word.
func (p *filterParser) value() (string, *regexp.Regexp, error) {
	p.space()
	if p.pos >= len(p.src) {
		return "", nil, fmt.Errorf("missing value at the end")
	}
	switch p.src[p.pos] {
	case '"':
		end := strings.IndexByte(p.src[p.pos+1:], '"')
		if end < 0 {
			return "", nil, fmt.Errorf("unterminated string at %d", p.pos+1)
		}
		v := p.src[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
		return v, nil, nil
	case '%':
		end := strings.IndexByte(p.src[p.pos+1:], '%')
		if end < 0 {
			return "", nil, fmt.Errorf("unterminated regular expression at %d", p.pos+1)
		}
		src := p.src[p.pos+1 : p.pos+1+end]
		re, err := regexp.Compile(src)
		if err != nil {
			return "", nil, fmt.Errorf("regular expression %q: %w", src, err)
		}
		p.pos += end + 2
		return src, re, nil
	}
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune(" \t\r\n()&|", rune(p.src[p.pos])) {
		p.pos++
	}
	if p.pos == start {
		return "", nil, fmt.Errorf("missing value at %d", start+1)
	}
	return p.src[start:p.pos], nil, nil
}

// splitSelector splits a.b[0].c into a, b, 0, c.
func splitSelector(sel string) []string {
	sel = strings.NewReplacer("[", ".", "]", "").Replace(sel)
	return strings.Split(sel, ".")
}

// match reports whether the filter matches a JSON log event (decoded
// with encoding/json into map[string]any).
func (e *filterExpr) match(ev map[string]any) bool {
	switch e.op {
	case "&&":
		for _, c := range e.children {
			if !c.match(ev) {
				return false
			}
		}
		return true
	case "||":
		for _, c := range e.children {
			if c.match(ev) {
				return true
			}
		}
		return false
	}
	v, ok := lookupPath(ev, e.path)
	switch e.cmp {
	case "NOT EXISTS":
		return !ok
	case "IS NULL":
		return ok && v == nil
	case "IS TRUE", "IS FALSE":
		b, isBool := v.(bool)
		return ok && isBool && b == (e.cmp == "IS TRUE")
	case "=":
		return ok && e.equals(v)
	case "!=":
		// An absent member is "not equal" to any value.
		return !ok || !e.equals(v)
	}
	return ok && e.numeric(v)
}

func (e *filterExpr) equals(v any) bool {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case float64:
		if want, err := strconv.ParseFloat(e.value, 64); err == nil {
			return x == want
		}
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		s = strconv.FormatBool(x)
	default:
		return false
	}
	if e.re != nil {
		return e.re.MatchString(s)
	}
	return starMatch(e.value, s)
}

// starMatch matches a filter value in which * stands for any run of
// characters (CloudWatch Logs has no other wildcard).
func starMatch(pat, s string) bool {
	parts := strings.Split(pat, "*")
	if len(parts) == 1 {
		return pat == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

func (e *filterExpr) numeric(v any) bool {
	x, ok := v.(float64)
	want, err := strconv.ParseFloat(e.value, 64)
	if !ok || err != nil {
		return false
	}
	switch e.cmp {
	case "<":
		return x < want
	case ">":
		return x > want
	case "<=":
		return x <= want
	}
	return x >= want
}

func lookupPath(v any, path []string) (any, bool) {
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}
