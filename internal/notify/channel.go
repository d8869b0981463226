package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/orgrail/orgrail/internal/i18n"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"strconv"
	"time"
)

// Channel sends messages to one destination. Implementations are safe
// for concurrent use.
type Channel interface {
	// Name is the channel's name in the configuration.
	Name() string
	// Send delivers one message. A failure is a *SendError when the
	// channel can say whether and when to retry.
	Send(ctx context.Context, m *Message) error
}

// SendError is a failed delivery, classified for the outbox.
type SendError struct {
	Channel string
	// Status is the HTTP status (or SMTP reply code) when there was one.
	Status int
	// RetryAfter is the delay the destination asked for (Retry-After,
	// Slack rate limits); zero when it did not say.
	RetryAfter time.Duration
	// Permanent is set when retrying cannot help (the webhook is gone,
	// the credentials are refused): the message is parked at once.
	Permanent bool
	Err       error
}

func (e *SendError) Error() string {
	s := "channel " + e.Channel + ": "
	if e.Status != 0 {
		s += fmt.Sprintf("status %d: ", e.Status)
	}
	return s + e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }

// Options are what channels need from their surroundings.
type Options struct {
	// HTTPClient sends webhook requests; default a client with a 15 s timeout.
	HTTPClient *http.Client
	// Getenv reads secrets; default os.Getenv.
	Getenv func(string) string
	// SNS publishes to SNS topics; required for sns channels.
	SNS SNSPublisher
	// AllowInsecureHTTP lets channels post to plain http:// URLs (local
	// test receivers); so does InsecureHTTPEnv=1 in the environment.
	AllowInsecureHTTP bool
	// Secrets resolves the *Secret references (Secrets Manager, SSM);
	// required when a channel has one. AWSSecrets caches what it reads.
	Secrets SecretResolver
}

// SecretResolver returns the value of a secret reference.
type SecretResolver interface {
	Resolve(ref string) (string, error)
}

func (o *Options) defaults() {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	o.HTTPClient = safeClient(o.HTTPClient)
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Getenv(InsecureHTTPEnv) == "1" {
		o.AllowInsecureHTTP = true
	}
}

// NewChannels builds every channel of the configuration.
func NewChannels(c *Config, o Options) (map[string]Channel, error) {
	o.defaults()
	out := map[string]Channel{}
	for name, cc := range c.Channels {
		ch, err := NewChannel(cc, o)
		if err != nil {
			return nil, err
		}
		out[name] = ch
	}
	return out, nil
}

// NewChannel builds one channel from its configuration. A channel whose
// lang is not English renders its messages in that language.
func NewChannel(cc *ChannelConfig, o Options) (Channel, error) {
	ch, err := newChannel(cc, o)
	if err != nil || cc.Lang == "" {
		return ch, err
	}
	l, err := i18n.Parse(cc.Lang)
	if err != nil {
		return nil, fmt.Errorf("channel %s: lang: %w", cc.Name, err)
	}
	if l == i18n.En {
		return ch, nil
	}
	return &langChannel{Channel: ch, lang: l}, nil
}

// langChannel renders the messages of a channel in its language.
type langChannel struct {
	Channel
	lang i18n.Lang
}

// Send sends a copy of m that renders in the channel's language.
func (c *langChannel) Send(ctx context.Context, m *Message) error {
	cp := *m
	cp.lang = c.lang
	return c.Channel.Send(ctx, &cp)
}

func newChannel(cc *ChannelConfig, o Options) (Channel, error) {
	o.defaults()
	secret := func(v, env string, ref ...string) (string, error) {
		if len(ref) > 0 && ref[0] != "" {
			if o.Secrets == nil {
				return "", fmt.Errorf("channel %s: %s: no AWS secrets client", cc.Name, ref[0])
			}
			s, err := o.Secrets.Resolve(ref[0])
			if err != nil {
				return "", fmt.Errorf("channel %s: reading secret %s: %w", cc.Name, ref[0], err)
			}
			if s == "" {
				return "", fmt.Errorf("channel %s: secret %s is empty", cc.Name, ref[0])
			}
			return s, nil
		}
		if env == "" {
			return v, nil
		}
		s := o.Getenv(env)
		if s == "" {
			return "", fmt.Errorf("channel %s: environment variable %s is empty", cc.Name, env)
		}
		return s, nil
	}
	urlFrom := "url"
	switch {
	case cc.URLSecret != "":
		urlFrom = "the secret " + cc.URLSecret
	case cc.URLEnv != "":
		urlFrom = "the value of " + cc.URLEnv
	}
	switch cc.Type {
	case "slack", "teams", "webhook":
		url, err := secret(cc.URL, cc.URLEnv, cc.URLSecret)
		if err != nil {
			return nil, err
		}
		if err := checkURL(cc.Name, urlFrom, url, o.AllowInsecureHTTP); err != nil {
			return nil, err
		}
		switch cc.Type {
		case "slack":
			return &slackWebhook{name: cc.Name, url: url, client: o.HTTPClient}, nil
		case "teams":
			return &teams{name: cc.Name, url: url, client: o.HTTPClient}, nil
		}
		key, err := secret("", cc.SecretEnv, cc.SecretSecret)
		if err != nil {
			return nil, err
		}
		return newWebhook(cc, url, key, o.HTTPClient), nil
	case "slack-api":
		token, err := secret("", cc.TokenEnv, cc.TokenSecret)
		if err != nil {
			return nil, err
		}
		if cc.URL != "" {
			if err := checkURL(cc.Name, urlFrom, cc.URL, o.AllowInsecureHTTP); err != nil {
				return nil, err
			}
		}
		return newSlackAPI(cc, token, o.HTTPClient), nil
	case "sns":
		if o.SNS == nil {
			return nil, fmt.Errorf("channel %s: no SNS client", cc.Name)
		}
		return &snsChannel{name: cc.Name, topic: cc.TopicARN, client: o.SNS}, nil
	case "email":
		user, err := secret("", cc.UsernameEnv, cc.UsernameSecret)
		if err != nil {
			return nil, err
		}
		pass, err := secret("", cc.PasswordEnv, cc.PasswordSecret)
		if err != nil {
			return nil, err
		}
		return newEmail(cc, user, pass)
	}
	return nil, fmt.Errorf("channel %s: unknown type %q", cc.Name, cc.Type)
}

// httpError classifies an HTTP answer that is not a success. Retry-After
// is read in seconds or as an HTTP date.
func httpError(channel string, resp *http.Response) *SendError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	e := &SendError{Channel: channel, Status: resp.StatusCode, Err: fmt.Errorf("%s: %s", resp.Status, oneLine(string(body), 200))}
	e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusRequestTimeout,
		resp.StatusCode == http.StatusTooEarly, resp.StatusCode >= 500:
	case resp.StatusCode >= 400:
		e.Permanent = true
	}
	return e
}

func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// transportError wraps a failure to reach the destination (refused,
// reset, timed out): always worth retrying.
func transportError(channel string, err error) *SendError {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	// A *url.Error names the URL, which for webhooks is a secret.
	var ue *neturl.Error
	if errors.As(err, &ue) {
		err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return &SendError{Channel: channel, Err: err}
}

// postJSON posts body and classifies the answer.
func postJSON(ctx context.Context, client *http.Client, channel, url string, body []byte, header http.Header) error {
	red := newRedactor(url)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is a secret: never quoted
		}
		return red.err(&SendError{Channel: channel, Permanent: true, Err: fmt.Errorf("bad URL: %w", err)})
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return red.err(transportError(channel, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return red.err(httpError(channel, resp))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return nil
}
