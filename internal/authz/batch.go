package authz

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
)

// BatchStats counts the outcomes of a batch.
type BatchStats struct {
	Requests         int
	Allowed          int
	ExplicitlyDenied int
	ImplicitlyDenied int
}

// Denied returns how many requests were denied either way.
func (s BatchStats) Denied() int { return s.ExplicitlyDenied + s.ImplicitlyDenied }

// batchSize is how many requests travel together from the reader to a
// worker and from the worker to the writer: large enough that channel
// hand-offs cost nothing per request, small enough that the first
// results come out at once and memory stays bounded.
const batchSize = 256

// batch is a run of consecutive entries. Their bytes live in one buffer
// (no allocation per entry); ends[i] is where entry i stops.
type batch struct {
	first   int
	buf     []byte
	starts  []int
	ends    []int
	results []Result
	stopped int // index of the entry that stopped the batch, or -1
	err     error
	done    chan struct{}
}

func (b *batch) entry(i int) []byte { return b.buf[b.starts[i]:b.ends[i]] }

// batches recycles batches once their results are written: their
// buffers are the bulk of what a batch run allocates.
var batches = sync.Pool{New: func() any { return new(batch) }}

func newBatch(first int) *batch {
	b := batches.Get().(*batch)
	b.first, b.buf, b.starts, b.ends = first, b.buf[:0], b.starts[:0], b.ends[:0]
	b.results, b.stopped, b.err, b.done = b.results[:0], -1, nil, make(chan struct{})
	return b
}

// release returns b to the pool. Nothing decoded from it may refer to
// its buffer: the loader copies what it keeps.
func (b *batch) release() {
	clear(b.results)
	batches.Put(b)
}

var errBatchStopped = errors.New("batch stopped")

// RunBatch decides every request of a request file (a JSON array or JSON
// Lines) and calls emit with each result in input order. Reading,
// deciding and writing overlap: one goroutine cuts the input into
// batches, one worker per core decodes and decides them, and the caller's
// goroutine emits them in order. Policies repeated across requests are
// compiled once through the Loader's cache. A malformed request stops
// the batch with an error naming it, after every earlier result has
// been emitted.
//
// When r can seek (a file), JSON Lines are cut at newlines alone and
// each line is checked by the worker that decodes it, so the one serial
// goroutine does almost nothing. A line that is not exactly one object
// (a value over several lines, two on a line, a malformed one) sends
// the batch back to the start of the input in the careful mode, which
// cuts values by their structure; results already emitted are not
// emitted again.
func (e *Engine) RunBatch(r io.Reader, l *Loader, explain bool, emit func(n int, res Result) error) (BatchStats, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		if start, err := rs.Seek(0, io.SeekCurrent); err == nil {
			st, at, err := e.pipeline(r, l, explain, emit, true, 0)
			if err != nil || at == 0 {
				return st, err
			}
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return st, fmt.Errorf("request %d: rereading the request file: %w", at, err)
			}
			rest, _, err := e.pipeline(r, l, explain, emit, false, at-1)
			st.add(rest)
			return st, err
		}
	}
	st, _, err := e.pipeline(r, l, explain, emit, false, 0)
	return st, err
}

func (s *BatchStats) add(o BatchStats) {
	s.Requests += o.Requests
	s.Allowed += o.Allowed
	s.ExplicitlyDenied += o.ExplicitlyDenied
	s.ImplicitlyDenied += o.ImplicitlyDenied
}

// pipeline runs one pass over r. In lines mode it returns, as at, the
// number of the first entry that needs the careful mode (0 when none
// did); entries before it have been emitted. In careful mode the first
// skip entries are read but neither decided nor emitted.
func (e *Engine) pipeline(r io.Reader, l *Loader, explain bool, emit func(n int, res Result) error, lines bool, skip int) (BatchStats, int, error) {
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *batch, workers)
	order := make(chan *batch, 4*workers)
	stop := make(chan struct{})
	var readErr error
	var readAt int
	go func() {
		defer close(order)
		defer close(work)
		cur := newBatch(skip + 1)
		send := func() bool {
			select {
			case <-stop:
				return false
			default:
			}
			select {
			case order <- cur:
			case <-stop:
				return false
			}
			work <- cur
			cur = newBatch(cur.first + len(cur.ends))
			return true
		}
		add := func(n int, raw []byte) error {
			if n <= skip {
				return nil
			}
			cur.starts = append(cur.starts, len(cur.buf))
			cur.buf = append(cur.buf, raw...)
			cur.ends = append(cur.ends, len(cur.buf))
			if len(cur.ends) == batchSize && !send() {
				return errBatchStopped
			}
			return nil
		}
		br := bufio.NewReaderSize(r, 1<<16)
		if first, err := peekNonSpace(br); lines && err == nil && first == '{' {
			readAt, readErr = readLineChunks(br, &cur, send)
		} else {
			readErr = readEntries(br, add)
		}
		if len(cur.ends) > 0 {
			send()
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wl := l.worker()
			for b := range work {
				e.decideBatch(b, wl, explain, lines)
				close(b.done)
			}
		}()
	}
	st, at, err := collectBatches(order, emit)
	close(stop)
	// Let the reader and the workers finish before returning: they hold
	// the caller's reader and loader.
	for b := range order {
		<-b.done
		b.release()
	}
	wg.Wait()
	switch {
	case err != nil:
		return st, 0, err
	case at > 0:
		return st, at, nil
	case readErr != nil && !errors.Is(readErr, errBatchStopped):
		return st, 0, readErr
	}
	return st, readAt, nil
}

