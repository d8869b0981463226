package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/orgrail/orgrail/internal/detect"
	"github.com/orgrail/orgrail/internal/i18n"
	"github.com/orgrail/orgrail/internal/severity"
)

// Message is what a channel renders: one detection, or the first of a
// group of alike detections with their count.
type Message struct {
	// ID is the outbox id; receivers may use it to drop repeats.
	ID    string `json:"id"`
	Event Event  `json:"event"`
	// Count is how many alike detections the message stands for (>= 1).
	Count int `json:"count"`
	// Window is how long the group collected (grouped messages only).
	Window time.Duration `json:"-"`
	// Lane is automatic or triage.
	Lane string `json:"lane"`

	// lang is the language the channel renders the message in ("" is
	// English); set per channel, never stored.
	lang i18n.Lang
}

// Lang returns the language the message renders in.
func (m *Message) Lang() i18n.Lang {
	if m.lang == "" {
		return i18n.En
	}
	return m.lang
}

// Title returns the detection's title in the message's language.
func (m *Message) Title() string {
	return detect.Title(m.Lang(), m.Event.DetectionID, m.Event.Title)
}

// Field is one labelled line of a message. Values are untrusted text.
type Field struct {
	Label string
	Value string
}

// Headline returns the message's one-line summary: severity, title and,
// for a group, the count. The title comes from the rule, not the record,
// but is still treated as untrusted text by every renderer.
func (m *Message) Headline() string {
	l := m.Lang()
	s := fmt.Sprintf("[%s] %s", m.severityLabel(), m.Title())
	if m.Count > 1 {
		if m.Window > 0 {
			s += i18n.T(l, "notify.group_window", m.Count, m.Window.String())
		} else {
			s += i18n.T(l, "notify.group", m.Count)
		}
	}
	if m.Lane == LaneTriage {
		s += i18n.T(l, "notify.triage")
	}
	return s
}

// severityLabel is the severity as the headline shows it: upper case in
// English, the Security Hub console's word in Japanese.
func (m *Message) severityLabel() string {
	sev := m.Event.Severity.String()
	if m.Lang() == i18n.En || !i18n.Has("severity."+sev) {
		return strings.ToUpper(sev)
	}
	return i18n.T(m.Lang(), "severity."+sev)
}

// Fields returns the labelled lines every channel shows: account name and
// id, OU, region, who, what, when, and what else the record says.
func (m *Message) Fields() []Field {
	e := &m.Event
	l := m.Lang()
	label := func(k string) string { return i18n.T(l, "notify.field."+k) }
	acct := e.Account
	if e.AccountName != "" {
		acct = fmt.Sprintf("%s (%s)", e.AccountName, e.Account)
	}
	what := e.EventName
	if e.EventSource != "" {
		what = i18n.T(l, "notify.what_on", e.EventName, e.EventSource)
	}
	when := ""
	if !e.EventTime.IsZero() {
		when = e.EventTime.UTC().Format(time.RFC3339)
	}
	fs := []Field{
		{label("account"), acct}, {label("ou"), e.OU}, {label("region"), e.Region},
		{label("who"), e.Principal}, {label("what"), what}, {label("when"), when},
		{label("source_ip"), e.SourceIP}, {label("user_agent"), e.UserAgent},
	}
	if e.ErrorCode != "" || e.Error != "" {
		fs = append(fs, Field{label("error"), strings.TrimSpace(e.ErrorCode + " " + e.Error)})
	}
	if len(e.Resources) > 0 {
		fs = append(fs, Field{label("resources"), strings.Join(e.Resources, ", ")})
	}
	det := e.DetectionID
	if e.Author != "" {
		det = i18n.T(l, "notify.by_author", det, e.Author)
	}
	if e.NistCSF != "" {
		det += " · NIST CSF " + e.NistCSF
	}
	fs = append(fs, Field{label("detection"), det}, Field{label("event_id"), e.EventID})
	out := fs[:0]
	for _, f := range fs {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}

// SeverityColor returns a colour for the severity, as #rrggbb.
func SeverityColor(l severity.Level) string {
	switch l {
	case severity.Critical:
		return "#8b0000"
	case severity.High:
		return "#d9534f"
	case severity.Medium:
		return "#f0ad4e"
	case severity.Low:
		return "#5bc0de"
	}
	return "#999999"
}

// oneLine flattens s to a single line of printable text at most max
// characters long, the ellipsis of a cut included: control characters
// (CR, LF, tabs, escapes), bidirectional overrides and zero-width
// characters become spaces or vanish, so a value can neither start a new
// line (a fake header or a fake message) nor reorder what the reader
// sees. Characters are counted as UTF-16 code units, as Slack and Teams
// (JavaScript strings) count them, so a character outside the Basic
// Multilingual Plane counts two; the cut falls between characters, never
// inside a multi-byte rune or a surrogate pair.
func oneLine(s string, max int) string {
	var b strings.Builder
	n := 0
	cut := -1 // length of b where the text still leaves room for "…"
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			r = '?'
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			r = ' '
		case unicode.Is(unicode.Cf, r): // format: bidi overrides, zero-width joiners
			continue
		}
		w := utf16.RuneLen(r)
		if n+w > max-1 && cut < 0 {
			cut = b.Len()
		}
		if n+w > max {
			out := b.String()[:cut]
			return out + "…"
		}
		b.WriteRune(r)
		n += w
	}
	return b.String()
}
