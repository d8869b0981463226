package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
)

// embedded is the default demo organization as `go generate` wrote it.
//
//go:embed all:data
var embedded embed.FS

// Embedded returns the embedded demo tree (snapshot/, logarchive/,
// events/, planted.json) as a file system.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		panic(err) // "data" is a literal embedded directory
	}
	return sub
}

// WriteEmbedded writes the embedded demo organization under dir, byte for
// byte, files 0600 and directories 0700. The snapshot manifest is written
// last, as the generator does.
func WriteEmbedded(dir string) (int, error) {
	src := Embedded()
	manifest := path.Join(SnapshotDir, "manifest.json")
	fw := newFileWriter(dir, writerConcurrency())
	n := 0
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == manifest {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return fmt.Errorf("embedded demo %s: %w", p, err)
		}
		n++
		fw.put(p, b)
		return nil
	})
	if cerr := fw.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	b, err := fs.ReadFile(src, manifest)
	if err != nil {
		return n, fmt.Errorf("embedded demo %s: %w", manifest, err)
	}
	return n + 1, newFileWriter(dir, 0).write(manifest, b)
}
