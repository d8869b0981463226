package sigma

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
)

// node is a parsed condition expression.
type node interface {
	eval(c *evalCtx) bool
}

type selNode struct{ idx int }
type notNode struct{ x node }
type andNode struct{ xs []node }
type orNode struct{ xs []node }

// ofNode is "N of pattern": at least n (or all, when n == 0) of the named
// selections hold.
type ofNode struct {
	n    int
	sels []int
}

func (n *selNode) eval(c *evalCtx) bool { return c.selection(n.idx) }
func (n *notNode) eval(c *evalCtx) bool { return !n.x.eval(c) }

func (n *andNode) eval(c *evalCtx) bool {
	for _, x := range n.xs {
		if !x.eval(c) {
			return false
		}
	}
	return true
}

func (n *orNode) eval(c *evalCtx) bool {
	for _, x := range n.xs {
		if x.eval(c) {
			return true
		}
	}
	return false
}

func (n *ofNode) eval(c *evalCtx) bool {
	need := n.n
	if need == 0 {
		need = len(n.sels)
	}
	got := 0
	for _, i := range n.sels {
		if c.selection(i) {
			got++
			if got >= need {
				return true
			}
		}
	}
	return false
}

// condParser is a recursive-descent parser for condition strings:
// or < and < not < primary.
type condParser struct {
	toks []string
	pos  int
	sels map[string]*selection
}

func tokenize(s string) []string {
	var out []string
	cur := strings.Builder{}
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch r {
		case '(', ')', '|':
			flush()
			out = append(out, string(r))
		case ' ', '\t', '\n', '\r':
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

func parseCondition(s string, sels map[string]*selection) (node, error) {
	p := &condParser{toks: tokenize(s), sels: sels}
	for _, t := range p.toks {
		if t == "|" {
			return nil, &unsupportedFeature{"aggregation after '|' (count, near ...)"}
		}
	}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("empty condition")
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return n, nil
}

func (p *condParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *condParser) or() (node, error) {
	x, err := p.and()
	if err != nil {
		return nil, err
	}
	xs := []node{x}
	for strings.EqualFold(p.peek(), "or") {
		p.pos++
		y, err := p.and()
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
	if len(xs) == 1 {
		return x, nil
	}
	return &orNode{xs}, nil
}

func (p *condParser) and() (node, error) {
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	xs := []node{x}
	for strings.EqualFold(p.peek(), "and") {
		p.pos++
		y, err := p.not()
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
	if len(xs) == 1 {
		return x, nil
	}
	return &andNode{xs}, nil
}

func (p *condParser) not() (node, error) {
	if strings.EqualFold(p.peek(), "not") {
		p.pos++
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &notNode{x}, nil
	}
	return p.primary()
}

func (p *condParser) primary() (node, error) {
	t := p.peek()
	switch {
	case t == "":
		return nil, fmt.Errorf("condition ends early")
	case t == "(":
		p.pos++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing ')'")
		}
		p.pos++
		return x, nil
	case t == ")":
		return nil, fmt.Errorf("unexpected ')'")
	}
	if p.pos+1 < len(p.toks) && strings.EqualFold(p.toks[p.pos+1], "of") {
		return p.quantifier()
	}
	p.pos++
	s, ok := p.sels[t]
	if !ok {
		return nil, fmt.Errorf("unknown selection %q", t)
	}
	return &selNode{s.idx}, nil
}

func (p *condParser) quantifier() (node, error) {
	q := strings.ToLower(p.toks[p.pos])
	p.pos += 2
	if p.pos >= len(p.toks) {
		return nil, fmt.Errorf("%q of what?", q)
	}
	target := p.toks[p.pos]
	p.pos++
	n := 0
	switch q {
	case "all":
	case "any":
		n = 1
	default:
		v, err := strconv.Atoi(q)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("bad quantifier %q", q)
		}
		n = v
	}
	var names []string
	for name := range p.sels {
		if strings.EqualFold(target, "them") {
			if !strings.HasPrefix(name, "_") {
				names = append(names, name)
			}
			continue
		}
		if ok, err := path.Match(target, name); err != nil {
			return nil, fmt.Errorf("bad selection pattern %q", target)
		} else if ok {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%q matches no selection", target)
	}
	sort.Strings(names)
	idx := make([]int, len(names))
	for i, name := range names {
		idx[i] = p.sels[name].idx
	}
	return &ofNode{n: n, sels: idx}, nil
}
