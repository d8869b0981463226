package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// view reads one account's service files and decodes operations once.
// A view belongs to one goroutine.
type view struct {
	snap    *snapshot.Snapshot
	account string
	files   map[string]fileEntry
	decoded map[string]decodeEntry
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
type MissingError struct {
	Account, Region, Service, Op, Key string
}

func (e *MissingError) Error() string {
	s := fmt.Sprintf("not collected: account %s region %s %s %s", e.Account, e.Region, e.Service, e.Op)
	if e.Key != "" {
		s += " for " + e.Key
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
	f, err := snapshot.ReadServiceFile(path)
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

// get decodes an operation's output into a new T, once per view.
func get[T any](v *view, region, service, op string) (*T, error) {
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
		return nil, &MissingError{Account: v.account, Region: region, Service: service, Op: op}
	}
	return out, nil
}

// getRes decodes a per-resource operation's output for key.
func getRes[T any](v *view, region, service, op, key string) (*T, error) {
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
		return nil, &MissingError{Account: v.account, Region: region, Service: service, Op: op, Key: key}
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
