package config

import (
	"reflect"
	"strconv"
	"strings"
)

// SchemaID is the $id of the configuration's JSON Schema.
const SchemaID = "https://github.com/orgrail/orgrail/schema/config.json"

// Schema returns the JSON Schema (draft 2020-12) of one configuration
// file. It is built from the model's struct tags (yaml names, doc,
// enum, pattern, min, max, required), so it cannot drift from what Load
// accepts.
func Schema() map[string]any {
	defs := map[string]any{}
	root := objectSchema(reflect.TypeFor[Config](), defs)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "orgrail landing-zone configuration file"
	root["description"] = "One *.yaml file of an orgrail configuration directory. All files of the directory are merged: lists are concatenated, mappings merged key by key."
	root["$defs"] = defs
	return root
}

func objectSchema(t reflect.Type, defs map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		name := yamlName(f)
		if name == "" {
			continue
		}
		s := fieldSchema(f, defs)
		if d := f.Tag.Get("doc"); d != "" {
			s["description"] = d
		}
		props[name] = s
		if f.Tag.Get("required") == "true" {
			required = append(required, name)
		}
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func fieldSchema(f reflect.StructField, defs map[string]any) map[string]any {
	if f.Type == reflect.TypeFor[Section]() {
		if f.Tag.Get("shape") == "sequence" {
			return map[string]any{"type": "array", "items": map[string]any{"type": "object"}}
		}
		return map[string]any{"type": "object"}
	}
	if f.Type.Kind() == reflect.Slice {
		return map[string]any{"type": "array", "items": typeSchema(f.Type.Elem(), f.Tag, defs)}
	}
	return typeSchema(f.Type, f.Tag, defs)
}

// typeSchema describes one value of type t; tag carries the field's
// constraints.
func typeSchema(t reflect.Type, tag reflect.StructTag, defs map[string]any) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return typeSchema(t.Elem(), tag, defs)
	case reflect.String:
		s := map[string]any{"type": "string"}
		if p := tag.Get("pattern"); p != "" {
			s["pattern"] = p
		}
		addEnum(s, tag.Get("enum"))
		return s
	case reflect.Int:
		s := map[string]any{"type": "integer"}
		for _, k := range []string{"min", "max"} {
			if v, err := strconv.Atoi(tag.Get(k)); err == nil {
				s[map[string]string{"min": "minimum", "max": "maximum"}[k]] = v
			}
		}
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
	case reflect.Struct:
		if _, ok := defs[t.Name()]; !ok {
			defs[t.Name()] = nil // guard against recursion
			defs[t.Name()] = objectSchema(t, defs)
		}
		return map[string]any{"$ref": "#/$defs/" + t.Name()}
	}
	return map[string]any{}
}

// addEnum applies an enum tag: a|b|c, or a named list (@regions,
// @services, @policyTypes). Policy types stay open: a new AWS type in
// the right shape is accepted.
func addEnum(s map[string]any, enum string) {
	switch enum {
	case "":
	case "@regions":
		s["enum"] = Regions()
	case "@services":
		s["enum"] = Services
	case "@policyTypes":
		delete(s, "type")
		s["anyOf"] = []any{
			map[string]any{"type": "string", "enum": PolicyTypes},
			map[string]any{"type": "string", "pattern": policyTypeRe.String()},
		}
	default:
		s["enum"] = strings.Split(enum, "|")
	}
}
