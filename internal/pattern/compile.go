package pattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Error is a problem in an event pattern, located at the field path where
// it was found ("detail.state"; "" for the pattern as a whole).
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "event pattern: " + e.Msg
	}
	return "event pattern at " + e.Path + ": " + e.Msg
}

// maxAlternatives bounds how many conjunctions one pattern may expand to
// through nested $or, so that a small pattern cannot explode the matcher.
const maxAlternatives = 1024

// fieldCond is the condition a pattern places on one field: the event
// satisfies it when any of the tests matches one of the field's values.
type fieldCond struct {
	path  string   // dotted, for messages
	segs  []string // the keys, which may themselves contain dots
	tests []test
}

// alternative is one conjunction of field conditions; a pattern matches
// when any of its alternatives does (several only through $or).
type alternative []fieldCond

// parsePattern turns a pattern document into its alternatives.
func parsePattern(doc []byte) ([]alternative, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, &Error{Msg: "not valid JSON: " + err.Error()}
	}
	if d.More() {
		return nil, &Error{Msg: "unexpected data after the pattern"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Msg: "a pattern must be a JSON object"}
	}
	return parseObject(obj, "", nil)
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// appendSeg returns segs+key in a new slice (segs is shared by siblings).
// A dotted key ("detail.state") stands for the nested path, as in
// event-ruler, which names every field by its dotted path: it adds one
// segment per dotted part.
func appendSeg(segs []string, key string) []string {
	parts := strings.Split(key, ".")
	return append(append(make([]string, 0, len(segs)+len(parts)), segs...), parts...)
}

// parseObject compiles the object at prefix, expanding $or.
func parseObject(obj map[string]any, prefix string, segs []string) ([]alternative, error) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	alts := []alternative{nil}
	for _, k := range keys {
		var branch []alternative
		var err error
		switch v := obj[k].(type) {
		case map[string]any:
			if len(v) == 0 {
				return nil, &Error{Path: join(prefix, k), Msg: "an empty object matches nothing; remove it or give it fields"}
			}
			branch, err = parseObject(v, join(prefix, k), appendSeg(segs, k))
		case []any:
			if k == "$or" {
				branch, err = parseOr(v, prefix, segs)
			} else {
				var fc fieldCond
				fc, err = parseField(v, join(prefix, k), appendSeg(segs, k))
				branch = []alternative{{fc}}
			}
		default:
			return nil, &Error{Path: join(prefix, k), Msg: fmt.Sprintf("must be an array of values or an object, got %s", describe(v))}
		}
		if err != nil {
			return nil, err
		}
		alts, err = product(alts, branch, join(prefix, k))
		if err != nil {
			return nil, err
		}
	}
	return alts, nil
}

func parseOr(list []any, prefix string, segs []string) ([]alternative, error) {
	path := join(prefix, "$or")
	if len(list) < 2 {
		return nil, &Error{Path: path, Msg: "$or needs at least two patterns"}
	}
	var out []alternative
	for i, item := range list {
		obj, ok := item.(map[string]any)
		if !ok || len(obj) == 0 {
			return nil, &Error{Path: fmt.Sprintf("%s[%d]", path, i), Msg: "each $or branch must be a non-empty object"}
		}
		alts, err := parseObject(obj, prefix, segs)
		if err != nil {
			return nil, err
		}
		out = append(out, alts...)
		if len(out) > maxAlternatives {
			return nil, &Error{Path: path, Msg: fmt.Sprintf("expands to more than %d alternatives", maxAlternatives)}
		}
	}
	return out, nil
}

// product is the conjunction of two disjunctions of alternatives.
func product(a, b []alternative, path string) ([]alternative, error) {
	if len(a)*len(b) > maxAlternatives {
		return nil, &Error{Path: path, Msg: fmt.Sprintf("$or expands to more than %d alternatives", maxAlternatives)}
	}
	out := make([]alternative, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			z := make(alternative, 0, len(x)+len(y))
			z = append(append(z, x...), y...)
			out = append(out, z)
		}
	}
	return out, nil
}

func parseField(list []any, path string, segs []string) (fieldCond, error) {
	fc := fieldCond{path: path, segs: segs}
	if len(list) == 0 {
		return fc, &Error{Path: path, Msg: "an empty array matches nothing; give at least one value"}
	}
	for _, item := range list {
		t, err := parseTest(item, path)
		if err != nil {
			return fc, err
		}
		fc.tests = append(fc.tests, t)
	}
	return fc, nil
}

// describe names a decoded JSON value's type for error messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// key is a canonical text of a condition, used to share identical
// conditions between patterns.
func (fc fieldCond) key() string {
	parts := make([]string, len(fc.tests))
	for i, t := range fc.tests {
		parts[i] = t.key()
	}
	sort.Strings(parts)
	return strings.Join(fc.segs, "\x03") + "\x00" + strings.Join(parts, "\x01")
}
