package pattern

import (
	"encoding/json"
	"testing"
)

var fuzzPatterns = []string{
	`{"source": ["aws.ec2"], "detail": {"state": ["pending", {"prefix": "run"}]}}`,
	`{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "x-limit": [{"anything-but": [1, 2]}]}}`,
	`{"detail": {"source-ip": [{"cidr": "10.0.0.0/8"}, {"cidr": "::/0"}]}}`,
	`{"$or": [{"detail": {"state": [{"exists": false}]}}, {"resources": [{"wildcard": "arn:*:ec2:*"}]}]}`,
	`{"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}, {"anything-but": {"wildcard": "*/lib/*"}}]}}`,
	`{"detail": {"responseElements": [null], "eventVersion": [""], "enabled": [true]}}`,
}

// FuzzCompile feeds arbitrary documents to the pattern compiler: it must
// return a pattern or an error, never panic, and a compiled pattern must
// run over an event.
func FuzzCompile(f *testing.F) {
	for _, p := range fuzzPatterns {
		f.Add([]byte(p))
	}
	f.Add([]byte(`{"a": [{"numeric": ["=", 1e400]}]}`))
	f.Add([]byte(`{"a": {"$or": [{"b": [1]}, {"c": [{"wildcard": "\\*"}]}]}}`))
	f.Fuzz(func(t *testing.T, pattern []byte) {
		m, err := Compile(pattern)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			return
		}
		if _, err := m.Match([]byte(ec2Event), nil); err != nil {
			t.Fatalf("valid event rejected: %v", err)
		}
	})
}

// FuzzMatch feeds arbitrary events to a matcher: it must never panic, and
// must accept every document encoding/json accepts.
func FuzzMatch(f *testing.F) {
	b := NewBuilder()
	for _, p := range fuzzPatterns {
		if _, err := b.Add([]byte(p)); err != nil {
			f.Fatal(err)
		}
	}
	m := b.Build()
	f.Add([]byte(ec2Event))
	f.Add([]byte(`{"detail": {"state": "pend\u0069ng", "c-count": -1.5e3}}`))
	f.Add([]byte(`[{"detail": {}}]`))
	f.Fuzz(func(t *testing.T, event []byte) {
		_, err := m.Match(event, nil)
		if err != nil && json.Valid(event) {
			t.Fatalf("valid JSON rejected: %v", err)
		}
	})
}
