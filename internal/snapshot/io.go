package snapshot

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/orgrail/orgrail/internal/org"
)

// Snapshot is an opened snapshot directory. Service files are read on
// demand and cached; a Snapshot is safe for concurrent use.
type Snapshot struct {
	Dir      string
	Manifest Manifest
	Org      *org.Organization

	mu    sync.Mutex
	cache map[string]*ServiceFile
	gaps  map[string]Gap // account/region/service → gap
}

// Open reads a snapshot's manifest and org.json. It fails with an error
// naming the file when either is missing, truncated or corrupt, and
// with ErrIncomplete when the manifest was never written.
func Open(dir string) (*Snapshot, error) {
	dir = Resolve(dir)
	mpath := filepath.Join(dir, manifestFile)
	b, err := os.ReadFile(mpath)
	if errors.Is(err, fs.ErrNotExist) {
		if _, e := os.Stat(dir); e != nil {
			return nil, fmt.Errorf("snapshot %s: %w", dir, e)
		}
		return nil, fmt.Errorf("snapshot %s: %s is missing: %w (was the collection interrupted? use --resume)", dir, manifestFile, ErrIncomplete)
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", dir, err)
	}
	s := &Snapshot{Dir: dir, cache: map[string]*ServiceFile{}, gaps: map[string]Gap{}}
	if err := json.Unmarshal(b, &s.Manifest); err != nil {
		return nil, fmt.Errorf("%s: %w", mpath, describeJSONError(b, err))
	}
	if s.Manifest.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("%s: format version %d, this orgrail reads %d", mpath, s.Manifest.FormatVersion, FormatVersion)
	}
	s.Org, err = loadOrg(filepath.Join(dir, orgFile))
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", dir, err)
	}
	for _, g := range s.Manifest.Gaps {
		s.gaps[gapKey(g.Account, g.Region, g.Service)] = g
	}
	return s, nil
}

func gapKey(account, region, service string) string { return account + "/" + region + "/" + service }

// GapError is returned by Service when a file is absent because its
// collection failed: the manifest recorded the gap.
type GapError struct{ Gap Gap }

func (e *GapError) Error() string { return "not collected: " + e.Gap.String() }

// ErrNotCollected is returned (wrapped) by Service when a file is absent
// and no gap explains it: the service was not asked for, or the region
// is not covered.
var ErrNotCollected = errors.New("not collected")

// Service returns the service file for an account and region (use
// Global for global services). A file absent because of a recorded gap
// gives a *GapError; one simply not collected wraps ErrNotCollected.
func (s *Snapshot) Service(account, region, service string) (*ServiceFile, error) {
	key := gapKey(account, region, service)
	s.mu.Lock()
	f, ok := s.cache[key]
	s.mu.Unlock()
	if ok {
		return f, nil
	}
	rel, err := SafePath(account, region, service)
	if err != nil {
		return nil, err
	}
	f, err = ReadServiceFile(filepath.Join(s.Dir, rel))
	if errors.Is(err, fs.ErrNotExist) {
		for _, k := range []string{key, gapKey(account, region, ""), gapKey(account, "", ""), gapKey(account, "", service)} {
			if g, ok := s.gaps[k]; ok {
				return nil, &GapError{Gap: g}
			}
		}
		return nil, fmt.Errorf("%s %s %s: %w", account, region, service, ErrNotCollected)
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cache[key] = f
	s.mu.Unlock()
	return f, nil
}

// Regions returns the region directories present for an account,
// sorted, Global excluded.
func (s *Snapshot) Regions(account string) []string {
	if CheckAccount(account) != nil {
		return nil
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir, "accounts", account))
	var out []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != Global && CheckRegion(e.Name()) == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Files lists every service file present, as relative paths, sorted.
func (s *Snapshot) Files() ([]string, error) {
	var out []string
	root := filepath.Join(s.Dir, "accounts")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipDir
			}
			return err
		}
		if !d.IsDir() && filepath.Ext(p) == ".gz" {
			rel, _ := filepath.Rel(s.Dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// ReadServiceFile reads one <service>.json.gz, with errors naming the file.
func ReadServiceFile(path string) (*ServiceFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: not a gzip file: %w", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt or truncated gzip data: %w", path, err)
	}
	var f ServiceFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, describeJSONError(b, err))
	}
	return &f, nil
}

