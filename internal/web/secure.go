package web

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// CSP is the Content-Security-Policy of every response: scripts and
// styles from the dashboard's own origin only (no inline script, no
// inline style), nothing from elsewhere, no framing.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// tokenCookie carries the --token after a first ?token= visit.
const tokenCookie = "orgrail_token"

// maxForm bounds a form body.
const maxForm = 64 << 10

// IsLoopback reports whether addr (host:port) names only the loopback
// interface: 127.0.0.0/8, ::1 or localhost. An empty host (all
// interfaces) is not loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return loopbackHost(host)
}

func loopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// secure wraps h with the security headers, the token check, the Host
// check that defeats DNS rebinding when no token is set, and the CSRF
// check of every state change.
func (s *Server) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", CSP)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin") // no-referrer would make browsers send "Origin: null" on forms
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cache-Control", "no-store")
		if s.opt.AuthHeader != "" && s.proxyUser(r) == "" {
			http.Error(w, "no "+s.opt.AuthHeader+" header: reach the dashboard through its authenticating proxy", http.StatusUnauthorized)
			return
		}
		if s.opt.Token == "" && s.opt.AuthHeader == "" {
			host, _, err := net.SplitHostPort(r.Host)
			if err != nil {
				host = r.Host
			}
			if !loopbackHost(host) {
				http.Error(w, "this dashboard answers on loopback names only (start it with --token to serve other names)", http.StatusMisdirectedRequest)
				return
			}
		} else if s.opt.Token != "" && !s.authorized(w, r) {
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if !s.sameOrigin(r) || !s.csrfOK(r) {
				http.Error(w, s.opt.T("err.csrf"), http.StatusForbidden)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// authorized checks the token; a ?token= visit sets the cookie and
// redirects to the same page without the token in the address.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if q := r.URL.Query().Get("token"); q != "" && r.Method == http.MethodGet && s.tokenOK(q) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: q, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		u := *r.URL
		v := u.Query()
		v.Del("token")
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return false
	}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.tokenOK(bearer) {
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && s.tokenOK(c.Value) {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="orgrail"`)
	http.Error(w, s.opt.T("err.unauthorized"), http.StatusUnauthorized)
	return false
}

func (s *Server) tokenOK(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.opt.Token)) == 1
}

// sameOrigin rejects a state change whose Origin (or, without one,
// Referer) names another host. Browsers send Origin on every POST.
func (s *Server) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" {
		return true // not a browser; the CSRF token still decides
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func (s *Server) csrfOK(r *http.Request) bool {
	got := r.PostFormValue("csrf")
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}

// proxyUser returns the user the authenticating proxy named, cleaned of
// control characters and bounded, or "".
func (s *Server) proxyUser(r *http.Request) string {
	v := strings.Map(func(c rune) rune {
		if c < 0x20 || c == 0x7f {
			return -1
		}
		return c
	}, strings.TrimSpace(r.Header.Get(s.opt.AuthHeader)))
	if len(v) > 200 {
		v = v[:200]
	}
	return v
}

// actor names who changes a triage item.
func (s *Server) actor(r *http.Request) string {
	if s.opt.AuthHeader != "" {
		return s.proxyUser(r) + " (dashboard)"
	}
	return s.opt.Actor
}
