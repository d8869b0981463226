package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/store"
	"github.com/orgrail/orgrail/internal/web"
)

func init() {
	register(newServeCmd)
	register(newReportCmd)
}

// dashFlags are the inputs shared by serve and report --html.
type dashFlags struct {
	snapshot string
	demo     bool
}

func (f *dashFlags) bind(c *cobra.Command) {
	c.Flags().StringVar(&f.snapshot, "snapshot", "", "snapshot directory (or its parent)")
	c.Flags().BoolVar(&f.demo, "demo", false, "show the demo organization shipped inside the binary (a temporary state store, or the one --state names, is seeded with its audit, four synthesized earlier weekly runs and its detections)")
}

// source resolves the snapshot, the configuration and the store. The
// returned cleanup closes the store and removes a demo directory.
func (f *dashFlags) source(cmd *cobra.Command, g *Globals) (web.Source, func(), error) {
	src := web.Source{Lang: dashLang(g)}
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	fail := func(err error) (web.Source, func(), error) {
		cleanup()
		return web.Source{}, func() {}, err
	}
	statePath := g.StatePath
	switch {
	case f.demo && f.snapshot != "":
		return fail(Usage("--demo and --snapshot are exclusive"))
	case f.demo:
		dir, err := os.MkdirTemp("", "orgrail-dashboard-demo-")
		if err != nil {
			return fail(err)
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		if _, err := demo.WriteEmbedded(dir); err != nil {
			return fail(err)
		}
		if err := demo.WriteConfig(dir); err != nil {
			return fail(err)
		}
		src.SnapshotDir, src.ConfigDir = filepath.Join(dir, demo.SnapshotDir), filepath.Join(dir, demo.ConfigDir)
		if statePath == "" {
			statePath = filepath.Join(dir, "state.db")
		}
		st, err := store.Open(cmd.Context(), statePath)
		if err != nil {
			return fail(Usage("--state: %v", err))
		}
		cleanups = append(cleanups, func() { st.Close() })
		src.Store = st
		if err := seedDemo(cmd, g, dir, st); err != nil {
			return fail(err)
		}
		return src, cleanup, nil
	case f.snapshot == "":
		return fail(Usage("--snapshot DIR is required (or --demo)"))
	}
	src.SnapshotDir = f.snapshot
	if st, err := os.Stat(g.ConfigDir); err == nil && st.IsDir() {
		src.ConfigDir = g.ConfigDir
	} else if cmd.Flags().Changed("config") || cmd.Root().PersistentFlags().Changed("config") {
		return fail(Usage("--config %s: not a directory", g.ConfigDir))
	}
	st, err := store.Open(cmd.Context(), statePath)
	if err != nil {
		return fail(Usage("--state: %v", err))
	}
	cleanups = append(cleanups, func() { st.Close() })
	src.Store = st
	return src, cleanup, nil
}

func newServeCmd(g *Globals) *cobra.Command {
	var f dashFlags
	var addr, token, authHeader string
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard: OU tree with guardrails, compliance heatmap, findings, detections and triage",
		Long: `serve runs the dashboard in this process over a snapshot, the landing-zone
configuration (--config; mutes are written to its exceptions) and the state
store (--state; audit runs, the triage queue, the latest plan). Its assets
are embedded: it works offline.

It binds the loopback interface by default. Any other address needs
--token (or ORGRAIL_DASHBOARD_TOKEN): every request must then carry it as
"Authorization: Bearer TOKEN" or in the cookie set by opening
/?token=TOKEN once. Behind an authenticating proxy (OIDC), --auth-header NAME
instead requires the header the proxy sets (X-Forwarded-Email,
X-Amzn-Oidc-Identity...) and records its value as who acknowledged or
dismissed; the port must then be reachable only through the proxy. Every form carries a CSRF token; pages are sent with a
strict Content-Security-Policy.

Exit codes: 0 stopped by a signal; 2 bad flags or unreadable input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if token == "" {
				token = os.Getenv("ORGRAIL_DASHBOARD_TOKEN")
			}
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return Usage("--addr %q: want host:port", addr)
			}
			if !web.IsLoopback(addr) && token == "" && authHeader == "" {
				return Usage("--addr %s is not a loopback address: give --token (or ORGRAIL_DASHBOARD_TOKEN), or --auth-header behind an authenticating proxy", addr)
			}
			if token != "" && len(token) < 16 {
				return Usage("--token: use at least 16 characters")
			}
			src, cleanup, err := f.source(cmd, g)
			if err != nil {
				return err
			}
			defer cleanup()
			lang := dashLang(g)
			srv, err := web.New(cmd.Context(), web.Options{Source: src, Token: token, Log: g.Log, Actor: actorName(),
				T: web.TranslatorFor(lang), Lang: lang, AuthHeader: authHeader})
			if err != nil {
				return Usage("%v", err)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return Usage("--addr: %v", err)
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "orgrail dashboard on http://%s/ (Ctrl-C stops it)\n", ln.Addr())
			}
			return serveUntilDone(cmd.Context(), srv, ln)
		},
	}
	f.bind(c)
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (a non-loopback address needs --token)")
	c.Flags().StringVar(&token, "token", "", "require this bearer token (cookie after /?token=...); needed off loopback")
	c.Flags().StringVar(&authHeader, "auth-header", "", "behind an authenticating (OIDC) proxy: require this header (e.g. X-Forwarded-Email) and record its value as the actor")
	return c
}

// serveUntilDone serves on ln until ctx ends (SIGINT/SIGTERM).
func serveUntilDone(ctx context.Context, srv *web.Server, ln net.Listener) error {
	hs := &http.Server{Handler: srv.Handler()}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		return hs.Close()
	}
}

// dashLang is the pages' language: --lang, else ORGRAIL_LANG, else the
// locale (Globals.Lang).
func dashLang(g *Globals) string { return string(g.Lang()) }

func dashReportOptions(g *Globals) web.ReportOptions {
	lang := dashLang(g)
	return web.ReportOptions{T: web.TranslatorFor(lang), Lang: lang}
}

func actorName() string {
	if u := os.Getenv("USER"); u != "" {
		return u + " (dashboard)"
	}
	return "dashboard"
}

func newReportCmd(g *Globals) *cobra.Command {
	var f dashFlags
	var html string
	c := &cobra.Command{
		Use:   "report --html FILE",
		Short: "Write the dashboard's views as one static, self-contained HTML file for auditors",
		Long: `report --html FILE writes what 'orgrail serve' shows (OU tree with guardrails
and their policy text, compliance heatmap and trend, failed findings,
account pages, detections, triage queue, exceptions, latest plan) as one
HTML file with its stylesheet and scripts inside: it opens offline and
loads nothing. '-' writes to stdout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if html == "" {
				return Usage("report: --html FILE is required")
			}
			src, cleanup, err := f.source(cmd, g)
			if err != nil {
				return err
			}
			defer cleanup()
			if html == "-" {
				return web.WriteReport(cmd.Context(), g.Stdout, src, dashReportOptions(g))
			}
			tmp, err := os.CreateTemp(filepath.Dir(html), ".orgrail-report-*")
			if err != nil {
				return Usage("--html: %v", err)
			}
			defer os.Remove(tmp.Name())
			if err := web.WriteReport(cmd.Context(), tmp, src, dashReportOptions(g)); err != nil {
				tmp.Close()
				return Usage("%v", err)
			}
			if err := tmp.Close(); err != nil {
				return err
			}
			if err := os.Chmod(tmp.Name(), 0o644); err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), html); err != nil {
				return err
			}
			if g.Progress() {
				fmt.Fprintf(g.Stderr, "wrote %s\n", html)
			}
			return nil
		},
	}
	f.bind(c)
	c.Flags().StringVar(&html, "html", "", "write the report to FILE (- for stdout)")
	return c
}
