package rules

import (
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/i18n"
)

// Text returns the rule's title, rationale and remediation in language
// l: the translation of the message catalog (keys rule.ID.title,
// rule.ID.rationale, rule.ID.remediation) where it has one, the English
// of the rule otherwise (custom rules are written in one language).
func (r *Rule) Text(l i18n.Lang) (title, rationale, remediation string) {
	k := "rule." + r.ID + "."
	return i18n.Text(l, k+"title", r.Title), i18n.Text(l, k+"rationale", r.Rationale), i18n.Text(l, k+"remediation", r.Remediation)
}

// ListingIn returns the rule's listing with its text in language l.
func (r *Rule) ListingIn(l i18n.Lang) Listing {
	li := r.Listing()
	li.Title, li.Rationale, li.Remediation = r.Text(l)
	return li
}

// LocalizeInfo returns info with its text in language l.
func LocalizeInfo(info findings.RuleInfo, l i18n.Lang) findings.RuleInfo {
	k := "rule." + info.ID + "."
	info.Title = i18n.Text(l, k+"title", info.Title)
	info.Rationale = i18n.Text(l, k+"rationale", info.Rationale)
	info.Remediation = i18n.Text(l, k+"remediation", info.Remediation)
	return info
}

// LocalizeReport returns a copy of rep whose rule texts and finding
// titles are in language l, for rendering; rep itself (what the state
// store keeps) is left in English. Messages of findings stay as the
// checks wrote them.
func LocalizeReport(rep *findings.Report, l i18n.Lang) *findings.Report {
	if rep == nil || l == i18n.En {
		return rep
	}
	out := *rep
	out.Rules = make(map[string]findings.RuleInfo, len(rep.Rules))
	for id, info := range rep.Rules {
		out.Rules[id] = LocalizeInfo(info, l)
	}
	out.Findings = append([]findings.Finding(nil), rep.Findings...)
	for i := range out.Findings {
		f := &out.Findings[i]
		f.Title = i18n.Text(l, "rule."+f.RuleID+".title", f.Title)
	}
	return &out
}
