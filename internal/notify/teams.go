package notify

import (
	"context"
	"encoding/json"
	"net/http"
)

// teamsTextMax bounds one TextBlock or fact value.
const teamsTextMax = 1000

// teams posts an Adaptive Card to a Microsoft Teams incoming webhook (or
// a Workflows webhook, which takes the same payload).
type teams struct {
	name   string
	url    string
	client *http.Client
}

func (t *teams) Name() string { return t.name }

func (t *teams) Send(ctx context.Context, m *Message) error {
	body, err := json.Marshal(teamsPayload(m))
	if err != nil {
		return &SendError{Channel: t.name, Permanent: true, Err: err}
	}
	return postJSON(ctx, t.client, t.name, t.url, body, nil)
}

// teamsPayload renders the card. Values are markdown-escaped: TextBlock
// and FactSet render a markdown subset, so an unescaped value could
// forge a link or emphasis. The only link is the console link orgrail
// builds, given as an OpenUrl action.
func teamsPayload(m *Message) map[string]any {
	facts := []map[string]string{}
	for _, f := range m.Fields() {
		facts = append(facts, map[string]string{"title": f.Label, "value": teamsEscape(f.Value, teamsTextMax)})
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
			map[string]any{"type": "TextBlock", "text": teamsEscape(m.Headline(), teamsTextMax), "weight": "Bolder", "size": "Medium", "wrap": true, "color": map[bool]string{true: "Attention", false: "Default"}[style == "attention"]},
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
