package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder turns YAML nodes into the model's structs, recording the
// position of every value and reporting shape problems (wrong types,
// unknown and duplicate keys, missing required fields) with positions.
type decoder struct {
	file string
	r    *reporter
}

var positionsType = reflect.TypeFor[Positions]()

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return fmt.Sprintf("the scalar %q", n.Value)
	}
	return "something else"
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// yamlName returns a field's YAML key, or "" when it has none.
func yamlName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	return name
}

// fieldsOf returns the YAML keys of a struct type and their field indexes.
func fieldsOf(t reflect.Type) (map[string]int, []string) {
	idx := map[string]int{}
	var names []string
	for i := range t.NumField() {
		if n := yamlName(t.Field(i)); n != "" {
			idx[n] = i
			names = append(names, n)
		}
	}
	return idx, names
}

// decodeStruct decodes mapping n into the struct rv (addressable). where
// names the mapping in messages ("accounts[2]"). Decoding onto a struct
// that already holds values merges: a key set again is a duplicate.
func (d *decoder) decodeStruct(n *yaml.Node, rv reflect.Value, where string) {
	n = resolveAlias(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.r.add(nodePos(d.file, n), CodeTypeMismatch, "write key: value pairs here",
			"%s: want a mapping, got %s", where, kindName(n))
		return
	}
	t := rv.Type()
	var pos Positions
	for i := range t.NumField() {
		if t.Field(i).Type == positionsType {
			if rv.Field(i).IsNil() {
				rv.Field(i).Set(reflect.ValueOf(Positions{}))
			}
			pos = rv.Field(i).Interface().(Positions)
		}
	}
	if pos != nil && !pos.Has("") {
		pos[""] = nodePos(d.file, n)
	}
	idx, names := fieldsOf(t)
	pairs := d.withMerges(n, where)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], resolveAlias(pairs[i+1])
		fi, ok := idx[k.Value]
		if !ok {
			d.r.add(nodePos(d.file, k), CodeUnknownKey, suggest(k.Value, names, "known keys: "+oneOf(names)),
				"%s: unknown key %q", where, k.Value)
			continue
		}
		if pos != nil {
			if first, dup := pos[k.Value]; dup {
				d.r.add(nodePos(d.file, k), CodeDuplicateKey, "first set at "+first.String(),
					"%s: key %q is set twice", where, k.Value)
				continue
			}
			pos[k.Value] = nodePos(d.file, v)
		}
		d.decodeValue(v, rv.Field(fi), k.Value, pos, where+"."+k.Value)
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name := yamlName(f)
		if name != "" && f.Tag.Get("required") == "true" && pos != nil && !pos.Has(name) {
			d.r.add(nodePos(d.file, n), CodeMissingField, fmt.Sprintf("add %s: ...", name),
				"%s: %s is required", where, name)
		}
	}
}

// decodeValue decodes n into the field fv. key is the field's YAML name,
// used to record element positions in pos.
func (d *decoder) decodeValue(n *yaml.Node, fv reflect.Value, key string, pos Positions, where string) {
	if isNull(n) {
		return
	}
	switch fv.Kind() {
	case reflect.String:
		if s, ok := d.scalar(n, where, "a string"); ok {
			fv.SetString(s)
		}
	case reflect.Int:
		s, ok := d.scalar(n, where, "a whole number")
		if !ok {
			return
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			d.r.add(nodePos(d.file, n), CodeTypeMismatch, "write a whole number such as 365", "%s: want a whole number, got %q", where, s)
			return
		}
		fv.SetInt(int64(v))
	case reflect.Bool:
		s, ok := d.scalar(n, where, "true or false")
		if !ok {
			return
		}
		v, err := strconv.ParseBool(s)
		if err != nil {
			d.r.add(nodePos(d.file, n), CodeTypeMismatch, "write true or false", "%s: want true or false, got %q", where, s)
			return
		}
		fv.SetBool(v)
	case reflect.Slice:
		d.decodeSlice(n, fv, key, pos, where)
	case reflect.Map:
		d.decodeMap(n, fv, key, pos, where)
	case reflect.Struct:
		d.decodeStruct(n, fv, where)
	case reflect.Pointer:
		if fv.IsNil() {
			fv.Set(reflect.New(fv.Type().Elem()))
		}
		d.decodeValue(n, fv.Elem(), key, pos, where)
	}
}

