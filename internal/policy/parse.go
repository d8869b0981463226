package policy

import (
	"fmt"
	"strings"
)

// Error codes reported by Parse.
const (
	CodeSyntax    = "policy.syntax"
	CodeElement   = "policy.unknown-element"
	CodeType      = "policy.type"
	CodeMissing   = "policy.missing-element"
	CodeConflict  = "policy.conflicting-elements"
	CodeEffect    = "policy.effect"
	CodeVersion   = "policy.version"
	CodeOperator  = "policy.condition-operator"
	CodePrincipal = "policy.principal"
	CodeDuplicate = "policy.duplicate-key"
	CodeComment   = "policy.comment"
	CodeValue     = "policy.condition-value"
)

// Parse reads a policy document. It reports every structural problem it
// finds, each with its position, as Errors.
func Parse(src []byte) (*Document, error) {
	root, comments, err := parseJSON(string(src))
	if err != nil {
		if se, ok := err.(*SyntaxError); ok {
			return nil, Errors{{Pos: se.Pos, Code: CodeSyntax, Msg: se.Msg}}
		}
		return nil, err
	}
	ps := &docParser{}
	doc := ps.document(root)
	if len(ps.errs) > 0 {
		return nil, ps.errs
	}
	doc.Warnings = append(doc.Warnings, ps.warns...)
	for _, c := range comments {
		doc.Warnings = append(doc.Warnings, &Error{Pos: c, Code: CodeComment, Msg: "comments are not valid in IAM policies", Hint: "AWS rejects the policy until the comment is removed"})
	}
	return doc, nil
}

// ParseString is Parse on a string.
func ParseString(src string) (*Document, error) { return Parse([]byte(src)) }

type docParser struct {
	errs  Errors
	warns Errors
}

func (p *docParser) errf(pos Pos, code, hint, format string, a ...any) {
	p.errs = append(p.errs, &Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, a...), Hint: hint})
}

// members walks an object's members, flagging duplicates and unknown
// names; known lists the accepted names (case-sensitive, as AWS does).
func (p *docParser) members(n *node, where string, known []string, f func(key string, kp Pos, v *node)) {
	seen := map[string]bool{}
	for i, k := range n.keys {
		if seen[k] {
			p.errf(n.keyPos[i], CodeDuplicate, "", "duplicate element %q in %s", k, where)
			continue
		}
		seen[k] = true
		ok := false
		for _, kn := range known {
			if k == kn {
				ok = true
				break
			}
		}
		if !ok {
			hint := ""
			for _, kn := range known {
				if strings.EqualFold(k, kn) {
					hint = "element names are case-sensitive: write " + kn
				}
			}
			if hint == "" {
				hint = "expected one of " + strings.Join(known, ", ")
			}
			p.errf(n.keyPos[i], CodeElement, hint, "unknown element %q in %s", k, where)
			continue
		}
		f(k, n.keyPos[i], n.vals[i])
	}
}

func (p *docParser) document(root *node) *Document {
	doc := &Document{Elements: map[string]Pos{}}
	if root.kind != kindObject {
		p.errf(root.pos, CodeType, "", "a policy document must be a JSON object, not %s", root.kind)
		return doc
	}
	var stmts *node
	p.members(root, "the policy", []string{"Version", "Id", "Statement"}, func(k string, kp Pos, v *node) {
		doc.Elements[k] = kp
		switch k {
		case "Version":
			doc.HasVersion, doc.VersionPos = true, v.pos
			if v.kind != kindString {
				p.errf(v.pos, CodeType, "", "Version must be a string")
				return
			}
			doc.Version = v.text
			if v.text != "2012-10-17" && v.text != "2008-10-17" {
				p.errf(v.pos, CodeVersion, `use "2012-10-17"`, "unknown policy language version %q", v.text)
			}
		case "Id":
			if v.kind != kindString {
				p.errf(v.pos, CodeType, "", "Id must be a string")
				return
			}
			doc.ID = v.text
		case "Statement":
			stmts = v
		}
	})
	if stmts == nil {
		p.errf(root.pos, CodeMissing, "", "the policy has no Statement element")
		return doc
	}
	switch stmts.kind {
	case kindObject:
		doc.Statements = append(doc.Statements, p.statement(stmts, 0))
	case kindArray:
		doc.StatementIsList = true
		for i, e := range stmts.elems {
			if e.kind != kindObject {
				p.errf(e.pos, CodeType, "", "statement %d must be an object, not %s", i, e.kind)
				continue
			}
			doc.Statements = append(doc.Statements, p.statement(e, i))
		}
	default:
		p.errf(stmts.pos, CodeType, "", "Statement must be an object or an array of objects, not %s", stmts.kind)
	}
	return doc
}

var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func (p *docParser) statement(n *node, idx int) Statement {
	st := Statement{Index: idx, Pos: n.pos, Elements: map[string]Pos{}}
	p.members(n, fmt.Sprintf("statement %d", idx), statementElements, func(k string, kp Pos, v *node) {
		st.Elements[k] = kp
		switch k {
		case "Sid":
			if v.kind != kindString {
				p.errf(v.pos, CodeType, "", "Sid must be a string")
				return
			}
			st.Sid, st.HasSid = v.text, true
		case "Effect":
			switch {
			case v.kind != kindString:
				p.errf(v.pos, CodeType, "", "Effect must be a string")
			case v.text == "Allow":
				st.Effect = Allow
			case v.text == "Deny":
				st.Effect = Deny
			default:
				p.errf(v.pos, CodeEffect, `write "Allow" or "Deny" (case-sensitive)`, "unknown Effect %q", v.text)
			}
		case "Principal", "NotPrincipal":
			st.Principal = p.principal(v, k)
			st.NotPrincipal = k == "NotPrincipal"
		case "Action", "NotAction":
			st.Action, st.HasAction, st.NotAction = p.strings(v, k), true, k == "NotAction"
		case "Resource", "NotResource":
			st.Resource, st.HasResource, st.NotResource = p.strings(v, k), true, k == "NotResource"
		case "Condition":
			st.Conditions = p.conditions(v)
		}
	})
	p.pairs(st, n.pos)
	return st
}

