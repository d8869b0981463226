package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrorsHavePositions(t *testing.T) {
	tests := []struct {
		name, src, code string
		pos             Pos
	}{
		{"truncated", `{"Version": "2012-10-17",`, CodeSyntax, Pos{1, 26}},
		{"bad token", "{\n  \"Version\": x}", CodeSyntax, Pos{2, 14}},
		{"not an object", `[1]`, CodeType, Pos{1, 1}},
		{"no statement", `{"Version":"2012-10-17"}`, CodeMissing, Pos{1, 1}},
		{"unknown top element", "{\"Statement\":[],\n \"version\":\"x\"}", CodeElement, Pos{2, 2}},
		{"bad version", `{"Version":"2020-01-01","Statement":[]}`, CodeVersion, Pos{1, 12}},
		{"bad effect", `{"Statement":{"Effect":"allow","Action":"*"}}`, CodeEffect, Pos{1, 24}},
		{"both actions", `{"Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*"}}`, CodeConflict, Pos{1, 45}},
		{"no action", `{"Statement":{"Effect":"Allow","Resource":"*"}}`, CodeMissing, Pos{1, 14}},
		{"unknown operator", "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\n\"Condition\":{\"StringEq\":{\"a\":\"b\"}}}}", CodeOperator, Pos{2, 14}},
		{"duplicate key", `{"Statement":{"Effect":"Allow","Effect":"Deny","Action":"*"}}`, CodeDuplicate, Pos{1, 32}},
		{"action number", `{"Statement":{"Effect":"Allow","Action":[1]}}`, CodeType, Pos{1, 42}},
		{"principal number", `{"Statement":{"Effect":"Allow","Action":"*","Principal":5}}`, CodeType, Pos{1, 57}},
		{"deep nesting", strings.Repeat("[", 100), CodeSyntax, Pos{1, 66}},
		{"bad unicode position", "{\"Sid\":\"é\", x}", CodeSyntax, Pos{1, 13}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseString(tt.src)
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("want Errors, got %v", err)
			}
			for _, e := range errs {
				if e.Code == tt.code && e.Pos == tt.pos {
					return
				}
			}
			t.Errorf("want %s at %s, got %v", tt.code, tt.pos, errs)
		})
	}
}

func TestParseGrammar(t *testing.T) {
	src := `{
  "Version": "2012-10-17",
  "Id": "doc",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["111111111111", "arn:aws:iam::222222222222:role/r"], "Service": "s3.amazonaws.com", "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "abc"},
     "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*",
     "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", 3, true]}}},
    {"Effect": "Deny", "NotPrincipal": "*", "NotAction": "iam:*", "NotResource": ["*"]}
  ]
}`
	doc, err := ParseString(src)
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != "doc" || len(doc.Statements) != 2 || !doc.StatementIsList {
		t.Fatalf("document: %+v", doc)
	}
	s := doc.Statements[0]
	if s.Sid != "A" || len(s.Principal.Entries) != 5 || len(s.Conditions) != 1 {
		t.Fatalf("statement 0: %+v", s)
	}
	c := s.Conditions[0]
	if c.Op.Set != SetForAnyValue || !c.Op.IfExists || c.Op.Test != TestLike || len(c.Values) != 3 || c.Values[1].S != "3" {
		t.Errorf("condition: %+v", c)
	}
	if c.KeyPos.Line != 7 {
		t.Errorf("key position %v", c.KeyPos)
	}
	d := doc.Statements[1]
	if !d.NotPrincipal || !d.Principal.Wildcard || !d.NotAction || !d.NotResource || d.Effect != Deny {
		t.Errorf("statement 1: %+v", d)
	}
}

func TestCommentsAndPlaceholdersWarn(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*",
	// a comment
	"Condition":{"NotIpAddress":{"aws:SourceIp":"<cidr>"}}}}`
	p, err := Compile("x", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, w := range p.Warnings {
		codes[w.Code] = true
	}
	if !codes[CodeComment] || !codes[CodeValue] {
		t.Errorf("warnings %v", p.Warnings)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*c", "abc", true}, {"a*c", "ac", true},
		{"a*c", "ab", false}, {"a?c", "abc", true}, {"a?c", "ac", false}, {"a?c", "aéc", true},
		{"*b*b*", "abxbx", true}, {"*b*b*", "abx", false}, {"a\x00*c", "a*c", true}, {"a\x00*c", "abc", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k/x", true}, {"", "", true}, {"", "a", false},
		{"**", "x", true}, {"a*", "A", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pat, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v", tt.pat, tt.s, got)
		}
	}
}

func TestTemplate(t *testing.T) {
	ctx := MapContext{"aws:username": {"alice"}, "aws:principaltag/team": {"r*d"}, "multi": {"a", "b"}}
	tests := []struct {
		src, subject string
		want         bool
	}{
		{"home/${aws:username}/*", "home/alice/x", true},
		{"home/${aws:username}/*", "home/bob/x", false},
		{"home/${aws:userName}/*", "home/alice/x", true},
		{"t/${aws:PrincipalTag/team}", "t/r*d", true},
		{"t/${aws:PrincipalTag/team}", "t/rod", false}, // substituted values are literal
		{"t/${missing}", "t/", false},
		{"t/${missing, 'dflt'}", "t/dflt", true},
		{"t/${multi}", "t/a", false},
		{"a${*}b", "a*b", true},
		{"a${*}b", "axb", false},
		{"a${$}b", "a$b", true},
		{"a${?}", "a?", true},
		{"unterminated ${x", "unterminated ${x", true},
	}
	for _, tt := range tests {
		p, err := compilePattern(tt.src, true)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if got := p.match(tt.subject, ctx); got != tt.want {
			t.Errorf("%q vs %q = %v", tt.src, tt.subject, got)
		}
	}
	if _, err := compilePattern("${x, nodefaultquotes}", true); err == nil {
		t.Error("want an error for an unquoted default")
	}
}

func TestParseOperator(t *testing.T) {
	for _, s := range []string{"StringEquals", "stringequals", "ForAllValues:StringNotLikeIfExists", "ForAnyValue:ArnLike", "Null", "NumericGreaterThanEqualsIfExists", "DateNotEquals", "BinaryEqualsIfExists", "NotIpAddressIfExists", "Bool"} {
		op, ok := ParseOperator(s)
		if !ok {
			t.Errorf("%s: not parsed", s)
			continue
		}
		if !strings.EqualFold(op.String(), s) {
			t.Errorf("%s: round trip %s", s, op)
		}
	}
	for _, s := range []string{"StringEq", "NullIfExists", "ForSomeValues:StringEquals", ""} {
		if _, ok := ParseOperator(s); ok {
			t.Errorf("%s: accepted", s)
		}
	}
}
