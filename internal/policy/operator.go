package policy

import "strings"

// Family is the type a condition operator compares: strings, numbers,
// dates, booleans, binary, IP addresses, ARNs, or key presence.
type Family uint8

// The operator families of the IAM condition language.
const (
	FamString Family = iota + 1
	FamNumeric
	FamDate
	FamBool
	FamBinary
	FamIP
	FamArn
	FamNull
)

// Test is the comparison an operator makes.
type Test uint8

// The comparisons. Negated operators (StringNotEquals, NotIpAddress,
// ArnNotLike, ...) use the positive test with Operator.Negated set.
const (
	TestEquals Test = iota + 1
	TestEqualsIgnoreCase
	TestLike
	TestLess
	TestLessEq
	TestGreater
	TestGreaterEq
)

// SetQualifier is the ForAllValues / ForAnyValue prefix of an operator.
type SetQualifier uint8

// The set qualifiers.
const (
	SetNone SetQualifier = iota
	SetForAllValues
	SetForAnyValue
)

// Operator is a parsed condition operator such as
// ForAnyValue:StringNotLikeIfExists.
type Operator struct {
	Family   Family
	Test     Test
	Negated  bool
	IfExists bool
	Set      SetQualifier
	// Name is the canonical base name, e.g. "StringNotLike".
	Name string
}

var baseOperators = map[string]Operator{}

func init() {
	add := func(name string, f Family, t Test, neg bool) {
		baseOperators[strings.ToLower(name)] = Operator{Family: f, Test: t, Negated: neg, Name: name}
	}
	add("StringEquals", FamString, TestEquals, false)
	add("StringNotEquals", FamString, TestEquals, true)
	add("StringEqualsIgnoreCase", FamString, TestEqualsIgnoreCase, false)
	add("StringNotEqualsIgnoreCase", FamString, TestEqualsIgnoreCase, true)
	add("StringLike", FamString, TestLike, false)
	add("StringNotLike", FamString, TestLike, true)
	for _, f := range []struct {
		prefix string
		fam    Family
	}{{"Numeric", FamNumeric}, {"Date", FamDate}} {
		add(f.prefix+"Equals", f.fam, TestEquals, false)
		add(f.prefix+"NotEquals", f.fam, TestEquals, true)
		add(f.prefix+"LessThan", f.fam, TestLess, false)
		add(f.prefix+"LessThanEquals", f.fam, TestLessEq, false)
		add(f.prefix+"GreaterThan", f.fam, TestGreater, false)
		add(f.prefix+"GreaterThanEquals", f.fam, TestGreaterEq, false)
	}
	add("Bool", FamBool, TestEquals, false)
	add("BinaryEquals", FamBinary, TestEquals, false)
	add("IpAddress", FamIP, TestEquals, false)
	add("NotIpAddress", FamIP, TestEquals, true)
	add("ArnEquals", FamArn, TestLike, false)
	add("ArnLike", FamArn, TestLike, false)
	add("ArnNotEquals", FamArn, TestLike, true)
	add("ArnNotLike", FamArn, TestLike, true)
	add("Null", FamNull, TestEquals, false)
}

// ParseOperator reads a condition operator name. Names are matched
// case-insensitively; ok is false for an unknown operator.
func ParseOperator(s string) (op Operator, ok bool) {
	rest := strings.ToLower(s)
	set := SetNone
	switch {
	case strings.HasPrefix(rest, "forallvalues:"):
		set, rest = SetForAllValues, rest[len("forallvalues:"):]
	case strings.HasPrefix(rest, "foranyvalue:"):
		set, rest = SetForAnyValue, rest[len("foranyvalue:"):]
	}
	ifExists := false
	if strings.HasSuffix(rest, "ifexists") {
		ifExists, rest = true, strings.TrimSuffix(rest, "ifexists")
	}
	op, ok = baseOperators[rest]
	if !ok {
		return Operator{}, false
	}
	if ifExists && op.Family == FamNull {
		return Operator{}, false
	}
	op.Set, op.IfExists = set, ifExists
	return op, true
}

// String renders the operator in its canonical spelling.
func (o Operator) String() string {
	s := o.Name
	if o.IfExists {
		s += "IfExists"
	}
	switch o.Set {
	case SetForAllValues:
		s = "ForAllValues:" + s
	case SetForAnyValue:
		s = "ForAnyValue:" + s
	}
	return s
}