// collectBatches emits the results of each batch, in input order, as
// the batches are decided. It stops at the first entry that failed, with
// its error, or that needs the careful mode, with its number.
func collectBatches(order <-chan *batch, emit func(n int, res Result) error) (BatchStats, int, error) {
	var st BatchStats
	for b := range order {
		<-b.done
		for i := range b.results {
			if i == b.stopped {
				if b.err != nil {
					return st, 0, b.err
				}
				return st, b.first + i, nil
			}
			res := &b.results[i]
			st.Requests++
			switch res.Decision {
			case Allowed:
				st.Allowed++
			case ExplicitlyDenied:
				st.ExplicitlyDenied++
			default:
				st.ImplicitlyDenied++
			}
			if err := emit(b.first+i, *res); err != nil {
				return st, 0, err
			}
		}
		b.release()
	}
	return st, 0, nil
}

// decideBatch decodes and decides the entries of b. At the first entry
// that does not decode it stops (b.stopped): with the entry's error in
// careful mode, without one in lines mode, where the entry is read again
// carefully.
func (e *Engine) decideBatch(b *batch, l *Loader, explain, lines bool) {
	b.results = slices.Grow(b.results[:0], len(b.ends))[:len(b.ends)]
	in := &Input{}
	for i := range b.ends {
		err := l.decodeInto(b.entry(i), in)
		if err != nil {
			b.stopped = i
			if !lines {
				b.err = fmt.Errorf("request %d: %w", b.first+i, err)
			}
			return
		}
		b.results[i] = e.Evaluate(in, explain)
	}
}

// lineChunk is how much input a batch of JSON Lines holds.
const lineChunk = 256 << 10

// readLineChunks reads JSON Lines a chunk at a time straight into the
// current batch's buffer and cuts it at newlines: no copy per line. It
// returns the number of the first line that is not an object on a line
// of its own (judged by its first and last bytes; the worker checks the
// rest), or 0 at the end. The batch holding that line is not sent.
func readLineChunks(r io.Reader, cur **batch, send func() bool) (int, error) {
	var carry []byte
	for {
		b := *cur
		b.buf = append(slices.Grow(b.buf[:0], lineChunk+len(carry)), carry...)
		carry = carry[:0]
		n, err := io.ReadFull(r, b.buf[len(b.buf):cap(b.buf)])
		b.buf = b.buf[:len(b.buf)+n]
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return 0, err
		}
		end := len(b.buf)
		if !eof {
			end = bytes.LastIndexByte(b.buf, '\n') + 1
			if end == 0 {
				// A line longer than a chunk: keep it all and read on.
				carry = append(carry, b.buf...)
				continue
			}
			carry = append(carry, b.buf[end:]...)
		}
		for pos := 0; pos < end; {
			nl := bytes.IndexByte(b.buf[pos:end], '\n')
			stop := end
			if nl >= 0 {
				stop = pos + nl
			}
			s, e := pos, stop
			for s < e && isSpace(b.buf[s]) {
				s++
			}
			for e > s && isSpace(b.buf[e-1]) {
				e--
			}
			if s < e {
				if b.buf[s] != '{' || b.buf[e-1] != '}' {
					return b.first + len(b.ends), nil
				}
				b.starts = append(b.starts, s)
				b.ends = append(b.ends, e)
			}
			pos = stop + 1
		}
		if eof {
			return 0, nil
		}
		if len(b.ends) > 0 && !send() {
			return 0, errBatchStopped
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
