package util

import "runtime"

// IsLinux reports whether the program was built for Linux (CUP is_linux).
func IsLinux() bool { return runtime.GOOS == "linux" }

// IsMac reports whether the program was built for macOS (CUP is_mac). It
// is false on FreeBSD and the other BSDs, unlike CUP's kqueue test.
func IsMac() bool { return runtime.GOOS == "darwin" }

// IsWindows reports whether the program was built for Windows (CUP
// is_windows).
func IsWindows() bool { return runtime.GOOS == "windows" }

// IsPosix reports whether the program was built for a Unix-like system
// (Go's "unix" build constraint: Linux, macOS, the BSDs, Solaris, AIX,
// ...), which is what CUP's needposix tested with os.name == 'posix'.
func IsPosix() bool { return isPosix }
