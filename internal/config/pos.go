package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Pos is a place in a configuration file. Line and Column are 1-based.
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// String renders file:line:column.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

func nodePos(file string, n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: n.Line, Column: n.Column}
}

// Positions records where each part of a decoded mapping came from. The
// empty key is the mapping itself; a field's key is its YAML name
// ("email"), a list element adds its index ("targets[2]") and a map
// entry its key ("tags.Owner"). Positions are those of the values.
type Positions map[string]Pos

// Of returns the position recorded for key, falling back to the mapping
// itself when the key was not written.
func (p Positions) Of(key string) Pos {
	if q, ok := p[key]; ok {
		return q
	}
	return p[""]
}

// Has reports whether key was written in the configuration.
func (p Positions) Has(key string) bool {
	_, ok := p[key]
	return ok
}
