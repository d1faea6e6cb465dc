//go:build !linux

package procfs

// clockBootTime is only available on Linux; callers read /proc/stat.
func clockBootTime() (uint64, bool) { return 0, false }
