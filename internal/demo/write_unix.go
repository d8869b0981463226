//go:build unix

package demo

import (
	"errors"
	"syscall"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// createFile writes b to the new file p, mode 0600 (a umask can only
// remove bits), in three system calls. os.OpenFile would add five more
// per file (registering a regular file with the network poller fails
// after switching it to non-blocking mode and back), which shows on an
// output of 60,000 small files.
func createFile(p string, b []byte) error {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(p, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, snapshot.FileMode)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		return err
	}
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return err
		}
		b = b[n:]
	}
	return syscall.Close(fd)
}
