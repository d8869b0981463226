package config

import (
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"
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
