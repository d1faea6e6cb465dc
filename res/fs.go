package res

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/procfs"
)

// Options say where the pseudo-filesystems are mounted. The zero value
// reads the live system.
type Options struct {
	// ProcRoot is the proc mount point; "" means "/proc".
	ProcRoot string
	// SysRoot is the sysfs mount point; "" means "/sys". Only CPUCount
	// reads it.
	SysRoot string
}

// FS reads resources under the mount points of its Options. It is safe
// for concurrent use. The boot time it reads first is kept (it does not
// change while the machine runs) to turn process start ticks into times.
type FS struct {
	proc procfs.FS
	sys  string

	bootMu sync.Mutex
	boot   uint64 // btime; 0 until read
}

// NewFS returns an FS for opts.
func NewFS(opts Options) *FS {
	sys := opts.SysRoot
	if sys == "" {
		sys = "/sys"
	}
	return &FS{proc: procfs.NewFS(opts.ProcRoot), sys: sys}
}

// defaultFS reads the live system; the package-level functions use it.
var defaultFS = NewFS(Options{})

// errNotSupported is what every function returns off Linux.
func errNotSupported(what string) error {
	return errs.New(errs.ErrNotSupported, "res.%s: only Linux is supported", what)
}

// bootTime returns btime, read once per FS.
func (f *FS) bootTime() (uint64, error) {
	f.bootMu.Lock()
	defer f.bootMu.Unlock()
	if f.boot != 0 {
		return f.boot, nil
	}
	b, err := f.proc.BootTime()
	if err != nil {
		return 0, err
	}
	f.boot = b
	return b, nil
}

// ticksToTime converts start ticks after boot into a wall-clock time.
func (f *FS) ticksToTime(ticks uint64) (time.Time, error) {
	boot, err := f.bootTime()
	if err != nil {
		return time.Time{}, err
	}
	hz := clockTicks()
	sec := ticks / hz
	nsec := (ticks % hz) * uint64(time.Second) / hz
	return time.Unix(int64(boot+sec), int64(nsec)), nil
}

// checkInterval rejects a non-positive interval.
func checkInterval(interval time.Duration) error {
	if interval <= 0 {
		return errs.New(errs.ErrInvalidArgument, "interval %v: want greater than 0", interval)
	}
	return nil
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("res: interval cut short: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// sysPath joins elem under the sys mount point.
func (f *FS) sysPath(elem ...string) string {
	return filepath.Join(append([]string{f.sys}, elem...)...)
}

// readSmall reads a small text file (sysfs, /proc/sys).
func readSmall(path string) (string, error) {
	b, err := procfs.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", errs.New(errs.ErrNotSupported, "read %s: %w", path, err)
		}
		return "", err
	}
	return string(b), nil
}
