package demo

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// benchAccounts is the sweep of synthetic organization sizes (12 is the
// smallest synthetic organization, standing for 10).
var benchAccounts = []int{12, 100, 1000}

func benchOptions(n int) Options {
	return Options{Seed: 1, Accounts: n, Days: 1, EventsPerAccountDay: 40}
}

// BenchmarkGenerate measures synthetic organizations of growing size (one
// day of CloudTrail), as `orgrail demo generate --accounts N --days 1`
// makes them. Compare with BenchmarkWriteFilesBaseline from the same run:
// the ratio is the generator's own cost over the disk's.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range benchAccounts {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			var files int
			for b.Loop() {
				sum, err := Generate(context.Background(), b.TempDir(), benchOptions(n))
				if err != nil {
					b.Fatal(err)
				}
				// + manifest, org.json, planted.json, public-keys.json and the two event files
				files = sum.ServiceFiles + sum.LogFiles + 2*sum.DigestFiles + 6
			}
			b.ReportMetric(float64(files), "files/op")
		})
	}
}

// BenchmarkWriteFilesBaseline writes the files BenchmarkGenerate writes
// (same paths and bytes, generated once outside the timing) with plain
// os.MkdirAll and os.WriteFile from the same number of concurrent
// writers, and no generation work.
func BenchmarkWriteFilesBaseline(b *testing.B) {
	for _, n := range benchAccounts {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			src := b.TempDir()
			if _, err := Generate(context.Background(), src, benchOptions(n)); err != nil {
				b.Fatal(err)
			}
			dirs, files := readTree(b, src)
			for b.Loop() {
				if err := writeTree(b.TempDir(), dirs, files, writerConcurrency()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(files)), "files/op")
		})
	}
}

// readTree returns the directories (parents first) and files under root.
func readTree(b *testing.B, root string) ([]string, []output) {
	var dirs []string
	var files []output
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			dirs = append(dirs, rel)
			return nil
		}
		data, err := os.ReadFile(p)
		files = append(files, output{path: rel, data: data})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return dirs, files
}

func writeTree(root string, dirs []string, files []output, workers int) error {
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			return err
		}
	}
	jobs := make(chan output)
	var (
		wg   sync.WaitGroup
		once sync.Once
		werr error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				if err := os.WriteFile(filepath.Join(root, f.path), f.data, 0o600); err != nil {
					once.Do(func() { werr = err })
				}
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	return werr
}
