// Package textdiff compares two texts line by line and renders the
// difference as a unified diff, for previews of files orgrail is about
// to rewrite and of policy documents a plan changes.
package textdiff

import (
	"fmt"
	"strings"
)

// Kind says what happened to a line.
type Kind byte

// The kinds of line in a diff.
const (
	Same   Kind = ' '
	Delete Kind = '-'
	Insert Kind = '+'
)

// Line is one line of a diff.
type Line struct {
	Kind Kind
	Text string
}

// maxCells bounds the comparison table; larger inputs are shown as the
// whole of a removed and the whole of b added.
const maxCells = 16 << 20

// Lines returns the line diff of a and b: a longest common subsequence
// of lines kept, the rest deleted from a or inserted from b.
func Lines(a, b string) []Line {
	x, y := split(a), split(b)
	// Trim the common head and tail: most edits are small.
	head := 0
	for head < len(x) && head < len(y) && x[head] == y[head] {
		head++
	}
	tail := 0
	for tail < len(x)-head && tail < len(y)-head && x[len(x)-1-tail] == y[len(y)-1-tail] {
		tail++
	}
	var out []Line
	for _, s := range x[:head] {
		out = append(out, Line{Same, s})
	}
	out = append(out, middle(x[head:len(x)-tail], y[head:len(y)-tail])...)
	for _, s := range x[len(x)-tail:] {
		out = append(out, Line{Same, s})
	}
	return out
}

func middle(x, y []string) []Line {
	n, m := len(x), len(y)
	var out []Line
	if n*m > maxCells {
		for _, s := range x {
			out = append(out, Line{Delete, s})
		}
		for _, s := range y {
			out = append(out, Line{Insert, s})
		}
		return out
	}
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			out = append(out, Line{Same, x[i]})
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, Line{Delete, x[i]})
			i++
		default:
			out = append(out, Line{Insert, y[j]})
			j++
		}
	}
	return out
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Changed reports whether a diff has any inserted or deleted line.
func Changed(d []Line) bool {
	for _, l := range d {
		if l.Kind != Same {
			return true
		}
	}
	return false
}

// Unified renders a diff in unified format with context lines around
// each change, under the header lines "--- from" and "+++ to". Equal
// texts render as "".
func Unified(from, to string, d []Line, context int) string {
	if !Changed(d) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", from, to)
	// Group changes into hunks separated by more than 2*context equal lines.
	type pos struct{ a, b int } // 1-based line numbers before each entry
	at := make([]pos, len(d)+1)
	at[0] = pos{1, 1}
	for k, l := range d {
		p := at[k]
		if l.Kind != Insert {
			p.a++
		}
		if l.Kind != Delete {
			p.b++
		}
		at[k+1] = p
	}
	for k := 0; k < len(d); {
		if d[k].Kind == Same {
			k++
			continue
		}
		start := max(k-context, 0)
		end := k
		for end < len(d) {
			if d[end].Kind != Same {
				end++
				continue
			}
			run := end
			for run < len(d) && d[run].Kind == Same {
				run++
			}
			if run == len(d) || run-end > 2*context {
				end = min(end+context, len(d))
				break
			}
			end = run
		}
		na, nb := 0, 0
		for _, l := range d[start:end] {
			if l.Kind != Insert {
				na++
			}
			if l.Kind != Delete {
				nb++
			}
		}
		sa, sb := at[start].a, at[start].b
		if na == 0 {
			sa-- // an empty range names the line before it
		}
		if nb == 0 {
			sb--
		}
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", sa, na, sb, nb)
		for _, l := range d[start:end] {
			b.WriteByte(byte(l.Kind))
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
		k = end
	}
	return b.String()
}
