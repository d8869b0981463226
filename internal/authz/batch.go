package authz

import (
	"errors"
	"fmt"
	"io"
	"runtime"
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
	ends    []int
	results []Result
	err     error
	done    chan struct{}
}

func (b *batch) entry(i int) []byte {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.buf[start:b.ends[i]]
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
func (e *Engine) RunBatch(r io.Reader, l *Loader, explain bool, emit func(n int, res Result) error) (BatchStats, error) {
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *batch, workers)
	order := make(chan *batch, 4*workers)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		cur := &batch{first: 1}
		send := func() bool {
			select {
			case <-stop:
				return false
			default:
			}
			cur.done = make(chan struct{})
			select {
			case order <- cur:
			case <-stop:
				return false
			}
			work <- cur
			cur = &batch{first: cur.first + len(cur.ends), buf: make([]byte, 0, cap(cur.buf))}
			return true
		}
		readErr = ReadEntries(r, func(n int, raw []byte) error {
			cur.buf = append(cur.buf, raw...)
			cur.ends = append(cur.ends, len(cur.buf))
			if len(cur.ends) == batchSize && !send() {
				return errBatchStopped
			}
			return nil
		})
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
				e.decideBatch(b, wl, explain)
				close(b.done)
			}
		}()
	}
	st, err := collectBatches(order, emit)
	close(stop)
	// Let the reader and the workers finish before returning: they hold
	// the caller's reader and loader.
	for b := range order {
		<-b.done
	}
	wg.Wait()
	if err != nil {
		return st, err
	}
	if readErr != nil && !errors.Is(readErr, errBatchStopped) {
		return st, readErr
	}
	return st, nil
}

// collectBatches emits the results of each batch, in input order, as
// the batches are decided.
func collectBatches(order <-chan *batch, emit func(n int, res Result) error) (BatchStats, error) {
	var st BatchStats
	for b := range order {
		<-b.done
		for i := range b.results {
			if i == len(b.results)-1 && b.err != nil {
				break
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
				return st, err
			}
		}
		if b.err != nil {
			return st, b.err
		}
	}
	return st, nil
}

// decideBatch decodes and decides the entries of b. On the first
// malformed entry it stops: b.results then ends with that entry's
// (empty) slot and b.err names it.
func (e *Engine) decideBatch(b *batch, l *Loader, explain bool) {
	b.results = make([]Result, len(b.ends))
	for i := range b.ends {
		in, err := l.Decode(b.entry(i))
		if err != nil {
			b.err = fmt.Errorf("request %d: %w", b.first+i, err)
			b.results = b.results[:i+1]
			return
		}
		b.results[i] = e.Evaluate(in, explain)
	}
}
