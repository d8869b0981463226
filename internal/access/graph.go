package access

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// link is the edges between two accounts by one kind of access, for
// drawing.
type link struct {
	from, to, via string
	names         []string
}

// links groups the edges by source, target and kind, naming the roles
// and resources they reach.
func (g *Graph) links() []link {
	m := map[string]*link{}
	var keys []string
	for _, e := range g.Edges {
		k := e.From + "|" + e.To + "|" + e.Via
		l := m[k]
		if l == nil {
			l = &link{from: e.From, to: e.To, via: e.Via}
			m[k] = l
			keys = append(keys, k)
		}
		n := e.ResourceArn[strings.LastIndexAny(e.ResourceArn, ":/")+1:]
		if !contains(l.names, n) {
			l.names = append(l.names, n)
		}
	}
	sort.Strings(keys)
	out := make([]link, 0, len(keys))
	for _, k := range keys {
		sort.Strings(m[k].names)
		out = append(out, *m[k])
	}
	return out
}

func (l link) label() string {
	prefix := "assume "
	if l.via == ViaResourcePolicy {
		prefix = "policy "
	}
	names := l.names
	if len(names) > 3 {
		names = append(append([]string(nil), names[:3]...), fmt.Sprintf("+%d", len(l.names)-3))
	}
	return prefix + strings.Join(names, ", ")
}

// used returns the accounts that have an edge.
func (g *Graph) used() map[string]bool {
	u := map[string]bool{}
	for _, e := range g.Edges {
		u[e.From], u[e.To] = true, true
	}
	return u
}

// WriteDot writes the graph in Graphviz dot: one node per account with
// an edge, one edge per source, target and kind of access.
func (g *Graph) WriteDot(w io.Writer) error {
	var b strings.Builder
	b.WriteString("digraph access {\n  rankdir=LR;\n  node [shape=box];\n")
	u := g.used()
	for _, n := range g.Nodes {
		if u[n.Account] {
			fmt.Fprintf(&b, "  %q [label=%q];\n", n.Account, n.Name+"\n"+n.Account+"\n"+n.OU)
		}
	}
	for _, l := range g.links() {
		style := "solid"
		if l.via == ViaResourcePolicy {
			style = "dashed"
		}
		fmt.Fprintf(&b, "  %q -> %q [label=%q, style=%s];\n", l.from, l.to, l.label(), style)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMermaid writes the graph as a Mermaid flowchart.
func (g *Graph) WriteMermaid(w io.Writer) error {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	u := g.used()
	for _, n := range g.Nodes {
		if u[n.Account] {
			fmt.Fprintf(&b, "  a%s[\"%s<br/>%s<br/>%s\"]\n", n.Account, mermaidText(n.Name), n.Account, mermaidText(n.OU))
		}
	}
	for _, l := range g.links() {
		arrow := "-->"
		if l.via == ViaResourcePolicy {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  a%s %s|\"%s\"| a%s\n", l.from, arrow, mermaidText(l.label()), l.to)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText escapes the characters that end a Mermaid label.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "|", "#124;", "<", "#lt;", ">", "#gt;").Replace(s)
}
