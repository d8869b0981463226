package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// jaTitle is the Japanese title of the built-in detection
// cloudtrail-stop-logging in the message catalog.
const jaTitle = "CloudTrail のログ記録が停止された"

func stopLoggingEvent() *Event {
	e := sampleEvent("ja-1")
	e.DetectionID, e.Title = "cloudtrail-stop-logging", "CloudTrail logging stopped"
	e.EventName, e.EventSource = "StopLogging", "cloudtrail.amazonaws.com"
	return e
}

// TestSNSSubjectStaysASCII publishes through the SDK to the local SNS:
// a Japanese channel, and an English channel carrying a custom detection
// titled in Japanese, both get a printable ASCII subject of at most 100
// characters (SNS subjects are ASCII; Japanese used to become "???"),
// and the Japanese headline travels in the UTF-8 body.
func TestSNSSubjectStaysASCII(t *testing.T) {
	srv, cfg := startAWS(t)
	ctx := context.Background()
	sc := sns.NewFromConfig(cfg)
	topic, err := sc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts-ja")})
	skipIfNotServed(t, err)
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(topic.TopicArn)
	custom := sampleEvent("ja-2")
	custom.DetectionID, custom.Title, custom.Source = "社内-検出", "本番アカウントでの不審な操作", "custom"
	cases := []struct {
		lang  string
		event *Event
		body  string
	}{
		{"ja", stopLoggingEvent(), jaTitle},
		{"en", custom, custom.Title},
		{"", stopLoggingEvent(), "CloudTrail logging stopped"},
		{"ja", hostileEvent(), ""},
	}
	for i, c := range cases {
		ch, err := NewChannel(&ChannelConfig{Name: "sns", Type: "sns", TopicARN: arn, Lang: c.lang}, Options{SNS: sc})
		if err != nil {
			t.Fatal(err)
		}
		if err := ch.Send(ctx, &Message{ID: "m", Event: *c.event, Count: 3, Lane: LaneTriage}); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		got := srv.ServeSNS().Published(arn)
		if len(got) != i+1 {
			t.Fatalf("case %d: %d published", i, len(got))
		}
		subj := got[i].Subject
		if subj == "" || len(subj) > 100 || strings.Contains(subj, "???") {
			t.Errorf("case %d: subject %q", i, subj)
		}
		for j := 0; j < len(subj); j++ {
			if subj[j] < 0x20 || subj[j] > 0x7e {
				t.Errorf("case %d: subject %q has byte %#x", i, subj, subj[j])
			}
		}
		var b WebhookBody
		if err := json.Unmarshal([]byte(got[i].Message), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.Text, c.body) {
			t.Errorf("case %d: body text %q lacks %q", i, b.Text, c.body)
		}
	}
	if s := srv.ServeSNS().Published(arn)[0].Subject; s != "[HIGH] orgrail detection cloudtrail-stop-logging in 111122223333 (x3) - triage" {
		t.Errorf("Japanese channel subject %q", s)
	}
	if s := srv.ServeSNS().Published(arn)[2].Subject; s != "[HIGH] CloudTrail logging stopped (x3) - triage" {
		t.Errorf("English channel subject %q", s)
	}
}

