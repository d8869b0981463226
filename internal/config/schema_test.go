package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.json")

// TestSchemaGolden keeps testdata/schema.json, the schema users see, in
// sync with the model. Run with -update after changing the model.
func TestSchemaGolden(t *testing.T) {
	got, err := json.MarshalIndent(Schema(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "schema.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestSchemaGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("schema changed; review and run go test ./internal/config -run TestSchemaGolden -update")
	}
}

// TestSchemaCoversExample walks every key of the example configuration
// and checks that the schema describes it.
func TestSchemaCoversExample(t *testing.T) {
	s := Schema()
	defs := s["$defs"].(map[string]any)
	files, _ := filepath.Glob("../../examples/landing-zone/*.yaml")
	if len(files) == 0 {
		t.Fatal("no example files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var n yaml.Node
		if err := yaml.Unmarshal(b, &n); err != nil {
			t.Fatal(err)
		}
		checkNode(t, f, n.Content[0], s, defs)
	}
}

func checkNode(t *testing.T, file string, n *yaml.Node, s map[string]any, defs map[string]any) {
	t.Helper()
	if ref, ok := s["$ref"].(string); ok {
		s = defs[filepath.Base(ref)].(map[string]any)
	}
	switch n.Kind {
	case yaml.MappingNode:
		props, ok := s["properties"].(map[string]any)
		if !ok {
			return // free-form mapping (tags, owned sections)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			sub, ok := props[k].(map[string]any)
			if !ok {
				t.Errorf("%s:%d: key %q not in schema", file, n.Content[i].Line, k)
				continue
			}
			checkNode(t, file, n.Content[i+1], sub, defs)
		}
	case yaml.SequenceNode:
		items, _ := s["items"].(map[string]any)
		for _, el := range n.Content {
			if items != nil {
				checkNode(t, file, el, items, defs)
			}
		}
	case yaml.ScalarNode:
		if enum, ok := s["enum"].([]string); ok {
			found := false
			for _, e := range enum {
				found = found || e == n.Value
			}
			if !found {
				t.Errorf("%s:%d: %q not in the schema's enum", file, n.Line, n.Value)
			}
		}
	}
}

func TestSchemaShape(t *testing.T) {
	s := Schema()
	if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Error("not draft 2020-12")
	}
	props := s["properties"].(map[string]any)
	for _, k := range []string{"organization", "ous", "accounts", "policies", "standards", "security", "notifications", "exceptions", "access", "guardrails", "baseline", "identity", "catalog", "operations"} {
		if _, ok := props[k]; !ok {
			t.Errorf("top-level key %s missing", k)
		}
	}
	if len(props) != 14 {
		t.Errorf("%d top-level keys, want 14", len(props))
	}
}
