package findings

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/output"
)

// Framework names accepted by --framework.
const (
	CIS          = "cis"
	FSBP         = "fsbp"
	NistCSF      = "nist-csf"
	ControlTower = "control-tower"
)

// Frameworks lists the framework names, in display order.
var Frameworks = []string{CIS, FSBP, NistCSF, ControlTower}

// FrameworkTitle returns the display name of a framework.
func FrameworkTitle(name string) string {
	switch name {
	case CIS:
		return "CIS AWS Foundations Benchmark v3.0.0"
	case FSBP:
		return "AWS Foundational Security Best Practices (Security Hub)"
	case NistCSF:
		return "NIST Cybersecurity Framework 2.0"
	case ControlTower:
		return "AWS Control Tower detective controls"
	}
	return name
}

// ControlIDs splits a mapping value into its control ids: a rule that
// judges what two controls judge (ES.1 and Opensearch.1, say) names both,
// comma-separated.
func ControlIDs(s string) []string {
	var ids []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// Control returns the control id of mappings m in framework name, or ""
// when the rule is not part of it. For NIST CSF the id is the category.
func (m Mappings) Control(name string) string {
	switch name {
	case CIS:
		return m.CIS
	case FSBP:
		return m.SecurityHub
	case NistCSF:
		return m.NistCsf
	case ControlTower:
		return m.ControlTower
	}
	return ""
}

// ValidFramework reports whether name is a known framework.
func ValidFramework(name string) bool {
	for _, f := range Frameworks {
		if f == name {
			return true
		}
	}
	return false
}

// Summary is compliance by framework, OU and account.
type Summary struct {
	Total      Counts             `json:"total"`
	Frameworks []FrameworkSummary `json:"frameworks"`
	OUs        []GroupSummary     `json:"ous"`
	Accounts   []GroupSummary     `json:"accounts"`
}

// FrameworkSummary is one framework's compliance and its controls.
type FrameworkSummary struct {
	Name       string           `json:"name"`
	Title      string           `json:"title"`
	Counts     Counts           `json:"counts"`
	Compliance float64          `json:"compliance"`
	Controls   []ControlSummary `json:"controls"`
	// ControlsFailing counts controls with at least one open failure.
	ControlsFailing int `json:"controlsFailing"`
}

// ControlSummary is one control of a framework.
type ControlSummary struct {
	ID     string `json:"id"`
	Counts Counts `json:"counts"`
}

// GroupSummary is one OU's or one account's compliance.
type GroupSummary struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	OU         string  `json:"ou,omitempty"`
	Counts     Counts  `json:"counts"`
	Compliance float64 `json:"compliance"`
}

// Summarize computes the summary of a set of findings.
func Summarize(fs []Finding) *Summary {
	s := &Summary{}
	fw := map[string]map[string]*Counts{}
	fwTotal := map[string]*Counts{}
	ous := map[string]*GroupSummary{}
	accts := map[string]*GroupSummary{}
	for i := range fs {
		f := &fs[i]
		s.Total.Add(f)
		for _, name := range Frameworks {
			c := f.Mappings.Control(name)
			if c == "" {
				continue
			}
			if fw[name] == nil {
				fw[name] = map[string]*Counts{}
				fwTotal[name] = &Counts{}
			}
			for _, id := range ControlIDs(c) {
				if fw[name][id] == nil {
					fw[name][id] = &Counts{}
				}
				fw[name][id].Add(f)
			}
			fwTotal[name].Add(f)
		}
		ou := f.OU
		if ou == "" {
			ou = "(root)"
		}
		if ous[ou] == nil {
			ous[ou] = &GroupSummary{ID: ou, Name: ou}
		}
		ous[ou].Counts.Add(f)
		if f.Account != "" {
			if accts[f.Account] == nil {
				accts[f.Account] = &GroupSummary{ID: f.Account, Name: f.AccountName, OU: f.OU}
			}
			accts[f.Account].Counts.Add(f)
		}
	}
	for _, name := range Frameworks {
		if fwTotal[name] == nil {
			continue
		}
		fsum := FrameworkSummary{Name: name, Title: FrameworkTitle(name), Counts: *fwTotal[name]}
		fsum.Compliance = fsum.Counts.Compliance()
		for id, c := range fw[name] {
			fsum.Controls = append(fsum.Controls, ControlSummary{ID: id, Counts: *c})
			if c.Failed > 0 {
				fsum.ControlsFailing++
			}
		}
		sort.Slice(fsum.Controls, func(i, j int) bool { return controlLess(fsum.Controls[i].ID, fsum.Controls[j].ID) })
		s.Frameworks = append(s.Frameworks, fsum)
	}
	s.OUs = groups(ous)
	s.Accounts = groups(accts)
	return s
}

