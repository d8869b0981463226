package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/notify"
)

// Page is what every template receives: the words, the links, the data
// and the view of one page.
type Page struct {
	T      Translator
	Lang   string
	Static bool // the static report: anchors instead of routes, no forms
	CSRF   string
	Active string
	Data   *Data
	V      any
	Flash  string
	Error  string
}

// M returns the text of a message key.
func (p *Page) M(key string) string { return p.T(key) }

// Href links to a view: a route when serving, an anchor in the report.
func (p *Page) Href(kind, id string) string {
	if p.Static {
		switch kind {
		case "policy", "account":
			return "#" + kind + "-" + id
		case "finding":
			return "#findings"
		case "simulate":
			return "#tree"
		}
		return "#" + kind
	}
	esc := url.PathEscape(id)
	switch kind {
	case "tree":
		return "/"
	case "policy":
		return "/policies/" + esc
	case "account":
		return "/accounts/" + esc
	case "finding":
		return "/findings/" + esc
	}
	return "/" + kind
}

// NodeCtx pairs a tree node with the page for the recursive template.
type NodeCtx struct {
	P *Page
	N *demo.Node
}

// Node wraps a tree node for the "node" template.
func (p *Page) Node(n *demo.Node) NodeCtx { return NodeCtx{P: p, N: n} }

// errNotFound makes a view answer 404.
var errNotFound = errors.New("not found")

// badRequest makes a view answer 400 with a message for the page.
type badRequest struct{ msg string }

func (b badRequest) Error() string { return b.msg }

type viewFunc func(r *http.Request, d *Data, p *Page) (any, error)

// page serves one view through its template.
func (s *Server) page(name string, view viewFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, err := s.current(r.Context())
		if err != nil {
			s.fail(w, err)
			return
		}
		p := s.newPage(name, d)
		v, err := view(r, d, p)
		status := http.StatusOK
		var br badRequest
		switch {
		case errors.Is(err, errNotFound):
			http.Error(w, s.opt.T("err.notFound"), http.StatusNotFound)
			return
		case errors.As(err, &br):
			p.Error, status = br.msg, http.StatusBadRequest
		case err != nil:
			s.fail(w, err)
			return
		}
		p.V = v
		s.render(w, name, p, status)
	}
}

func (s *Server) newPage(name string, d *Data) *Page {
	return &Page{T: s.opt.T, Lang: s.opt.Lang, CSRF: s.csrf, Active: name, Data: d}
}

func (s *Server) render(w http.ResponseWriter, name string, p *Page, status int) {
	var buf bytes.Buffer
	if err := s.tmpl[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	s.opt.Log.Error("dashboard", "err", err)
	http.Error(w, "internal error: "+err.Error(), http.StatusInternalServerError)
}

// ctxOf is a shorthand for a request's context.
func ctxOf(r *http.Request) context.Context { return r.Context() }

// SimCtx pairs the simulator form with the page.
type SimCtx struct {
	P *Page
	F *SimForm
}

// Sim wraps a simulator form for the "simform" template.
func (p *Page) Sim(f *SimForm) SimCtx {
	if f == nil {
		f = &SimForm{Resource: "*"}
	}
	return SimCtx{P: p, F: f}
}

// RowsCtx pairs findings with the page.
type RowsCtx struct {
	P *Page
	F []findings.Finding
}

// Rows wraps findings for the "findingrows" template.
func (p *Page) Rows(fs []findings.Finding) RowsCtx { return RowsCtx{P: p, F: fs} }

// DetsCtx pairs detections with the page.
type DetsCtx struct {
	P *Page
	D []*notify.TriageItem
}

// Dets wraps detections for the "detrows" template.
func (p *Page) Dets(d []*notify.TriageItem) DetsCtx { return DetsCtx{P: p, D: d} }

// Sub returns a copy of the page showing view v (the report renders
// every view in one page).
func (p *Page) Sub(active string, v any) *Page {
	q := *p
	q.Active, q.V = active, v
	return &q
}
