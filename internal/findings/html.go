package findings

import (
	"fmt"
	"html/template"
	"io"
)

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":   func(v float64) string { return fmt.Sprintf("%.1f%%", v) },
	"lower": func(s Status) string { return string(s) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>orgrail audit {{.R.OrgID}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}
th{background:#f0f0f0}
.FAILED{color:#b00020;font-weight:bold}.PASSED{color:#1b7f3b}.ERROR{color:#a05a00}.NOT_APPLICABLE{color:#666}
.muted{opacity:.6}
</style></head><body>
<h1>orgrail audit — organization {{.R.OrgID}}</h1>
<p>Snapshot taken {{.R.SnapshotAt.UTC.Format "2006-01-02 15:04 MST"}}; report generated {{.R.GeneratedAt.UTC.Format "2006-01-02 15:04 MST"}}.
{{.S.Total.Passed}} passed, {{.S.Total.Failed}} failed, {{.S.Total.Muted}} muted, {{.S.Total.NotApplicable}} not applicable, {{.S.Total.Error}} error — compliance {{pct .S.Total.Compliance}}.</p>
<h2>By framework</h2>
<table><tr><th>Framework</th><th>Compliance</th><th>Passed</th><th>Failed</th><th>Muted</th><th>Error</th><th>Controls failing</th></tr>
{{range .S.Frameworks}}<tr><td>{{.Title}}</td><td>{{pct .Compliance}}</td><td>{{.Counts.Passed}}</td><td>{{.Counts.Failed}}</td><td>{{.Counts.Muted}}</td><td>{{.Counts.Error}}</td><td>{{.ControlsFailing}}/{{len .Controls}}</td></tr>
{{end}}</table>
<h2>By OU</h2>
<table><tr><th>OU</th><th>Compliance</th><th>Passed</th><th>Failed</th><th>Muted</th><th>Error</th></tr>
{{range .S.OUs}}<tr><td>{{.Name}}</td><td>{{pct .Compliance}}</td><td>{{.Counts.Passed}}</td><td>{{.Counts.Failed}}</td><td>{{.Counts.Muted}}</td><td>{{.Counts.Error}}</td></tr>
{{end}}</table>
<h2>By account</h2>
<table><tr><th>Account</th><th>Name</th><th>OU</th><th>Compliance</th><th>Passed</th><th>Failed</th><th>Muted</th><th>Error</th></tr>
{{range .S.Accounts}}<tr><td>{{.ID}}</td><td>{{.Name}}</td><td>{{.OU}}</td><td>{{pct .Compliance}}</td><td>{{.Counts.Passed}}</td><td>{{.Counts.Failed}}</td><td>{{.Counts.Muted}}</td><td>{{.Counts.Error}}</td></tr>
{{end}}</table>
<h2>Failures and errors</h2>
<table><tr><th>Status</th><th>Severity</th><th>Rule</th><th>Account</th><th>OU</th><th>Region</th><th>Resource</th><th>Message</th><th>Remediation</th></tr>
{{range .F}}<tr class="{{if .F.Muted}}muted{{end}}"><td class="{{lower .F.Status}}">{{.F.Status}}{{if .F.Muted}} (muted: {{.F.MuteReason}}{{if .F.MuteExpires}}, until {{.F.MuteExpires}}{{end}}){{end}}</td>
<td>{{.F.Severity}}</td><td title="{{.F.Title}}">{{.F.RuleID}}</td><td>{{.F.Account}} {{.F.AccountName}}</td><td>{{.F.OU}}</td><td>{{.F.Region}}</td><td>{{.F.ResourceArn}}</td><td>{{.F.Message}}</td><td>{{.Remediation}}</td></tr>
{{end}}</table>
</body></html>
`))

type htmlRow struct {
	F           *Finding
	Remediation string
}

// RenderHTML writes a self-contained HTML report: the summary by
// framework, OU and account, then every failure and error. All values
// are escaped.
func RenderHTML(w io.Writer, r *Report) error {
	var rows []htmlRow
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Status == Failed || f.Status == Error {
			rows = append(rows, htmlRow{F: f, Remediation: r.Rules[f.RuleID].Remediation})
		}
	}
	return htmlPage.Execute(w, map[string]any{"R": r, "S": Summarize(r.Findings), "F": rows})
}
