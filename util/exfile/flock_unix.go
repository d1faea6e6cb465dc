//go:build linux || darwin

package exfile

import (
	"os"

	"golang.org/x/sys/unix"
)

const flockSupported = true

var errWouldBlock = unix.EWOULDBLOCK

func flockTry(f *os.File, t LockType) error {
	how := unix.LOCK_EX
	if t == LockShared {
		how = unix.LOCK_SH
	}
	for {
		err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
		if err != unix.EINTR {
			if err != nil {
				return os.NewSyscallError("flock", err)
			}
			return nil
		}
	}
}

func funlock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_UN)
		if err != unix.EINTR {
			if err != nil {
				return os.NewSyscallError("flock", err)
			}
			return nil
		}
	}
}
