package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/orgrail/orgrail/internal/trail"
)

// Directory names accounts: their name and OU path, empty when unknown.
type Directory interface {
	Lookup(account string) (name, ou string)
}

// Pipeline turns CloudTrail files and EventBridge events into detections
// and submits them to the Notifier. It is safe for concurrent use when
// its Matcher is.
type Pipeline struct {
	Matcher   trail.Matcher
	Directory Directory
	Notifier  *Notifier
	// MaxRecord bounds one record (trail.DefaultMaxRecord if 0).
	MaxRecord int

	mu   sync.Mutex
	last map[string]time.Time // rule suppression: rule and key → last reported event time
}

// suppressed applies a rule's own suppression window (detections.md):
// a hit whose rule and key were reported less than the window before
// (or after: events arrive out of order) is dropped. The memory is the
// process's (one Lambda instance's); the outbox's dedupe is the durable
// guarantee, this only quiets repeats.
func (p *Pipeline) suppressed(h trail.Hit, at time.Time) bool {
	w := h.Rule.SuppressWindow
	if w <= 0 || at.IsZero() {
		return false
	}
	k := h.Rule.ID + "\x00" + h.Key
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = map[string]time.Time{}
	}
	if prev, ok := p.last[k]; ok {
		d := at.Sub(prev)
		if d < 0 {
			d = -d
		}
		if d < w {
			return true
		}
	}
	p.last[k] = at
	return false
}

// Counts of one Pipeline call.
type Stats struct {
	Records    int `json:"records"`
	Detections int `json:"detections"`
	Duplicates int `json:"duplicates"`
	Suppressed int `json:"suppressed"`
	// Skipped counts records that could not be read (too large, invalid)
	// while the rest of the file was.
	Skipped int `json:"skipped"`
}

func (s *Stats) add(o Stats) {
	s.Records += o.Records
	s.Detections += o.Detections
	s.Duplicates += o.Duplicates
	s.Suppressed += o.Suppressed
	s.Skipped += o.Skipped
}

