package notify

import (
	"html"
	"strings"
)

// slackEscape makes s safe inside Slack mrkdwn: &, < and > become
// entities (so "<!channel>", "<@U1>" and "<http://x|y>" stay text), and
// the formatting characters *, _, ~ and ` are followed by a zero-width
// joiner-free invisible separator so they cannot open bold, italics,
// strike-through or code. The text is flattened to one line.
func slackEscape(s string, max int) string {
	s = oneLine(s, max)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '*', '_', '~', '`':
			// U+02CB-like look-alikes would change the text; instead the
			// character is kept and isolated with a word joiner (U+2060),
			// which Slack does not treat as a formatting boundary.
			b.WriteRune(r)
			b.WriteRune('\u2060')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// slackPlain makes s safe for a Slack plain_text object: Slack does not
// parse markup there, so only flattening and length apply.
func slackPlain(s string, max int) string { return oneLine(s, max) }

// teamsMarkdown is the set of characters Teams' markdown subset gives a
// meaning to; each is escaped with a backslash.
const teamsMarkdown = "\\`*_{}[]()#+-.!|~<>&"

// teamsEscape makes s safe inside a Teams Adaptive Card TextBlock or
// FactSet value: markdown characters are backslash-escaped (no bold,
// links or fake lists) and the text is flattened to one line.
func teamsEscape(s string, max int) string {
	s = oneLine(s, max)
	var b strings.Builder
	for _, r := range s {
		if r < 128 && strings.ContainsRune(teamsMarkdown, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// htmlEscape makes s safe as HTML text, flattened to one line.
func htmlEscape(s string, max int) string { return html.EscapeString(oneLine(s, max)) }
