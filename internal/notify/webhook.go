package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Headers of generic webhook requests.
const (
	// DefaultSignatureHeader carries "sha256=" and the hex HMAC-SHA256 of
	// the timestamp header's value, a dot, and the body.
	DefaultSignatureHeader = "X-Orgrail-Signature-256"
	// TimestampHeader is the request's Unix time in seconds; receivers
	// should refuse old ones to stop replays.
	TimestampHeader = "X-Orgrail-Timestamp"
	// DeliveryHeader is the outbox id, the same on every retry of one
	// message: receivers drop repeats by it.
	DeliveryHeader = "X-Orgrail-Delivery"
)

// WebhookBody is the JSON a generic webhook receives.
type WebhookBody struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Count     int    `json:"count"`
	Lane      string `json:"lane"`
	Link      string `json:"link,omitempty"`
	Detection Event  `json:"detection"`
}

// webhook posts JSON to any HTTPS endpoint, signed with HMAC-SHA256.
type webhook struct {
	name   string
	url    string
	key    []byte
	header string
	client *http.Client
	now    func() time.Time
}

func newWebhook(cc *ChannelConfig, url, key string, client *http.Client) *webhook {
	h := cc.SignatureHeader
	if h == "" {
		h = DefaultSignatureHeader
	}
	return &webhook{name: cc.Name, url: url, key: []byte(key), header: h, client: client, now: time.Now}
}

func (w *webhook) Name() string { return w.name }

func (w *webhook) Send(ctx context.Context, m *Message) error {
	body, err := json.Marshal(WebhookBody{ID: m.ID, Text: oneLine(m.Headline(), 500), Count: m.Count, Lane: m.Lane, Link: m.Event.ConsoleLink(), Detection: m.Event.withSafeLink()})
	if err != nil {
		return &SendError{Channel: w.name, Permanent: true, Err: err}
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	h := http.Header{}
	h.Set(TimestampHeader, ts)
	h.Set(DeliveryHeader, m.ID)
	if len(w.key) > 0 {
		h.Set(w.header, Sign(w.key, ts, body))
	}
	return postJSON(ctx, w.client, w.name, w.url, body, h)
}

// Sign returns the signature header value of a webhook request:
// "sha256=" and hex(HMAC-SHA256(key, timestamp + "." + body)).
func Sign(key []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a webhook request's signature in constant time.
func VerifySignature(key []byte, timestamp string, body []byte, sig string) bool {
	return hmac.Equal([]byte(Sign(key, timestamp, body)), []byte(sig))
}
