package notify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testClock is a settable time source.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

func newNotifier(t *testing.T, yaml string, p *peer) (*Notifier, *testClock) {
	t.Helper()
	cfg, err := DecodeYAML("notify.yaml", []byte(strings.ReplaceAll(yaml, "PEER", p.URL)))
	if err != nil {
		t.Fatal(err)
	}
	chans, err := NewChannels(cfg, Options{HTTPClient: &http.Client{Timeout: 2 * time.Second}, Getenv: func(string) string { return "k3y" }, AllowInsecureHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &testClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	return &Notifier{Config: cfg, State: openState(t), Channels: chans, Now: c.now, SendTimeout: time.Second}, c
}

const webhookConfig = `
channels:
  hook: {type: webhook, url: PEER/hook, secretEnv: HOOK_KEY}
routes:
  - {name: all, channels: [hook]}
delivery: {maxAttempts: 4, backoff: 1s, maxBackoff: 8s}
`

func deliverAll(t *testing.T, n *Notifier, c *testClock, rounds int) {
	t.Helper()
	for i := 0; i < rounds; i++ {
		if _, err := n.Deliver(context.Background()); err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(time.Minute)
	}
}

func TestOutboxRetriesUntilDelivered(t *testing.T) {
	for _, failure := range []string{"429", "500", "hang", "close"} {
		t.Run(failure, func(t *testing.T) {
			p := newPeer(t)
			p.then(failure, failure)
			n, c := newNotifier(t, webhookConfig, p)
			ctx := context.Background()
			if _, err := n.Submit(ctx, sampleEvent("e1")); err != nil {
				t.Fatal(err)
			}
			deliverAll(t, n, c, 4)
			if got := len(p.received()); got != 1 {
				t.Fatalf("delivered %d times, want 1", got)
			}
			items, _ := n.State.Items(ctx, Filter{})
			if len(items) != 1 || items[0].Status != StatusSent || items[0].Attempts != 3 {
				t.Fatalf("item = %+v", items[0])
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	for _, ch := range []string{
		"{type: webhook, url: PEER/hook}",
		"{type: slack, url: PEER/hook}",
		"{type: slack-api, url: PEER/api, channel: C1, tokenEnv: T}",
		"{type: teams, url: PEER/hook}",
	} {
		t.Run(ch, func(t *testing.T) {
			p := newPeer(t)
			p.then("429")
			n, c := newNotifier(t, "channels: {hook: "+ch+"}\nroutes: [{name: all, channels: [hook]}]\n", p)
			ctx := context.Background()
			n.Submit(ctx, sampleEvent("e1"))
			n.Deliver(ctx)
			items, _ := n.State.Items(ctx, Filter{})
			if want := c.t.Add(7 * time.Second); !items[0].NotBefore.Equal(want) || items[0].Status != StatusPending {
				t.Fatalf("next attempt %v (%s), want %v (Retry-After: 7)", items[0].NotBefore, items[0].Status, want)
			}
			c.t = c.t.Add(5 * time.Second)
			if k, _ := n.Deliver(ctx); k != 0 {
				t.Fatalf("attempted %d before Retry-After", k)
			}
			c.t = c.t.Add(3 * time.Second)
			n.Deliver(ctx)
			if got := len(p.received()); got != 1 {
				t.Fatalf("delivered %d, want 1 after Retry-After", got)
			}
		})
	}
}

func TestDeadChannelParksAndRetryResends(t *testing.T) {
	p := newPeer(t)
	p.then("404", "404")
	n, c := newNotifier(t, webhookConfig, p)
	ctx := context.Background()
	n.Submit(ctx, sampleEvent("e1"))
	n.Submit(ctx, sampleEvent("e2"))
	deliverAll(t, n, c, 3)
	counts, _ := n.State.Counts(ctx)
	if len(counts) != 1 || counts[0].Parked != 2 || counts[0].Sent != 0 {
		t.Fatalf("counts = %+v", counts)
	}
	k, err := n.State.Unpark(ctx, "", "hook", c.t)
	if err != nil || k != 2 {
		t.Fatalf("unpark = %d, %v", k, err)
	}
	deliverAll(t, n, c, 1)
	counts, _ = n.State.Counts(ctx)
	if counts[0].Sent != 2 || len(p.received()) != 2 {
		t.Fatalf("after retry: counts %+v, received %d", counts, len(p.received()))
	}
}

func TestTooManyAttemptsPark(t *testing.T) {
	p := newPeer(t)
	p.then("500", "500", "500", "500", "500")
	n, c := newNotifier(t, webhookConfig, p)
	ctx := context.Background()
	n.Submit(ctx, sampleEvent("e1"))
	deliverAll(t, n, c, 6)
	items, _ := n.State.Items(ctx, Filter{})
	if items[0].Status != StatusParked || items[0].Attempts != 4 {
		t.Fatalf("item = %+v", items[0])
	}
}

func TestDedupe(t *testing.T) {
	p := newPeer(t)
	n, c := newNotifier(t, webhookConfig, p)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		res, err := n.Submit(ctx, sampleEvent("e1"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Duplicate != (i > 0) {
			t.Fatalf("submit %d: duplicate = %v", i, res.Duplicate)
		}
		deliverAll(t, n, c, 1)
	}
	if got := len(p.received()); got != 1 {
		t.Fatalf("delivered %d times, want 1", got)
	}
}

func TestGroupingCountsABurst(t *testing.T) {
	p := newPeer(t)
	n, c := newNotifier(t, `
channels:
  hook: {type: webhook, url: PEER/hook}
routes:
  - {name: all, channels: [hook], grouping: {window: 5m}}
`, p)
	ctx := context.Background()
	for i := 0; i < 200; i++ {
		if _, err := n.Submit(ctx, sampleEvent(fmt.Sprintf("e%d", i))); err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(time.Second)
	}
	if k, _ := n.Deliver(ctx); k != 0 {
		t.Fatal("grouped message sent before its window ended")
	}
	c.t = c.t.Add(2 * time.Minute)
	n.Deliver(ctx)
	b := p.bodies(t)
	if len(b) != 1 || b[0]["count"] != float64(200) {
		t.Fatalf("got %d messages, first count %v; want one with 200", len(b), b[0]["count"])
	}
	// After the window a new burst starts a new group.
	n.Submit(ctx, sampleEvent("late"))
	c.t = c.t.Add(6 * time.Minute)
	n.Deliver(ctx)
	if b := p.bodies(t); len(b) != 2 || b[1]["count"] != float64(1) {
		t.Fatalf("second group: %v", b)
	}
}

func TestWebhookSignature(t *testing.T) {
	p := newPeer(t)
	n, c := newNotifier(t, webhookConfig, p)
	n.Submit(context.Background(), sampleEvent("e1"))
	deliverAll(t, n, c, 1)
	r := p.received()[0]
	ts := r.Header.Get(TimestampHeader)
	if !VerifySignature([]byte("k3y"), ts, r.Body, r.Header.Get(DefaultSignatureHeader)) {
		t.Fatalf("signature %q does not verify", r.Header.Get(DefaultSignatureHeader))
	}
	if VerifySignature([]byte("other"), ts, r.Body, r.Header.Get(DefaultSignatureHeader)) {
		t.Fatal("signature verifies with the wrong key")
	}
	if r.Header.Get(DeliveryHeader) == "" {
		t.Fatal("no delivery id header")
	}
}

func TestSlackAPIErrorParks(t *testing.T) {
	p := newPeer(t)
	p.then("channel_not_found")
	n, c := newNotifier(t, "channels: {bot: {type: slack-api, url: PEER/api, channel: C1, tokenEnv: T}}\nroutes: [{name: all, channels: [bot]}]\n", p)
	ctx := context.Background()
	n.Submit(ctx, sampleEvent("e1"))
	deliverAll(t, n, c, 1)
	items, _ := n.State.Items(ctx, Filter{})
	if items[0].Status != StatusParked || !strings.Contains(items[0].LastError, "channel_not_found") {
		t.Fatalf("item = %+v, want parked on channel_not_found", items[0])
	}
}
