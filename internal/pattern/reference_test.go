package pattern

import (
	"bytes"
	"encoding/json"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"
)

// refMatch is a deliberately naive evaluation of parsed patterns over an
// event decoded by encoding/json: no scanner, no index, no anchors. The
// matcher must agree with it on every event.
func refMatch(alts []alternative, event any) bool {
	ids := map[*any]int{}
	for _, a := range alts {
		// One list of options per condition: the values satisfying it,
		// and, for exists:false, its absence (a refValue with absent set,
		// judged against the values chosen for the other conditions).
		var choices [][]refValue
		for _, fc := range a {
			choices = append(choices, refCond(fc, event, ids))
		}
		if refConsistent(choices, nil) {
			return true
		}
	}
	return false
}

// refValue is a value with the array elements (of arrays of objects)
// crossed to reach it, each as array identity and element index.
type refValue struct {
	v      any
	trail  [][2]int
	absent []refValue // for an absence: the leaves at the path
	isAbs  bool
}

// refConsistent tries every choice of one value per condition.
func refConsistent(choices [][]refValue, chosen []refValue) bool {
	if len(choices) == 0 {
		// Each absence holds when no leaf at its path lies in the
		// elements of the values chosen.
		for _, a := range chosen {
			for _, leaf := range a.absent {
				alone := true
				for _, p := range chosen {
					if !p.isAbs && !trailsAgree(p.trail, leaf.trail) {
						alone = false
					}
				}
				if alone {
					return false
				}
			}
		}
		return true
	}
	for _, c := range choices[0] {
		ok := true
		for _, p := range chosen {
			if !c.isAbs && !p.isAbs && !trailsAgree(p.trail, c.trail) {
				ok = false
			}
		}
		if ok && refConsistent(choices[1:], append(chosen, c)) {
			return true
		}
	}
	return false
}

func trailsAgree(a, b [][2]int) bool {
	for k := 0; k < len(a) && k < len(b); k++ {
		if a[k][0] != b[k][0] {
			return true
		}
		if a[k][1] != b[k][1] {
			return false
		}
	}
	return true
}

// refCond returns the options satisfying the condition: values, and its
// absence when it has an exists:false test.
func refCond(fc fieldCond, event any, ids map[*any]int) []refValue {
	vals := collect(event, fc.segs, nil, ids)
	var leaves []refValue
	for _, v := range vals {
		if _, obj := v.v.(map[string]any); !obj {
			leaves = append(leaves, v)
		}
	}
	var sat []refValue
	for _, v := range leaves {
		for _, t := range fc.tests {
			if refTest(t, v.v) {
				sat = append(sat, v)
				break
			}
		}
	}
	for _, t := range fc.tests {
		if t.op == opNotExists {
			sat = append(sat, refValue{isAbs: true, absent: leaves})
			break
		}
	}
	return sat
}

func arrayID(first *any, ids map[*any]int) int {
	if id, ok := ids[first]; ok {
		return id
	}
	ids[first] = len(ids)
	return ids[first]
}

