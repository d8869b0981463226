package trail

import (
	"bytes"
	"context"
	"errors"
	"github.com/orgrail/orgrail/internal/shareddata"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/severity"
)

// nameMatcher fires one rule per listed event name, by substring.
type nameMatcher struct {
	rules map[string]*Rule
}

func newNameMatcher(names ...string) *nameMatcher {
	m := &nameMatcher{rules: map[string]*Rule{}}
	for _, n := range names {
		m.rules[`"eventName":"`+n+`"`] = &Rule{ID: "test." + n, Title: n, Severity: severity.High, Source: "builtin", Author: "orgrail"}
	}
	return m
}

func (m *nameMatcher) Match(ev []byte, dst []Hit) ([]Hit, error) {
	for needle, r := range m.rules {
		if bytes.Contains(ev, []byte(needle)) {
			dst = append(dst, Hit{Rule: r})
		}
	}
	return dst, nil
}

// sharedData returns ../shared/data, or skips.
func sharedData(t testing.TB) string { return shareddata.Dir(t, "") }

func TestScanSharedData(t *testing.T) {
	dir := filepath.Join(sharedData(t), "cloudtrail")
	src, err := OpenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := newNameMatcher("StopLogging", "DeleteTrail", "LeaveOrganization", "ConsoleLogin")
	var first []Detection
	for _, workers := range []int{1, 2, 5} {
		res, err := Scan(context.Background(), src, ScanOptions{IngestOptions: IngestOptions{Workers: workers}, Matcher: m})
		if err != nil {
			t.Fatal(err)
		}
		if res.Partial || len(res.Errors) > 0 {
			t.Fatalf("errors: %v", res.Errors)
		}
		if res.Stats.Files < 90 || res.Stats.Records < 3000 {
			t.Fatalf("stats = %+v", res.Stats)
		}
		seen := map[string]bool{}
		for _, d := range res.Detections {
			seen[d.EventName] = true
			if d.EventID == "" || d.Account == "" || d.Principal == "" || d.File == "" {
				t.Errorf("detection lacks fields: %+v", d)
			}
		}
		for _, n := range []string{"StopLogging", "DeleteTrail", "LeaveOrganization", "ConsoleLogin"} {
			if !seen[n] {
				t.Errorf("no detection for %s", n)
			}
		}
		if first == nil {
			first = res.Detections
			continue
		}
		if len(first) != len(res.Detections) {
			t.Fatalf("workers=%d: %d detections, want %d", workers, len(res.Detections), len(first))
		}
		for i := range first {
			if first[i].EventID != res.Detections[i].EventID || first[i].DetectionID != res.Detections[i].DetectionID {
				t.Fatalf("workers=%d: order differs at %d", workers, i)
			}
		}
	}
}

func TestScanCorruptInput(t *testing.T) {
	dir := t.TempDir()
	good := `{"Records":[` + rec1 + `]}`
	files := map[string][]byte{
		"good.json":         []byte(good),
		"good.json.gz":      gz(good),
		"truncated.json.gz": gz(`{"Records":[` + rec1 + `,` + rec2 + `]}`)[:150],
		"invalid.json":      []byte(`{"Records":[{"eventName":"StopLogging",]}`),
		"huge.json":         []byte(`[{"eventName":"Huge","x":"` + strings.Repeat("x", 10<<20) + `"},` + rec2 + `]`),
		"layout.json":       []byte(`{"detail-type":"nope"}`),
		"notes.txt":         []byte("not a log"),
	}
	for name, b := range files {
		writeFile(t, filepath.Join(dir, name), b)
	}
	src, _ := OpenLocal(dir)
	res, err := Scan(context.Background(), src, ScanOptions{Matcher: newNameMatcher("AuthorizeSecurityGroupIngress", "ConsoleLogin")})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || res.Stats.Files != 6 {
		t.Fatalf("partial=%v stats=%+v", res.Partial, res.Stats)
	}
	want := map[string]error{"truncated.json.gz": ErrTruncated, "invalid.json": ErrSyntax, "huge.json": ErrTooLarge, "layout.json": ErrUnknownLayout}
	if len(res.Errors) != len(want) {
		t.Fatalf("errors = %v", res.Errors)
	}
	for _, e := range res.Errors {
		base := filepath.Base(e.File)
		if !errors.Is(e, want[base]) || !strings.Contains(e.Error(), dir) {
			t.Errorf("%s: error %v, want %v naming the file", base, e, want[base])
		}
	}
	// Two good files holding the same record (one detection: the second
	// is a duplicate of the same event id), and the record after the
	// huge one.
	var names []string
	for _, d := range res.Detections {
		names = append(names, d.EventName+"@"+filepath.Base(d.File))
	}
	got := strings.Join(names, " ")
	if res.Duplicates != 1 || len(res.Detections) != 2 {
		t.Errorf("detections %q, %d duplicates; want 2 and 1", got, res.Duplicates)
	}
	for _, w := range []string{"AuthorizeSecurityGroupIngress@good.json", "ConsoleLogin@huge.json"} {
		if !strings.Contains(got, w) {
			t.Errorf("detections %q lack %s", got, w)
		}
	}
}

func TestScanPrunesListing(t *testing.T) {
	a := newTestArchive(t, t.TempDir())
	day := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 5; d++ {
		for _, acct := range []string{"111122223333", "444455556666"} {
			for _, region := range []string{"eu-west-1", "us-east-1"} {
				a.writeHour(t, acct, region, day.AddDate(0, 0, d).Add(12*time.Hour), 1, 2, false)
			}
		}
	}
	src, _ := OpenLocal(a.Dir)
	tests := []struct {
		name  string
		f     Filter
		files int
	}{
		{"all", Filter{}, 20},
		{"account", Filter{Accounts: []string{"111122223333"}}, 10},
		{"region", Filter{Regions: []string{"us-east-1"}}, 10},
		{"one day", Filter{Since: day.AddDate(0, 0, 2), Until: day.AddDate(0, 0, 2).Add(20 * time.Hour)}, 4},
		{"both", Filter{Accounts: []string{"444455556666"}, Regions: []string{"eu-west-1"}, Since: day.AddDate(0, 0, 3)}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var listed []string
			l := &countingLister{Local: src}
			err := walk(context.Background(), l, "", &tc.f, KindLog, func(o Object) error {
				listed = append(listed, o.Key)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(listed) != tc.files {
				t.Fatalf("listed %d files, want %d: %v", len(listed), tc.files, listed)
			}
			if tc.name != "all" && l.dirs >= 60 {
				t.Errorf("listed %d directories: not pruned", l.dirs)
			}
		})
	}
}

// countingLister counts the directories a walk lists.
type countingLister struct {
	*Local
	dirs int
}

func (c *countingLister) listDir(ctx context.Context, dir string) ([]string, []Object, error) {
	c.dirs++
	return c.Local.listDir(ctx, dir)
}
