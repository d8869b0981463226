// Package pattern implements the Amazon EventBridge event pattern language
// (exact values, arrays as OR, null and empty string, prefix, suffix,
// equals-ignore-case, wildcard, anything-but, numeric, cidr, exists and
// $or) and matches many compiled patterns against an event in one pass.
//
// Patterns are compiled into one automaton keyed on field paths: a tree of
// the paths the patterns read drives a scanner that decodes only those
// fields straight from the JSON bytes; each field's tests are indexed
// (hash tables for exact values, prefixes and suffixes; short lists for
// the rest) and lead to shared conditions; a pattern matches when all the
// conditions of one of its alternatives hold. The cost of an event grows
// with the fields it has on the patterns' paths, not with the number of
// patterns.
package pattern

import (
	"sync"
)

// Builder collects patterns and compiles them into a Matcher.
type Builder struct {
	paths    *Paths
	alts     [][]alternative // per pattern
	patterns int
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{paths: NewPaths()} }

// Add compiles one pattern (a JSON object) and returns its index, counted
// from 0 in the order of Add calls. A bad pattern returns an *Error that
// names the offending field path, and is not added.
func (b *Builder) Add(pattern []byte) (int, error) {
	alts, err := parsePattern(pattern)
	if err != nil {
		return -1, err
	}
	b.alts = append(b.alts, alts)
	id := b.patterns
	b.patterns++
	for _, a := range alts {
		for _, fc := range a {
			b.paths.AddSegments(fc.segs, fc.path)
		}
	}
	return id, nil
}

// Paths returns the paths the patterns read. Callers may add more (to
// extract fields for their own use from the same scan) before Build.
func (b *Builder) Paths() *Paths { return b.paths }

// Build compiles the patterns added so far into an immutable Matcher,
// safe for concurrent use.
//
// Identical conditions are shared between patterns. Each alternative is
// anchored on its most selective condition (the one fewest alternatives
// share, such as an exact event name): only the alternatives anchored on
// a condition an event satisfies are ever examined, so the cost of an
// event does not grow with patterns that cannot match it.
func (b *Builder) Build() *Matcher {
	m := &Matcher{paths: b.paths, patterns: b.patterns}
	m.fields = make([]*fieldMatcher, b.paths.Len())
	condIndex := map[string]int32{}
	var shared []int
	for p, alts := range b.alts {
		for _, a := range alts {
			var cs []int32
			seen := map[int32]bool{}
			for _, fc := range a {
				c, ok := condIndex[fc.key()]
				if !ok {
					c = m.addCond(fc)
					condIndex[fc.key()] = c
					shared = append(shared, 0)
				}
				if !seen[c] {
					seen[c] = true
					cs = append(cs, c)
					shared[c]++
				}
			}
			m.alts = append(m.alts, alt{pattern: int32(p), conds: cs})
		}
	}
	for i := range m.alts {
		a := &m.alts[i]
		a.multi = len(a.conds) > 1
		if a.multi {
			for _, c := range a.conds {
				m.conds[c].track = true
			}
		}
		if len(a.conds) == 0 {
			m.always = append(m.always, int32(i))
			continue
		}
		best := a.conds[0]
		for _, c := range a.conds[1:] {
			if m.conds[c].weak != m.conds[best].weak {
				if m.conds[best].weak {
					best = c
				}
				continue
			}
			if shared[c] < shared[best] {
				best = c
			}
		}
		m.conds[best].anchored = append(m.conds[best].anchored, int32(i))
	}
	m.pool.New = func() any { return m.newState() }
	return m
}

// addCond registers a new condition and its tests.
func (m *Matcher) addCond(fc fieldCond) int32 {
	c := int32(len(m.conds))
	m.conds = append(m.conds, cond{})
	p := m.paths.AddSegments(fc.segs, fc.path) // already added: returns its index
	f := m.fields[p]
	if f == nil {
		f = &fieldMatcher{}
		m.fields[p] = f
	}
	for _, t := range fc.tests {
		if t.op == opNotExists || t.op == opAnythingBut {
			// Satisfied by most events: a poor anchor.
			m.conds[c].weak = true
		}
		if t.op == opNotExists {
			m.absent = append(m.absent, absentCond{path: p, cond: c})
			m.conds[c].absPath = int32(p)
			continue
		}
		f.add(t, c)
	}
	return c
}

