// Package diag holds the errors a user reads: a problem in a file, with
// its position, a stable code and a hint. validate, policy lint and rule
// loading all report through it, so every tool prints the same shape.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/severity"
)

// Diagnostic is one problem found in user input. Line and Column are
// 1-based; zero means unknown.
type Diagnostic struct {
	File     string         `json:"file"`
	Line     int            `json:"line"`
	Column   int            `json:"column"`
	Code     string         `json:"code"`
	Severity severity.Level `json:"severity"`
	Message  string         `json:"message"`
	Hint     string         `json:"hint,omitempty"`
}

// String renders the contract's table form:
// file:line:column: severity code: message (hint).
func (d Diagnostic) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s %s: %s", d.File, d.Line, d.Column, d.Severity, d.Code, d.Message)
	if d.Hint != "" {
		fmt.Fprintf(&b, " (%s)", d.Hint)
	}
	return b.String()
}

// Error makes a Diagnostic usable as an error.
func (d Diagnostic) Error() string { return d.String() }

// List is a set of diagnostics. It is an error when it holds any.
type List []Diagnostic

// Error joins the diagnostics one per line.
func (l List) Error() string {
	s := make([]string, len(l))
	for i, d := range l {
		s[i] = d.String()
	}
	return strings.Join(s, "\n")
}

// Sort orders by file, line, column, then code, so output is stable.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Code < b.Code
	})
}

// Max returns the highest severity in the list, or -1 when empty.
func (l List) Max() severity.Level {
	m := severity.Level(-1)
	for _, d := range l {
		if d.Severity > m {
			m = d.Severity
		}
	}
	return m
}