// collect returns the values at path, crossing arrays; the identity of an
// array is the address of its first element, stable within one event.
func collect(v any, path []string, trail [][2]int, ids map[*any]int) []refValue {
	if arr, ok := v.([]any); ok {
		var out []refValue
		for i, e := range arr {
			t := trail
			_, obj := e.(map[string]any)
			_, isArr := e.([]any)
			if (obj || isArr) && len(path) > 0 {
				t = append(append([][2]int(nil), trail...), [2]int{arrayID(&arr[0], ids), i})
			}
			out = append(out, collect(e, path, t, ids)...)
		}
		return out
	}
	if len(path) == 0 {
		return []refValue{{v: v, trail: trail}}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var out []refValue
	if c, ok := obj[path[0]]; ok {
		out = collect(c, path[1:], trail, ids)
	}
	// A key holding dots names the nested path it spells.
	for k, c := range obj {
		parts := strings.Split(k, ".")
		if len(parts) > 1 && len(parts) <= len(path) && slices.Equal(parts, path[:len(parts)]) {
			out = append(out, collect(c, path[len(parts):], trail, ids)...)
		}
	}
	return out
}

func refTest(t test, v any) bool {
	s, isStr := v.(string)
	var f float64
	isNum := false
	if n, ok := v.(json.Number); ok {
		x, err := n.Float64()
		f, isNum = x, err == nil && !math.IsInf(x, 0)
	}
	ls := strings.ToLower(s)
	switch t.op {
	case opString:
		return isStr && s == t.s
	case opNumber:
		return isNum && f == t.f
	case opTrue:
		return v == true
	case opFalse:
		return v == false
	case opNull:
		return v == nil
	case opExists:
		return true
	case opPrefix:
		return isStr && strings.HasPrefix(s, t.s)
	case opSuffix:
		return isStr && strings.HasSuffix(s, t.s)
	case opPrefixIC:
		return isStr && strings.HasPrefix(ls, t.s)
	case opSuffixIC:
		return isStr && strings.HasSuffix(ls, t.s)
	case opEqualsIC:
		return isStr && ls == t.s
	case opWildcard:
		return isStr && t.wild.match([]byte(s))
	case opNumeric:
		return isNum && t.num.contains(f)
	case opCIDR:
		a, err := netip.ParseAddr(s)
		return isStr && err == nil && t.cidr.Contains(a.Unmap())
	case opAnythingBut:
		b := t.but
		if isStr {
			if b.strs[s] || (b.ic != nil && b.ic[ls]) {
				return false
			}
			for _, p := range b.prefixes {
				if strings.HasPrefix(s, p) {
					return false
				}
			}
			for _, p := range b.suffixes {
				if strings.HasSuffix(s, p) {
					return false
				}
			}
			for _, w := range b.wild {
				if w.match([]byte(s)) {
					return false
				}
			}
			return true
		}
		return isNum && !b.stringOnly() && !b.nums[f]
	}
	return false
}

// differential checks the matcher against refMatch on one event.
func differential(t *testing.T, patterns []string, event []byte) {
	t.Helper()
	if !json.Valid(event) || hasDuplicateKeys(event) {
		return // duplicate keys: encoding/json keeps the last, the scanner sees all
	}
	d := json.NewDecoder(bytes.NewReader(event))
	d.UseNumber()
	var ev any
	if err := d.Decode(&ev); err != nil || d.More() {
		return
	}
	b := NewBuilder()
	var want []int
	for _, p := range patterns {
		alts, err := parsePattern([]byte(p))
		if err != nil {
			t.Fatal(err)
		}
		i, _ := b.Add([]byte(p))
		if refMatch(alts, ev) {
			want = append(want, i)
		}
	}
	got, err := b.Build().Match(event, nil)
	if err != nil {
		t.Fatalf("matcher rejected valid JSON: %v", err)
	}
	sort.Ints(got)
	if !equalInts(got, want) {
		t.Fatalf("event %s\nmatcher %v\nreference %v", event, got, want)
	}
}

var diffPatterns = append([]string{
	`{"detail": {"state": ["pending"], "c-count": [{"numeric": [">", 1]}]}}`,
	`{"detail": {"$or": [{"state": [{"anything-but": {"prefix": "p"}}]}, {"x": [{"exists": false}]}]}}`,
	`{"a": [1, "1", true, null, ""], "b": {"c": [{"suffix": "z"}]}}`,
	`{"a": [{"anything-but": [1, 2]}], "b": {"c": [{"equals-ignore-case": "ÉTÉ"}]}}`,
	`{"a": [{"wildcard": "*x*y"}], "b": [{"cidr": "10.0.0.0/8"}]}`,
	`{"b": {"c": ["z"], "d": [1]}}`,
	`{"a": {"x": [1], "y": [{"exists": false}]}}`,
	`{"a": {"b": {"c": [1], "d": [2]}, "e": [3]}}`,
	`{"a": {"b": {"c": [1]}, "$or": [{"e": [3]}, {"b": {"d": [2]}}]}}`,
	`{"a.b": {"c": [1]}, "a": {"b.d": [2]}}`,
	`{"a": {"x": [1], "y": [{"exists": false}], "b": {"c": [{"exists": false}]}}}`,
	`{"b": {"c": ["z", {"exists": false}], "d": [1]}}`,
}, fuzzPatterns...)

func TestDifferential(t *testing.T) {
	for _, ev := range []string{
		ec2Event,
		`{"a": 1, "b": {"c": "xyz"}}`,
		`{"a": [2, 3], "b": [{"c": "z"}, {"c": "ÉTÉ"}]}`,
		`{"a": "axby", "b": "10.1.2.3"}`,
		`{"detail": {"state": "running", "c-count": 2, "x": null}}`,
		`{"detail": [{"state": "pending"}, {"c-count": 7}]}`,
		`{"a": null, "b": {"c": null}}`,
		`{"a": [], "b": {}}`,
		`{"a": [{"b": [{"c": 1}, {"d": 2}], "e": 3}, {"b": {"c": 1, "d": 2}, "x": 1}], "b": [{"c": "z", "d": 1}, {"c": "y"}]}`,
		`{"a": [{"b": [{"c": 1}, {"d": 2}], "e": 3}], "b": [{"c": "z"}, {"d": 1}]}`,
		`{"a": [{"x": 1, "y": 2}, {"x": 1}], "b": [[{"c": "z", "d": 1}]]}`,
		`{"a.b": {"c": 1}, "a": {"b.d": 2}}`,
		`{"a": [[{"x": 1, "y": 2}], [{"x": 1, "b": {"c": 3}}], [{"x": 1}]], "b": [[{"c": "z"}], [{"d": 1}]]}`,
		`{"a.b.c": 1, "a": [{"b": {"d": 2}}, {"b.d": 2, "b.c": 1}]}`,
	} {
		differential(t, diffPatterns, []byte(ev))
	}
}

// FuzzDifferential compares the matcher with the naive reference on
// arbitrary events.
func FuzzDifferential(f *testing.F) {
	f.Add([]byte(ec2Event))
	f.Add([]byte(`{"a": [2, 3], "b": [{"c": "z"}, {"c": "été"}]}`))
	f.Add([]byte(`{"detail": {"state": "pending", "c-count": 2e0, "source-ip": "10.9.9.9"}}`))
	f.Add([]byte(`{"a": [{"b": [{"c": 1}, {"d": 2}], "e": 3}, {"b": {"c": 1, "d": 2}, "x": 1}], "b": [{"c": "z", "d": 1}, {"c": "y"}]}`))
	f.Add([]byte(`{"a.b.c": 1, "a": [{"b": {"d": 2}}, {"b.d": 2, "b.c": 1, "x": 1}], "b": [[{"c": "z"}], [{"d": 1}]]}`))
	f.Fuzz(func(t *testing.T, event []byte) {
		differential(t, diffPatterns, event)
	})
}

// hasDuplicateKeys reports whether any object in a valid document repeats a key.
func hasDuplicateKeys(doc []byte) bool {
	d := json.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		keys  map[string]bool
		isObj bool
		key   bool // next string token is a key
	}
	var stack []*frame
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.isObj && top.key {
			if k, ok := tok.(string); ok {
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.key = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, isObj: true, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].isObj {
			stack[len(stack)-1].key = true
		}
	}
}

func TestHasDuplicateKeys(t *testing.T) {
	for doc, want := range map[string]bool{
		`{"a":1,"b":{"a":2}}`: false, `{"a":1,"a":2}`: true, `{"a":{"b":1,"b":2}}`: true,
		`[{"a":1},{"a":1}]`: false, `{"a":[{"x":1}],"b":{"c":{"d":1}},"a2":1}`: false,
	} {
		if got := hasDuplicateKeys([]byte(doc)); got != want {
			t.Errorf("%s: %v", doc, got)
		}
	}
}
