package sigma

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// selection is one named search of a detection: either keywords (any of
// which found anywhere in the record) or alternatives of field items
// (a list of maps is an OR of ANDs; a single map has one alternative).
type selection struct {
	idx      int // position in Rule.sels
	keywords []*matcher
	alts     [][]*item
}

// item is one "field|modifiers: values" entry of a selection map.
type item struct {
	field    string
	fid      int  // index of field in Rule.Fields()
	all      bool // |all: every value must match
	exists   int  // |exists: 1 true, -1 false, 0 not used
	fieldref bool
	values   []*matcher
}

func (s *selection) fieldNames() []string {
	var out []string
	for _, a := range s.alts {
		for _, it := range a {
			out = append(out, it.field)
			if it.fieldref {
				for _, m := range it.values {
					out = append(out, m.ref)
				}
			}
		}
	}
	return out
}

func parseSelection(n *yaml.Node) (*selection, error) {
	s := &selection{}
	switch n.Kind {
	case yaml.MappingNode:
		a, err := parseMap(n)
		if err != nil {
			return nil, err
		}
		s.alts = [][]*item{a}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, errors.New("empty list")
		}
		for _, c := range n.Content {
			switch c.Kind {
			case yaml.MappingNode:
				a, err := parseMap(c)
				if err != nil {
					return nil, err
				}
				s.alts = append(s.alts, a)
			case yaml.ScalarNode:
				m, err := newMatcher(c, mods{contains: true})
				if err != nil {
					return nil, err
				}
				s.keywords = append(s.keywords, m)
			default:
				return nil, errors.New("a list selection must hold maps or keywords")
			}
		}
		if len(s.keywords) > 0 && len(s.alts) > 0 {
			return nil, &unsupportedFeature{"a list mixing keywords and field maps"}
		}
	default:
		return nil, errors.New("a selection must be a map or a list")
	}
	return s, nil
}

// mods are the modifiers of one item.
type mods struct {
	contains, startswith, endswith, re, cidr, cased bool
	reFlags                                         string
	cmp                                             string // gt, gte, lt, lte
}

func parseMap(n *yaml.Node) ([]*item, error) {
	var out []*item
	for i := 0; i+1 < len(n.Content); i += 2 {
		parts := strings.Split(n.Content[i].Value, "|")
		it := &item{field: parts[0]}
		if it.field == "" {
			return nil, &unsupportedFeature{"keyword search with modifiers (an empty field name)"}
		}
		m, err := parseModifiers(it, parts[1:])
		if err != nil {
			return nil, err
		}
		if m.reFlags != "" && !m.re {
			return nil, &unsupportedFeature{fmt.Sprintf("modifier %q without re on field %s", m.reFlags, it.field)}
		}
		vals := []*yaml.Node{n.Content[i+1]}
		if v := n.Content[i+1]; v.Kind == yaml.SequenceNode {
			vals = v.Content
			if len(vals) == 0 {
				return nil, fmt.Errorf("field %s has an empty list of values", it.field)
			}
		}
		if it.exists != 0 {
			if len(vals) != 1 || vals[0].Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("field %s: exists takes true or false", it.field)
			}
			b, err := strconv.ParseBool(vals[0].Value)
			if err != nil {
				return nil, fmt.Errorf("field %s: exists takes true or false", it.field)
			}
			if !b {
				it.exists = -1
			}
			out = append(out, it)
			continue
		}
		for _, v := range vals {
			var mt *matcher
			var err error
			if it.fieldref {
				mt, err = refMatcher(v, m)
			} else {
				mt, err = newMatcher(v, m)
			}
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", it.field, err)
			}
			it.values = append(it.values, mt)
		}
		out = append(out, it)
	}
	if len(out) == 0 {
		return nil, errors.New("empty map")
	}
	return out, nil
}

// parseModifiers reads the modifiers after a field name; all, exists and
// fieldref are properties of the item, the rest shape each value's test.
func parseModifiers(it *item, names []string) (mods, error) {
	var m mods
	for _, p := range names {
		switch p {
		case "contains":
			m.contains = true
		case "startswith":
			m.startswith = true
		case "endswith":
			m.endswith = true
		case "all":
			it.all = true
		case "re":
			m.re = true
		case "i", "m", "s":
			m.reFlags += p
		case "cidr":
			m.cidr = true
		case "cased":
			m.cased = true
		case "exists":
			it.exists = 1
		case "fieldref":
			it.fieldref = true
		case "gt", "gte", "lt", "lte":
			m.cmp = p
		default:
			return m, &unsupportedFeature{fmt.Sprintf("modifier %q on field %s", p, it.field)}
		}
	}
	return m, nil
}

// matcher tests one value of a field.
type matcher struct {
	null  bool
	re    *regexp.Regexp
	cidr  netip.Prefix
	isNet bool
	cmp   string
	num   float64
	g     glob
	ref   string // fieldref: the other field
	refID int    // index of ref in Rule.Fields()
	mods  mods
}

func newMatcher(v *yaml.Node, m mods) (*matcher, error) {
	if v.Kind != yaml.ScalarNode {
		return nil, errors.New("values must be scalars")
	}
	if v.Tag == "!!null" {
		return &matcher{null: true}, nil
	}
	s := v.Value
	switch {
	case m.re:
		return reMatcher(s, m.reFlags)
	case m.cidr:
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("cidr %q is not a valid prefix", s)
		}
		return &matcher{cidr: p.Masked(), isNet: true}, nil
	case m.cmp != "":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%s takes a number, got %q", m.cmp, s)
		}
		return &matcher{cmp: m.cmp, num: f}, nil
	}
	return &matcher{g: compileGlob(s, m), mods: m}, nil
}

func reMatcher(s, flags string) (*matcher, error) {
	for _, la := range []string{"(?=", "(?!", "(?<=", "(?<!"} {
		if strings.Contains(s, la) {
			return nil, &unsupportedFeature{fmt.Sprintf("regular expression %q uses a look-around (%s...), which Go's RE2 engine cannot express", s, la)}
		}
	}
	prefix := ""
	if flags != "" {
		prefix = "(?" + flags + ")"
	}
	re, err := regexp.Compile(prefix + s)
	if err != nil {
		return nil, &unsupportedFeature{fmt.Sprintf("regular expression %q cannot be compiled by Go's RE2 engine: %v", s, err)}
	}
	return &matcher{re: re}, nil
}

func refMatcher(v *yaml.Node, m mods) (*matcher, error) {
	if v.Kind != yaml.ScalarNode || v.Value == "" {
		return nil, errors.New("fieldref takes a field name")
	}
	if m.re || m.cidr || m.cmp != "" {
		return nil, &unsupportedFeature{"fieldref combined with re, cidr or a comparison"}
	}
	return &matcher{ref: v.Value, mods: m}, nil
}

func sortStrings(s []string) { sort.Strings(s) }
