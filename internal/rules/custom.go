package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/diag"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

// Diagnostic codes of custom rule loading.
const (
	CodeRuleYAML       = "rule-yaml"
	CodeRuleMissing    = "rule-missing-field"
	CodeRuleUnknownKey = "rule-unknown-key"
	CodeRuleSeverity   = "rule-bad-severity"
	CodeRuleScope      = "rule-bad-scope"
	CodeRuleDuplicate  = "rule-duplicate-id"
	CodeRuleCompile    = "rule-compile"
	CodeRuleType       = "rule-not-bool"
)

// customSpec is one custom rule as written in YAML.
type customSpec struct {
	ID          string            `yaml:"id"`
	Title       string            `yaml:"title"`
	Severity    string            `yaml:"severity"`
	Scope       string            `yaml:"scope"`
	Rationale   string            `yaml:"rationale"`
	Remediation string            `yaml:"remediation"`
	Mappings    findings.Mappings `yaml:"mappings"`
	Expression  string            `yaml:"expression"`
}

var customKeys = map[string]bool{"id": true, "title": true, "severity": true, "scope": true, "rationale": true,
	"remediation": true, "mappings": true, "expression": true}

// celEnv is the environment every custom expression compiles in: three
// dynamic variables, resource, account and org.
var celEnv = mustEnv()

func mustEnv() *cel.Env {
	env, err := cel.NewEnv(
		cel.Variable("resource", cel.DynType),
		cel.Variable("account", cel.DynType),
		cel.Variable("org", cel.DynType),
	)
	if err != nil {
		panic(err)
	}
	return env
}

// LoadCustom reads every *.yaml file of dir as custom rules. A file
// holds one rule (a mapping with id) or several under `rules:`. Problems
// come back as diagnostics pointing at file:line:column; rules with
// problems are left out. The error is for a directory that cannot be read.
func LoadCustom(dir string) ([]*Rule, diag.List, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading custom rules: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	var out []*Rule
	var ds diag.List
	seen := map[string]bool{}
	for _, r := range Builtin() {
		seen[r.ID] = true
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, fmt.Errorf("reading custom rules: %w", err)
		}
		rs, d := ParseCustom(f, b)
		ds = append(ds, d...)
		for _, r := range rs {
			if seen[r.ID] {
				ds = append(ds, diag.Diagnostic{File: f, Line: 1, Column: 1, Code: CodeRuleDuplicate, Severity: severity.High,
					Message: fmt.Sprintf("rule id %q is already defined", r.ID), Hint: "custom rule ids must be unique and differ from built-in ones"})
				continue
			}
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	ds.Sort()
	return out, ds, nil
}

// ParseCustom compiles the custom rules of one file's bytes.
func ParseCustom(file string, data []byte) ([]*Rule, diag.List) {
	var ds diag.List
	add := func(line, col int, code string, format string, a ...any) {
		ds = append(ds, diag.Diagnostic{File: file, Line: line, Column: col, Code: code, Severity: severity.High,
			Message: fmt.Sprintf(format, a...)})
	}
	var out []*Rule
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			add(yamlErrLine(err), 1, CodeRuleYAML, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
			break
		}
		if len(doc.Content) == 0 {
			continue
		}
		top := doc.Content[0]
		nodes := []*yaml.Node{top}
		if top.Kind == yaml.MappingNode {
			if v := mapValue(top, "rules"); v != nil {
				if v.Kind != yaml.SequenceNode {
					add(v.Line, v.Column, CodeRuleYAML, "rules: want a list of rules")
					continue
				}
				nodes = v.Content
			}
		}
		for _, n := range nodes {
			if r := compileCustom(file, data, n, add); r != nil {
				out = append(out, r)
			}
		}
	}
	return out, ds
}