func (d *decoder) scalar(n *yaml.Node, where, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.r.add(nodePos(d.file, n), CodeTypeMismatch, "write "+want+" here", "%s: want %s, got %s", where, want, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) decodeSlice(n *yaml.Node, fv reflect.Value, key string, pos Positions, where string) {
	if n.Kind != yaml.SequenceNode {
		d.r.add(nodePos(d.file, n), CodeTypeMismatch, "write a list, one '- item' per line",
			"%s: want a list, got %s", where, kindName(n))
		return
	}
	for i, el := range n.Content {
		el = resolveAlias(el)
		if fv.Type().Elem().Kind() == reflect.Struct && el.Kind != yaml.MappingNode {
			// Not appended: a half-made entry would only draw more errors.
			d.r.add(nodePos(d.file, el), CodeTypeMismatch, "write key: value pairs here, or remove the entry",
				"%s[%d]: want a mapping, got %s", where, i, kindName(el))
			continue
		}
		elKey := fmt.Sprintf("%s[%d]", key, i)
		item := reflect.New(fv.Type().Elem()).Elem()
		if pos != nil {
			pos[elKey] = nodePos(d.file, el)
		}
		d.decodeValue(el, item, elKey, pos, fmt.Sprintf("%s[%d]", where, i))
		fv.Set(reflect.Append(fv, item))
	}
}

func (d *decoder) decodeMap(n *yaml.Node, fv reflect.Value, key string, pos Positions, where string) {
	if n.Kind != yaml.MappingNode {
		d.r.add(nodePos(d.file, n), CodeTypeMismatch, "write key: value pairs here",
			"%s: want a mapping, got %s", where, kindName(n))
		return
	}
	if fv.IsNil() {
		fv.Set(reflect.MakeMap(fv.Type()))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		ks, ok := d.scalar(k, where, "a string key")
		if !ok {
			continue
		}
		entry := key + "." + ks
		if pos != nil {
			if first, dup := pos[entry]; dup {
				d.r.add(nodePos(d.file, k), CodeDuplicateKey, "first set at "+first.String(), "%s: key %q is set twice", where, ks)
				continue
			}
			pos[entry] = nodePos(d.file, v)
		}
		val := reflect.New(fv.Type().Elem()).Elem()
		d.decodeValue(v, val, entry, pos, where+"."+ks)
		fv.SetMapIndex(reflect.ValueOf(ks), val)
	}
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "")
}

// withMerges returns the key/value nodes of mapping n with YAML merge
// keys ("<<: *defaults") expanded: keys written in n win, then the first
// merged mapping that has a key.
func (d *decoder) withMerges(n *yaml.Node, where string) []*yaml.Node {
	return d.expandMerges(n, where, map[*yaml.Node]bool{})
}

// expandMerges does the work of withMerges; active holds the mappings
// being expanded, so that a mapping merging itself is reported instead
// of recursing forever.
func (d *decoder) expandMerges(n *yaml.Node, where string, active map[*yaml.Node]bool) []*yaml.Node {
	active[n] = true
	defer delete(active, n)
	var own, merged []*yaml.Node
	var sources []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !isMergeKey(k) {
			own = append(own, k, v)
			continue
		}
		v = resolveAlias(v)
		switch v.Kind {
		case yaml.MappingNode:
			sources = append(sources, v)
		case yaml.SequenceNode:
			for _, el := range v.Content {
				if el = resolveAlias(el); el.Kind == yaml.MappingNode {
					sources = append(sources, el)
				}
			}
		default:
			d.r.add(nodePos(d.file, v), CodeTypeMismatch, "merge a mapping: <<: *anchor",
				"%s: want a mapping to merge, got %s", where, kindName(v))
		}
	}
	if len(sources) == 0 {
		return own
	}
	seen := map[string]bool{}
	for i := 0; i < len(own); i += 2 {
		seen[own[i].Value] = true
	}
	for _, src := range sources {
		if active[src] {
			d.r.add(nodePos(d.file, src), CodeTypeMismatch, "a mapping cannot merge itself",
				"%s: merge refers to the mapping that contains it", where)
			continue
		}
		pairs := d.expandMerges(src, where, active)
		for i := 0; i+1 < len(pairs); i += 2 {
			if !seen[pairs[i].Value] {
				seen[pairs[i].Value] = true
				merged = append(merged, pairs[i], pairs[i+1])
			}
		}
	}
	return append(own, merged...)
}
