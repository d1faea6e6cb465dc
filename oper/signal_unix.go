//go:build unix

package oper

import (
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
)

// maxSignal is the highest signal number accepted (SIGRTMAX on Linux).
const maxSignal = 64

// ParseSignal turns CUP's kill "sign" strings into a signal: "" is
// SIGTERM; "9" and "-9" are SIGKILL; "SIGSTOP", "19", "-19" SIGSTOP;
// "SIGCONT", "18", "-18" SIGCONT; more generally any signal number, with
// or without a leading "-", and any signal name with or without the SIG
// prefix, in any case ("HUP", "sigkill"). Numbers are those of the
// running system (the ones above are Linux's). Anything else, including
// 0, is an error wrapping [errs.ErrInvalidArgument] (CUP logged "sign
// error" and sent nothing).
func ParseSignal(s string) (syscall.Signal, error) {
	if s == "" {
		return syscall.SIGTERM, nil
	}
	if digits := strings.TrimPrefix(s, "-"); digits != "" && strings.Trim(digits, "0123456789") == "" {
		n, err := strconv.Atoi(digits)
		if err != nil || n <= 0 || n > maxSignal {
			return 0, errs.New(errs.ErrInvalidArgument, "oper: invalid signal number %q", s)
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, errs.New(errs.ErrInvalidArgument, "oper: unknown signal %q", s)
}
