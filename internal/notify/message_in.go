package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// ObjectOpener reads an object of a bucket (the Log Archive).
type ObjectOpener interface {
	OpenObject(ctx context.Context, bucket, key string) (io.ReadCloser, error)
}

// ObjectRef names one S3 object an event notification announced.
type ObjectRef struct {
	Bucket string
	Key    string
}

// Inbound is what one queue message (or Lambda event) carries: objects
// to read, EventBridge events to match, or nothing worth doing (an S3
// test event, a digest file).
type Inbound struct {
	Objects []ObjectRef
	Events  []json.RawMessage
}

// ParseInbound reads a queue message body: an S3 event notification
// (direct, or wrapped in an SNS notification), an EventBridge "Object
// Created" event of S3, or any other EventBridge event (CloudTrail API
// calls, findings), which is matched as it is.
func ParseInbound(body []byte) (Inbound, error) {
	var in Inbound
	var probe struct {
		Type       string          `json:"Type"`
		Message    string          `json:"Message"`
		Records    json.RawMessage `json:"Records"`
		Event      string          `json:"Event"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Detail     struct {
			Bucket struct {
				Name string `json:"name"`
			} `json:"bucket"`
			Object struct {
				Key string `json:"key"`
			} `json:"object"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return in, fmt.Errorf("queue message is not JSON: %w", err)
	}
	switch {
	case probe.Type == "Notification" && probe.Message != "":
		return ParseInbound([]byte(probe.Message))
	case probe.Event == "s3:TestEvent":
		return in, nil
	case len(probe.Records) > 0:
		var recs []struct {
			EventSource string `json:"eventSource"`
			EventName   string `json:"eventName"`
			S3          struct {
				Bucket struct {
					Name string `json:"name"`
				} `json:"bucket"`
				Object struct {
					Key string `json:"key"`
				} `json:"object"`
			} `json:"s3"`
		}
		if err := json.Unmarshal(probe.Records, &recs); err != nil {
			return in, fmt.Errorf("S3 event notification: %w", err)
		}
		for _, r := range recs {
			if r.EventSource != "aws:s3" || !strings.HasPrefix(r.EventName, "ObjectCreated:") {
				continue
			}
			// Keys in S3 event notifications are URL-encoded, spaces as '+'.
			key, err := url.QueryUnescape(r.S3.Object.Key)
			if err != nil {
				return in, fmt.Errorf("S3 event notification: key %q: %w", r.S3.Object.Key, err)
			}
			in.add(r.S3.Bucket.Name, key)
		}
		return in, nil
	case probe.Source == "aws.s3" && probe.DetailType == "Object Created":
		in.add(probe.Detail.Bucket.Name, probe.Detail.Object.Key)
		return in, nil
	case probe.DetailType != "":
		in.Events = append(in.Events, append(json.RawMessage(nil), body...))
		return in, nil
	}
	return in, fmt.Errorf("queue message is neither an S3 event notification nor an EventBridge event")
}

// add keeps CloudTrail log files; digests and other objects are skipped.
func (in *Inbound) add(bucket, key string) {
	if strings.Contains(key, "/CloudTrail-Digest/") || !(strings.HasSuffix(key, ".json.gz") || strings.HasSuffix(key, ".json")) {
		return
	}
	in.Objects = append(in.Objects, ObjectRef{Bucket: bucket, Key: key})
}

// Inbound handles everything one message carries. It fails (and the
// message should be redelivered) when any object cannot be read or any
// detection cannot be recorded; what was recorded before stays recorded
// and is not notified twice.
func (p *Pipeline) Inbound(ctx context.Context, in Inbound, objects ObjectOpener) (Stats, error) {
	var st Stats
	for _, o := range in.Objects {
		if objects == nil {
			return st, fmt.Errorf("s3://%s/%s: no S3 client to read it", o.Bucket, o.Key)
		}
		rc, err := objects.OpenObject(ctx, o.Bucket, o.Key)
		if err != nil {
			return st, fmt.Errorf("s3://%s/%s: %w", o.Bucket, o.Key, err)
		}
		s, err := p.File(ctx, rc, "s3://"+o.Bucket+"/"+o.Key)
		rc.Close()
		st.add(s)
		if err != nil {
			return st, err
		}
	}
	for _, ev := range in.Events {
		s, err := p.EventBridge(ctx, ev)
		st.add(s)
		if err != nil {
			return st, err
		}
	}
	return st, nil
}
