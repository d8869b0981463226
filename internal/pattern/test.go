package pattern

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// op is the kind of one value test in a pattern.
type op uint8

const (
	opString      op = iota + 1 // exact string
	opNumber                    // exact number, compared numerically
	opTrue                      // true
	opFalse                     // false
	opNull                      // null
	opPrefix                    // {"prefix": s}
	opSuffix                    // {"suffix": s}
	opPrefixIC                  // {"prefix": {"equals-ignore-case": s}}
	opSuffixIC                  // {"suffix": {"equals-ignore-case": s}}
	opEqualsIC                  // {"equals-ignore-case": s}
	opWildcard                  // {"wildcard": s}
	opAnythingBut               // {"anything-but": ...}
	opNumeric                   // {"numeric": [...]}
	opCIDR                      // {"cidr": s}
	opExists                    // {"exists": true}
	opNotExists                 // {"exists": false}
)

// test is one element of a field's list of acceptable values.
type test struct {
	op   op
	s    string // string operand; lower-cased for the *IC ops
	f    float64
	wild *wildcard
	num  numRange
	cidr netip.Prefix
	but  *anythingBut
}

// anythingBut is the set of values an anything-but test excludes.
type anythingBut struct {
	strs     map[string]bool
	nums     map[float64]bool
	prefixes []string
	suffixes []string
	ic       map[string]bool // lower-cased
	wild     []*wildcard
	text     string // canonical form, for sharing
}

func (t test) key() string {
	switch t.op {
	case opNumber:
		return fmt.Sprintf("%d:%g", t.op, t.f)
	case opNumeric:
		return fmt.Sprintf("%d:%v", t.op, t.num)
	case opCIDR:
		return fmt.Sprintf("%d:%s", t.op, t.cidr)
	case opAnythingBut:
		return fmt.Sprintf("%d:%s", t.op, t.but.text)
	}
	return fmt.Sprintf("%d:%s", t.op, t.s)
}

// parseTest compiles one element of a field's value list.
func parseTest(v any, path string) (test, error) {
	switch x := v.(type) {
	case string:
		return test{op: opString, s: x}, nil
	case json.Number:
		f, err := number(x, path)
		return test{op: opNumber, f: f}, err
	case bool:
		if x {
			return test{op: opTrue}, nil
		}
		return test{op: opFalse}, nil
	case nil:
		return test{op: opNull}, nil
	case map[string]any:
		return parseOperator(x, path)
	}
	return test{}, &Error{Path: path, Msg: fmt.Sprintf("values must be strings, numbers, booleans, null or operator objects, got %s", describe(v))}
}

func number(n json.Number, path string) (float64, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || (f == 0 && nonZeroMantissa(string(n))) {
		// A number too small for a float64 (1E-325) would silently become
		// 0; event-ruler rejects it, as it does numbers too large.
		return 0, &Error{Path: path, Msg: fmt.Sprintf("number %s is out of range", n)}
	}
	return f, nil
}

// nonZeroMantissa reports whether a JSON number has a non-zero digit
// before its exponent.
func nonZeroMantissa(n string) bool {
	for _, c := range n {
		if c == 'e' || c == 'E' {
			return false
		}
		if c >= '1' && c <= '9' {
			return true
		}
	}
	return false
}

func parseOperator(obj map[string]any, path string) (test, error) {
	if len(obj) != 1 {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return test{}, &Error{Path: path, Msg: fmt.Sprintf("an operator object takes exactly one operator, got %d (%s)", len(obj), strings.Join(keys, ", "))}
	}
	for name, arg := range obj {
		return parseOperatorArg(name, arg, path)
	}
	panic("unreachable")
}

func parseOperatorArg(name string, arg any, path string) (test, error) {
	bad := func(want string) (test, error) {
		return test{}, &Error{Path: path, Msg: fmt.Sprintf("%s takes %s, got %s", name, want, describe(arg))}
	}
	switch name {
	case "prefix", "suffix":
		s, ok := arg.(string)
		ic := false
		if m, isObj := arg.(map[string]any); isObj && len(m) == 1 {
			for k := range m {
				if k != "equals-ignore-case" {
					return test{}, &Error{Path: path, Msg: fmt.Sprintf("%s: unknown operator %q (want equals-ignore-case)", name, k)}
				}
			}
			s, ok = m["equals-ignore-case"].(string)
			ic = true
		}
		if !ok {
			return bad(`a string or {"equals-ignore-case": string}`)
		}
		op := map[[2]bool]op{{false, false}: opPrefix, {false, true}: opPrefixIC, {true, false}: opSuffix, {true, true}: opSuffixIC}[[2]bool{name == "suffix", ic}]
		if ic {
			s = lower(s)
		}
		return test{op: op, s: s}, nil
	case "equals-ignore-case":
		s, ok := arg.(string)
		if !ok {
			return bad("a string")
		}
		return test{op: opEqualsIC, s: lower(s)}, nil
	case "wildcard":
		s, ok := arg.(string)
		if !ok {
			return bad("a string")
		}
		w, err := compileWildcard(s)
		if err != nil {
			return test{}, &Error{Path: path, Msg: err.Error()}
		}
		return test{op: opWildcard, s: s, wild: w}, nil
	case "exists":
		b, ok := arg.(bool)
		if !ok {
			return bad("true or false")
		}
		if b {
			return test{op: opExists}, nil
		}
		return test{op: opNotExists}, nil
	case "cidr":
		s, ok := arg.(string)
		if !ok {
			return bad("a string such as 10.0.0.0/24 or 2001:db8::/32")
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return test{}, &Error{Path: path, Msg: fmt.Sprintf("cidr %q is not a valid IPv4 or IPv6 prefix", s)}
		}
		return test{op: opCIDR, cidr: p.Masked()}, nil
	case "numeric":
		list, ok := arg.([]any)
		if !ok {
			return bad(`an array such as [">", 0, "<=", 5]`)
		}
		r, err := parseNumeric(list, path)
		return test{op: opNumeric, num: r}, err
	case "anything-but":
		b, err := parseAnythingBut(arg, path)
		return test{op: opAnythingBut, but: b}, err
	}
	return test{}, &Error{Path: path, Msg: fmt.Sprintf("unknown operator %q (want prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr or exists)", name)}
}

