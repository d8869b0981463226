// Package web is orgrail's dashboard: `orgrail serve` serves it over a
// snapshot, the landing-zone configuration and the state store, and
// `orgrail report --html` writes the same views as one static file.
//
// Every page is rendered on the server with html/template, so every
// string that comes from a snapshot or from CloudTrail is escaped for
// its context. The assets (stylesheet, the page script and the vendored
// uPlot chart library) are embedded: the dashboard works offline and
// loads nothing from another origin. Every user-facing word goes
// through a Translator.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/orgrail/orgrail/internal/authz/orgsnap"
)

// Options configure a Server.
type Options struct {
	Source Source
	// Token, when set, is required on every request: as a bearer token,
	// in the orgrail_token cookie, or once as ?token= (which sets the
	// cookie). Without a token only loopback Host names are served.
	Token string
	// AuthHeader, when set, names the header an authenticating proxy (an
	// OIDC proxy, an ALB with OIDC) puts the signed-in user in: every
	// request must carry it, and its value is the actor of triage
	// changes. Only safe when the proxy is the only way to the port.
	AuthHeader string
	// T translates the pages' words; nil means English.
	T Translator
	// Lang is the pages' language tag (html lang).
	Lang string
	// Actor names who acknowledges and dismisses triage items.
	Actor string
	Log   *slog.Logger
}

// Server serves the dashboard.
type Server struct {
	opt  Options
	l    *loader
	csrf string
	tmpl map[string]*template.Template

	mu   sync.RWMutex
	data *Data

	simOnce sync.Once
	sim     *orgsnap.Source
	simErr  error
}

// New loads the data and parses the templates.
func New(ctx context.Context, opt Options) (*Server, error) {
	if opt.T == nil {
		opt.T = EnglishT
	}
	if opt.Lang == "" {
		opt.Lang = "en"
	}
	if opt.Actor == "" {
		opt.Actor = "dashboard"
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{opt: opt, l: &loader{src: opt.Source}}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("csrf token: %w", err)
	}
	s.csrf = hex.EncodeToString(b[:])
	t, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.tmpl = t
	d, err := s.l.load(ctx)
	if err != nil {
		return nil, err
	}
	s.data = d
	return s, nil
}

// current returns the loaded data with the store's tables read again,
// so that a triage item acknowledged with `orgrail triage ack` shows.
func (s *Server) current(ctx context.Context) (*Data, error) {
	s.mu.RLock()
	base := *s.data
	s.mu.RUnlock()
	if s.opt.Source.Store != nil {
		if err := s.l.loadStore(ctx, &base); err != nil {
			return nil, err
		}
	}
	return &base, nil
}

// reload audits the snapshot again (after a mute changed the
// configuration's exceptions).
func (s *Server) reload(ctx context.Context) error {
	d, err := s.l.load(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.data = d
	s.mu.Unlock()
	return nil
}

// simulator opens the snapshot for the policy simulator once.
func (s *Server) simulator() (*orgsnap.Source, error) {
	s.simOnce.Do(func() { s.sim, s.simErr = orgsnap.Open(s.opt.Source.SnapshotDir) })
	return s.sim, s.simErr
}

// Handler returns the dashboard's HTTP handler with its security layer.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /{$}", s.page("tree", s.treeView))
	mux.HandleFunc("GET /policies/{id}", s.page("policy", s.policyView))
	mux.HandleFunc("GET /simulate", s.page("simulate", s.simulateView))
	mux.HandleFunc("GET /compliance", s.page("compliance", s.complianceView))
	mux.HandleFunc("GET /accounts/{id}", s.page("account", s.accountView))
	mux.HandleFunc("GET /findings", s.page("findings", s.findingsView))
	mux.HandleFunc("GET /findings/{id}", s.page("finding", s.findingView))
	mux.HandleFunc("GET /mutes", s.page("mutes", s.mutesView))
	mux.HandleFunc("POST /mutes", s.postMute)
	mux.HandleFunc("GET /detections", s.page("detections", s.detectionsView))
	mux.HandleFunc("GET /triage", s.page("triage", s.triageView))
	mux.HandleFunc("POST /triage/{id}/{verb}", s.postTriage)
	mux.HandleFunc("GET /plan", s.page("plan", s.planView))
	return s.secure(mux)
}

// ListenAndServe serves on addr until ctx ends.
func (s *Server) ListenAndServe(ctx context.Context, srv *http.Server) error {
	srv.Handler = s.Handler()
	srv.ReadHeaderTimeout = 10 * time.Second
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
