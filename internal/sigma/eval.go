package sigma

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/orgrail/orgrail/internal/pattern"
)

// Evaluator is a Rule bound to the paths of an extraction. It is
// immutable and safe for concurrent use.
type Evaluator struct {
	rule     *Rule
	path     []int // path index of each of Rule.Fields()
	keywords int   // raw record path for keyword selections, -1
}

// Compile binds r to p, adding the paths the rule reads: each Sigma field
// f becomes prefix+f (prefix "detail." resolves CloudTrail record fields
// inside an EventBridge envelope). Compile must be called before
// extraction starts on p.
func (r *Rule) Compile(p *pattern.Paths, prefix string) *Evaluator {
	e := &Evaluator{rule: r, keywords: -1}
	for _, f := range r.Fields() {
		e.path = append(e.path, p.AddRaw(prefix+f))
	}
	for _, s := range r.selections {
		if len(s.keywords) > 0 && prefix != "" {
			e.keywords = p.AddRaw(strings.TrimSuffix(prefix, "."))
		}
	}
	return e
}

// Rule returns the rule the Evaluator runs.
func (e *Evaluator) Rule() *Rule { return e.rule }

// Match reports whether the rule fires on the extracted values.
func (e *Evaluator) Match(v *pattern.Values) bool {
	return e.MatchScratch(v, new(Scratch))
}

// Scratch is working memory that MatchScratch reuses from call to call, so
// that evaluation does not allocate. It is not safe for concurrent use:
// give each goroutine its own.
type Scratch struct{ ctx evalCtx }

// MatchScratch is Match using s for its working memory.
func (e *Evaluator) MatchScratch(v *pattern.Values, s *Scratch) bool {
	s.ctx = evalCtx{e: e, v: v, buf: s.ctx.buf[:0]}
	return e.rule.cond.eval(&s.ctx)
}

type evalCtx struct {
	e          *Evaluator
	v          *pattern.Values
	done, vals uint64 // memo of the first 64 selections
	buf        []byte
}

func (c *evalCtx) selection(i int) bool {
	bit := uint64(1) << (i & 63)
	if i < 64 && c.done&bit != 0 {
		return c.vals&bit != 0
	}
	r := c.evalSelection(c.e.rule.sels[i])
	if i < 64 {
		c.done |= bit
		if r {
			c.vals |= bit
		}
	}
	return r
}

