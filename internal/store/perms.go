package store

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
)

type logKey struct{}

// WithLog returns ctx carrying the logger Open reports to (what it
// changed on disk); without one, Open uses slog.Default().
func WithLog(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, logKey{}, l)
}

func logFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(logKey{}).(*slog.Logger); ok && l != nil {
		return l
	}
	return slog.Default()
}

// tighten makes the database file (open as f) and its -wal and -shm
// files, when they exist, readable and writable by their owner only:
// a store created by an older version, copied, or restored with group
// or other bits would otherwise keep findings and outbox messages open
// to other users. Each change is logged. Symbolic links beside the
// database are left alone. It returns the files it changed.
func tighten(ctx context.Context, abs string, f *os.File) ([]string, error) {
	if runtime.GOOS == "windows" {
		return nil, nil // Unix permission bits mean nothing there
	}
	var changed []string
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("state store %s: %w", abs, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return nil, fmt.Errorf("state store %s: restricting permissions: %w", abs, err)
		}
		logFrom(ctx).Warn("state store was readable by others: permissions set to 0600", "file", abs, "was", st.Mode().Perm().String())
		changed = append(changed, abs)
	}
	for _, side := range []string{abs + "-wal", abs + "-shm"} {
		st, err := os.Lstat(side)
		if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(side, 0o600); err != nil && !os.IsNotExist(err) {
			return changed, fmt.Errorf("state store %s: restricting permissions: %w", side, err)
		}
		logFrom(ctx).Warn("state store file was readable by others: permissions set to 0600", "file", side, "was", fs.FileMode(st.Mode().Perm()).String())
		changed = append(changed, side)
	}
	return changed, nil
}
