//go:build !unix

package demo

import (
	"os"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// createFile writes b to the new file p, mode 0600.
func createFile(p string, b []byte) error {
	fh, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, snapshot.FileMode)
	if err != nil {
		return err
	}
	if _, err := fh.Write(b); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}