func (c *evalCtx) evalSelection(s *selection) bool {
	if len(s.keywords) > 0 {
		found := false
		c.v.Each(c.e.keywords, func(v pattern.Value) bool {
			text := c.lower(objectText(v))
			for _, k := range s.keywords {
				if k.g.match(text) {
					found = true
					return false
				}
			}
			return true
		})
		return found
	}
	for _, alt := range s.alts {
		ok := true
		for _, it := range alt {
			if !c.item(it) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (c *evalCtx) item(it *item) bool {
	p := c.e.path[it.fid]
	if it.exists != 0 {
		return c.v.Has(p) == (it.exists > 0)
	}
	for _, m := range it.values {
		ok := c.matchOne(m, p)
		if it.all && !ok {
			return false
		}
		if !it.all && ok {
			return true
		}
	}
	return it.all
}

// matchOne reports whether any value of path p satisfies m; a null
// matcher holds when the field is absent or null.
func (c *evalCtx) matchOne(m *matcher, p int) bool {
	if m.null {
		nonNull := false
		c.v.Each(p, func(v pattern.Value) bool {
			nonNull = v.Kind != pattern.Null
			return !nonNull
		})
		return !nonNull
	}
	found := false
	c.v.Each(p, func(v pattern.Value) bool {
		if v.Kind == pattern.Null {
			return true
		}
		found = c.test(m, objectText(v))
		return !found
	})
	return found
}

func (c *evalCtx) test(m *matcher, text []byte) bool {
	switch {
	case m.re != nil:
		return m.re.Match(text)
	case m.isNet:
		a, err := netip.ParseAddr(string(text))
		return err == nil && m.cidr.Contains(a.Unmap())
	case m.cmp != "":
		f, err := strconv.ParseFloat(string(text), 64)
		if err != nil {
			return false
		}
		switch m.cmp {
		case "gt":
			return f > m.num
		case "gte":
			return f >= m.num
		case "lt":
			return f < m.num
		}
		return f <= m.num
	case m.ref != "":
		return c.testRef(m, text)
	}
	if !m.g.cased {
		text = c.lower(text)
	}
	return m.g.match(text)
}

// testRef compares text with the values of the field m.ref names.
func (c *evalCtx) testRef(m *matcher, text []byte) bool {
	a := string(text)
	found := false
	c.v.Each(c.e.path[m.refID], func(v pattern.Value) bool {
		b := string(objectText(v))
		if !m.mods.cased {
			a, b = strings.ToLower(a), strings.ToLower(b)
		}
		switch {
		case m.mods.contains:
			found = strings.Contains(a, b)
		case m.mods.startswith:
			found = strings.HasPrefix(a, b)
		case m.mods.endswith:
			found = strings.HasSuffix(a, b)
		default:
			found = a == b
		}
		return !found
	})
	return found
}

func (c *evalCtx) lower(b []byte) []byte {
	c.buf = appendLower(c.buf[:0], b)
	return c.buf
}

// objectText is the text a value is matched as: a string's content, a
// literal as written, an object's JSON with string escapes undone (so a
// policy document embedded as a string can be searched).
func objectText(v pattern.Value) []byte {
	if v.Kind != pattern.Object || !containsByte(v.Text, '\\') {
		return v.Text
	}
	out := make([]byte, 0, len(v.Text))
	for i := 0; i < len(v.Text); i++ {
		ch := v.Text[i]
		if ch == '\\' && i+1 < len(v.Text) {
			switch n := v.Text[i+1]; n {
			case '"', '\\', '/':
				out = append(out, n)
				i++
				continue
			}
		}
		out = append(out, ch)
	}
	return out
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// EventNames returns, lower-cased, the eventName values one of which an
// event must have for the rule to fire, and false when the rule does not
// constrain eventName to a fixed set. Callers use it to skip rules that
// cannot fire.
func (r *Rule) EventNames() ([]string, bool) {
	set, ok := r.necessary(r.cond)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sortStrings(out)
	return out, true
}

func (r *Rule) necessary(n node) (map[string]bool, bool) {
	switch x := n.(type) {
	case *selNode:
		return selectionEventNames(r.sels[x.idx])
	case *andNode:
		for _, y := range x.xs {
			if s, ok := r.necessary(y); ok {
				return s, true
			}
		}
	case *orNode:
		return r.union(x.xs)
	case *ofNode:
		var xs []node
		for _, i := range x.sels {
			xs = append(xs, &selNode{i})
		}
		if x.n == 0 {
			return r.necessary(&andNode{xs})
		}
		return r.union(xs)
	}
	return nil, false
}

func (r *Rule) union(xs []node) (map[string]bool, bool) {
	out := map[string]bool{}
	for _, y := range xs {
		s, ok := r.necessary(y)
		if !ok {
			return nil, false
		}
		for k := range s {
			out[k] = true
		}
	}
	return out, true
}

// selectionEventNames is the set of eventName values a selection requires.
func selectionEventNames(s *selection) (map[string]bool, bool) {
	if len(s.alts) == 0 {
		return nil, false
	}
	out := map[string]bool{}
	for _, alt := range s.alts {
		found := false
		for _, it := range alt {
			if it.field != "eventName" || it.exists != 0 || it.fieldref || it.all {
				continue
			}
			plain := true
			for _, m := range it.values {
				if m.null || m.re != nil || m.isNet || m.cmp != "" || m.g.kind != globExact || m.g.cased {
					plain = false
				}
			}
			if !plain {
				continue
			}
			for _, m := range it.values {
				out[string(m.g.lit)] = true
			}
			found = true
			break
		}
		if !found {
			return nil, false
		}
	}
	return out, true
}
