package net

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// readProcFile reads name into buf (reusing its capacity) with plain
// system calls: no stat (procfs reports size 0) and no *os.File, so a
// read allocates nothing but a larger buffer when needed.
func readProcFile(name string, buf []byte) ([]byte, error) {
	fd, err := unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return buf, fmt.Errorf("open %s: %w", name, err)
	}
	defer unix.Close(fd)
	for {
		if len(buf) == cap(buf) {
			if len(buf) >= maxRouteFile {
				return buf, fmt.Errorf("%s: larger than %d bytes", name, maxRouteFile)
			}
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return buf, fmt.Errorf("read %s: %w", name, err)
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