func groups(m map[string]*GroupSummary) []GroupSummary {
	out := make([]GroupSummary, 0, len(m))
	for _, g := range m {
		g.Compliance = g.Counts.Compliance()
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// controlLess orders control ids naturally: 1.2 before 1.10, EC2.2
// before EC2.10.
func controlLess(a, b string) bool {
	as, bs := splitID(a), splitID(b)
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		var x, y int
		_, ex := fmt.Sscanf(as[i], "%d", &x)
		_, ey := fmt.Sscanf(bs[i], "%d", &y)
		if ex == nil && ey == nil && x != y {
			return x < y
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}

func splitID(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' })
}

// WriteSummary renders the summary as tables for a terminal: frameworks,
// then OUs, then the least compliant accounts (at most maxAccounts; 0
// means all).
func WriteSummary(w io.Writer, s *Summary, maxAccounts int) error {
	return WriteSummaryLang(w, s, maxAccounts, i18n.En)
}

// WriteSummaryLang is WriteSummary in language l.
func WriteSummaryLang(w io.Writer, s *Summary, maxAccounts int, l i18n.Lang) error {
	fmt.Fprintln(w, i18n.T(l, "summary.findings",
		s.Total.Passed, s.Total.Failed, s.Total.Muted, s.Total.NotApplicable, s.Total.Error, s.Total.Compliance()))
	fmt.Fprintln(w)
	t := output.NewTable(w, i18n.Headers(l, "FRAMEWORK", "COMPLIANCE", "PASSED", "FAILED", "MUTED", "ERROR", "CONTROLS FAILING")...)
	for _, f := range s.Frameworks {
		t.Row(f.Title, pct(f.Compliance), itoa(f.Counts.Passed), itoa(f.Counts.Failed), itoa(f.Counts.Muted),
			itoa(f.Counts.Error), fmt.Sprintf("%d/%d", f.ControlsFailing, len(f.Controls)))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	t = output.NewTable(w, i18n.Headers(l, "OU", "COMPLIANCE", "PASSED", "FAILED", "MUTED", "ERROR")...)
	for _, g := range s.OUs {
		t.Row(g.Name, pct(g.Compliance), itoa(g.Counts.Passed), itoa(g.Counts.Failed), itoa(g.Counts.Muted), itoa(g.Counts.Error))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	accts := append([]GroupSummary(nil), s.Accounts...)
	sort.SliceStable(accts, func(i, j int) bool { return accts[i].Compliance < accts[j].Compliance })
	if maxAccounts > 0 && len(accts) > maxAccounts {
		accts = accts[:maxAccounts]
		fmt.Fprintln(w, i18n.T(l, "summary.least_compliant", maxAccounts, len(s.Accounts)))
	}
	t = output.NewTable(w, i18n.Headers(l, "ACCOUNT", "NAME", "OU", "COMPLIANCE", "PASSED", "FAILED", "MUTED", "ERROR")...)
	for _, g := range accts {
		t.Row(g.ID, g.Name, g.OU, pct(g.Compliance), itoa(g.Counts.Passed), itoa(g.Counts.Failed), itoa(g.Counts.Muted), itoa(g.Counts.Error))
	}
	return t.Flush()
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", v) }
func itoa(n int) string    { return fmt.Sprint(n) }
