package findings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/shareddata"
)

// ocsfSchema is the OCSF schema read from its source files (the tree of
// ocsf/ocsf-schema at a tag, kept in ../shared/data/schemas): event
// classes and objects with their extends chains, $include files and
// profiles, and the attribute dictionary. It checks an event the way the
// official validator does: every attribute defined by the class, its
// objects or a declared profile; required attributes present; enum
// values from the schema; type_uid = class_uid*100 + activity_id.
type ocsfSchema struct {
	root    string
	classes map[string]map[string]any // by name
	objects map[string]map[string]any
	dict    map[string]map[string]any // dictionary attributes
	types   map[string]map[string]any // dictionary types
}

// ocsfAttr is one attribute of a class or object once merged.
type ocsfAttr struct {
	def     map[string]any
	profile string // the profile that brings it, or ""
}

// ocsfMissingIncludes are the OCSF 1.3.0 include files a copy of the
// schema may lack (the shared copy has no includes/ folder): the
// attributes each defines, with their requirement, from the schema at
// that tag.
var ocsfMissingIncludes = map[string]map[string]string{
	"includes/classification.json": {
		"activity_id": "required", "activity_name": "optional", "category_name": "optional",
		"category_uid": "required", "class_name": "optional", "class_uid": "required",
		"type_name": "optional", "type_uid": "required",
	},
	"includes/occurrence.json": {
		"count": "optional", "duration": "optional", "end_time": "optional", "start_time": "optional",
		"time": "required", "timezone_offset": "recommended",
	},
}

func loadOCSF(root string) (*ocsfSchema, error) {
	s := &ocsfSchema{root: root, classes: map[string]map[string]any{}, objects: map[string]map[string]any{}}
	read := func(dir string, into map[string]map[string]any) error {
		return filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			m, err := readJSONObject(p)
			if err != nil {
				return err
			}
			if n, ok := m["name"].(string); ok {
				into[n] = m
			}
			return nil
		})
	}
	if err := read("events", s.classes); err != nil {
		return nil, err
	}
	if err := read("objects", s.objects); err != nil {
		return nil, err
	}
	d, err := readJSONObject(filepath.Join(root, "dictionary.json"))
	if err != nil {
		return nil, err
	}
	s.dict = asMapOfMaps(d["attributes"])
	s.types = asMapOfMaps(asMap(d["types"])["attributes"])
	return s, nil
}

func readJSONObject(p string) (map[string]any, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return m, nil
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

func asMapOfMaps(v any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, x := range asMap(v) {
		out[k] = asMap(x)
	}
	return out
}

// attrs merges the attributes of a class or object: its parent's, then
// its includes', then its own, each field of a later definition
// overriding an earlier one.
func (s *ocsfSchema) attrs(def map[string]any, pool map[string]map[string]any) (map[string]ocsfAttr, error) {
	out := map[string]ocsfAttr{}
	if parent, ok := def["extends"].(string); ok {
		p, ok := pool[parent]
		if !ok {
			return nil, fmt.Errorf("unknown parent %q", parent)
		}
		pa, err := s.attrs(p, pool)
		if err != nil {
			return nil, err
		}
		for k, v := range pa {
			out[k] = v
		}
	}
	own := asMap(def["attributes"])
	if inc, ok := own["$include"].([]any); ok {
		for _, f := range inc {
			name := f.(string)
			profile := ""
			if strings.HasPrefix(name, "profiles/") {
				profile = strings.TrimSuffix(strings.TrimPrefix(name, "profiles/"), ".json")
			}
			m, err := readJSONObject(filepath.Join(s.root, name))
			if os.IsNotExist(err) {
				if known, ok := ocsfMissingIncludes[name]; ok {
					for k, req := range known {
						merge(out, k, map[string]any{"requirement": req}, profile)
					}
					continue
				}
			}
			if err != nil {
				return nil, err
			}
			for k, v := range asMap(m["attributes"]) {
				merge(out, k, asMap(v), profile)
			}
		}
	}
	for k, v := range own {
		if k != "$include" {
			merge(out, k, asMap(v), "")
		}
	}
	return out, nil
}

func merge(out map[string]ocsfAttr, k string, def map[string]any, profile string) {
	a := out[k]
	m := map[string]any{}
	for x, y := range a.def {
		m[x] = y
	}
	for x, y := range def {
		m[x] = y
	}
	if p, ok := def["profile"].(string); ok {
		profile = p
	}
	if profile != "" {
		a.profile = profile
	}
	a.def = m
	out[k] = a
}

// validate checks one event of the named class; it returns every problem.
func (s *ocsfSchema) validate(class string, ev map[string]any) []string {
	def, ok := s.classes[class]
	if !ok {
		return []string{"unknown class " + class}
	}
	var profiles []string
	list, _ := asMap(ev["metadata"])["profiles"].([]any)
	for _, p := range list {
		if ps, ok := p.(string); ok {
			profiles = append(profiles, ps)
		}
	}
	var errs []string
	s.object(def, s.classes, ev, class, profiles, &errs)
	if cu, ok := ev["class_uid"].(float64); ok {
		if tu, _ := ev["type_uid"].(float64); tu != cu*100+ev["activity_id"].(float64) {
			errs = append(errs, fmt.Sprintf("type_uid %v is not class_uid*100+activity_id", tu))
		}
	}
	sort.Strings(errs)
	return errs
}

func (s *ocsfSchema) object(def map[string]any, pool map[string]map[string]any, v map[string]any, where string, profiles []string, errs *[]string) {
	attrs, err := s.attrs(def, pool)
	if err != nil {
		*errs = append(*errs, where+": "+err.Error())
		return
	}
	declared := func(p string) bool {
		for _, x := range profiles {
			if x == p {
				return true
			}
		}
		return p == ""
	}
	for k, a := range attrs {
		if a.def["requirement"] == "required" && declared(a.profile) {
			if _, ok := v[k]; !ok {
				*errs = append(*errs, fmt.Sprintf("%s: required %s missing", where, k))
			}
		}
	}
	for k, val := range v {
		a, ok := attrs[k]
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s: %s is not an attribute of %v", where, k, def["name"]))
			continue
		}
		if !declared(a.profile) {
			*errs = append(*errs, fmt.Sprintf("%s: %s belongs to profile %s, not declared in metadata.profiles", where, k, a.profile))
		}
		s.value(k, a.def, val, where+"."+k, profiles, errs)
	}
}

