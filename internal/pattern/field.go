package pattern

import (
	"bytes"
	"net/netip"
	"sort"
)

// fieldMatcher holds every test that any pattern places on one field path,
// indexed so that a value is checked against all of them at once: exact
// values, case-folded values, prefixes and suffixes by hash lookup, the
// rest (wildcards, numeric ranges, CIDRs, anything-but) by a short scan.
// Each test leads to the conditions it satisfies.
type fieldMatcher struct {
	strs     map[string][]int32
	nums     map[float64][]int32
	trues    []int32
	falses   []int32
	nulls    []int32
	exists   []int32
	icEq     map[string][]int32
	prefix   affixIndex
	suffix   affixIndex
	prefixIC affixIndex
	suffixIC affixIndex
	wild     []linear
	numeric  []linear
	cidr     []linear
	but      []linear
	needLow  bool // some test compares lower-cased values
	hasNum   bool // some test reads numbers
}

type linear struct {
	t    test
	cond int32
}

// affixIndex finds the prefixes (or suffixes) of a value among a set by
// one hash lookup per distinct operand length.
type affixIndex struct {
	lens []int
	m    map[string][]int32
}

func (a *affixIndex) add(s string, cond int32) {
	if a.m == nil {
		a.m = map[string][]int32{}
	}
	if _, ok := a.m[s]; !ok {
		i := sort.SearchInts(a.lens, len(s))
		if i == len(a.lens) || a.lens[i] != len(s) {
			a.lens = append(a.lens, 0)
			copy(a.lens[i+1:], a.lens[i:])
			a.lens[i] = len(s)
		}
	}
	a.m[s] = append(a.m[s], cond)
}

func (a *affixIndex) each(v []byte, suffix bool, st *state) {
	for _, n := range a.lens {
		if n > len(v) {
			return
		}
		var k []byte
		if suffix {
			k = v[len(v)-n:]
		} else {
			k = v[:n]
		}
		for _, c := range a.m[string(k)] {
			st.hit(c)
		}
	}
}

func (f *fieldMatcher) add(t test, cond int32) {
	switch t.op {
	case opString:
		if f.strs == nil {
			f.strs = map[string][]int32{}
		}
		f.strs[t.s] = append(f.strs[t.s], cond)
	case opNumber:
		if f.nums == nil {
			f.nums = map[float64][]int32{}
		}
		f.nums[t.f] = append(f.nums[t.f], cond)
		f.hasNum = true
	case opTrue:
		f.trues = append(f.trues, cond)
	case opFalse:
		f.falses = append(f.falses, cond)
	case opNull:
		f.nulls = append(f.nulls, cond)
	case opExists:
		f.exists = append(f.exists, cond)
	case opEqualsIC:
		if f.icEq == nil {
			f.icEq = map[string][]int32{}
		}
		f.icEq[t.s] = append(f.icEq[t.s], cond)
		f.needLow = true
	case opPrefix:
		f.prefix.add(t.s, cond)
	case opSuffix:
		f.suffix.add(t.s, cond)
	case opPrefixIC:
		f.prefixIC.add(t.s, cond)
		f.needLow = true
	case opSuffixIC:
		f.suffixIC.add(t.s, cond)
		f.needLow = true
	case opWildcard:
		f.wild = append(f.wild, linear{t, cond})
	case opNumeric:
		f.numeric = append(f.numeric, linear{t, cond})
		f.hasNum = true
	case opCIDR:
		f.cidr = append(f.cidr, linear{t, cond})
	case opAnythingBut:
		f.but = append(f.but, linear{t, cond})
		if t.but.ic != nil {
			f.needLow = true
		}
		if t.but.nums != nil {
			f.hasNum = true
		}
	}
}

// match checks one value against every test of the field, calling st.hit for
// each condition satisfied (possibly more than once).
func (f *fieldMatcher) match(v Value, st *state) {
	if v.Kind == Object {
		return
	}
	for _, c := range f.exists {
		st.hit(c)
	}
	switch v.Kind {
	case String:
		f.matchString(v, st)
	case Number:
		f.matchNumber(v, st)
	case True:
		for _, c := range f.trues {
			st.hit(c)
		}
	case False:
		for _, c := range f.falses {
			st.hit(c)
		}
	case Null:
		for _, c := range f.nulls {
			st.hit(c)
		}
	}
}

func (f *fieldMatcher) matchString(v Value, st *state) {
	s := v.Text
	for _, c := range f.strs[string(s)] {
		st.hit(c)
	}
	f.prefix.each(s, false, st)
	f.suffix.each(s, true, st)
	var low []byte
	if f.needLow {
		st.lower = appendLower(st.lower[:0], s)
		low = st.lower
		for _, c := range f.icEq[string(low)] {
			st.hit(c)
		}
		f.prefixIC.each(low, false, st)
		f.suffixIC.each(low, true, st)
	}
	for _, l := range f.wild {
		if l.t.wild.match(s) {
			st.hit(l.cond)
		}
	}
	if len(f.cidr) > 0 {
		if a, ok := parseAddr(s); ok {
			for _, l := range f.cidr {
				if l.t.cidr.Contains(a) {
					st.hit(l.cond)
				}
			}
		}
	}
	for _, l := range f.but {
		if !l.t.but.excludes(v, low) {
			st.hit(l.cond)
		}
	}
}

func (f *fieldMatcher) matchNumber(v Value, st *state) {
	if !f.hasNum && len(f.but) == 0 {
		return
	}
	n, ok := v.Float()
	if !ok {
		return
	}
	for _, c := range f.nums[n] {
		st.hit(c)
	}
	for _, l := range f.numeric {
		if l.t.num.contains(n) {
			st.hit(l.cond)
		}
	}
	for _, l := range f.but {
		if !l.t.but.stringOnly() && !l.t.but.nums[n] {
			st.hit(l.cond)
		}
	}
}

// parseAddr parses an IPv4 or IPv6 address, without allocating for IPv4.
func parseAddr(b []byte) (netip.Addr, bool) {
	if bytes.IndexByte(b, ':') >= 0 {
		a, err := netip.ParseAddr(string(b))
		return a.Unmap(), err == nil
	}
	var v4 [4]byte
	n, part, digits := 0, 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			part = part*10 + int(c-'0')
			digits++
			if part > 255 || digits > 3 {
				return netip.Addr{}, false
			}
		case c == '.' && digits > 0 && n < 3:
			v4[n] = byte(part)
			n, part, digits = n+1, 0, 0
		default:
			return netip.Addr{}, false
		}
	}
	if n != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	v4[3] = byte(part)
	return netip.AddrFrom4(v4), true
}
