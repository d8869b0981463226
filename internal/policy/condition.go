package policy

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// cond is a compiled condition: one operator applied to one key.
type cond struct {
	op  Operator
	key string // lower case
	// One of these holds the policy values, by family.
	strs  []string  // StringEquals / IgnoreCase / Bool / Binary literal values
	pats  []pattern // StringLike and templated strings
	nums  []float64
	times []int64 // unix nanoseconds
	nets  []netip.Prefix
	arns  []arnPattern
	null  bool // Null: true means "the key must be absent"
	src   *Condition
}

// compileCondition parses a condition's values once.
// A value that cannot be read is dropped (it never matches) and
// reported in warns.
func compileCondition(c *Condition, vars bool, warns *Errors) cond {
	out := cond{op: c.Op, key: strings.ToLower(c.Key), src: c}
	for _, v := range c.Values {
		if err := out.addValue(v.S, vars); err != nil {
			*warns = append(*warns, &Error{Pos: v.Pos, Code: CodeValue, Msg: fmt.Sprintf("%s %s: %v", c.OpText, c.Key, err), Hint: "this value never matches"})
		}
	}
	return out
}

func (c *cond) addValue(s string, vars bool) error {
	switch c.op.Family {
	case FamString:
		if c.op.Test == TestLike || (vars && strings.Contains(s, "${")) {
			p, err := compilePattern(s, vars)
			if err != nil {
				return err
			}
			if c.op.Test != TestLike && p.kind != matchTemplate {
				// A plain value after all: compare literally.
				c.strs = append(c.strs, s)
				return nil
			}
			c.pats = append(c.pats, p)
			return nil
		}
		c.strs = append(c.strs, s)
	case FamBool:
		switch l := strings.ToLower(strings.TrimSpace(s)); l {
		case "true", "false":
			c.strs = append(c.strs, l)
		default:
			return fmt.Errorf("Bool takes true or false, not %q", s)
		}
	case FamBinary:
		c.strs = append(c.strs, s)
	case FamNumeric:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		c.nums = append(c.nums, f)
	case FamDate:
		t, ok := parseDate(s)
		if !ok {
			return fmt.Errorf("%q is not a date (ISO 8601 or epoch seconds)", s)
		}
		c.times = append(c.times, t)
	case FamIP:
		p, err := parseCIDR(s)
		if err != nil {
			return err
		}
		c.nets = append(c.nets, p)
	case FamArn:
		a, err := compileArnPattern(s, vars)
		if err != nil {
			return err
		}
		c.arns = append(c.arns, a)
	case FamNull:
		b, err := strconv.ParseBool(strings.ToLower(s))
		if err != nil {
			return fmt.Errorf("Null takes true or false, not %q", s)
		}
		c.null = b
	}
	return nil
}

