package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Handler is orgrail as an AWS Lambda function. It takes SQS batches
// (whose messages are S3 event notifications of the Log Archive, or
// EventBridge events) and EventBridge events delivered directly; it
// detects, records in the shared state and delivers what is due. A
// scheduled EventBridge rule invoking it every minute delivers retries.
type Handler struct {
	Pipeline *Pipeline
	Objects  ObjectOpener
	Log      *slog.Logger
}

// Start serves Lambda invocations until the runtime stops the process.
func (h *Handler) Start(ctx context.Context) error {
	lambda.StartWithOptions(h.Invoke, lambda.WithContext(ctx))
	return nil
}

// Invoke handles one invocation. For an SQS batch it reports the
// messages that failed (partial batch response) so that only they are
// redelivered; an EventBridge event that fails returns an error so that
// Lambda retries it. Detections are deduplicated, so redelivery never
// notifies twice.
func (h *Handler) Invoke(ctx context.Context, raw json.RawMessage) (any, error) {
	log := h.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
		DetailType string `json:"detail-type"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("invocation payload: %w", err)
	}
	var resp any
	switch {
	case len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:sqs":
		var ev events.SQSEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("SQS event: %w", err)
		}
		resp = h.sqs(ctx, ev, log)
	case len(probe.Records) > 0:
		// An S3 notification invoking the function directly.
		in, err := ParseInbound(raw)
		if err != nil {
			return nil, err
		}
		if _, err := h.Pipeline.Inbound(ctx, in, h.Objects); err != nil {
			return nil, err
		}
	case probe.DetailType == "Scheduled Event":
		// Only delivery.
	case probe.DetailType != "":
		in, err := ParseInbound(raw)
		if err != nil {
			return nil, err
		}
		if _, err := h.Pipeline.Inbound(ctx, in, h.Objects); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("invocation payload is neither an SQS batch, an S3 notification nor an EventBridge event")
	}
	if _, err := h.deliver(ctx); err != nil {
		log.Error("delivery failed", "err", err)
	}
	return resp, nil
}

func (h *Handler) sqs(ctx context.Context, ev events.SQSEvent, log *slog.Logger) events.SQSEventResponse {
	var resp events.SQSEventResponse
	for _, m := range ev.Records {
		in, err := ParseInbound([]byte(m.Body))
		if err == nil {
			_, err = h.Pipeline.Inbound(ctx, in, h.Objects)
		}
		if err != nil {
			log.Warn("message failed; SQS will redeliver it", "id", m.MessageId, "err", err)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	return resp
}

// deliver sends what is due, leaving time before the invocation's
// deadline; what is left waits for the next invocation.
func (h *Handler) deliver(ctx context.Context) (int, error) {
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-5e9))
		defer cancel()
	}
	total := 0
	for {
		k, err := h.Pipeline.Notifier.Deliver(ctx)
		total += k
		if err != nil || k == 0 || ctx.Err() != nil {
			return total, err
		}
	}
}
