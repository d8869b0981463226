package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Status of an outbox message.
const (
	// StatusPending messages wait for their first or next attempt.
	StatusPending = "pending"
	// StatusSent messages were accepted by their channel.
	StatusSent = "sent"
	// StatusParked messages gave up (a dead channel, or too many
	// attempts); `orgrail notify retry` sends them again.
	StatusParked = "parked"
)

// Triage item states.
const (
	TriageOpen         = "open"
	TriageAcknowledged = "acked"
	TriageDismissed    = "dismissed"
)

// ErrNotFound is returned for an id that names nothing.
var ErrNotFound = errors.New("not found")

// Item is one outbox message: one detection (or one group of alike
// detections) for one channel.
type Item struct {
	ID      string `json:"id"`
	Key     string `json:"key"`
	Channel string `json:"channel"`
	Lane    string `json:"lane"`
	// GroupKey and GroupUntil are set for grouped messages: alike
	// detections recorded before GroupUntil add to Count.
	GroupKey   string        `json:"groupKey,omitempty"`
	GroupUntil time.Time     `json:"groupUntil,omitzero"`
	Window     time.Duration `json:"window,omitempty"`
	Count      int           `json:"count"`
	Event      Event         `json:"event"`
	Status     string        `json:"status"`
	Attempts   int           `json:"attempts"`
	LastError  string        `json:"lastError,omitempty"`
	// NotBefore is the time of the next attempt (quiet hours, grouping, backoff).
	NotBefore time.Time `json:"notBefore,omitzero"`
	CreatedAt time.Time `json:"createdAt"`
	SentAt    time.Time `json:"sentAt,omitzero"`
}

// Failing reports whether the message is pending after failed attempts.
func (it *Item) Failing() bool { return it.Status == StatusPending && it.Attempts > 0 }

// TriageItem is one detection queued for a person.
type TriageItem struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"`
	Event     Event     `json:"event"`
	Status    string    `json:"status"`
	Reason    string    `json:"reason,omitempty"`
	By        string    `json:"by,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// Entry is one routed detection, recorded in one step by State.Record.
type Entry struct {
	Key   string
	Event Event
	// Items are the outbox messages, one per channel.
	Items []*Item
	// Triage is set when the detection goes to the triage queue.
	Triage bool
	// Suppressed holds the suppression reason of a suppressed detection.
	Suppressed string
	Now        time.Time
}

// Filter selects outbox messages.
type Filter struct {
	ID      string
	Channel string
	Status  string
	Limit   int
}

// Counts are outbox totals per status (failing is the part of pending
// that has failed at least once), per channel.
type Counts struct {
	Channel string `json:"channel"`
	Pending int    `json:"pending"`
	Failing int    `json:"failed"`
	Sent    int    `json:"sent"`
	Parked  int    `json:"parked"`
}

// State is the durable state of notification routing: dedupe marks,
// the outbox, the triage queue and the watch checkpoints. SQLiteState
// serves one machine; DynamoState serves many Lambda instances at once.
type State interface {
	// Record stores a routed detection, its outbox messages and triage
	// item atomically. It returns false, storing nothing, when the key
	// was recorded before. Grouped messages join an open group of the
	// same channel and group key, adding one to its count.
	Record(ctx context.Context, e *Entry) (bool, error)
	// RecordAll records several entries, as Record does each, and
	// reports which were new. SQLite does it in one transaction.
	RecordAll(ctx context.Context, entries []*Entry) ([]bool, error)
	// Claim leases up to limit pending messages due at now, so that no
	// other worker sends them until the lease ends.
	// A claimed item's NotBefore is the end of its lease; it doubles as
	// the claim's token for Renew.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Item, error)
	// Renew extends the lease of a claimed message to now+lease, only
	// while the claim is still this worker's (the message is pending and
	// its lease ends at it.NotBefore), and moves it.NotBefore. It returns
	// false when the claim was lost (the lease ran out and another worker
	// claimed or sent the message): the caller must not send it.
	Renew(ctx context.Context, it *Item, now time.Time, lease time.Duration) (bool, error)
	// Sent marks a claimed message delivered.
	Sent(ctx context.Context, id string, now time.Time) error
	// Retry records a failed attempt; the message is tried again at next,
	// or parked when park is set. A message sent meanwhile stays sent.
	Retry(ctx context.Context, id string, next time.Time, errText string, park bool) error
	// Defer moves a claimed message's next attempt to next without
	// counting an attempt (a rate-limited channel, a shutdown). A message
	// sent meanwhile stays sent.
	Defer(ctx context.Context, id string, next time.Time) error
	// Unpark makes parked messages (one id, or one channel's, or all)
	// pending again, due at now, and returns how many.
	Unpark(ctx context.Context, id, channel string, now time.Time) (int, error)
	// Items lists outbox messages, newest first.
	Items(ctx context.Context, f Filter) ([]*Item, error)
	// Counts returns the totals per channel.
	Counts(ctx context.Context) ([]Counts, error)
	// TriageItems lists triage items in a state ("" for all), oldest first.
	TriageItems(ctx context.Context, status string, limit int) ([]*TriageItem, error)
	// Resolve acknowledges or dismisses an open triage item.
	Resolve(ctx context.Context, id, status, reason, by string, now time.Time) error
	// Checkpoint returns the last key processed under a prefix ("" if none).
	Checkpoint(ctx context.Context, prefix string) (string, error)
	// SetCheckpoint records the last key processed under a prefix.
	SetCheckpoint(ctx context.Context, prefix, key string, now time.Time) error
	// Close releases the state.
	Close() error
}

// hashID derives a short stable id from parts.
func hashID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}
