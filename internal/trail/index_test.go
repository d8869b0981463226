package trail

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/store"
)

func TestIndexUpdateAndQuery(t *testing.T) {
	ctx := context.Background()
	a := newTestArchive(t, t.TempDir())
	h0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var keys []string
	for i := 0; i < 3; i++ {
		keys = append(keys, a.writeHour(t, "111122223333", "eu-west-1", h0.Add(time.Duration(i)*time.Hour), 2, 5, false)...)
	}
	a.writeHour(t, "444455556666", "us-east-1", h0, 1, 5, false)
	writeFile(t, filepath.Join(a.Dir, "AWSLogs", a.OrgID, "444455556666", "CloudTrail", "us-east-1", "2026", "03", "01", "broken.json.gz"), []byte("\x1f\x8bnot gzip"))

	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix := NewIndex(st.DB())
	src, err := OpenLocal(a.Dir)
	if err != nil {
		t.Fatal(err)
	}
	stats, ferrs, err := ix.Update(ctx, src, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Listed != 8 || stats.Indexed != 7 || stats.Records != 35 || len(ferrs) != 1 {
		t.Fatalf("first update = %+v, errors %v", stats, ferrs)
	}
	stats, ferrs, err = ix.Update(ctx, src, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Only the broken file is read again.
	if stats.Unchanged != 7 || stats.Indexed != 0 || len(ferrs) != 1 {
		t.Fatalf("second update = %+v, errors %v", stats, ferrs)
	}
	// A changed file is read again.
	p := filepath.Join(a.Dir, filepath.FromSlash(keys[0]))
	writeFile(t, p, gzipBytes([]byte(`{"Records":[`+a.record("111122223333", "eu-west-1", h0.Add(time.Minute))+`]}`)))
	os.Chtimes(p, time.Now(), time.Now().Add(time.Hour))
	stats, _, err = ix.Update(ctx, src, IngestOptions{})
	if err != nil || stats.Unchanged != 6 || stats.Records != 1 {
		t.Fatalf("third update = %+v, %v", stats, err)
	}

	all, err := ix.Query(ctx, src, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 31 {
		t.Fatalf("all events = %d, want 31", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].EventTime < all[i-1].EventTime {
			t.Fatal("events not in time order")
		}
	}
	tests := []struct {
		name string
		q    Query
		want func(Event) bool
	}{
		{"account", Query{Filter: Filter{Accounts: []string{"444455556666"}}}, func(e Event) bool { return e.Account == "444455556666" }},
		{"event name", Query{EventNames: []string{"AssumeRole", "GetObject"}}, func(e Event) bool { return e.EventName == "AssumeRole" || e.EventName == "GetObject" }},
		{"principal substring", Query{Principals: []string{"user3"}}, func(e Event) bool { return len(e.Principal) > 0 }},
		{"resource", Query{Resources: []string{"sg-0000000"}}, func(e Event) bool { return len(e.Resources) > 0 }},
		{"since", Query{Filter: Filter{Since: h0.Add(90 * time.Minute)}}, func(e Event) bool { return e.EventTime >= "2026-03-01T11:30:00Z" }},
		{"ip glob", Query{SourceIPs: []string{"198.51.100.1*"}}, func(e Event) bool { return e.SourceIP[:12] == "198.51.100.1" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.Query(ctx, src, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || len(got) == len(all) && tc.name != "resource" {
				t.Fatalf("%d events of %d", len(got), len(all))
			}
			for _, e := range got {
				if !tc.want(e) {
					t.Fatalf("unexpected event %+v", e)
				}
			}
		})
	}
	lim, _ := ix.Query(ctx, src, Query{Limit: 3})
	if len(lim) != 3 {
		t.Fatalf("limit: %d", len(lim))
	}
}
