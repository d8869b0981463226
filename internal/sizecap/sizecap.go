// Package sizecap bounds what orgrail reads from untrusted input: the
// decompressed size of one object (a CloudTrail log file, an AWS Config
// snapshot file, a snapshot service file), so that a small gzip bomb
// cannot take the machine's memory or hours of CPU.
package sizecap

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
)

// EnvMaxDecompressed names the environment variable that sets the cap
// (bytes, or with a KiB, MiB or GiB suffix).
const EnvMaxDecompressed = "ORGRAIL_MAX_DECOMPRESSED"

// DefaultMaxDecompressed is the cap when nothing sets it: 1 GiB, about
// 20 times the largest CloudTrail log file AWS delivers.
const DefaultMaxDecompressed int64 = 1 << 30

// ErrTooLarge is wrapped by the error of a reader past its cap.
var ErrTooLarge = errors.New("too large")

var override atomic.Int64

// SetMaxDecompressed sets the cap for this process (the global
// --max-decompressed flag); 0 restores the environment or the default.
func SetMaxDecompressed(n int64) { override.Store(n) }

// MaxDecompressed returns the cap: SetMaxDecompressed, else
// ORGRAIL_MAX_DECOMPRESSED, else DefaultMaxDecompressed. A value of the
// variable that does not parse is ignored (the CLI checks it at start).
func MaxDecompressed() int64 {
	if n := override.Load(); n > 0 {
		return n
	}
	if v := os.Getenv(EnvMaxDecompressed); v != "" {
		if n, err := ParseSize(v); err == nil {
			return n
		}
	}
	return DefaultMaxDecompressed
}

// ParseSize reads a positive byte count: 1048576, 512KiB, 64MiB, 2GiB
// (KB, MB, GB and K, M, G are taken as the same binary units).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix []string
		mult   int64
	}{{[]string{"GiB", "GB", "G"}, 1 << 30}, {[]string{"MiB", "MB", "M"}, 1 << 20}, {[]string{"KiB", "KB", "K"}, 1 << 10}} {
		for _, suf := range u.suffix {
			if rest, ok := strings.CutSuffix(t, suf); ok {
				t, mult = strings.TrimSpace(rest), u.mult
				goto parsed
			}
		}
	}
parsed:
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a positive number of bytes, optionally with KiB, MiB or GiB", s)
	}
	return n * mult, nil
}

// Reader returns r limited to limit bytes: reading past them fails with
// an error (wrapping ErrTooLarge) that says what was being read and how
// to raise the cap.
func Reader(r io.Reader, limit int64) io.Reader {
	return &capped{r: r, left: limit, limit: limit}
}

type capped struct {
	r     io.Reader
	left  int64
	limit int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a stream of exactly limit bytes from a
		// longer one.
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n == 0 {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("more than %d bytes once decompressed (raise the cap with --max-decompressed or %s): %w",
			c.limit, EnvMaxDecompressed, ErrTooLarge)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
