// Command democopy is the baseline of bench/demo.sh: it reads a tree that
// `orgrail demo generate` wrote into memory and writes the same files (same
// paths, sizes and bytes, files 0600, directories 0700) under a fresh
// directory, with the same number of concurrent writers as the generator
// and no generation work, then prints the seconds the writing took.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

type file struct {
	rel  string
	data []byte
}

func main() {
	src := flag.String("from", "", "tree to copy (read into memory first, not timed)")
	dst := flag.String("to", "", "fresh directory to write")
	workers := flag.Int("workers", 4*runtime.GOMAXPROCS(0), "concurrent writers")
	flag.Parse()
	if *src == "" || *dst == "" {
		fmt.Fprintln(os.Stderr, "usage: democopy -from DIR -to DIR [-workers N]")
		os.Exit(2)
	}
	var files []file
	var dirs []string
	err := filepath.WalkDir(*src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(*src, p)
		if d.IsDir() {
			dirs = append(dirs, rel)
			return nil
		}
		b, err := os.ReadFile(p)
		files = append(files, file{rel, b})
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "democopy:", err)
		os.Exit(1)
	}
	start := time.Now()
	if err := write(*dst, dirs, files, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "democopy:", err)
		os.Exit(1)
	}
	size := 0
	for _, f := range files {
		size += len(f.data)
	}
	fmt.Printf("%.3f s to write %d files (%d bytes) in %d directories\n", time.Since(start).Seconds(), len(files), size, len(dirs))
}

// write makes every directory once (parents first, as WalkDir listed
// them), then writes the files from a pool of workers.
func write(dst string, dirs []string, files []file, workers int) error {
	for _, d := range dirs {
		if err := os.Mkdir(filepath.Join(dst, d), 0o700); err != nil && !os.IsExist(err) {
			return err
		}
	}
	jobs := make(chan file, 4*workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				if err := os.WriteFile(filepath.Join(dst, f.rel), f.data, 0o600); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}
