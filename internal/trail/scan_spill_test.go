package trail

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeEvents writes n records, each with its own event id and a time a
// second apart (in reverse, so that sorting has work to do), as one file.
func writeEvents(t *testing.T, path string, n int, idPrefix string) {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventVersion":"1.08","eventTime":"%s","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging",`+
			`"awsRegion":"us-east-1","recipientAccountId":"111122223333","eventID":"%s-%06d","userIdentity":{"arn":"arn:aws:iam::111122223333:user/u"}}`,
			t0.Add(time.Duration(n-i)*time.Second).Format(time.RFC3339), idPrefix, i)
	}
	b.WriteString(`]}`)
	writeFile(t, path, []byte(b.String()))
}

// TestScanSpillsAndDedupes scans 3 copies of a 2,000-record file (the
// same events delivered three times) and 500 other events with at most
// 100 detections in memory: the output, streamed through Emit, is the
// same as an unbounded scan's, each event is detected once, and the
// scan never held more than the bound plus one worker's batch.
func TestScanSpillsAndDedupes(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.json", "b.json", "c.json"} {
		writeEvents(t, filepath.Join(dir, name), 2000, "dup")
	}
	writeEvents(t, filepath.Join(dir, "d.json"), 500, "other")
	src, _ := OpenLocal(dir)
	m := newNameMatcher("StopLogging")
	want, err := Scan(context.Background(), src, ScanOptions{Matcher: m, IngestOptions: IngestOptions{Workers: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Detections) != 2500 || want.Duplicates != 4000 {
		t.Fatalf("unbounded scan: %d detections, %d duplicates; want 2500 and 4000", len(want.Detections), want.Duplicates)
	}
	var got []Detection
	res, err := Scan(context.Background(), src, ScanOptions{Matcher: m, MaxBuffered: 100, IngestOptions: IngestOptions{Workers: 2},
		Emit: func(d Detection) error { got = append(got, d); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Detections) != 0 || res.Count != 2500 || res.Duplicates != 4000 || res.Max() != want.Max() {
		t.Fatalf("streamed scan: %d kept, count %d, %d duplicates, max %v", len(res.Detections), res.Count, res.Duplicates, res.Max())
	}
	if res.peak > 100+handlerBatch {
		t.Errorf("held %d detections at once; bound %d", res.peak, 100+handlerBatch)
	}
	for i := range got {
		a, b := got[i], want.Detections[i]
		a.hit, b.hit = Hit{}, Hit{}
		a.File, b.File = filepath.Base(a.File), filepath.Base(b.File)
		if a.File != b.File && a.EventID[:3] == "dup" {
			// Which copy of a duplicated event is kept is the first in
			// sort order: the same file in both runs.
			t.Fatalf("detection %d kept from %s, want %s", i, a.File, b.File)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("detection %d differs:\n got  %+v\n want %+v", i, a, b)
		}
	}
}
