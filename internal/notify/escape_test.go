package notify

import (
	"context"
	"encoding/json"
	"github.com/orgrail/orgrail/internal/severity"
	"net/http"
	"strings"
	"testing"
)

// hostileEvent puts a crafted value in every field that reaches a message.
func hostileEvent() *Event {
	e := sampleEvent("ev-<!here>|x")
	for _, f := range []*string{&e.Title, &e.AccountName, &e.OU, &e.Principal, &e.EventName, &e.EventSource,
		&e.SourceIP, &e.UserAgent, &e.ErrorCode, &e.Error, &e.Author, &e.NistCSF, &e.DetectionID} {
		*f = hostile
	}
	e.Resources = []string{hostile, "arn:aws:s3:::" + hostile}
	return e
}

// forged lists what must never appear raw where the channel parses markup.
var forged = []string{"<!channel>", "<@U123>", "<http://evil.example|click>", "<!here>", "\r\n", "\n", "‮"}

// mrkdwnTexts collects the text of every mrkdwn object (and the top-level
// text) of a Slack payload: the places Slack parses markup.
func mrkdwnTexts(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "mrkdwn" {
			*out = append(*out, x["text"].(string))
		}
		for _, c := range x {
			mrkdwnTexts(c, out)
		}
	case []any:
		for _, c := range x {
			mrkdwnTexts(c, out)
		}
	}
}

func plainTexts(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "plain_text" {
			*out = append(*out, x["text"].(string))
		}
		for _, c := range x {
			plainTexts(c, out)
		}
	case []any:
		for _, c := range x {
			plainTexts(c, out)
		}
	}
}

func TestSlackEscaping(t *testing.T) {
	for _, typ := range []string{"slack", "slack-api"} {
		t.Run(typ, func(t *testing.T) {
			p := newPeer(t)
			cc := &ChannelConfig{Name: "s", Type: typ, URL: p.URL + "/hook", Channel: "C1", TokenEnv: "T"}
			if typ == "slack-api" {
				cc.URL = p.URL + "/api"
			}
			ch, err := NewChannel(cc, Options{Getenv: func(string) string { return "xoxb-test" }, AllowInsecureHTTP: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := ch.Send(context.Background(), &Message{ID: "1", Event: *hostileEvent(), Count: 3, Lane: LaneTriage}); err != nil {
				t.Fatal(err)
			}
			req := p.received()[0]
			var payload map[string]any
			if typ == "slack" {
				if err := json.Unmarshal(req.Body, &payload); err != nil {
					t.Fatal(err)
				}
			} else {
				payload = slackForm(t, string(req.Body))
			}
			texts := []string{payload["text"].(string)}
			mrkdwnTexts(payload, &texts)
			if len(texts) == 0 {
				t.Fatal("no text found")
			}
			for _, s := range texts {
				for _, f := range forged {
					if strings.Contains(s, f) {
						t.Errorf("mrkdwn text holds %q: %q", f, s)
					}
				}
				if strings.Contains(s, "*bold*") || strings.Contains(s, "`code`") {
					t.Errorf("mrkdwn text holds live formatting: %q", s)
				}
			}
			var plain []string
			plainTexts(payload, &plain)
			if len(plain) < 5 {
				t.Fatalf("want the record's values in plain_text objects, got %q", plain)
			}
			for _, s := range plain {
				if strings.ContainsAny(s, "\r\n") {
					t.Errorf("plain_text holds a line break: %q", s)
				}
			}
		})
	}
}

// slackForm decodes chat.postMessage's form body into a payload shape.
func slackForm(t *testing.T, body string) map[string]any {
	t.Helper()
	r, _ := http.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	var blocks []any
	if err := json.Unmarshal([]byte(r.PostForm.Get("blocks")), &blocks); err != nil {
		t.Fatalf("blocks: %v in %q", err, body)
	}
	return map[string]any{"text": r.PostForm.Get("text"), "blocks": blocks}
}

func TestTeamsEscaping(t *testing.T) {
	p := newPeer(t)
	ch, _ := NewChannel(&ChannelConfig{Name: "t", Type: "teams", URL: p.URL}, Options{AllowInsecureHTTP: true})
	if err := ch.Send(context.Background(), &Message{ID: "1", Event: *hostileEvent(), Count: 1}); err != nil {
		t.Fatal(err)
	}
	var payload map[string]any
	json.Unmarshal(p.received()[0].Body, &payload)
	card := payload["attachments"].([]any)[0].(map[string]any)["content"].(map[string]any)
	var values []string
	for _, b := range card["body"].([]any) {
		bm := b.(map[string]any)
		if s, ok := bm["text"].(string); ok {
			values = append(values, s)
		}
		if facts, ok := bm["facts"].([]any); ok {
			for _, f := range facts {
				values = append(values, f.(map[string]any)["value"].(string))
			}
		}
	}
	for _, v := range values {
		for _, bad := range []string{"[x](http", "*bold*", "<b>", "\n", "`code`"} {
			if strings.Contains(v, bad) {
				t.Errorf("Teams text holds %q: %q", bad, v)
			}
		}
	}
	acts, _ := card["actions"].([]any)
	if len(acts) != 1 || !strings.HasPrefix(acts[0].(map[string]any)["url"].(string), "https://eu-west-1.console.aws.amazon.com/") {
		t.Errorf("actions = %v", acts)
	}
}

func TestConsoleLinkCannotBeRedirected(t *testing.T) {
	e := sampleEvent("abc/../../@evil.example#x")
	if l := e.ConsoleLink(); !strings.HasPrefix(l, "https://eu-west-1.console.aws.amazon.com/cloudtrailv2/") || strings.Contains(l, "/../") || strings.Contains(l, "@evil") && !strings.Contains(l, "%40evil") && strings.Count(l, "#") > 1 {
		t.Errorf("link %q", l)
	}
	e.Region = "evil.example/x"
	if l := e.ConsoleLink(); l != "" {
		t.Errorf("hostile region gave a link %q", l)
	}
}

func TestSNSSubject(t *testing.T) {
	got := snsSubject(&Message{Event: Event{Severity: severity.High, DetectionID: hostile, Title: hostile + strings.Repeat("x", 200)}})
	if len(got) > 100 || strings.ContainsAny(got, "\r\n") {
		t.Fatalf("subject %q", got)
	}
	for _, r := range got {
		if r < 0x20 || r > 0x7e {
			t.Fatalf("subject %q holds %U", got, r)
		}
	}
}

func TestWebhookJSONKeepsValues(t *testing.T) {
	p := newPeer(t)
	ch, _ := NewChannel(&ChannelConfig{Name: "w", Type: "webhook", URL: p.URL}, Options{AllowInsecureHTTP: true})
	ch.Send(context.Background(), &Message{ID: "1", Event: *hostileEvent(), Count: 1})
	var b WebhookBody
	if err := json.Unmarshal(p.received()[0].Body, &b); err != nil {
		t.Fatal(err)
	}
	// The JSON carries the record's values exactly; the receiver escapes
	// for its own markup. Text, a summary, is flattened to one line.
	if b.Detection.UserAgent != hostile || strings.ContainsAny(b.Text, "\r\n") {
		t.Fatalf("body = %+v", b)
	}
}
