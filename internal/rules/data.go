package rules

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// view reads one account's service files and decodes operations once.
// A view belongs to one goroutine.
type view struct {
	snap    *snapshot.Snapshot
	account string
	// rule is the rule being evaluated (nil while facts are gathered):
	// its reads are reported to onRead.
	rule    *Rule
	files   map[string]fileEntry
	decoded map[string]decodeEntry
	bad     *badFiles // where unreadable files are reported; may be nil
}

// badFiles collects the snapshot files that exist but cannot be read
// (corrupt or truncated gzip, bad JSON), across an audit's workers.
type badFiles struct {
	mu    sync.Mutex
	files map[string]string // path → error
}

func (b *badFiles) add(path string, err error) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.files == nil {
		b.files = map[string]string{}
	}
	b.files[path] = strings.TrimPrefix(err.Error(), path+": ")
}

// list returns the unreadable files, sorted by path.
func (b *badFiles) list() []Unreadable {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Unreadable, 0, len(b.files))
	for p, e := range b.files {
		out = append(out, Unreadable{Path: p, Error: e})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Unreadable is a snapshot file that exists but could not be read: the
// rules that need it report ERROR, and the audit is partial.
type Unreadable struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

type fileEntry struct {
	f   *snapshot.ServiceFile
	err error
}

type decodeEntry struct {
	v   any
	err error
}

func newView(s *snapshot.Snapshot, account string) *view {
	return &view{snap: s, account: account, files: map[string]fileEntry{}, decoded: map[string]decodeEntry{}}
}

// BenignError is an AWS error recorded in the snapshot that is itself
// information (NoSuchEntity for a password policy never set, ...).
type BenignError struct {
	Op   string
	Code string
}

func (e *BenignError) Error() string { return e.Op + ": " + e.Code }

// MissingError says an operation's output is absent from a service file
// that exists: the collector did not record it.
// Reason is the collector's error when the operation failed (a gap of
// that one operation); empty when it was simply not recorded.
type MissingError struct {
	Account, Region, Service, Op, Key string
	Reason                            string
}

func (e *MissingError) Error() string {
	s := fmt.Sprintf("not collected: account %s region %s %s %s", e.Account, e.Region, e.Service, e.Op)
	if e.Key != "" {
		s += " for " + e.Key
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// file returns a service file. It reads the file directly rather than
// through the snapshot's cache, so an audit of a large organization
// holds only the accounts being evaluated in memory.
func (v *view) file(region, service string) (*snapshot.ServiceFile, error) {
	key := region + "/" + service
	if e, ok := v.files[key]; ok {
		return e.f, e.err
	}
	path := filepath.Join(v.snap.Dir, snapshot.Path(v.account, region, service))
	f, err := readServiceFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		v.bad.add(path, err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		// Let the snapshot explain the absence (a recorded gap or not
		// collected at all).
		f, err = v.snap.Service(v.account, region, service)
	}
	v.files[key] = fileEntry{f, err}
	return f, err
}

// has reports whether a service file exists for region.
func (v *view) has(region, service string) bool {
	f, err := v.file(region, service)
	return err == nil && f != nil
}

// onRead, when set (by tests), is told of every operation a rule reads,
// to check the rule's declared Reads.
var onRead func(r *Rule, serviceOp string)

func (v *view) noteRead(service, op string) {
	if onRead != nil && v.rule != nil {
		onRead(v.rule, service+":"+op)
	}
}

// get decodes an operation's output into a new T, once per view.
func get[T any](v *view, region, service, op string) (*T, error) {
	v.noteRead(service, op)
	key := region + "/" + service + "/" + op
	if e, ok := v.decoded[key]; ok {
		if e.err != nil {
			return nil, e.err
		}
		return e.v.(*T), nil
	}
	out, err := decodeOp[T](v, region, service, op)
	v.decoded[key] = decodeEntry{out, err}
	return out, err
}

func decodeOp[T any](v *view, region, service, op string) (*T, error) {
	f, err := v.file(region, service)
	if err != nil {
		return nil, err
	}
	out := new(T)
	ok, err := f.Get(op, out)
	if err != nil {
		return nil, err
	}
	if !ok {
		if code := f.Error(op); code != "" {
			return nil, &BenignError{Op: op, Code: code}
		}
		return nil, &MissingError{Account: v.account, Region: region, Service: service, Op: op, Reason: f.Gap(op)}
	}
	return out, nil
}

// getRes decodes a per-resource operation's output for key.
func getRes[T any](v *view, region, service, op, key string) (*T, error) {
	v.noteRead(service, op)
	f, err := v.file(region, service)
	if err != nil {
		return nil, err
	}
	out := new(T)
	ok, err := f.GetResource(op, key, out)
	if err != nil {
		return nil, err
	}
	if !ok {
		if code := f.ResourceError(op, key); code != "" {
			return nil, &BenignError{Op: op, Code: code}
		}
		return nil, &MissingError{Account: v.account, Region: region, Service: service, Op: op, Key: key, Reason: f.Gap(op)}
	}
	return out, nil
}

// benign returns the AWS error code when err is a BenignError.
func benign(err error) (string, bool) {
	var b *BenignError
	if errors.As(err, &b) {
		return b.Code, true
	}
	return "", false
}

// Readers and buffers are pooled: an audit reads tens of thousands of
// small files, and a fresh gzip reader and a growing buffer per file
// cost more than the decompression itself.
var (
	gzipPool sync.Pool
	bufPool  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// readServiceFile reads one <service>.json.gz as snapshot.ReadServiceFile
// does (errors name the file), reusing readers and buffers.
func readServiceFile(path string) (*snapshot.ServiceFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	zr, _ := gzipPool.Get().(*gzip.Reader)
	if zr == nil {
		zr, err = gzip.NewReader(fh)
	} else {
		err = zr.Reset(fh)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a gzip file: %w", path, err)
	}
	defer gzipPool.Put(zr)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, fmt.Errorf("%s: corrupt or truncated gzip data: %w", path, err)
	}
	var f snapshot.ServiceFile
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &f, nil
}
