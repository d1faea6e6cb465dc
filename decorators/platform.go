package decorators

import (
	"runtime"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/util"
)

// NeedLinux returns nil on Linux and otherwise an error matching
// [errs.ErrNotSupported] whose text says the system is not Linux (CUP
// needlinux, which raised DecoratorException).
func NeedLinux() error {
	if util.IsLinux() {
		return nil
	}
	return notOn("linux")
}

// NeedMac returns nil on macOS and otherwise an error matching
// [errs.ErrNotSupported] whose text says the system is not macOS (CUP
// needmac).
func NeedMac() error {
	if util.IsMac() {
		return nil
	}
	return notOn("macOS")
}

// NeedWindows returns nil on Windows and otherwise an error matching
// [errs.ErrNotSupported] whose text says the system is not Windows (CUP
// has no needwindows; added for symmetry).
func NeedWindows() error {
	if util.IsWindows() {
		return nil
	}
	return notOn("windows")
}

// NeedPosix returns nil on Unix-like systems and otherwise an error
// matching [errs.ErrNotSupported] whose text says the system is not
// POSIX-based (CUP needposix).
func NeedPosix() error {
	if util.IsPosix() {
		return nil
	}
	return errs.New(errs.ErrNotSupported,
		"not supported: the system (%s) is not posix-based", runtime.GOOS)
}

func notOn(want string) error {
	return errs.New(errs.ErrNotSupported,
		"not supported: the system (%s) is not %s; this functionality is only supported on %s",
		runtime.GOOS, want, want)
}
