// Package sigma loads Sigma detection rules written for AWS CloudTrail
// (logsource product aws, service cloudtrail) and evaluates them over the
// fields the pattern package extracts from an event, so that Sigma rules
// run in the same pass as event patterns.
//
// Supported: selections as maps (AND) and lists of maps (OR), value lists
// (OR, or AND with |all), keyword lists, null values, dotted field names
// resolved in nested records, the modifiers contains, startswith,
// endswith, all, re (with i, m and s), cidr, exists, gt, gte, lt, lte,
// fieldref and cased, and conditions with and, or, not, parentheses,
// "1 of", "any of", "all of" and "them". Plain matching is
// case-insensitive, as the Sigma specification says; re is
// case-sensitive unless re|i is used. Anything else (aggregations,
// encoding modifiers, regular expressions Go's RE2 cannot express such as
// look-arounds) makes the rule unsupported: Parse reports it by name.
package sigma

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Rule is one parsed Sigma rule. It is immutable; Compile binds it to the
// field paths of an extraction.
type Rule struct {
	ID             string
	Title          string
	Status         string
	Description    string
	Author         string
	Date           string
	Level          string
	References     []string
	Tags           []string
	FalsePositives []string
	Product        string
	Service        string
	// File is where the rule was read from.
	File string

	selections map[string]*selection
	sels       []*selection // by idx
	cond       node
}

// UnsupportedError reports a rule that parsed but uses a feature this
// package cannot evaluate faithfully; the rule is not loaded.
type UnsupportedError struct {
	File, Title string
	Reason      string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("sigma rule %q (%s) is not supported: %s", e.Title, e.File, e.Reason)
}

// ErrNotCloudTrail is wrapped by Parse's error for a rule whose logsource
// is not product aws, service cloudtrail.
var ErrNotCloudTrail = errors.New("logsource is not product: aws, service: cloudtrail")

type rawRule struct {
	ID             string    `yaml:"id"`
	Title          string    `yaml:"title"`
	Status         string    `yaml:"status"`
	Description    string    `yaml:"description"`
	Author         string    `yaml:"author"`
	Date           any       `yaml:"date"`
	Level          string    `yaml:"level"`
	References     []string  `yaml:"references"`
	Tags           []string  `yaml:"tags"`
	FalsePositives []string  `yaml:"falsepositives"`
	Logsource      logsource `yaml:"logsource"`
	Detection      yaml.Node `yaml:"detection"`
}

type logsource struct {
	Product  string `yaml:"product"`
	Service  string `yaml:"service"`
	Category string `yaml:"category"`
}

// IsSigma reports whether a YAML document looks like a Sigma rule (it has
// a detection section with a condition).
func IsSigma(data []byte) bool {
	var probe struct {
		Detection map[string]any `yaml:"detection"`
	}
	if yaml.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe.Detection["condition"]
	return ok
}

// Parse reads one Sigma rule. file names it in errors. A rule using a
// feature this package does not support returns *UnsupportedError.
func Parse(data []byte, file string) (*Rule, error) {
	var raw rawRule
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: not a valid Sigma rule: %w", file, err)
	}
	r := &Rule{
		ID: raw.ID, Title: raw.Title, Status: raw.Status, Description: strings.TrimSpace(raw.Description),
		Author: raw.Author, Level: strings.ToLower(raw.Level), References: raw.References,
		Tags: raw.Tags, FalsePositives: raw.FalsePositives, File: file,
		Product: raw.Logsource.Product, Service: raw.Logsource.Service,
	}
	if raw.Date != nil {
		r.Date = fmt.Sprint(raw.Date)
	}
	if r.Title == "" {
		return nil, fmt.Errorf("%s: sigma rule has no title", file)
	}
	if !strings.EqualFold(r.Product, "aws") || !strings.EqualFold(r.Service, "cloudtrail") {
		return nil, fmt.Errorf("%s: sigma rule %q: %w", file, r.Title, ErrNotCloudTrail)
	}
	unsupported := func(format string, a ...any) error {
		return &UnsupportedError{File: file, Title: r.Title, Reason: fmt.Sprintf(format, a...)}
	}
	det := &raw.Detection
	if det.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: sigma rule %q: detection must be a mapping", file, r.Title)
	}
	r.selections = map[string]*selection{}
	var conds []string
	for i := 0; i+1 < len(det.Content); i += 2 {
		name, val := det.Content[i].Value, det.Content[i+1]
		if name == "condition" {
			c, err := conditionStrings(val)
			if err != nil {
				return nil, fmt.Errorf("%s: sigma rule %q: %w", file, r.Title, err)
			}
			conds = c
			continue
		}
		if name == "timeframe" {
			return nil, unsupported("timeframe (correlation) is not supported")
		}
		sel, err := parseSelection(val)
		if err != nil {
			var ue *unsupportedFeature
			if errors.As(err, &ue) {
				return nil, unsupported("selection %s: %s", name, ue.msg)
			}
			return nil, fmt.Errorf("%s: sigma rule %q: selection %s: %w", file, r.Title, name, err)
		}
		sel.idx = len(r.sels)
		r.selections[name] = sel
		r.sels = append(r.sels, sel)
	}
	if len(conds) == 0 {
		return nil, fmt.Errorf("%s: sigma rule %q: detection has no condition", file, r.Title)
	}
	r.numberFields()
	var alts []node
	for _, c := range conds {
		n, err := parseCondition(c, r.selections)
		if err != nil {
			var ue *unsupportedFeature
			if errors.As(err, &ue) {
				return nil, unsupported("condition %q: %s", c, ue.msg)
			}
			return nil, fmt.Errorf("%s: sigma rule %q: condition %q: %w", file, r.Title, c, err)
		}
		alts = append(alts, n)
	}
	if len(alts) == 1 {
		r.cond = alts[0]
	} else {
		r.cond = &orNode{alts}
	}
	return r, nil
}

func conditionStrings(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, errors.New("condition list must hold strings")
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, errors.New("condition must be a string or a list of strings")
}

// unsupportedFeature marks parse errors caused by valid Sigma this
// package does not implement.
type unsupportedFeature struct{ msg string }

func (e *unsupportedFeature) Error() string { return e.msg }

// Fields returns the Sigma field names the rule reads (dotted, as
// written in the rule), sorted and without duplicates.
func (r *Rule) Fields() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range r.selections {
		for _, f := range s.fieldNames() {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	sortStrings(out)
	return out
}

// numberFields gives each item (and fieldref) the index of its field in
// Fields(), so evaluation finds extracted values without a map lookup.
func (r *Rule) numberFields() {
	ids := map[string]int{}
	for i, f := range r.Fields() {
		ids[f] = i
	}
	for _, s := range r.sels {
		for _, a := range s.alts {
			for _, it := range a {
				it.fid = ids[it.field]
				for _, m := range it.values {
					if it.fieldref {
						m.refID = ids[m.ref]
					}
				}
			}
		}
	}
}
