package pattern

import (
	"bytes"
	"sort"
	"strings"
)

// Paths is the set of field paths ("detail.userIdentity.type") to extract
// from events, compiled into a tree keyed on the path segments so that the
// scanner descends only into the parts of a document it needs and skips
// the rest without decoding it. Build a Paths with Add, then use it from
// any number of goroutines once extraction has started.
type Paths struct {
	root  *pathNode
	names []string
	index map[string]int
}

type pathNode struct {
	children map[string]*pathNode
	small    []child // the same children, when few: scanned, not hashed
	leaf     int     // path index, -1 when no path ends here
	raw      bool    // also emit objects found here as Object values
}

type child struct {
	key  string
	node *pathNode
}

// maxSmall is how many children a node may have and still be searched
// by comparing keys rather than by hashing.
const maxSmall = 8

// child returns the child for key, or nil.
func (n *pathNode) child(key []byte) *pathNode {
	if n.small != nil || len(n.children) == 0 {
		for i := range n.small {
			if c := &n.small[i]; len(c.key) == len(key) && c.key == string(key) {
				return c.node
			}
		}
		return nil
	}
	return n.children[string(key)]
}

// dotted returns the node a dotted key ("detail.state") leads to, walking
// one level per part, or nil. event-ruler names fields by their dotted
// path, so an event key holding dots reaches the same field as the nested
// objects it spells.
func (n *pathNode) dotted(key []byte) *pathNode {
	if bytes.IndexByte(key, '.') < 0 {
		return nil
	}
	for n != nil {
		i := bytes.IndexByte(key, '.')
		if i < 0 {
			return n.child(key)
		}
		n = n.child(key[:i])
		key = key[i+1:]
	}
	return nil
}

// NewPaths returns an empty set of paths.
func NewPaths() *Paths {
	return &Paths{root: newPathNode(), index: map[string]int{}}
}

func newPathNode() *pathNode { return &pathNode{leaf: -1} }

// Add adds a dotted path and returns its index. Adding a path twice
// returns the same index.
func (p *Paths) Add(path string) int {
	return p.add(strings.Split(path, "."), path, false)
}

// AddRaw is Add for a path whose object values are wanted too, as their
// raw JSON text (Sigma matches a string against a whole object this way).
func (p *Paths) AddRaw(path string) int {
	return p.add(strings.Split(path, "."), path, true)
}

// AddSegments adds a path given as segments, for field names that contain
// dots themselves. name is how the path is reported.
func (p *Paths) AddSegments(segs []string, name string) int {
	return p.add(segs, name, false)
}

func (p *Paths) add(segs []string, name string, raw bool) int {
	n := p.root
	for _, s := range segs {
		if n.children == nil {
			n.children = map[string]*pathNode{}
		}
		c := n.children[s]
		if c == nil {
			c = newPathNode()
			n.children[s] = c
			if len(n.children) <= maxSmall {
				n.small = append(n.small, child{s, c})
			} else {
				n.small = nil
			}
		}
		n = c
	}
	if raw {
		n.raw = true
	}
	if n.leaf >= 0 {
		return n.leaf
	}
	n.leaf = len(p.names)
	p.names = append(p.names, name)
	if _, taken := p.index[name]; !taken {
		p.index[name] = n.leaf
	}
	return n.leaf
}

// Index returns the index of a path added before, or -1.
func (p *Paths) Index(path string) int {
	if i, ok := p.index[path]; ok {
		return i
	}
	return -1
}

// Len returns the number of paths.
func (p *Paths) Len() int { return len(p.names) }

// Name returns the path with index i.
func (p *Paths) Name(i int) string { return p.names[i] }

// Names returns every path, sorted, each once.
func (p *Paths) Names() []string {
	s := append([]string(nil), p.names...)
	sort.Strings(s)
	out := s[:0]
	for i, n := range s {
		if i == 0 || n != s[i-1] {
			out = append(out, n)
		}
	}
	return out
}

// NewValues returns an empty Values sized for these paths.
func (p *Paths) NewValues() *Values { return newValues(len(p.names)) }

// Extract reads event, a JSON document, and fills v (which it resets first)
// with the values found at the paths. Only the parts of the document on
// the way to a path are decoded; the rest is skipped. It returns an error
// when the document is malformed where it was read.
func (p *Paths) Extract(event []byte, v *Values) error {
	if len(v.head) != len(p.names) {
		*v = *newValues(len(p.names))
	}
	v.reset()
	s := scanner{data: event, vals: v}
	s.skipSpace()
	if err := s.value(p.root, 0); err != nil {
		return err
	}
	s.skipSpace()
	if s.pos != len(s.data) {
		return s.errorf("unexpected data after the document")
	}
	return nil
}
