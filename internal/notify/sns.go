package notify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"
)

// SNSPublisher is the part of the SNS client a channel uses.
type SNSPublisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// snsChannel publishes the webhook JSON body to an SNS topic, with the
// headline as subject.
type snsChannel struct {
	name   string
	topic  string
	client SNSPublisher
}

func (s *snsChannel) Name() string { return s.name }

func (s *snsChannel) Send(ctx context.Context, m *Message) error {
	body, err := json.Marshal(WebhookBody{ID: m.ID, Text: oneLine(m.Headline(), 500), Count: m.Count, Lane: m.Lane, Link: m.Event.ConsoleLink(), Detection: m.Event.withSafeLink()})
	if err != nil {
		return &SendError{Channel: s.name, Permanent: true, Err: err}
	}
	_, err = s.client.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(s.topic),
		Subject:  aws.String(snsSubject(m.Headline())),
		Message:  aws.String(string(body)),
	})
	if err == nil {
		return nil
	}
	e := &SendError{Channel: s.name, Err: err}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NotFound", "AuthorizationError", "InvalidParameter", "KMSDisabled", "KMSNotFound", "KMSAccessDenied", "InvalidSecurity":
			e.Permanent = true
		}
	}
	return e
}

// snsSubject makes an SNS subject: printable ASCII only, no line breaks,
// at most 100 characters, as SNS requires (e-mail subscribers see it as
// the Subject header).
func snsSubject(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s, 200) {
		switch {
		case r == '×':
			b.WriteByte('x')
		case r == '—':
			b.WriteByte('-')
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
		if b.Len() >= 100 {
			break
		}
	}
	return strings.TrimSpace(b.String())
}
