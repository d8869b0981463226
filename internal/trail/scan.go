package trail

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/severity"
)

// Matcher runs compiled detections over one EventBridge event and
// appends a Hit per firing rule to dst. It must be safe for concurrent
// use. The CLI adapts the detect package's Engine to it; benchmarks and
// tests plug in their own.
type Matcher interface {
	Match(event []byte, dst []Hit) ([]Hit, error)
}

// Rule is what a detection shows about the rule that fired.
type Rule struct {
	ID       string
	Title    string
	Severity severity.Level
	NistCSF  string
	Source   string
	Author   string
	// Fields are the envelope paths worth showing beside a hit.
	Fields []string
	// SuppressWindow, when positive, collapses hits of this rule with the
	// same Key less than this far apart.
	SuppressWindow time.Duration
}

// Hit is one rule firing on one event. Values are the event's values of
// Rule.Fields; Key is the suppression key.
type Hit struct {
	Rule   *Rule
	Values []string
	Key    string
}

// Detection is one detection firing on one CloudTrail record, with the
// contract's fields.
type Detection struct {
	DetectionID string            `json:"detectionId"`
	Title       string            `json:"title"`
	Severity    severity.Level    `json:"severity"`
	NistCSF     string            `json:"nistCsf"`
	EventID     string            `json:"eventId"`
	EventTime   string            `json:"eventTime"`
	Account     string            `json:"account"`
	AccountName string            `json:"accountName"`
	OU          string            `json:"ou"`
	Region      string            `json:"region"`
	Principal   string            `json:"principal"`
	EventName   string            `json:"eventName"`
	EventSource string            `json:"eventSource"`
	SourceIP    string            `json:"sourceIp"`
	Source      string            `json:"source"`
	Author      string            `json:"author"`
	Fields      map[string]string `json:"fields,omitempty"`
	File        string            `json:"file"`

	hit Hit
}

// ScanOptions configures Scan.
type ScanOptions struct {
	IngestOptions
	// Matcher runs the detections.
	Matcher Matcher
	// Org, when set, names accounts and their OUs in detections.
	Org *org.Organization
	// Emit, when set, receives every detection in output order once the
	// records are read, and ScanResult.Detections stays empty: a scan
	// that finds millions of detections streams them instead of holding
	// them.
	Emit func(Detection) error
	// MaxBuffered bounds the detections held in memory before they are
	// sorted into a temporary run file (DefaultMaxBuffered if 0).
	MaxBuffered int
	// Progress, when set, is called after each file with the files read
	// so far, their records that the filter selected, and the detections
	// found so far (before duplicates and suppression are removed). Calls may come from
	// several workers at once.
	Progress func(ScanProgress)
}

// ScanProgress is what a scan has done so far.
type ScanProgress struct {
	Files, Records, Detections int64
}

// scanCounters adds up the workers' progress for ScanOptions.Progress.
type scanCounters struct {
	files, records, detections atomic.Int64
	fn                         func(ScanProgress)
}

// endFile counts a file of n records and reports the totals.
func (c *scanCounters) endFile(n int) {
	if c == nil || c.fn == nil {
		return
	}
	p := ScanProgress{Files: c.files.Add(1), Records: c.records.Add(int64(n))}
	p.Detections = c.detections.Load()
	c.fn(p)
}

// ScanResult is what Scan found.
type ScanResult struct {
	Source     string      `json:"source"`
	Stats      Stats       `json:"stats"`
	Detections []Detection `json:"detections"`
	// Suppressed counts hits collapsed by the rules' suppression.
	Suppressed int `json:"suppressed"`
	// Duplicates counts detections dropped because the same rule had
	// already fired on the same event id (a file delivered twice).
	Duplicates int         `json:"duplicates"`
	Errors     []FileError `json:"errors"`
	// Partial is true when some files (or records) could not be read.
	Partial bool `json:"partial"`
	// Count is the number of detections output (emitted or kept).
	Count int `json:"count"`

	max  severity.Level // highest severity emitted, -1 for none
	peak int            // most detections held in memory at once
}

// Max returns the highest severity among the detections, or -1.
func (r *ScanResult) Max() severity.Level {
	m := severity.Level(-1)
	if r.Count > 0 {
		m = r.max
	}
	for _, d := range r.Detections {
		if d.Severity > m {
			m = d.Severity
		}
	}
	return m
}

// Scan lists src with the filter, decodes every file on a worker pool,
// wraps each record in its EventBridge envelope and runs the matcher.
// Detections are sorted by eventTime, eventId and detectionId, then the
// rules' suppression is applied in that order, so the output does not
// depend on the number of workers.
func Scan(ctx context.Context, src Source, opts ScanOptions) (*ScanResult, error) {
	return ScanAll(ctx, []Source{src}, opts)
}