// Compile is a shortcut that builds a Matcher from patterns given in order.
func Compile(patterns ...[]byte) (*Matcher, error) {
	b := NewBuilder()
	for _, p := range patterns {
		if _, err := b.Add(p); err != nil {
			return nil, err
		}
	}
	return b.Build(), nil
}

// Matcher is a compiled set of patterns. It is immutable and safe for
// concurrent use.
type Matcher struct {
	paths    *Paths
	fields   []*fieldMatcher // per path index; nil for paths no pattern tests
	conds    []cond
	alts     []alt
	always   []int32 // alternatives without conditions ({} matches everything)
	absent   []absentCond
	patterns int
	pool     sync.Pool
}

type cond struct {
	anchored []int32 // alternatives anchored on this condition
	weak     bool    // holds for most events (exists:false, anything-but)
	track    bool    // remember which values satisfied it (for array consistency)
	absPath  int32   // the path of its exists:false test, if any
}

type alt struct {
	pattern int32
	conds   []int32
	// multi is set when two or more conditions test values, so the values
	// they matched must come from one element of any array of objects.
	multi bool
}

// absentCond is a condition that holds when its path has no value.
type absentCond struct {
	path int
	cond int32
}

// Len returns the number of patterns.
func (m *Matcher) Len() int { return m.patterns }

// Paths returns the field paths the Matcher extracts.
func (m *Matcher) Paths() *Paths { return m.paths }

// Match extracts the fields the patterns need from event (one JSON
// document) and appends the indexes of the matching patterns to dst, each
// once, in no particular order.
func (m *Matcher) Match(event []byte, dst []int) ([]int, error) {
	st := m.pool.Get().(*state)
	defer m.pool.Put(st)
	if err := m.paths.Extract(event, st.own); err != nil {
		return dst, err
	}
	return m.matchValues(st.own, st, dst), nil
}

// MatchValues is Match over fields already extracted with m.Paths(),
// for callers that extract once and run several engines.
func (m *Matcher) MatchValues(v *Values, dst []int) []int {
	st := m.pool.Get().(*state)
	defer m.pool.Put(st)
	return m.matchValues(v, st, dst)
}

func (m *Matcher) matchValues(v *Values, st *state, dst []int) []int {
	st.begin(dst)
	for _, a := range m.always {
		st.altDone(a)
	}
	for i := range v.entries {
		e := &v.entries[i]
		if int(e.path) >= len(m.fields) {
			continue
		}
		if f := m.fields[e.path]; f != nil {
			st.cur = int32(i)
			f.match(e.Value, st)
		}
	}
	st.cur = -1
	for _, a := range m.absent {
		switch leaves(v, a.path) {
		case noLeaf:
			st.hit(a.cond)
		case leavesInArrays:
			if m.conds[a.cond].track {
				// exists:false is judged per element of arrays of
				// objects: it may hold in the element the other
				// conditions choose (checked by consistent).
				st.hit(a.cond)
				st.condAbs[a.cond] = st.gen
			}
		}
	}
	st.vals = v
	for _, c := range st.sat {
		for _, a := range m.conds[c].anchored {
			if st.holds(a) {
				st.altDone(a)
			}
		}
	}
	dst = st.dst
	st.dst = nil
	return dst
}

// Where the leaves of a path are, as leaves reports it.
const (
	noLeaf         = iota // no value other than an object
	leavesInArrays        // values, each inside some array of objects
	leafOutside           // a value outside any array of objects
)

// leaves reports whether path p holds values other than objects, and
// whether they all lie inside arrays of objects.
func leaves(v *Values, p int) int {
	if p >= len(v.head) {
		return noLeaf
	}
	found := noLeaf
	for i := v.head[p]; i >= 0; i = v.entries[i].next {
		e := &v.entries[i]
		if e.Kind == Object {
			continue
		}
		if e.ntr == 0 {
			return leafOutside
		}
		found = leavesInArrays
	}
	return found
}

// state is the scratch space of one Match call, pooled. Generation
// stamps make resetting it O(1).
type state struct {
	m       *Matcher
	gen     uint32
	condGen []uint32
	sat     []int32 // conditions satisfied, in order
	patGen  []uint32
	lower   []byte
	dst     []int
	own     *Values // the Values Match extracts into
	vals    *Values // the Values being matched
	cur     int32   // the entry being matched, -1 for absence

	// Values that satisfied tracked conditions: per condition a linked
	// list through hitEntry/hitNext, headed by condHead (valid when the
	// condition's condGen is current).
	condHead []int32
	hitEntry []int32
	hitNext  []int32
	choice   []int32 // backtracking scratch of consistent()
	// condAbs stamps conditions whose exists:false holds only in the
	// elements of arrays of objects that lack the field; deferred lists
	// those that consistent() chose to satisfy so.
	condAbs  []uint32
	deferred []int32
}