// TestEmailJapanese sends a Japanese message over SMTP and reads it back
// with net/mail and mime/multipart as the oracle: the subject decodes
// (RFC 2047) to the Japanese headline, no header line passes 78
// characters, and both parts are UTF-8 text holding the Japanese labels.
func TestEmailJapanese(t *testing.T) {
	s := newSMTPServer(t, false)
	ch, err := NewChannel(&ChannelConfig{Name: "mail", Type: "email", Addr: s.ln.Addr().String(), Lang: "ja",
		From: "orgrail <orgrail@example.com>", To: []string{"soc@example.com"}, CAFile: s.caFile}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := &Message{ID: "id-ja", Event: *stopLoggingEvent(), Count: 1}
	m.Event.Title = "CloudTrail logging stopped"
	if err := ch.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	got := s.received()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	head, _, _ := strings.Cut(strings.ReplaceAll(got[0].Data, "\r\n", "\n"), "\n\n")
	inSubject := false
	for _, line := range strings.Split(head, "\n") {
		inSubject = strings.HasPrefix(line, "Subject:") || inSubject && strings.HasPrefix(line, " ")
		if inSubject && len(line) > 78 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
	}
	msg, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(got[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "[高] " + jaTitle; subject != want {
		t.Errorf("subject %q, want %q", subject, want)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	parts := 0
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		parts++
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if cp["charset"] != "utf-8" || p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part %s: charset %q, encoding %q", ct, cp["charset"], p.Header.Get("Content-Transfer-Encoding"))
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(body) {
			t.Errorf("part %s is not UTF-8", ct)
		}
		for _, want := range []string{jaTitle, "アカウント", "実行者", "StopLogging (cloudtrail.amazonaws.com)"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("part %s lacks %q:\n%s", ct, want, body)
			}
		}
	}
	if parts != 2 {
		t.Errorf("%d parts, want 2", parts)
	}
}

func TestEncodeSubjectRoundTrips(t *testing.T) {
	for _, s := range []string{
		"[HIGH] CloudTrail logging stopped",
		"[高] " + strings.Repeat("セキュリティグループがインターネットに開放された", 4),
		"plain =?utf-8?q?not-a-word?= text",
		"[重大] 😀 emoji and ASCII mixed " + strings.Repeat("x", 120),
	} {
		enc := encodeSubject(s)
		for _, line := range strings.Split(enc, "\r\n") {
			if len("Subject: ")+len(line) > 78+len("Subject: ") || len(line) > 78 {
				t.Errorf("line %q too long", line)
			}
		}
		msg, err := mail.ReadMessage(strings.NewReader("Subject: " + enc + "\r\n\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || got != s {
			t.Errorf("subject %q came back as %q (%v); encoded %q", s, got, err, enc)
		}
	}
}

// TestSlackAndTeamsJapanese checks that Japanese channels render titles
// and labels in Japanese and English channels stay English.
func TestSlackAndTeamsJapanese(t *testing.T) {
	for _, typ := range []string{"slack", "teams", "webhook"} {
		p := newPeer(t)
		ch, err := NewChannel(&ChannelConfig{Name: typ, Type: typ, URL: p.URL, Lang: "ja"}, Options{AllowInsecureHTTP: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := ch.Send(context.Background(), &Message{ID: "1", Event: *stopLoggingEvent(), Count: 1}); err != nil {
			t.Fatal(err)
		}
		body := string(p.received()[0].Body)
		if !strings.Contains(body, jaTitle) {
			t.Errorf("%s body lacks the Japanese title:\n%s", typ, body)
		}
		if typ != "webhook" && !strings.Contains(body, "アカウント") {
			t.Errorf("%s body lacks the Japanese labels:\n%s", typ, body)
		}
	}
	m := &Message{Event: *stopLoggingEvent(), Count: 1}
	if h := m.Headline(); h != "[HIGH] CloudTrail logging stopped" {
		t.Errorf("English headline %q", h)
	}
}

func TestChannelLangChecked(t *testing.T) {
	_, err := DecodeYAML("n.yaml", []byte("lang: ja\nchannels:\n  a: {type: webhook, url: https://example.com/h, lang: fr}\n  b: {type: webhook, url: https://example.com/h}\n"))
	if err == nil || !strings.Contains(err.Error(), `channel "a": lang`) {
		t.Fatalf("err = %v, want the bad lang of channel a named", err)
	}
	c, err := DecodeYAML("n.yaml", []byte("lang: ja\nchannels:\n  b: {type: webhook, url: https://example.com/h}\n"))
	if err != nil || c.Channels["b"].Lang != "ja" {
		t.Fatalf("section lang not inherited: %v %+v", err, c)
	}
}
