package store

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestOpenTightensExistingModes opens a store whose database, -wal and
// -shm files were left readable by group and others (an older version,
// a copy, a restore): Open sets each to 0600 and logs each change.
func TestOpenTightensExistingModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permission bits")
	}
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`CREATE TABLE IF NOT EXISTS perms_probe (x)`); err != nil {
		t.Fatal(err)
	}
	files := []string{path, path + "-wal", path + "-shm"}
	for _, f := range files {
		if err := os.Chmod(f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The -wal and -shm files stay while this handle is open, as they do
	// for a second process opening a store in use.
	defer s.Close()
	var logged bytes.Buffer
	ctx := WithLog(context.Background(), slog.New(slog.NewTextHandler(&logged, nil)))
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(f), got)
		}
		if !strings.Contains(logged.String(), "file="+f+" ") {
			t.Errorf("no log line names %s:\n%s", f, logged.String())
		}
	}
	// A store already private opens without a word.
	logged.Reset()
	s3, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s3.Close()
	if logged.Len() != 0 {
		t.Errorf("private store logged %q", logged.String())
	}
}
