package findings

import (
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/orgrail/orgrail/internal/i18n"
)

// htmlPage is the report; every label goes through the language's
// catalog (t: a message, h: a table header, st and sev: a status and a
// severity), every value through html/template's escaping.
var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":   func(v float64) string { return fmt.Sprintf("%.1f%%", v) },
	"lower": func(s Status) string { return string(s) },
	"t":     func(l i18n.Lang, key string, args ...any) string { return i18n.T(l, key, args...) },
	"h":     func(l i18n.Lang, key string) string { return i18n.Headers(l, key)[0] },
	"st":    statusText,
	"sev":   func(l i18n.Lang, s any) string { return severityText(l, fmt.Sprint(s)) },
	"when":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") },
}).Parse(`<!DOCTYPE html>
<html lang="{{.L}}"><head><meta charset="utf-8">
<title>{{t .L "html.title" .R.OrgID}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}
th{background:#f0f0f0}
.FAILED{color:#b00020;font-weight:bold}.PASSED{color:#1b7f3b}.ERROR{color:#a05a00}.NOT_APPLICABLE{color:#666}
.muted{opacity:.6}
</style></head><body>
<h1>{{t .L "html.title" .R.OrgID}}</h1>
<p>{{t .L "html.generated" (when .R.SnapshotAt) (when .R.GeneratedAt)}}
{{t .L "summary.findings" .S.Total.Passed .S.Total.Failed .S.Total.Muted .S.Total.NotApplicable .S.Total.Error .S.Total.Compliance}}</p>
<h2>{{t .L "html.by_framework"}}</h2>
<table><tr><th>{{h .L "FRAMEWORK"}}</th><th>{{h .L "COMPLIANCE"}}</th><th>{{h .L "PASSED"}}</th><th>{{h .L "FAILED"}}</th><th>{{h .L "MUTED"}}</th><th>{{h .L "ERROR"}}</th><th>{{h .L "CONTROLS_FAILING"}}</th></tr>
{{range .S.Frameworks}}<tr><td>{{.Title}}</td><td>{{pct .Compliance}}</td><td>{{.Counts.Passed}}</td><td>{{.Counts.Failed}}</td><td>{{.Counts.Muted}}</td><td>{{.Counts.Error}}</td><td>{{.ControlsFailing}}/{{len .Controls}}</td></tr>
{{end}}</table>
<h2>{{t .L "html.by_ou"}}</h2>
<table><tr><th>{{h .L "OU"}}</th><th>{{h .L "COMPLIANCE"}}</th><th>{{h .L "PASSED"}}</th><th>{{h .L "FAILED"}}</th><th>{{h .L "MUTED"}}</th><th>{{h .L "ERROR"}}</th></tr>
{{range .S.OUs}}<tr><td>{{.Name}}</td><td>{{pct .Compliance}}</td><td>{{.Counts.Passed}}</td><td>{{.Counts.Failed}}</td><td>{{.Counts.Muted}}</td><td>{{.Counts.Error}}</td></tr>
{{end}}</table>
<h2>{{t .L "html.by_account"}}</h2>
<table><tr><th>{{h .L "ACCOUNT"}}</th><th>{{h .L "NAME"}}</th><th>{{h .L "OU"}}</th><th>{{h .L "COMPLIANCE"}}</th><th>{{h .L "PASSED"}}</th><th>{{h .L "FAILED"}}</th><th>{{h .L "MUTED"}}</th><th>{{h .L "ERROR"}}</th></tr>
{{range .S.Accounts}}<tr><td>{{.ID}}</td><td>{{.Name}}</td><td>{{.OU}}</td><td>{{pct .Compliance}}</td><td>{{.Counts.Passed}}</td><td>{{.Counts.Failed}}</td><td>{{.Counts.Muted}}</td><td>{{.Counts.Error}}</td></tr>
{{end}}</table>
<h2>{{t .L "html.failures"}}</h2>
<table><tr><th>{{h .L "STATUS"}}</th><th>{{h .L "SEVERITY"}}</th><th>{{h .L "RULE"}}</th><th>{{h .L "ACCOUNT"}}</th><th>{{h .L "OU"}}</th><th>{{h .L "REGION"}}</th><th>{{h .L "RESOURCE"}}</th><th>{{h .L "MESSAGE"}}</th><th>{{h .L "REMEDIATION"}}</th></tr>
{{range .F}}<tr class="{{if .F.Muted}}muted{{end}}"><td class="{{lower .F.Status}}">{{st $.L .F.Status}}{{if .F.Muted}} ({{t $.L "html.muted" .F.MuteReason}}{{if .F.MuteExpires}}, {{t $.L "html.until" .F.MuteExpires}}{{end}}){{end}}</td>
<td>{{sev $.L .F.Severity}}</td><td title="{{.F.Title}}">{{.F.RuleID}}</td><td>{{.F.Account}} {{.F.AccountName}}</td><td>{{.F.OU}}</td><td>{{.F.Region}}</td><td>{{.F.ResourceArn}}</td><td>{{.F.Message}}</td><td>{{.Remediation}}</td></tr>
{{end}}</table>
</body></html>
`))

type htmlRow struct {
	F           *Finding
	Remediation string
}

// RenderHTML writes a self-contained HTML report in English: the
// summary by framework, OU and account, then every failure and error.
// All values are escaped.
func RenderHTML(w io.Writer, r *Report) error { return RenderHTMLLang(w, r, i18n.En) }

// RenderHTMLLang is RenderHTML with its labels in language l (rule texts
// come localized in r: rules.LocalizeReport).
func RenderHTMLLang(w io.Writer, r *Report, l i18n.Lang) error {
	if l == "" {
		l = i18n.En
	}
	var rows []htmlRow
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Status == Failed || f.Status == Error {
			rows = append(rows, htmlRow{F: f, Remediation: r.Rules[f.RuleID].Remediation})
		}
	}
	return htmlPage.Execute(w, map[string]any{"L": l, "R": r, "S": Summarize(r.Findings), "F": rows})
}
