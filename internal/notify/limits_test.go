package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// units counts s as Slack and Teams count text: UTF-16 code units.
func units(s string) int { return len(utf16.Encode([]rune(s))) }

// TestOneLineCountsCharacters: a cut text holds at most max characters
// with its ellipsis, counted in UTF-16 code units, and is cut between
// characters (never inside a multi-byte rune or a surrogate pair).
func TestOneLineCountsCharacters(t *testing.T) {
	for _, c := range []struct {
		in  string
		max int
	}{
		{strings.Repeat("a", 200), 150},
		{strings.Repeat("é", 200), 150},             // 2 bytes, 1 unit each
		{strings.Repeat("😀", 200), 150},             // 4 bytes, 2 units (a surrogate pair) each
		{"a" + strings.Repeat("😀", 200), 150},       // the pair would straddle the limit
		{strings.Repeat("日本", 100), 150},            // 3 bytes, 1 unit each
		{strings.Repeat("a", 150), 150},             // fits exactly: no ellipsis
		{strings.Repeat("😀", 75), 150},              // fits exactly
		{strings.Repeat("a", 149) + "😀", 150},       // 151 units: cut
		{"x\r\ny‮z" + strings.Repeat("b", 300), 10}, // flattened first
	} {
		got := oneLine(c.in, c.max)
		if !utf8.ValidString(got) {
			t.Errorf("%q: cut inside a rune: %q", c.in[:8], got)
		}
		if u := units(got); u > c.max {
			t.Errorf("%.12q: %d units, max %d", c.in, u, c.max)
		}
		if units(c.in) <= c.max && !strings.ContainsAny(c.in, "\r\n‮") && got != c.in {
			t.Errorf("%.12q fits but was changed to %.12q", c.in, got)
		}
		if units(c.in) > c.max && !strings.HasSuffix(got, "…") {
			t.Errorf("%.12q: cut without an ellipsis", c.in)
		}
	}
}

// TestSlackHeaderLimit: Slack's header block takes at most 150 characters
// of plain text; the header stays within it, the ellipsis included.
func TestSlackHeaderLimit(t *testing.T) {
	for _, title := range []string{strings.Repeat("T", 400), strings.Repeat("😀", 400), strings.Repeat("ü", 400)} {
		e := sampleEvent("long")
		e.Title = title
		blocks := slackBlocks(&Message{ID: "1", Event: *e, Count: 1})
		h := blocks[0].(*slack.HeaderBlock).Text.Text
		if units(h) > slackHeaderMax || !utf8.ValidString(h) || !strings.HasSuffix(h, "…") {
			t.Errorf("header of %d units (max %d): %.20q", units(h), slackHeaderMax, h)
		}
	}
}

// TestTeamsPayloadLimit: a Teams webhook message is at most 28 KB of
// JSON; long values are shortened until the payload fits.
func TestTeamsPayloadLimit(t *testing.T) {
	e := sampleEvent("big")
	long := strings.Repeat("😀&[x]", 2000)
	for _, f := range []*string{&e.Title, &e.AccountName, &e.OU, &e.Principal, &e.EventName, &e.EventSource,
		&e.SourceIP, &e.UserAgent, &e.ErrorCode, &e.Error, &e.Author, &e.NistCSF, &e.DetectionID} {
		*f = long
	}
	body, err := teamsBody(&Message{ID: "1", Event: *e, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > teamsPayloadMax {
		t.Errorf("payload is %d bytes, Teams takes %d", len(body), teamsPayloadMax)
	}
	if !json.Valid(body) || !utf8.Valid(body) {
		t.Error("payload is not valid UTF-8 JSON")
	}
}
