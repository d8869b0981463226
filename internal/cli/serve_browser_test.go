package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/notify"
	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/store"
	"github.com/orgrail/orgrail/internal/web"
)

// updateScreenshots rewrites the README's screenshots under docs/img.
var updateScreenshots = flag.Bool("update-screenshots", false, "rewrite docs/img/dashboard-*.png from the browser test")

// hostileUA is what an attacker can put in a CloudTrail record's
// userAgent or role session name: markup that would run if a page
// inserted it unescaped.
const hostileUA = `<img src=x onerror="document.title='pwned'">`

// chromiumPath finds headless Chromium; the browser tests skip without it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (.ci/run installs it)")
	return ""
}

// browserFixture serves the demo organization as `orgrail serve --demo`
// does, with one extra triage item whose CloudTrail strings are hostile.
func browserFixture(t *testing.T) (*httptest.Server, *store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	if err := demo.WriteConfig(dir); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var errb bytes.Buffer
	g := &Globals{Stdout: io.Discard, Stderr: &errb, Log: slog.New(slog.DiscardHandler)}
	cmd := &cobra.Command{}
	cmd.SetContext(ctx)
	if err := seedDemo(cmd, g, dir, st); err != nil {
		t.Fatalf("seeding the demo: %v\n%s", err, errb.String())
	}
	ev := notify.Event{DetectionID: "test.hostile-strings", Title: "Console sign-in from " + hostileUA,
		Severity: severity.Critical, EventID: "hostile-0001", EventTime: time.Date(2026, 11, 19, 23, 0, 0, 0, time.UTC),
		Account: "999999999999", AccountName: hostileUA, Region: "us-east-1", EventName: "ConsoleLogin",
		Principal: "arn:aws:sts::999999999999:assumed-role/Admin/" + hostileUA, UserAgent: hostileUA}
	if _, err := notify.NewSQLiteState(st.DB()).Record(ctx, &notify.Entry{Key: ev.Key(), Event: ev, Triage: true, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(ctx, web.Options{Source: web.Source{SnapshotDir: filepath.Join(dir, demo.SnapshotDir),
		ConfigDir: filepath.Join(dir, demo.ConfigDir), Store: st}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, st, filepath.Join(dir, demo.ConfigDir)
}

// browser starts headless Chromium and collects the page's console
// errors, uncaught exceptions and CSP violations.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
	shots  string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1300, 1000))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 8*time.Minute)
	t.Cleanup(cancel3)
	b := &browser{ctx: ctx, shots: os.Getenv("ORGRAIL_SCREENSHOTS")}
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.errors = append(b.errors, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.LevelError {
				b.errors = append(b.errors, "console: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	})
	if err := chromedp.Run(ctx, cdplog.Enable(), runtime.Enable()); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return b
}

// run runs one step; a step that does not reach its DOM condition in a
// minute fails the test with a screenshot of where it stopped.
func (b *browser) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Run(sctx, actions...); err != nil {
		var png []byte
		var url string
		if chromedp.Run(b.ctx, chromedp.Location(&url), chromedp.FullScreenshot(&png, 100)) == nil && b.shots != "" {
			os.MkdirAll(b.shots, 0o755)
			os.WriteFile(filepath.Join(b.shots, "failed-"+strings.ReplaceAll(what, " ", "-")+".png"), png, 0o644)
		}
		t.Fatalf("%s (at %s): %v", what, url, err)
	}
}

// shot saves a screenshot of the page (or of one element) into
// $ORGRAIL_SCREENSHOTS, and into docs/img with -update-screenshots.
func (b *browser) shot(t *testing.T, name, sel, docName string) {
	t.Helper()
	if b.shots == "" && !(*updateScreenshots && docName != "") {
		return
	}
	var png []byte
	act := chromedp.FullScreenshot(&png, 100)
	if sel != "" {
		act = chromedp.Screenshot(sel, &png, chromedp.ByQuery)
	}
	b.run(t, "screenshot "+name, act)
	if b.shots != "" {
		if err := os.MkdirAll(b.shots, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if *updateScreenshots && docName != "" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "img", docName), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func (b *browser) checkNoErrors(t *testing.T, page string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		t.Errorf("%s: the browser reported %s", page, strings.Join(b.errors, "; "))
		b.errors = nil
	}
}

// textOf reads an element's text with a script: unlike a node query, it
// never holds a node id across a navigation.
func textOf(sel string, dst *string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent`, sel), dst)
}

// TestDashboardInChromium opens every page of the dashboard on the demo
// organization in headless Chromium, follows a guardrail to its policy
// and the simulator, acknowledges a triage item, mutes a finding, and
// checks that hostile CloudTrail strings render as text. Every wait is
// on a DOM condition, never on time.
func TestDashboardInChromium(t *testing.T) {
	chromiumPath(t)
	if testing.Short() {
		t.Skip("browser test: not in -short runs")
	}
	ts, st, cfgDir := browserFixture(t)
	b := newBrowser(t)
	base := ts.URL

	// The tree, with a guardrail at each level; follow one to its text.
	var nodes int
	b.run(t, "tree", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#org-tree", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#org-tree li.node").length`, &nodes))
	if nodes < 20 {
		t.Errorf("the tree shows %d nodes", nodes)
	}
	b.shot(t, "tree", "", "dashboard-tree.png")
	b.checkNoErrors(t, "tree")
	var policyText, decision string
	b.run(t, "policy", chromedp.Click(`#org-tree a.gr.gr-SERVICE_CONTROL_POLICY:not([href$="FullAWSAccess"])`, chromedp.ByQuery),
		chromedp.WaitVisible("#policy-text", chromedp.ByQuery), textOf("#policy-text", &policyText))
	if !strings.Contains(policyText, "Statement") {
		t.Errorf("policy text: %q", policyText)
	}
	b.shot(t, "policy", "", "")
	b.run(t, "simulate", chromedp.Click("#sim-submit", chromedp.ByQuery),
		chromedp.WaitVisible("#sim-decision", chromedp.ByQuery), textOf("#sim-decision", &decision))
	if !strings.Contains(decision, "Allowed") && !strings.Contains(decision, "Denied") {
		t.Errorf("simulator decision: %q", decision)
	}
	b.shot(t, "simulate", "", "")
	b.checkNoErrors(t, "policy and simulator")

	// The heatmap and the trend chart (uPlot marks it rendered).
	var cells int
	b.run(t, "compliance", chromedp.Navigate(base+"/compliance"), chromedp.WaitVisible("#heatmap", chromedp.ByQuery),
		chromedp.WaitVisible(`#trend-chart[data-rendered="1"] canvas`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#heatmap tbody td").length`, &cells))
	if cells < 4 {
		t.Errorf("heatmap has %d cells", cells)
	}
	b.shot(t, "compliance", "", "dashboard-heatmap.png")
	b.checkNoErrors(t, "compliance")

	// Findings: filter, then mute one from its page.
	var countText string
	b.run(t, "findings", chromedp.Navigate(base+"/findings"), chromedp.WaitVisible("#find-count", chromedp.ByQuery),
		chromedp.SetValue("#f-severity", "high", chromedp.ByQuery), chromedp.Click("#f-apply", chromedp.ByQuery),
		chromedp.WaitVisible(`#find-count[data-severity="high"]`, chromedp.ByQuery),
		textOf("#find-count", &countText))
	if !strings.Contains(countText, " / ") {
		t.Errorf("findings count: %q", countText)
	}
	b.shot(t, "findings", "", "")
	var status string
	b.run(t, "mute", chromedp.Click("table.findings tr.finding a", chromedp.ByQuery),
		chromedp.WaitVisible("#mute-form", chromedp.ByQuery),
		chromedp.SendKeys("#mute-reason", "accepted in the browser test", chromedp.ByQuery),
		chromedp.SetValue("#mute-expires", "2099-12-31", chromedp.ByQuery),
		chromedp.Click("#mute-submit", chromedp.ByQuery),
		chromedp.WaitVisible("#flash", chromedp.ByQuery),
		textOf("#finding-status", &status))
	if !strings.Contains(status, "muted") || !strings.Contains(status, "accepted in the browser test") {
		t.Errorf("after the mute the finding shows %q", status)
	}
	if b, err := os.ReadFile(filepath.Join(cfgDir, web.MuteFile)); err != nil || !strings.Contains(string(b), "accepted in the browser test") {
		t.Errorf("the mute is not in the configuration: %v", err)
	}
	b.shot(t, "finding-muted", "", "")
	b.checkNoErrors(t, "findings and mute")

	// Triage: the hostile item renders as text; acknowledge it.
	var titleText, docTitle string
	var imgs int
	b.run(t, "triage", chromedp.Navigate(base+"/triage"), chromedp.WaitVisible("#triage-open", chromedp.ByQuery),
		textOf(`#triage-open tr[data-id] .det-title`, &titleText),
		chromedp.Evaluate(`document.querySelectorAll("main img").length`, &imgs),
		chromedp.Title(&docTitle))
	if !strings.Contains(titleText, hostileUA) {
		t.Errorf("the hostile title does not show as text: %q", titleText)
	}
	if imgs != 0 || docTitle == "pwned" {
		t.Errorf("hostile markup became elements: %d img, title %q", imgs, docTitle)
	}
	b.shot(t, "triage", "", "")
	var id string
	b.run(t, "read the first item", chromedp.Evaluate(`document.querySelector("#triage-open tr.triage-item").dataset.id`, &id))
	b.run(t, "acknowledge", chromedp.Click("#ack-"+id, chromedp.ByQuery), chromedp.WaitVisible("#flash", chromedp.ByQuery),
		chromedp.WaitVisible(fmt.Sprintf(`#triage-resolved tr[data-id="%s"] .tr-acked`, id), chromedp.ByQuery))
	acked, err := notify.NewSQLiteState(st.DB()).TriageItems(context.Background(), notify.TriageAcknowledged, 0)
	if err != nil || len(acked) != 1 || acked[0].ID != id {
		t.Errorf("store after ack: %v %+v", err, acked)
	}
	b.shot(t, "triage-acked", "", "")
	b.checkNoErrors(t, "triage")

	// The detections timeline with its chart, and the remaining pages.
	b.run(t, "detections", chromedp.Navigate(base+"/detections"),
		chromedp.WaitVisible(`#det-chart[data-rendered="1"] canvas`, chromedp.ByQuery))
	b.shot(t, "detections", "", "")
	var acct string
	b.run(t, "account", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#org-tree", chromedp.ByQuery),
		chromedp.Click(`#org-tree a.acct`, chromedp.ByQuery), chromedp.WaitVisible("#acct-name", chromedp.ByQuery),
		textOf("#acct-name", &acct))
	if acct == "" {
		t.Errorf("account page without a name")
	}
	b.shot(t, "account", "", "")
	for _, p := range []struct{ path, sel string }{{"/mutes", "#mutes"}, {"/plan", "#plan-none"}, {"/simulate", "#sim-form"}} {
		b.run(t, p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(p.sel, chromedp.ByQuery))
		b.shot(t, strings.TrimPrefix(p.path, "/"), "", "")
	}
	b.checkNoErrors(t, "detections, account, mutes, plan, simulator")
}