// pairs checks that each element appears at most once in its positive
// or negated form and that the required ones are there.
func (p *docParser) pairs(st Statement, pos Pos) {
	for _, pair := range [][2]string{{"Action", "NotAction"}, {"Resource", "NotResource"}, {"Principal", "NotPrincipal"}} {
		_, a := st.Elements[pair[0]]
		bp, b := st.Elements[pair[1]]
		if a && b {
			p.errf(bp, CodeConflict, "", "statement %d has both %s and %s", st.Index, pair[0], pair[1])
		}
	}
	if _, ok := st.Elements["Effect"]; !ok {
		p.errf(pos, CodeMissing, "", "statement %d has no Effect", st.Index)
	}
	if !st.HasAction {
		p.errf(pos, CodeMissing, "", "statement %d has no Action or NotAction", st.Index)
	}
}

// strings reads a string or a list of strings.
func (p *docParser) strings(v *node, what string) []Value {
	switch v.kind {
	case kindString:
		return []Value{{S: v.text, Pos: v.pos}}
	case kindArray:
		out := make([]Value, 0, len(v.elems))
		for _, e := range v.elems {
			if e.kind != kindString {
				p.errf(e.pos, CodeType, "", "%s values must be strings, not %s", what, e.kind)
				continue
			}
			out = append(out, Value{S: e.text, Pos: e.pos})
		}
		return out
	}
	p.errf(v.pos, CodeType, "", "%s must be a string or an array of strings, not %s", what, v.kind)
	return nil
}

// principalKinds are the keys of a Principal object.
var principalKinds = []string{"AWS", "Service", "Federated", "CanonicalUser"}

func (p *docParser) principal(v *node, what string) *PrincipalElement {
	el := &PrincipalElement{Pos: v.pos}
	switch v.kind {
	case kindString:
		if v.text != "*" {
			// AWS rejects this; read it as {"AWS": ...} and warn.
			p.warns = append(p.warns, &Error{Pos: v.pos, Code: CodePrincipal, Msg: fmt.Sprintf("%s as a string must be \"*\"", what), Hint: `write {"AWS": "` + v.text + `"}`})
			el.Entries = append(el.Entries, PrincipalEntry{Kind: "AWS", Value: Value{S: v.text, Pos: v.pos}})
			return el
		}
		el.Wildcard = true
	case kindObject:
		p.members(v, what, principalKinds, func(k string, _ Pos, pv *node) {
			for _, s := range p.strings(pv, what+"."+k) {
				el.Entries = append(el.Entries, PrincipalEntry{Kind: k, Value: s})
			}
		})
	default:
		p.errf(v.pos, CodeType, "", "%s must be \"*\" or an object, not %s", what, v.kind)
	}
	return el
}

func (p *docParser) conditions(v *node) []Condition {
	if v.kind != kindObject {
		p.errf(v.pos, CodeType, "", "Condition must be an object, not %s", v.kind)
		return nil
	}
	var out []Condition
	seenOp := map[string]bool{}
	for i, opName := range v.keys {
		opPos, body := v.keyPos[i], v.vals[i]
		op, ok := ParseOperator(opName)
		if !ok {
			p.errf(opPos, CodeOperator, "see the IAM condition operators reference", "unknown condition operator %q", opName)
			continue
		}
		if seenOp[opName] {
			p.errf(opPos, CodeDuplicate, "", "duplicate condition operator %q", opName)
			continue
		}
		seenOp[opName] = true
		if body.kind != kindObject {
			p.errf(body.pos, CodeType, "", "the body of %s must be an object of condition keys, not %s", opName, body.kind)
			continue
		}
		seenKey := map[string]bool{}
		for j, key := range body.keys {
			lk := strings.ToLower(key)
			if seenKey[lk] {
				p.errf(body.keyPos[j], CodeDuplicate, "", "duplicate condition key %q under %s", key, opName)
				continue
			}
			seenKey[lk] = true
			vals := p.conditionValues(body.vals[j], key)
			out = append(out, Condition{Op: op, OpPos: opPos, OpText: opName, Key: key, KeyPos: body.keyPos[j], Values: vals})
		}
	}
	return out
}

// conditionValues reads a condition's values: strings, numbers and
// booleans (AWS accepts JSON numbers and booleans), single or in a list.
func (p *docParser) conditionValues(v *node, key string) []Value {
	one := func(e *node) (Value, bool) {
		switch e.kind {
		case kindString, kindNumber, kindBool:
			return Value{S: e.text, Pos: e.pos}, true
		}
		p.errf(e.pos, CodeType, "", "condition key %q: values must be strings, numbers or booleans, not %s", key, e.kind)
		return Value{}, false
	}
	if v.kind == kindArray {
		out := make([]Value, 0, len(v.elems))
		for _, e := range v.elems {
			if x, ok := one(e); ok {
				out = append(out, x)
			}
		}
		return out
	}
	if x, ok := one(v); ok {
		return []Value{x}
	}
	return nil
}
