package trail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Local is a Source over a directory tree (or one file).
type Local struct {
	root string
	file string // set when the source is a single file
}

// OpenLocal opens a directory, or a single file, as a Source.
func OpenLocal(p string) (*Local, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", p, err)
	}
	if !st.IsDir() {
		return &Local{root: filepath.Dir(p), file: filepath.Base(p)}, nil
	}
	return &Local{root: p}, nil
}

// String returns the path the source was opened with.
func (l *Local) String() string {
	if l.file != "" {
		return filepath.Join(l.root, l.file)
	}
	return l.root
}

// Root returns the directory keys are relative to.
func (l *Local) Root() string { return l.root }

// List walks the directory, pruning by the CloudTrail layout.
func (l *Local) List(ctx context.Context, f *Filter, kinds Kind, fn func(Object) error) error {
	if l.file != "" {
		st, err := os.Stat(filepath.Join(l.root, l.file))
		if err != nil {
			return fmt.Errorf("source %s: %w", l, err)
		}
		o := Object{Key: l.file, Size: st.Size(), ModTime: st.ModTime(), Loc: ParseKey(l.file)}
		if o.Loc.Kind == 0 {
			o.Loc.Kind = KindLog
		}
		return fn(o)
	}
	return walk(ctx, l, "", f, kinds, fn)
}

func (l *Local) listDir(_ context.Context, dir string) ([]string, []Object, error) {
	full := filepath.Join(l.root, filepath.FromSlash(dir))
	ents, err := os.ReadDir(full)
	if err != nil {
		return nil, nil, fmt.Errorf("list %s: %w", full, err)
	}
	var dirs []string
	var files []Object
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		key := name
		if dir != "" {
			key = dir + "/" + name
		}
		// Follow symbolic links as what they point at.
		info, err := os.Stat(filepath.Join(full, name))
		if err != nil {
			continue // dangling link: not an archive file
		}
		if info.IsDir() {
			dirs = append(dirs, name)
			continue
		}
		if !info.Mode().IsRegular() {
			continue
		}
		files = append(files, Object{Key: key, Size: info.Size(), ModTime: info.ModTime()})
	}
	return dirs, files, nil
}

// Open opens a file by key.
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, error) {
	return openRead(l.path(key))
}

// Signature reads the sidecar <key>.sig holding a digest's hex signature.
func (l *Local) Signature(_ context.Context, key string) (string, error) {
	b, err := os.ReadFile(l.path(key) + ".sig")
	if errors.Is(err, os.ErrNotExist) {
		return "", ErrNoSignature
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func (l *Local) path(key string) string {
	return filepath.Join(l.root, filepath.FromSlash(key))
}
