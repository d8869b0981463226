package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
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
	n := 0
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == manifest {
			return err
		}
		n++
		return copyOut(src, dir, p)
	})
	if err != nil {
		return n, err
	}
	return n + 1, copyOut(src, dir, manifest)
}

func copyOut(src fs.FS, dir, p string) error {
	b, err := fs.ReadFile(src, p)
	if err != nil {
		return fmt.Errorf("embedded demo %s: %w", p, err)
	}
	return writeFile(dir, filepath.FromSlash(p), b)
}
