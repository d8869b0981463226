package plan

import (
	"fmt"

	"github.com/orgrail/orgrail/internal/i18n"
	"io"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/baseline"
)

// Render writes the plan for people, as Terraform does: one block per
// change marked + (add), ~ (change in place), - (remove) or ± (move),
// the text diff of policy documents, the guardrail expectations that
// change, and a summary line.
func Render(w io.Writer, p *Plan, color bool) error {
	return RenderLang(w, p, color, i18n.En)
}

// RenderLang is Render with the plan's sentences in language l; the
// changes themselves (addresses, attributes, policy text) are as AWS and
// the configuration spell them.
func RenderLang(w io.Writer, p *Plan, color bool, l i18n.Lang) error {
	r := &renderer{w: w, color: color, lang: l}
	if p.Empty() {
		r.text("plan.no_changes", p.OrgID)
		return r.err
	}
	r.text("plan.header", p.OrgID)
	r.line("")
	for i := range p.Changes {
		r.change(&p.Changes[i])
	}
	r.expectations(p)
	s := p.Summary()
	r.text("plan.summary", s.Add, s.Change, s.Remove)
	return r.err
}

type renderer struct {
	w     io.Writer
	color bool
	lang  i18n.Lang
	err   error
}

// text writes the catalog message key in the renderer's language.
func (r *renderer) text(key string, a ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintln(r.w, i18n.T(r.lang, key, a...))
	}
}

func (r *renderer) line(format string, a ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.w, format+"\n", a...)
	}
}

// paint colours a marker when colour is on.
func (r *renderer) paint(sym string) string {
	if !r.color {
		return sym
	}
	code := map[string]string{"+": "32", "-": "31", "~": "33", "±": "36"}[sym]
	return "\x1b[" + code + "m" + sym + "\x1b[0m"
}

func (r *renderer) change(c *Change) {
	r.line("  %s %s %s", r.paint(c.Action.Symbol()), c.Action, c.Address)
	switch {
	case c.Kind == KindPolicy && c.Action == Create:
		if c.After.Description != "" {
			r.line("      description: %q", c.After.Description)
		}
		r.indent(UnifiedDiff("", Pretty(c.After.Content), "/dev/null", c.Ref.Policy, 3))
	case c.Kind == KindPolicy && c.Action == Update:
		if c.Before.Description != c.After.Description {
			r.line("      description: %q → %q", c.Before.Description, c.After.Description)
		}
		r.indent(UnifiedDiff(Pretty(c.Before.Content), Pretty(c.After.Content), c.Ref.Policy+" (current)", c.Ref.Policy+" (configured)", 3))
	case c.Kind == KindBaseline && c.Baseline != nil:
		r.baselineDetail(c.Baseline)
	case c.Kind == KindCatalog && c.Catalog != nil:
		r.catalogDetail(c.Catalog)
	case c.Kind == KindPolicy && c.Action == Delete:
		r.indent(UnifiedDiff(Pretty(c.Before.Content), "", c.Ref.Policy, "/dev/null", 3))
	case c.Action == Rename:
		r.line("      name: %q → %q", c.Before.Name, c.After.Name)
	case c.Kind == KindContact:
		r.contact(c)
	case c.Kind == KindPSInline && c.After != nil:
		r.indent(UnifiedDiff(Pretty(c.Before.Content), Pretty(c.After.Content), "inline policy (current)", "inline policy (configured)", 3))
	case c.Kind == KindPSBoundary:
		r.line("      boundary: %s → %s", orDefault(attr(c.Before).Content, "none"), orDefault(attr(c.After).Content, "none"))
	case c.Kind == KindPermissionSet && c.Action == Update:
		for _, f := range [][3]string{{"description", c.Before.Description, c.After.Description},
			{"sessionDuration", c.Before.SessionDuration, c.After.SessionDuration}, {"relayState", c.Before.RelayState, c.After.RelayState}} {
			if f[1] != f[2] {
				r.line("      %s: %q → %q", f[0], f[1], f[2])
			}
		}
	case c.Kind == KindPermissionSet && c.Action == Create:
		r.line("      sessionDuration: %s", c.After.SessionDuration)
		if c.After.Description != "" {
			r.line("      description: %q", c.After.Description)
		}
		if c.After.RelayState != "" {
			r.line("      relayState: %s", c.After.RelayState)
		}
		if len(c.After.Tags) > 0 {
			r.tags(nil, c.After.Tags)
		}
	case c.Action == Move:
		r.line("      ou: %s → %s", c.Before.Parent, c.After.Parent)
	case c.Action == Tag:
		r.tags(c.Before.Tags, c.After.Tags)
	case c.Action == Create && c.After != nil:
		if c.After.Email != "" {
			r.line("      email: %s", c.After.Email)
		}
		if c.After.Parent != "" {
			r.line("      parent: %s", c.After.Parent)
		}
		if len(c.After.Tags) > 0 {
			r.tags(nil, c.After.Tags)
		}
	}
	for _, d := range c.Lint {
		r.line("      lint: %s %s: %s", d.Severity, d.Code, d.Message)
	}
	if len(c.Expectations) > 0 {
		r.line("      changes expectations: %s", strings.Join(c.Expectations, "; "))
	}
	r.line("")
}

