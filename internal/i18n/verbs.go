package i18n

import (
	"fmt"
	"sort"
	"strconv"
)

// Verb is one formatting verb of a message: the argument it formats
// (1-based) and its verb letter.
type Verb struct {
	Arg  int
	Verb rune
}

// Verbs lists the formatting verbs of a fmt format string by argument,
// following explicit argument indexes (%[2]s), sorted by argument. Two
// translations of one message must have the same verbs: the words may
// move, the arguments may not change kind.
func Verbs(format string) ([]Verb, error) {
	var out []Verb
	arg := 1
	rs := []rune(format)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '%' {
			continue
		}
		i++
		if i < len(rs) && rs[i] == '%' {
			continue
		}
		for i < len(rs) && (rs[i] == '+' || rs[i] == '-' || rs[i] == '#' || rs[i] == ' ' || rs[i] == '0') {
			i++
		}
		if i < len(rs) && rs[i] == '[' {
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("%q: unclosed argument index", format)
			}
			n, err := strconv.Atoi(string(rs[i+1 : j]))
			if err != nil || n < 1 {
				return nil, fmt.Errorf("%q: bad argument index %q", format, string(rs[i+1:j]))
			}
			arg = n
			i = j + 1
		}
		for i < len(rs) && (rs[i] >= '0' && rs[i] <= '9' || rs[i] == '.') {
			i++
		}
		if i >= len(rs) {
			return nil, fmt.Errorf("%q: format ends inside a verb", format)
		}
		out = append(out, Verb{Arg: arg, Verb: rs[i]})
		arg++
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Arg < out[b].Arg })
	return out, nil
}
