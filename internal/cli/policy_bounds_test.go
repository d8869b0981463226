package cli

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zeros is an endless-looking reader of NUL bytes that counts what was
// read from it.
type zeros struct{ left, read int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > z.left {
		n = z.left
	}
	clear(p[:n])
	z.left -= n
	z.read += n
	return int(n), nil
}

// TestSimulateRequestOfNULsFailsFast gives `policy simulate --request -`
// 200 MB of NUL bytes. It must fail as bad input (exit 2) after reading
// a small prefix, with an error line that quotes at most ~200 bytes.
func TestSimulateRequestOfNULsFailsFast(t *testing.T) {
	z := &zeros{left: 200 << 20}
	var out, errb bytes.Buffer
	code := Main([]string{"policy", "simulate", "--request", "-"}, z, &out, &errb)
	if code != ExitUsage {
		t.Fatalf("exit %d, stderr %.300q", code, errb.String())
	}
	if z.read > 1<<20 {
		t.Errorf("read %d bytes before failing; want at most 1 MiB", z.read)
	}
	if errb.Len() > 1200 || !strings.Contains(errb.String(), "not a JSON object") {
		t.Errorf("error line of %d bytes: %.300q", errb.Len(), errb.String())
	}
}

// TestTrailScanGzipBombIsCapped scans a CloudTrail file of a few
// kilobytes that inflates to 8 MiB, with --max-decompressed 1MiB: the
// file is listed as unreadable (exit 3) with the cap named, and the
// good file beside it is still scanned.
func TestTrailScanGzipBombIsCapped(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"Records":[` + strings.Repeat(" ", 8<<20) + `]}`))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "bomb.json.gz"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	good := `{"Records":[{"eventTime":"2026-01-01T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventID":"e1","recipientAccountId":"111122223333"}]}`
	if err := os.WriteFile(filepath.Join(dir, "good.json"), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runTrail(t, "trail", "scan", "--source", dir, "--output", "jsonl", "--fail-on", "none", "--max-decompressed", "1MiB")
	if code != ExitPartial || !strings.Contains(stderr, "bomb.json.gz") || !strings.Contains(stderr, "--max-decompressed") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(out, `"eventId":"e1"`) {
		t.Fatalf("good file not scanned: %q", out)
	}
}
