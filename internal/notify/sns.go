package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
		Subject:  aws.String(snsSubject(m)),
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

// snsSubject makes the SNS subject of m: printable ASCII only, no line
// breaks, at most 100 characters, as SNS requires (e-mail subscribers
// see it as the Subject header; SNS rejects anything else, and a subject
// forced into ASCII turns Japanese into "???"). An ASCII headline is the
// subject; any other (a Japanese channel, a custom detection titled in
// Japanese) gets a short ASCII subject of severity, detection id,
// account and count, and the headline stays in the UTF-8 body.
func snsSubject(m *Message) string {
	h := strings.NewReplacer("×", "x", "—", "-").Replace(oneLine(m.Headline(), 200))
	if printableASCII(h) {
		return truncateASCII(h, 100)
	}
	e := &m.Event
	s := fmt.Sprintf("[%s] orgrail detection %s", strings.ToUpper(e.Severity.String()), asciiToken(e.DetectionID))
	if acct := asciiToken(e.Account); acct != "" {
		s += " in " + acct
	}
	if m.Count > 1 {
		s += fmt.Sprintf(" (x%d)", m.Count)
	}
	if m.Lane == LaneTriage {
		s += " - triage"
	}
	return truncateASCII(s, 100)
}

// printableASCII reports whether s is printable ASCII (space to tilde).
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// asciiToken keeps the characters of an id that are safe in a subject
// (letters, digits, . _ : - /), or "?" when none is.
func asciiToken(s string) string {
	t := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("._:-/", r):
			return r
		}
		return -1
	}, s)
	if t == "" && s != "" {
		return "?"
	}
	return t
}

// truncateASCII cuts printable ASCII s to max bytes and trims it.
func truncateASCII(s string, max int) string {
	if len(s) > max {
		s = s[:max]
	}
	return strings.TrimSpace(s)
}
