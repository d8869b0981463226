package notify

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/severity"
	"github.com/orgrail/orgrail/internal/store"
)

// openState opens a fresh store in a temporary directory.
func openState(t testing.TB) *SQLiteState {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return NewSQLiteState(st.DB())
}

// hostile is a value crafted to forge markup in every channel.
const hostile = "<!channel> <@U123> <http://evil.example|click> *bold* _it_ `code` [x](http://evil.example) <b>html</b> &amp;\r\nSubject: forged\r\n\r\n.\r\nfake ‮txet"

func sampleEvent(id string) *Event {
	return &Event{
		DetectionID: "ORG-EC2-001", Title: "Security group opened to the world", Severity: severity.High,
		NistCSF: "DE.CM", EventID: id, EventTime: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		Account: "111122223333", AccountName: "prod-app", OU: "Workloads/Prod", Region: "eu-west-1",
		Principal: "arn:aws:iam::111122223333:user/mallory", EventName: "AuthorizeSecurityGroupIngress",
		EventSource: "ec2.amazonaws.com", SourceIP: "203.0.113.9", Source: "builtin",
	}
}

// peer is a local HTTP server standing in for Slack, Teams and webhook
// endpoints. Its behaviour for the next requests is scripted.
type peer struct {
	*httptest.Server
	mu       sync.Mutex
	script   []string // "ok", "429", "500", "404", "hang", "close"
	requests []peerRequest
}

type peerRequest struct {
	Header http.Header
	Body   []byte
}

func newPeer(t testing.TB) *peer {
	p := &peer{}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *peer) then(steps ...string) {
	p.mu.Lock()
	p.script = append(p.script, steps...)
	p.mu.Unlock()
}

func (p *peer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	step := "ok"
	if len(p.script) > 0 {
		step, p.script = p.script[0], p.script[1:]
	}
	if step == "ok" {
		p.requests = append(p.requests, peerRequest{Header: r.Header.Clone(), Body: body})
	}
	p.mu.Unlock()
	switch step {
	case "ok":
		if r.URL.Path == "/api/chat.postMessage" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1.2"}`)
			return
		}
		io.WriteString(w, "ok")
	case "429":
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	case "500":
		w.WriteHeader(http.StatusInternalServerError)
	case "channel_not_found":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":false,"error":"channel_not_found"}`)
	case "404":
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "no_service")
	case "hang":
		<-r.Context().Done()
	case "close":
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("no hijacker")
		}
		c, _, _ := hj.Hijack()
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	}
}

func (p *peer) received() []peerRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]peerRequest(nil), p.requests...)
}

func (p *peer) bodies(t testing.TB) []map[string]any {
	var out []map[string]any
	for _, r := range p.received() {
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatalf("peer got non-JSON body %q: %v", r.Body, err)
		}
		out = append(out, m)
	}
	return out
}
