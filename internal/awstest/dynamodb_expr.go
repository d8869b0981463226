package awstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"unicode"
)

// ddbValue is a DynamoDB attribute value in its wire form: one type
// key (S, N, B, BOOL, NULL, SS, NS, BS, L, M) and its value.
type ddbValue map[string]json.RawMessage

// ddbItem is an item: attribute name → value.
type ddbItem map[string]ddbValue

func (v ddbValue) kind() string {
	for k := range v {
		return k
	}
	return ""
}

func (v ddbValue) str() string {
	var s string
	for _, raw := range v {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

func (v ddbValue) num() (*big.Float, bool) {
	if v.kind() != "N" {
		return nil, false
	}
	f, ok := new(big.Float).SetString(v.str())
	return f, ok
}

func numValue(f *big.Float) ddbValue {
	raw, _ := json.Marshal(f.Text('g', -1))
	return ddbValue{"N": raw}
}

// compare orders two scalar values of the same type: -1, 0, 1; ok is
// false when they cannot be compared.
func compare(a, b ddbValue) (int, bool) {
	if a == nil || b == nil || a.kind() != b.kind() {
		return 0, false
	}
	switch a.kind() {
	case "N":
		x, ok1 := a.num()
		y, ok2 := b.num()
		if !ok1 || !ok2 {
			return 0, false
		}
		return x.Cmp(y), true
	case "S", "B":
		return strings.Compare(a.str(), b.str()), true
	}
	if bytes.Equal(a[a.kind()], b[b.kind()]) {
		return 0, true
	}
	return 1, a.kind() == "BOOL" || a.kind() == "NULL"
}

// exprTok is one token of a condition or update expression.
type exprTok struct {
	kind string // ident, name, value, op, ( ) ,
	text string
}

func tokenize(s string) ([]exprTok, error) {
	var out []exprTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',' || c == '+' || c == '-' || c == '=':
			out = append(out, exprTok{string(c), string(c)})
			i++
		case c == '<' || c == '>':
			op := string(c)
			if i+1 < len(s) && (s[i+1] == '=' || (c == '<' && s[i+1] == '>')) {
				op += string(s[i+1])
			}
			out = append(out, exprTok{"op", op})
			i += len(op)
		case c == '#' || c == ':' || c == '_' || unicode.IsLetter(rune(c)):
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '.' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			kind := "ident"
			if c == '#' {
				kind = "name"
			} else if c == ':' {
				kind = "value"
			}
			out = append(out, exprTok{kind, s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at %d", c, i)
		}
	}
	return out, nil
}

// exprEnv resolves placeholders and evaluates against one item.
type exprEnv struct {
	names  map[string]string
	values map[string]ddbValue
	item   ddbItem
	toks   []exprTok
	pos    int
	used   map[string]bool
}

func (e *exprEnv) peek() exprTok {
	if e.pos < len(e.toks) {
		return e.toks[e.pos]
	}
	return exprTok{}
}

func (e *exprEnv) next() exprTok { t := e.peek(); e.pos++; return t }

func (e *exprEnv) keyword(w string) bool {
	t := e.peek()
	if t.kind == "ident" && strings.EqualFold(t.text, w) {
		e.pos++
		return true
	}
	return false
}

func (e *exprEnv) expect(kind string) error {
	if t := e.next(); t.kind != kind {
		return fmt.Errorf("expected %q, found %q", kind, t.text)
	}
	return nil
}

// attrName resolves a path token to an attribute name.
func (e *exprEnv) attrName(t exprTok) (string, error) {
	switch t.kind {
	case "name":
		n, ok := e.names[t.text]
		if !ok {
			return "", fmt.Errorf("An expression attribute name used in the document path is not defined; attribute name: %s", t.text)
		}
		e.used[t.text] = true
		return n, nil
	case "ident":
		return t.text, nil
	}
	return "", fmt.Errorf("expected an attribute name, found %q", t.text)
}

// operand evaluates a path or a value placeholder (nil when the
// attribute is absent).
func (e *exprEnv) operand() (ddbValue, error) {
	t := e.next()
	if t.kind == "value" {
		v, ok := e.values[t.text]
		if !ok {
			return nil, fmt.Errorf("An expression attribute value used in expression is not defined; attribute value: %s", t.text)
		}
		e.used[t.text] = true
		return v, nil
	}
	if t.kind == "ident" && strings.EqualFold(t.text, "if_not_exists") {
		if err := e.expect("("); err != nil {
			return nil, err
		}
		n, err := e.attrName(e.next())
		if err != nil {
			return nil, err
		}
		if err := e.expect(","); err != nil {
			return nil, err
		}
		def, err := e.operand()
		if err != nil {
			return nil, err
		}
		if err := e.expect(")"); err != nil {
			return nil, err
		}
		if v, ok := e.item[n]; ok {
			return v, nil
		}
		return def, nil
	}
	n, err := e.attrName(t)
	if err != nil {
		return nil, err
	}
	return e.item[n], nil
}

// cond parses and evaluates a condition: OR of ANDs of NOTs.
func (e *exprEnv) cond() (bool, error) {
	v, err := e.and()
	for err == nil && e.keyword("OR") {
		var w bool
		w, err = e.and()
		v = v || w
	}
	return v, err
}

func (e *exprEnv) and() (bool, error) {
	v, err := e.not()
	for err == nil && e.keyword("AND") {
		var w bool
		w, err = e.not()
		v = v && w
	}
	return v, err
}

func (e *exprEnv) not() (bool, error) {
	if e.keyword("NOT") {
		v, err := e.not()
		return !v, err
	}
	return e.primary()
}

func (e *exprEnv) primary() (bool, error) {
	t := e.peek()
	if t.kind == "(" {
		e.pos++
		v, err := e.cond()
		if err == nil {
			err = e.expect(")")
		}
		return v, err
	}
	if t.kind == "ident" && e.pos+1 < len(e.toks) && e.toks[e.pos+1].kind == "(" {
		switch strings.ToLower(t.text) {
		case "attribute_exists", "attribute_not_exists", "begins_with", "contains":
			return e.function()
		}
	}
	a, err := e.operand()
	if err != nil {
		return false, err
	}
	if e.keyword("BETWEEN") {
		lo, err := e.operand()
		if err != nil {
			return false, err
		}
		if !e.keyword("AND") {
			return false, fmt.Errorf("BETWEEN needs AND")
		}
		hi, err := e.operand()
		if err != nil {
			return false, err
		}
		c1, ok1 := compare(a, lo)
		c2, ok2 := compare(a, hi)
		return ok1 && ok2 && c1 >= 0 && c2 <= 0, nil
	}
	op := e.next()
	if op.kind != "op" && op.kind != "=" {
		return false, fmt.Errorf("expected a comparison, found %q", op.text)
	}
	b, err := e.operand()
	if err != nil {
		return false, err
	}
	c, ok := compare(a, b)
	switch op.text {
	case "=":
		return ok && c == 0, nil
	case "<>":
		return !ok || c != 0, nil
	case "<":
		return ok && c < 0, nil
	case "<=":
		return ok && c <= 0, nil
	case ">":
		return ok && c > 0, nil
	case ">=":
		return ok && c >= 0, nil
	}
	return false, fmt.Errorf("unknown comparison %q", op.text)
}

func (e *exprEnv) function() (bool, error) {
	fn := strings.ToLower(e.next().text)
	e.pos++ // (
	n, err := e.attrName(e.next())
	if err != nil {
		return false, err
	}
	v, has := e.item[n]
	var arg ddbValue
	if fn == "begins_with" || fn == "contains" {
		if err := e.expect(","); err != nil {
			return false, err
		}
		if arg, err = e.operand(); err != nil {
			return false, err
		}
	}
	if err := e.expect(")"); err != nil {
		return false, err
	}
	switch fn {
	case "attribute_exists":
		return has, nil
	case "attribute_not_exists":
		return !has, nil
	case "begins_with":
		return has && v.kind() == "S" && arg.kind() == "S" && strings.HasPrefix(v.str(), arg.str()), nil
	}
	// contains: a substring of a string, or an element of a set or list.
	if !has {
		return false, nil
	}
	if v.kind() == "S" {
		return strings.Contains(v.str(), arg.str()), nil
	}
	var elems []json.RawMessage
	_ = json.Unmarshal(v[v.kind()], &elems)
	for _, el := range elems {
		if bytes.Equal(el, arg[arg.kind()]) || bytes.Contains(el, arg[arg.kind()]) {
			return true, nil
		}
	}
	return false, nil
}

// evalCondition evaluates a condition expression against an item.
func evalCondition(expr string, names map[string]string, values map[string]ddbValue, item ddbItem) (bool, error) {
	if strings.TrimSpace(expr) == "" {
		return true, nil
	}
	toks, err := tokenize(expr)
	if err != nil {
		return false, Errorf("ValidationException", "Invalid ConditionExpression: %v", err)
	}
	e := &exprEnv{names: names, values: values, item: item, toks: toks, used: map[string]bool{}}
	v, err := e.cond()
	if err == nil && e.pos != len(toks) {
		err = fmt.Errorf("unexpected %q", e.peek().text)
	}
	if err != nil {
		return false, Errorf("ValidationException", "Invalid expression %q: %v", expr, err)
	}
	return v, nil
}

// applyUpdate applies an update expression (SET, REMOVE, ADD clauses) to item.
func applyUpdate(expr string, names map[string]string, values map[string]ddbValue, item ddbItem) error {
	toks, err := tokenize(expr)
	if err != nil {
		return Errorf("ValidationException", "Invalid UpdateExpression: %v", err)
	}
	e := &exprEnv{names: names, values: values, item: item, toks: toks, used: map[string]bool{}}
	if err := e.update(); err != nil {
		return Errorf("ValidationException", "Invalid UpdateExpression %q: %v", expr, err)
	}
	return nil
}

func (e *exprEnv) update() error {
	for e.pos < len(e.toks) {
		clause := strings.ToUpper(e.next().text)
		for {
			n, err := e.attrName(e.next())
			if err != nil {
				return err
			}
			switch clause {
			case "SET":
				if err := e.expect("="); err != nil {
					return err
				}
				v, err := e.arith()
				if err != nil {
					return err
				}
				e.item[n] = v
			case "REMOVE":
				delete(e.item, n)
			case "ADD":
				v, err := e.operand()
				if err != nil {
					return err
				}
				if err := e.add(n, v); err != nil {
					return err
				}
			default:
				return fmt.Errorf("unsupported clause %q", clause)
			}
			if e.peek().kind != "," {
				break
			}
			e.pos++
		}
	}
	return nil
}

// arith evaluates operand [+|- operand].
func (e *exprEnv) arith() (ddbValue, error) {
	a, err := e.operand()
	if err != nil {
		return nil, err
	}
	t := e.peek()
	if t.kind != "+" && t.kind != "-" {
		return a, nil
	}
	e.pos++
	b, err := e.operand()
	if err != nil {
		return nil, err
	}
	x, ok1 := a.num()
	y, ok2 := b.num()
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("An operand in the update expression has an incorrect data type")
	}
	if t.kind == "+" {
		return numValue(new(big.Float).Add(x, y)), nil
	}
	return numValue(new(big.Float).Sub(x, y)), nil
}

// add implements ADD: a number is added (absent counts as 0); a set gets
// the new elements.
func (e *exprEnv) add(n string, v ddbValue) error {
	cur, has := e.item[n]
	if x, ok := v.num(); ok {
		if !has {
			e.item[n] = v
			return nil
		}
		y, ok := cur.num()
		if !ok {
			return fmt.Errorf("An operand in the update expression has an incorrect data type")
		}
		e.item[n] = numValue(new(big.Float).Add(x, y))
		return nil
	}
	k := v.kind()
	if k != "SS" && k != "NS" {
		return fmt.Errorf("ADD works on numbers and sets")
	}
	var have, more []string
	if has {
		_ = json.Unmarshal(cur[k], &have)
	}
	_ = json.Unmarshal(v[k], &more)
	set := map[string]bool{}
	for _, s := range append(have, more...) {
		set[s] = true
	}
	all := make([]string, 0, len(set))
	for s := range set {
		all = append(all, s)
	}
	sort.Strings(all)
	raw, _ := json.Marshal(all)
	e.item[n] = ddbValue{k: raw}
	return nil
}
