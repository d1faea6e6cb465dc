//go:build linux

package shell

import "syscall"

func syscallKill(pid int) { syscall.Kill(pid, syscall.SIGKILL) }
