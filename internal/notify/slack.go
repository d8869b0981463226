package notify

import (
	"context"
	"errors"
	"fmt"
	"github.com/orgrail/orgrail/internal/i18n"
	"net/http"
	"strings"

	"github.com/slack-go/slack"
)

// Slack limits: a header's plain text is at most 150 characters, a
// section field at most 2000.
const (
	slackHeaderMax = 150
	slackFieldMax  = 1900
)

// slackBlocks renders a message as Block Kit blocks. Every value from the
// record goes into plain_text objects, which Slack shows as typed: no
// mentions, links or formatting can be forged through them. The link to
// the event is built by orgrail and is the only mrkdwn.
func slackBlocks(m *Message) []slack.Block {
	header := slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, slackPlain(m.Headline(), slackHeaderMax), false, false))
	var fields []*slack.TextBlockObject
	for _, f := range m.Fields() {
		fields = append(fields, slack.NewTextBlockObject(slack.PlainTextType, slackPlain(f.Label+": "+f.Value, slackFieldMax), false, false))
	}
	blocks := []slack.Block{header}
	// A section holds at most 10 fields.
	for len(fields) > 0 {
		n := min(10, len(fields))
		blocks = append(blocks, slack.NewSectionBlock(nil, fields[:n], nil))
		fields = fields[n:]
	}
	if link := m.Event.ConsoleLink(); link != "" {
		txt := fmt.Sprintf("<%s|Open the event in the AWS console>", slackLink(link))
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, txt, false, true)))
	}
	return blocks
}

// slackFallback is the notification text shown where blocks are not
// (push notifications); it is mrkdwn, so it is escaped.
func slackFallback(m *Message) string {
	acct := m.Event.AccountName
	if acct == "" {
		acct = m.Event.Account
	}
	return slackEscape(i18n.T(m.Lang(), "notify.in_account", m.Headline(), acct, m.Event.Region), 300)
}

// slackLink makes an orgrail-built URL safe between < and |: the
// characters that would end the link are percent-encoded.
func slackLink(u string) string {
	return strings.NewReplacer("<", "%3C", ">", "%3E", "|", "%7C", " ", "%20").Replace(u)
}

// slackWebhook posts to a Slack incoming webhook.
type slackWebhook struct {
	name   string
	url    string
	client *http.Client
}

func (s *slackWebhook) Name() string { return s.name }

func (s *slackWebhook) Send(ctx context.Context, m *Message) error {
	no := false
	msg := &slack.WebhookMessage{
		Text:        slackFallback(m),
		Blocks:      &slack.Blocks{BlockSet: slackBlocks(m)},
		UnfurlLinks: &no,
		UnfurlMedia: &no,
	}
	err := slack.PostWebhookCustomHTTPContext(ctx, s.url, s.client, msg)
	return newRedactor(s.url).err(slackError(s.name, err))
}

// slackAPI posts with chat.postMessage of the Slack Web API.
type slackAPI struct {
	name    string
	channel string
	api     *slack.Client
	redact  redactor
}

func newSlackAPI(cc *ChannelConfig, token string, client *http.Client) *slackAPI {
	opts := []slack.Option{slack.OptionHTTPClient(client)}
	if cc.URL != "" {
		u := strings.TrimSuffix(cc.URL, "/") + "/"
		opts = append(opts, slack.OptionAPIURL(u))
	}
	return &slackAPI{name: cc.Name, channel: cc.Channel, api: slack.New(token, opts...), redact: newRedactor(token)}
}

func (s *slackAPI) Name() string { return s.name }

func (s *slackAPI) Send(ctx context.Context, m *Message) error {
	_, _, err := s.api.PostMessageContext(ctx, s.channel,
		slack.MsgOptionText(slackFallback(m), false),
		slack.MsgOptionBlocks(slackBlocks(m)...),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	)
	return s.redact.err(slackError(s.name, err))
}

// slackAPIPermanent are Web API errors that retrying cannot fix.
var slackAPIPermanent = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "invalid_auth": true, "account_inactive": true,
	"token_revoked": true, "no_permission": true, "is_archived": true, "missing_scope": true,
	"not_authed": true, "invalid_blocks": true, "msg_too_long": true,
}

// slackError classifies slack-go's errors: rate limits carry their
// Retry-After, HTTP statuses follow the usual rules, and Web API error
// codes are permanent when they name a configuration problem.
func slackError(channel string, err error) error {
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &SendError{Channel: channel, Status: http.StatusTooManyRequests, RetryAfter: rl.RetryAfter, Err: err}
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		e := &SendError{Channel: channel, Status: sc.Code, Err: err}
		e.Permanent = sc.Code >= 400 && sc.Code < 500 && sc.Code != 408 && sc.Code != 429
		return e
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return &SendError{Channel: channel, Permanent: slackAPIPermanent[se.Err], Err: err}
	}
	if slackAPIPermanent[err.Error()] {
		return &SendError{Channel: channel, Permanent: true, Err: err}
	}
	return transportError(channel, err)
}