func yamlErrLine(err error) int {
	var line int
	if i := strings.Index(err.Error(), "line "); i >= 0 {
		fmt.Sscanf(err.Error()[i:], "line %d", &line)
	}
	return line
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func compileCustom(file string, data []byte, n *yaml.Node, add func(line, col int, code, format string, a ...any)) *Rule {
	if n.Kind != yaml.MappingNode {
		add(n.Line, n.Column, CodeRuleYAML, "a rule is a mapping with id, title, severity, scope and expression")
		return nil
	}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !customKeys[k.Value] {
			add(k.Line, k.Column, CodeRuleUnknownKey, "unknown key %q", k.Value)
			ok = false
		}
	}
	var s customSpec
	if err := n.Decode(&s); err != nil {
		add(n.Line, n.Column, CodeRuleYAML, "%v", err)
		return nil
	}
	for _, f := range []struct{ name, v string }{{"id", s.ID}, {"title", s.Title}, {"severity", s.Severity},
		{"scope", s.Scope}, {"expression", s.Expression}} {
		if strings.TrimSpace(f.v) == "" {
			add(n.Line, n.Column, CodeRuleMissing, "rule %s: %s is required", nonEmpty(s.ID, "?"), f.name)
			ok = false
		}
	}
	sev, err := severity.Parse(s.Severity)
	if s.Severity != "" && (err != nil || sev == severity.None) {
		v := mapValue(n, "severity")
		add(v.Line, v.Column, CodeRuleSeverity, "severity %q: want informational, low, medium, high or critical", s.Severity)
		ok = false
	}
	src, known := customScopes[s.Scope]
	if s.Scope != "" && !known {
		v := mapValue(n, "scope")
		add(v.Line, v.Column, CodeRuleScope, "scope %q: want one of %s", s.Scope, strings.Join(ScopeNames(), ", "))
		ok = false
	}
	if !ok {
		return nil
	}
	ast, iss := celEnv.Compile(s.Expression)
	if iss != nil && iss.Err() != nil {
		exprNode := mapValue(n, "expression")
		for _, e := range iss.Errors() {
			line, col := exprPosition(data, exprNode, e.Location.Line(), e.Location.Column())
			add(line, col, CodeRuleCompile, "rule %s: %s", s.ID, e.Message)
		}
		return nil
	}
	if t := ast.OutputType(); t != cel.BoolType && t != cel.DynType {
		v := mapValue(n, "expression")
		add(v.Line, v.Column, CodeRuleType, "rule %s: the expression gives %s, want bool (true means PASSED)", s.ID, t)
		return nil
	}
	prg, err := celEnv.Program(ast, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		v := mapValue(n, "expression")
		add(v.Line, v.Column, CodeRuleCompile, "rule %s: %v", s.ID, err)
		return nil
	}
	if s.Remediation == "" {
		s.Remediation = "See the rule's rationale."
	}
	if s.Rationale == "" {
		s.Rationale = s.Title
	}
	r := &Rule{ID: s.ID, Title: s.Title, Severity: sev, Scope: src.scope, Rationale: s.Rationale,
		Remediation: s.Remediation, Mappings: s.Mappings, ResourceType: src.resourceType, Services: src.services,
		Source: fmt.Sprintf("%s:%d", file, n.Line)}
	r.check = func(c *Ctx) error { return evalCustom(c, prg, src) }
	return r
}

// exprPosition maps a CEL location (1-based line, 0-based column within
// the expression) to the file.
func exprPosition(data []byte, n *yaml.Node, line, col int) (int, int) {
	if n == nil {
		return 1, 1
	}
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		// The block's content lines are indented by the indentation of
		// its first line, which the scalar's value does not include.
		lines := strings.Split(string(data), "\n")
		indent := 0
		if first := n.Line; first < len(lines) {
			indent = len(lines[first]) - len(strings.TrimLeft(lines[first], " "))
		}
		return n.Line + line, indent + col + 1
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		return n.Line + line - 1, n.Column + 1 + col
	}
	return n.Line + line - 1, n.Column + col
}
