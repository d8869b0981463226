package notify

import (
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/trail"
)

func TestPrefixOf(t *testing.T) {
	tests := map[string]string{
		"AWSLogs/o-abc/111111111111/CloudTrail/eu-west-1/2026/11/25/f.json.gz": "AWSLogs/o-abc/111111111111/CloudTrail/eu-west-1",
		"AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/25/f.json.gz":       "AWSLogs/111111111111/CloudTrail/us-east-1",
		"odd/place/f.json.gz": "odd/place",
	}
	for key, want := range tests {
		if got := prefixOf(key); got != want {
			t.Errorf("prefixOf(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestDue(t *testing.T) {
	dir := "AWSLogs/111111111111/CloudTrail/eu-west-1/2026/11/25/"
	name := func(stamp string) string { return dir + "111111111111_CloudTrail_eu-west-1_" + stamp + "_x.json.gz" }
	obj := func(stamp string, size int64) trail.Object {
		k := name(stamp)
		return trail.Object{Key: k, Size: size, Loc: trail.ParseKey(k)}
	}
	cp := name("20261125T1200Z")
	w := &Watcher{Rewind: 15 * time.Minute, seen: map[string]string{}}
	tests := []struct {
		name string
		o    trail.Object
		seen bool
		want bool
	}{
		{"after the checkpoint", obj("20261125T1205Z", 1), false, true},
		{"long before", obj("20261125T1100Z", 1), false, false},
		{"late arrival in the window", obj("20261125T1150Z", 1), false, true},
		{"in the window, already read", obj("20261125T1150Z", 1), true, false},
	}
	for _, tc := range tests {
		if tc.seen {
			w.seen[tc.o.Key] = tc.o.Version()
		}
		if got := w.due(tc.o, cp); got != tc.want {
			t.Errorf("%s: due = %v, want %v", tc.name, got, tc.want)
		}
	}
	// A file read before whose content changed is read again.
	o := obj("20261125T1150Z", 2)
	if !w.due(o, cp) {
		t.Error("changed file in the window not due")
	}
}

func TestRuleSuppressionWindow(t *testing.T) {
	p := &Pipeline{}
	r := &trail.Rule{ID: "iam.root-activity", SuppressWindow: time.Hour}
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	steps := []struct {
		key  string
		at   time.Time
		want bool
	}{
		{"a", t0, false},
		{"a", t0.Add(30 * time.Minute), true},
		{"b", t0.Add(30 * time.Minute), false},
		{"a", t0.Add(-10 * time.Minute), true},
		{"a", t0.Add(2 * time.Hour), false},
	}
	for i, s := range steps {
		if got := p.suppressed(trail.Hit{Rule: r, Key: s.key}, s.at); got != s.want {
			t.Errorf("step %d: suppressed = %v, want %v", i, got, s.want)
		}
	}
	if p.suppressed(trail.Hit{Rule: &trail.Rule{ID: "x"}}, t0) || p.suppressed(trail.Hit{Rule: &trail.Rule{ID: "x"}}, t0) {
		t.Error("a rule without a window was suppressed")
	}
}
