package notify

import (
	"context"
	"encoding/json"
	"net/http"
)

// teamsTextMax bounds one TextBlock or fact value, in characters (UTF-16
// code units, as Teams counts them) before escaping.
const teamsTextMax = 1000

// teamsPayloadMax is the size limit of a Teams incoming-webhook message:
// 28 KB of JSON payload, counted in bytes.
const teamsPayloadMax = 28 * 1024

// teams posts an Adaptive Card to a Microsoft Teams incoming webhook (or
// a Workflows webhook, which takes the same payload).
type teams struct {
	name   string
	url    string
	client *http.Client
}

func (t *teams) Name() string { return t.name }

func (t *teams) Send(ctx context.Context, m *Message) error {
	body, err := teamsBody(m)
	if err != nil {
		return &SendError{Channel: t.name, Permanent: true, Err: err}
	}
	return postJSON(ctx, t.client, t.name, t.url, body, nil)
}

// teamsBody is the JSON of the card, its values shortened until the whole
// payload fits Teams' size limit.
func teamsBody(m *Message) ([]byte, error) {
	for max := teamsTextMax; ; max /= 2 {
		body, err := json.Marshal(teamsPayload(m, max))
		if err != nil || len(body) <= teamsPayloadMax || max < 16 {
			return body, err
		}
	}
}

// teamsPayload renders the card, each value at most max characters. Values are markdown-escaped: TextBlock
// and FactSet render a markdown subset, so an unescaped value could
// forge a link or emphasis. The only link is the console link orgrail
// builds, given as an OpenUrl action.
func teamsPayload(m *Message, max int) map[string]any {
	facts := []map[string]string{}
	for _, f := range m.Fields() {
		facts = append(facts, map[string]string{"title": f.Label, "value": teamsEscape(f.Value, max)})
	}
	style := "default"
	if m.Event.Severity >= 3 {
		style = "attention"
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body": []any{
			map[string]any{"type": "TextBlock", "text": teamsEscape(m.Headline(), max), "weight": "Bolder", "size": "Medium", "wrap": true, "color": map[bool]string{true: "Attention", false: "Default"}[style == "attention"]},
			map[string]any{"type": "FactSet", "facts": facts},
		},
	}
	if link := m.Event.ConsoleLink(); link != "" {
		card["actions"] = []any{map[string]any{"type": "Action.OpenUrl", "title": "Open in the AWS console", "url": link}}
	}
	return map[string]any{
		"type": "message",
		"attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"content":     card,
		}},
	}
}
