package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// fileWriter writes the files of one output directory from a bounded
// pool of goroutines, so that slow file creation overlaps with rendering
// and with itself. It creates each directory once (0700) and each file
// directly in place (0600): the output directory is fresh and the
// snapshot manifest, written last, is the commit point, so there is no
// temporary file and rename per file. The order of writes does not
// change a byte of any file.
type fileWriter struct {
	root string
	jobs chan output
	wg   sync.WaitGroup

	mu   sync.Mutex
	dirs map[string]*dirState

	failed atomic.Bool
	once   sync.Once
	err    error
}

// writerConcurrency is how many files are written at once: file creation
// mostly waits on the kernel, so more writers than processors pays.
func writerConcurrency() int { return 4 * runtime.GOMAXPROCS(0) }

// newFileWriter starts n writers for files under root.
func newFileWriter(root string, n int) *fileWriter {
	fw := &fileWriter{root: root, jobs: make(chan output, 4*n), dirs: map[string]*dirState{}}
	for range n {
		fw.wg.Add(1)
		go func() {
			defer fw.wg.Done()
			for o := range fw.jobs {
				if fw.failed.Load() {
					continue
				}
				if err := fw.write(o.path, o.data); err != nil {
					fw.fail(err)
				}
			}
		}()
	}
	return fw
}

// put queues rel (a slash-separated path under root) for writing. After
// a failure it drops the file: close reports the first error.
func (fw *fileWriter) put(rel string, data []byte) {
	if !fw.failed.Load() {
		fw.jobs <- output{path: rel, data: data}
	}
}

// close waits for every queued file and returns the first error.
func (fw *fileWriter) close() error {
	close(fw.jobs)
	fw.wg.Wait()
	return fw.err
}

func (fw *fileWriter) fail(err error) {
	fw.once.Do(func() { fw.err = err; fw.failed.Store(true) })
}

// write creates root/rel with mode 0600 and its missing directories with
// mode 0700, synchronously.
func (fw *fileWriter) write(rel string, b []byte) error {
	p, err := snapshot.Within(fw.root, filepath.FromSlash(rel))
	if err != nil {
		return err
	}
	if err := fw.mkdir(filepath.Dir(p)); err != nil {
		return err
	}
	if err := createFile(p, b); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}

// mkdir creates d and its missing parents, parents first, each exactly
// once per writer even when several writers need it at the same moment:
// a directory already made costs no system call, a new one one mkdir.
func (fw *fileWriter) mkdir(d string) error {
	fw.mu.Lock()
	st := fw.dirs[d]
	if st == nil {
		st = &dirState{}
		fw.dirs[d] = st
	}
	fw.mu.Unlock()
	st.once.Do(func() {
		if parent := filepath.Dir(d); parent != d {
			if st.err = fw.mkdir(parent); st.err != nil {
				return
			}
		}
		if err := os.Mkdir(d, snapshot.DirMode); err != nil && !errors.Is(err, fs.ErrExist) {
			st.err = err
		}
	})
	return st.err
}

// dirState is one directory's creation, done once.
type dirState struct {
	once sync.Once
	err  error
}
