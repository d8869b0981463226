package sigma

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// glob is a compiled Sigma string value: '*' matches any run of
// characters, '?' any one byte, '\' escapes '*', '?' and '\'. Matching is
// case-insensitive unless the cased modifier is used.
type glob struct {
	kind  globKind
	lit   []byte  // exact, prefix, suffix, contains: the literal
	toks  []int16 // general: bytes, star or qmark
	cased bool
}

type globKind uint8

const (
	globExact globKind = iota
	globPrefix
	globSuffix
	globContains
	globAny // "*": anything
	globGeneral
)

const (
	tokStar  = -1
	tokQmark = -2
)

func compileGlob(s string, m mods) glob {
	g := glob{cased: m.cased}
	if !g.cased {
		s = lowerString(s)
	}
	var toks []int16
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\'):
			i++
			toks = append(toks, int16(s[i]))
		case c == '*':
			if len(toks) == 0 || toks[len(toks)-1] != tokStar {
				toks = append(toks, tokStar)
			}
		case c == '?':
			toks = append(toks, tokQmark)
		default:
			toks = append(toks, int16(c))
		}
	}
	if m.contains || m.endswith {
		if len(toks) == 0 || toks[0] != tokStar {
			toks = append([]int16{tokStar}, toks...)
		}
	}
	if m.contains || m.startswith {
		if len(toks) == 0 || toks[len(toks)-1] != tokStar {
			toks = append(toks, tokStar)
		}
	}
	lead := len(toks) > 0 && toks[0] == tokStar
	trail := len(toks) > 0 && toks[len(toks)-1] == tokStar
	inner := toks
	if lead {
		inner = inner[1:]
	}
	if trail && len(inner) > 0 {
		inner = inner[:len(inner)-1]
	}
	for _, t := range inner {
		if t < 0 {
			g.kind, g.toks = globGeneral, toks
			return g
		}
	}
	g.lit = make([]byte, len(inner))
	for i, t := range inner {
		g.lit[i] = byte(t)
	}
	switch {
	case lead && len(toks) == 1:
		g.kind = globAny
	case lead && trail:
		g.kind = globContains
	case lead:
		g.kind = globSuffix
	case trail:
		g.kind = globPrefix
	default:
		g.kind = globExact
	}
	return g
}

// match tests v, which the caller has lower-cased unless g.cased.
func (g *glob) match(v []byte) bool {
	switch g.kind {
	case globExact:
		return bytes.Equal(v, g.lit)
	case globPrefix:
		return bytes.HasPrefix(v, g.lit)
	case globSuffix:
		return bytes.HasSuffix(v, g.lit)
	case globContains:
		return bytes.Contains(v, g.lit)
	case globAny:
		return true
	}
	return matchTokens(g.toks, v)
}

// matchTokens is the classic wildcard match with backtracking to the last
// star, linear in practice.
func matchTokens(p []int16, v []byte) bool {
	pi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && (p[pi] == tokQmark || (p[pi] >= 0 && byte(p[pi]) == v[vi])):
			pi++
			vi++
		case pi < len(p) && p[pi] == tokStar:
			star, mark = pi, vi
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == tokStar {
		pi++
	}
	return pi == len(p)
}

func lowerString(s string) string { return string(appendLower(nil, []byte(s))) }

// appendLower appends the lower-case form of b to dst (ASCII fast path).
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
