//go:build unix

package procfs

import (
	"fmt"
	"os"
	"sync"
	"syscall"

	"github.com/cupgo/cup/errs"
)

// bufPool holds read buffers for ReadInto's callers that only need the
// bytes while they parse them.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

// getBuf returns a pooled buffer; putBuf gives it back unless it grew
// past 1 MiB (so one huge smaps does not stay in memory).
func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > 1<<20 {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// readInto reads the whole file at path into buf[:0], growing it as
// needed up to MaxFileSize. It uses open/read/close system calls directly:
// no stat (procfs reports sizes of 0 or 4096), no *os.File, no poller
// registration. Errors are *os.PathError values, so errors.Is works with
// fs.ErrNotExist and fs.ErrPermission.
func readInto(path string, buf []byte) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return buf, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	buf = buf[:0]
	if cap(buf) == 0 {
		buf = make([]byte, 0, 4096)
	}
	for {
		if len(buf) == cap(buf) {
			if cap(buf) > MaxFileSize {
				return buf, fmt.Errorf("read %s: file larger than %d bytes: %w", path, MaxFileSize, errs.ErrInvalidArgument)
			}
			newCap := 2 * cap(buf)
			if newCap > MaxFileSize+1 {
				newCap = MaxFileSize + 1
			}
			nb := make([]byte, len(buf), newCap)
			copy(nb, buf)
			buf = nb
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			if len(buf) > MaxFileSize {
				return buf, fmt.Errorf("read %s: file larger than %d bytes: %w", path, MaxFileSize, errs.ErrInvalidArgument)
			}
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
