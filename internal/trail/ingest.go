package trail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
)

// Handler receives the records one ingest worker decodes. Each worker has
// its own Handler, so a Handler needs no locking.
type Handler interface {
	// Record is called for every record in range. rec is valid only for
	// the duration of the call.
	Record(obj *Object, rec *Record) error
	// EndFile is called once per file after its last record; err is the
	// file's fatal error, nil when the whole file was read.
	EndFile(obj *Object, records int, err error)
}

// IngestOptions tunes Ingest.
type IngestOptions struct {
	// Filter selects records; it has already pruned the listing.
	Filter Filter
	// Workers is the number of files decoded at once (GOMAXPROCS if 0).
	Workers int
	// MaxRecord is the per-record size limit (DefaultMaxRecord if 0).
	MaxRecord int
}

// FileError is a problem reading one file: the file could not be opened
// or decoded (Record is -1 or the record's index). The rest of the scan
// goes on.
type FileError struct {
	File   string `json:"file"`
	Record int    `json:"record"`
	Err    error  `json:"-"`
}

// Error names the file and the problem.
func (e FileError) Error() string { return e.File + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e FileError) Unwrap() error { return e.Err }

// MarshalText lets FileError be reported in machine output.
func (e FileError) MarshalText() ([]byte, error) { return []byte(e.Error()), nil }

// Stats counts what an ingest read.
type Stats struct {
	Files   int64 `json:"files"`
	Records int64 `json:"records"`
	Bytes   int64 `json:"bytes"`
	// Failed counts files abandoned on a fatal error.
	Failed int64 `json:"failed"`
}

// Ingest decodes objs from src on a pool of workers, calling each
// worker's Handler (from newHandler) for the records the filter selects.
// File problems do not stop the ingest: they are returned, sorted by file.
// The error is for cancellation or a Handler's error.
func Ingest(ctx context.Context, src Source, objs []Object, opts IngestOptions, newHandler func() Handler) (Stats, []FileError, error) {
	list := func(_ context.Context, fn func(Object) error) error {
		for _, o := range objs {
			if err := fn(o); err != nil {
				return err
			}
		}
		return nil
	}
	return IngestFrom(ctx, src, list, opts, newHandler)
}

// IngestFrom is Ingest over the objects list produces, decoded while the
// listing goes on: a bucket's pages are read as earlier files are decoded,
// and no list of every object is held in memory.
func IngestFrom(ctx context.Context, src Source, list func(context.Context, func(Object) error) error, opts IngestOptions, newHandler func() Handler) (Stats, []FileError, error) {
	opts.Filter.prepare()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		st       Stats
		mu       sync.Mutex
		fileErrs []FileError
		firstErr error
		wg       sync.WaitGroup
	)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
		mu.Unlock()
	}
	queue := make(chan Object, 4*workers)
	for w := 0; w < workers; w++ {
		h := newHandler()
		wg.Add(1)
		go func() {
			defer wg.Done()
			iw := &ingestWorker{src: src, opts: &opts, h: h, dec: &Decoder{MaxRecord: opts.MaxRecord}}
			for o := range queue {
				if ctx.Err() != nil {
					continue // drain
				}
				errs, err := iw.file(ctx, &o)
				if len(errs) > 0 {
					mu.Lock()
					fileErrs = append(fileErrs, errs...)
					mu.Unlock()
				}
				if err != nil {
					fail(err)
				}
			}
			atomic.AddInt64(&st.Files, iw.st.Files)
			atomic.AddInt64(&st.Records, iw.st.Records)
			atomic.AddInt64(&st.Bytes, iw.st.Bytes)
			atomic.AddInt64(&st.Failed, iw.st.Failed)
		}()
	}
	lerr := list(ctx, func(o Object) error {
		select {
		case queue <- o:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(queue)
	wg.Wait()
	if lerr != nil && firstErr == nil && parent.Err() == nil {
		firstErr = lerr
	}
	sort.SliceStable(fileErrs, func(i, j int) bool {
		if fileErrs[i].File != fileErrs[j].File {
			return fileErrs[i].File < fileErrs[j].File
		}
		return fileErrs[i].Record < fileErrs[j].Record
	})
	if firstErr == nil {
		firstErr = parent.Err()
	}
	return st, fileErrs, firstErr
}

type ingestWorker struct {
	src  Source
	opts *IngestOptions
	h    Handler
	dec  *Decoder
	cr   countingReader
	st   Stats
}

// file decodes one object. Decoding problems come back as FileErrors; the
// error is a Handler's.
func (w *ingestWorker) file(ctx context.Context, obj *Object) ([]FileError, error) {
	rc, err := w.src.Open(ctx, obj.Key)
	if err != nil {
		ferr := FileError{File: w.name(obj), Record: -1, Err: err}
		w.st.Files++
		w.st.Failed++
		w.h.EndFile(obj, 0, err)
		return []FileError{ferr}, nil
	}
	defer rc.Close()
	w.cr = countingReader{r: rc}
	if obj.Loc.Kind == KindEvents {
		w.dec.ResetEvents(&w.cr)
	} else {
		w.dec.Reset(&w.cr)
	}
	var errs []FileError
	n := 0
	f := &w.opts.Filter
	var fatal error
	for {
		rec, err := w.dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fe := FileError{File: w.name(obj), Record: -1, Err: err}
			var de *DecodeError
			if errors.As(err, &de) {
				fe.Record = de.Record
			}
			errs = append(errs, fe)
			if errors.Is(err, ErrTooLarge) {
				continue
			}
			fatal = err
			break
		}
		w.st.Records++
		if !f.WantTime(rec.EventTime) ||
			(len(f.Regions) > 0 && !f.WantRegion(string(rec.AWSRegion))) ||
			(len(f.Accounts) > 0 && !f.WantAccount(string(rec.Account()))) {
			continue
		}
		n++
		if err := w.h.Record(obj, rec); err != nil {
			return errs, fmt.Errorf("%s: %w", w.name(obj), err)
		}
	}
	w.st.Files++
	w.st.Bytes += w.cr.n
	if fatal != nil {
		w.st.Failed++
	}
	w.h.EndFile(obj, n, fatal)
	return errs, nil
}

func (w *ingestWorker) name(obj *Object) string { return fileName(w.src, obj) }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
