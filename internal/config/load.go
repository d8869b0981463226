package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/diag"
)

// Load reads every *.yaml file of dir, merges them into one Config,
// reads the policy files they reference and validates the result.
//
// Problems in the configuration come back as diagnostics, with the
// Config decoded as far as possible; the error is for input that cannot
// be read at all (a missing or unreadable directory or file).
func Load(dir string) (*Config, diag.List, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading configuration directory: %w", err)
	}
	c := &Config{Dir: dir}
	r := &reporter{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		switch filepath.Ext(name) {
		case ".yaml":
			c.Files = append(c.Files, filepath.Join(dir, name))
		case ".yml":
			r.add(Pos{File: filepath.Join(dir, name)}, CodeIgnoredFile, "rename it to "+strings.TrimSuffix(name, ".yml")+".yaml",
				"%s is not read: only *.yaml files are", name)
		}
	}
	sort.Strings(c.Files)
	if len(c.Files) == 0 {
		r.add(Pos{File: dir}, CodeNoConfigFiles, "put the configuration in files such as organization.yaml, accounts.yaml",
			"no *.yaml file in %s", dir)
	}
	for _, f := range c.Files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, fmt.Errorf("reading configuration: %w", err)
		}
		parseFile(c, f, b, r)
	}
	setDefaults(c)
	loadPolicyFiles(c, r)
	loadInlinePolicies(c, r)
	loadRoleInlinePolicies(c, r)
	loadCatalogTemplates(c, r)
	validate(c, r)
	validateSections(c, r)
	r.list.Sort()
	return c, r.list, nil
}

// Parse decodes one file's bytes into a Config, as Load does for each
// file, without reading policy files or validating. It serves tests and
// tools that hold YAML in memory.
func Parse(file string, data []byte) (*Config, diag.List) {
	c := &Config{Files: []string{file}}
	r := &reporter{}
	parseFile(c, file, data, r)
	setDefaults(c)
	return c, r.list
}

// setDefaults fills in values that are implied when not written.
func setDefaults(c *Config) {
	if c.Organization.Mode == "" {
		c.Organization.Mode = ModeOrganizations
	}
	c.Baseline.Declared = c.Baseline.Pos.Has("")
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func parseFile(c *Config, file string, data []byte, r *reporter) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			p := Pos{File: file}
			if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
				p.Line, _ = strconv.Atoi(m[1])
				p.Column = 1
			}
			msg := strings.TrimPrefix(err.Error(), "yaml: ")
			if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "line ") && i > 0 {
				msg = msg[i+2:]
			}
			r.add(p, CodeYAMLSyntax, "fix the YAML syntax; indentation is by spaces, not tabs", "%s", msg)
			return
		}
		decodeTop(c, file, &doc, r)
	}
}

// decodeTop merges one YAML document into c.
func decodeTop(c *Config, file string, doc *yaml.Node, r *reporter) {
	if len(doc.Content) == 0 {
		return
	}
	n := resolveAlias(doc.Content[0])
	d := &decoder{file: file, r: r}
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		r.add(nodePos(file, n), CodeTypeMismatch, "a configuration file is a mapping of top-level keys (organization, ous, accounts, ...)",
			"want a mapping at the top of the file, got %s", kindName(n))
		return
	}
	cv := reflect.ValueOf(c).Elem()
	idx, names := fieldsOf(cv.Type())
	seen := map[string]Pos{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		fi, ok := idx[k.Value]
		if !ok {
			r.add(nodePos(file, k), CodeUnknownKey, suggest(k.Value, names, "top-level keys are "+strings.Join(names, ", ")),
				"unknown top-level key %q", k.Value)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			r.add(nodePos(file, k), CodeDuplicateKey, "first set at "+first.String(), "top-level key %q is set twice in one file", k.Value)
			continue
		}
		seen[k.Value] = nodePos(file, k)
		field := cv.Type().Field(fi)
		fv := cv.Field(fi)
		switch {
		case field.Type == reflect.TypeFor[Section]():
			addSection(fv.Addr().Interface().(*Section), field, file, k.Value, v, r)
		case fv.Kind() == reflect.Slice:
			d.decodeSlice(v, fv, k.Value, nil, k.Value)
		default:
			d.decodeStruct(v, fv, k.Value)
		}
	}
}

// addSection keeps an owned section's node after a loose shape check.
func addSection(s *Section, f reflect.StructField, file, key string, v *yaml.Node, r *reporter) {
	if isNull(v) {
		return
	}
	want := f.Tag.Get("shape")
	if want == "mapping" && v.Kind != yaml.MappingNode {
		r.add(nodePos(file, v), CodeTypeMismatch, "write key: value pairs here", "%s: want a mapping, got %s", key, kindName(v))
		return
	}
	if want == "sequence" {
		if v.Kind != yaml.SequenceNode {
			r.add(nodePos(file, v), CodeTypeMismatch, "write a list, one '- item' per line", "%s: want a list, got %s", key, kindName(v))
			return
		}
		for i, el := range v.Content {
			if el = resolveAlias(el); el.Kind != yaml.MappingNode {
				r.add(nodePos(file, el), CodeTypeMismatch, "each entry is a mapping", "%s[%d]: want a mapping, got %s", key, i, kindName(el))
				return
			}
		}
	}
	s.Parts = append(s.Parts, Part{File: file, Node: v})
}
