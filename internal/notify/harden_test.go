package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestInputLinkOnlyToTheConsole submits detections whose link points
// elsewhere: every channel body links to the AWS console only, and the
// stored event keeps no foreign link. A console link of any partition,
// or a regional console host, is kept.
func TestInputLinkOnlyToTheConsole(t *testing.T) {
	for link, keep := range map[string]bool{
		"https://evil.example/phish":                                      false,
		"http://eu-west-1.console.aws.amazon.com/x":                       false,
		"https://console.aws.amazon.com.evil.example/x":                   false,
		"https://user@console.aws.amazon.com/x":                           false,
		"javascript:alert(1)":                                             false,
		"https://console.aws.amazon.com:8443/x":                           false,
		"https://console.aws.amazon.com/guardduty/home#/findings":         true,
		"https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home":      true,
		"https://console.amazonaws.cn/guardduty/home":                     true,
		"https://us-gov-west-1.console.amazonaws-us-gov.com/securityhub/": true,
	} {
		e := sampleEvent("ev-1")
		e.Link = link
		got := e.ConsoleLink()
		if keep != (got == link) {
			t.Errorf("link %q: ConsoleLink %q, keep=%v", link, got, keep)
		}
		if !strings.HasPrefix(got, "https://") || !strings.Contains(got, "console.") {
			t.Errorf("link %q: ConsoleLink %q is not the console", link, got)
		}
	}
	p := newPeer(t)
	n, _ := newNotifier(t, webhookConfig, p)
	e := sampleEvent("ev-link")
	e.Link = "https://evil.example/phish"
	if _, err := n.Submit(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Deliver(context.Background()); err != nil {
		t.Fatal(err)
	}
	items, _ := n.State.Items(context.Background(), Filter{})
	for _, it := range items {
		if it.Event.Link != "" {
			t.Errorf("stored event keeps link %q", it.Event.Link)
		}
	}
	got := p.received()
	if len(got) != 1 || strings.Contains(string(got[0].Body), "evil.example") {
		t.Fatalf("webhook got %d bodies: %s", len(got), got)
	}
	// An outbox message stored before links were checked is sent with
	// the console link only.
	ch, _ := NewChannel(&ChannelConfig{Name: "w", Type: "webhook", URL: p.URL}, Options{AllowInsecureHTTP: true})
	if err := ch.Send(context.Background(), &Message{ID: "old", Event: *e, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if b := p.received()[1].Body; strings.Contains(string(b), "evil.example") {
		t.Fatalf("old message body links away: %s", b)
	}
}

// TestChannelsDoNotFollowRedirects answers every POST with a redirect
// to a second server: no channel follows it, the delivery fails and is
// retried as any failure.
func TestChannelsDoNotFollowRedirects(t *testing.T) {
	var followed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed.Add(1) }))
	defer elsewhere.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/stolen", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	for _, typ := range []string{"webhook", "slack", "teams", "slack-api"} {
		cc := &ChannelConfig{Name: typ, Type: typ, URL: redirect.URL + "/hook/T000/B000/secretpath", TokenEnv: "TOK", Channel: "C1"}
		ch, err := NewChannel(cc, Options{AllowInsecureHTTP: true, Getenv: func(string) string { return "xoxb-secret-token" }})
		if err != nil {
			t.Fatal(err)
		}
		err = ch.Send(context.Background(), &Message{ID: "1", Event: *sampleEvent("ev-r"), Count: 1})
		var se *SendError
		if !errors.As(err, &se) || se.Permanent {
			t.Errorf("%s: redirect gave %v, want a retryable failure", typ, err)
		}
		if err != nil && (strings.Contains(err.Error(), "secretpath") || strings.Contains(err.Error(), "xoxb-secret-token")) {
			t.Errorf("%s: error quotes a secret: %v", typ, err)
		}
	}
	if k := followed.Load(); k != 0 {
		t.Fatalf("%d requests followed a redirect", k)
	}
}

