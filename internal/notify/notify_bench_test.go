package notify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// benchWebhook answers every request at once.
func benchWebhook(b *testing.B) (*httptest.Server, *Config, map[string]Channel) {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	b.Cleanup(srv.Close)
	cfg, err := DecodeYAML("bench.yaml", []byte(fmt.Sprintf(`
channels: {hook: {type: webhook, url: %s, secretEnv: K}}
routes: [{name: all, channels: [hook]}]`, srv.URL)))
	if err != nil {
		b.Fatal(err)
	}
	chans, err := NewChannels(cfg, Options{Getenv: func(string) string { return "key" }, AllowInsecureHTTP: true})
	if err != nil {
		b.Fatal(err)
	}
	return srv, cfg, chans
}

// BenchmarkWebhookDirect is the baseline: each detection POSTed straight
// to the local webhook, signed, with no outbox.
func BenchmarkWebhookDirect(b *testing.B) {
	_, _, chans := benchWebhook(b)
	ch := chans["hook"]
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := &Message{ID: fmt.Sprint(i), Event: *sampleEvent(fmt.Sprintf("d-%d", i)), Count: 1}
		if err := ch.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "detections/s")
}

// BenchmarkOutboxEndToEnd routes detections into the SQLite outbox
// (dedupe, routing; one transaction per batch, as watch records a file's
// detections) and delivers the outbox to the same webhook, in batches of
// 10, 100 and 1,000 detections.
func BenchmarkOutboxEndToEnd(b *testing.B) {
	for _, batch := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			_, cfg, chans := benchWebhook(b)
			n := &Notifier{Config: cfg, State: openState(b), Channels: chans, Batch: 100}
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; {
				var evs []*Event
				for k := 0; k < batch && i < b.N; k, i = k+1, i+1 {
					evs = append(evs, sampleEvent(fmt.Sprintf("d-%d", i)))
				}
				if _, err := n.SubmitAll(ctx, evs); err != nil {
					b.Fatal(err)
				}
				for {
					k, err := n.Deliver(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if k == 0 {
						break
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "detections/s")
		})
	}
}

// BenchmarkSubmit measures recording alone: routing, dedupe and the
// outbox insert, one SQLite transaction per detection.
func BenchmarkSubmit(b *testing.B) {
	_, cfg, chans := benchWebhook(b)
	n := &Notifier{Config: cfg, State: openState(b), Channels: chans, Now: func() time.Time { return time.Unix(0, 0) }}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := n.Submit(ctx, sampleEvent(fmt.Sprintf("d-%d", i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "detections/s")
}
