//go:build !unix

package trail

import (
	"io"
	"os"
)

// openRead opens a log file for one sequential read.
func openRead(path string) (io.ReadCloser, error) { return os.Open(path) }
