package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// countProgress returns a progress callback that shows "what done/total"
// on one terminal line of w, redrawn at most twice a second and always
// at the end, and a function that clears the line; both are no-ops
// unless show (a terminal, and not --quiet). Safe for concurrent use.
func countProgress(w io.Writer, what string, show bool) (func(done, total int), func()) {
	if !show {
		return func(int, int) {}, func() {}
	}
	var mu sync.Mutex
	var last time.Time
	drawn := false
	update := func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < 500*time.Millisecond && done != total {
			return
		}
		last, drawn = time.Now(), true
		if total > 0 {
			fmt.Fprintf(w, "\r\x1b[K%s %d/%d", what, done, total)
		} else {
			fmt.Fprintf(w, "\r\x1b[K%s %d", what, done)
		}
	}
	clear := func() {
		mu.Lock()
		defer mu.Unlock()
		if drawn {
			fmt.Fprint(w, "\r\x1b[K")
		}
	}
	return update, clear
}
