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
	return readFD(fd, false, path, buf)
}

// readFD reads fd to its end into buf[:0], growing buf up to MaxFileSize.
// With at, it reads with pread from offset 0 (a kept file); otherwise with
// read from the current offset.
func readFD(fd int, at bool, path string, buf []byte) ([]byte, error) {
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
		var n int
		var err error
		if at {
			n, err = syscall.Pread(fd, buf[len(buf):cap(buf)], int64(len(buf)))
		} else {
			n, err = syscall.Read(fd, buf[len(buf):cap(buf)])
		}
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

// A keptFile is a system-wide file of the default mount (/proc/stat,
// /proc/vmstat, /proc/net/dev, ...) opened once and kept open for the
// life of the process, then re-read with pread from offset 0. The kernel's
// seq_file regenerates the content on every read at offset 0, so the
// bytes are the same as a fresh open/read/close would give, and the
// open(2) and close(2), about 6 µs of the 10–40 µs such a read costs on
// a virtual machine, are saved (see docs/benchmarks.md, ## res).
//
// The descriptor is O_CLOEXEC, so no child inherits it. One caller at a
// time uses it (mu, taken with TryLock): a concurrent caller opens the
// file itself, so two readers never interleave their preads of one
// seq_file. If the first open fails, every call opens the file itself, so
// errors are those of readInto. /proc/net/dev opened once reports the
// network namespace the process was in at that first read.
type keptFile struct {
	once sync.Once
	mu   sync.Mutex
	fd   int // -1 when the open failed
}

// keptFiles are the default files kept open, by path.
var keptFiles = func() map[string]*keptFile {
	m := make(map[string]*keptFile)
	for _, n := range []string{"stat", "meminfo", "swaps", "vmstat", "net/dev", "loadavg", "uptime"} {
		m[defaultFiles[n]] = &keptFile{fd: -1}
	}
	return m
}()

// readSystemFile is readInto for the system-wide files that withFile
// reads: the kept files of the default mount go through their kept
// descriptor, any other path through readInto.
func readSystemFile(path string, buf []byte) ([]byte, error) {
	k := keptFiles[path]
	if k == nil {
		return readInto(path, buf)
	}
	k.once.Do(func() {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == nil {
			k.fd = fd
		}
	})
	if k.fd < 0 || !k.mu.TryLock() {
		return readInto(path, buf)
	}
	defer k.mu.Unlock()
	return readFD(k.fd, true, path, buf)
}
