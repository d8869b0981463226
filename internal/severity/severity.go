// Package severity holds the five severity levels used by findings,
// detections and diagnostics, and the --fail-on threshold built on them.
package severity

import (
	"fmt"
	"strings"
)

// Level is a severity. The zero value is Informational; levels compare
// with the usual operators (Critical > High).
type Level int8

// The levels, lowest first. None is only meaningful as a --fail-on
// threshold: no level reaches it.
const (
	Informational Level = iota
	Low
	Medium
	High
	Critical
	None // threshold that nothing reaches
)

var names = [...]string{"informational", "low", "medium", "high", "critical", "none"}

// String returns the contract's lower-case name.
func (l Level) String() string {
	if l < 0 || int(l) >= len(names) {
		return fmt.Sprintf("severity(%d)", int(l))
	}
	return names[l]
}

// Parse reads a severity name, case-insensitively. "info" is accepted for
// informational, and "none" yields None.
func Parse(s string) (Level, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "info" {
		return Informational, nil
	}
	for i, n := range names {
		if n == s {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want informational, low, medium, high, critical or none)", s)
}

// Reaches reports whether l is at or above the threshold t.
func (l Level) Reaches(t Level) bool { return t != None && l >= t }

// MarshalText implements encoding.TextMarshaler.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
