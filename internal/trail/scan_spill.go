package trail

import (
	"bufio"
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
)

// DefaultMaxBuffered is how many detections a scan holds in memory
// before it writes them, sorted, to a temporary run file. Detections are
// emitted by merging the runs, so memory stays bounded however many
// detections a scan finds.
const DefaultMaxBuffered = 50000

// detectionSink gathers the detections of every worker. Past max
// buffered detections it sorts them and spills them to a run file.
type detectionSink struct {
	mu    sync.Mutex
	max   int
	buf   []Detection
	runs  []string
	dir   string
	rules map[string]*Rule
	peak  int // most detections held at once (tests and benchmarks)
	err   error
}

func newSink(max int) *detectionSink {
	if max <= 0 {
		max = DefaultMaxBuffered
	}
	return &detectionSink{max: max, rules: map[string]*Rule{}}
}

// add takes a worker's detections.
func (s *detectionSink) add(ds []Detection) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	for i := range ds {
		s.rules[ds[i].DetectionID] = ds[i].hit.Rule
	}
	s.buf = append(s.buf, ds...)
	s.peak = max(s.peak, len(s.buf))
	if len(s.buf) >= s.max {
		s.err = s.spill()
	}
	return s.err
}

// spilled is a detection as written to a run file: the hidden hit's
// values and key travel with it; the rule is found again by id.
type spilled struct {
	Detection
	Values []string `json:"_v,omitempty"`
	Key    string   `json:"_k,omitempty"`
}

// spill sorts the buffer and writes it as one run. Called with mu held.
func (s *detectionSink) spill() error {
	if len(s.buf) == 0 {
		return nil
	}
	if s.dir == "" {
		d, err := os.MkdirTemp("", "orgrail-scan-")
		if err != nil {
			return fmt.Errorf("scan: spilling detections: %w", err)
		}
		s.dir = d
	}
	sortDetections(s.buf)
	f, err := os.CreateTemp(s.dir, "run-*.jsonl")
	if err != nil {
		return fmt.Errorf("scan: spilling detections: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	enc := json.NewEncoder(bw)
	for i := range s.buf {
		d := &s.buf[i]
		if err := enc.Encode(spilled{Detection: *d, Values: d.hit.Values, Key: d.hit.Key}); err != nil {
			f.Close()
			return fmt.Errorf("scan: spilling detections: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("scan: spilling detections: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("scan: spilling detections: %w", err)
	}
	s.runs = append(s.runs, f.Name())
	clear(s.buf)
	s.buf = s.buf[:0]
	return nil
}

// close removes the run files.
func (s *detectionSink) close() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// each calls fn with every detection in sorted order: the buffer, sorted,
// merged with the run files.
func (s *detectionSink) each(fn func(*Detection) error) error {
	if s.err != nil {
		return s.err
	}
	sortDetections(s.buf)
	h := &runHeap{}
	if mem := (&runCursor{mem: s.buf}); len(s.buf) > 0 {
		mem.next()
		h.items = append(h.items, mem)
	}
	for _, name := range s.runs {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("scan: reading spilled detections: %w", err)
		}
		defer f.Close()
		c := &runCursor{dec: json.NewDecoder(bufio.NewReaderSize(f, 1<<16)), rules: s.rules}
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			h.items = append(h.items, c)
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		c := h.items[0]
		if err := fn(c.cur); err != nil {
			return err
		}
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

// runCursor walks one sorted run: the in-memory buffer or a run file.
type runCursor struct {
	mem   []Detection
	pos   int
	dec   *json.Decoder
	rules map[string]*Rule
	cur   *Detection
}

func (c *runCursor) next() (bool, error) {
	if c.dec == nil {
		if c.pos >= len(c.mem) {
			return false, nil
		}
		c.cur = &c.mem[c.pos]
		c.pos++
		return true, nil
	}
	var sp spilled
	if err := c.dec.Decode(&sp); err != nil {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, fmt.Errorf("scan: reading spilled detections: %w", err)
	}
	d := sp.Detection
	d.hit = Hit{Rule: c.rules[d.DetectionID], Values: sp.Values, Key: sp.Key}
	c.cur = &d
	return true, nil
}

// runHeap orders cursors by their current detection.
type runHeap struct{ items []*runCursor }

func (h *runHeap) Len() int           { return len(h.items) }
func (h *runHeap) Less(i, j int) bool { return detectionLess(h.items[i].cur, h.items[j].cur) }
func (h *runHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *runHeap) Push(x any)         { h.items = append(h.items, x.(*runCursor)) }
func (h *runHeap) Pop() any {
	n := len(h.items) - 1
	x := h.items[n]
	h.items = h.items[:n]
	return x
}

// sortDetections orders detections by eventTime, eventId, detectionId
// and file: the order of every scan's output.
func sortDetections(ds []Detection) {
	sort.Slice(ds, func(i, j int) bool { return detectionLess(&ds[i], &ds[j]) })
}

func detectionLess(a, b *Detection) bool {
	if a.EventTime != b.EventTime {
		return a.EventTime < b.EventTime
	}
	if a.EventID != b.EventID {
		return a.EventID < b.EventID
	}
	if a.DetectionID != b.DetectionID {
		return a.DetectionID < b.DetectionID
	}
	return a.File < b.File
}

// sameDetection reports whether b repeats a: the same rule on the same
// event id (a log file delivered twice, or the same record in two
// sources). Records without an event id are never the same.
func sameDetection(a, b *Detection) bool {
	return a.EventID != "" && a.EventID == b.EventID && a.DetectionID == b.DetectionID && a.EventTime == b.EventTime
}
