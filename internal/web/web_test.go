package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/store"
)

// hostile is a string an attacker can put in CloudTrail (a user agent, a
// role session name, an account name in a compromised organization): if
// a page ever emits it unescaped, the browser runs it.
const hostile = `<img src=x onerror="document.title='pwned'"><script>alert(1)</script>`

// fixture is the demo organization with one account renamed to the
// hostile string, a configuration directory, and a store with one
// hostile triage item and one ordinary one.
type fixture struct {
	dir, snap, cfg string
	st             *store.Store
	hostileAcct    string
}

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

// demoCopy writes the embedded demo once per test binary and copies it
// for each test (mutes change the configuration).
func demoCopy(t *testing.T) string {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "orgrail-web-test-")
		if fixtureErr != nil {
			return
		}
		if _, fixtureErr = demo.WriteEmbedded(fixtureDir); fixtureErr != nil {
			return
		}
		fixtureErr = demo.WriteConfig(fixtureDir)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	dst := t.TempDir()
	for _, sub := range []string{demo.SnapshotDir, demo.ConfigDir} {
		if err := os.CopyFS(filepath.Join(dst, sub), os.DirFS(filepath.Join(fixtureDir, sub))); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := demoCopy(t)
	f := &fixture{dir: dir, snap: filepath.Join(dir, demo.SnapshotDir), cfg: filepath.Join(dir, demo.ConfigDir)}
	// Rename one account to the hostile string in org.json.
	orgPath := filepath.Join(f.snap, "org.json")
	b, err := os.ReadFile(orgPath)
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	accts := o["Accounts"].([]any)
	a := accts[len(accts)-1].(map[string]any)
	f.hostileAcct = a["Id"].(string)
	a["Name"] = hostile
	b, _ = json.Marshal(o)
	if err := os.WriteFile(orgPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f.st, err = store.Open(context.Background(), filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.st.Close() })
	seedTriage(t, f.st, f.hostileAcct)
	return f
}

// seedTriage records two detections as `orgrail notify` does: one whose
// CloudTrail-derived strings are hostile.
func seedTriage(t *testing.T, st *store.Store, acct string) {
	t.Helper()
	at := time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC)
	evs := []notify.Event{
		{DetectionID: "demo.hostile", Title: "Console login " + hostile, Severity: severity.High, EventID: "ev-hostile",
			EventTime: at, Account: acct, AccountName: hostile, Region: "us-east-1",
			Principal: "arn:aws:sts::" + acct + ":assumed-role/x/" + hostile, EventName: "ConsoleLogin", UserAgent: hostile},
		{DetectionID: "demo.plain", Title: "Root user activity", Severity: severity.Critical, EventID: "ev-plain",
			EventTime: at.Add(time.Hour), Account: acct, Region: "us-east-1", EventName: "GetCallerIdentity"},
	}
	var entries []*notify.Entry
	for _, e := range evs {
		entries = append(entries, &notify.Entry{Key: e.Key(), Event: e, Triage: true, Now: at})
	}
	if _, err := notify.NewSQLiteState(st.DB()).RecordAll(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) server(t *testing.T, token string) (*Server, *httptest.Server) {
	t.Helper()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	s, err := New(context.Background(), Options{Source: Source{SnapshotDir: f.snap, ConfigDir: f.cfg, Store: f.st,
		Now: func() time.Time { return now }}, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := ioCopy(&b, resp); err != nil {
		t.Fatal(err)
	}
	return resp, b.String()
}

// TestPagesEscapeHostileStrings renders every page that shows an
// account name or a CloudTrail-derived string and checks that the
// hostile markup arrives as text: html/template escaped it.
func TestPagesEscapeHostileStrings(t *testing.T) {
	f := newFixture(t)
	_, ts := f.server(t, "")
	escaped := `&lt;img src=x onerror=`
	for _, p := range []string{"/", "/triage", "/detections", "/accounts/" + f.hostileAcct, "/findings?account=" + f.hostileAcct} {
		resp, body := get(t, ts.Client(), ts.URL+p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d: %s", p, resp.StatusCode, body)
		}
		if strings.Contains(body, "<img src=x") || strings.Contains(body, "<script>alert") {
			t.Errorf("%s: hostile markup is not escaped", p)
		}
		if !strings.Contains(body, escaped) {
			t.Errorf("%s: the hostile string is not shown as text", p)
		}
	}
}

// TestSecurityHeaders checks the CSP of the contract and the headers
// that go with it, on a page and on an asset.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	_, ts := f.server(t, "")
	for _, p := range []string{"/", "/static/app.js", "/static/uplot/uPlot.iife.min.js"} {
		resp, _ := get(t, ts.Client(), ts.URL+p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", p, resp.StatusCode)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", p, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", p)
		}
	}
	_, body := get(t, ts.Client(), ts.URL+"/")
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "https://") {
		t.Errorf("page has inline script, inline style or a link to another origin")
	}
}

