package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if p, _ := DefaultPath(); p != "/x/state/orgrail/state.db" {
		t.Errorf("with XDG_STATE_HOME: %s", p)
	}
	t.Setenv("XDG_STATE_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultPath(); p != "/home/u/.local/state/orgrail/state.db" {
		t.Errorf("fallback: %s", p)
	}
	if p, _ := Resolve("/given.db"); p != "/given.db" {
		t.Errorf("Resolve kept %s", p)
	}
}

func TestFileModes(t *testing.T) {
	state := filepath.Join(t.TempDir(), "xdg")
	t.Setenv("XDG_STATE_HOME", state)
	s, err := Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetCheckpoint(context.Background(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(state, "orgrail")
	checks := map[string]os.FileMode{dir: 0o700, s.Path(): 0o600, s.Path() + "-wal": 0o600, s.Path() + "-shm": 0o600}
	for p, want := range checks {
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(context.Background(), dir); err == nil {
		t.Error("opening a directory should fail")
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("this is not a database, just text that is long enough to have a header"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), junk); err == nil {
		t.Error("opening a non-database file should fail")
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	for i := range 3 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		v, err := s.Version(ctx)
		if err != nil || v != SchemaVersion {
			t.Fatalf("open %d: version %d, %v", i, v, err)
		}
		var rows int
		if err := s.DB().QueryRow(`SELECT count(*) FROM schema_version`).Scan(&rows); err != nil || rows != len(migrations) {
			t.Fatalf("open %d: %d schema_version rows, %v", i, rows, err)
		}
		s.Close()
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_version VALUES (?, 0)`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil {
		t.Fatal("a store from a newer orgrail should be refused")
	}
}

func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			s, err := Open(context.Background(), path)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// writeMany writes n checkpoints and n outbox rows, each in its own
// transaction, the way two orgrail runs would.
func writeMany(ctx context.Context, s *Store, who string, n int) error {
	for i := range n {
		if err := s.SetCheckpoint(ctx, fmt.Sprintf("%s/%d", who, i), strconv.Itoa(i)); err != nil {
			return err
		}
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		var c int
		if err := tx.QueryRow(`SELECT count(*) FROM outbox`).Scan(&c); err != nil {
			tx.Rollback()
			return err
		}
		if _, err := tx.Exec(`INSERT INTO outbox (dedupe_key, channel, payload, next_attempt_at, created_at, updated_at)
			VALUES (?, 'slack', '{}', 0, 0, 0)`, fmt.Sprintf("%s-%d", who, i)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func TestConcurrentConnections(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, who := range []string{"a", "b"} {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		wg.Go(func() { errs <- writeMany(ctx, s, who, 100) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	check, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	cps, err := check.Checkpoints(ctx, "")
	if err != nil || len(cps) != 200 {
		t.Fatalf("%d checkpoints, %v", len(cps), err)
	}
}

const helperEnv = "ORGRAIL_STORE_TEST_WRITER"

// TestHelperWriter is the body of the second process in
// TestConcurrentProcesses; it does nothing in a normal run.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := writeMany(context.Background(), s, "child", 150); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	out := make(chan error, 1)
	var output []byte
	go func() {
		var err error
		output, err = cmd.CombinedOutput()
		out <- err
	}()
	if err := writeMany(ctx, s, "parent", 150); err != nil {
		t.Fatal(err)
	}
	if err := <-out; err != nil {
		t.Fatalf("child: %v\n%s", err, output)
	}
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM outbox`).Scan(&n); err != nil || n != 300 {
		t.Fatalf("%d outbox rows, %v", n, err)
	}
}

func TestCheckpoints(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, ok, err := s.Checkpoint(ctx, "watch/a"); ok || err != nil {
		t.Fatalf("empty store: ok %v err %v", ok, err)
	}
	for _, kv := range [][2]string{{"watch/a", "1"}, {"watch/a", "2"}, {"watch/b", "x"}, {"collect/z", "y"}} {
		if err := s.SetCheckpoint(ctx, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if v, ok, err := s.Checkpoint(ctx, "watch/a"); v != "2" || !ok || err != nil {
		t.Fatalf("watch/a = %q %v %v", v, ok, err)
	}
	m, err := s.Checkpoints(ctx, "watch/")
	if err != nil || len(m) != 2 || m["watch/b"] != "x" {
		t.Fatalf("Checkpoints = %v, %v", m, err)
	}
	if err := s.DeleteCheckpoint(ctx, "watch/a"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Checkpoint(ctx, "watch/a"); ok {
		t.Fatal("deleted checkpoint still there")
	}
}

func TestInfo(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.SetCheckpoint(ctx, "a", "b"); err != nil {
		t.Fatal(err)
	}
	in, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if in.SchemaVersion != SchemaVersion || in.SizeBytes == 0 || len(in.Tables) != len(Tables) {
		t.Fatalf("info = %+v", in)
	}
	for _, tc := range in.Tables {
		want := int64(0)
		switch tc.Name {
		case "checkpoints":
			want = 1
		case "schema_version":
			want = int64(SchemaVersion)
		}
		if tc.Rows != want {
			t.Errorf("%s: %d rows, want %d", tc.Name, tc.Rows, want)
		}
	}
}

func TestParseAge(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90d", 90 * 24 * time.Hour, true},
		{"2w", 14 * 24 * time.Hour, true},
		{"36h", 36 * time.Hour, true},
		{"0d", 0, true},
		{"d", 0, false},
		{"-1d", 0, false},
		{"ninety", 0, false},
		{"-5h", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseAge(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAge(%q) = %v, %v", tc.in, got, err)
		}
	}
}
