package notify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a small real SMTP server on loopback that offers
// STARTTLS with a freshly generated certificate and records what it
// receives after the TLS upgrade.
type smtpServer struct {
	ln       net.Listener
	tls      *tls.Config
	caFile   string
	noTLS    bool
	mu       sync.Mutex
	messages []smtpMessage
}

type smtpMessage struct {
	From string
	To   []string
	Data string
	TLS  bool
}

func newSMTPServer(t *testing.T, noTLS bool) *smtpServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "orgrail test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, caFile: ca, noTLS: noTLS, tls: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}}
	go s.accept()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *smtpServer) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(c)
	}
}

func (s *smtpServer) session(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 localhost ESMTP test")
	var msg smtpMessage
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		arg := strings.TrimSpace(strings.TrimPrefix(line, strings.SplitN(line, " ", 2)[0]))
		switch verb {
		case "EHLO", "HELO":
			if s.noTLS || msg.TLS {
				tp.PrintfLine("250 localhost")
			} else {
				tp.PrintfLine("250-localhost")
				tp.PrintfLine("250 STARTTLS")
			}
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c = tc
			tp = textproto.NewConn(tc)
			msg.TLS = true
		case "MAIL":
			msg.From = arg
			tp.PrintfLine("250 ok")
		case "RCPT":
			msg.To = append(msg.To, arg)
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go on")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			msg.Data = string(b)
			s.mu.Lock()
			s.messages = append(s.messages, msg)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 unknown")
		}
	}
}

func (s *smtpServer) received() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.messages...)
}

func emailChannel(t *testing.T, s *smtpServer) Channel {
	t.Helper()
	ch, err := NewChannel(&ChannelConfig{Name: "mail", Type: "email", Addr: s.ln.Addr().String(),
		From: "orgrail <orgrail@example.com>", To: []string{"soc@example.com"}, CAFile: s.caFile}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestEmailOverSTARTTLS(t *testing.T) {
	s := newSMTPServer(t, false)
	e := sampleEvent("e1")
	e.UserAgent = hostile
	e.Principal = "x\r\nBcc: victim@example.com"
	m := &Message{ID: "id1", Event: *e, Count: 1, Lane: LaneAutomatic}
	m.Event.Title = "Title\r\nBcc: injected@example.com"
	if err := emailChannel(t, s).Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	got := s.received()
	if len(got) != 1 || !got[0].TLS {
		t.Fatalf("messages %+v: want one, sent after STARTTLS", got)
	}
	head, body, _ := strings.Cut(got[0].Data, "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		name, _, _ := strings.Cut(line, ":")
		switch name {
		case "From", "To", "Subject", "Date", "Message-ID", "X-Orgrail-Delivery", "MIME-Version", "Content-Type":
		default:
			t.Errorf("unexpected header line %q (header injection)", line)
		}
	}
	if strings.Contains(body, "<b>html</b>") || strings.Contains(body, "<http://evil") {
		t.Errorf("HTML part holds unescaped markup:\n%s", body)
	}
	if strings.Contains(got[0].Data, "\nBcc:") {
		t.Error("a Bcc line was injected")
	}
}

func TestEmailRefusesCleartext(t *testing.T) {
	s := newSMTPServer(t, true)
	err := emailChannel(t, s).Send(t.Context(), &Message{ID: "x", Event: *sampleEvent("e1"), Count: 1})
	se, ok := err.(*SendError)
	if !ok || !se.Permanent || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a permanent STARTTLS error", err)
	}
	if len(s.received()) != 0 {
		t.Fatal("mail sent in clear text")
	}
}

func TestEmailHangingServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // never answers
		}
	}()
	ch, _ := NewChannel(&ChannelConfig{Name: "mail", Type: "email", Addr: ln.Addr().String(), From: "a@example.com", To: []string{"b@example.com"}}, Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	err = ch.Send(ctx, &Message{ID: "x", Event: *sampleEvent("e1"), Count: 1})
	se, ok := err.(*SendError)
	if !ok || se.Permanent {
		t.Fatalf("err = %v, want a retryable error", err)
	}
}