// ScanAll scans several sources (a Log Archive and a directory of
// EventBridge events, say) as one: detections are merged before sorting
// and suppression.
func ScanAll(ctx context.Context, srcs []Source, opts ScanOptions) (*ScanResult, error) {
	if opts.Matcher == nil {
		return nil, fmt.Errorf("scan: no matcher")
	}
	res := &ScanResult{max: -1}
	sink := newSink(opts.MaxBuffered)
	defer sink.close()
	var names []string
	counters := &scanCounters{fn: opts.Progress}
	for _, src := range srcs {
		names = append(names, src.String())
		if err := scanOne(ctx, src, opts, res, sink, counters); err != nil {
			return nil, err
		}
	}
	res.Source = strings.Join(names, ", ")
	res.Partial = len(res.Errors) > 0
	res.peak = sink.peak
	emit := opts.Emit
	if emit == nil {
		res.Detections = []Detection{}
		emit = func(d Detection) error { res.Detections = append(res.Detections, d); return nil }
	}
	sup := suppressor{}
	var prev Detection
	err := sink.each(func(d *Detection) error {
		if res.Count+res.Suppressed+res.Duplicates > 0 && sameDetection(&prev, d) {
			res.Duplicates++
			return nil
		}
		prev = *d
		t, _ := time.Parse(time.RFC3339, d.EventTime)
		if !sup.allow(d.hit, t) {
			res.Suppressed++
			return nil
		}
		if opts.Org != nil {
			d.AccountName, d.OU = accountNames(opts.Org, d.Account)
		}
		res.Count++
		res.max = max(res.max, d.Severity)
		return emit(*d)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// scanOne ingests one source, adding its counts and errors to res and
// its detections to sink.
func scanOne(ctx context.Context, src Source, opts ScanOptions, res *ScanResult, sink *detectionSink, counters *scanCounters) error {
	f := opts.Filter
	list := func(ctx context.Context, fn func(Object) error) error {
		return src.List(ctx, &f, KindLog|KindEvents, fn)
	}
	var handlers []*scanHandler
	newHandler := func() Handler {
		h := &scanHandler{m: opts.Matcher, src: src, sink: sink, counters: counters}
		handlers = append(handlers, h)
		return h
	}
	st, ferrs, err := IngestFrom(ctx, src, list, opts.IngestOptions, newHandler)
	if err != nil {
		return err
	}
	res.Stats.Files += st.Files
	res.Stats.Records += st.Records
	res.Stats.Bytes += st.Bytes
	res.Stats.Failed += st.Failed
	res.Errors = append(res.Errors, ferrs...)
	for _, h := range handlers {
		if err := sink.add(h.found); err != nil {
			return err
		}
		h.found = nil
		res.Errors = append(res.Errors, h.errs...)
	}
	return nil
}

// accountNames returns an account's name and OU path, empty when the
// organization does not know it.
func accountNames(o *org.Organization, account string) (string, string) {
	if account == "" || o.Account(account) == nil {
		return "", ""
	}
	return o.Account(account).Name, o.OUPath(account)
}

// scanHandler matches the records of one worker.
type scanHandler struct {
	m     Matcher
	src   Source
	sink  *detectionSink
	env   []byte
	hits  []Hit
	found []Detection
	errs  []FileError
	// counters is the scan's progress, shared by the workers.
	counters *scanCounters
}

// handlerBatch is how many detections a worker gathers before handing
// them to the sink.
const handlerBatch = 1024

func (h *scanHandler) Record(obj *Object, rec *Record) error {
	h.env = AppendEnvelope(h.env[:0], rec)
	var err error
	h.hits, err = h.m.Match(h.env, h.hits[:0])
	if err != nil {
		h.errs = append(h.errs, FileError{File: fileName(h.src, obj), Record: rec.Index, Err: fmt.Errorf("record %d: match: %w", rec.Index, err)})
		return nil
	}
	for _, hit := range h.hits {
		h.found = append(h.found, newDetection(obj, rec, hit, fileName(h.src, obj)))
	}
	if len(h.hits) > 0 && h.counters != nil {
		h.counters.detections.Add(int64(len(h.hits)))
	}
	if len(h.found) >= handlerBatch {
		if err := h.sink.add(h.found); err != nil {
			return err
		}
		clear(h.found)
		h.found = h.found[:0]
	}
	return nil
}

func (h *scanHandler) EndFile(_ *Object, n int, _ error) { h.counters.endFile(n) }

func newDetection(obj *Object, rec *Record, hit Hit, file string) Detection {
	r := hit.Rule
	d := Detection{
		DetectionID: r.ID, Title: r.Title, Severity: r.Severity, NistCSF: r.NistCSF,
		Source: r.Source, Author: r.Author,
		EventID: Text(rec.EventID), EventTime: Text(rec.EventTime),
		Account: Text(rec.Account()), Region: Text(rec.AWSRegion),
		Principal: rec.Principal(), EventName: Text(rec.EventName),
		EventSource: Text(rec.EventSource), SourceIP: Text(rec.SourceIPAddr),
		File: file, hit: hit,
	}
	if d.Account == "" {
		d.Account = obj.Loc.Account
	}
	if len(r.Fields) > 0 && len(hit.Values) == len(r.Fields) {
		d.Fields = make(map[string]string, len(r.Fields))
		for i, f := range r.Fields {
			if hit.Values[i] != "" {
				d.Fields[f] = hit.Values[i]
			}
		}
	}
	// The hit's values alias the matcher's buffers; keep a copy.
	hit.Values = append([]string(nil), hit.Values...)
	d.hit = hit
	return d
}

// fileName names an object for messages: the source joined with its key.
func fileName(src Source, obj *Object) string {
	s := src.String()
	if l, ok := src.(*Local); ok && l.file != "" {
		return s
	}
	return strings.TrimSuffix(s, "/") + "/" + obj.Key
}

// suppressor collapses repeated hits of a rule with a suppression window,
// in the order detections are sorted.
type suppressor map[string]time.Time

func (s suppressor) allow(h Hit, t time.Time) bool {
	w := h.Rule.SuppressWindow
	if w <= 0 {
		return true
	}
	k := h.Rule.ID + "\x00" + h.Key
	if prev, ok := s[k]; ok && t.Sub(prev) < w && prev.Sub(t) < w {
		return false
	}
	s[k] = t
	return true
}
