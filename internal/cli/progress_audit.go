package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/orgrail/orgrail/internal/trail"
)

// countProgress returns a progress callback that shows "what done/total"
// on one terminal line of w, redrawn at most twice a second and always
// at the end, and a function that clears the line; both are no-ops
// unless show (a terminal, and not --quiet). Safe for concurrent use.
func countProgress(w io.Writer, what string, show bool) (func(done, total int), func()) {
	draw, clear := lineProgress(w, show)
	return func(done, total int) {
		draw(done == total, func() string {
			if total > 0 {
				return fmt.Sprintf("%s %d/%d", what, done, total)
			}
			return fmt.Sprintf("%s %d", what, done)
		})
	}, clear
}

// progressTerminal decides whether progress is drawn on a writer (the
// commands pass stderr): a terminal. Tests replace it to draw on a
// buffer.
var progressTerminal = isTerminal

// lineProgress returns a function that redraws one terminal line of w
// with the text line() returns, at most twice a second unless final, and
// a function that clears the line; both are no-ops unless show. The
// first call always draws. Safe for concurrent use.
func lineProgress(w io.Writer, show bool) (func(final bool, line func() string), func()) {
	if !show {
		return func(bool, func() string) {}, func() {}
	}
	var mu sync.Mutex
	var last time.Time
	drawn := false
	draw := func(final bool, line func() string) {
		mu.Lock()
		defer mu.Unlock()
		if drawn && !final && time.Since(last) < 500*time.Millisecond {
			return
		}
		last, drawn = time.Now(), true
		fmt.Fprintf(w, "\r\x1b[K%s", line())
	}
	clear := func() {
		mu.Lock()
		defer mu.Unlock()
		if drawn {
			fmt.Fprint(w, "\r\x1b[K")
		}
	}
	return draw, clear
}

// scanProgress returns a trail.ScanOptions.Progress callback that shows
// "trail scan: F files, R records, D detections" on one terminal line of
// w (as countProgress does for audit), and a function that clears it;
// both are no-ops unless show.
func scanProgress(w io.Writer, show bool) (func(trail.ScanProgress), func()) {
	if !show {
		return nil, func() {}
	}
	draw, clear := lineProgress(w, true)
	return func(p trail.ScanProgress) {
		draw(false, func() string {
			return fmt.Sprintf("trail scan: %d files, %d records, %d detections", p.Files, p.Records, p.Detections)
		})
	}, clear
}
