package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/rules"
)

func (l *loader) compliance(ctx context.Context, d *Data, t Translator) (*ComplianceView, error) {
	tr, err := l.trend(ctx, d, t)
	if err != nil {
		return nil, err
	}
	return &ComplianceView{Heat: BuildHeatmap(d.Report.Findings), Trend: tr, Summary: findings.Summarize(d.Report.Findings)}, nil
}

// MutesView lists the configuration's exceptions.
type MutesView struct {
	Exceptions []MuteRow
	HasConfig  bool
}

// MuteRow is one exception as the page shows it.
type MuteRow struct {
	rules.Exception
	Expired bool
}

func (s *Server) mutesView(_ *http.Request, d *Data, _ *Page) (any, error) {
	return buildMutes(d, s.opt.Source), nil
}

func buildMutes(d *Data, src Source) *MutesView {
	v := &MutesView{HasConfig: src.ConfigDir != ""}
	for _, e := range d.Exceptions {
		v.Exceptions = append(v.Exceptions, MuteRow{Exception: e, Expired: e.Expired(d.LoadedAt)})
	}
	return v
}

// postMute writes an exception for a finding into the configuration.
func (s *Server) postMute(w http.ResponseWriter, r *http.Request) {
	d, err := s.current(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	id := r.PostFormValue("finding")
	var f *findings.Finding
	for i := range d.Report.Findings {
		if d.Report.Findings[i].ID == id {
			f = &d.Report.Findings[i]
		}
	}
	if f == nil {
		http.Error(w, s.opt.T("err.notFound"), http.StatusNotFound)
		return
	}
	m := Mute{Rule: f.RuleID, Account: f.Account, Region: f.Region, Resource: f.ResourceArn,
		Reason: strings.TrimSpace(r.PostFormValue("reason")), Expires: strings.TrimSpace(r.PostFormValue("expires"))}
	if r.PostFormValue("scope") == "account" {
		m.Region, m.Resource = "", ""
	}
	if _, err := WriteMute(s.opt.Source.ConfigDir, m, s.opt.Source.now()); err != nil {
		p := s.newPage("finding", d)
		p.Error = err.Error()
		p.V = &FindingView{Finding: f, Rule: d.Report.Rules[f.RuleID], Today: d.LoadedAt.Format("2006-01-02")}
		s.render(w, "finding", p, http.StatusBadRequest)
		return
	}
	if err := s.reload(r.Context()); err != nil {
		s.fail(w, err)
		return
	}
	s.opt.Log.Info("finding muted", "finding", id, "rule", m.Rule, "account", m.Account, "expires", m.Expires)
	http.Redirect(w, r, "/findings/"+url.PathEscape(id)+"?muted=1", http.StatusSeeOther)
}

// DetectionsView is the timeline of stored detections.
type DetectionsView struct {
	PerDay *Series
	Items  []*notify.TriageItem
}

func (s *Server) detectionsView(_ *http.Request, d *Data, p *Page) (any, error) {
	return &DetectionsView{PerDay: detectionsPerDay(d, p.T), Items: d.Triage}, nil
}

// TriageView is the open queue and the resolved items.
type TriageView struct {
	Open, Resolved []*notify.TriageItem
}

func (s *Server) triageView(r *http.Request, d *Data, p *Page) (any, error) {
	if id := r.URL.Query().Get("done"); id != "" {
		p.Flash = p.T("triage.resolved") + ": " + id
	}
	return buildTriage(d), nil
}

func buildTriage(d *Data) *TriageView {
	v := &TriageView{}
	for _, it := range d.Triage {
		if it.Status == notify.TriageOpen {
			v.Open = append(v.Open, it)
		} else {
			v.Resolved = append(v.Resolved, it)
		}
	}
	return v
}

// postTriage acknowledges or dismisses a triage item, as `orgrail triage
// ack|dismiss` does.
func (s *Server) postTriage(w http.ResponseWriter, r *http.Request) {
	if s.opt.Source.Store == nil {
		http.Error(w, "no state store", http.StatusConflict)
		return
	}
	id := r.PathValue("id")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	var status string
	switch r.PathValue("verb") {
	case "ack":
		status = notify.TriageAcknowledged
	case "dismiss":
		status = notify.TriageDismissed
		if reason == "" {
			http.Error(w, "dismiss needs a reason", http.StatusBadRequest)
			return
		}
	default:
		http.Error(w, s.opt.T("err.notFound"), http.StatusNotFound)
		return
	}
	err := notify.NewSQLiteState(s.opt.Source.Store.DB()).Resolve(r.Context(), id, status, reason, s.actor(r), s.opt.Source.now())
	switch {
	case errors.Is(err, notify.ErrNotFound):
		http.Error(w, s.opt.T("err.notFound"), http.StatusNotFound)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	s.opt.Log.Info("triage item resolved", "id", id, "status", status, "by", s.actor(r))
	http.Redirect(w, r, "/triage?done="+url.QueryEscape(id), http.StatusSeeOther)
}

func (s *Server) planView(_ *http.Request, d *Data, _ *Page) (any, error) { return d.Plan, nil }