// parseCIDR reads an IPv4 or IPv6 address or CIDR block.
func parseCIDR(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate reads an ISO 8601 date or epoch seconds as unix nanoseconds.
func parseDate(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e11 { // epoch milliseconds
			return n * int64(time.Millisecond), true
		}
		return n * int64(time.Second), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

// eval applies the condition to the request context.
func (c *cond) eval(ctx Lookup) bool {
	var vals []string
	present := false
	if ctx != nil {
		vals, present = ctx.Values(c.key)
	}
	present = present && len(vals) > 0
	if c.op.Family == FamNull {
		return present != c.null
	}
	if !present {
		if c.op.IfExists {
			return true
		}
		switch c.op.Set {
		case SetForAllValues:
			return true
		case SetForAnyValue:
			return false
		}
		return c.op.Negated
	}
	switch c.op.Set {
	case SetForAllValues:
		for _, v := range vals {
			if c.matchOne(v, ctx) == c.op.Negated {
				return false
			}
		}
		return true
	case SetForAnyValue:
		for _, v := range vals {
			if c.matchOne(v, ctx) != c.op.Negated {
				return true
			}
		}
		return false
	}
	// No set qualifier: a positive operator needs one value to match; a
	// negated one needs no value to match.
	for _, v := range vals {
		if c.matchOne(v, ctx) {
			return !c.op.Negated
		}
	}
	return c.op.Negated
}

// matchOne reports whether one request value matches any policy value
// under the positive form of the operator.
func (c *cond) matchOne(v string, ctx Lookup) bool {
	switch c.op.Family {
	case FamString:
		return c.matchString(v, ctx)
	case FamBool:
		lv := strings.ToLower(v)
		for _, s := range c.strs {
			if s == lv {
				return true
			}
		}
	case FamBinary:
		return c.matchBinary(v)
	case FamNumeric:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return false
		}
		for _, n := range c.nums {
			if compareOrdered(c.op.Test, f, n) {
				return true
			}
		}
	case FamDate:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		for _, n := range c.times {
			if compareOrdered(c.op.Test, t, n) {
				return true
			}
		}
	case FamIP:
		a, err := parseCIDR(v)
		if err != nil {
			return false
		}
		for _, n := range c.nets {
			if n.Contains(a.Addr()) && a.Bits() >= n.Bits() {
				return true
			}
		}
	case FamArn:
		for i := range c.arns {
			if c.arns[i].match(v, ctx) {
				return true
			}
		}
	}
	return false
}

func (c *cond) matchString(v string, ctx Lookup) bool {
	fold := c.op.Test == TestEqualsIgnoreCase
	for _, s := range c.strs {
		if s == v || (fold && strings.EqualFold(s, v)) {
			return true
		}
	}
	for i := range c.pats {
		p := &c.pats[i]
		if c.op.Test == TestLike {
			if p.match(v, ctx) {
				return true
			}
			continue
		}
		lit, ok := p.tmpl.resolve(ctx, false)
		if ok && (lit == v || (fold && strings.EqualFold(lit, v))) {
			return true
		}
	}
	return false
}

func (c *cond) matchBinary(v string) bool {
	for _, s := range c.strs {
		if s == v {
			return true
		}
		a, err1 := base64.StdEncoding.DecodeString(s)
		b, err2 := base64.StdEncoding.DecodeString(v)
		if err1 == nil && err2 == nil && string(a) == string(b) {
			return true
		}
	}
	return false
}

type ordered interface{ ~int64 | ~float64 }

func compareOrdered[T ordered](t Test, req, pol T) bool {
	switch t {
	case TestEquals:
		return req == pol
	case TestLess:
		return req < pol
	case TestLessEq:
		return req <= pol
	case TestGreater:
		return req > pol
	case TestGreaterEq:
		return req >= pol
	}
	return false
}

// arnPattern is an ARN split into its six colon-separated parts; each
// part is matched on its own, the last one holds the rest of the ARN.
type arnPattern struct {
	whole pattern // for "*" or values that are not ARNs
	parts [6]pattern
	isArn bool
}

func compileArnPattern(s string, vars bool) (arnPattern, error) {
	segs, ok := splitArn(s)
	if !ok {
		p, err := compilePattern(s, vars)
		return arnPattern{whole: p}, err
	}
	var a arnPattern
	a.isArn = true
	for i, seg := range segs {
		p, err := compilePattern(seg, vars)
		if err != nil {
			return a, err
		}
		a.parts[i] = p
	}
	return a, nil
}

// splitArn splits an ARN into partition-prefixed six parts.
func splitArn(s string) ([6]string, bool) {
	var out [6]string
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return out, false
		}
		out[i], s = s[:j], s[j+1:]
	}
	out[5] = s
	return out, out[0] == "arn" || hasWildcard(out[0])
}

func (a *arnPattern) match(v string, ctx Lookup) bool {
	if !a.isArn {
		return a.whole.match(v, ctx)
	}
	segs, ok := splitArn(v)
	if !ok {
		return false
	}
	for i := range segs {
		if !a.parts[i].match(segs[i], ctx) {
			return false
		}
	}
	return true
}
