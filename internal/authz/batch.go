package authz

import (
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

// batchSize is how many requests are decided in parallel before their
// results are written, in input order.
const batchSize = 512

// RunBatch decides every request of a request file (a JSON array or JSON
// Lines) and calls emit with each result in input order. Requests are
// decoded and decided on all cores; policies repeated across requests
// are compiled once through the Loader's cache. A malformed request
// stops the batch with an error naming it.
func (e *Engine) RunBatch(r io.Reader, l *Loader, explain bool, emit func(n int, res Result) error) (BatchStats, error) {
	var st BatchStats
	raws := make([][]byte, 0, batchSize)
	first := 1
	flush := func() error {
		results, err := e.decideAll(raws, first, l, explain)
		if err != nil {
			return err
		}
		for i := range results {
			st.Requests++
			switch results[i].Decision {
			case Allowed:
				st.Allowed++
			case ExplicitlyDenied:
				st.ExplicitlyDenied++
			default:
				st.ImplicitlyDenied++
			}
			if err := emit(first+i, results[i]); err != nil {
				return err
			}
		}
		first += len(raws)
		raws = raws[:0]
		return nil
	}
	err := ReadEntries(r, func(n int, raw []byte) error {
		raws = append(raws, raw)
		if len(raws) == batchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	return st, flush()
}

func (e *Engine) decideAll(raws [][]byte, first int, l *Loader, explain bool) ([]Result, error) {
	results := make([]Result, len(raws))
	errs := make([]error, len(raws))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	next := make(chan int, len(raws))
	for i := range raws {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				in, err := l.Decode(raws[i])
				if err != nil {
					errs[i] = fmt.Errorf("request %d: %w", first+i, err)
					continue
				}
				results[i] = e.Evaluate(in, explain)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}
