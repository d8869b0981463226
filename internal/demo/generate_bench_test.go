package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkGenerate measures synthetic organizations of growing size
// (one day of CloudTrail), and BenchmarkWriteFilesBaseline writes the
// same number of small files with nothing else, so that the ratio
// between them shows the generator's own cost on a given disk.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for b.Loop() {
				dir := b.TempDir()
				sum, err := Generate(context.Background(), dir, Options{Seed: 1, Accounts: n, Days: 1, EventsPerAccountDay: 40})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(sum.ServiceFiles+2*sum.DigestFiles+sum.LogFiles), "files/op")
			}
		})
	}
}

func BenchmarkWriteFilesBaseline(b *testing.B) {
	for _, n := range []int{100, 1000} {
		files := n*44 + n*9 // service files plus CloudTrail logs, digests and signatures, as in BenchmarkGenerate
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			payload := make([]byte, 700)
			for b.Loop() {
				dir := b.TempDir()
				for i := range files {
					p := filepath.Join(dir, fmt.Sprint(i/44), fmt.Sprint(i%44))
					if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
						b.Fatal(err)
					}
					if err := os.WriteFile(p, payload, 0o600); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
