package config

import (
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/diag"
)

// Section is a top-level section that another package owns
// (notifications, exceptions). It keeps the YAML nodes as written, one
// Part per file that has the section, so the owner can decode them into
// its own types with positions intact.
type Section struct {
	Parts []Part
}

// Part is one file's contribution to a Section.
type Part struct {
	File string
	Node *yaml.Node
}

// Empty reports whether no file has the section.
func (s Section) Empty() bool { return len(s.Parts) == 0 }

// Decode decodes every part into v in file order: for a sequence
// section, v should point to a slice, which receives the elements of all
// parts; for a mapping section, each part is decoded over v in turn.
func (s Section) Decode(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("config: Section.Decode needs a non-nil pointer, got %T", v)
	}
	isSlice := rv.Elem().Kind() == reflect.Slice
	for _, p := range s.Parts {
		if !isSlice {
			if err := p.Node.Decode(v); err != nil {
				return fmt.Errorf("%s: %w", p.Pos(), err)
			}
			continue
		}
		part := reflect.New(rv.Elem().Type())
		if err := p.Node.Decode(part.Interface()); err != nil {
			return fmt.Errorf("%s: %w", p.Pos(), err)
		}
		rv.Elem().Set(reflect.AppendSlice(rv.Elem(), part.Elem()))
	}
	return nil
}

// Pos returns where the part's node starts.
func (p Part) Pos() Pos { return nodePos(p.File, p.Node) }

// SectionValidator checks an owned section (notifications, exceptions)
// and returns its problems. Diagnostics should carry the positions of
// the section's nodes (Part.File and the nodes' Line and Column).
type SectionValidator func(Section) diag.List

var sectionValidators = map[string][]SectionValidator{}

// RegisterSection adds a validator that Load runs on the top-level
// section key ("notifications" or "exceptions"), so that `orgrail
// validate` reports problems in sections other packages own. Call it
// from an init function; it is not safe for concurrent use with Load.
func RegisterSection(key string, v SectionValidator) {
	sectionValidators[key] = append(sectionValidators[key], v)
}

// validateSections runs the registered section validators.
func validateSections(c *Config, r *reporter) {
	for key, s := range map[string]Section{"notifications": c.Notifications, "exceptions": c.Exceptions} {
		if s.Empty() {
			continue
		}
		for _, v := range sectionValidators[key] {
			r.list = append(r.list, v(s)...)
		}
	}
}
