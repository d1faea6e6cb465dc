//go:build !linux

package res

// supported is false: every function returns an error matching
// errs.ErrNotSupported.
const supported = false

func clockTicks() uint64 { return 100 }

func statfs(path string) (total, avail uint64, err error) {
	return 0, 0, errNotSupported("DiskUsage")
}

func pageSize() int { return 4096 }