func (m *Matcher) newState() *state {
	return &state{
		m:        m,
		condGen:  make([]uint32, len(m.conds)),
		condHead: make([]int32, len(m.conds)),
		condAbs:  make([]uint32, len(m.conds)),
		patGen:   make([]uint32, m.patterns),
		own:      m.paths.NewValues(),
	}
}

func (st *state) begin(dst []int) {
	st.gen++
	if st.gen == 0 { // wrapped: clear the stamps once every 2^32 events
		clear(st.condGen)
		clear(st.patGen)
		clear(st.condAbs)
		st.gen = 1
	}
	st.sat = st.sat[:0]
	st.hitEntry = st.hitEntry[:0]
	st.hitNext = st.hitNext[:0]
	st.dst = dst
}

// hit records that condition c holds for this event, satisfied by the
// current entry (or by absence).
func (st *state) hit(c int32) {
	if st.condGen[c] != st.gen {
		st.condGen[c] = st.gen
		st.sat = append(st.sat, c)
		st.condHead[c] = -1
	}
	if st.cur >= 0 && st.m.conds[c].track {
		h := st.condHead[c]
		if h >= 0 && st.hitEntry[h] == st.cur {
			return // the same value again
		}
		st.condHead[c] = int32(len(st.hitEntry))
		st.hitEntry = append(st.hitEntry, st.cur)
		st.hitNext = append(st.hitNext, h)
	}
}

// holds reports whether every condition of alternative a holds, with
// values that can come from one element of each array of objects.
func (st *state) holds(a int32) bool {
	al := &st.m.alts[a]
	for _, c := range al.conds {
		if st.condGen[c] != st.gen {
			return false
		}
	}
	if !al.multi {
		// Alone, a per-element absence has no element to be judged in.
		c := al.conds[0]
		return st.condAbs[c] != st.gen || st.condHead[c] >= 0
	}
	if len(st.vals.trails) == 0 {
		return true
	}
	st.choice = st.choice[:0]
	st.deferred = st.deferred[:0]
	return st.consistent(al.conds)
}

// consistent searches for one satisfying value per condition such that
// all chosen values are pairwise consistent; conditions satisfied by
// absence choose nothing. The lists are short: this is a small search.
func (st *state) consistent(conds []int32) bool {
	if len(conds) == 0 {
		return st.absencesHold()
	}
	c := conds[0]
	h := st.condHead[c]
	perElem := st.condAbs[c] == st.gen
	if h < 0 && !perElem {
		return st.consistent(conds[1:])
	}
	for ; h >= 0; h = st.hitNext[h] {
		e := st.hitEntry[h]
		ok := true
		for _, prev := range st.choice {
			if !st.vals.consistent(prev, e) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		st.choice = append(st.choice, e)
		if st.consistent(conds[1:]) {
			return true
		}
		st.choice = st.choice[:len(st.choice)-1]
	}
	if perElem {
		st.deferred = append(st.deferred, c)
		if st.consistent(conds[1:]) {
			return true
		}
		st.deferred = st.deferred[:len(st.deferred)-1]
	}
	return false
}

// absencesHold reports whether each deferred exists:false condition holds
// for the values chosen: no value at its path lies in the same elements.
func (st *state) absencesHold() bool {
	v := st.vals
	for _, c := range st.deferred {
		for i := v.head[st.m.conds[c].absPath]; i >= 0; i = v.entries[i].next {
			if v.entries[i].Kind == Object {
				continue
			}
			alone := true
			for _, e := range st.choice {
				if !v.consistent(e, i) {
					alone = false
					break
				}
			}
			if alone {
				return false
			}
		}
	}
	return true
}

// altDone records that alternative a holds, and so its pattern matches.
func (st *state) altDone(a int32) {
	p := st.m.alts[a].pattern
	if st.patGen[p] != st.gen {
		st.patGen[p] = st.gen
		st.dst = append(st.dst, int(p))
	}
}