func (s *ocsfSchema) value(k string, def map[string]any, val any, where string, profiles []string, errs *[]string) {
	d := s.dict[k]
	if d == nil {
		*errs = append(*errs, where+": not in the dictionary")
		return
	}
	typ, _ := d["type"].(string)
	if t, ok := def["type"].(string); ok {
		typ = t
	}
	if d["is_array"] == true {
		arr, ok := val.([]any)
		if !ok {
			*errs = append(*errs, where+": want an array")
			return
		}
		for i, x := range arr {
			s.scalarOrObject(typ, k, def, d, x, fmt.Sprintf("%s[%d]", where, i), profiles, errs)
		}
		return
	}
	s.scalarOrObject(typ, k, def, d, val, where, profiles, errs)
}

func (s *ocsfSchema) scalarOrObject(typ, k string, def, d map[string]any, val any, where string, profiles []string, errs *[]string) {
	if typ == "object" { // free-form (unmapped)
		if _, ok := val.(map[string]any); !ok {
			*errs = append(*errs, where+": want an object")
		}
		return
	}
	if od, ok := s.objects[typ]; ok {
		m, isObj := val.(map[string]any)
		if !isObj {
			*errs = append(*errs, where+": want a "+typ+" object")
			return
		}
		s.object(od, s.objects, m, where, profiles, errs)
		return
	}
	base := typ
	if t, ok := s.types[typ]; ok {
		if b, ok := t["type"].(string); ok {
			base = b
		}
	}
	switch base {
	case "string_t":
		if _, ok := val.(string); !ok {
			*errs = append(*errs, where+": want a string")
		}
	case "integer_t", "long_t", "timestamp_t", "float_t", "port_t":
		if _, ok := val.(float64); !ok {
			*errs = append(*errs, where+": want a number")
		}
	case "boolean_t":
		if _, ok := val.(bool); !ok {
			*errs = append(*errs, where+": want a boolean")
		}
	}
	enum := asMap(def["enum"])
	if enum == nil {
		enum = asMap(d["enum"])
	}
	if enum != nil {
		if _, ok := enum[fmt.Sprint(val)]; !ok {
			*errs = append(*errs, fmt.Sprintf("%s: %v is not one of the enum values", where, val))
		}
	}
}

// TestOCSFValidatesAgainstSchema renders the sample report as OCSF and
// validates each event against the OCSF 1.3.0 schema source.
func TestOCSFValidatesAgainstSchema(t *testing.T) {
	root := shareddata.Dir(t, "schemas/ocsf-1.3.0")
	s, err := loadOCSF(root)
	if err != nil {
		t.Fatal(err)
	}
	r := sampleReport()
	na := r.Findings[1]
	na.Status, na.ID = NotApplicable, "na"
	r.Findings = append(r.Findings, na)
	var buf bytes.Buffer
	if err := Render(&buf, output.OCSF, r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	valid := 0
	for i, d := range docs {
		errs := s.validate("compliance_finding", d)
		for _, e := range errs {
			t.Errorf("event %d: %s", i, e)
		}
		if len(errs) == 0 {
			valid++
		}
	}
	t.Logf("OCSF 1.3.0 schema: %d of %d events valid", valid, len(docs))
}

// TestOCSFValidatorRejects makes sure the validator is not vacuous: an
// unknown attribute, a bad enum value, a missing required attribute, an
// undeclared profile and a wrong type_uid are each reported.
func TestOCSFValidatorRejects(t *testing.T) {
	s, err := loadOCSF(shareddata.Dir(t, "schemas/ocsf-1.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, output.OCSF, sampleReport(), RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	d["bogus"] = 1
	d["severity_id"] = 42.0
	d["type_uid"] = 1.0
	delete(d["compliance"].(map[string]any), "standards")
	d["metadata"].(map[string]any)["profiles"] = []any{}
	got := strings.Join(s.validate("compliance_finding", d), "\n")
	for _, want := range []string{"bogus is not an attribute", "42 is not one of the enum values", "required standards missing",
		"cloud belongs to profile cloud", "type_uid"} {
		if !strings.Contains(got, want) {
			t.Errorf("validator did not report %q; it said:\n%s", want, got)
		}
	}
}

func ocsfRoot(t *testing.T) string { return shareddata.Dir(t, "schemas/ocsf-1.3.0") }

// ocsfDocs renders r as OCSF and decodes the events.
func ocsfDocs(t *testing.T, r *Report) []map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, output.OCSF, r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &docs); err != nil {
		t.Fatal(err)
	}
	return docs
}
