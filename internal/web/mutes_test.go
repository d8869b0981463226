package web

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// TestMuteFromDashboard posts the mute form for a failed finding and
// checks the oracle the audit uses: the configuration, loaded again by
// config.Load and applied by rules.ApplyConfig, mutes that finding in a
// fresh rules.Audit — and the dashboard shows it muted.
func TestMuteFromDashboard(t *testing.T) {
	f := newFixture(t)
	s, ts := f.server(t, "")
	d, _ := s.current(context.Background())
	var target findings.Finding
	for _, x := range d.Report.Findings {
		if x.Open() {
			target = x
			break
		}
	}
	if target.ID == "" {
		t.Fatal("the demo has no open failure")
	}
	form := url.Values{"csrf": {s.csrf}, "finding": {target.ID}, "scope": {"resource"},
		"reason": {"accepted risk: ticket SEC-42"}, "expires": {"2026-12-31"}}
	resp, err := ts.Client().PostForm(ts.URL+"/mutes", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasSuffix(resp.Request.URL.Path, "/findings/"+target.ID) {
		t.Fatalf("mute: status %d at %s", resp.StatusCode, resp.Request.URL)
	}
	c, ds, err := config.Load(f.cfg)
	if err != nil || len(ds) > 0 {
		t.Fatalf("configuration after the mute: %v %v", err, ds)
	}
	opt := rules.Options{Rules: rules.Builtin(), Now: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	if ds := rules.ApplyConfig(&opt, c); len(ds) > 0 {
		t.Fatalf("exceptions: %v", ds)
	}
	snap, err := snapshot.Open(f.snap)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Audit(snap, opt)
	if err != nil {
		t.Fatal(err)
	}
	muted := 0
	for _, x := range res.Report.Findings {
		if x.Muted {
			muted++
			if x.ID != target.ID {
				t.Errorf("a resource-scoped mute muted another finding: %s", x.ID)
			}
		}
	}
	if muted != 1 {
		t.Errorf("%d findings muted, want 1", muted)
	}
	_, body := get(t, ts.Client(), ts.URL+"/findings/"+target.ID)
	if !strings.Contains(body, "SEC-42") {
		t.Errorf("the finding page does not show the mute's reason")
	}
	_, body = get(t, ts.Client(), ts.URL+"/mutes")
	if !strings.Contains(body, "accepted risk: ticket SEC-42") || !strings.Contains(body, MuteFile) {
		t.Errorf("the mutes page does not list the exception")
	}
}

// TestMuteRejectsBadInput: a past expiry, a missing reason, or YAML
// injected through the reason are refused or written as plain strings.
func TestMuteRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	good := Mute{Rule: "s3.bucket-versioning", Account: "123456789012", Reason: "because", Expires: "2026-12-01"}
	for name, m := range map[string]Mute{
		"past":      {Rule: good.Rule, Account: good.Account, Reason: "because", Expires: "2026-11-01"},
		"no reason": {Rule: good.Rule, Account: good.Account, Expires: "2026-12-01"},
		"bad date":  {Rule: good.Rule, Account: good.Account, Reason: "because", Expires: "31/12/2026"},
		"bad rule":  {Rule: "x: [y]", Account: good.Account, Reason: "because", Expires: "2026-12-01"},
		"bad acct":  {Rule: good.Rule, Account: "prod", Reason: "because", Expires: "2026-12-01"},
	} {
		if _, err := WriteMute(dir, m, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	inj := good
	inj.Reason = "ok\nexpires: 2099-01-01\n- rule: '*'"
	path, err := WriteMute(dir, inj, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteMute(dir, good, now); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	c, ds := config.Parse(path, b)
	if len(ds) > 0 {
		t.Fatalf("%v\n%s", ds, b)
	}
	var es []rules.Exception
	for _, p := range c.Exceptions.Parts {
		e, ds := rules.DecodeExceptions(p.File, p.Node, nil)
		if len(ds) > 0 {
			t.Fatal(ds)
		}
		es = append(es, e...)
	}
	if len(es) != 2 || es[0].Reason != inj.Reason || es[0].Expires != "2026-12-01" || es[1].Rules[0] != good.Rule {
		t.Errorf("exceptions = %+v", es)
	}
	if filepath.Base(path) != MuteFile {
		t.Errorf("path %s", path)
	}
}

// TestReportIsSelfContained writes the static report and checks that it
// loads nothing from anywhere (no src or href to another file or
// origin), holds every view, and escapes the hostile strings.
func TestReportIsSelfContained(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	if err := WriteReport(context.Background(), &buf, Source{SnapshotDir: f.snap, ConfigDir: f.cfg, Store: f.st}, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if m := regexp.MustCompile(`(?i)(src|href)="(https?:|//|/)[^"]*"`).FindString(html); m != "" {
		t.Errorf("the report references %s", m)
	}
	for _, id := range []string{`id="tree"`, `id="heatmap"`, `id="findings"`, `id="triage"`, `id="account-` + f.hostileAcct + `"`, `id="policy-`} {
		if !strings.Contains(html, id) {
			t.Errorf("the report lacks %s", id)
		}
	}
	if strings.Contains(html, "<img src=x") || !strings.Contains(html, "&lt;img src=x") {
		t.Errorf("the hostile string is not escaped in the report")
	}
	if strings.Contains(html, `method="post"`) {
		t.Errorf("the static report has a form that changes state")
	}
}
