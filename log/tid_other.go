//go:build !linux

package log

// gettid returns 0: only Linux has a cheap thread id.
func gettid() int { return 0 }
