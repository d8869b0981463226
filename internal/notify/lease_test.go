package notify

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// recordingChannel counts deliveries per message id; its n-th send
// runs during[n] (time passing, another worker's round) before it
// returns.
type recordingChannel struct {
	mu     sync.Mutex
	sent   map[string]int
	during []func()
}

func (r *recordingChannel) Name() string { return "hook" }

func (r *recordingChannel) Send(_ context.Context, m *Message) error {
	r.mu.Lock()
	r.sent[m.ID]++
	var f func()
	if len(r.during) > 0 {
		f, r.during = r.during[0], r.during[1:]
	}
	r.mu.Unlock()
	if f != nil {
		f()
	}
	return nil
}

// TestLostLeaseIsNotSentTwice is the cause of the duplicates that
// TestLambdaWorkersShareDynamoDB saw under load: a worker claims a batch
// under one lease and sends it one message after the other; when the
// first sends outlast the lease, a second worker claims and sends the
// rest, and the first must not send them again: it renews the lease of
// each message before sending it, and skips what it no longer holds. The clock is the
// notifiers' own, moved by the test: no wall-clock budget decides.
func TestLostLeaseIsNotSentTwice(t *testing.T) {
	states := map[string]func(t *testing.T) State{
		"sqlite": func(t *testing.T) State { return openState(t) },
		"dynamodb": func(t *testing.T) State {
			_, cfg := startAWS(t)
			return newDynamoState(t, cfg)
		},
	}
	for name, mk := range states {
		t.Run(name, func(t *testing.T) { lostLeaseScenario(t, mk(t)) })
	}
}

func lostLeaseScenario(t *testing.T, st State) {
	ctx := context.Background()
	conf, err := DecodeYAML("n.yaml", []byte(`
channels: {hook: {type: webhook, url: "https://hooks.example/x"}}
routes: [{name: all, channels: [hook]}]`))
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	ch := &recordingChannel{sent: map[string]int{}}
	mk := func() *Notifier {
		return &Notifier{Config: conf, State: st, Channels: map[string]Channel{"hook": ch}, Now: clk.now,
			Lease: time.Minute, SendTimeout: time.Second}
	}
	a, b := mk(), mk()
	for i := 0; i < 3; i++ {
		if _, err := a.Submit(ctx, sampleEvent(fmt.Sprintf("ev-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	var bSent int
	slow := func() { clk.t = clk.t.Add(40 * time.Second) }
	ch.during = []func(){slow, func() {
		// Two sends of 40 s outlast the batch's one-minute lease: the
		// third message's claim ran out, and worker b claims and
		// delivers it while a is still busy with the second.
		slow()
		var err error
		if bSent, err = b.Deliver(ctx); err != nil {
			t.Error(err)
		}
	}}
	if _, err := a.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	if bSent != 1 {
		t.Fatalf("worker b attempted %d messages, want the 1 whose lease ran out", bSent)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if len(ch.sent) != 3 {
		t.Fatalf("delivered %d distinct messages, want 3", len(ch.sent))
	}
	for id, k := range ch.sent {
		if k != 1 {
			t.Errorf("message %s delivered %d times, want once", id, k)
		}
	}
	clk.t = clk.t.Add(time.Hour)
	if k, err := a.Deliver(ctx); err != nil || k != 0 {
		t.Fatalf("after delivery, a round attempted %d messages (%v), want none", k, err)
	}
}
