package detect

import (
	"sync"
	"time"
)

// Suppressor applies rules' Suppression to a stream of hits. It is safe
// for concurrent use. Hits of rules without Suppression always pass.
type Suppressor struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// NewSuppressor returns an empty Suppressor.
func NewSuppressor() *Suppressor { return &Suppressor{last: map[string]time.Time{}} }

// Allow reports whether h, seen on an event at time t, should be reported.
// A hit is suppressed when a hit with the same rule and key was reported
// less than the rule's window before t. Events may arrive out of order:
// only hits within the window on either side are suppressed.
func (s *Suppressor) Allow(h Hit, t time.Time) bool {
	sp := h.Rule.Suppression
	if sp == nil || sp.Window <= 0 {
		return true
	}
	k := h.Rule.ID + "\x00" + h.Key
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.last[k]; ok {
		d := t.Sub(prev)
		if d < 0 {
			d = -d
		}
		if d < sp.Window {
			return false
		}
	}
	s.last[k] = t
	return true
}
