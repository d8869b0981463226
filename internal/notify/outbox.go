package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Notifier routes detections into the outbox and delivers the outbox.
// Submit may be called from many goroutines; Deliver from one loop (or
// many processes sharing one State, which leases what each sends).
type Notifier struct {
	Config   *Config
	State    State
	Channels map[string]Channel
	Log      *slog.Logger
	// Now returns the current time (time.Now by default).
	Now func() time.Time
	// Lease is how long a claimed batch is reserved for this worker
	// (default 2m); a crashed worker's messages are retried after it.
	Lease time.Duration
	// Batch is how many messages one Deliver round claims (default 50).
	Batch int
	// SendTimeout bounds one attempt (default 30s, or half of a Lease
	// under a minute).
	SendTimeout time.Duration
	// Remediator, when set, runs the remediation actions of automatic routes.
	Remediator Remediator

	mu      sync.Mutex
	blocked map[string]time.Time // channel → not before (rate limits)
	lastOut map[string]time.Time // channel → last send (rate caps)
}

// Remediator runs a named remediation action for a detection. The
// detective-guardrails feature provides the actions.
type Remediator interface {
	Remediate(ctx context.Context, action string, e *Event) error
}

// Result says what Submit did with a detection.
type Result struct {
	Key        string   `json:"key"`
	Duplicate  bool     `json:"duplicate,omitempty"`
	Suppressed string   `json:"suppressed,omitempty"`
	Channels   []string `json:"channels,omitempty"`
	Triage     bool     `json:"triage,omitempty"`
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *Notifier) log() *slog.Logger {
	if n.Log != nil {
		return n.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Submit routes one detection and records it with its outbox messages.
// A detection recorded before (same detection id and eventID or finding
// id) is reported as a duplicate and changes nothing.
func (n *Notifier) Submit(ctx context.Context, e *Event) (Result, error) {
	res, err := n.SubmitAll(ctx, []*Event{e})
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

// SubmitAll routes and records several detections at once (one store
// transaction with SQLite), as Submit does each.
func (n *Notifier) SubmitAll(ctx context.Context, events []*Event) ([]Result, error) {
	now := n.now()
	entries := make([]*Entry, len(events))
	results := make([]Result, len(events))
	remediate := make([][]string, len(events))
	routed := make([]*Event, len(events))
	for i, e := range events {
		if err := e.Validate(); err != nil {
			return nil, err
		}
		if e.Link != "" && !consoleURL(e.Link) {
			cp := *e
			cp.Link = "" // only the AWS console is linked to; the input's link is not stored
			e = &cp
		}
		routed[i] = e
		d := n.Config.Route(e, now)
		en := &Entry{Key: e.Key(), Event: *e, Triage: d.Triage, Suppressed: d.Suppressed, Now: now}
		res := Result{Key: en.Key, Suppressed: d.Suppressed, Triage: d.Triage && d.Suppressed == ""}
		if d.Suppressed == "" {
			for _, t := range d.Targets {
				en.Items = append(en.Items, n.item(en, t, now))
				res.Channels = append(res.Channels, t.Channel)
			}
			remediate[i] = d.Remediate
		}
		entries[i], results[i] = en, res
	}
	fresh, err := n.State.RecordAll(ctx, entries)
	if err != nil {
		return nil, fmt.Errorf("recording %d detections: %w", len(entries), err)
	}
	for i, f := range fresh {
		if !f {
			results[i] = Result{Key: entries[i].Key, Duplicate: true}
			continue
		}
		n.remediate(ctx, remediate[i], routed[i])
	}
	return results, nil
}

func (n *Notifier) remediate(ctx context.Context, actions []string, e *Event) {
	if n.Remediator == nil {
		return
	}
	for _, a := range actions {
		if err := n.Remediator.Remediate(ctx, a, e); err != nil {
			n.log().Warn("remediation failed", "action", a, "detection", e.Key(), "err", err)
		}
	}
}

func (n *Notifier) item(en *Entry, t Target, now time.Time) *Item {
	it := &Item{
		ID: hashID(en.Key, t.Channel), Key: en.Key, Channel: t.Channel, Lane: t.Lane,
		Count: 1, Event: en.Event, Status: StatusPending, CreatedAt: now, NotBefore: now,
	}
	if t.GroupKey != "" {
		it.GroupKey, it.Window = t.GroupKey, t.GroupWindow
		it.GroupUntil = now.Add(t.GroupWindow)
		it.NotBefore = it.GroupUntil
	}
	if cc := n.Config.Channels[t.Channel]; cc != nil && cc.QuietHours != nil {
		if h := cc.QuietHours.holdUntil(it.NotBefore, &en.Event); h.After(it.NotBefore) {
			it.NotBefore = h
		}
	}
	return it
}

// Deliver claims the messages due now and sends them, each channel in
// its own goroutine, one message at a time per channel. It returns how
// many messages it attempted. Cancelling ctx stops it between messages;
// the attempt under way finishes (bounded by SendTimeout) and unsent
// messages are released for the next round.
func (n *Notifier) Deliver(ctx context.Context) (int, error) {
	lease, batch := n.lease(), n.Batch
	if batch <= 0 {
		batch = 50
	}
	items, err := n.State.Claim(ctx, n.now(), lease, batch)
	if err != nil {
		return 0, fmt.Errorf("claiming outbox messages: %w", err)
	}
	byChannel := map[string][]*Item{}
	var order []string
	for _, it := range items {
		if _, ok := byChannel[it.Channel]; !ok {
			order = append(order, it.Channel)
		}
		byChannel[it.Channel] = append(byChannel[it.Channel], it)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(order))
	for i, ch := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = n.deliverChannel(ctx, ch, byChannel[ch])
		}()
	}
	wg.Wait()
	return len(items), errors.Join(errs...)
}

// deliverChannel sends one channel's claimed messages in order. Its
// bookkeeping survives ctx's cancellation so that no claimed message is
// left leased longer than needed.
func (n *Notifier) deliverChannel(ctx context.Context, name string, items []*Item) error {
	keep := context.WithoutCancel(ctx)
	ch := n.Channels[name]
	for i, it := range items {
		now := n.now()
		if ctx.Err() != nil {
			return n.release(keep, items[i:], now)
		}
		if ch == nil {
			if err := n.State.Retry(keep, it.ID, now, fmt.Sprintf("channel %q is not configured", name), true); err != nil {
				return err
			}
			continue
		}
		if wait := n.wait(name, now); wait.After(now) {
			return n.release(keep, items[i:], wait)
		}
		// The batch's lease was taken before the messages ahead of
		// this one were sent: renew it for this attempt, and leave the
		// message alone when another worker claimed it after the lease
		// ran out (sending it here too would deliver it twice).
		mine, err := n.State.Renew(keep, it, n.now(), n.lease())
		if err != nil {
			return err
		}
		if !mine {
			n.log().Info("lease lost, message left to the worker that claimed it", "channel", it.Channel, "id", it.ID)
			continue
		}
		if err := n.attempt(keep, ch, it); err != nil {
			return err
		}
	}
	return nil
}

func (n *Notifier) release(ctx context.Context, items []*Item, next time.Time) error {
	var errs []error
	for _, it := range items {
		errs = append(errs, n.State.Defer(ctx, it.ID, next))
	}
	return errors.Join(errs...)
}

// lease is how long a claim or a renewal reserves a message: Lease
// (default 2m), and at least twice the send timeout so that an attempt
// and its bookkeeping end well inside the lease renewed before it.
func (n *Notifier) lease() time.Duration {
	lease := n.Lease
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	return max(lease, 2*n.sendTimeout())
}

// sendTimeout is SendTimeout; unset, 30s, or half of a Lease shorter
// than a minute, so that an explicitly short lease (watch --lease 2s)
// is kept rather than stretched to twice the default timeout.
func (n *Notifier) sendTimeout() time.Duration {
	switch {
	case n.SendTimeout > 0:
		return n.SendTimeout
	case n.Lease > 0 && n.Lease < time.Minute:
		return n.Lease / 2
	}
	return 30 * time.Second
}

// attempt sends one message and records the outcome.
func (n *Notifier) attempt(ctx context.Context, ch Channel, it *Item) error {
	sctx, cancel := context.WithTimeout(ctx, n.sendTimeout())
	m := &Message{ID: it.ID, Event: it.Event, Count: it.Count, Window: it.Window, Lane: it.Lane}
	err := ch.Send(sctx, m)
	cancel()
	now := n.now()
	n.noteSend(it.Channel, now)
	if err == nil {
		return n.State.Sent(ctx, it.ID, now)
	}
	var se *SendError
	if !errors.As(err, &se) {
		se = &SendError{Channel: it.Channel, Err: err}
	}
	attempts := it.Attempts + 1
	park := se.Permanent || attempts >= n.Config.Delivery.MaxAttempts
	next := now.Add(n.backoff(attempts))
	if se.RetryAfter > 0 {
		next = now.Add(se.RetryAfter)
		n.block(it.Channel, next)
	}
	lg := n.log().With("channel", it.Channel, "id", it.ID, "attempt", attempts, "err", se.Error())
	if park {
		lg.Warn("message parked")
	} else {
		lg.Info("delivery failed, will retry", "next", next.Format(time.RFC3339))
	}
	return n.State.Retry(ctx, it.ID, next, se.Error(), park)
}

// backoff is the delay before attempt+1: the base doubled per attempt,
// capped, with jitter in [d/2, d) so that many workers spread out.
func (n *Notifier) backoff(attempts int) time.Duration {
	d := n.Config.Delivery.Backoff
	for i := 1; i < attempts && d < n.Config.Delivery.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, n.Config.Delivery.MaxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// wait returns when the channel may next be sent to: after a rate-limit
// answer, or to keep under its messages-per-minute cap.
func (n *Notifier) wait(channel string, now time.Time) time.Time {
	t := n.notBefore(channel)
	if !t.After(now) {
		return now
	}
	// Short waits are slept through; long ones release the batch.
	if t.Sub(now) <= 2*time.Second {
		time.Sleep(t.Sub(now))
		return now
	}
	return t
}

func (n *Notifier) notBefore(channel string) time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	t := n.blocked[channel]
	cc := n.Config.Channels[channel]
	if cc == nil {
		return t
	}
	rate := cc.RatePerMinute
	if rate == 0 && (cc.Type == "slack" || cc.Type == "slack-api") {
		rate = 60
	}
	if last, ok := n.lastOut[channel]; ok && rate > 0 {
		if next := last.Add(time.Minute / time.Duration(rate)); next.After(t) {
			t = next
		}
	}
	return t
}

func (n *Notifier) block(channel string, until time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.blocked == nil {
		n.blocked = map[string]time.Time{}
	}
	if until.After(n.blocked[channel]) {
		n.blocked[channel] = until
	}
}

func (n *Notifier) noteSend(channel string, t time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.lastOut == nil {
		n.lastOut = map[string]time.Time{}
	}
	n.lastOut[channel] = t
}

// Run delivers until ctx is cancelled, polling the outbox every interval
// when it is idle.
func (n *Notifier) Run(ctx context.Context, interval time.Duration) error {
	for {
		k, err := n.Deliver(ctx)
		if err != nil {
			n.log().Error("delivery round failed", "err", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		if k > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}
