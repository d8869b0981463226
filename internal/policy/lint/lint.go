// Package lint checks IAM policy documents: structure (with line:column),
// services, actions, condition keys and resource ARN formats against the
// embedded AWS table (internal/policy/awsdata), the rules of SCPs and RCPs,
// and the usual traps. Findings are diag.Diagnostics.
package lint

import (
	"path/filepath"
	"strings"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/severity"
)

// Kind is the kind of policy a document is, which decides the rules.
type Kind string

// The kinds lint knows. KindAuto guesses from the file name and content.
const (
	KindAuto     Kind = "auto"
	KindIdentity Kind = "identity"
	KindResource Kind = "resource"
	KindTrust    Kind = "trust"
	KindSCP      Kind = "scp"
	KindRCP      Kind = "rcp"
	KindBoundary Kind = "boundary"
	KindEndpoint Kind = "endpoint"
)

// ParseKind reads a kind name.
func ParseKind(s string) (Kind, bool) {
	k := Kind(strings.ToLower(s))
	switch k {
	case KindAuto, KindIdentity, KindResource, KindTrust, KindSCP, KindRCP, KindBoundary, KindEndpoint:
		return k, true
	}
	return "", false
}

// MaxControlPolicySize is the size limit of an SCP or RCP in characters,
// white space outside strings not counted (AWS Organizations quotas).
const MaxControlPolicySize = 5120

// File lints one policy document. name is used in the diagnostics.
func File(name string, src []byte, kind Kind) (diag.List, Kind) {
	l := &linter{file: name}
	doc, err := policy.Parse(src)
	if err != nil {
		if errs, ok := err.(policy.Errors); ok {
			for _, e := range errs {
				l.add(e.Pos, e.Code, severity.High, e.Msg, e.Hint)
			}
			return l.out, kind
		}
		l.add(policy.Pos{}, "policy.read", severity.High, err.Error(), "")
		return l.out, kind
	}
	if kind == KindAuto || kind == "" {
		kind = guessKind(name, doc)
	}
	l.kind, l.doc = kind, doc
	if p, err := policy.CompileDocument(name, doc); err != nil {
		if errs, ok := err.(policy.Errors); ok {
			for _, e := range errs {
				l.add(e.Pos, e.Code, severity.High, e.Msg, e.Hint)
			}
		}
	} else {
		for _, w := range p.Warnings {
			l.add(w.Pos, w.Code, severity.Medium, w.Msg, w.Hint)
		}
	}
	l.document(src)
	l.out.Sort()
	return l.out, kind
}

type linter struct {
	file string
	kind Kind
	doc  *policy.Document
	out  diag.List
}

func (l *linter) add(p policy.Pos, code string, sev severity.Level, msg, hint string) {
	l.out = append(l.out, diag.Diagnostic{File: l.file, Line: p.Line, Column: p.Column, Code: code, Severity: sev, Message: msg, Hint: hint})
}

// guessKind picks a kind from the file name (scp, rcp, trust) and, failing
// that, from the content: Principal elements mean a resource policy, or a
// trust policy when the actions are sts:AssumeRole*.
func guessKind(name string, doc *policy.Document) Kind {
	n := strings.ToLower(filepath.Base(name))
	switch {
	case strings.Contains(n, "rcp") || strings.Contains(n, "resource_control") || strings.Contains(n, "resource-control"):
		return KindRCP
	case strings.Contains(n, "scp") || strings.Contains(n, "service_control") || strings.Contains(n, "service-control"):
		return KindSCP
	case strings.Contains(n, "trust"):
		return KindTrust
	}
	for _, s := range doc.Statements {
		if s.Principal != nil {
			for _, a := range s.Action {
				if strings.HasPrefix(strings.ToLower(a.S), "sts:assumerole") {
					return KindTrust
				}
			}
			return KindResource
		}
	}
	return KindIdentity
}

func (l *linter) document(src []byte) {
	doc := l.doc
	if !doc.HasVersion {
		l.add(policy.Pos{Line: 1, Column: 1}, "lint.missing-version", severity.Low, "the policy has no Version: policy variables are not replaced", `add "Version": "2012-10-17"`)
	} else if doc.Version == "2008-10-17" {
		l.add(doc.VersionPos, "lint.old-version", severity.Low, "Version 2008-10-17 does not replace policy variables", `use "2012-10-17"`)
	}
	if l.kind == KindSCP || l.kind == KindRCP {
		if n := Size(src); n > MaxControlPolicySize {
			l.add(policy.Pos{Line: 1, Column: 1}, string(l.kind)+".size", severity.High,
				"the policy is "+itoa(n)+" characters, over the "+itoa(MaxControlPolicySize)+" AWS allows for a "+strings.ToUpper(string(l.kind)),
				"white space outside strings does not count; split the policy or use wildcards")
		}
	}
	sids := map[string]policy.Pos{}
	for i := range doc.Statements {
		s := &doc.Statements[i]
		if s.HasSid && s.Sid != "" {
			if _, dup := sids[s.Sid]; dup {
				l.add(s.Elements["Sid"], "lint.duplicate-sid", severity.Medium, "Sid "+quote(s.Sid)+" is used by another statement", "Sids must be unique within a policy")
			}
			sids[s.Sid] = s.Pos
		}
		l.statement(s)
	}
}

// Size counts a policy's characters as AWS Organizations does for the
// size quota: white space outside strings does not count.
func Size(src []byte) int {
	n, inStr, esc := 0, false, false
	for _, r := range string(src) {
		switch {
		case inStr:
			n++
			switch {
			case esc:
				esc = false
			case r == '\\':
				esc = true
			case r == '"':
				inStr = false
			}
		case r == '"':
			inStr = true
			n++
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		default:
			n++
		}
	}
	return n
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func quote(s string) string { return `"` + s + `"` }

// isPlaceholder reports whether a value is a template placeholder such as
// "<my-vpc-region>" or "[MAX_AGE]", as published examples contain.
func isPlaceholder(v string) bool {
	return (strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">")) || (strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]"))
}