// File reads one CloudTrail log file (gzip or plain JSON) and submits
// the detections of every record. name is used in errors. An error
// reading the file is returned after the records before it were handled;
// records are submitted idempotently, so reading the file again is safe.
func (p *Pipeline) File(ctx context.Context, r io.Reader, name string) (st Stats, err error) {
	dec := trail.NewDecoder(r)
	dec.MaxRecord = p.MaxRecord
	var env []byte
	var hits []trail.Hit
	var batch []*Event
	// Detections are recorded in batches (one store transaction each),
	// and always before File returns, error or not.
	defer func() {
		if ferr := p.submitAll(ctx, batch, &st); err == nil {
			err = ferr
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		rec, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if errors.Is(err, trail.ErrTooLarge) {
			st.Skipped++
			continue
		}
		if err != nil {
			return st, fmt.Errorf("%s: %w", name, err)
		}
		st.Records++
		env = trail.AppendEnvelope(env[:0], rec)
		if hits, err = p.Matcher.Match(env, hits[:0]); err != nil {
			st.Skipped++
			continue
		}
		for _, h := range hits {
			e := p.recordEvent(rec, h)
			if e.Validate() != nil {
				st.Skipped++ // a record without eventID cannot be deduplicated
				continue
			}
			if p.suppressed(h, e.EventTime) {
				st.Suppressed++
				continue
			}
			batch = append(batch, e)
		}
		if len(batch) >= submitBatch {
			if err := p.submitAll(ctx, batch, &st); err != nil {
				batch = nil
				return st, err
			}
			batch = batch[:0]
		}
	}
}

// submitBatch is how many detections File records per transaction.
const submitBatch = 200

func (p *Pipeline) submitAll(ctx context.Context, events []*Event, st *Stats) error {
	if len(events) == 0 {
		return nil
	}
	res, err := p.Notifier.SubmitAll(context.WithoutCancel(ctx), events)
	if err != nil {
		return err
	}
	for _, r := range res {
		switch {
		case r.Duplicate:
			st.Duplicates++
		case r.Suppressed != "":
			st.Suppressed++
		default:
			st.Detections++
		}
	}
	return nil
}

// EventBridge matches one EventBridge event: a CloudTrail record carried
// by EventBridge ("AWS API Call via CloudTrail") or a finding event
// (GuardDuty, Security Hub, Config) whose detail.id is the finding id.
func (p *Pipeline) EventBridge(ctx context.Context, event []byte) (Stats, error) {
	var st Stats
	var env struct {
		ID         string          `json:"id"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Account    string          `json:"account"`
		Region     string          `json:"region"`
		Time       time.Time       `json:"time"`
		Detail     json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(event, &env); err != nil {
		return st, fmt.Errorf("EventBridge event: %w", err)
	}
	hits, err := p.Matcher.Match(event, nil)
	if err != nil {
		return st, fmt.Errorf("EventBridge event %s: %w", env.ID, err)
	}
	st.Records = 1
	var rd recordDetail
	_ = json.Unmarshal(env.Detail, &rd)
	for _, h := range hits {
		e := p.baseEvent(h)
		if rd.EventID != "" {
			rd.fill(e)
		} else {
			e.FindingID = rd.ID
			if e.FindingID == "" {
				e.FindingID = env.ID
			}
			e.EventName = env.DetailType
			e.EventSource = env.Source
		}
		if e.Account == "" {
			e.Account = env.Account
		}
		if e.Region == "" {
			e.Region = env.Region
		}
		if e.EventTime.IsZero() {
			e.EventTime = env.Time
		}
		e.Raw = append(json.RawMessage(nil), event...)
		p.name(e)
		if p.suppressed(h, e.EventTime) {
			st.Suppressed++
			continue
		}
		if err := p.submit(ctx, e, &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

func (p *Pipeline) submit(ctx context.Context, e *Event, st *Stats) error {
	res, err := p.Notifier.Submit(ctx, e)
	if err != nil {
		return err
	}
	switch {
	case res.Duplicate:
		st.Duplicates++
	case res.Suppressed != "":
		st.Suppressed++
	default:
		st.Detections++
	}
	return nil
}

func (p *Pipeline) baseEvent(h trail.Hit) *Event {
	r := h.Rule
	return &Event{DetectionID: r.ID, Title: r.Title, Severity: r.Severity, NistCSF: r.NistCSF, Source: r.Source, Author: r.Author}
}

func (p *Pipeline) name(e *Event) {
	if p.Directory != nil && e.AccountName == "" {
		e.AccountName, e.OU = p.Directory.Lookup(e.Account)
	}
}

// recordDetail is what an Event shows of a CloudTrail record beyond the
// decoder's envelope fields.
type recordDetail struct {
	ID           string    `json:"id"` // finding events
	EventID      string    `json:"eventID"`
	EventTime    time.Time `json:"eventTime"`
	EventName    string    `json:"eventName"`
	EventSource  string    `json:"eventSource"`
	Region       string    `json:"awsRegion"`
	Recipient    string    `json:"recipientAccountId"`
	SourceIP     string    `json:"sourceIPAddress"`
	UserAgent    string    `json:"userAgent"`
	ErrorCode    string    `json:"errorCode"`
	ErrorMessage string    `json:"errorMessage"`
	UserIdentity struct {
		ARN       string `json:"arn"`
		Type      string `json:"type"`
		AccountID string `json:"accountId"`
		InvokedBy string `json:"invokedBy"`
	} `json:"userIdentity"`
	Resources []struct {
		ARN string `json:"ARN"`
	} `json:"resources"`
}

func (d *recordDetail) fill(e *Event) {
	e.EventID, e.EventTime, e.EventName, e.EventSource = d.EventID, d.EventTime, d.EventName, d.EventSource
	e.Region, e.Account, e.SourceIP, e.UserAgent = d.Region, d.Recipient, d.SourceIP, d.UserAgent
	e.ErrorCode, e.Error = d.ErrorCode, d.ErrorMessage
	if e.Account == "" {
		e.Account = d.UserIdentity.AccountID
	}
	switch {
	case d.UserIdentity.ARN != "":
		e.Principal = d.UserIdentity.ARN
	case d.UserIdentity.InvokedBy != "":
		e.Principal = d.UserIdentity.InvokedBy
	default:
		e.Principal = d.UserIdentity.Type
	}
	for _, r := range d.Resources {
		if r.ARN != "" {
			e.Resources = append(e.Resources, r.ARN)
		}
	}
}

// recordEvent builds the Event of a hit on a decoded record.
func (p *Pipeline) recordEvent(rec *trail.Record, h trail.Hit) *Event {
	e := p.baseEvent(h)
	var d recordDetail
	if json.Unmarshal(rec.Raw, &d) == nil {
		d.fill(e)
	} else {
		e.EventID, e.EventName = trail.Text(rec.EventID), trail.Text(rec.EventName)
		e.Account, e.Region = string(rec.Account()), trail.Text(rec.AWSRegion)
		e.Principal = rec.Principal()
	}
	e.Raw = append(json.RawMessage(nil), rec.Raw...)
	p.name(e)
	return e
}
