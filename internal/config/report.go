package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/diag"
)

// reporter collects diagnostics. The severity of each comes from Codes.
type reporter struct {
	list diag.List
	// undecoded holds the positions of values reported as type-mismatch.
	undecoded map[Pos]bool
}

func (r *reporter) add(p Pos, code Code, hint, format string, a ...any) {
	// A value that could not be decoded is reported once: later checks
	// on the zero value it left behind would only add noise.
	if r.undecoded[p] && p.Line > 0 {
		return
	}
	if code == CodeTypeMismatch {
		if r.undecoded == nil {
			r.undecoded = map[Pos]bool{}
		}
		r.undecoded[p] = true
	}
	sev := SevError
	if ci, ok := Info(code); ok {
		sev = ci.Severity
	}
	r.list = append(r.list, diag.Diagnostic{
		File: p.File, Line: p.Line, Column: p.Column,
		Code: string(code), Severity: sev,
		Message: fmt.Sprintf(format, a...), Hint: hint,
	})
}

// suggest returns a "did you mean" hint for the candidate closest to s,
// or fallback when none is close.
func suggest(s string, candidates []string, fallback string) string {
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := len(s)/3 + 1
	if bestD >= 0 && bestD <= limit {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return fallback
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// oneOf renders a short list of allowed values for hints.
func oneOf(vals []string) string {
	v := append([]string(nil), vals...)
	sort.Strings(v)
	if len(v) > 8 {
		v = append(v[:8], "...")
	}
	return strings.Join(v, ", ")
}