// TestChannelAnswersAreCapped answers with an endless body: every
// channel stops reading at MaxResponseBody and fails the attempt.
func TestChannelAnswersAreCapped(t *testing.T) {
	var sent atomic.Int64
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		if r.URL.Path == "/api/chat.postMessage" {
			w.WriteHeader(http.StatusOK)
		}
		chunk := []byte(`{"ok":true,"pad":"` + strings.Repeat("x", 1<<16))
		for sent.Load() < 64<<20 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			sent.Add(int64(len(chunk)))
		}
	}))
	defer endless.Close()
	for _, typ := range []string{"slack-api", "webhook", "slack", "teams"} {
		sent.Store(0)
		cc := &ChannelConfig{Name: typ, Type: typ, URL: endless.URL, TokenEnv: "TOK", Channel: "C1"}
		ch, err := NewChannel(cc, Options{AllowInsecureHTTP: true, Getenv: func(string) string { return "xoxb-t" }})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err = ch.Send(ctx, &Message{ID: "1", Event: *sampleEvent("ev-c"), Count: 1})
		cancel()
		if err == nil {
			t.Errorf("%s: an endless answer was accepted", typ)
		}
		if got := sent.Load(); got >= 64<<20 {
			t.Errorf("%s: read the whole %d-byte answer", typ, got)
		}
	}
}

// TestPlainHTTPRefused builds channels with http:// URLs: refused
// unless the test opt-in (Options or ORGRAIL_ALLOW_INSECURE_HTTP=1) is
// given; the error names the channel and never the URL.
func TestPlainHTTPRefused(t *testing.T) {
	secretURL := "http://hooks.example/services/T0/B0/s3cr3tPathToken"
	for _, typ := range []string{"webhook", "slack", "teams", "slack-api"} {
		cc := &ChannelConfig{Name: "c-" + typ, Type: typ, URL: secretURL, TokenEnv: "TOK", Channel: "C1"}
		env := map[string]string{"TOK": "xoxb-t"}
		getenv := func(k string) string { return env[k] }
		_, err := NewChannel(cc, Options{Getenv: getenv})
		if err == nil || !strings.Contains(err.Error(), "c-"+typ) || !strings.Contains(err.Error(), InsecureHTTPEnv) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s over http://: %v", typ, err)
		}
		if _, err := NewChannel(cc, Options{Getenv: getenv, AllowInsecureHTTP: true}); err != nil {
			t.Errorf("%s with the option: %v", typ, err)
		}
		env[InsecureHTTPEnv] = "1"
		if _, err := NewChannel(cc, Options{Getenv: getenv}); err != nil {
			t.Errorf("%s with %s=1: %v", typ, InsecureHTTPEnv, err)
		}
	}
}

// TestMalformedURLIsNeverQuoted gives a webhook URL with a control
// character through urlEnv: building the channel fails without quoting
// it, and a message sent through a channel holding such a URL stores an
// error that does not quote it either.
func TestMalformedURLIsNeverQuoted(t *testing.T) {
	bad := "https://hooks.slack.com/services/T0/B0/s3cr3tToken\x7f"
	cc := &ChannelConfig{Name: "hook", Type: "webhook", URLEnv: "HOOK_URL"}
	_, err := NewChannel(cc, Options{Getenv: func(string) string { return bad }})
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "HOOK_URL") {
		t.Fatalf("malformed urlEnv: %v", err)
	}
	p := newPeer(t)
	n, clk := newNotifier(t, webhookConfig, p)
	n.Channels["hook"] = newWebhook(&ChannelConfig{Name: "hook"}, bad, "", safeClient(http.DefaultClient))
	if _, err := n.Submit(context.Background(), sampleEvent("ev-m")); err != nil {
		t.Fatal(err)
	}
	n.Deliver(context.Background())
	clk.t = clk.t.Add(time.Hour)
	items, _ := n.State.Items(context.Background(), Filter{})
	if len(items) != 1 || items[0].LastError == "" || strings.Contains(items[0].LastError, "s3cr3t") {
		t.Fatalf("stored %s", fmtItems(items))
	}
	// Transport errors quote no URL either.
	n.Channels["hook"] = newWebhook(&ChannelConfig{Name: "hook"}, "https://127.0.0.1:1/services/s3cr3tToken", "", safeClient(http.DefaultClient))
	if _, err := n.State.Unpark(context.Background(), "", "", clk.t); err != nil {
		t.Fatal(err)
	}
	n.Deliver(context.Background())
	items, _ = n.State.Items(context.Background(), Filter{})
	if len(items) != 1 || items[0].LastError == "" || strings.Contains(items[0].LastError, "s3cr3t") {
		t.Fatalf("stored %s", fmtItems(items))
	}
}

func fmtItems(items []*Item) string {
	b, _ := json.Marshal(items)
	return fmt.Sprintf("%s", b)
}
