package cli

import (
	"bytes"
	"io"
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