// stringList accepts a string or a non-empty array of strings.
func stringList(arg any) ([]string, bool) {
	switch x := arg.(type) {
	case string:
		return []string{x}, true
	case []any:
		if len(x) == 0 {
			return nil, false
		}
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func parseAnythingBut(arg any, path string) (*anythingBut, error) {
	b := &anythingBut{}
	fail := func(msg string) (*anythingBut, error) {
		return nil, &Error{Path: path, Msg: "anything-but " + msg}
	}
	var parts []string
	addValue := func(v any) error {
		switch x := v.(type) {
		case string:
			if b.strs == nil {
				b.strs = map[string]bool{}
			}
			b.strs[x] = true
			parts = append(parts, "s"+x)
		case json.Number:
			f, err := number(x, path)
			if err != nil {
				return err
			}
			if b.nums == nil {
				b.nums = map[float64]bool{}
			}
			b.nums[f] = true
			parts = append(parts, fmt.Sprintf("n%g", f))
		default:
			return &Error{Path: path, Msg: fmt.Sprintf("anything-but values must be strings or numbers, got %s", describe(v))}
		}
		return nil
	}
	switch x := arg.(type) {
	case string, json.Number:
		if err := addValue(x); err != nil {
			return nil, err
		}
	case []any:
		if len(x) == 0 {
			return fail("needs at least one value")
		}
		for _, e := range x {
			if err := addValue(e); err != nil {
				return nil, err
			}
		}
		if b.strs != nil && b.nums != nil {
			return fail("list must hold only strings or only numbers, not both")
		}
	case map[string]any:
		if len(x) != 1 {
			return fail(`takes one of prefix, suffix, equals-ignore-case or wildcard`)
		}
		for name, v := range x {
			p, err := b.addOperator(name, v, path)
			if err != nil {
				return nil, err
			}
			parts = append(parts, p...)
		}
	default:
		return fail(fmt.Sprintf("takes a string, a number, an array or an operator object, got %s", describe(arg)))
	}
	sort.Strings(parts)
	b.text = strings.Join(parts, "\x02")
	return b, nil
}

// addOperator adds the operand(s) of {"anything-but": {name: v}} and
// returns their canonical parts.
func (b *anythingBut) addOperator(name string, v any, path string) ([]string, error) {
	fail := func(msg string) ([]string, error) {
		return nil, &Error{Path: path, Msg: "anything-but " + msg}
	}
	switch name {
	case "prefix", "suffix", "equals-ignore-case", "wildcard":
	default:
		return fail(fmt.Sprintf("unknown operator %q (want prefix, suffix, equals-ignore-case or wildcard)", name))
	}
	list, ok := stringList(v)
	if !ok {
		return fail(fmt.Sprintf("%s takes a string or an array of strings, got %s", name, describe(v)))
	}
	var parts []string
	for _, s := range list {
		if s == "" && (name == "prefix" || name == "suffix") {
			return fail(fmt.Sprintf("%s must not be empty (it would exclude every string)", name))
		}
		parts = append(parts, name+":"+s)
		switch name {
		case "prefix":
			b.prefixes = append(b.prefixes, s)
		case "suffix":
			b.suffixes = append(b.suffixes, s)
		case "equals-ignore-case":
			if b.ic == nil {
				b.ic = map[string]bool{}
			}
			b.ic[lower(s)] = true
		case "wildcard":
			w, err := compileWildcard(s)
			if err != nil {
				return nil, &Error{Path: path, Msg: "anything-but " + err.Error()}
			}
			b.wild = append(b.wild, w)
		default:
			return fail(fmt.Sprintf("does not take %q (want prefix, suffix, equals-ignore-case or wildcard)", name))
		}
	}
	return parts, nil
}

// excludes reports whether v is one of the values the test rules out.
// Only strings and numbers can be matched by anything-but at all.
func (b *anythingBut) excludes(v Value, lowered []byte) bool {
	switch v.Kind {
	case String:
		if b.strs[string(v.Text)] {
			return true
		}
		s := v.Text
		for _, p := range b.prefixes {
			if len(s) >= len(p) && string(s[:len(p)]) == p {
				return true
			}
		}
		for _, p := range b.suffixes {
			if len(s) >= len(p) && string(s[len(s)-len(p):]) == p {
				return true
			}
		}
		if b.ic != nil && b.ic[string(lowered)] {
			return true
		}
		for _, w := range b.wild {
			if w.match(s) {
				return true
			}
		}
		return false
	case Number:
		f, ok := v.Float()
		return ok && b.nums[f]
	}
	return false
}

// stringOnly reports whether the test applies to strings only (prefix,
// suffix, equals-ignore-case or wildcard forms).
func (b *anythingBut) stringOnly() bool {
	return b.strs == nil && b.nums == nil
}
