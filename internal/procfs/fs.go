package procfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/cupgo/cup/errs"
)

// DefaultMountPoint is where the kernel's proc filesystem is mounted.
const DefaultMountPoint = "/proc"

// MaxFileSize caps how much ReadFile reads from one pseudo-file. The
// largest files cup reads (/proc/stat on machines with thousands of CPUs,
// smaps of big processes) stay well below it.
const MaxFileSize = 64 << 20

// FS is a proc filesystem rooted at a mount point. The zero value reads
// /proc. FS is a value and safe for concurrent use.
type FS struct {
	root string
}

// NewFS returns an FS rooted at mountPoint; "" means /proc.
func NewFS(mountPoint string) FS {
	return FS{root: mountPoint}
}

// Root returns the mount point.
func (f FS) Root() string {
	if f.root == "" {
		return DefaultMountPoint
	}
	return f.root
}

// Path joins elem under the mount point.
func (f FS) Path(elem ...string) string {
	return filepath.Join(append([]string{f.Root()}, elem...)...)
}

// pidPath joins elem under the directory of pid.
func (f FS) pidPath(pid int, elem ...string) string {
	return filepath.Join(append([]string{f.Root(), strconv.Itoa(pid)}, elem...)...)
}

// ReadFile reads a whole pseudo-file without stat-ing it first, up to
// MaxFileSize bytes; a longer file is an error rather than a silent
// truncation.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 0, 4096)
	for {
		if len(buf) == cap(buf) {
			if cap(buf) >= MaxFileSize+1 {
				return nil, fmt.Errorf("read %s: file larger than %d bytes: %w", path, MaxFileSize, errs.ErrInvalidArgument)
			}
			newCap := 2 * cap(buf)
			if newCap > MaxFileSize+1 {
				newCap = MaxFileSize + 1
			}
			nb := make([]byte, len(buf), newCap)
			copy(nb, buf)
			buf = nb
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if len(buf) > MaxFileSize {
				return nil, fmt.Errorf("read %s: file larger than %d bytes: %w", path, MaxFileSize, errs.ErrInvalidArgument)
			}
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// AllPIDs lists the numeric entries of the mount point in directory
// order (ascending on Linux).
func (f FS) AllPIDs() ([]int, error) {
	d, err := os.Open(f.Root())
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", f.Root(), err)
	}
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if n == "" || n[0] < '0' || n[0] > '9' {
			continue
		}
		pid, err := strconv.Atoi(n)
		if err != nil || pid <= 0 {
			continue
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// pidError turns an OS error met while reading a file of pid into cup's
// errors: a vanished process becomes *errs.NoSuchProcessError, a refused
// read *errs.AccessDeniedError; anything else is wrapped with the path.
func pidError(pid int, path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ESRCH):
		return fmt.Errorf("read %s: %w", path, &errs.NoSuchProcessError{PID: pid})
	case errors.Is(err, fs.ErrPermission):
		return &errs.AccessDeniedError{Resource: path, Err: err}
	}
	return fmt.Errorf("read %s: %w", path, err)
}

// readPidFile reads one file of pid, mapping errors with pidError.
func (f FS) readPidFile(pid int, name string) ([]byte, error) {
	p := f.pidPath(pid, name)
	b, err := ReadFile(p)
	if err != nil {
		return nil, pidError(pid, p, err)
	}
	return b, nil
}

// readPidLink reads a symlink of pid (cwd, exe, root, fd/N).
func (f FS) readPidLink(pid int, name string) (string, error) {
	p := f.pidPath(pid, name)
	s, err := os.Readlink(p)
	if err != nil {
		return "", pidError(pid, p, err)
	}
	return s, nil
}
