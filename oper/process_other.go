//go:build !linux

package oper

import (
	"context"
	"syscall"

	"github.com/cupgo/cup/errs"
)

func notLinux(what string) error {
	return errs.New(errs.ErrNotSupported, "oper: %s needs Linux's /proc", what)
}

// IsProcessRunning needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func IsProcessRunning(dir, name string) (bool, error) {
	return false, notLinux("is_process_running")
}

// GetPid needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func GetPid(processPath, pattern string) (int, error) { return 0, notLinux("get_pid") }

// IsProcAlive needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func IsProcAlive(name string, o ProcAliveOptions) (bool, error) {
	return false, notLinux("is_proc_alive")
}

// ProcessExists needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func ProcessExists(pid int) (bool, error) { return false, notLinux("process_exists") }

// Kill needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func Kill(ctx context.Context, dir, name string, sig syscall.Signal, killChildren bool) ([]int, error) {
	return nil, notLinux("kill")
}

// KillByName needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func KillByName(name string, sig syscall.Signal) ([]int, error) {
	return nil, notLinux("kill_byname")
}

// Kill9ByName needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func Kill9ByName(name string) ([]int, error) { return nil, notLinux("kill9_byname") }

// IsPortUsed needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func IsPortUsed(port int) (bool, error) {
	if err := checkPort(port); err != nil {
		return false, err
	}
	return false, notLinux("is_port_used")
}

// IsProcessUsedPort needs Linux; elsewhere it returns an error wrapping
// [errs.ErrNotSupported].
func IsProcessUsedPort(processPath string, port int) (bool, error) {
	return false, notLinux("is_process_used_port")
}
