package policy

import (
	"fmt"
	"strings"
)

// Lookup gives a request's context values by lower-case key. ok is false
// when the key is absent from the request.
type Lookup interface {
	Values(lowerKey string) (vals []string, ok bool)
}

// templatePart is literal text or one policy variable.
type templatePart struct {
	lit    string
	key    string // lower-case context key; empty for literal text
	def    string
	hasDef bool
}

// template is a string with policy variables such as ${aws:username},
// ${aws:PrincipalTag/team, 'none'} and the escapes ${*} ${?} ${$}.
type template struct {
	parts []templatePart
}

// parseTemplate splits s into literal text and variables. It returns nil
// when s holds no variable after all (for instance a lone "${").
func parseTemplate(s string) (*template, error) {
	t := &template{}
	var lit strings.Builder
	hasVar := false
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			lit.WriteString(s)
			break
		}
		lit.WriteString(s[:i])
		body := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		switch body {
		case "*", "?", "$":
			// Escapes: a literal character that never acts as a wildcard.
			lit.WriteByte(escByte)
			lit.WriteString(body)
			continue
		}
		key, def, hasDef, err := splitDefault(body)
		if err != nil {
			return nil, err
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, templatePart{lit: lit.String()})
			lit.Reset()
		}
		t.parts = append(t.parts, templatePart{key: strings.ToLower(key), def: def, hasDef: hasDef})
		hasVar = true
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, templatePart{lit: lit.String()})
	}
	if !hasVar {
		if len(t.parts) == 0 {
			return &template{parts: []templatePart{{lit: ""}}}, nil
		}
		return t, nil
	}
	return t, nil
}

// splitDefault reads "key" or "key, 'default'".
func splitDefault(body string) (key, def string, hasDef bool, err error) {
	c := strings.IndexByte(body, ',')
	if c < 0 {
		if body == "" {
			return "", "", false, fmt.Errorf("empty policy variable ${}")
		}
		return body, "", false, nil
	}
	key = strings.TrimSpace(body[:c])
	d := strings.TrimSpace(body[c+1:])
	if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
		return "", "", false, fmt.Errorf("policy variable default %q must be in single quotes", d)
	}
	return key, d[1 : len(d)-1], true, nil
}

// resolve substitutes the variables. In glob mode the literal text keeps
// its wildcards and substituted values are escaped; otherwise the result
// is plain text with escapes turned into their characters. ok is false
// when a variable has no value and no default, or is multi-valued.
func (t *template) resolve(ctx Lookup, glob bool) (string, bool) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.key == "" {
			if glob {
				b.WriteString(p.lit)
			} else {
				b.WriteString(strings.ReplaceAll(p.lit, string(rune(escByte)), ""))
			}
			continue
		}
		v, ok := "", false
		if ctx != nil {
			if vals, found := ctx.Values(p.key); found && len(vals) == 1 {
				v, ok = vals[0], true
			}
		}
		if !ok {
			if !p.hasDef {
				return "", false
			}
			v = p.def
		}
		if glob {
			writeEscaped(&b, v)
		} else {
			b.WriteString(v)
		}
	}
	return b.String(), true
}

// writeEscaped writes v so that none of its characters act as wildcards.
func writeEscaped(b *strings.Builder, v string) {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '*', '?', escByte:
			b.WriteByte(escByte)
		}
		b.WriteByte(v[i])
	}
}

// resolvable reports whether every variable has a single value or a
// default.
func (t *template) resolvable(ctx Lookup) bool {
	for _, p := range t.parts {
		if p.key == "" || p.hasDef {
			continue
		}
		if ctx == nil {
			return false
		}
		if vals, ok := ctx.Values(p.key); !ok || len(vals) != 1 {
			return false
		}
	}
	return true
}

// hasVar reports whether the template holds a variable (and not only
// escapes).
func (t *template) hasVar() bool {
	for _, p := range t.parts {
		if p.key != "" {
			return true
		}
	}
	return false
}