// describeJSONError adds line and column to a JSON syntax error.
func describeJSONError(b []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(b, se.Offset)
		return fmt.Errorf("line %d column %d: %w", line, col, err)
	}
	var ue *json.UnmarshalTypeError
	if errors.As(err, &ue) {
		line, col := position(b, ue.Offset)
		return fmt.Errorf("line %d column %d: %w", line, col, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated JSON: %w", err)
	}
	return err
}

func position(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	prefix := b[:off]
	line = bytes.Count(prefix, []byte{'\n'}) + 1
	col = int(off) - bytes.LastIndexByte(prefix, '\n')
	return line, col
}

// Writer writes a snapshot. WriteService is safe for concurrent use;
// Commit writes the manifest last, so a crash leaves a directory that
// Open reports as incomplete and a collector can resume.
type Writer struct {
	Dir string
}

// Create prepares dir (created 0700) and writes org.json.
func Create(dir string, o *org.Organization) (*Writer, error) {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", dir, err)
	}
	w := &Writer{Dir: dir}
	if o != nil {
		if err := w.WriteOrg(o); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// WriteOrg writes org.json.
func (w *Writer) WriteOrg(o *org.Organization) error {
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return fmt.Errorf("org.json: %w", err)
	}
	return writeFileAtomic(filepath.Join(w.Dir, orgFile), append(b, '\n'))
}

// WriteService writes one service file (gzip, deterministic bytes).
func (w *Writer) WriteService(f *ServiceFile) error {
	b, err := EncodeServiceFile(f)
	if err != nil {
		return err
	}
	rel, err := SafePath(f.Account, f.Region, f.Service)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", w.Dir, err)
	}
	path, err := Within(w.Dir, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), DirMode); err != nil {
		return err
	}
	return writeFileAtomic(path, b)
}

// Has reports whether a complete service file is already written (for
// --resume): one that records failed operations is collected again.
func (w *Writer) Has(account, region, service string) bool {
	rel, err := SafePath(account, region, service)
	if err != nil {
		return false
	}
	f, err := ReadServiceFile(filepath.Join(w.Dir, rel))
	return err == nil && len(f.Gaps) == 0
}

// Commit sorts and writes the manifest. It is the last write.
func (w *Writer) Commit(m *Manifest) error {
	if m.FormatVersion == 0 {
		m.FormatVersion = FormatVersion
	}
	if m.Gaps == nil {
		m.Gaps = []Gap{}
	}
	if m.Coverage == nil {
		m.Coverage = []Coverage{}
	}
	m.SortGaps()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(w.Dir, manifestFile), append(b, '\n'))
}

// EncodeServiceFile returns the gzip bytes of a service file. The same
// content always gives the same bytes (no gzip timestamp, sorted keys).
// It is safe for concurrent use; compressors are pooled, since a fresh
// flate writer allocates and clears about a megabyte.
//
// Every output passes through RedactJSON first: this is the one place
// through which every snapshot writer (collect, the Config-snapshot
// source, the demo generator) serializes a service file, so no secret
// value collected by any of them reaches the disk.
func EncodeServiceFile(f *ServiceFile) ([]byte, error) {
	rf, err := redactFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Path(f.Account, f.Region, f.Service), err)
	}
	raw, err := json.Marshal(rf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Path(f.Account, f.Region, f.Service), err)
	}
	buf := bytes.NewBuffer(make([]byte, 0, len(raw)/4+64))
	zw := gzipPool.Get().(*gzip.Writer)
	defer gzipPool.Put(zw)
	zw.Reset(buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// gzipPool holds BestSpeed gzip writers; Reset gives a writer the state
// (and header) of a new one, so pooling does not change a byte.
var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// writeFileAtomic writes via a temporary file and rename, mode 0600.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Chmod(FileMode); err != nil {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	return os.Rename(name, path)
}
