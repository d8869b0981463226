package rules

import (
	"sync"
	"testing"
)

// TestAuditReportsProgress counts the progress calls of an audit: one
// per account evaluated, the last with done equal to the total.
func TestAuditReportsProgress(t *testing.T) {
	f := newFx()
	snap := f.write(t)
	var mu sync.Mutex
	var calls, lastDone, total int
	_, err := Audit(snap, Options{Now: fxNow, Workers: 3, Progress: func(done, tot int) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		lastDone = max(lastDone, done)
		total = tot
	}})
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || calls != total || lastDone != total {
		t.Fatalf("progress: %d calls, last %d, total %d", calls, lastDone, total)
	}
}
