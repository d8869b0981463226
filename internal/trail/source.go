package trail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// Object is one file of an archive as a source lists it.
type Object struct {
	// Key is the path relative to the source root, slash-separated.
	Key     string
	Size    int64
	ModTime time.Time
	// ETag is the S3 entity tag; empty for local files.
	ETag string
	Loc  Location
}

// Version identifies one content of an object: size plus ETag, or size
// plus modification time for local files. The index re-reads an object
// whose version changed.
func (o Object) Version() string {
	if o.ETag != "" {
		return fmt.Sprintf("%d:%s", o.Size, o.ETag)
	}
	return fmt.Sprintf("%d:%d", o.Size, o.ModTime.UnixNano())
}

// Source is an archive of CloudTrail files: a local directory or an S3
// prefix. Implementations are safe for concurrent use.
type Source interface {
	// String names the source as the user gave it.
	String() string
	// List calls fn for every object of the given kinds that the filter
	// may want, pruning directories (prefixes) the filter excludes.
	// Objects come in key order.
	List(ctx context.Context, f *Filter, kinds Kind, fn func(Object) error) error
	// Open returns the object's bytes as stored.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// SignatureSource is a Source that can return the signature CloudTrail
// stored with a digest file (S3 metadata, or a local sidecar file).
type SignatureSource interface {
	Signature(ctx context.Context, key string) (string, error)
}

// ErrNoSignature is returned by Signature when a digest has none stored.
var ErrNoSignature = errors.New("no stored signature")

// dirLister lists one level of a tree: the sub-directory names and the
// files directly inside dir ("" is the root).
type dirLister interface {
	listDir(ctx context.Context, dir string) (dirs []string, files []Object, err error)
}

// walk lists a tree level by level, entering only the directories the
// filter wants and returning files in key order.
func walk(ctx context.Context, l dirLister, dir string, f *Filter, kinds Kind, fn func(Object) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	dirs, files, err := l.listDir(ctx, dir)
	if err != nil {
		return err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Key < files[j].Key })
	sort.Strings(dirs)
	// Beside an AWSLogs directory only the archive counts: public keys,
	// manifests and the like are not logs.
	if indexOf(dirs, dirRoot) >= 0 {
		files = nil
	}
	for _, o := range files {
		name := path.Base(o.Key)
		if !isRecordFile(name) {
			continue
		}
		o.Loc = ParseKey(o.Key)
		if o.Loc.Kind&kinds == 0 || !f.WantObject(o.Loc) {
			continue
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	for _, d := range dirs {
		sub := d
		if dir != "" {
			sub = dir + "/" + d
		}
		if !f.descend(strings.Split(sub, "/"), kinds) {
			continue
		}
		if err := walk(ctx, l, sub, f, kinds, fn); err != nil {
			return err
		}
	}
	return nil
}

// Open opens a source given as a local path or s3://bucket/prefix. The S3
// client is built from the default AWS configuration with opts applied.
func Open(ctx context.Context, spec string, opts S3Options) (Source, error) {
	if strings.HasPrefix(spec, "s3://") {
		return OpenS3(ctx, spec, opts)
	}
	return OpenLocal(spec)
}

// ListAll collects the objects a source lists, in key order.
func ListAll(ctx context.Context, src Source, f *Filter, kinds Kind) ([]Object, error) {
	var out []Object
	err := src.List(ctx, f, kinds, func(o Object) error {
		out = append(out, o)
		return nil
	})
	return out, err
}
