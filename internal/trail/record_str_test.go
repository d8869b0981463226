package trail

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestStopIn checks the eight-byte test against strStop, byte by byte:
// every byte value at every position among plain bytes, and random words.
func TestStopIn(t *testing.T) {
	check := func(w uint64) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], w)
		want := false
		for _, c := range b {
			want = want || strStop[c]
		}
		if got := stopIn(w); got != want {
			t.Fatalf("%q: stopIn %v, byte by byte %v", b, got, want)
		}
	}
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			b := []byte("abcdefgh")
			b[pos] = byte(c)
			check(binary.LittleEndian.Uint64(b))
			for _, fill := range []byte{0x20, 0x7f, 0x80, 0xff, '!', '#', '[', ']'} {
				for i := range b {
					if i != pos {
						b[i] = fill
					}
				}
				check(binary.LittleEndian.Uint64(b))
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1_000_000; i++ {
		check(r.Uint64())
	}
}
