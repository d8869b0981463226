package rules

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// aws dereferences an SDK string pointer.
func aws(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// boolv dereferences an SDK bool pointer (nil is false).
func boolv(b *bool) bool { return b != nil && *b }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// arnAccount returns the account field of an ARN.
func arnAccount(arn string) string {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 {
		return ""
	}
	return p[4]
}

// arnRegion returns the region field of an ARN.
func arnRegion(arn string) string {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 {
		return ""
	}
	return p[3]
}

// statement is one IAM policy statement, as much as the rules need.
type statement struct {
	Sid          string
	Effect       string
	Principal    principal
	NotPrincipal principal
	Action       strList
	NotAction    strList
	Resource     strList
	NotResource  strList
	Condition    map[string]map[string]strList
}

// principal is a Principal element: "*" or a map of kind to values.
type principal struct {
	Wildcard bool
	Values   map[string]strList
}

func (p *principal) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		p.Wildcard = s == "*"
		return nil
	}
	return json.Unmarshal(b, &p.Values)
}

// public reports whether the principal is everyone: "*" or {"AWS": "*"}.
func (p principal) public() bool {
	if p.Wildcard {
		return true
	}
	for _, v := range p.Values["AWS"] {
		if v == "*" {
			return true
		}
	}
	return false
}

// strList is a policy element that is a string or a list of strings.
type strList []string

func (l *strList) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*l = []string{s}
		return nil
	}
	var many []any
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	for _, v := range many {
		*l = append(*l, fmt.Sprint(v))
	}
	return nil
}

// UnmarshalJSON accepts condition values that are strings, booleans or
// numbers, alone or in lists.
func (s *statement) UnmarshalJSON(b []byte) error {
	type plain statement
	var raw struct {
		plain
		Condition map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = statement(raw.plain)
	s.Condition = map[string]map[string]strList{}
	for op, m := range raw.Condition {
		s.Condition[op] = map[string]strList{}
		for k, v := range m {
			var l strList
			if err := l.UnmarshalJSON(v); err != nil {
				var x any
				_ = json.Unmarshal(v, &x)
				l = strList{fmt.Sprint(x)}
			}
			s.Condition[op][k] = l
		}
	}
	return nil
}

// parsePolicy reads a policy document, URL-decoding it first when it is
// URL-encoded (as IAM returns documents).
func parsePolicy(doc string) ([]statement, error) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return nil, nil
	}
	if strings.HasPrefix(doc, "%7B") || strings.HasPrefix(doc, "%7b") {
		d, err := url.QueryUnescape(doc)
		if err != nil {
			return nil, fmt.Errorf("policy document: %w", err)
		}
		doc = d
	}
	var p struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	if len(p.Statement) == 0 {
		return nil, nil
	}
	var list []statement
	if p.Statement[0] == '{' {
		var one statement
		if err := json.Unmarshal(p.Statement, &one); err != nil {
			return nil, fmt.Errorf("policy statement: %w", err)
		}
		return []statement{one}, nil
	}
	if err := json.Unmarshal(p.Statement, &list); err != nil {
		return nil, fmt.Errorf("policy statements: %w", err)
	}
	return list, nil
}

// allows reports an Allow statement.
func (s statement) allows() bool { return strings.EqualFold(s.Effect, "Allow") }

// actionMatches reports whether the statement's Action covers action
// (with IAM wildcards, case-insensitive).
func (s statement) actionMatches(action string) bool {
	for _, a := range s.Action {
		if globMatch(strings.ToLower(a), strings.ToLower(action)) {
			return true
		}
	}
	return false
}

// allResources reports Resource "*".
func (s statement) allResources() bool { return contains(s.Resource, "*") }

// adminAccess reports Allow of "*" (or "*:*") on "*".
func (s statement) adminAccess() bool {
	return s.allows() && (contains(s.Action, "*") || contains(s.Action, "*:*")) && s.allResources()
}

// restrictingKeys are condition keys that narrow a public principal to
// known accounts, organizations or networks.
var restrictingKeys = []string{"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:principalorgid",
	"aws:principalaccount", "aws:principalarn", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceorgid",
	"aws:principalorgpaths", "aws:sourceorgpaths", "aws:sourceip", "kms:calleraccount", "aws:resourceorgid",
	"aws:userid", "kms:viaservice", "lambda:eventsourcetoken"}

// publicAllow reports an Allow to everyone that no condition narrows.
// A condition narrows only with fixed values: AWS documents that a
// value with a wildcard or a policy variable (o-*, vpce-*, ${aws:...})
// does not make a policy non-public.
func (s statement) publicAllow() bool {
	if !s.allows() || !s.Principal.public() {
		return false
	}
	return !s.restricted()
}

// restricted reports a condition on a restricting key whose values are
// all fixed.
func (s statement) restricted() bool {
	for op, m := range s.Condition {
		if strings.HasPrefix(strings.ToLower(op), "forallvalues") || strings.HasSuffix(strings.ToLower(op), "ifexists") {
			continue // true when the key is absent: narrows nothing
		}
		for k, vals := range m {
			if contains(restrictingKeys, strings.ToLower(k)) && fixedValues(vals) {
				return true
			}
		}
	}
	return false
}

// fixedValues reports condition values without wildcards or variables.
func fixedValues(vals []string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
			return false
		}
	}
	return true
}

// conditionKey reports whether any condition of the statement names key
// (case-insensitive) with fixed values.
func (s statement) conditionKey(key string) bool {
	for _, m := range s.Condition {
		for k, vals := range m {
			if strings.EqualFold(k, key) && fixedValues(vals) {
				return true
			}
		}
	}
	return false
}

// globMatch matches IAM-style patterns with * and ?.
func globMatch(pat, s string) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if globMatch(pat[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pat[0] {
				return false
			}
		}
		pat, s = pat[1:], s[1:]
	}
	return s == ""
}
