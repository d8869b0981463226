package pattern

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// numRange is a compiled numeric operand: a single "=" or a range with an
// optional lower and upper bound.
type numRange struct {
	eq           bool
	v            float64 // the value of "="
	hasLo, hasHi bool
	lo, hi       float64
	loInc, hiInc bool
}

func (r numRange) contains(f float64) bool {
	if r.eq {
		return f == r.v
	}
	if r.hasLo && (f < r.lo || (f == r.lo && !r.loInc)) {
		return false
	}
	if r.hasHi && (f > r.hi || (f == r.hi && !r.hiInc)) {
		return false
	}
	return true
}

// parseNumeric reads ["=", 5], [">", 0], [">=", 0, "<", 10] and the like.
func parseNumeric(list []any, path string) (numRange, error) {
	var r numRange
	fail := func(msg string) (numRange, error) {
		return numRange{}, &Error{Path: path, Msg: "numeric " + msg}
	}
	if len(list) != 2 && len(list) != 4 {
		return fail(`takes one or two comparisons, such as [">", 0, "<=", 5]`)
	}
	for i := 0; i < len(list); i += 2 {
		o, ok := list[i].(string)
		if !ok {
			return fail(fmt.Sprintf("expects an operator (=, <, <=, >, >=) at position %d, got %s", i, describe(list[i])))
		}
		n, ok := list[i+1].(json.Number)
		if !ok {
			return fail(fmt.Sprintf("expects a number after %q, got %s", o, describe(list[i+1])))
		}
		f, err := number(n, path)
		if err != nil {
			return numRange{}, err
		}
		switch o {
		case "=":
			if len(list) != 2 {
				return fail(`"=" cannot be combined with another comparison`)
			}
			r.eq, r.v = true, f
		case ">", ">=":
			if r.hasLo || r.hasHi {
				return fail("the lower bound must come first, and only once")
			}
			r.hasLo, r.lo, r.loInc = true, f, o == ">="
		case "<", "<=":
			if r.hasHi {
				return fail("takes only one upper bound")
			}
			r.hasHi, r.hi, r.hiInc = true, f, o == "<="
		default:
			return fail(fmt.Sprintf("unknown operator %q (want =, <, <=, >, >=)", o))
		}
	}
	if r.hasLo && r.hasHi && (r.lo > r.hi || (r.lo == r.hi && !(r.loInc && r.hiInc))) {
		return fail("range is empty")
	}
	return r, nil
}

// lower lower-cases a string the way the matcher lower-cases event values.
func lower(s string) string { return string(appendLower(nil, []byte(s))) }

// appendLower appends the lower-case form of b to dst, with a fast path
// for ASCII.
func appendLower(dst, b []byte) []byte {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return append(dst, strings.ToLower(string(b))...)
		}
	}
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
