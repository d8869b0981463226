// Package policy reads IAM JSON policy documents and compiles them into
// an immutable form that answers "does this statement apply to this
// request" quickly: actions, resources and principals become precompiled
// glob matchers, condition values are parsed once, and policy variables
// are resolved against the request only where a policy uses them.
//
// Parse keeps the position of every element so that errors and lint
// findings point at line:column. Compile turns a Document into a *Policy
// that is safe for concurrent use.
package policy

import (
	"fmt"
	"strings"
)

// Effect is a statement's Effect element.
type Effect uint8

// The two effects.
const (
	Allow Effect = iota + 1
	Deny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "Effect(?)"
}

// Value is one string of a policy element with its position.
type Value struct {
	S   string
	Pos Pos
}

// PrincipalEntry is one principal of a Principal or NotPrincipal element:
// Kind is AWS, Service, Federated or CanonicalUser.
type PrincipalEntry struct {
	Kind  string
	Value Value
}

// PrincipalElement is a Principal or NotPrincipal element. Wildcard is
// set for the bare string "*".
type PrincipalElement struct {
	Pos      Pos
	Wildcard bool
	Entries  []PrincipalEntry
}

// Condition is one condition key test: operator, key and values.
type Condition struct {
	Op      Operator
	OpPos   Pos
	Key     string
	KeyPos  Pos
	Values  []Value
	OpText  string // the operator as written
	Escaped bool   // reserved
}

// Statement is one statement of a policy document.
type Statement struct {
	Index  int // 0-based position in the Statement list
	Pos    Pos
	Sid    string
	HasSid bool
	Effect Effect

	Principal    *PrincipalElement
	NotPrincipal bool

	Action    []Value
	NotAction bool
	HasAction bool

	Resource    []Value
	NotResource bool
	HasResource bool

	Conditions []Condition

	// Elements records where each element name was written, for lint.
	Elements map[string]Pos
}

// Document is a parsed policy document.
type Document struct {
	Version    string
	VersionPos Pos
	HasVersion bool
	ID         string
	Statements []Statement
	// StatementIsList tells whether Statement was written as an array.
	StatementIsList bool
	// Elements records where each top-level element name was written.
	Elements map[string]Pos
	// Warnings are problems AWS would reject but that do not stop
	// evaluation: comments, and condition values that cannot match
	// (placeholders such as "<my-corporate-cidr>", in Policy.Warnings).
	Warnings Errors
}

// Error is a problem in a policy document at a position. Code is a
// stable identifier such as "policy.syntax".
type Error struct {
	Pos  Pos
	Code string
	Msg  string
	Hint string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// Errors is every problem Parse found, in document order.
type Errors []*Error

func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}