// TestHostCheckWithoutToken: without --token only loopback Host names
// are served, so a DNS-rebound name cannot reach the dashboard.
func TestHostCheckWithoutToken(t *testing.T) {
	f := newFixture(t)
	_, ts := f.server(t, "")
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.Host = "attacker.example:80"
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("foreign Host: status %d, want 421", resp.StatusCode)
	}
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:80", "localhost:1"} {
		if !IsLoopback(addr) {
			t.Errorf("IsLoopback(%s) = false", addr)
		}
	}
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "10.0.0.1:80", "example.com:80"} {
		if IsLoopback(addr) {
			t.Errorf("IsLoopback(%s) = true", addr)
		}
	}
}

// TestToken: with --token every request needs it, as a bearer token or
// the cookie a first ?token= visit sets.
func TestToken(t *testing.T) {
	f := newFixture(t)
	const tok = "0123456789abcdef-token"
	_, ts := f.server(t, tok)
	c := ts.Client()
	if resp, _ := get(t, c, ts.URL+"/"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: status %d, want 401", resp.StatusCode)
	}
	if resp, _ := get(t, c, ts.URL+"/?token=wrong"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: status %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/triage", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("bearer: status %d", resp.StatusCode)
	}
	jar := newJar()
	cc := &http.Client{Jar: jar, Transport: c.Transport}
	resp, body := get(t, cc, ts.URL+"/compliance?token="+tok)
	if resp.StatusCode != 200 || !strings.Contains(body, "heatmap") {
		t.Errorf("?token=: status %d", resp.StatusCode)
	}
	if strings.Contains(resp.Request.URL.RawQuery, "token") {
		t.Errorf("the token stays in the address: %s", resp.Request.URL)
	}
	if resp, _ := get(t, cc, ts.URL+"/triage"); resp.StatusCode != 200 {
		t.Errorf("cookie: status %d", resp.StatusCode)
	}
}

// TestCSRF: a state change without the page's CSRF token, or from
// another origin, is refused and changes nothing.
func TestCSRF(t *testing.T) {
	f := newFixture(t)
	s, ts := f.server(t, "")
	items, _ := notify.NewSQLiteState(f.st.DB()).TriageItems(context.Background(), notify.TriageOpen, 0)
	id := items[0].ID
	post := func(form url.Values, origin string) int {
		req, _ := http.NewRequest("POST", ts.URL+"/triage/"+id+"/ack", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		c := *ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(url.Values{}, ""); code != http.StatusForbidden {
		t.Errorf("no csrf: status %d, want 403", code)
	}
	if code := post(url.Values{"csrf": {"bad"}}, ""); code != http.StatusForbidden {
		t.Errorf("bad csrf: status %d, want 403", code)
	}
	if code := post(url.Values{"csrf": {s.csrf}}, "http://attacker.example"); code != http.StatusForbidden {
		t.Errorf("foreign origin: status %d, want 403", code)
	}
	if open, _ := notify.NewSQLiteState(f.st.DB()).TriageItems(context.Background(), notify.TriageOpen, 0); len(open) != len(items) {
		t.Fatalf("a refused request changed the queue")
	}
	if code := post(url.Values{"csrf": {s.csrf}}, ts.URL); code != http.StatusSeeOther {
		t.Errorf("good request: status %d, want 303", code)
	}
	acked, _ := notify.NewSQLiteState(f.st.DB()).TriageItems(context.Background(), notify.TriageAcknowledged, 0)
	if len(acked) != 1 || acked[0].ID != id || acked[0].By != "dashboard" {
		t.Errorf("acked = %+v", acked)
	}
}

// TestAuthHeader: behind an authenticating proxy every request needs the
// proxy's user header, and triage changes record that user.
func TestAuthHeader(t *testing.T) {
	f := newFixture(t)
	s, err := New(context.Background(), Options{Source: Source{SnapshotDir: f.snap, ConfigDir: f.cfg, Store: f.st},
		AuthHeader: "X-Forwarded-Email"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if resp, _ := get(t, ts.Client(), ts.URL+"/"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no header: status %d, want 401", resp.StatusCode)
	}
	items, _ := notify.NewSQLiteState(f.st.DB()).TriageItems(context.Background(), notify.TriageOpen, 0)
	form := url.Values{"csrf": {s.csrf}, "reason": {"known test"}}
	req, _ := http.NewRequest("POST", ts.URL+"/triage/"+items[0].ID+"/dismiss", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Email", " ayaka@kumo.example\t")
	req.Host = "dashboard.kumo.example" // a proxy's name: no loopback check in this mode
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got, _ := notify.NewSQLiteState(f.st.DB()).TriageItems(context.Background(), notify.TriageDismissed, 0)
	if len(got) != 1 || got[0].By != "ayaka@kumo.example (dashboard)" || got[0].Reason != "known test" {
		t.Errorf("dismissed = %+v", got)
	}
}
