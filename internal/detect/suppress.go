package detect

import (
	"sync"
	"time"
)

// Suppressor applies rules' Suppression to a stream of hits. It is safe
// for concurrent use. Hits of rules without Suppression always pass.
// Memory stays bounded: keys older than every window are forgotten.
type Suppressor struct {
	mu      sync.Mutex
	last    map[string]time.Time
	latest  time.Time     // the latest event time seen
	window  time.Duration // the longest window seen
	inserts int
}

// pruneEvery is how many new keys may be added between prunings.
const pruneEvery = 4096

// NewSuppressor returns an empty Suppressor.
func NewSuppressor() *Suppressor { return &Suppressor{last: map[string]time.Time{}} }

// Allow reports whether h, seen on an event at time t, should be reported.
// A hit is suppressed when a hit with the same rule and key was reported
// less than the rule's window before (or after: events may arrive out of
// order) t.
func (s *Suppressor) Allow(h Hit, t time.Time) bool {
	sp := h.Rule.Suppression
	if sp == nil || sp.Window <= 0 {
		return true
	}
	k := h.Rule.ID + "\x00" + h.Key
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.After(s.latest) {
		s.latest = t
	}
	if sp.Window > s.window {
		s.window = sp.Window
	}
	if prev, ok := s.last[k]; ok {
		d := t.Sub(prev)
		if d < 0 {
			d = -d
		}
		if d < sp.Window {
			return false
		}
	} else {
		s.inserts++
		if s.inserts%pruneEvery == 0 {
			s.prune()
		}
	}
	s.last[k] = t
	return true
}

// prune forgets keys last reported more than the longest window before
// the latest event: no window can still cover them.
func (s *Suppressor) prune() {
	cutoff := s.latest.Add(-s.window)
	for k, t := range s.last {
		if t.Before(cutoff) {
			delete(s.last, k)
		}
	}
}

// Len returns how many keys the Suppressor remembers.
func (s *Suppressor) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.last)
}