func (r *renderer) indent(text string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if l != "" {
			r.line("      %s", l)
		}
	}
}

// contact shows an alternate contact's fields that change.
func (r *renderer) contact(c *Change) {
	var b Contact
	if c.Before != nil && c.Before.Contact != nil {
		b = *c.Before.Contact
	}
	a := c.After.Contact
	for _, f := range [][3]string{{"name", b.Name, a.Name}, {"title", b.Title, a.Title}, {"email", b.Email, a.Email}, {"phone", b.Phone, a.Phone}} {
		switch {
		case f[1] == "":
			r.line("      %s: %q", f[0], f[2])
		case f[1] != f[2]:
			r.line("      %s: %q → %q", f[0], f[1], f[2])
		}
	}
}

// tags shows tag changes key by key.
func (r *renderer) tags(before, after map[string]string) {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		b, inB := before[k]
		a, inA := after[k]
		switch {
		case !inB:
			r.line("      %s tag %s = %q", r.paint("+"), k, a)
		case !inA:
			r.line("      %s tag %s = %q", r.paint("-"), k, b)
		case a != b:
			r.line("      %s tag %s = %q → %q", r.paint("~"), k, b, a)
		}
	}
}

func (r *renderer) expectations(p *Plan) {
	var changed []Expectation
	for _, e := range p.Expectations {
		if e.Changed() || !e.Met() {
			changed = append(changed, e)
		}
	}
	if len(changed) == 0 {
		if len(p.Expectations) > 0 {
			r.text("plan.expectations_kept", len(p.Expectations))
			r.line("")
		}
		return
	}
	r.text("plan.expectations")
	for _, e := range changed {
		mark := "ok"
		if !e.Met() {
			mark = "BROKEN"
		}
		r.line("  %s %s: %s → %s (must be %s)", mark, e.Name, e.Before, e.After, e.Expect)
	}
	r.line("")
}

// baselineDetail shows where a baseline step acts.
func (r *renderer) baselineDetail(st *baseline.Step) {
	if ss := st.StackSet; ss != nil {
		targets := ss.OUs
		if len(ss.Accounts) > 0 {
			targets = ss.Accounts
		}
		r.line("      targets: %s", strings.Join(targets, ", "))
		r.line("      regions: %s", strings.Join(ss.Regions, ", "))
		if ss.AutoDeploy {
			r.line("      auto-deployment: on (new accounts of the targets get it)")
		}
		return
	}
	if len(st.Regions) > 0 {
		r.line("      regions: %s", strings.Join(st.Regions, ", "))
	}
}

// attr returns a, or empty attributes when a is nil.
func attr(a *Attrs) *Attrs {
	if a == nil {
		return &Attrs{}
	}
	return a
}
