package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"sort"

	"github.com/orgrail/orgrail/internal/findings"
)

// ReportView is the static report: every view of the dashboard in one
// page, with the stylesheet and scripts inlined.
type ReportView struct {
	Tree       *TreeView
	Compliance *ComplianceView
	Findings   *FindingsView
	Detections *DetectionsView
	Triage     *TriageView
	Mutes      *MutesView
	Plan       *LatestPlan
	Accounts   []*AccountView
	Policies   []*PolicyView

	CSS   template.CSS
	UPlot template.JS
	App   template.JS
}

// ReportOptions configure WriteReport.
type ReportOptions struct {
	T    Translator
	Lang string
}

// WriteReport writes the dashboard's views as one self-contained HTML
// file: no request leaves the file when it is opened.
func WriteReport(ctx context.Context, w io.Writer, src Source, opt ReportOptions) error {
	if opt.T == nil {
		opt.T = EnglishT
	}
	if opt.Lang == "" {
		opt.Lang = "en"
	}
	l := &loader{src: src}
	d, err := l.load(ctx)
	if err != nil {
		return err
	}
	v, err := buildReport(ctx, l, d, src, opt.T)
	if err != nil {
		return err
	}
	t, err := parsePages()
	if err != nil {
		return err
	}
	p := &Page{T: opt.T, Lang: opt.Lang, Static: true, Active: "report", Data: d, V: v}
	var buf bytes.Buffer
	if err := t["report"].ExecuteTemplate(&buf, "report", p); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func buildReport(ctx context.Context, l *loader, d *Data, src Source, t Translator) (*ReportView, error) {
	comp, err := l.compliance(ctx, d, t)
	if err != nil {
		return nil, err
	}
	fv, err := filterFindings(d, FindingFilter{Status: string(findings.Failed)}, 0)
	if err != nil {
		return nil, err
	}
	v := &ReportView{Tree: buildTree(d), Compliance: comp, Findings: fv,
		Detections: &DetectionsView{PerDay: detectionsPerDay(d, t), Items: d.Triage},
		Triage:     buildTriage(d), Mutes: buildMutes(d, src), Plan: d.Plan}
	ids := d.Org.AccountIDs()
	sort.Strings(ids)
	for _, id := range ids {
		a, err := buildAccount(d, id)
		if err != nil {
			return nil, err
		}
		v.Accounts = append(v.Accounts, a)
	}
	for _, p := range d.Org.Policies {
		pv, err := buildPolicy(d, p.Id)
		if err != nil {
			return nil, err
		}
		v.Policies = append(v.Policies, pv)
	}
	sort.Slice(v.Policies, func(i, j int) bool { return v.Policies[i].Policy.Name < v.Policies[j].Policy.Name })
	for _, name := range []string{"uplot/uPlot.min.css", "style.css"} {
		s, err := asset(name)
		if err != nil {
			return nil, err
		}
		v.CSS += template.CSS(s + "\n")
	}
	up, err := asset("uplot/uPlot.iife.min.js")
	if err != nil {
		return nil, err
	}
	app, err := asset("app.js")
	if err != nil {
		return nil, err
	}
	v.UPlot, v.App = template.JS(up), template.JS(app)
	return v, nil
}
