package trail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

func TestExportParquet(t *testing.T) {
	a := newTestArchive(t, t.TempDir())
	h0 := time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC) // two dates
	for _, acct := range []string{"111122223333", "444455556666"} {
		a.writeHour(t, acct, "eu-west-1", h0, 2, 10, false)
		a.writeHour(t, acct, "eu-west-1", h0.Add(time.Hour), 2, 10, false)
	}
	src, err := OpenLocal(a.Dir)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Export(context.Background(), src, ExportOptions{Dir: out, BufferRows: 15, RowsPerFile: 12})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 80 || res.Partitions != 4 || res.Partial {
		t.Fatalf("result = %+v", res)
	}
	var total int
	for _, f := range res.Files {
		rel, _ := filepath.Rel(out, f)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 4 || !strings.HasPrefix(parts[0], "account=") || !strings.HasPrefix(parts[1], "region=eu-west-1") || !strings.HasPrefix(parts[2], "date=2026-03-0") {
			t.Fatalf("bad partition path %s", rel)
		}
		rows, err := parquet.ReadFile[ParquetRow](f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if "account="+r.RecipientAccountID != parts[0] || "date="+r.EventTime.Format("2006-01-02") != parts[2] {
				t.Fatalf("row %s in %s", r.EventID, rel)
			}
			if !strings.HasPrefix(r.Record, "{") || r.EventName == "" {
				t.Fatalf("row = %+v", r)
			}
		}
		total += len(rows)
		if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", rel, st.Mode())
		}
	}
	if total != 80 {
		t.Fatalf("rows read back = %d", total)
	}
}

// TestExportPartitionsFromHostileRecords writes records whose account
// and region (fields any caller of an AWS API can influence in a
// forged log file) are path fragments: they land in the invalid
// partitions, inside the output directory, the row keeping the value.
func TestExportPartitionsFromHostileRecords(t *testing.T) {
	in := t.TempDir()
	rec := `{"Records":[` +
		`{"eventTime":"2026-03-01T00:00:00Z","eventName":"A","eventSource":"s3.amazonaws.com","recipientAccountId":"../../../../escaped","awsRegion":"eu-west-1"},` +
		`{"eventTime":"2026-03-01T00:00:00Z","eventName":"B","eventSource":"s3.amazonaws.com","recipientAccountId":"111122223333","awsRegion":"..\\..\\x/../../escaped"}]}`
	if err := os.WriteFile(filepath.Join(in, "f.json"), []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := OpenLocal(in)
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	out := filepath.Join(base, "a", "b", "out")
	res, err := Export(context.Background(), src, ExportOptions{Dir: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 {
		t.Fatalf("result = %+v", res)
	}
	for _, f := range res.Files {
		rel, err := filepath.Rel(out, f)
		if err != nil || !filepath.IsLocal(rel) || !strings.Contains(rel, "=invalid") {
			t.Errorf("file %s (rel %s)", f, rel)
		}
	}
	filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
		if err == nil && strings.Contains(p, "escaped") {
			t.Errorf("created %s", p)
		}
		return nil
	})
}
