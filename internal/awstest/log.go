package awstest

import (
	"sync"
	"time"
)

// LogEntry records one call: who called what, with which credentials,
// and how it ended.
type LogEntry struct {
	Time      time.Time
	RequestID string
	Service   string
	Operation string
	Region    string
	// Account is the account the call was answered from (the caller's).
	Account string
	// Caller is the caller's ARN (root, user or assumed-role session).
	Caller      string
	AccessKeyID string
	Status      int
	// ErrorCode is empty on success.
	ErrorCode string
	Duration  time.Duration
}

type requestLog struct {
	mu      sync.Mutex
	limit   int
	entries []LogEntry
}

func (l *requestLog) add(e LogEntry) {
	l.mu.Lock()
	if l.limit > 0 && len(l.entries) >= l.limit {
		n := copy(l.entries, l.entries[len(l.entries)/2:])
		l.entries = l.entries[:n]
	}
	l.entries = append(l.entries, e)
	l.mu.Unlock()
}

// record logs one call and hands it to Options.Observe.
func (s *Server) record(e LogEntry) {
	s.log.add(e)
	if s.opts.Observe != nil {
		s.opts.Observe(e)
	}
}

// Log returns a copy of the request log, oldest first.
func (s *Server) Log() []LogEntry {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return append([]LogEntry(nil), s.log.entries...)
}

// Calls returns the log entries of one service operation ("" matches
// any), in order.
func (s *Server) Calls(service, op string) []LogEntry {
	var out []LogEntry
	for _, e := range s.Log() {
		if (service == "" || e.Service == service) && (op == "" || e.Operation == op) {
			out = append(out, e)
		}
	}
	return out
}

// ResetLog empties the request log.
func (s *Server) ResetLog() {
	s.log.mu.Lock()
	s.log.entries = nil
	s.log.mu.Unlock()
}
