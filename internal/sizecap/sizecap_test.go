package sizecap

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1 << 20, "512KiB": 512 << 10, "64MiB": 64 << 20, "2GiB": 2 << 30, "3G": 3 << 30, " 8 MB ": 8 << 20} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "1TB", "lots", "9999999999GiB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func TestReaderStopsAtTheCap(t *testing.T) {
	b, err := io.ReadAll(Reader(strings.NewReader("0123456789"), 10))
	if err != nil || string(b) != "0123456789" {
		t.Fatalf("exactly the cap: %q, %v", b, err)
	}
	b, err = io.ReadAll(Reader(strings.NewReader("0123456789x"), 10))
	if !errors.Is(err, ErrTooLarge) || len(b) != 10 || !strings.Contains(err.Error(), EnvMaxDecompressed) {
		t.Fatalf("past the cap: %d bytes, %v", len(b), err)
	}
}

func TestMaxDecompressedSources(t *testing.T) {
	t.Setenv(EnvMaxDecompressed, "")
	if MaxDecompressed() != DefaultMaxDecompressed {
		t.Fatal("default")
	}
	t.Setenv(EnvMaxDecompressed, "5MiB")
	if MaxDecompressed() != 5<<20 {
		t.Fatal("environment")
	}
	SetMaxDecompressed(7)
	defer SetMaxDecompressed(0)
	if MaxDecompressed() != 7 {
		t.Fatal("override")
	}
}
