package policy

import (
	"strings"
	"unicode/utf8"
)

// escByte marks the next byte of a glob as literal. Policy variable
// values and the ${*} ${?} escapes are inserted escaped, so that they
// never act as wildcards. It cannot occur in a JSON string that reached
// us unescaped, and variable values are escaped on the way in.
const escByte = 0x00

// globMatch reports whether s matches pat, where '*' matches any run of
// characters (including none), '?' matches exactly one character and
// escByte makes the next byte literal. It runs in O(len(pat)*len(s)) in
// the worst case and does not allocate.
func globMatch(pat, s string) bool {
	px, sx := 0, 0
	starPx, starSx := -1, 0
	for px < len(pat) || sx < len(s) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				starPx, starSx = px, sx
				px++
				continue
			case '?':
				if sx < len(s) {
					_, n := utf8.DecodeRuneInString(s[sx:])
					px++
					sx += n
					continue
				}
			case escByte:
				if px+1 < len(pat) && sx < len(s) && s[sx] == pat[px+1] {
					px += 2
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if starPx >= 0 && starSx < len(s) {
			starSx++
			px, sx = starPx+1, starSx
			continue
		}
		return false
	}
	return true
}

// hasWildcard reports whether s contains '*' or '?'.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// matchKind is how a compiled pattern matches.
type matchKind uint8

const (
	matchAny      matchKind = iota + 1 // "*"
	matchExact                         // no wildcard
	matchPrefix                        // one trailing '*' only
	matchGlob                          // general glob
	matchTemplate                      // has policy variables: resolved per request
)

// pattern is a precompiled string pattern of a policy element.
type pattern struct {
	kind matchKind
	s    string // exact text, prefix, or glob
	tmpl *template
	raw  string
}

// compileGlob compiles a pattern with wildcards; fold lowers it for
// case-insensitive matching (the caller lowers the subject too).
func compileGlob(s string, fold bool) pattern {
	raw := s
	if fold {
		s = strings.ToLower(s)
	}
	switch {
	case s == "*":
		return pattern{kind: matchAny, raw: raw}
	case !hasWildcard(s):
		return pattern{kind: matchExact, s: s, raw: raw}
	case strings.IndexAny(s, "*?") == len(s)-1 && s[len(s)-1] == '*':
		return pattern{kind: matchPrefix, s: s[:len(s)-1], raw: raw}
	}
	return pattern{kind: matchGlob, s: s, raw: raw}
}

// compilePattern compiles a Resource or StringLike value, with policy
// variables when vars is set (Version 2012-10-17).
func compilePattern(s string, vars bool) (pattern, error) {
	if vars && strings.Contains(s, "${") {
		t, err := parseTemplate(s)
		if err != nil {
			return pattern{}, err
		}
		if t != nil {
			return pattern{kind: matchTemplate, tmpl: t, raw: s}, nil
		}
	}
	return compileGlob(s, false), nil
}

// match tests a subject against the pattern. Templates resolve their
// variables through ctx; an unresolvable variable never matches.
func (p *pattern) match(s string, ctx Lookup) bool {
	switch p.kind {
	case matchAny:
		return true
	case matchExact:
		return s == p.s
	case matchPrefix:
		return strings.HasPrefix(s, p.s)
	case matchGlob:
		return globMatch(p.s, s)
	case matchTemplate:
		g, ok := p.tmpl.resolve(ctx, true)
		return ok && globMatch(g, s)
	}
	return false
}
