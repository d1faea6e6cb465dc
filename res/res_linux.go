//go:build linux

package res

import (
	"encoding/binary"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// supported is true where /proc is what this package reads.
const supported = true

// clockTicks returns USER_HZ, the unit of /proc times: AT_CLKTCK from the
// process's auxiliary vector, 100 if it cannot be read.
var clockTicks = sync.OnceValue(func() uint64 {
	b, err := os.ReadFile("/proc/self/auxv")
	if err != nil {
		return 100
	}
	const atClkTck = 17
	word := strconv.IntSize / 8
	get := func(b []byte) uint64 {
		if word == 4 {
			return uint64(binary.NativeEndian.Uint32(b))
		}
		return binary.NativeEndian.Uint64(b)
	}
	for len(b) >= 2*word {
		k, v := get(b), get(b[word:])
		b = b[2*word:]
		if k == 0 {
			break
		}
		if k == atClkTck && v > 0 {
			return v
		}
	}
	return 100
})

// statfs returns total, free-to-unprivileged and free blocks in bytes.
func statfs(path string) (total, avail uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, &os.PathError{Op: "statfs", Path: path, Err: err}
	}
	return st.Blocks * uint64(st.Frsize), st.Bavail * uint64(st.Frsize), nil
}

func pageSize() int { return os.Getpagesize() }
