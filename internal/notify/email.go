package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/orgrail/orgrail/internal/i18n"
	"html"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// email sends messages over SMTP, always upgraded with STARTTLS.
type email struct {
	name     string
	addr     string
	host     string
	from     *mail.Address
	to       []*mail.Address
	user     string
	pass     string
	tls      *tls.Config
	deadline time.Duration
}

func newEmail(cc *ChannelConfig, user, pass string) (*email, error) {
	host, _, err := net.SplitHostPort(cc.Addr)
	if err != nil {
		return nil, fmt.Errorf("channel %s: addr %q: want host:port", cc.Name, cc.Addr)
	}
	from, err := mail.ParseAddress(cc.From)
	if err != nil {
		return nil, fmt.Errorf("channel %s: from %q: %w", cc.Name, cc.From, err)
	}
	e := &email{name: cc.Name, addr: cc.Addr, host: host, from: from, user: user, pass: pass, deadline: 30 * time.Second}
	for _, t := range cc.To {
		a, err := mail.ParseAddress(t)
		if err != nil {
			return nil, fmt.Errorf("channel %s: to %q: %w", cc.Name, t, err)
		}
		e.to = append(e.to, a)
	}
	e.tls = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if cc.CAFile != "" {
		pem, err := os.ReadFile(cc.CAFile)
		if err != nil {
			return nil, fmt.Errorf("channel %s: caFile: %w", cc.Name, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("channel %s: caFile %s holds no PEM certificate", cc.Name, cc.CAFile)
		}
		e.tls.RootCAs = pool
	}
	return e, nil
}

func (e *email) Name() string { return e.name }

func (e *email) Send(ctx context.Context, m *Message) error {
	msg, err := e.compose(m, time.Now())
	if err != nil {
		return &SendError{Channel: e.name, Permanent: true, Err: err}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.addr)
	if err != nil {
		return transportError(e.name, err)
	}
	defer conn.Close()
	dl := time.Now().Add(e.deadline)
	if t, ok := ctx.Deadline(); ok && t.Before(dl) {
		dl = t
	}
	_ = conn.SetDeadline(dl)
	return e.smtpError(e.converse(conn, msg))
}

// converse runs one SMTP session: EHLO, STARTTLS (required), AUTH when
// credentials are set, then the message.
func (e *email) converse(conn net.Conn, msg []byte) error {
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("orgrail"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		return &SendError{Channel: e.name, Permanent: true, Err: errors.New("server does not offer STARTTLS; refusing to send in clear text")}
	}
	if err := c.StartTLS(e.tls); err != nil {
		return &SendError{Channel: e.name, Err: fmt.Errorf("STARTTLS: %w", err)}
	}
	if e.user != "" {
		if err := c.Auth(smtp.PlainAuth("", e.user, e.pass, e.host)); err != nil {
			return err
		}
	}
	if err := c.Mail(e.from.Address); err != nil {
		return err
	}
	for _, t := range e.to {
		if err := c.Rcpt(t.Address); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// smtpError classifies an SMTP failure: 5xx replies are permanent, 4xx
// and broken connections are retried.
func (e *email) smtpError(err error) error {
	if err == nil {
		return nil
	}
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return &SendError{Channel: e.name, Status: tp.Code, Permanent: tp.Code >= 500, Err: err}
	}
	return transportError(e.name, err)
}

// compose builds the RFC 5322 message: a plain-text and an HTML part.
// The subject is flattened (no CR or LF can start a header of its own)
// and MIME-encoded; the body parts are quoted-printable, the HTML part
// HTML-escaped.
func (e *email) compose(m *Message, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	boundary := "orgrail-" + randomHex(12)
	to := make([]string, len(e.to))
	for i, a := range e.to {
		to[i] = a.String()
	}
	hdr := [][2]string{
		{"From", e.from.String()},
		{"To", strings.Join(to, ", ")},
		{"Subject", encodeSubject(oneLine(m.Headline(), 200))},
		{"Date", now.UTC().Format(time.RFC1123Z)},
		{"Message-ID", "<" + headerToken(m.ID) + "." + randomHex(6) + "@orgrail>"},
		{"X-Orgrail-Delivery", headerToken(m.ID)},
		{"MIME-Version", "1.0"},
		{"Content-Type", `multipart/alternative; boundary="` + boundary + `"`},
	}
	for _, h := range hdr {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	var text, htm bytes.Buffer
	text.WriteString(oneLine(m.Headline(), 500) + "\n\n")
	htm.WriteString("<html lang=\"" + string(m.Lang()) + "\"><head><meta charset=\"utf-8\"></head><body><h3>" + htmlEscape(m.Headline(), 500) + "</h3><table>")
	for _, f := range m.Fields() {
		fmt.Fprintf(&text, "%s: %s\n", f.Label, oneLine(f.Value, 2000))
		fmt.Fprintf(&htm, "<tr><th align=\"left\">%s</th><td>%s</td></tr>", html.EscapeString(f.Label), htmlEscape(f.Value, 2000))
	}
	htm.WriteString("</table>")
	if link := m.Event.ConsoleLink(); link != "" {
		text.WriteString("\n" + link + "\n")
		htm.WriteString(`<p><a href="` + html.EscapeString(link) + `">` + html.EscapeString(i18n.T(m.Lang(), "notify.open_console")) + `</a></p>`)
	}
	htm.WriteString("</body></html>")
	for _, p := range []struct {
		ctype string
		body  []byte
	}{{"text/plain; charset=utf-8", text.Bytes()}, {"text/html; charset=utf-8", htm.Bytes()}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, p.ctype)
		qw := quotedprintable.NewWriter(&b)
		if _, err := qw.Write(p.body); err != nil {
			return nil, err
		}
		if err := qw.Close(); err != nil {
			return nil, err
		}
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), nil
}

// headerToken keeps only characters safe in a header token.
func headerToken(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e || r == '<' || r == '>' || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// encodeSubject makes the Subject header of s (one line already): plain
// when s is printable ASCII that cannot be mistaken for an encoded-word,
// else RFC 2047 encoded-words in UTF-8 with B encoding (Japanese text is
// shorter in base64 than in Q), folded so that no line of the header
// exceeds 78 characters (RFC 5322 2.1.1; RFC 2047 limits an encoded-word
// to 75). A word holds whole characters, never half a UTF-8 sequence.
func encodeSubject(s string) string {
	ascii := !strings.Contains(s, "=?")
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] >= 0x20 && s[i] <= 0x7e
	}
	if ascii {
		return foldWords(strings.Fields(s), len("Subject: "))
	}
	// 39 bytes make 52 base64 characters: "=?utf-8?b?" + 52 + "?=" is 64,
	// which fits after "Subject: " on the first line too.
	var words []string
	var chunk []byte
	flush := func() {
		if len(chunk) > 0 {
			words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString(chunk)+"?=")
			chunk = chunk[:0]
		}
	}
	for _, r := range s {
		if len(chunk)+utf8.RuneLen(r) > 39 {
			flush()
		}
		chunk = utf8.AppendRune(chunk, r)
	}
	flush()
	return foldWords(words, len("Subject: "))
}

// foldWords joins words with spaces, starting a continuation line
// (CRLF and a space) before a word that would pass 78 characters; first
// is the length already used on the first line.
func foldWords(words []string, first int) string {
	var b strings.Builder
	n := first
	for i, w := range words {
		if i > 0 {
			if n+1+len(w) > 78 {
				b.WriteString("\r\n ")
				n = 1
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
