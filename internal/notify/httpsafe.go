package notify

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// InsecureHTTPEnv names the environment variable that, set to 1, lets
// channels post to plain http:// URLs. It exists for local test
// receivers; channel URLs are https:// otherwise.
const InsecureHTTPEnv = "ORGRAIL_ALLOW_INSECURE_HTTP"

// MaxResponseBody is how much of a channel's HTTP answer is read; a
// longer answer fails the attempt (and is retried as usual).
const MaxResponseBody = 1 << 20

// errBodyTooLarge fails the read of an answer longer than MaxResponseBody.
var errBodyTooLarge = fmt.Errorf("answer longer than %d bytes", MaxResponseBody)

// safeClient returns a copy of c that does not follow redirects (a 3xx
// answer is a failed delivery: the message is retried, then parked, as
// for any failure) and reads at most MaxResponseBody of any answer. A
// webhook URL is a secret: a redirect would carry the signed body and
// the delivery to wherever the answer points.
func safeClient(c *http.Client) *http.Client {
	if _, done := c.Transport.(capBody); done {
		return c
	}
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = capBody{base}
	return &cp
}

// capBody is a RoundTripper whose answers' bodies end with an error
// after MaxResponseBody bytes.
type capBody struct{ base http.RoundTripper }

func (c capBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if resp != nil && resp.Body != nil {
		resp.Body = &cappedBody{rc: resp.Body, left: MaxResponseBody}
	}
	return resp, err
}

type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, errBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// checkURL validates a channel URL without ever quoting it (it may hold
// a token): what names where it came from ("url", "the variable X").
func checkURL(channel, what, raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("channel %s: %s is not a valid URL: %v", channel, what, err)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowHTTP:
	case u.Scheme == "http":
		return fmt.Errorf("channel %s: %s is a plain http:// URL; channels post over https:// (set %s=1 only for a local test receiver)", channel, what, InsecureHTTPEnv)
	default:
		return fmt.Errorf("channel %s: %s is not an https:// URL", channel, what)
	}
	if u.Host == "" {
		return fmt.Errorf("channel %s: %s has no host", channel, what)
	}
	return nil
}

// redactor removes a channel's secret URL (and its path and query, as
// an error may quote them alone or re-encoded) from error texts.
type redactor []string

func newRedactor(secrets ...string) redactor {
	var r redactor
	for _, s := range secrets {
		if s == "" {
			continue
		}
		r = append(r, s)
		if u, err := url.Parse(s); err == nil {
			for _, part := range []string{u.EscapedPath(), u.Path, u.RawQuery} {
				if len(part) >= 8 {
					r = append(r, part)
				}
			}
		}
	}
	return r
}

func (r redactor) text(s string) string {
	for _, secret := range r {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	return s
}

// err returns err with the secrets replaced in its text, keeping a
// *SendError's classification.
func (r redactor) err(err error) error {
	if err == nil || len(r) == 0 {
		return err
	}
	msg := err.Error()
	clean := r.text(msg)
	if clean == msg {
		return err
	}
	var se *SendError
	if errors.As(err, &se) {
		cp := *se
		cp.Err = errors.New(r.text(se.Err.Error()))
		return &cp
	}
	return errors.New(clean)
}

// consoleHosts are the AWS console's hosts per partition; a link taken
// from input is kept only when it points at one of them (or a regional
// subdomain, eu-west-1.console.aws.amazon.com).
var consoleHosts = []string{"console.aws.amazon.com", "console.amazonaws.cn", "console.amazonaws-us-gov.com"}

// consoleURL reports whether link is an https:// URL of the AWS console.
func consoleURL(link string) bool {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" {
		return false
	}
	if strings.ContainsAny(link, "\x00\r\n\t <>|\"\\") {
		return false
	}
	host := strings.ToLower(u.Host)
	if u.Port() != "" {
		return false
	}
	for _, h := range consoleHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}
